"""Issue 11: notices read from prose take what their sidecar says (`ingest/readers/sidecar.py`) where the text
says nothing: PubMed Central bodies have no title block, and without it a hundred notices were one label, "an
article it does not name", and none met its JATS record. What the sidecar gives is the weakest reading; a notice
with neither article nor sidecar is told apart by its journal and date, else its opening words. Through the
Python API and HTTP, on the shared notices."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from retractkg.api.app import create_app
from retractkg.config import Settings
from retractkg.ingest.pipeline import ingest
from retractkg.ingest.readers import text_notice
from retractkg.store import OxigraphStore

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
NOTICES = DATA / "notices"
pytestmark = pytest.mark.skipif(not DATA.exists(), reason="../shared is not present")
PREFIXES = """PREFIX schema: <http://schema.org/> PREFIX rkg: <https://w3id.org/retractkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> """


def labels(store: OxigraphStore, source_format: str) -> Counter[str]:
    return Counter(s["l"].value for s in store.query(PREFIXES + f"""SELECT ?n ?l WHERE {{
        GRAPH ?g {{ ?n a rkg:Notice ; rdfs:label ?l }} ?g rkg:sourceFormat "{source_format}" }}"""))


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> OxigraphStore:
    """The PubMed Central notice bodies with their sidecars, the JATS of the same notices, and the Europe PMC
    notices."""
    store = OxigraphStore()
    assert not ingest(store, [NOTICES / "pmc", NOTICES / "europepmc_2023",
                              *sorted((DATA / "jats" / p.with_suffix(".xml").name)
                                      for p in (NOTICES / "pmc").glob("*.txt"))], Settings()).errors
    return store


def test_no_two_text_notices_share_a_label(store):
    found = labels(store, "text")
    assert sum(found.values()) >= 300
    assert [label for label, count in found.items() if count > 1] == []
    assert not [label for label in found if "does not name" in label and "(" not in label]


def test_a_body_without_a_title_block_is_its_sidecars_notice_and_meets_its_jats_record(store):
    notice = f"{Settings().base}id/notice/10.1371/journal.pcbi.0030158"
    found = {(s["f"].value, s["l"].value) for s in store.query(PREFIXES + f"""SELECT ?f ?l WHERE {{
        GRAPH ?g {{ <{notice}> rdfs:label ?l }} ?g rkg:sourceFormat ?f }}""")}
    label = "Retraction of: Measures of Clade Confidence Do Not Correlate with Accuracy of Phylogenetic Trees"
    assert found == {("text", label), ("jats", label)}
    # Nearly every body meets its JATS record on one notice (a JATS file cut before its ids cannot).
    (met,) = [int(s["c"].value) for s in store.query(PREFIXES + """SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE {
        GRAPH ?t { ?n a rkg:Notice } ?t rkg:sourceFormat "text" . GRAPH ?j { ?n a rkg:Notice } ?j rkg:sourceFormat
        "jats" }""")]
    assert met >= 250, met
    with TestClient(create_app(Settings(), store)) as client:
        page = client.get("/doc/notice/10.1371/journal.pcbi.0030158", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<h1>Retraction: Measures of Clade Confidence" in page.text.replace("\n", "")


def test_the_reader_alone_reads_the_prose_only():
    """`retractkg evaluate` scores the reader on the text: the sidecar's answers must not reach it."""
    (record,) = text_notice.parse(NOTICES / "pmc" / "PMC1924872.txt")
    assert record.notice.doi == "" and record.notice.title == ""
    (record,) = text_notice.parse(NOTICES / "pmc" / "PMC1924872.txt", sidecar=True)
    assert record.notice.doi == "10.1371/journal.pcbi.0030158"


def test_what_the_text_says_wins_over_the_sidecar(tmp_path):
    """The PLOS expression of concern's page states its article; a sidecar saying otherwise does not move it."""
    text = tmp_path / "eoc.txt"
    shutil.copy(NOTICES / "pages" / "plosone_eoc_0278502.txt", text)
    text.with_suffix(".json").write_text('{"subject_article_doi": "10.1371/journal.pone.0000001", '
                                         '"journal": "Another Journal"}', encoding="utf-8")
    (record,) = text_notice.parse(text, sidecar=True)
    assert [a.doi for a in record.notice.articles] == ["10.1371/journal.pone.0179536"]
    assert record.notice.journal.name != "Another Journal"


def test_a_notice_naming_no_article_without_a_sidecar_is_told_by_its_journal_or_opening(tmp_path):
    for name in ("frontiers_pharmacology_via_rw_blog_partial.txt", "iitbhu_idr_2127.txt"):
        shutil.copy(NOTICES / "pages" / name, tmp_path / name)  # the text alone
    store = OxigraphStore()
    ingest(store, [tmp_path], Settings())
    assert set(labels(store, "text")) == {
        "Retraction of: an article it does not name (Frontiers in Pharmacology)",
        "Retraction of: an article it does not name (“The Editors-in-Chief have retracted this article because "
        "of anomalies in…”)"}


def test_a_broken_sidecar_is_a_warning_naming_it_and_its_notice_is_still_read(tmp_path):
    """A truncated sidecar is bad input: the run says which file and what is wrong, and keeps the notice as its
    text gives it, and every other notice."""
    for name in ("PMC1924872.txt", "PMC1924872.json"):
        shutil.copy(NOTICES / "pmc" / name, tmp_path / name)
    (tmp_path / "PMC1924872.json").write_text('{"notice_doi": "10.1371/journal.pcbi', encoding="utf-8")
    shutil.copy(NOTICES / "pages" / "plosone_eoc_0278502.txt", tmp_path / "eoc.txt")
    store = OxigraphStore()
    report = ingest(store, [tmp_path], Settings())
    assert len(report.added) == 2 and not report.errors
    (warning,) = [w for w in report.warnings if "PMC1924872.json" in w]
    assert "not JSON (line 1, column" in warning and "not read" in warning
    assert report.skipped == []  # a sidecar is read with its notice, not skipped


def test_two_notices_a_sidecar_says_are_about_one_article_are_two_records(tmp_path):
    """PMC3108510 and PMC3401847 both retract the vitiligo article (PMID 20101332), neither with a DOI of its own:
    keyed by that article alone, the second was written over the first in one run."""
    for name in ("PMC3108510", "PMC3401847"):
        for suffix in (".txt", ".json"):
            shutil.copy(NOTICES / "pmc" / f"{name}{suffix}", tmp_path / f"{name}{suffix}")
    store = OxigraphStore()
    report = ingest(store, [tmp_path], Settings())
    assert len(report.added) == 2 and not report.updated
    files = {s["f"].value for s in store.query(PREFIXES + """SELECT ?f WHERE {
        ?g rkg:sourceFormat "text" ; rkg:sourceFile ?f }""")}
    assert files == {"PMC3108510.txt", "PMC3401847.txt"}
