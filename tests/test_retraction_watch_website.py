"""The Retraction Watch website export (../shared/data/retraction-watch/dciudadr_rw_website_export_600.txt):
600 records of several tab-separated lines each, read into the same notices as the database export."""

from __future__ import annotations

from pathlib import Path

import pytest

from retractkg.config import Settings
from retractkg.ingest import sources
from retractkg.ingest.model import Nature
from retractkg.ingest.pipeline import ingest
from retractkg.ingest.readers import retraction_watch_website as website
from retractkg.ontology import CITO, OWL, RKG, SCHEMA, SKOS
from retractkg.store import OxigraphStore
from retractkg.validation import validate

EXPORT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "retraction-watch" / \
    "dciudadr_rw_website_export_600.txt"
pytestmark = pytest.mark.skipif(not EXPORT.exists(), reason="../shared is not present")


@pytest.fixture(scope="module")
def records():
    return list(website.parse(EXPORT))


def test_detected_from_content_and_every_record_read(tmp_path, records):
    renamed = tmp_path / "export.csv"
    renamed.write_bytes(EXPORT.read_bytes())
    assert sources.detect(renamed).name == "retraction-watch-website"
    assert len(records) == 600  # "600 Items Displayed"
    assert len({r.record_key for r in records}) == 600
    natures = [r.notice.nature for r in records]
    assert natures.count(Nature.RETRACTION) > 550 and Nature.EXPRESSION_OF_CONCERN in natures


def test_a_record_over_seven_lines_becomes_one_notice_about_one_article(records):
    (record,) = [r for r in records if r.notice.articles[0].doi == "10.1080/14786419.2017.1300800"]
    notice, (article,) = record.notice, record.notice.articles
    assert (notice.nature, notice.doi, notice.pmid, notice.date) == (
        Nature.RETRACTION, "10.1080/14786419.2017.1422331", "29310452", "2018-01-08")
    assert (article.pmid, article.date, article.article_type) == ("28287288", "2017-03-13", "Research Article")
    assert article.title.startswith("Structure revision of aspergicin by the crystal structure")
    assert (article.journal.name, article.journal.publisher) == ("Natural Product Research", "Taylor and Francis")
    assert article.subjects == ["(PHY) Chemistry", "(PHY) Crystallography/Spectroscopy"]
    assert [p.name for p in article.authors] == ["Feng Zhu", "Jie-sen Li", "Wu-chen Xie", "Jun-jun Shi", "Feng Xu",
                                                 "Zhao-feng Song", "Yi-lu Liu"]
    assert [o.name for o in article.organizations] == [
        "Department of Chemical Engineering, Foshan University, Foshan, China"]
    assert article.countries == ["China"] and notice.paywalled is False
    assert [r.label for r in notice.reasons] == ["Error in Results and/or Conclusions"]
    assert notice.coverage == ["http://retractionwatch.com/2018/01/16/caught-notice-doesnt-anyone-literature-review/"]


def test_every_country_is_kept_and_paywalled_read_after_them(records):
    (record,) = [r for r in records if r.notice.doi == "10.1158/1535-7163.mct-17-0547"]
    assert record.notice.articles[0].countries == ["South Korea", "United States"]
    assert record.notice.paywalled is False
    assert not {"Yes", "No"} & {c for r in records for c in r.notice.articles[0].countries}
    # "Unknown" after the countries is the paywalled answer; alone before "No", it is the country cell's word
    # for none given (no country named "Unknown").
    (taiwan,) = [r for r in records if r.location == "line 1472"]
    assert (taiwan.notice.articles[0].countries, taiwan.notice.paywalled) == (["Taiwan"], None)
    assert [r.notice.articles[0].countries for r in records if r.location == "line 297"] == [[]]
    assert sum(r.notice.paywalled is not None for r in records) == 591  # 9 records leave "Paywalled?" empty


def test_a_quoted_cell_is_read_without_its_quotes(records):
    """The saved page quotes a cell holding a comma: "Journal, Section ---Publisher" is that journal of that
    publisher (the journal's name was read with the opening quote, the publisher's with the closing one)."""
    (record,) = [r for r in records if r.notice.doi == "10.1107/s1600536812022787"]
    journal = record.notice.articles[0].journal
    assert (journal.name, journal.publisher) == ("Acta Crystallographica. Section E, Structure Reports Online",
                                                 "Acta Press")
    quoted = [(r.location, value) for r in records for a in r.notice.articles
              for value in (a.title, a.journal.name, a.journal.publisher, *(o.name for o in a.organizations))
              if value.startswith('"') or value.endswith('"')]
    assert quoted == []


def test_run_together_institutions_and_two_notices_of_one_doi(records):
    (pnas,) = [r for r in records if r.notice.articles[0].doi == "10.1073/pnas.1516945113"]
    names = [o.name for o in pnas.notice.articles[0].organizations]
    assert names[:2] == [
        "Department of Chemistry and Biochemistry, University of Texas at Arlington, Arlington TX 76019",
        "Department of Mechanical and Aerospace Engineering, University of Texas at Arlington, Arlington TX 76019"]
    # ... after a country's capitals too ("Davis, USADepartment of Plant Pathology").
    (neurospora,) = [r for r in records if r.notice.doi == "10.1007/s10482-013-9972-7"]
    assert [o.name for o in neurospora.notice.articles[0].organizations] == [
        "Biological and Agricultural Engineering Department, University of California, Davis, USA",
        "Department of Plant Pathology, University of California, Davis, USA",
        "United States Department of Agriculture, Agricultural Research Service, Washington, USA"]
    car_seats = [r.notice for r in records if r.notice.articles[0].doi == "10.1136/ip.2006.015115"]
    assert {n.nature for n in car_seats} == {Nature.RETRACTION, Nature.EXPRESSION_OF_CONCERN}


def test_ingested_it_conforms_and_the_oldest_reason_wording_is_read_not_dropped():
    """Rows from before the taxonomy's renaming give reasons as "Results - Unreliable": each is the current
    reason it was renamed to, or a deprecated concept of its own related to those it was split into."""
    store = OxigraphStore()
    report = ingest(store, [EXPORT], Settings())
    assert report.errors == [] and len(report.added) == 600
    assert not [w for w in report.warnings if "not in the Retraction Watch taxonomy" in w]
    conforms, text = validate(store)
    assert conforms, text
    title = "The Neural Basis of Temporal Individuation and its Capacity Limits in the Human Brain"
    rows = store.query(f"""SELECT ?label ?deprecated (GROUP_CONCAT(?relatedLabel; separator="|") AS ?related) WHERE {{
        ?article <{SCHEMA}name> "{title}" .
        ?notice <{CITO}retracts> ?article ; <{RKG}reason> ?reason .
        ?reason <{SKOS}prefLabel> ?label .
        OPTIONAL {{ ?reason <{OWL}deprecated> ?deprecated }}
        OPTIONAL {{ ?reason <{SKOS}related>/<{SKOS}prefLabel> ?relatedLabel }}
    }} GROUP BY ?label ?deprecated""")
    found = {r["label"].value: (r["deprecated"] is not None,
                                set(r["related"].value.split("|")) if r["related"] else set()) for r in rows}
    assert found == {"Unreliable Results and/or Conclusions": (False, set()),
                     "Error in Methods": (False, set()),
                     "Data - Issues/Errors": (True, {"Concerns/Issues about Data", "Error in Data"})}


def test_a_tab_separated_table_of_another_shape_is_refused_not_read_as_a_notice(tmp_path):
    lines = EXPORT.read_text(encoding="utf-8", errors="replace").splitlines()
    other = tmp_path / "other-table.txt"
    other.write_text("\n".join(["Title\tReason\tAuthor\tDates", *lines[2:60]]), encoding="utf-8")
    report = ingest(OxigraphStore(), [other], Settings())
    assert report.added == [] and len(report.errors) == 1
    assert str(other) in str(report.errors[0]) and "not a format retractkg reads" in str(report.errors[0])
