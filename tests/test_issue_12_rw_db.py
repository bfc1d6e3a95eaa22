"""The "rw-db-dev" split (issue 12): Retraction Watch database reasons joined to shared notice texts that no other
split holds, through `python -m retractkg.rw_db_labels` and the evaluation that reads what it writes.

The database rows here are written in the database's own format (the shared export header) and name real shared
notices by their identifiers; everything else is the real reader, join and evaluation.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from retractkg import evaluate_reasons
from retractkg.evaluation_data import DB_DEV, labelled_notices, labelled_texts, notice_texts

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
pytestmark = pytest.mark.skipif(not (SHARED / "data" / "notices" / "reasons-dev.jsonl").exists(),
                                reason="../shared is not present")
HEADER = (SHARED / "data" / "retraction-watch" / "egonw_quickstatements_comment_header_plus_1row.csv"
          ).read_text(encoding="utf-8").splitlines()[0].split(",") if SHARED.exists() else []


def _row(record: int, nature: str, reasons: str, notice_doi: str = "", notice_pmid: str = "0",
         article_doi: str = "", article_pmid: str = "0") -> dict[str, str]:
    row = dict.fromkeys(HEADER, "")
    row.update({"Record ID": str(record), "Title": f"A retracted article {record}", "Journal": "Some Journal",
                "Publisher": "Some Publisher", "Author": "A Author", "ArticleType": "Research Article;",
                "RetractionDate": "3/1/2016 0:00", "RetractionDOI": notice_doi, "RetractionPubMedID": notice_pmid,
                "OriginalPaperDate": "1/1/2015 0:00", "OriginalPaperDOI": article_doi,
                "OriginalPaperPubMedID": article_pmid, "RetractionNature": nature, "Reason": reasons,
                "Paywalled": "No"})
    return row


@pytest.fixture(scope="module")
def picked():
    """Real shared notices: two no split labels (one with a DOI, one reached by its retracted article's PubMed
    ID), one more unlabelled, and one of the pooled unseen set."""
    texts = notice_texts(SHARED)
    taken = {text_id for *_, text_id in labelled_texts(SHARED, texts)}
    free = [t for t in texts if t.text_id not in taken]
    by_doi = next(t for t in free if any(i.startswith("doi:") for i in t.ids))
    by_article = next(t for t in free if t is not by_doi and not any(i.startswith("doi:") for i in t.ids)
                      and any(i.startswith("pmid:") for i in t.articles))
    concern = next(t for t in free if t not in (by_doi, by_article) and any(i.startswith("doi:") for i in t.ids))
    unseen = next(key for key, split, *_ in labelled_notices(SHARED, None) if split == "held-out" and "/" in key)
    return by_doi, by_article, concern, unseen


def _doi(text) -> str:
    return next(i for i in sorted(text.ids) if i.startswith("doi:")).removeprefix("doi:")


@pytest.fixture(scope="module")
def derived(picked, tmp_path_factory):
    by_doi, by_article, concern, unseen = picked
    folder = tmp_path_factory.mktemp("rwdb")
    database = folder / "retraction_watch.csv"
    with database.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, HEADER)
        writer.writeheader()
        writer.writerow(_row(1, "Retraction", "+Duplication of Image;+Investigation by Journal/Publisher;",
                             notice_doi=_doi(by_doi).upper()))
        writer.writerow(_row(2, "Retraction", "+Plagiarism of Text;", article_pmid=next(
            i for i in sorted(by_article.articles) if i.startswith("pmid:")).removeprefix("pmid:")))
        writer.writerow(_row(3, "Expression of concern", "+Concerns/Issues About Data;", notice_doi=_doi(concern)))
        writer.writerow(_row(4, "Retraction", "+Error in Data;", notice_doi=unseen))
        writer.writerow(_row(5, "Retraction", "+Error in Analyses;", notice_doi="10.9999/nothing-shared"))
        writer.writerow(_row(6, "Retraktion", "+Error in Data;", notice_doi=_doi(by_doi)))  # unreadable: reported
    output = folder / "rw_db_dev.json"
    run = subprocess.run([sys.executable, "-m", "retractkg.rw_db_labels", str(database), "--source", "a test copy",
                          "--commit", "abc123", "--shared", str(SHARED), "-o", str(output)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    # A record the reader cannot read is named, and the others are still joined.
    assert "warning: not read, so not joined:" in run.stderr and "Retraktion" in run.stderr
    assert "(1 records of the database could not be read)" in run.stdout
    return output, run.stdout


def test_the_database_joins_only_notices_no_other_split_holds(picked, derived):
    by_doi, by_article, *_ = picked
    output, stdout = derived
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["source"]["from"] == "a test copy" and data["source"]["commit"] == "abc123"
    assert len(data["source"]["sha256"]) == 64 and "Crossref" in data["licence"]
    entries = {e["notice"]: e for e in data["notices"]}
    assert set(entries) == {by_doi.text_id, by_article.text_id}  # not the concern, not the unseen notice
    assert entries[by_doi.text_id]["reasons"] == ["Duplication of Image", "Investigation by Journal/Publisher"]
    assert entries[by_doi.text_id]["joined_by"] == "notice doi"
    assert entries[by_article.text_id]["joined_by"] == "retracted article pmid"
    assert "2 new labelled notices" in stdout
    assert "text in reasons-dev.jsonl or an unseen split: 1" in stdout
    assert "Some Publisher: 2" in stdout


def test_the_new_split_leaves_every_other_split_as_it_was(picked, derived):
    output, _ = derived
    before = list(labelled_notices(SHARED, None))
    after = list(labelled_notices(SHARED, output))
    assert [n for n in after if n[1] != DB_DEV] == before
    new = [n for n in after if n[1] == DB_DEV]
    assert sorted(labels for *_, labels in new) == sorted([{"Duplication of Image",
                                                           "Investigation by Journal/Publisher"},
                                                          {"Plagiarism of Text"}], key=sorted)
    assert {text for _, _, text, _ in new} == {picked[0].text, picked[1].text}


def test_evaluate_folds_the_new_split_into_cross_validation_and_not_into_unseen(derived):
    output, _ = derived
    without = evaluate_reasons.evaluate(SHARED, db_labels=None)
    with_db = evaluate_reasons.evaluate(SHARED, db_labels=output)
    assert with_db.cross_validated.notices == without.cross_validated.notices + 2
    assert with_db.cross_validated_db.notices == 2 and without.cross_validated_db.notices == 0
    assert (with_db.unseen.tp, with_db.unseen.fp, with_db.unseen.fn, with_db.unseen.notices) == \
        (without.unseen.tp, without.unseen.fp, without.unseen.fn, without.unseen.notices)
    assert "of which rw-db-dev" in with_db.table() and "(2 notices)" in with_db.table()


def test_a_damaged_derived_file_or_a_missing_database_is_a_clear_error(tmp_path):
    damaged = tmp_path / "rw_db_dev.json"
    damaged.write_text('{"notices": [{"notice": "pmc:1"}]}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"rw_db_dev.json: notice 1: needs"):
        list(labelled_notices(SHARED, damaged))
    run = subprocess.run([sys.executable, "-m", "retractkg.rw_db_labels", str(tmp_path / "absent.csv"),
                          "--source", "x", "--shared", str(SHARED), "-o", str(tmp_path / "out.json")],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 1 and "absent.csv" in run.stderr and not (tmp_path / "out.json").exists()
