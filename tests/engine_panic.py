"""Data on which pyoxigraph 0.5.13 aborts the process (a Rust sort panic in ORDER BY), for the tests that
prove a query's crash never takes the server down. Whether the sort panics depends on the order in which
the store hands it the terms, so the report's in-memory set (scripts/pyoxigraph_sort_panic.py) is not
used here: these 48 literals abort it in an on-disk store, with or without other graphs beside them."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat

from retractkg.store import OxigraphStore

DATA = Path(__file__).resolve().parent / "fixtures" / "pyoxigraph_sort_panic_on_disk.nt"
GRAPH = "https://example.org/graph/sort-panic"
QUERY = "SELECT ?o WHERE { ?s <http://ex.org/p> ?o } ORDER BY DESC(?o)"


def add_to(store_path: Path) -> None:
    """Put the data in its own graph of the store (which no process may hold open meanwhile)."""
    with OxigraphStore(store_path) as store:
        store.oxigraph.load(DATA.read_bytes(), RdfFormat.N_TRIPLES, to_graph=NamedNode(GRAPH))


def still_aborts() -> bool:
    """Whether this pyoxigraph still aborts on it (in a child process, on a scratch store)."""
    folder = Path(tempfile.mkdtemp(prefix="engine-panic-"))
    try:
        add_to(folder / "store")
        child = ("import sys\nfrom pyoxigraph import Store\n"
                 "list(Store.read_only(sys.argv[1]).query(sys.argv[2], use_default_graph_as_union=True))\n")
        done = subprocess.run([sys.executable, "-c", child, str(folder / "store"), QUERY], capture_output=True,
                              env={"RUST_BACKTRACE": "0"})
        return done.returncode != 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)
