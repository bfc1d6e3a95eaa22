"""`retractkg serve` as a process: one that owns its store, several read-only workers, and stores it cannot open."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest
from servers import serving

from retractkg.api.sparql_limits import DEFAULT_WORKERS
from retractkg.cli import main
from retractkg.config import Settings
from retractkg.store import OxigraphStore

SEED_ARTICLE = "/doc/article/10.1186/s12951-022-01520-8"
COUNT_RETRACTIONS = "SELECT (COUNT(*) AS ?n) WHERE { ?notice <http://purl.org/spar/cito/retracts> ?article }"


def serve(store: Path, *options: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "retractkg.cli", "serve", "--store", str(store), "--port", "0",
                           *options], capture_output=True, text=True, timeout=timeout)


def test_settings_reach_workers_through_the_environment_unchanged(monkeypatch, tmp_path):
    for variable in Settings().environment():
        monkeypatch.delenv(variable, raising=False)
    assert Settings.from_env() == Settings()
    settings = Settings(base="https://example.org/kg/", store_path=tmp_path / "store",
                        sparql_query_url="http://localhost:7878/query", sparql_update_url="http://localhost:7878/update",
                        sparql_user="reader", sparql_password="secret", query_timeout=2.5, max_result_rows=42)
    for variable, value in settings.environment().items():
        monkeypatch.setenv(variable, value)
    assert Settings.from_env() == settings
    assert Settings.from_env(store_path=Path("elsewhere"), base=None) == replace(settings, store_path=Path("elsewhere"))


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("serve") / "store"
    assert main(["ingest", "--demo", "--quiet", "--store", str(store)]) == 0
    return store


def test_a_store_held_by_another_process_is_a_one_line_error(tmp_path):
    store_dir = tmp_path / "store"
    with OxigraphStore(store_dir):  # this process holds the store's lock
        done = serve(store_dir)
    assert done.returncode == 1
    assert f"cannot open the store at {store_dir}" in done.stderr
    assert "Traceback" not in done.stderr


def test_workers_need_an_existing_store_and_a_positive_count(tmp_path, demo_store):
    missing = serve(tmp_path / "none", "--workers", "2")
    assert missing.returncode == 2
    assert f"no store at {tmp_path / 'none'}" in missing.stderr
    assert "Traceback" not in missing.stderr
    assert not (tmp_path / "none").exists()  # a read-only open creates nothing
    zero = serve(demo_store, "--workers", "0")
    assert zero.returncode == 2
    assert "--workers must be at least 1" in zero.stderr


def test_two_workers_serve_sparql_and_documents_from_the_same_store(tmp_path, demo_store):
    log = tmp_path / "serve.log"
    with serving(demo_store, log, "--workers", "2") as (base, process):
        workers = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        assert len(workers) >= 2, log.read_text()
        request = urllib.request.Request(base + "/sparql?" + urllib.parse.urlencode({"query": COUNT_RETRACTIONS}),
                                         headers={"Accept": "text/csv"})
        for _ in range(6):  # several connections, so that both workers answer some
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.read().decode().split() == ["n", "3"]
        document = urllib.request.Request(base + SEED_ARTICLE, headers={"Accept": "text/turtle"})
        with urllib.request.urlopen(document, timeout=10) as response:
            assert response.headers["Content-Type"].startswith("text/turtle")
            assert "Copper-based metal organic framework" in response.read().decode()


def test_runaway_aggregates_are_set_aside_and_the_endpoint_keeps_serving(tmp_path, demo_store):
    """pyoxigraph cannot interrupt an aggregate over a cross product; as many of them as there are query
    threads must still leave the endpoint answering others (a server process, so that the runaways end
    with it)."""

    def status(url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as e:
            return e.code

    with serving(demo_store, tmp_path / "serve.log", env={"RETRACTKG_QUERY_TIMEOUT": "1"}) as (base, _):
        sparql = base + "/sparql?"
        runaway = sparql + urllib.parse.urlencode(
            {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
        with ThreadPoolExecutor(DEFAULT_WORKERS) as pool:
            # Each is stopped: at its deadline (503), or sooner once two long queries run (429).
            assert set(pool.map(status, [runaway] * DEFAULT_WORKERS)) <= {429, 503}
        assert status(sparql + urllib.parse.urlencode({"query": COUNT_RETRACTIONS})) == 200
