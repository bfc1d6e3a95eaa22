"""The entity pages in Chromium (Playwright) are accessible and readable: axe-core (the engine browsers' own
audits use) finds no WCAG 2 A/AA violation on a notice, an article, a person, an organization, a journal
and a publisher page; the page has one h1, a language, landmarks; and what issue 14 added is reachable
by name: the links out, the source records with their record link, the record id, the subjects."""

from __future__ import annotations

import re
from pathlib import Path

import ld_graph
import pytest
from playwright.sync_api import Page
from test_pages_browser import page, server  # noqa: F401  (the served demo + test graph, and a Chromium page)

from retractkg.config import Settings

AXE = Path(__file__).resolve().parents[1] / ".ci" / "work" / "node" / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(tab: Page) -> list[str]:
    """axe-core's violations of the page, one line each (rule, impact, first offending element)."""
    assert AXE.exists(), "axe-core missing: run scripts/install_test_deps.sh"
    tab.evaluate(AXE.read_text(encoding="utf-8"))  # evaluated by the driver: the page's CSP does not apply
    result = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    assert any(rule["id"] == "color-contrast" for rule in result["passes"])  # the rules did run on this page
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['html'][:160]}" for v in result["violations"]]


def doc(iri: str) -> str:
    return "/doc/" + iri.split("/id/", 1)[1]


def entity_paths() -> dict[str, str]:
    settings = Settings()
    return {
        "notice": "/doc/notice/retraction/10.1186/s12951-022-01520-8",  # the seed, read by `ingest --demo`
        "Retraction Watch notice": doc(ld_graph.notice_iri(settings, 1)),
        "article": "/doc/article/10.1186/s12951-022-01520-8",
        "journal": None,  # found from the notice page
        "publisher": None,
        "person": None,
        "organization": None,
    }


def test_entity_pages_have_no_wcag_violations_and_read_in_order(page: Page, server: str):  # noqa: F811
    paths = entity_paths()
    page.goto(server + paths["notice"])
    paths["journal"] = page.locator("main > p").first.get_by_role("link").nth(1).get_attribute("href")
    publisher = page.locator("dl.facts").get_by_role("link", name="Springer Nature").first
    paths["publisher"] = publisher.get_attribute("href")
    page.goto(server + paths["article"])
    paths["person"] = page.get_by_role("link", name="Xingming Guo").first.get_attribute("href")
    page.goto(server + paths["person"])
    paths["organization"] = page.locator("ul.affiliations a").first.get_attribute("href")
    for kind, path in paths.items():
        response = page.goto(server + path)
        assert response.status == 200, (kind, path)
        assert axe_violations(page) == [], kind
        assert page.locator("h1").count() == 1, kind
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.get_by_role("main").count() == 1 and page.get_by_role("banner").count() == 1
        assert page.get_by_role("heading", name="Where this comes from").count() == 1, kind


def test_a_reader_finds_the_record_the_links_out_and_the_sources_of_a_retraction_watch_notice(  # noqa: F811
        page: Page, server: str):  # noqa: F811
    page.goto(server + entity_paths()["Retraction Watch notice"])
    facts = page.locator("dl.facts")
    assert facts.get_by_role("link", name="Retraction Watch record 54680").get_attribute("href") == \
        "http://retractiondatabase.org/RetractionSearch.aspx#?ID=54680"
    assert "free to read" in facts.inner_text()
    elsewhere = page.get_by_role("navigation", name="Elsewhere")
    assert elsewhere.get_by_role("link", name="PubPeer").get_attribute("href") == \
        "https://pubpeer.com/search?q=10.1007/s11356-024-34290-x"
    assert elsewhere.get_by_role("link", name="OpenAlex").get_attribute("href") == \
        "https://api.openalex.org/works/doi:10.1007/s11356-024-34290-x"
    sources = page.locator("section.sources")
    assert "1 source record" in sources.inner_text() and "ingested" in sources.inner_text()
    sources.get_by_role("link", name="the record as data").click()
    assert "/graph/" in page.url
    page.go_back()
    # the reasons read from the seed's text, with their calibrated confidence and the sentence that says so
    page.goto(server + entity_paths()["notice"])
    reasons = page.locator("section.reasons").inner_text()
    assert re.search(r"Error in Image \(confidence 0\.\d+, read from the notice text\)", reasons)
    assert "the authors found errors in Figs. 4c, 7h and 7j" in reasons


@pytest.mark.parametrize("width", [360])
def test_a_notice_page_reads_on_a_narrow_screen_without_sideways_scrolling(page: Page, server: str,  # noqa: F811
                                                                          width: int):
    page.set_viewport_size({"width": width, "height": 800})
    try:
        page.goto(server + entity_paths()["Retraction Watch notice"])
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
    finally:
        page.set_viewport_size({"width": 1280, "height": 800})
