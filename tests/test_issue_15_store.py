"""Issue 15, item 13: the store folder after a failed bulk load, and a store that a server holds.

Real processes throughout: `retractkg serve` (one writable process, or read-only workers), an ingest
killed during a bulk load, and the CLI's own commands run while a server holds the store.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_serve_cli import COUNT_RETRACTIONS, serving

from retractkg.cli import main
from retractkg.store import OxigraphStore

# A child that bulk-loads 3 million quads into the store: Oxigraph writes them to bulk-*.sst files first.
BULK_LOAD = """
import sys
from pyoxigraph import RdfFormat
from retractkg.store import OxigraphStore
store = OxigraphStore(sys.argv[1])
data = b"".join(b"<http://e/s%d> <http://e/p> \\"%d\\" <http://e/g%d> .\\n" % (i, i, i % 100) for i in range(3_000_000))
print("loading", flush=True)
store.oxigraph.bulk_load(data, RdfFormat.N_QUADS, lenient=True)
"""


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("held") / "store"
    assert main(["ingest", "--demo", "--quiet", "--store", str(store)]) == 0
    return store


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "retractkg.cli", *args], capture_output=True, text=True, timeout=120)


def killed_loader(store: Path, script: str, *, more_than: int, bound: float) -> tuple[list[Path], bool]:
    """Run `script` (a child loading into `store`), kill it once it has written more than `more_than` bulk files
    (or ended, or `bound` seconds passed): the bulk files it left, and whether it was still loading."""
    loader = subprocess.Popen([sys.executable, "-c", script, str(store)], stdout=subprocess.PIPE)
    try:
        assert loader.stdout.readline() == b"loading\n"
        deadline = time.monotonic() + bound  # a bound on waiting, not a measured duration
        while (len(list(store.glob("bulk-*.sst"))) <= more_than and loader.poll() is None
               and time.monotonic() < deadline):
            time.sleep(0.01)
        was_loading = loader.poll() is None
    finally:
        loader.kill()
        loader.wait()
    return list(store.glob("bulk-*.sst")), was_loading


def test_bulk_files_left_by_a_killed_load_are_removed_at_the_next_writable_open(tmp_path):
    store = tmp_path / "store"
    assert main(["ingest", "--demo", "--quiet", "--store", str(store)]) == 0
    leftovers, _ = killed_loader(store, BULK_LOAD, more_than=0, bound=120)
    assert leftovers, "the load ended before it wrote a bulk file"
    with OxigraphStore(store, read_only=True):  # reading changes nothing
        pass
    assert all(p.exists() for p in leftovers)
    assert main(["ingest", "--demo", "--quiet", "--store", str(store)]) == 0
    assert not list(store.glob("bulk-*.sst"))
    assert cli("query", "--store", str(store), COUNT_RETRACTIONS, "--format", "csv").stdout.split() == ["n", "3"]


# A child that bulk-loads 2.5 million quads (three of the loader's chunks of a million) into graphs of its own.
CHUNKED_LOAD = """
import sys
from retractkg.store import OxigraphStore
store = OxigraphStore(sys.argv[1])
data = b"".join(b"<http://e/s%d> <http://e/chunked> \\"%d\\" <http://e/c%d> .\\n" % (i, i, i % 100)
                for i in range(2_500_000))
print("loading", flush=True)
store.replace_graphs_nquads({"http://e/c0": data})
"""
FILES_PER_CHUNK = 8  # the strings, the graph names and six quad indexes, for quads in named graphs


def test_a_bulk_load_of_several_chunks_killed_before_its_end_stores_none_of_them(tmp_path):
    """Ingest writes a batch of any size as one bulk load because the loader keeps every chunk's files until the
    input ends and ingests them at once; a loader that ingested each chunk as it went would have stored the
    first by the time the third's files are written."""
    store = tmp_path / "store"
    assert main(["ingest", "--demo", "--quiet", "--store", str(store)]) == 0
    leftovers, was_loading = killed_loader(store, CHUNKED_LOAD, more_than=2 * FILES_PER_CHUNK, bound=300)
    assert was_loading, "the load ended before its third chunk's files were written"
    assert len(leftovers) > 2 * FILES_PER_CHUNK
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <http://e/chunked> ?o } }"
    assert cli("query", "--store", str(store), count, "--format", "csv").stdout.split() == ["n", "0"]
    assert cli("query", "--store", str(store), COUNT_RETRACTIONS, "--format", "csv").stdout.split() == ["n", "3"]


def test_an_ingest_is_refused_while_read_only_workers_serve_the_store_naming_the_server(tmp_path, demo_store):
    with serving(demo_store, tmp_path / "serve.log", "--workers", "2") as (base, process):
        refused = cli("ingest", "--demo", "--quiet", "--store", str(demo_store))
        assert refused.returncode == 1
        assert f"cannot open the store at {demo_store}: retractkg serve (pid {process.pid}, serving {base}/)" \
               in refused.stderr
        assert "Traceback" not in refused.stderr


@pytest.mark.parametrize("workers", ["1", "2"])
def test_read_commands_work_while_a_server_holds_the_store(tmp_path, demo_store, workers):
    with serving(demo_store, tmp_path / "serve.log", "--workers", workers) as (base, process):
        query = cli("query", "--store", str(demo_store), COUNT_RETRACTIONS, "--format", "csv")
        assert query.returncode == 0, query.stderr
        assert query.stdout.split() == ["n", "3"]
        exported = cli("export", "--store", str(demo_store), "--format", "nquads")
        assert exported.returncode == 0, exported.stderr
        assert "s12951-022-01520-8" in exported.stdout
        validated = cli("validate", "--quiet", "--store", str(demo_store))
        assert validated.returncode == 0, validated.stderr
        if workers == "1":  # one process serves from a writable store: a writer is refused, naming it
            refused = cli("ingest", "--demo", "--quiet", "--store", str(demo_store))
            assert refused.returncode == 1
            assert f"retractkg serve (pid {process.pid}, serving {base}/)" in refused.stderr


def test_a_server_is_refused_while_an_ingest_writes_the_store(tmp_path):
    store = tmp_path / "store"
    assert main(["ingest", "--demo", "--quiet", "--store", str(store)]) == 0
    with OxigraphStore(store, role="retractkg ingest"):
        refused = cli("serve", "--store", str(store), "--workers", "2", "--port", "0")
    assert refused.returncode == 1
    assert f"cannot open the store at {store}: retractkg ingest (pid {os.getpid()})" in refused.stderr
    assert "Traceback" not in refused.stderr
