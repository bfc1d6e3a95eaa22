# Two entry points, as the README opens with: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test install lint

$(BIN)/retractkg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/retractkg

# Ingest the bundled demo notices into the embedded store and serve them on http://127.0.0.1:8000/
demo: install
	$(BIN)/retractkg ingest --demo
	$(BIN)/retractkg serve

# Install everything the tests need (Python packages, and the real servers and clients they run)
# and run the whole suite.
test: install
	bash scripts/install_test_deps.sh
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
