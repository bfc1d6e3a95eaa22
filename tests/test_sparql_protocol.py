"""The /sparql endpoint through HTTP: protocol, formats, negotiation, dataset, refusals, limits, errors.

Answers are parsed back with pyoxigraph (results, RDF) and pyld (JSON-LD) and compared with what
the store itself answers, so every format is checked for content, not only for its media type.
"""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from pyld import jsonld
from pyoxigraph import (
    Literal,
    NamedNode,
    Quad,
    QueryResultsFormat,
    RdfFormat,
    parse,
    parse_query_results,
)

from retractkg.api.app import create_app
from retractkg.api.sparql_limits import QueryGate
from retractkg.config import Settings
from retractkg.jsonld import project_context
from retractkg.ontology import SCHEMA
from retractkg.store import OxigraphStore

EX = "http://example.org/"
G1, G2 = EX + "graph/1", EX + "graph/2"
NAME = NamedNode(SCHEMA + "name")
# Literals that would fool a naive row counter or serializer: braces, quotes, line breaks, markup.
TRICKY = ['plain', 'with "quotes" and {"braces": [1]}', "two\r\nlines, and a comma", "<result>not a row</result>",
          "back\\slash\\", "tab\there", "\u00e9\u4e2d\U0001f600"]
SELECT_ALL = "SELECT ?s ?o WHERE { ?s <http://schema.org/name> ?o } ORDER BY ?s"
CONSTRUCT_ALL = "CONSTRUCT WHERE { ?s <http://schema.org/name> ?o }"


def make_store() -> OxigraphStore:
    store = OxigraphStore()
    quads = [Quad(NamedNode(f"{EX}thing/{i}"), NAME, Literal(text), NamedNode(G1)) for i, text in enumerate(TRICKY)]
    quads.append(Quad(NamedNode(EX + "only-in-2"), NAME, Literal("second graph"), NamedNode(G2)))
    store.oxigraph.extend(quads)
    return store


@pytest.fixture()
def store() -> OxigraphStore:
    return make_store()


@pytest.fixture()
def settings() -> Settings:
    return Settings(query_timeout=10.0, max_result_rows=1000)


@pytest.fixture()
def client(store: OxigraphStore, settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store)) as test_client:
        yield test_client


def solutions(body: bytes, fmt: QueryResultsFormat) -> list[dict[str, str]]:
    parsed = parse_query_results(body, fmt)
    return [{v.value: str(row[v]) for v in parsed.variables if row[v] is not None} for row in parsed]


def expected_solutions(store: OxigraphStore, query: str) -> list[dict[str, str]]:
    result = store.query(query)
    return [{v.value: str(row[v]) for v in result.variables if row[v] is not None} for row in result]


def assert_problem(response, status: int, kind: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status
    assert problem["type"].endswith("/" + kind)
    assert problem["title"] and problem["detail"]
    return problem


# --- the three ways to send a query ------------------------------------------------------------

def test_get_form_post_and_direct_post_give_the_same_answer(client: TestClient, store: OxigraphStore) -> None:
    accept = {"Accept": "application/sparql-results+json"}
    by_get = client.get("/sparql", params={"query": SELECT_ALL}, headers=accept)
    by_form = client.post("/sparql", data={"query": SELECT_ALL}, headers=accept)
    by_body = client.post("/sparql", content=SELECT_ALL.encode(),
                          headers={**accept, "Content-Type": "application/sparql-query"})
    expected = expected_solutions(store, SELECT_ALL)
    assert len(expected) == len(TRICKY) + 1
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200, response.text
        assert solutions(response.content, QueryResultsFormat.JSON) == expected


def test_browser_clients_read_answers_across_origins_by_get_head_and_post(client: TestClient) -> None:
    """GET /sparql is answered before the app's routing (`api/app.py`, the lookups' hot path): the same CORS and
    security headers as every other response still wrap it, and HEAD, preflight and POST answer alike."""
    origin = {"Origin": "https://example.org", "Accept": "application/sparql-results+json"}
    get = client.get("/sparql", params={"query": SELECT_ALL}, headers=origin)
    assert get.status_code == 200 and get.headers["content-type"] == "application/sparql-results+json"
    assert get.headers["access-control-allow-origin"] == "*"
    assert "retry-after" in get.headers["access-control-expose-headers"].lower()
    assert get.headers["x-content-type-options"] == "nosniff" and get.headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in get.headers["content-security-policy"]
    head = client.head("/sparql", params={"query": SELECT_ALL}, headers=origin)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["access-control-allow-origin"] == "*"
    post = client.post("/sparql", data={"query": SELECT_ALL}, headers=origin)
    assert post.status_code == 200 and post.content == get.content
    assert post.headers["access-control-allow-origin"] == "*"
    preflight = client.options("/sparql", headers={"Origin": "https://example.org",
                                                   "Access-Control-Request-Method": "GET"})
    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize(("media_type", "fmt"), [
    ("application/sparql-results+json", QueryResultsFormat.JSON),
    ("application/sparql-results+xml", QueryResultsFormat.XML),
    ("text/csv", QueryResultsFormat.CSV),
    ("text/tab-separated-values", QueryResultsFormat.TSV),
])
def test_select_in_every_result_format(client: TestClient, store: OxigraphStore, media_type: str,
                                       fmt: QueryResultsFormat) -> None:
    response = client.get("/sparql", params={"query": SELECT_ALL}, headers={"Accept": media_type})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]
    if fmt == QueryResultsFormat.CSV:  # CSV drops term types (pyoxigraph will not parse it): lexical values
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"), newline="")))
        assert [row["o"] for row in rows] == [row["o"].value for row in store.query(SELECT_ALL)]
    else:
        assert solutions(response.content, fmt) == expected_solutions(store, SELECT_ALL)


@pytest.mark.parametrize(("media_type", "fmt"), [
    ("text/turtle", RdfFormat.TURTLE),
    ("application/n-triples", RdfFormat.N_TRIPLES),
    ("application/rdf+xml", RdfFormat.RDF_XML),
    ("application/trig", RdfFormat.TRIG),
    ("application/n-quads", RdfFormat.N_QUADS),
])
def test_construct_in_every_rdf_format(client: TestClient, store: OxigraphStore, media_type: str,
                                       fmt: RdfFormat) -> None:
    response = client.post("/sparql", data={"query": CONSTRUCT_ALL}, headers={"Accept": media_type})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    got = {str(q.triple) for q in parse(response.content, fmt)} if fmt.supports_datasets else \
        {str(t) for t in parse(response.content, fmt)}
    assert got == {str(t) for t in store.query(CONSTRUCT_ALL)}
    assert len(got) == len(TRICKY) + 1


def test_construct_as_json_ld_is_compacted_with_the_project_context(client: TestClient,
                                                                     store: OxigraphStore) -> None:
    response = client.get("/sparql", params={"query": CONSTRUCT_ALL}, headers={"Accept": "application/ld+json"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/ld+json"
    document = response.json()
    context = project_context().raw
    assert document["@context"] == context or (not context and "@context" not in document)
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    got = {str(q.triple) for q in parse(nquads.encode(), RdfFormat.N_QUADS)}
    assert got == {str(t) for t in store.query(CONSTRUCT_ALL)}


def test_describe_returns_the_resource(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": f"DESCRIBE <{EX}only-in-2>"},
                          headers={"Accept": "application/n-triples"})
    assert response.status_code == 200, response.text
    triples = list(parse(response.content, RdfFormat.N_TRIPLES))
    assert [str(t.object) for t in triples] == ['"second graph"']


@pytest.mark.parametrize(("media_type", "fmt"), [("application/sparql-results+json", QueryResultsFormat.JSON),
                                                 ("application/sparql-results+xml", QueryResultsFormat.XML)])
def test_ask_as_json_and_xml(client: TestClient, media_type: str, fmt: QueryResultsFormat) -> None:
    for query, expected in ((f"ASK {{ <{EX}only-in-2> ?p ?o }}", True), (f"ASK {{ <{EX}nothing> ?p ?o }}", False)):
        response = client.get("/sparql", params={"query": query}, headers={"Accept": media_type})
        assert response.status_code == 200, response.text
        assert bool(parse_query_results(response.content, fmt)) is expected


# --- content negotiation ------------------------------------------------------------------------

@pytest.mark.parametrize(("accept", "expected"), [
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1", "application/sparql-results+xml"),
    ("application/sparql-results+json, application/sparql-results+xml;q=0.9, text/tab-separated-values;q=0.7, "
     "text/csv;q=0.5, application/json;q=0.2, application/xml;q=0.2, */*;q=0.1", "application/sparql-results+json"),
    # A browser's navigation: the results as a page (issue 14), no longer an XML download.
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("*/*", "application/sparql-results+json"),
    ("text/*", "text/csv"),
    ("application/json", "application/json"),
    ("", "application/sparql-results+json"),
])
def test_accept_with_q_values_and_several_types(client: TestClient, accept: str, expected: str) -> None:
    response = client.get("/sparql", params={"query": SELECT_ALL}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == expected


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT_ALL, "format": "tsv"},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    response = client.get("/sparql", params={"query": CONSTRUCT_ALL, "output": "turtle"})
    assert response.headers["content-type"].startswith("text/turtle")


@pytest.mark.parametrize("query", [SELECT_ALL, CONSTRUCT_ALL, "ASK {}"])
def test_nothing_acceptable_is_406(client: TestClient, query: str) -> None:
    assert_problem(client.get("/sparql", params={"query": query}, headers={"Accept": "image/png"}),
                   406, "not-acceptable")


def test_csv_is_not_offered_for_ask(client: TestClient) -> None:
    assert_problem(client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/csv"}),
                   406, "not-acceptable")


# --- dataset: only graphs of this store ---------------------------------------------------------

def test_default_graph_uri_restricts_the_default_graph(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT_ALL, "default-graph-uri": G2})
    assert [row["s"] for row in solutions(response.content, QueryResultsFormat.JSON)] == [f"<{EX}only-in-2>"]


def test_named_graph_uri_limits_the_named_graphs(client: TestClient) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.post("/sparql", data={"query": query, "named-graph-uri": G1})
    assert [row["g"] for row in solutions(response.content, QueryResultsFormat.JSON)] == [f"<{G1}>"]
    everything = client.get("/sparql", params={"query": query})
    assert {row["g"] for row in solutions(everything.content, QueryResultsFormat.JSON)} == {f"<{G1}>", f"<{G2}>"}


def test_the_default_graph_is_the_union_of_named_graphs(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    assert solutions(response.content, QueryResultsFormat.JSON) == [
        {"n": f'"{len(TRICKY) + 1}"^^<http://www.w3.org/2001/XMLSchema#integer>'}]


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_a_graph_not_in_the_store_is_refused_not_fetched(client: TestClient, parameter: str) -> None:
    with listening_socket() as (url, was_contacted):
        problem = assert_problem(client.get("/sparql", params={"query": "ASK {}", parameter: url}),
                                 400, "unknown-graph")
        assert url in problem["detail"]
        assert not was_contacted()


def test_a_graph_iri_that_is_not_an_iri_is_refused(client: TestClient) -> None:
    assert_problem(client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"}),
                   400, "bad-request")


def test_service_is_refused_and_never_contacted(client: TestClient) -> None:
    with listening_socket() as (url, was_contacted):
        query = f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"
        assert_problem(client.get("/sparql", params={"query": query}), 400, "service-refused")
        assert_problem(client.post("/sparql", data={"query": query.replace("SERVICE", "service SILENT")}),
                       400, "service-refused")
        assert not was_contacted()


@pytest.mark.parametrize("query", [
    'SELECT ?service WHERE { ?service ?p "SERVICE" }',
    "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:service <http://example.org/SERVICE> }",
    "# SERVICE <http://example.org/>\nASK {}",
])
def test_the_word_service_elsewhere_is_not_a_service_clause(client: TestClient, query: str) -> None:
    assert client.get("/sparql", params={"query": query}).status_code == 200


# --- read-only ----------------------------------------------------------------------------------

UPDATE = f"INSERT DATA {{ GRAPH <{G1}> {{ <{EX}new> <{EX}p> 1 }} }}"


@pytest.mark.parametrize("send", ["get", "form", "direct"])
def test_updates_are_refused_and_change_nothing(client: TestClient, store: OxigraphStore, send: str) -> None:
    before = len(store.oxigraph)
    if send == "get":
        response = client.get("/sparql", params={"update": UPDATE})
    elif send == "form":
        response = client.post("/sparql", data={"update": UPDATE})
    else:
        response = client.post("/sparql", content=UPDATE, headers={"Content-Type": "application/sparql-update"})
    assert "read-only" in assert_problem(response, 403, "read-only")["detail"]
    assert len(store.oxigraph) == before


# --- malformed requests -------------------------------------------------------------------------

def test_syntax_error_is_400_with_the_position_in_the_users_query(client: TestClient) -> None:
    problem = assert_problem(client.get("/sparql", params={"query": "SELECT *\nWHERE { ?s ?p ?o } LIMT 1"}),
                             400, "query-syntax")
    assert "error at 2:" in problem["detail"]


def test_relative_iris_resolve_against_the_endpoint(client: TestClient, settings: Settings) -> None:
    response = client.post("/sparql", content=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
                           headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"})
    assert response.status_code == 200
    assert response.text.startswith(f"<{settings.base}s> <{settings.base}p> ")


@pytest.mark.parametrize(("content_type", "status", "kind"), [
    ("text/plain", 415, "unsupported-media-type"),
    (None, 415, "unsupported-media-type"),
    ("application/sparql-query; charset=UTF-16", 415, "unsupported-media-type"),
])
def test_wrong_body_types_are_refused(client: TestClient, content_type: str | None, status: int, kind: str) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    assert_problem(client.post("/sparql", content=b"ASK {}", headers=headers), status, kind)


def test_two_queries_or_none_are_refused(client: TestClient) -> None:
    assert_problem(client.get("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D"), 400, "bad-request")
    assert_problem(client.post("/sparql", data={"default-graph-uri": G1}), 400, "bad-request")


def test_an_app_started_again_answers_queries_again(store: OxigraphStore, settings: Settings) -> None:
    app = create_app(settings, store)
    for _ in range(2):  # its shutdown ends the query threads; the next startup must have new ones
        with TestClient(app) as client:
            assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_other_methods_are_405_with_allow(client: TestClient) -> None:
    response = client.put("/sparql", content=b"ASK {}")
    assert_problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "GET, POST"


# --- limits -------------------------------------------------------------------------------------

@pytest.mark.parametrize("media_type", ["application/sparql-results+json", "application/sparql-results+xml",
                                        "text/csv", "text/tab-separated-values"])
def test_row_limit_is_exact_in_every_format(store: OxigraphStore, settings: Settings, media_type: str) -> None:
    rows = len(TRICKY) + 1
    for limit, ok in ((rows, True), (rows - 1, False)):
        with TestClient(create_app(replace(settings, max_result_rows=limit), store)) as client:
            response = client.get("/sparql", params={"query": SELECT_ALL}, headers={"Accept": media_type})
        if ok:
            assert response.status_code == 200, response.text
        else:
            assert f"more than {limit} rows" in assert_problem(response, 400, "result-too-large")["detail"]


@pytest.mark.parametrize("media_type", ["application/sparql-results+json", "application/sparql-results+xml",
                                        "text/csv", "text/tab-separated-values"])
def test_row_limit_is_exact_over_many_chunks_of_output(settings: Settings, media_type: str) -> None:
    """Thousands of rows whose strings hold what rows look like (`[{`, `,{`, `<result>`, line breaks, escapes),
    so that the answer is written in many chunks, cut anywhere."""
    lookalikes = [*TRICKY, 'rows [{"a":1},{"b":2}] and }},{"', '\\"[{"', "a\\", ",{", "[{"]
    store = OxigraphStore()
    store.oxigraph.extend(Quad(NamedNode(f"{EX}n/{i}"), NAME, Literal(lookalikes[i % len(lookalikes)] * (1 + i % 5)),
                               NamedNode(G1)) for i in range(3000))
    for limit, ok in ((3000, True), (2999, False)):
        with TestClient(create_app(replace(settings, max_result_rows=limit), store)) as client:
            response = client.get("/sparql", params={"query": SELECT_ALL}, headers={"Accept": media_type})
        if ok:
            assert response.status_code == 200 and len(response.content) > 100_000, response.text
        else:
            assert f"more than {limit} rows" in assert_problem(response, 400, "result-too-large")["detail"]


def test_json_answers_long_enough_to_be_looked_at_are_bounded_then_counted(settings: Settings) -> None:
    """A JSON answer longer than the cap's fewest bytes is first bounded by its `{` (three per row here: the row
    and its two bindings), and counted exactly only once that bound passes the cap: both ways, the cap is exact."""
    store = big_store(400)
    query = "SELECT ?s ?o WHERE { ?s <http://schema.org/name> ?o }"
    for limit, ok in ((2000, True), (1000, True), (400, True), (399, False)):  # bounded, then counted
        with TestClient(create_app(replace(settings, max_result_rows=limit), store)) as client:
            response = client.get("/sparql", params={"query": query},
                                  headers={"Accept": "application/sparql-results+json"})
        if ok:
            assert len(response.content) > 3 * limit  # past the size below which an answer is not looked at
            assert len(response.json()["results"]["bindings"]) == 400
        else:
            assert f"more than {limit} rows" in assert_problem(response, 400, "result-too-large")["detail"]


def test_triple_limit_applies_to_construct(store: OxigraphStore, settings: Settings) -> None:
    with TestClient(create_app(replace(settings, max_result_rows=3), store)) as client:
        response = client.get("/sparql", params={"query": CONSTRUCT_ALL}, headers={"Accept": "text/turtle"})
    assert "more than 3 triples" in assert_problem(response, 400, "result-too-large")["detail"]


def big_store(size: int = 400) -> OxigraphStore:
    store = OxigraphStore()
    store.oxigraph.extend(Quad(NamedNode(f"{EX}n/{i}"), NAME, Literal(str(i)), NamedNode(G1)) for i in range(size))
    return store


def test_json_ld_answers_have_a_lower_cap(settings: Settings) -> None:
    from retractkg.api.sparql_results import JSONLD_MAX_TRIPLES

    with TestClient(create_app(replace(settings, max_result_rows=10**6), big_store(JSONLD_MAX_TRIPLES + 1))) as client:
        query = {"query": "CONSTRUCT WHERE { ?s ?p ?o }"}
        problem = assert_problem(client.get("/sparql", params=query, headers={"Accept": "application/ld+json"}),
                                 400, "result-too-large")
        assert "N-Triples" in problem["detail"]
        response = client.get("/sparql", params=query, headers={"Accept": "application/n-triples"})
        assert response.status_code == 200
        assert len(response.content.splitlines()) == JSONLD_MAX_TRIPLES + 1


# Hundreds of millions of rows: runs far longer than any deadline set below.
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_a_runaway_query_times_out_and_the_server_keeps_serving(settings: Settings) -> None:
    app = create_app(replace(settings, query_timeout=0.5, max_result_rows=10**9), big_store())
    with TestClient(app) as client:
        problem = assert_problem(client.get("/sparql", params={"query": RUNAWAY}), 503, "query-timeout")
        assert "0.5 s" in problem["detail"]
        response = client.get("/sparql", params={"query": f"ASK {{ <{EX}n/1> ?p ?o }}"})
        assert response.status_code == 200
        assert response.json() == {"head": {}, "boolean": True}


def test_overload_is_429_with_retry_after(settings: Settings) -> None:
    app = create_app(replace(settings, query_timeout=2.0, max_result_rows=10**9), big_store())
    app.state.sparql_gate = gate = QueryGate(workers=1, queue=0)
    with TestClient(app) as client:
        first: dict[str, int] = {}
        runaway = threading.Thread(
            target=lambda: first.setdefault("status", client.get("/sparql", params={"query": RUNAWAY}).status_code))
        runaway.start()
        while gate.in_flight == 0 and runaway.is_alive():
            time.sleep(0.01)
        response = client.get("/sparql", params={"query": "ASK {}"})
        assert_problem(response, 429, "overloaded")
        assert int(response.headers["retry-after"]) > 0
        runaway.join()
        assert first["status"] == 503
        while gate.in_flight:  # the slot comes back when the worker lets go of the query
            time.sleep(0.01)
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_a_runaway_set_aside_gives_its_thread_back_until_the_runaway_cap() -> None:
    gate = QueryGate(workers=1, queue=0, max_runaways=2)
    first, second = threading.Event(), threading.Event()
    stuck = gate.submit(first.wait)
    while gate.runaways == 0:  # set aside once it runs (a queued job is not a runaway)
        gate.set_aside(stuck)
        time.sleep(0.01)
    assert gate.in_flight == 0
    assert gate.submit(lambda: 42).result(timeout=5) == 42  # a fresh thread serves the next query
    also_stuck = gate.submit(second.wait)
    while gate.runaways == 1:
        gate.set_aside(also_stuck)
        time.sleep(0.01)
    assert gate.submit(lambda: 42) is None  # two runaways still running: refused (429) until one ends
    first.set()
    assert stuck.result(timeout=5) is True
    while gate.runaways == 2:
        time.sleep(0.01)
    assert gate.submit(lambda: 43).result(timeout=5) == 43
    second.set()


# --- service description and the form ------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"


@pytest.mark.parametrize(("media_type", "fmt"), [("text/turtle", RdfFormat.TURTLE),
                                                 ("application/rdf+xml", RdfFormat.RDF_XML),
                                                 ("application/n-triples", RdfFormat.N_TRIPLES),
                                                 ("application/ld+json", RdfFormat.JSON_LD)])
def test_service_description(client: TestClient, settings: Settings, media_type: str, fmt: RdfFormat) -> None:
    response = client.get("/sparql", headers={"Accept": media_type})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    triples = {(str(t.subject), str(t.predicate), str(t.object)) for t in parse(response.content, fmt)}
    endpoint = f"<{settings.base}sparql>"
    service = next(s for s, p, o in triples if p == f"<{SD}endpoint>" and o == endpoint)
    assert (service, f"<{SD}supportedLanguage>", f"<{SD}SPARQL11Query>") in triples
    assert (service, f"<{SD}feature>", f"<{SD}UnionDefaultGraph>") in triples
    formats = {o for s, p, o in triples if s == service and p == f"<{SD}resultFormat>"}
    assert {"<http://www.w3.org/ns/formats/SPARQL_Results_JSON>", "<http://www.w3.org/ns/formats/Turtle>",
            "<http://www.w3.org/ns/formats/SPARQL_Results_CSV>"} <= formats
    counts = {o for s, p, o in triples if p == "<http://rdfs.org/ns/void#triples>"}
    assert counts == {f'"{len(TRICKY) + 1}"^^<http://www.w3.org/2001/XMLSchema#integer>'}
    assert not any(p == "<http://www.w3.org/ns/sparql-service-description#supportedLanguage>"
                   and o.endswith("SPARQL11Update>") for s, p, o in triples)


def test_a_browser_gets_the_query_form(client: TestClient) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
    response = client.get("/sparql", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<form id="query-form" method="get" action="/sparql">' in page
    described = json.loads(page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
    assert described["@type"] == "WebAPI" and described["@context"] == "http://schema.org/"
    assert '<textarea id="query" name="query"' in page
    # the form's default query runs as submitted by the form (GET with query=...)
    default_query = page.split('name="query"', 1)[1].split(">", 1)[1].split("</textarea>")[0]
    default_query = default_query.replace("&lt;", "<").replace("&gt;", ">")
    assert client.get("/sparql", params={"query": default_query}).status_code == 200


def test_every_error_has_the_problem_shape(client: TestClient) -> None:
    for response in (client.get("/sparql", params={"query": "ASK {"}), client.put("/sparql"),
                     client.get("/sparql", params={"update": "CLEAR ALL"})):
        assert response.headers["content-type"].startswith("application/problem+json")
        # RFC 9457 extension members may follow (a syntax error's line, column and excerpt)
        assert {"type", "title", "status", "detail"} <= set(json.loads(response.text))


# --- helpers ------------------------------------------------------------------------------------

class listening_socket:  # noqa: N801 - used as a context manager like a function
    """A TCP listener on 127.0.0.1 that records whether anything connected (it never answers)."""

    def __enter__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.setblocking(False)
        port = self.sock.getsockname()[1]
        return f"http://127.0.0.1:{port}/sparql", self.was_contacted

    def was_contacted(self) -> bool:
        try:
            connection, _ = self.sock.accept()
        except BlockingIOError:
            return False
        connection.close()
        return True

    def __exit__(self, *exc: object) -> None:
        self.sock.close()
