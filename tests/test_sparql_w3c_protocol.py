"""The W3C SPARQL 1.1 Protocol tests, read from the manifest, run against /sparql.

Cases come from `../shared/conformance/w3c-sparql11/protocol/manifest.ttl` (read with rdflib), each
with the graphs its `ut:graphData` names loaded into a fresh store. The endpoint is read-only over
its own data, so the manifest's tests are judged as follows:

- query tests run as written and must meet the manifest's expectations (status, format, boolean);
- a request naming a graph (`default-graph-uri`/`named-graph-uri`) that the test does not load
  would make a server fetch it from the web: it must be refused (400), not followed. The same test
  runs a second time with those graphs held locally (empty), where it must pass as written;
- update tests must be refused cleanly (403 problem, or a 4xx for a malformed one) and leave the
  store unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import NamedNode, QueryBoolean, RdfFormat, parse, parse_query_results
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDFS

from retractkg.api.app import create_app
from retractkg.config import Settings
from retractkg.formats import GRAPH_TYPES, SOLUTION_TYPES
from retractkg.store import OxigraphStore

SUITE = Path(__file__).resolve().parents[1].parent / "shared" / "conformance" / "w3c-sparql11" / "protocol"
MANIFEST = SUITE / "manifest.ttl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
GRAPH_PARAMETERS = ("default-graph-uri", "named-graph-uri")

pytestmark = pytest.mark.skipif(not MANIFEST.exists(), reason=f"W3C protocol suite not found at {SUITE}")


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]  # status classes such as "2xx"
    expected_boolean: bool | None
    expected_format: str | None

    @property
    def parameters(self) -> list[tuple[str, str]]:
        params = parse_qsl(urlsplit(self.path).query, keep_blank_values=True)
        if self.body and self.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            params += parse_qsl(self.body.decode("utf-8"), keep_blank_values=True)
        return params

    @property
    def is_update(self) -> bool:
        content_type = self.headers.get("content-type", "")
        return content_type.startswith("application/sparql-update") or any(
            name == "update" for name, _ in self.parameters) or (
            self.body is not None and not content_type and self.body.startswith(b"update="))

    @property
    def graphs(self) -> set[str]:
        return {value for name, value in self.parameters if name in GRAPH_PARAMETERS}


@dataclass
class ProtocolTest:
    name: str
    title: str
    graph_data: dict[str, Path]  # graph IRI -> file
    requests: list[HttpRequest] = field(default_factory=list)

    @property
    def is_update(self) -> bool:
        return any(r.is_update for r in self.requests)

    @property
    def off_site_graphs(self) -> set[str]:
        """Graphs the requests name that the test does not provide: a server would fetch them."""
        return {g for r in self.requests for g in r.graphs} - set(self.graph_data)


def load_manifest() -> list[ProtocolTest]:
    graph = Graph().parse(MANIFEST, format="turtle", publicID=MANIFEST.as_uri())
    manifest = next(graph.subjects(MF.entries, None))
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        graph_data = {str(graph.value(d, RDFS.label)): Path(str(graph.value(d, UT.graph)).removeprefix("file://"))
                      for d in graph.objects(entry, UT.graphData)}
        test = ProtocolTest(str(entry).rsplit("#", 1)[1], str(graph.value(entry, MF.name)), graph_data)
        action = graph.value(entry, MF.action)
        for node in Collection(graph, graph.value(action, HT.requests)):
            headers = {}
            header_list = graph.value(node, HT.headers)
            if header_list is not None:
                for header in Collection(graph, header_list):
                    headers[str(graph.value(header, HT.fieldName)).lower()] = str(graph.value(header, HT.fieldValue))
            body = None
            body_node = graph.value(node, HT.body)
            if body_node is not None:
                encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(graph.value(body_node, CNT.chars)).encode(encoding)
            response = graph.value(node, HT.resp)
            boolean = graph.value(response, MF.expectedBoolean)
            fmt = graph.value(response, MF.expectedFormat)
            test.requests.append(HttpRequest(
                method=str(graph.value(node, HT.methodName)),
                path=str(graph.value(node, HT.absolutePath)),
                headers=headers,
                body=body,
                statuses={str(s).removeprefix(HTS) for s in graph.objects(response, MF.expectedStatus)},
                expected_boolean=None if boolean is None else boolean.toPython(),
                expected_format=None if fmt is None else str(fmt),
            ))
        tests.append(test)
    return tests


TESTS = load_manifest() if MANIFEST.exists() else []
QUERY_TESTS = [t for t in TESTS if not t.is_update]
UPDATE_TESTS = [t for t in TESTS if t.is_update]
OFF_SITE_TESTS = [t for t in QUERY_TESTS if t.off_site_graphs]


def store_for(test: ProtocolTest, *, local_graphs: set[str] = frozenset()) -> OxigraphStore:
    store = OxigraphStore()
    for iri, path in test.graph_data.items():
        store.oxigraph.load(path=str(path), format=RdfFormat.N_TRIPLES, to_graph=NamedNode(iri))
    for iri in local_graphs:
        store.oxigraph.add_graph(NamedNode(iri))
    return store


def send(client: TestClient, request: HttpRequest):
    # "A program using this manifest ... must replace [/sparql/] with whatever path prefix is appropriate."
    assert request.path.startswith("/sparql/")
    path = "/sparql" + request.path[len("/sparql/"):]
    return client.request(request.method, path, content=request.body, headers=request.headers)


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def check_answer(request: HttpRequest, response) -> None:
    assert status_class(response.status_code) in request.statuses, (response.status_code, response.text)
    if not request.statuses & {"2xx", "3xx"}:
        return
    media_type = response.headers["content-type"].split(";")[0]
    if request.expected_format in ("boolean", "tabular"):
        assert media_type in SOLUTION_TYPES, media_type
        parsed = parse_query_results(response.content, SOLUTION_TYPES[media_type])
        if request.expected_format == "boolean":
            assert isinstance(parsed, QueryBoolean)
            if request.expected_boolean is not None:
                assert bool(parsed) is request.expected_boolean
        else:
            assert list(parsed)
    elif request.expected_format == "RDF":
        assert media_type in GRAPH_TYPES, media_type
        list(parse(response.content, GRAPH_TYPES[media_type]))


def client_for(store: OxigraphStore) -> TestClient:
    return TestClient(create_app(Settings(), store))


def test_the_manifest_was_read() -> None:
    assert len(TESTS) == 34
    assert len(QUERY_TESTS) + len(UPDATE_TESTS) == len(TESTS)
    assert {"query_get", "query_post_form", "query_post_direct", "bad_query_syntax"} <= {t.name for t in QUERY_TESTS}
    assert {"update_post_form", "update_post_direct", "bad_update_get"} <= {t.name for t in UPDATE_TESTS}


@pytest.mark.parametrize("test", QUERY_TESTS, ids=lambda t: t.name)
def test_query(test: ProtocolTest) -> None:
    """As written, with every graph the requests name held by the store."""
    with client_for(store_for(test, local_graphs=test.off_site_graphs)) as client:
        for request in test.requests:
            check_answer(request, send(client, request))


@pytest.mark.parametrize("test", OFF_SITE_TESTS, ids=lambda t: t.name)
def test_graphs_that_are_not_local_are_refused_not_fetched(test: ProtocolTest) -> None:
    with client_for(store_for(test)) as client:
        for request in test.requests:
            response = send(client, request)
            if request.graphs & test.off_site_graphs and request.statuses & {"2xx", "3xx"}:
                assert response.status_code == 400, response.text
                problem = response.json()
                assert problem["type"].endswith("/unknown-graph")
                assert any(graph in problem["detail"] for graph in test.off_site_graphs)
            else:
                check_answer(request, response)


@pytest.mark.parametrize("test", UPDATE_TESTS, ids=lambda t: t.name)
def test_update_is_refused_cleanly(test: ProtocolTest) -> None:
    store = store_for(test)
    before = {str(q) for q in store.oxigraph}
    with client_for(store) as client:
        for request in test.requests:
            if not request.is_update:
                continue
            response = send(client, request)
            assert 400 <= response.status_code < 500, response.text
            assert response.headers["content-type"].startswith("application/problem+json")
            if request.statuses & {"2xx", "3xx"}:  # a well-formed update: refused because the endpoint is read-only
                assert response.status_code == 403
                assert response.json()["type"].endswith("/read-only")
    assert {str(q) for q in store.oxigraph} == before
