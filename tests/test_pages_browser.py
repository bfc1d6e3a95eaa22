"""The HTML pages in a real browser (Debian's Chromium driven by Playwright) against `retractkg serve`:
a reader goes home -> browse -> a retraction -> its article -> an author -> an affiliation, and a
harvester finds each page's schema.org JSON-LD and Highwire citation_* tags."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import ld_graph
import pytest
from playwright.sync_api import Page, sync_playwright

from retractkg.config import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """`retractkg serve` on 127.0.0.1 (stopped by its PID) over the demo notices, read by the real parsers
    (`retractkg ingest --demo`), plus the other notices of the test graph."""
    store_path = tmp_path_factory.mktemp("browser") / "store"
    ingest = subprocess.run([sys.executable, "-m", "retractkg.cli", "ingest", "--demo", "--quiet",
                             "--store", str(store_path)], capture_output=True, text=True, timeout=300)
    assert ingest.returncode == 0, ingest.stderr
    ld_graph.published_store(Settings(), store_path, with_seed=False).close()
    # Those records were written past `retractkg ingest`, which keeps the search index: rebuild it.
    assert subprocess.run([sys.executable, "-m", "retractkg.cli", "index", "--store", str(store_path)],
                          capture_output=True, timeout=300).returncode == 0
    port = free_port()
    log = tmp_path_factory.mktemp("browser-log") / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "retractkg.cli", "serve", "--store", str(store_path), "--port", str(port)],
            stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/browse", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"retractkg serve did not start: {log.read_text()}") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[Page]:
    assert CHROMIUM.exists(), "Chromium missing: run scripts/install_test_deps.sh"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def embedded_jsonld(page: Page) -> dict:
    text = page.locator('script[type="application/ld+json"]').text_content()
    return json.loads(text)


def described(page: Page) -> dict:
    """The node of the embedded JSON-LD that the page is about (its IRI is in the page footer)."""
    document = embedded_jsonld(page)
    iri = page.locator("footer .iri").inner_text()
    nodes = document.get("@graph", [document])
    return next(node for node in nodes if node["@id"] == iri)


def meta(page: Page, name: str) -> list[str]:
    return [m.get_attribute("content") for m in page.locator(f'meta[name="{name}"]').all()]


def test_a_reader_follows_links_from_home_to_an_author(page: Page, server: str):
    page.goto(server + "/")
    assert "linked-data graph of scholarly retractions" in page.locator("h1").inner_text()
    dataset = embedded_jsonld(page)
    assert "Dataset" in dataset["@type"]

    page.get_by_role("link", name="Notices by year").click()
    page.get_by_role("link", name="2024").click()
    assert page.locator("h1").inner_text() == "Notices of 2024"
    # Lists show a notice by its label; its page is headed by its own title.
    page.get_by_role("link", name="Retraction of: Copper-based metal organic framework", exact=False).click()

    # The retraction.
    assert page.locator("h1").inner_text().startswith("Retraction Note: Copper-based metal organic framework")
    reasons = page.locator("section.reasons").inner_text()
    assert "Error in Image" in reasons and "the authors found errors in Figs. 4c, 7h and 7j" in reasons
    assert "Editor-in-Chief" in page.locator("dl.facts").inner_text()
    notice = described(page)
    assert "ScholarlyArticle" in notice["@type"] and notice["name"].startswith("Retraction Note:")
    assert meta(page, "citation_title")[0].startswith("Retraction Note: Copper-based")
    assert meta(page, "citation_journal_title") == ["Journal of Nanobiotechnology"]
    assert meta(page, "citation_publication_date") == ["2024/05/31"]
    assert meta(page, "citation_author") == ld_graph.SEED_AUTHORS

    # Its article.
    page.locator("section.article").get_by_role("link", name=ld_graph.SEED_TITLE).click()
    assert page.locator("h1").inner_text() == ld_graph.SEED_TITLE
    assert page.locator(".badge").first.inner_text() == "Retracted"
    authors = page.locator("ol.authors > li").all_inner_texts()
    assert [a.split("\n")[0].split(" corresponding")[0].strip() for a in authors] == ld_graph.SEED_AUTHORS
    assert meta(page, "citation_doi") == ["10.1186/s12951-022-01520-8"]
    assert meta(page, "citation_volume") == ["20"]
    article = described(page)
    assert article["@id"].endswith("/id/article/10.1186/s12951-022-01520-8")

    # An author, and the affiliation.
    page.get_by_role("link", name="Xingming Guo").first.click()
    assert page.locator("h1").inner_text() == "Xingming Guo"
    assert "guoxm@cqu.edu.cn" in page.locator("dl.facts").inner_text()
    assert described(page)["@type"] == "Person"
    assert not meta(page, "citation_title")  # people are not papers
    affiliation = page.locator("main ul").first.get_by_role("link").first
    name = affiliation.inner_text()
    assert "Chongqing University" in name
    affiliation.click()
    assert page.locator("h1").inner_text() == name
    assert "Xingming Guo" in page.locator("main").inner_text()


def test_browse_by_reason_and_by_journal_lead_to_the_notices(page: Page, server: str):
    page.goto(server + "/browse/reasons")
    # Retraction Watch's older "Fake Peer Review" is the current "Compromised Peer Review".
    page.get_by_role("link", name="Compromised Peer Review").click()
    assert page.locator("h1").inner_text() == "Compromised Peer Review"
    assert "Fake Peer Review" in page.locator("dl.facts").inner_text()
    listed = page.locator("table.notices").inner_text()
    assert "sustainable impact of covid-19" in listed.lower() and "tourism economy" in listed
    page.goto(server + "/browse/journals")
    page.get_by_role("link", name="PLOS ONE").click()
    rows = page.locator("table.notices tbody tr").all_inner_texts()
    assert any("Expression of concern: Gene expression" in r for r in rows)
    assert any("Correction to: Soil microbes" in r for r in rows)


def test_search_by_doi_title_and_author(page: Page, server: str):
    page.goto(server + "/")
    page.get_by_label("Search the graph").fill("https://doi.org/10.1186/S12951-022-01520-8")
    page.get_by_label("Search the graph").press("Enter")
    page.wait_for_url("**/search?q=*")
    assert ld_graph.SEED_TITLE in page.locator("ul.hits").inner_text()
    page.goto(server + "/search?q=tourism+economy")
    assert "China's tourism economy" in page.locator("ul.hits").inner_text()
    page.goto(server + "/search?q=Álvarez")
    page.get_by_role("link", name="José Álvarez-Núñez").click()
    assert page.locator("h1").inner_text() == "José Álvarez-Núñez"
    assert "Hydrogel scaffolds" in page.locator("ul.works").inner_text()


@pytest.mark.parametrize("title", ["<!--<script", "<!--<script>", "x <!--<script type", "<!--<script>x</script>-->",
                                   "</script><p id=x>", "<![CDATA[", "]]>&amp;"])
def test_a_title_with_markup_stays_inside_its_json_ld_block(page: Page, title: str):
    """Chromium parses the page as a harvester's browser would: the JSON-LD holds the title, and the
    page after the block is still there (with `<!--<script` the block used to swallow the rest)."""
    from retractkg.api.pages import script_json

    page.set_content(f'<!DOCTYPE html><html><head><script type="application/ld+json">{script_json({"name": title})}'
                     '</script></head><body><p id="after">rest of the page</p></body></html>')
    blocks = page.eval_on_selector_all('script[type="application/ld+json"]', "els => els.map(e => e.textContent)")
    assert [json.loads(block) for block in blocks] == [{"name": title}]
    assert page.text_content("#after") == "rest of the page"


# --- issue 14: SPARQL for people, error pages, offline docs ---------------------------------------------------

def collect_console_errors(page: Page) -> list[str]:
    """Console errors of the page from now on (a Content-Security-Policy violation is one)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def test_a_reader_runs_a_gallery_example_and_edits_the_query_into_a_shareable_url(page: Page, server: str):
    errors = collect_console_errors(page)
    page.goto(server + "/")
    page.locator("header").get_by_role("link", name="SPARQL").click()
    assert page.locator("h1").inner_text() == "SPARQL 1.1 endpoint"
    page.get_by_role("link", name="Most frequent reasons").click()
    table = page.locator("section.results table")
    assert table.locator("th").all_inner_texts() == ["?reason", "?label", "?notices"]
    assert table.locator("tbody tr").count() > 0
    first_reason = table.locator("tbody tr").first.locator("a").first
    assert first_reason.get_attribute("href").startswith("/doc/reason/")
    # the page's address is the query: editing and running it gives another shareable address
    page.locator("textarea#query").fill("SELECT ?title WHERE { ?n a fabio:RetractionNotice ; schema:name ?title }")
    page.get_by_role("button", name="Run query").click()
    assert "query=SELECT" in page.url
    assert page.locator("section.results tbody tr").count() >= 1
    shared = page.url
    page.goto(shared)
    assert page.locator("section.results th").all_inner_texts() == ["?title"]
    assert errors == []
    response = page.goto(server + "/sparql?query=SELECT%20*%20WHERE%20%7B%0A%20%20%3Fs%20nope%3Ap%20%3Fo%20%7D")
    assert response.status == 400  # a syntax error: shown where it is, the query kept in the editor
    assert page.locator("pre.excerpt").inner_text() == "  ?s nope:p ?o }\n     ^"
    assert "nope:" in page.locator("textarea#query").input_value()


def test_a_missing_page_is_an_html_page_with_the_site_header(page: Page, server: str):
    response = page.goto(server + "/doc/article/10.0000/nothing-here")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "404 Not Found"
    page.locator("header").get_by_role("link", name="Browse").click()
    assert page.locator("h1").inner_text() == "Browse the graph"


def test_the_api_docs_show_offline_and_changes_lead_to_recent_changes(page: Page, server: str):
    errors = collect_console_errors(page)
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url) if not request.url.startswith(server) else None)
    page.goto(server + "/docs")
    assert page.get_by_role("heading", name="GET /search", exact=True).count() == 1
    page.locator("header").get_by_role("link", name="Changes").click()
    assert page.locator("h1").inner_text() == "Recent changes"
    assert page.locator("table.changes tbody tr").count() > 0
    assert outside == [] and errors == []
