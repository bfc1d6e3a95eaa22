"""Search facets, pagination, exports and charts in Debian's Chromium driven by Playwright, against
`retractkg serve` over the Retraction Watch COVID-19 subset and the demo notices."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page
from servers import serving_ingested
from test_facets import COVID
from test_pages_browser import page  # noqa: F401 - the browser fixture, over this module's server

from retractkg.ingest.pipeline import DEMO_DIR

pytestmark = pytest.mark.skipif(not COVID.exists(), reason="../shared is not beside the checkout")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """`retractkg serve` (stopped by its PID) over the subset and the demo notices."""
    with serving_ingested(tmp_path_factory.mktemp("facets-browser"), COVID, DEMO_DIR) as url:
        yield url


def results_count(shown: Page) -> int:
    found = re.match(r"([\d,]+) results?", shown.locator("p.summary").inner_text())
    assert found, shown.locator("p.summary").inner_text()
    return int(found.group(1).replace(",", ""))


def facet_link(shown: Page, facet: str, index: int = 0):
    return shown.locator(f"section[data-facet={facet}] li").nth(index)


def test_a_reader_narrows_a_search_by_two_facets_and_pages_through(page: Page, server: str):  # noqa: F811
    page.goto(server + "/")
    page.get_by_label("Search the graph").fill("covid")
    page.get_by_label("Search the graph").press("Enter")
    page.wait_for_url("**/search?q=covid")
    everything = results_count(page)
    page.locator("nav[aria-label='Result pages'] a[rel=next]").click()
    page.wait_for_url("**page=2*")
    assert page.locator("ul.hits li").count() > 0
    nature = facet_link(page, "nature")
    expected = int(nature.locator("span.count").inner_text().replace(",", ""))
    label = nature.locator("a").inner_text()
    nature.locator("a").click()
    page.wait_for_url("**nature=*")
    assert results_count(page) == expected < everything
    assert f"Nature: {label}" in page.locator("p.chosen").inner_text()
    year = facet_link(page, "year")
    year_label = year.locator("a").inner_text()
    expected = int(year.locator("span.count").inner_text().replace(",", ""))
    year.locator("a").click()
    page.wait_for_url("**year=*")
    assert results_count(page) == expected
    assert "nature=" in page.url and f"Year: {year_label}" in page.locator("p.chosen").inner_text()
    assert all(b == "notice" for b in page.locator("ul.hits .badge").all_inner_texts())
    if expected > 50:
        page.locator("nav[aria-label='Result pages'] a[rel=next]").click()
        page.wait_for_url("**page=2*")
        assert "year=" in page.url and "nature=" in page.url  # the filters stay on the next page
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert len(rows) == expected and all(year_label in r["years"] and r["nature"] == label for r in rows)
    page.locator("a.chip", has_text="Year").click()  # removing a filter widens the results again
    page.wait_for_url(re.compile(r"^(?!.*year=).*nature=.*$"))
    assert results_count(page) > expected


def test_charts_are_drawn_as_svg_with_titles_and_their_numbers(page: Page, server: str):  # noqa: F811
    page.goto(server + "/")
    chart = page.locator("figure#notices-per-year svg[role=img]")
    assert chart.locator("title").first.text_content() == "Notices per year, by nature"
    assert chart.locator("rect").count() > 3
    assert chart.bounding_box()["height"] > 100  # drawn, not just present
    assert page.locator("figure#top-reasons svg rect").count() == 10
    page.locator("figure#notices-per-year summary").click()
    assert page.locator("figure#notices-per-year table").is_visible()
    page.goto(server + "/browse/journals")
    page.get_by_role("link", name="Early Human Development").click()
    timeline = page.locator("figure svg[role=img]")
    assert "Notices per year" in timeline.locator("title").first.text_content()
    assert timeline.locator("rect").count() >= 1
