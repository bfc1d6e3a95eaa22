"""Issue 11, the search index's cost: the rebuild reads each predicate once, types and concepts one object at a
time (so the store decodes only their subjects), and runs without the cycle collector. What it builds must be
what the graph says: checked here against SPARQL written apart, on the real shared Retraction Watch rows plus
the demo notices, over the embedded store (`retractkg index`) and a SPARQL server (the Python API).
"""

from __future__ import annotations

import gc
import sqlite3
from pathlib import Path

import pytest
import servers

from retractkg.cli import main
from retractkg.config import Settings
from retractkg.ingest.pipeline import ingest
from retractkg.store import OxigraphStore, text_index
from retractkg.store.remote import RemoteSparqlStore

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
COVID = SHARED / "retraction-watch" / "rw_covid19_subset_dev_rawformat.csv"
pytestmark = pytest.mark.skipif(not COVID.exists(), reason="../shared is not beside the checkout")
RKG, SCHEMA = "https://w3id.org/retractkg/ontology#", "http://schema.org/"
# The kinds of row, a resource of two kinds being the first of them (README "Search"; `text_index.KINDS`).
CLASSES = {RKG + "Notice": "notice", RKG + "Article": "article", SCHEMA + "Person": "person"}
FACET_OF = {"nature": RKG + "nature", "reason": RKG + "reason"}


def expected_rows(store) -> list[tuple[str, str]]:
    """(IRI, kind) of every resource the index must hold, each once."""
    kinds: dict[str, str] = {}
    order = list(CLASSES.values())
    values = " ".join(f"<{c}>" for c in sorted({*CLASSES, SCHEMA + "Periodical"}))
    for row in store.query(f"SELECT DISTINCT ?s ?c WHERE {{ VALUES ?c {{ {values} }} ?s a ?c }}"):
        kind = CLASSES.get(row[1].value)
        if kind and (row[0].value not in kinds or order.index(kind) < order.index(kinds[row[0].value])):
            kinds[row[0].value] = kind
    return list(kinds.items())


def memberships(store, predicate: str) -> set[tuple[str, str]]:
    return {(row[0].value, row[1].value) for row in store.query(
        f"SELECT DISTINCT ?n ?x WHERE {{ ?n a <{RKG}Notice> ; <{predicate}> ?x }}")}


def assert_index_holds_the_graph(index: Path, store) -> None:
    connection = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT rowid, iri, kind FROM docs ORDER BY rowid").fetchall()
        notices = connection.execute("SELECT count(*) FROM notice").fetchone()[0]
        facets = {facet: set(connection.execute(
            "SELECT n.iri, t.value FROM notice_term nt JOIN term t ON t.id = nt.term JOIN notice n ON n.id = nt.notice "
            "WHERE t.facet = ?", (facet,))) for facet in FACET_OF}
    finally:
        connection.close()
    expected = expected_rows(store)
    assert len(rows) == len(expected) and notices == sum(kind == "notice" for _, kind in expected)
    assert {(iri, kind) for _, iri, kind in rows} == set(expected)  # no resource lost, none of the wrong kind
    # Articles and people are numbered after the notices by IRI (an order of values, not of the statements read).
    assert [(iri, kind) for _, iri, kind in rows[notices:]] == sorted(row for row in expected if row[1] != "notice")
    for facet, predicate in FACET_OF.items():
        expected_members = memberships(store, predicate)
        assert expected_members and facets[facet] == expected_members, facet


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("index-reads") / "store"
    assert main(["ingest", str(COVID), "--demo", "--quiet", "--store", str(path)]) == 0
    return path


def test_the_index_a_cli_ingest_keeps_holds_every_typed_resource_and_concept(store_path):
    with OxigraphStore(store_path, read_only=True) as store:
        assert_index_holds_the_graph(store_path / "search.sqlite3", store)


def test_a_rebuild_over_a_sparql_server_holds_the_same(tmp_path):
    with servers.oxigraph_server() as server:
        store = RemoteSparqlStore(server.query_url, server.update_url)
        report = ingest(store, [COVID], Settings())
        assert report.added and not report.errors
        index = tmp_path / "remote.sqlite3"
        assert text_index.rebuild(store, index) > 0
        assert_index_holds_the_graph(index, store)


def test_a_rebuild_collects_no_cycles_and_leaves_the_collector_as_it_was(store_path, tmp_path):
    """Its many allocations would trigger collections that walk every statement held; none runs, and the collector
    is on (or off) afterwards as before, also when the rebuild fails."""
    collections: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    with OxigraphStore(store_path, read_only=True) as store:
        assert gc.isenabled()
        gc.callbacks.append(count)
        try:
            text_index.rebuild(store, tmp_path / "on.sqlite3")
        finally:
            gc.callbacks.remove(count)
        assert collections == [] and gc.isenabled()
        gc.disable()
        try:
            text_index.rebuild(store, tmp_path / "off.sqlite3")
            assert not gc.isenabled()
        finally:
            gc.enable()
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("")
        with pytest.raises(OSError):
            text_index.rebuild(store, blocker / "index.sqlite3")
        assert gc.isenabled()
