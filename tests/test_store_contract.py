"""One contract for every store backend: the embedded store, an Oxigraph server and Virtuoso.

Each backend is reached the way a user reaches it: settings from the environment
(`RETRACTKG_STORE`, or `RETRACTKG_SPARQL_QUERY_URL` & co.), `open_store`, the ingest pipeline and the
`retractkg` CLI. The same records go into each, and the answers must be those of an in-memory
embedded reference store holding the same records. Servers are started once per session
(tests/servers.py); each test starts from an empty store.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import servers
from notice_factory import sample_record
from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    parse,
)

from retractkg.cli import main
from retractkg.config import Settings
from retractkg.descriptions import REACH
from retractkg.ingest import pipeline
from retractkg.ingest.batches import write_batch
from retractkg.ingest.mapping import MappedRecord, RecordMapper
from retractkg.ingest.model import Nature, SourceRecord
from retractkg.ingest.pipeline import IngestReport, ensure_vocabulary
from retractkg.store import GraphStore, OxigraphStore, StoreError, open_store
from retractkg.store.change_log import change_quads, changes_graph
from retractkg.store.remote import RemoteSparqlStore, split_batch

BACKENDS = ["embedded", "oxigraph", "virtuoso"]
ENV_VARS = ["RETRACTKG_STORE", "RETRACTKG_BASE", "RETRACTKG_SPARQL_QUERY_URL", "RETRACTKG_SPARQL_UPDATE_URL",
            "RETRACTKG_SPARQL_USER", "RETRACTKG_SPARQL_PASSWORD"]
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
PREFIXES = """
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX fabio: <http://purl.org/spar/fabio/>
PREFIX schema: <http://schema.org/>
PREFIX rkg: <https://w3id.org/retractkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX as: <https://www.w3.org/ns/activitystreams#>
"""
# Titles that exercise escaping on the way into a server (SPARQL Update text) and back (results).
TRICKY_TITLE = 'Ünïcödé “curly” "double" \\ back\\slash\nnew line\ttab 中文 🧪 <not an IRI>'
FIXED_TIME = datetime(2024, 6, 1, 12, 30, 15, 123456, tzinfo=UTC)


def factory_records() -> list[SourceRecord]:
    """Three notices of different natures; one title full of characters that need escaping."""
    return [
        sample_record(),
        sample_record(doi="10.1371/journal.pone.0000001", title=TRICKY_TITLE),
        sample_record(nature=Nature.EXPRESSION_OF_CONCERN, doi="10.1016/j.cell.2020.01.001",
                      title="Expression of concern about a cell paper"),
    ]


@dataclass
class Backend:
    name: str
    settings: Settings

    def open(self) -> GraphStore:
        return open_store(self.settings)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Backend:
    """A backend configured through the environment, as a user configures the CLI, and empty."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    if request.param == "embedded":
        monkeypatch.setenv("RETRACTKG_STORE", str(tmp_path / "store"))
    else:
        server = request.getfixturevalue(f"{request.param}_server")
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
    settings = Settings.from_env()
    with open_store(settings) as store:
        store.remove_graphs(store.graph_names())
        assert store.graph_names() == []
    return Backend(request.param, settings)


def ingest(store: GraphStore, records: list[SourceRecord], settings: Settings) -> IngestReport:
    """The pipeline's own write path: vocabulary, then one batch with its change log."""
    ensure_vocabulary(store)
    report = IngestReport()
    write_batch(store, mapped(records, settings), report, settings)
    return report


def mapped(records: list[SourceRecord], settings: Settings) -> list[MappedRecord]:
    return [RecordMapper(settings.base).map(r, now=FIXED_TIME) for r in records]


def ingest_demo_with_cli(capsys: pytest.CaptureFixture[str]) -> str:
    """`retractkg ingest --demo` into whatever store the environment names; its summary line."""
    capsys.readouterr()
    assert main(["ingest", "--demo", "--quiet"]) == 0, capsys.readouterr().err
    return capsys.readouterr().out.strip().splitlines()[-1]


def factory_graphs() -> list[str]:
    return sorted(m.graph for m in mapped(factory_records(), Settings()))


@pytest.fixture
def reference() -> OxigraphStore:
    """The bundled demo notices (the real parsers) and the factory records, in memory."""
    store = OxigraphStore()
    report = pipeline.ingest(store, [pipeline.DEMO_DIR], Settings())
    assert report.records >= 4 and not report.errors
    ingest(store, factory_records(), Settings())
    return store


@pytest.fixture
def loaded(backend: Backend, capsys: pytest.CaptureFixture[str]) -> Iterator[GraphStore]:
    ingest_demo_with_cli(capsys)
    with backend.open() as store:
        ingest(store, factory_records(), backend.settings)
        yield store


def canonical(term: object) -> str:
    """A term as N-Triples, with Virtuoso's xsd:boolean "1"/"0" read as the same values "true"/"false"."""
    if isinstance(term, Literal) and term.datatype.value == XSD_BOOLEAN:
        return str(Literal({"1": "true", "0": "false"}.get(term.value, term.value), datatype=term.datatype))
    return str(term)


def rows(result: object) -> list[tuple[str, ...]]:
    assert isinstance(result, QuerySolutions)
    names = [v.value for v in result.variables]
    return sorted(tuple(canonical(solution[n]) if solution[n] is not None else "" for n in names)
                  for solution in result)


def triples(result: object) -> set[str]:
    assert isinstance(result, QueryTriples)
    return {f"{canonical(t.subject)} {canonical(t.predicate)} {canonical(t.object)}" for t in result}


def quad_lines(quads: object) -> set[str]:
    return {" ".join(canonical(t) for t in (q.subject, q.predicate, q.object, q.graph_name)) for q in quads}


def record_graphs(store: GraphStore) -> list[str]:
    return sorted(g for g in store.graph_names() if "/graph/text/" in g)


SELECTS = {
    "retractions": """SELECT ?notice ?article ?doi WHERE {
        ?notice a fabio:RetractionNotice ; cito:retracts ?article .
        ?article cito:isRetractedBy ?notice ; schema:sameAs ?doi }""",
    "titles": "SELECT ?article ?title WHERE { ?notice cito:updates ?article . ?article schema:name ?title }",
    "authors": """SELECT ?article ?name ?org WHERE {
        ?article schema:author ?p . ?p schema:name ?name ; schema:affiliation ?o . ?o schema:name ?org }""",
    "reasons": """SELECT ?notice ?label WHERE {
        ?notice rkg:reason ?r . ?r skos:prefLabel ?label ; skos:inScheme ?scheme }""",
    "natures": "SELECT ?nature (COUNT(DISTINCT ?n) AS ?count) WHERE { ?n rkg:nature ?nature } GROUP BY ?nature",
    "optional": """SELECT ?article ?email WHERE {
        ?notice cito:updates ?article . ?article schema:author ?p OPTIONAL { ?p schema:email ?email } }""",
}


def test_select_answers_equal_the_embedded_reference(loaded, reference):
    for name, query in SELECTS.items():
        answer = rows(loaded.query(PREFIXES + query))
        assert answer, f"the demo data answers the {name} query"
        assert answer == rows(reference.query(PREFIXES + query)), f"{name} query"


def test_select_returns_pyoxigraph_terms_with_escapes_intact(loaded):
    result = loaded.query(PREFIXES + "SELECT ?title WHERE { ?a schema:name ?title ;"
                          " schema:sameAs <https://doi.org/10.1371/journal.pone.0000001> }")
    assert isinstance(result, QuerySolutions)
    [solution] = list(result)
    assert isinstance(solution["title"], Literal)
    assert solution["title"].value == TRICKY_TITLE


def test_retractions_only_from_retracting_natures(loaded):
    found = {row[2] for row in rows(loaded.query(PREFIXES + SELECTS["retractions"]))}
    assert {"<https://doi.org/10.1186/s12951-022-01520-8>", "<https://doi.org/10.1371/journal.pone.0000001>"} <= found
    assert "<https://doi.org/10.1016/j.cell.2020.01.001>" not in found  # an expression of concern


def test_ask(loaded, reference):
    yes = PREFIXES + "ASK { ?n a fabio:RetractionNotice ; cito:retracts ?a }"
    no = PREFIXES + "ASK { ?n cito:retracts ?a . ?a schema:sameAs <https://doi.org/10.1016/j.cell.2020.01.001> }"
    assert isinstance(loaded.query(yes), QueryBoolean)
    assert bool(loaded.query(yes)) is True is bool(reference.query(yes))
    assert bool(loaded.query(no)) is False is bool(reference.query(no))


@pytest.mark.parametrize("query", [
    "CONSTRUCT { ?a schema:name ?t ; cito:isRetractedBy ?n } WHERE { ?a cito:isRetractedBy ?n ; schema:name ?t }",
    "CONSTRUCT WHERE { ?r skos:prefLabel ?l ; skos:inScheme ?s . ?n rkg:reason ?r }",
    "DESCRIBE <https://w3id.org/retractkg/id/article/10.1371/journal.pone.0000001>",
])
def test_construct_and_describe(loaded, reference, query):
    result = loaded.query(PREFIXES + query)
    assert isinstance(result, QueryTriples)
    answer = triples(result)
    if query.startswith("DESCRIBE"):  # servers choose what a description holds: the subject's triples at least
        assert {line for line in triples(reference.query(PREFIXES + query))
                if line.startswith("<https://w3id.org/retractkg/id/article/10.1371/")} <= answer
    else:
        assert answer and answer == triples(reference.query(PREFIXES + query))


KINDS_BY_TYPE = {"notice": "rkg:Notice", "article": "rkg:Article", "person": "schema:Person",
                 "org": "schema:Organization", "journal": "schema:Periodical", "other": "rkg:SourceRecord"}


@pytest.mark.parametrize("kind", KINDS_BY_TYPE)
def test_reach_gathers_each_document_as_the_embedded_walk_does(loaded, reference, kind):
    """Servers answer `reach` with one SELECT; the embedded store walks its indexes: same quads."""
    found = rows(reference.query(PREFIXES + f"SELECT DISTINCT ?x WHERE {{ ?x a {KINDS_BY_TYPE[kind]} }}"))
    assert found
    def lines(quads: list[Quad]) -> set[str]:  # each store was written at its own time
        return {line for line in quad_lines(quads) if "generatedAtTime" not in line}

    for (iri,) in found:
        expected = lines(reference.reach(iri[1:-1], REACH[kind]))
        assert any(line.startswith(iri + " ") for line in expected)
        assert lines(GraphStore.reach(reference, iri[1:-1], REACH[kind])) == expected, iri  # one SELECT, no server
        if kind == "other":  # a source record's document holds its provenance
            assert any(line.startswith(f"{iri} <http://www.w3.org/ns/prov#wasAttributedTo> ") for line in expected)
        assert lines(loaded.reach(iri[1:-1], REACH[kind])) == expected, iri


def test_syntax_errors_are_store_errors_caused_by_a_syntax_error(backend):
    with backend.open() as store:
        for broken in (store.query, store.update):
            with pytest.raises(StoreError) as raised:
                broken("SELECT ?s WHERE { ?s ?p")
            assert isinstance(raised.value.__cause__, SyntaxError)


def test_reingest_changes_nothing(backend, capsys):
    first = ingest_demo_with_cli(capsys)
    with backend.open() as store:
        before = quad_lines(store.quads())
    second = ingest_demo_with_cli(capsys)
    records = int(first.split()[0])
    assert records >= 4 and first.endswith(f"{records} added, 0 updated, 0 unchanged, 0 errors")
    assert second.endswith(f"0 added, 0 updated, {records} unchanged, 0 errors")
    with backend.open() as store:
        assert quad_lines(store.quads()) == before


def test_changed_record_replaces_its_graph_and_logs_an_update(backend):
    with backend.open() as store:
        ingest(store, factory_records(), backend.settings)
        changed = sample_record(title="A corrected title")
        report = ingest(store, [changed], backend.settings)
        assert len(report.updated) == 1
        titles = rows(store.query(PREFIXES + "SELECT ?t WHERE { ?a schema:sameAs <https://doi.org/10.1186/"
                                   "s12951-022-01520-8> ; schema:name ?t }"))
        assert titles == [('"A corrected title"',)]
        kinds = rows(store.query(PREFIXES + "SELECT ?kind (COUNT(*) AS ?n) WHERE { ?c a ?kind ; as:target ?g }"
                                 " GROUP BY ?kind"))
        assert [(kind, count.split("^^")[0]) for kind, count in kinds] == [
            ("<https://www.w3.org/ns/activitystreams#Create>", '"3"'),
            ("<https://www.w3.org/ns/activitystreams#Update>", '"1"')]


def test_failing_replace_leaves_the_previous_content(backend):
    """The drop of the old content and the insert of the new travel in one request: both or neither."""
    with backend.open() as store:
        ingest(store, factory_records(), backend.settings)
        before = quad_lines(store.quads())
        graphs = record_graphs(store)
        replacement = {g: [Quad(NamedNode(g), NamedNode("http://schema.org/name"), Literal("new"), NamedNode(g))]
                       for g in graphs}
        # A quad in a blank-node graph cannot be written by SPARQL Update: the whole batch must fail.
        bad = Quad(NamedNode("http://example.org/s"), NamedNode("http://example.org/p"), Literal("x"), BlankNode())
        with pytest.raises(StoreError):
            store.replace_graphs(replacement, also_add=[bad])
        assert quad_lines(store.quads()) == before


def test_replace_graphs_swaps_whole_graphs(backend):
    with backend.open() as store:
        ingest(store, factory_records(), backend.settings)
        graphs = record_graphs(store)
        name = NamedNode("http://schema.org/name")
        store.replace_graphs({g: [Quad(NamedNode(g), name, Literal(f"only {i}"), NamedNode(g))]
                              for i, g in enumerate(graphs[:2])})
        for i, g in enumerate(graphs[:2]):
            assert quad_lines(store.quads(g)) == {f'<{g}> <http://schema.org/name> "only {i}" <{g}>'}
        assert len(quad_lines(store.quads(graphs[2]))) > 50


def test_remove_graphs(backend):
    with backend.open() as store:
        ingest(store, factory_records(), backend.settings)
        graphs = record_graphs(store)
        store.remove_graphs(graphs[:2])
        assert record_graphs(store) == graphs[2:]
        assert list(store.quads(graphs[0])) == []
        assert rows(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graphs[0]}> {{ ?s ?p ?o }} }}")) == [
            ('"0"^^<http://www.w3.org/2001/XMLSchema#integer>',)]
        store.remove_graphs([])  # nothing to do is not an error


def test_dataset_selection(loaded, reference):
    graphs = factory_graphs()
    count = "SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE { ?n a rkg:Notice }"
    one = rows(loaded.query(PREFIXES + count, default_graphs=graphs[:1]))
    two = rows(loaded.query(PREFIXES + count, default_graphs=graphs[:2]))
    assert [r[0].split("^^")[0] for r in (one[0], two[0])] == ['"1"', '"2"']
    assert rows(loaded.query(PREFIXES + count)) == rows(reference.query(PREFIXES + count))
    named = loaded.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                         default_graphs=graphs[:1], named_graphs=graphs[1:])
    assert rows(named) == [(f"<{g}>",) for g in graphs[1:]]
    # A default graph of no named graph is empty (the store writes nothing to the real default graph).
    assert bool(loaded.query("ASK { ?s ?p ?o }", default_graphs=[])) is False


def test_quads_of_one_graph_and_of_all(loaded, reference):
    for graph in factory_graphs():  # mapped with fixed times: the very same quads
        quads = list(loaded.quads(graph))
        assert all(isinstance(q, Quad) and q.graph_name == NamedNode(graph) for q in quads)
        assert quad_lines(quads) == quad_lines(reference.quads(graph))
    assert sorted(loaded.graph_names()) == sorted(reference.graph_names())
    everything = list(loaded.quads())
    assert len(everything) == len(list(reference.quads())) > 1000
    assert {q.graph_name.value for q in everything} == set(reference.graph_names())


def test_dump_equals_the_reference(backend):
    """The same mapped records (same times) dump to the same quads; one graph dumps as triples."""
    settings = backend.settings
    records = mapped(factory_records(), settings)
    log = [q for m in records for q in change_quads(settings, "Create", m, FIXED_TIME)]
    reference = OxigraphStore()
    with backend.open() as store:
        for target in (store, reference):
            target.replace_graphs({m.graph: m.quads for m in records}, also_add=log)
        for fmt in (RdfFormat.N_QUADS, RdfFormat.TRIG):
            dumped, expected = io.BytesIO(), io.BytesIO()
            store.dump(dumped, fmt)
            reference.dump(expected, fmt)
            assert quad_lines(parse(dumped.getvalue(), fmt)) == quad_lines(parse(expected.getvalue(), fmt))
        graph = records[1].graph
        dumped = io.BytesIO()
        store.dump(dumped, RdfFormat.TURTLE, graph=graph)
        got = {f"{canonical(t.subject)} {canonical(t.predicate)} {canonical(t.object)}"
               for t in parse(dumped.getvalue(), RdfFormat.TURTLE)}
        assert got == {line.rsplit(" ", 1)[0] for line in quad_lines(reference.quads(graph))}
        assert changes_graph(settings) in store.graph_names()
        with pytest.raises(StoreError, match="holds one graph"):
            store.dump(io.BytesIO(), RdfFormat.TURTLE)


def test_cli_query_and_export(backend, tmp_path, capsys):
    """`retractkg ingest`/`query`/`export` reach the store the environment names, whichever backend."""
    ingest_demo_with_cli(capsys)
    query = PREFIXES + "SELECT ?n ?a ?title WHERE { ?n cito:retracts ?a . ?a schema:name ?title } ORDER BY ?n ?a"
    assert main(["query", query, "--format", "tsv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    demo = OxigraphStore()
    pipeline.ingest(demo, [pipeline.DEMO_DIR], Settings())
    expected = io.BytesIO()
    demo.query(query).serialize(expected, QueryResultsFormat.TSV)
    assert len(lines) >= 2 and lines == expected.getvalue().decode().splitlines()
    out = tmp_path / "dump.nq"
    assert main(["export", "--format", "nquads", "--output", str(out)]) == 0
    exported = {q.graph_name.value for q in parse(out.read_bytes(), RdfFormat.N_QUADS)}
    with backend.open() as store:
        assert exported == set(store.graph_names())
    assert all(g.startswith("https://w3id.org/retractkg/graph/") for g in exported)


# -- The remote store's own concerns: request splitting, server configuration, errors ------------

SERVERS = ["oxigraph", "virtuoso"]


def remote(server, **options) -> RemoteSparqlStore:
    store = RemoteSparqlStore(server.query_url, server.update_url, user=server.user, password=server.password,
                              graph_prefixes=["https://w3id.org/retractkg/graph/"], **options)
    store.remove_graphs(store.graph_names())
    return store


def test_split_batch_keeps_each_change_log_entry_with_its_record():
    settings = Settings()
    records = mapped(factory_records(), settings)
    log = [q for m in records for q in change_quads(settings, "Create", m, FIXED_TIME)]
    chunks = split_batch({m.graph: m.quads for m in records}, log, max_quads=1)
    assert [list(graphs) for graphs, _ in chunks] == [[m.graph] for m in records]
    for graphs, extra in chunks:
        [graph] = graphs
        targets = {q.object.value for q in extra if q.predicate.value.endswith("#target")}
        assert targets == {graph} and len(extra) == len(log) // len(records)
    assert len(split_batch({m.graph: m.quads for m in records}, log, max_quads=10**6, max_graphs=2)) == 2


@pytest.mark.parametrize("staged", [False, True], ids=["one-request-swaps", "staged-swaps"])
@pytest.mark.parametrize("server_name", SERVERS)
def test_batches_split_into_many_requests_store_the_same(request, server_name, staged):
    server = request.getfixturevalue(f"{server_name}_server")
    store = remote(server, max_request_quads=1, staged_swaps=staged)
    settings = Settings()
    report = ingest(store, factory_records(), settings)
    reference = OxigraphStore()
    ingest(reference, factory_records(), settings)
    assert len(report.added) == 3
    for graph in record_graphs(reference):
        assert quad_lines(store.quads(graph)) == quad_lines(reference.quads(graph))
    logged = rows(store.query(PREFIXES + "SELECT ?g WHERE { ?c a as:Create ; as:target ?g }"))
    assert logged == [(f"<{g}>",) for g in record_graphs(reference)]
    ingest(store, [sample_record(title="Replaced in a staged or direct swap")], settings)  # replaces a graph
    assert not store.query('ASK { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "urn:x-retractkg:staging:")) }')
    assert len(rows(store.query(PREFIXES + "SELECT ?t WHERE { ?a schema:name 'Replaced in a staged or direct swap' }"
                                ))) == 1


def test_a_default_graph_that_is_not_the_union_is_reported_with_the_fix():
    with servers.oxigraph_server(union_default_graph=False) as server:
        store = remote(server)
        with pytest.raises(StoreError, match="--union-default-graph"):  # once the vocabulary is in
            ingest(store, factory_records(), Settings())
        with pytest.raises(StoreError, match="--union-default-graph"):
            store.query("ASK { ?s ?p ?o }")
        # Naming the graphs does not need the union, and still works.
        assert bool(store.query("ASK { ?s ?p ?o }", default_graphs=store.graph_names()))


def test_virtuoso_writes_need_digest_credentials(virtuoso_server):
    anonymous = RemoteSparqlStore(virtuoso_server.query_url, virtuoso_server.update_url)
    with pytest.raises(StoreError, match="HTTP 401.*digest auth"):
        anonymous.update("INSERT DATA { GRAPH <https://w3id.org/retractkg/graph/x> { <urn:a> <urn:b> <urn:c> } }")
    wrong = RemoteSparqlStore(virtuoso_server.query_url, virtuoso_server.update_url, user="dba", password="nope")
    with pytest.raises(StoreError, match="HTTP 401"):
        wrong.update("INSERT DATA { GRAPH <https://w3id.org/retractkg/graph/x> { <urn:a> <urn:b> <urn:c> } }")
    assert bool(anonymous.query("ASK { <urn:a> ?p ?o }")) is False


def test_an_unreachable_server_is_named_in_the_error():
    url = f"http://127.0.0.1:{servers.free_port()}/sparql"
    with pytest.raises(StoreError, match=f"cannot reach the SPARQL server at {url}"):
        RemoteSparqlStore(url, url).query("ASK {}")
    with pytest.raises(StoreError, match="must be http"):
        RemoteSparqlStore("ftp://example.org/sparql", url)


def test_an_update_is_refused_as_a_query(oxigraph_server):
    with pytest.raises(StoreError, match="run it as an update"):
        remote(oxigraph_server).query("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_virtuoso_cutting_results_at_its_row_limit_is_an_error_not_a_short_answer():
    with servers.virtuoso_server(max_rows=100) as server:
        store = remote(server)
        ingest(store, factory_records(), Settings())
        assert len(list(store.query("SELECT * WHERE { ?s ?p ?o } LIMIT 99"))) == 99
        with pytest.raises(StoreError, match=r"ResultSetMaxRows \(100\)"):
            store.query("SELECT * WHERE { ?s ?p ?o }")


# Issue 14: the SPARQL page's gallery and the predeclared prefixes on every backend ----------------------------------

def test_the_gallery_and_predeclared_prefixes_work_on_every_backend(loaded, backend):
    from fastapi.testclient import TestClient

    from retractkg.api.app import create_app
    from retractkg.api.sparql_page import examples

    json_results = {"Accept": "application/sparql-results+json"}
    with TestClient(create_app(backend.settings, loaded)) as client:
        for example in examples():
            answer = client.get("/sparql", params={"query": example.query}, headers=json_results)
            assert answer.status_code == 200, (example.id, answer.text)
            assert answer.json()["results"]["bindings"], example.id
        own = "PREFIX schema: <http://example.org/other/> SELECT * WHERE { ?s schema:name ?o } LIMIT 1"
        answer = client.get("/sparql", params={"query": own}, headers=json_results)
        assert answer.status_code == 200 and answer.json()["results"]["bindings"] == []
