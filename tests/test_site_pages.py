"""What a person or a crawler meets around the data (issue 14): HTML error pages for browsers (problem
JSON for everyone else), the recent-changes page and its Atom feed, robots.txt, the sitemap, the
favicon, offline API docs, the OpenSearch description and VoID's licence, publisher and feeds.
Through HTTP on the demo store."""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree import ElementTree

import engine_panic
import html5lib
import pytest
from fastapi.testclient import TestClient
from pyoxigraph import NamedNode, RdfFormat, parse

from retractkg.api.app import create_app
from retractkg.api.route_limits import Slots
from retractkg.cli import main
from retractkg.config import Settings
from retractkg.ontology import DCAT, DCT, SCHEMA, VOID
from retractkg.store import OxigraphStore

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"}
XHTML = "{http://www.w3.org/1999/xhtml}"
CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"
ENGINE_PANIC = engine_panic.QUERY


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("site") / "store"
    assert main(["ingest", "--demo", "--quiet", "--store", str(path)]) == 0
    engine_panic.add_to(path)
    return path


@pytest.fixture(scope="module")
def client(store_path) -> Iterator[TestClient]:
    settings = Settings(store_path=store_path)
    with TestClient(create_app(settings, OxigraphStore(store_path, read_only=True), exclusive=True)) as client:
        yield client


def html(response) -> ElementTree.Element:
    assert response.headers["content-type"].startswith("text/html"), response.headers["content-type"]
    return html5lib.parse(response.text)


def heading(document) -> str:
    return "".join(document.find(f".//{XHTML}h1").itertext())


def navigation(document) -> list[str]:
    return ["".join(a.itertext()) for a in document.iterfind(f".//{XHTML}header/{XHTML}a")]


# --- error pages ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("send", "status"), [
    (lambda c, h: c.get("/no/such/page", headers=h), 404),
    (lambda c, h: c.post("/browse", headers=h), 405),
    (lambda c, h: c.get("/.well-known/void", params={"format": "pdf"}, headers=h), 406),
])
def test_browsers_get_an_error_page_and_programs_a_problem(client: TestClient, send, status: int) -> None:
    page = send(client, BROWSER)
    assert page.status_code == status
    document = html(page)
    assert heading(document).startswith(str(status))
    assert "SPARQL" in navigation(document)  # the site's header: the reader can go on from here
    problem = send(client, {"Accept": "application/json"})
    assert problem.status_code == status and problem.headers["content-type"] == "application/problem+json"
    assert problem.json()["status"] == status
    assert send(client, {}).headers["content-type"] == "application/problem+json"  # no Accept: a program


def test_a_404_page_says_what_was_not_found(client: TestClient) -> None:
    assert "/no/such/page" in client.get("/no/such/page", headers=BROWSER).text


def test_an_overloaded_page_is_a_429_page_with_retry_after(store_path) -> None:
    settings = Settings(store_path=store_path)
    with TestClient(create_app(settings, OxigraphStore(store_path, read_only=True), exclusive=True)) as client:
        client.app.state.route_slots["page"] = Slots("pages", 0)  # a server with no room for a page
        page = client.get("/browse/reasons", headers=BROWSER)
        assert page.status_code == 429 and page.headers["retry-after"]
        assert heading(html(page)).startswith("429")


def test_a_query_past_its_deadline_is_a_503_page(store_path) -> None:
    settings = Settings(store_path=store_path, query_timeout=1)
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with TestClient(create_app(settings, OxigraphStore(store_path, read_only=True), exclusive=True)) as client:
        page = client.get("/sparql", params={"query": runaway}, headers=BROWSER)
        assert page.status_code == 503
        assert page.headers["content-type"].startswith("text/html")  # the SPARQL page, saying why
        assert "limit" in "".join(html(page).itertext())


def test_a_query_that_aborts_the_engine_is_a_500_page_for_a_browser(client: TestClient) -> None:
    if not engine_panic.still_aborts():
        pytest.skip("this pyoxigraph no longer aborts on the reported ORDER BY")
    page = client.get("/sparql", params={"query": ENGINE_PANIC}, headers=BROWSER)
    assert page.status_code == 500
    document = html(page)
    assert "engine" in "".join(document.find(f".//{XHTML}section[@class='problem']").itertext())
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200  # and the server carries on


# --- recent changes ------------------------------------------------------------------------------------------

def test_changes_in_the_navigation_is_a_page_for_people_and_an_atom_feed(client: TestClient) -> None:
    home = html(client.get("/", headers=BROWSER))
    changes_link = next(a.get("href") for a in home.iterfind(f".//{XHTML}header/{XHTML}a") if a.text == "Changes")
    page = client.get(changes_link, headers=BROWSER)
    document = html(page)
    assert heading(document) == "Recent changes"
    rows = document.findall(f".//{XHTML}table[@class='changes']/{XHTML}tbody/{XHTML}tr")
    assert len(rows) == 4  # the four demo records, each added
    assert all("added" in "".join(r.itertext()) for r in rows)
    assert client.get(rows[0].find(f".//{XHTML}a").get("href")).status_code == 200
    # /changes stays Activity Streams for programs; a browser is sent to the page
    assert client.get("/changes").headers["content-type"].startswith("application/activity+json")
    redirect = client.get("/changes", headers=BROWSER, follow_redirects=False)
    assert redirect.status_code == 303 and redirect.headers["location"] == "/recent-changes"
    atom = client.get("/recent-changes.atom")
    assert atom.headers["content-type"] == "application/atom+xml"
    feed = ElementTree.fromstring(atom.content)
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 4
    link = entries[0].find("{http://www.w3.org/2005/Atom}link").get("href")
    assert client.get(link.removeprefix("http://testserver")).status_code == 200


# --- files for crawlers and browsers -------------------------------------------------------------------------

def test_robots_names_the_sitemap_and_keeps_crawlers_off_queries(client: TestClient) -> None:
    robots = client.get("/robots.txt").text
    assert "Sitemap: http://testserver/sitemap.xml" in robots and "Disallow: /sparql?" in robots


def test_the_sitemap_index_lists_sitemaps_of_pages_and_documents_that_exist(client: TestClient) -> None:
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)
    sitemaps = [loc.text for loc in index.iter(f"{ns}loc")]
    assert sitemaps == ["http://testserver/sitemap/1.xml"]
    urls = [loc.text for loc in ElementTree.fromstring(client.get("/sitemap/1.xml").content).iter(f"{ns}loc")]
    assert "http://testserver/sparql" in urls
    for kind in ("notice", "article", "person", "journal", "publisher", "reason", "scheme"):
        assert any(url.startswith(f"http://testserver/doc/{kind}/") for url in urls), kind
    assert not [url for url in urls if "#" in url]  # a part of a document ("…#joined") is no page of its own
    notice = "http://testserver/doc/notice/retraction/10.1186/s12951-022-01520-8"
    assert notice in urls
    assert client.get(notice.removeprefix("http://testserver"), headers=BROWSER).status_code == 200
    assert client.get("/sitemap/2.xml").status_code == 404


def test_the_favicon_is_an_svg_the_pages_link(client: TestClient) -> None:
    icon = client.get("/favicon.svg")
    assert icon.headers["content-type"] == "image/svg+xml"
    ElementTree.fromstring(icon.content)  # well-formed
    assert client.get("/favicon.ico", follow_redirects=False).headers["location"] == "/favicon.svg"
    head = html(client.get("/browse", headers=BROWSER)).find(f"{XHTML}head")
    assert head.find(f"{XHTML}link[@rel='icon']").get("href") == "/favicon.svg"


def test_every_page_links_the_opensearch_description_which_searches_the_site(client: TestClient) -> None:
    for path in ("/", "/browse", "/sparql", "/recent-changes", "/docs", "/no/such/page"):
        head = html(client.get(path, headers=BROWSER)).find(f"{XHTML}head")
        link = head.find(f"{XHTML}link[@rel='search']")
        assert link is not None, path
        assert (link.get("type"), link.get("href")) == ("application/opensearchdescription+xml", "/opensearch.xml")
    response = client.get("/opensearch.xml")
    assert response.headers["content-type"] == "application/opensearchdescription+xml"
    ns = "{http://a9.com/-/spec/opensearch/1.1/}"
    description = ElementTree.fromstring(response.content)
    template = next(u.get("template") for u in description.iter(f"{ns}Url") if u.get("type") == "text/html")
    assert template.startswith("http://testserver/search?q={searchTerms}")
    found = client.get(template.replace("{searchTerms}", "copper").replace("{startPage?}", "1")
                       .removeprefix("http://testserver"), headers=BROWSER)
    assert found.status_code == 200 and "Copper-based metal organic framework" in found.text


def test_the_api_docs_work_offline_and_list_every_documented_route(client: TestClient) -> None:
    response = client.get("/docs", headers=BROWSER)
    document = html(response)
    assert "SPARQL" in navigation(document)
    # nothing loaded from elsewhere: no script at all, no stylesheet or image from another origin
    assert document.find(f".//{XHTML}script[@src]") is None
    assert not re.search(r'(src|href)="https?://(?!testserver)[^"]*\.(js|css)', response.text)
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "cdn" not in policy
    shown = {"".join(h.itertext()).split(maxsplit=1)[1] for h in document.iterfind(f".//{XHTML}section/{XHTML}h2")}
    openapi = client.get("/openapi.json").json()
    assert set(openapi["paths"]) <= shown and "/search" in shown
    assert client.get("/redoc").status_code == 404  # FastAPI's CDN pages are off


# --- VoID ----------------------------------------------------------------------------------------------------

def test_void_states_licence_publisher_feeds_and_the_opensearch_description(client: TestClient) -> None:
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    triples = list(parse(response.content, RdfFormat.TURTLE))
    dataset = next(t.subject for t in triples if t.predicate == NamedNode(VOID + "sparqlEndpoint"))

    def objects(subject, predicate: str) -> set[str]:
        return {t.object.value for t in triples if t.subject == subject and t.predicate == NamedNode(predicate)}

    assert objects(dataset, DCT + "license") == {CC0}
    (publisher,) = objects(dataset, DCT + "publisher")
    assert objects(NamedNode(publisher), SCHEMA + "name") == {"retractkg contributors"}
    assert objects(dataset, VOID + "openSearchDescription") == {"http://testserver/opensearch.xml"}
    feeds = {url for d in objects(dataset, DCAT + "distribution") for url in objects(NamedNode(d), DCAT + "accessURL")}
    assert {"http://testserver/changes", "http://testserver/recent-changes.atom"} <= feeds


def test_a_revalidated_page_keeps_its_own_content_security_policy(client: TestClient) -> None:
    """A 304's headers replace the cached page's: a data policy there would block the page's styles and icon."""
    first = client.get("/browse", headers=BROWSER)
    policy = first.headers["content-security-policy"]
    assert "img-src 'self'" in policy and "script-src 'self';" in policy  # no page runs an inline script
    again = client.get("/browse", headers={**BROWSER, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and "content-security-policy" not in again.headers
