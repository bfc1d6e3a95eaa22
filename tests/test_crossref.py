"""Crossref (../shared/data/crossref): REST works with update-to / updated-by, and the update-record dump."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import pytest

from retractkg.config import Settings
from retractkg.ingest import sources
from retractkg.ingest.model import Nature
from retractkg.ingest.pipeline import ingest
from retractkg.ingest.readers import crossref
from retractkg.ingest.readers.crossref import nature_of
from retractkg.store import OxigraphStore

CROSSREF = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "crossref"
pytestmark = pytest.mark.skipif(not CROSSREF.exists(), reason="../shared is not present")
WORK = CROSSREF / "fathomlabs_crossref_work_10.1002_job.1858_update-to_correction.json"
UPDATED_BY = CROSSREF / "crossref_community_updated-by_snippet_10.1021_am300292v.json"
DUMP = CROSSREF / "open_retractions_api_records.jsonl.gz"
BASE = Settings().base


@pytest.mark.parametrize(("spelling", "nature"), [
    ("retraction", Nature.RETRACTION), ("Retraction", Nature.RETRACTION), ("retration", Nature.RETRACTION),
    ("expression_of_concern", Nature.EXPRESSION_OF_CONCERN), ("expression-of-concern", Nature.EXPRESSION_OF_CONCERN),
    ("err", Nature.CORRECTION), ("Erratum", Nature.CORRECTION), ("Corrigendum", Nature.CORRECTION),
    ("corrected-article", Nature.CORRECTION), ("withdrawal", Nature.WITHDRAWAL), ("removal", Nature.REMOVAL),
    ("partial_retraction", Nature.PARTIAL_RETRACTION), ("publisher-note", Nature.UNCLASSIFIED),
])
def test_update_type_spellings(spelling, nature):
    assert nature_of(spelling) is nature


def test_every_update_type_of_the_dump_maps_to_a_nature():
    with gzip.open(DUMP, "rt", encoding="utf-8") as f:
        types = {u["type"] for line in f for u in json.loads(line)["record"]["updates"]}
    assert {"expression_of_concern", "expression-of-concern", "err", "Retraction"} <= types
    assert [t for t in types if nature_of(t) is None] == []


def test_a_work_with_update_to_is_the_notice():
    (record,) = list(crossref.parse(WORK))
    notice = record.notice
    assert sources.detect(WORK).name == "crossref"
    assert notice.nature is Nature.CORRECTION and notice.doi == "10.1002/job.1858" and notice.date == "2013-02-26"
    assert notice.title.startswith("Erratum: Cognitive and affective identification")
    assert [a.doi for a in notice.articles] == ["10.1002/job.1787"]
    assert notice.journal.name == "Journal of Organizational Behavior" and notice.journal.issn == ["0894-3796"]
    assert notice.license == ""  # only a text-mining licence is deposited
    assert [notice.organizations[i].name for i in notice.authors[0].affiliations] == [
        "University of Washington; Seattle Washington U.S.A."]


def test_a_work_with_updated_by_is_the_article_and_keeps_the_retraction_watch_record_id():
    (record,) = list(crossref.parse(UPDATED_BY))
    notice = record.notice
    assert notice.nature is Nature.RETRACTION and notice.doi == "10.1021/acsami.9b11759"
    assert notice.date == "2019-07-26" and notice.record_ids == {"retraction-watch": "20946"}
    assert [a.doi for a in notice.articles] == ["10.1021/am300292v"]


def test_the_update_record_dump_streams(tmp_path):
    assert sources.detect(DUMP).name == "crossref"
    first = list(itertools.islice(crossref.parse(DUMP), 3))
    assert [r.record_key for r in first][0] == "10.1002/14651858.cd000005 10.1002/14651858.cd000005.pub2"
    assert first[0].notice.nature is Nature.WITHDRAWAL and first[0].format == "crossref-updates"
    assert first[0].notice.date == "2006-07-19"
    small = tmp_path / "updates.jsonl"
    with gzip.open(DUMP, "rt", encoding="utf-8") as f:
        small.write_text("".join(itertools.islice(f, 300)) + "not json\n", encoding="utf-8")
    store = OxigraphStore()
    report = ingest(store, [small], Settings())
    assert len(report.added) == 300
    (error,) = report.errors
    assert error.location == "line 301" and str(small) in str(error)
    retracted = store.query("""PREFIX cito: <http://purl.org/spar/cito/>
        SELECT (COUNT(*) AS ?n) WHERE { ?notice cito:retracts ?article }""")
    assert int(next(iter(retracted))["n"].value) > 0


def test_a_work_that_updates_nothing_is_reported(tmp_path):
    work = json.loads(WORK.read_text(encoding="utf-8"))
    del work["update-to"]
    path = tmp_path / "work.json"
    path.write_text(json.dumps({"status": "ok", "message-type": "work", "message": work}), encoding="utf-8")
    store = OxigraphStore()
    report = ingest(store, [path], Settings(), format="crossref")
    assert "neither update-to nor updated-by" in str(report.errors[0]) and not report.added


def test_a_correction_typed_update_whose_title_names_another_nature_takes_the_titles(tmp_path):
    """Real dump lines: retractions, withdrawals and concerns deposited as erratum/err/correction."""
    wanted = {"10.1002/aoc.4054": Nature.RETRACTION, "10.1016/s0168-8278(16)01707-4": Nature.RETRACTION}
    lines, plain_correction = [], None
    with gzip.open(DUMP, "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)["record"]
            doi = record["identifier"]["doi"].lower()
            if doi in wanted and not any(doi in seen.lower() for seen in lines):
                lines.append(line)
            elif plain_correction is None and record["title"].startswith("Corrigendum to"):
                plain_correction = line
    assert len(lines) == 2 and plain_correction
    path = tmp_path / "updates.jsonl"
    path.write_text("".join([*lines, plain_correction]), encoding="utf-8")
    records = list(crossref.parse(path))
    natures = {r.notice.articles[0].doi: r.notice.nature for r in records}
    assert {doi: natures[doi] for doi in wanted} == wanted
    assert list(natures.values()).count(Nature.CORRECTION) == 1  # a corrigendum stays a correction
    warned = [w for r in records for w in r.warnings]
    assert len(warned) == 2 and all("but the title says retraction" in w for w in warned)
