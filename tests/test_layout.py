"""The layout's import rules (the contracts in pyproject.toml), checked with import-linter.

ontology/, ingest/ and api/ install as subpackages of retractkg (pyproject's package-dir), but on
disk they sit beside retractkg/, where import-linter cannot find them; so the test lays the sources
out as they install (a copy, in a temporary folder) and runs `lint-imports` on that.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def installed_layout(target: Path) -> Path:
    """The .py files of every package at the path it installs under, as pyproject maps them."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    for package, folder in setuptools["package-dir"].items():
        shutil.copytree(ROOT / folder, target.joinpath(*package.split(".")), dirs_exist_ok=True,
                        ignore=lambda _, names: [n for n in names if not n.endswith(".py") and "." in n])
    return target


def lint_imports(tree: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT_IMPORTS), str(config), "--no-cache"], cwd=tree, env=env,
                          capture_output=True, text=True, timeout=300)


def test_every_import_contract_is_kept(tmp_path):
    tree = installed_layout(tmp_path / "src")
    result = lint_imports(tree, ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: " in result.stdout and " broken" in result.stdout  # the contracts did run


def test_a_forbidden_import_breaks_its_contract(tmp_path):
    """The check can fail: the ontology importing ingest (as it once did for one constant) is reported."""
    tree = installed_layout(tmp_path / "src")
    reasons = tree / "retractkg" / "ontology" / "reasons.py"
    reasons.write_text(reasons.read_text() + "\nfrom retractkg.ingest import pipeline  # noqa\n")
    result = lint_imports(tree, ROOT / "pyproject.toml")
    assert result.returncode == 1
    assert "The ontology imports nothing of ours BROKEN" in result.stdout
    assert "retractkg.ontology.reasons -> retractkg.ingest.pipeline" in result.stdout


def test_the_cli_shares_no_serialisation_with_the_api(tmp_path):
    """The CLI writes its JSON-LD export through what lies below both; reaching into an API module again
    (as `export --format jsonld` once did for the dumps) is reported, while serving the app is allowed."""
    tree = installed_layout(tmp_path / "src")
    cli = tree / "retractkg" / "cli.py"
    cli.write_text(cli.read_text() + "\nfrom retractkg.api.dumps import jsonld_dump  # noqa\n")
    result = lint_imports(tree, ROOT / "pyproject.toml")
    assert result.returncode == 1
    assert "The CLI imports the API only to serve it" in result.stdout
    assert "retractkg.cli -> retractkg.api.dumps" in result.stdout
