"""SPARQL for people (issue 14): the query page, its gallery, predeclared prefixes, results pages for
browsers and syntax errors that point at their position; through HTTP on the demo store."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

import html5lib
import pytest
from fastapi.testclient import TestClient
from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from retractkg.api.app import create_app
from retractkg.api.sparql_page import examples
from retractkg.cli import main
from retractkg.config import Settings
from retractkg.formats import QUERY_PREFIXES
from retractkg.store import OxigraphStore

JSON_RESULTS = {"Accept": "application/sparql-results+json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
XHTML = "{http://www.w3.org/1999/xhtml}"
SH = "http://www.w3.org/ns/shacl#"


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> Iterator[TestClient]:
    store_path = tmp_path_factory.mktemp("sparql-page") / "store"
    assert main(["ingest", "--demo", "--quiet", "--store", str(store_path)]) == 0
    settings = Settings(store_path=store_path)
    with TestClient(create_app(settings, OxigraphStore(store_path, read_only=True), exclusive=True)) as client:
        yield client


def page(response) -> object:
    assert response.headers["content-type"].startswith("text/html")
    return html5lib.parse(response.text)


def ns(path: str) -> str:
    """An ElementTree path over html5lib's namespaced elements: `.//td` -> `.//{xhtml}td`."""
    return re.sub(r"(?<=/)([a-z0-9]+)", XHTML + r"\1", path)


def texts(document, path: str) -> list[str]:
    return ["".join(e.itertext()) for e in document.iterfind(ns(path))]


@pytest.mark.parametrize("example", examples(), ids=lambda e: e.id)
def test_every_gallery_example_runs_and_returns_rows_on_the_demo_store(client: TestClient, example) -> None:
    response = client.get("/sparql", params={"query": example.query}, headers=JSON_RESULTS)
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"], f"{example.id} returns no rows on the demo store"


def test_the_page_has_the_site_header_a_get_form_the_prefixes_and_the_gallery(client: TestClient) -> None:
    document = page(client.get("/sparql", headers=BROWSER))
    assert "Browse" in texts(document, ".//header/a") and "SPARQL" in texts(document, ".//header/a")
    form = document.find(f".//{XHTML}form[@id='query-form']")
    assert form.get("method") == "get" and form.get("action") == "/sparql"
    prologue = texts(document, ".//pre[@class='prologue']")[0]
    assert all(f"PREFIX {name}: <{iri}>" in prologue for name, iri in QUERY_PREFIXES.items())
    links = {a.get("data-example"): a.get("href") for a in document.iterfind(f".//{XHTML}a[@data-example]")}
    assert set(links) == {e.id for e in examples()} and all(h.startswith("/sparql?query=") for h in links.values())


def test_common_prefixes_need_no_declaration_and_a_query_s_own_declaration_wins(client: TestClient) -> None:
    undeclared = "SELECT ?title WHERE { ?n a fabio:RetractionNotice ; schema:name ?title }"
    answer = client.get("/sparql", params={"query": undeclared}, headers=JSON_RESULTS)
    assert answer.status_code == 200 and answer.json()["results"]["bindings"]
    redeclared = "PREFIX schema: <http://example.org/other/>\n" + undeclared
    answer = client.get("/sparql", params={"query": redeclared}, headers=JSON_RESULTS)
    assert answer.status_code == 200 and answer.json()["results"]["bindings"] == []
    from_graph = "SELECT * FROM rkg:nothing WHERE { ?s ?p ?o }"  # FROM reads predeclared prefixes too
    assert "rkg:nothing" not in client.get("/sparql", params={"query": from_graph}).json()["detail"]


def test_the_service_description_states_the_predeclared_prefixes(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    triples = list(parse(response.content, RdfFormat.TURTLE, base_iri="http://localhost/sparql"))
    declarations = {t.object for t in triples if t.predicate == NamedNode(SH + "declare")}
    declared = {}
    for node in declarations:
        values = {t.predicate.value: t.object.value for t in triples if t.subject == node}
        declared[values[SH + "prefix"]] = values[SH + "namespace"]
    assert declared == QUERY_PREFIXES
    assert any(t.object == Literal(QUERY_PREFIXES["schema"], datatype=NamedNode("http://www.w3.org/2001/XMLSchema#anyURI"))
               for t in triples)


def test_a_browser_get_shows_the_results_as_a_table_with_links_and_the_query_in_the_editor(client: TestClient) -> None:
    example = next(e for e in examples() if e.id == "top-reasons")
    response = client.get(example.href, headers=BROWSER)
    assert response.status_code == 200 and "Accept" in response.headers["vary"]
    document = page(response)
    assert texts(document, ".//textarea")[0] == example.query
    search_box = document.find(ns(".//header/form/input"))
    assert search_box.get("value") == ""  # the site's search box is not handed the query
    assert texts(document, ".//section[@class='results']//th") == ["?reason", "?label", "?notices"]
    rows = document.findall(f".//{XHTML}section[@class='results']//{XHTML}tbody/{XHTML}tr")
    assert rows
    link = rows[0].find(f".//{XHTML}a")
    assert link.get("href").startswith("/doc/reason/")  # this server's own page of the IRI
    downloads = {a.text: a.get("href") for a in document.iterfind(f".//{XHTML}p[@class='count']/{XHTML}a")}
    as_csv = client.get(downloads["CSV"], headers=BROWSER)  # an explicit format beats the browser's Accept
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert len(list(csv.reader(io.StringIO(as_csv.text)))) == len(rows) + 1


def test_programs_still_get_answer_formats(client: TestClient) -> None:
    query = examples()[0].query
    for accept in ("*/*", None, "application/sparql-results+xml"):
        headers = {"Accept": accept} if accept else {}
        response = client.get("/sparql", params={"query": query}, headers=headers)
        assert not response.headers["content-type"].startswith("text/html"), accept


def test_a_construct_and_an_ask_show_as_pages_too(client: TestClient) -> None:
    construct = "CONSTRUCT { ?n schema:name ?t } WHERE { ?n a fabio:RetractionNotice ; schema:name ?t }"
    document = page(client.get("/sparql", params={"query": construct}, headers=BROWSER))
    assert texts(document, ".//section[@class='results']//th") == ["subject", "predicate", "object"]
    assert "schema:name" in texts(document, ".//section[@class='results']//td")
    ask = page(client.get("/sparql", params={"query": "ASK { ?n a fabio:RetractionNotice }"}, headers=BROWSER))
    assert texts(ask, ".//p[@class='boolean']") == ["ASK: true"]


def test_a_syntax_error_points_at_its_line_and_column_in_problem_json_and_html(client: TestClient) -> None:
    query = "SELECT ?s WHERE {\n  ?s bogus:name ?o\n}"
    problem = client.get("/sparql", params={"query": query}).json()
    assert (problem["status"], problem["line"], problem["column"]) == (400, 2, 6)
    assert problem["excerpt"] == "  ?s bogus:name ?o\n     ^"
    assert "bogus:" in problem["detail"] and "\\u{" not in problem["detail"]  # no wall of Unicode ranges
    response = client.get("/sparql", params={"query": query}, headers=BROWSER)
    assert response.status_code == 400
    document = page(response)
    assert texts(document, ".//pre[@class='excerpt']") == ["  ?s bogus:name ?o\n     ^"]
    assert texts(document, ".//textarea") == [query]  # the query stays in the editor to be fixed
    typo = client.get("/sparql", params={"query": "SELECT *\nWHERE { ?s ?p ?o } LIMT 1"}).json()
    assert typo["line"] == 2 and "\\u{" not in typo["detail"] and "error at 2:" in typo["detail"]


def test_the_download_links_of_a_results_page_keep_the_request_s_dataset(client: TestClient) -> None:
    graph = next(row["g"]["value"] for row in client.get(
        "/sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?n a rkg:Notice } } LIMIT 1"},
        headers=JSON_RESULTS).json()["results"]["bindings"])
    query = "SELECT ?n WHERE { ?n a rkg:Notice }"
    document = page(client.get("/sparql", params={"query": query, "default-graph-uri": graph}, headers=BROWSER))
    downloads = {a.text: a.get("href") for a in document.iterfind(ns(".//p[@class='count']/a"))}
    as_json = client.get(downloads["SPARQL JSON"]).json()["results"]["bindings"]
    assert len(as_json) == 1  # the notice of that one record's graph, not every notice
