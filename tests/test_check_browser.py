"""The reference-list form (/check) in Debian's Chromium driven by Playwright, against `retractkg serve`
over the Retraction Watch COVID-19 subset: paste a list, upload a BibTeX file, follow a notice link."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page
from servers import serving_ingested
from test_doi_api import BIBTEX, RETRACTED, RW
from test_pages_browser import page  # noqa: F401 - the browser fixture, over this module's server

from retractkg.ingest.pipeline import DEMO_DIR


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """`retractkg serve` (stopped by its PID) over the subset and the demo notices."""
    with serving_ingested(tmp_path_factory.mktemp("check"), RW, DEMO_DIR) as url:
        yield url


def test_a_person_checks_a_pasted_list_and_an_uploaded_file(server: str, page: Page, tmp_path):  # noqa: F811
    page.goto(server + "/check")
    page.fill("textarea[name=text]", f"{RETRACTED}\n10.9999/unknown")
    page.click("form[action=\"/check\"] button[type=submit]")
    rows = page.locator("table.check tbody tr")
    assert rows.count() == 2
    assert "retracted" in rows.nth(0).inner_text() and "not found" in rows.nth(1).inner_text()
    bib = tmp_path / "refs.bib"
    bib.write_text(BIBTEX, encoding="utf-8")
    page.goto(server + "/check")
    page.set_input_files("input[type=file]", str(bib))
    page.click("form[action=\"/check\"] button[type=submit]")
    assert page.locator("table.check tbody tr").count() == 3
    assert "no identifier" in page.locator("tr.status-no_identifier").inner_text()
    page.locator("tr.status-retracted a", has_text="Retraction").first.click()
    page.wait_for_load_state()
    assert "/doc/notice/" in page.url and page.locator("h1").count() == 1
