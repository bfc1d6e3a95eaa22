"""One graph from four sources, re-ingest of a newer export, and ingest killed mid-run.

- The same retraction from Retraction Watch, JATS, PubMed and Crossref is one notice and one
  article; each source's statements stay in its own named graph; where sources disagree (dates,
  reasons) every value stays visible.
- A newer export applies only its changes: added, changed and withdrawn records (`--replace-source`),
  each logged as an Activity Streams activity.
- `retractkg ingest` killed with SIGKILL at an arbitrary point leaves a consistent store, and a re-run
  ends with exactly what an uninterrupted run stores.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import NamedNode, RdfFormat

from retractkg.api.app import create_app
from retractkg.cli import main
from retractkg.config import Settings
from retractkg.ingest.identity import KnownDois
from retractkg.ingest.mapping import RecordMapper
from retractkg.ingest.pipeline import IngestReport, ingest, read_records
from retractkg.ontology import RDFS
from retractkg.store import OxigraphStore
from retractkg.store.change_log import changes_graph

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DATA = SHARED / "data"
pytestmark = pytest.mark.skipif(not DATA.exists(), reason="../shared is not present")
BASE = Settings().base
AS = "https://www.w3.org/ns/activitystreams#"
PREFIXES = """PREFIX schema: <http://schema.org/> PREFIX rkg: <https://w3id.org/retractkg/ontology#>
PREFIX cito: <http://purl.org/spar/cito/> PREFIX as: <https://www.w3.org/ns/activitystreams#>
"""
ARTICLE_DOI = "10.1371/journal.pone.0043406"  # retracted by PMC3490484 (JATS, related-article by DOI)
NOTICE_DOI = "10.1371/annotation/81e8574c-71c3-4a76-b1aa-e3c7b058af69"


def values(store: OxigraphStore, sparql: str) -> list[str]:
    result = store.query(PREFIXES + sparql)
    (variable,) = result.variables
    return sorted(s[variable].value for s in result)


# --- one graph from four sources ---------------------------------------------------------------------------


def four_sources(tmp_path: Path) -> list[Path]:
    """The PLOS ONE retraction of 10.1371/journal.pone.0043406 as each source would state it.

    JATS is the real PMC file; the Retraction Watch row, the PubMed record and the Crossref work are
    real records of those sources with their identifiers set to this retraction's.
    """
    rw_source = DATA / "retraction-watch" / "rw_covid19_subset_dev_rawformat.csv"
    with rw_source.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header, row = next(reader), next(reader)
    col = {name: i for i, name in enumerate(header)}
    row[col["OriginalPaperDOI"]], row[col["RetractionDOI"]] = ARTICLE_DOI.upper(), NOTICE_DOI
    row[col["RetractionDate"]] = "11/7/2012 0:00"  # JATS says 2012-11-05: two dates, both kept
    row[col["RetractionNature"]] = "Retraction"
    row[col["RetractionPubMedID"]] = row[col["OriginalPaperPubMedID"]] = "0"
    rw = tmp_path / "rw.csv"
    with rw.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, row])

    pubmed = tmp_path / "pubmed.xml"
    text = (DATA / "pubmed" / "pubmed_11543891.xml").read_text(encoding="utf-8")
    pubmed.write_text(text.replace('<ArticleId IdType="pubmed">11543891</ArticleId>',
                                   f'<ArticleId IdType="pubmed">11543891</ArticleId>'
                                   f'<ArticleId IdType="doi">{ARTICLE_DOI}</ArticleId>'), encoding="utf-8")

    crossref = tmp_path / "crossref.json"
    snippet = json.loads((DATA / "crossref" / "crossref_community_updated-by_snippet_10.1021_am300292v.json")
                         .read_text(encoding="utf-8"))
    snippet["work_DOI"] = ARTICLE_DOI
    snippet["updated-by"][0]["DOI"] = NOTICE_DOI
    crossref.write_text(json.dumps(snippet), encoding="utf-8")
    return [rw, DATA / "jats" / "PMC3490484.xml", pubmed, crossref]


def test_the_same_retraction_from_four_sources_is_one_notice_and_one_article(tmp_path):
    store = OxigraphStore()
    report = ingest(store, four_sources(tmp_path), Settings())
    assert not report.errors and len(report.added) == 4
    article = BASE + "id/article/" + ARTICLE_DOI
    notices = values(store, f"SELECT DISTINCT ?n WHERE {{ ?n cito:retracts <{article}> }}")
    assert notices == [BASE + "id/notice/" + NOTICE_DOI]  # PubMed, which does not give it, meets it too
    notice = notices[0]
    formats = values(store, f"""SELECT DISTINCT ?format WHERE {{ GRAPH ?g {{ <{notice}> cito:retracts <{article}> .
        ?g rkg:sourceFormat ?format ; rkg:describes <{notice}> }} }}""")
    assert formats == ["crossref", "jats", "pubmed", "retraction-watch-csv"]
    # Disagreements stay visible, each in the graph of the source that states it.
    dated = store.query(PREFIXES + f"""SELECT ?d ?format WHERE {{ GRAPH ?g {{ <{notice}> schema:datePublished ?d .
        ?g rkg:sourceFormat ?format }} }}""")
    assert {(s["format"].value, s["d"].value) for s in dated} == {
        ("retraction-watch-csv", "2012-11-07"), ("jats", "2012-11-05"), ("crossref", "2019-07-26"),
        ("pubmed", "2001-10")}
    assert values(store, f"SELECT DISTINCT ?doi WHERE {{ <{notice}> schema:sameAs ?doi }}") == [
        "https://doi.org/" + NOTICE_DOI, "https://pubmed.ncbi.nlm.nih.gov/11600210/",
        "https://pubmed.ncbi.nlm.nih.gov/23144771/", "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC3490484/"]
    reasons = values(store, f"""SELECT ?r WHERE {{ GRAPH ?g {{ <{notice}> rkg:reason ?r .
        ?g rkg:sourceFormat "retraction-watch-csv" }} }}""")
    # The curators' reasons, and those read from the JATS body (issue 12), each in its own source's graph.
    read = values(store, f"""SELECT ?r WHERE {{ GRAPH ?g {{ <{notice}> rkg:reason ?r .
        ?g rkg:sourceFormat "jats" }} }}""")
    assert reasons and read
    assert values(store, f"SELECT DISTINCT ?r WHERE {{ <{notice}> rkg:reason ?r }}") == sorted(set(reasons) | set(read))
    assert values(store, f"SELECT ?id WHERE {{ <{notice}> rkg:recordId ?id }}") == [
        "retraction-watch:20946", "retraction-watch:54680"]  # as the Crossref assertion and the export name it


# --- a newer export ----------------------------------------------------------------------------------------


def export_rows() -> tuple[list[str], list[list[str]]]:
    with (DATA / "retraction-watch" / "rw_covid19_subset_dev_rawformat.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        return next(reader), [row for _, row in zip(range(40), reader, strict=False)]


def write_export(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, *rows])
    return path


def rw_row_with_pmid(tmp_path: Path, doi: str, pmid: str) -> Path:
    """A real Retraction Watch row, set to an article known by both a DOI and a PMID."""
    with (DATA / "retraction-watch" / "rw_covid19_subset_dev_rawformat.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header, row = next(reader), next(reader)
    col = {name: i for i, name in enumerate(header)}
    row[col["OriginalPaperDOI"]], row[col["OriginalPaperPubMedID"]] = doi, pmid
    row[col["RetractionNature"]] = "Retraction"
    path = tmp_path / "rw-with-pmid.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, row])
    return path


def test_an_article_named_by_pmid_alone_meets_its_doi_from_another_source(tmp_path):
    """The real PubMed notice 11600210 names the retracted article by PMID only (11543891)."""
    doi, pmid = "10.1016/s0198-8859(01)00298-4", "11543891"
    notice_record = DATA / "pubmed" / "pubmed_11600210.xml"
    rw = rw_row_with_pmid(tmp_path, doi, pmid)
    article = f"{BASE}id/article/{doi}"

    def articles(store: OxigraphStore) -> list[str]:
        return values(store, f"""SELECT DISTINCT ?a WHERE {{ ?a rkg:pmid "{pmid}" }}""")

    in_one_run = OxigraphStore()
    report = ingest(in_one_run, [rw, notice_record], Settings())
    assert not report.errors and len(report.added) == 2
    assert articles(in_one_run) == [article]
    assert values(in_one_run, "SELECT DISTINCT ?n WHERE { ?n cito:retracts ?a }") == [
        f"{BASE}id/notice/10.1007/s11356-024-34290-x"]  # the row's notice DOI, which PubMed does not give
    assert values(in_one_run, f"""SELECT ?g WHERE {{ GRAPH ?g {{ <{article}> rkg:pmid "{pmid}" }} }}""") == sorted(
        report.added)
    # The PubMed record's graph states only what PubMed says: the PMID, not the DOI learnt elsewhere.
    assert values(in_one_run, f"""SELECT ?g WHERE {{ GRAPH ?g {{ <{article}> rkg:doi ?d }} }}""") == [
        g for g in report.added if "/retraction-watch-csv/" in g]

    # Read the other way round, the PubMed record is stored under its PMID-keyed IRI first. The store keeps
    # no local path (issue 11), so a run that gives the DOI without the PubMed file says to ingest it again,
    # and a run that has the file reads it again and moves it onto the DOI's resource.
    pubmed_first = OxigraphStore()
    ingest(pubmed_first, [notice_record], Settings())
    assert articles(pubmed_first) == [f"{BASE}id/article/pmid/{pmid}"]
    later = ingest(pubmed_first, [rw], Settings())
    assert len(later.added) == 1 and not later.updated
    assert [w for w in later.warnings if w.startswith(notice_record.name) and "ingest them again" in w]
    later = ingest(pubmed_first, [rw, notice_record], Settings())
    # Both records are rewritten: PubMed's onto the DOI's resource, and the row's year to that of the notice's one
    # date, the earliest its records give (PubMed's 2001, the row's own is 2024), now that both are one notice.
    assert len(later.updated) == 2 and not later.warnings
    assert values(pubmed_first, "SELECT DISTINCT ?y WHERE { ?n cito:retracts ?a ; rkg:year ?y }") == ["2001"]
    assert articles(pubmed_first) == [article]
    assert record_statements(pubmed_first) == record_statements(in_one_run)  # whichever source came first
    assert ingest(pubmed_first, [notice_record, rw], Settings()).unchanged == 2

    # In one run too: the PubMed file first, the export after it. The run learns the DOI before mapping either
    # record, so each is written once with its final content: a first ingest updates nothing.
    one_run_pubmed_first = OxigraphStore()
    report = ingest(one_run_pubmed_first, [notice_record, rw], Settings())
    assert len(report.added) == 2 and not report.updated
    assert articles(one_run_pubmed_first) == [article]
    assert record_statements(one_run_pubmed_first) == record_statements(in_one_run)

    # A run into a fresh store finds such records among its own; into a store that held records before,
    # it searches the store. Both move the PubMed record onto the DOI's resource alike.
    holding_others = OxigraphStore()
    ingest(holding_others, [DATA / "pubmed" / "pubmed_8655018.xml"], Settings())
    others = record_statements(holding_others)
    report = ingest(holding_others, [notice_record, rw], Settings())
    assert len(report.added) == 2 and not report.updated
    assert articles(holding_others) == [article]
    assert record_statements(holding_others) == others | record_statements(in_one_run)


def test_a_run_finds_the_stored_records_a_doi_it_learns_outdates_and_a_first_run_none(tmp_path):
    """A record stored by an earlier run under its PMID-keyed IRI is found, by the file name it states, once a
    run learns the PMID's DOI; a run into an empty store learns every DOI before mapping, so has none."""
    doi, pmid = "10.1016/s0198-8859(01)00298-4", "11543891"
    notice_record = DATA / "pubmed" / "pubmed_11600210.xml"
    store, settings = OxigraphStore(), Settings()
    ingest(store, [notice_record], settings)
    (graph,) = values(store, f"SELECT ?g WHERE {{ GRAPH ?g {{ ?a rkg:pmid \"{pmid}\" }} }}")
    (row,) = read_records([rw_row_with_pmid(tmp_path, doi, pmid)], IngestReport())
    mapper = RecordMapper(settings.base)
    for into, expected in ((store, {"pubmed_11600210.xml": {graph}}), (OxigraphStore(), {})):
        known = KnownDois(into)
        known.learn(row)
        known.settle()
        assert known.outdated_graphs(mapper.mint) == expected


def test_the_pass_that_learns_dois_reads_records_within_the_runs_own_limits(tmp_path):
    """A row with a value longer than the default limit, read because the run's limit is higher, gives its
    article's DOI to the PubMed notice naming that article by PMID in the same run: one article, no rewrite."""
    doi, pmid = "10.1016/s0198-8859(01)00298-4", "11543891"
    rw = rw_row_with_pmid(tmp_path, doi, pmid)
    with rw.open(encoding="utf-8", newline="") as f:
        header, row = list(csv.reader(f))
    row[header.index("Notes")] = "long note " * 15_000  # 150,000 characters
    with rw.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, row])
    store = OxigraphStore()
    report = ingest(store, [rw, DATA / "pubmed" / "pubmed_11600210.xml"], Settings(max_field_chars=200_000))
    assert not report.errors and len(report.added) == 2 and not report.updated
    assert values(store, f"SELECT DISTINCT ?a WHERE {{ ?a rkg:pmid \"{pmid}\" }}") == [f"{BASE}id/article/{doi}"]


def test_a_pmid_that_two_records_give_two_dois_keys_nothing(tmp_path):
    """Two rows give PMID 11543891 different DOIs: the PubMed notice naming it keeps its PMID-keyed IRI."""
    pmid = "11543891"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = rw_row_with_pmid(tmp_path / "a", "10.1016/s0198-8859(01)00298-4", pmid)
    other = rw_row_with_pmid(tmp_path / "b", "10.9999/another-article", pmid)
    with other.open(encoding="utf-8", newline="") as f:
        header, row = list(csv.reader(f))
    row[header.index("Record ID")] = "999999"  # a record of its own
    with other.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, row])
    store = OxigraphStore()
    report = ingest(store, [one, other, DATA / "pubmed" / "pubmed_11600210.xml"], Settings())
    assert not report.errors and len(report.added) == 3
    assert f"{BASE}id/article/pmid/{pmid}" in values(store, f"""SELECT DISTINCT ?a WHERE {{ ?a rkg:pmid "{pmid}" }}""")


def test_a_record_read_again_with_its_doi_keeps_that_version_when_the_doi_is_learnt(tmp_path):
    """Two exports in one run: the older names the row's article by PMID alone, the newer adds its DOI.

    What the newer one stores stays: the older file is not read again over it (once to move its record onto
    the DOI, it used to bring back the older row, without the DOI).
    """
    doi, pmid = "10.1016/s0198-8859(01)00298-4", "11543891"
    (tmp_path / "older").mkdir()
    (tmp_path / "newer").mkdir()
    newer = rw_row_with_pmid(tmp_path / "newer", doi, pmid)
    older = rw_row_with_pmid(tmp_path / "older", doi, pmid)
    with older.open(encoding="utf-8", newline="") as f:
        header, row = list(csv.reader(f))
    row[header.index("OriginalPaperDOI")] = ""
    with older.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, row])
    alone = OxigraphStore()
    ingest(alone, [newer], Settings())
    fresh, holding_others = OxigraphStore(), OxigraphStore()
    ingest(holding_others, [DATA / "pubmed" / "pubmed_8655018.xml"], Settings())
    for store, before in ((fresh, set()), (holding_others, record_statements(holding_others))):
        report = ingest(store, [older, newer], Settings())  # finding what it outdates in its notes, or the store
        assert not report.errors and not report.updated
        assert record_statements(store) == before | record_statements(alone)


def record_statements(store: OxigraphStore) -> set[str]:
    """Every quad of the records' graphs but the time each was stored (the change log apart)."""
    return {str(q) for q in store.quads() if "/graph/changes" not in str(q.graph_name)
            and not q.predicate.value.endswith("generatedAtTime")}


def test_a_record_whose_source_file_is_gone_keeps_its_pmid_keyed_iri_with_a_warning(tmp_path):
    doi, pmid = "10.1016/s0198-8859(01)00298-4", "11543891"
    moved = tmp_path / "pubmed_11600210.xml"
    moved.write_bytes((DATA / "pubmed" / "pubmed_11600210.xml").read_bytes())
    store = OxigraphStore()
    ingest(store, [moved], Settings())
    moved.unlink()
    report = ingest(store, [rw_row_with_pmid(tmp_path, doi, pmid)], Settings())
    assert len(report.added) == 1 and not report.updated
    assert any(w.startswith(moved.name) and "ingest them again" in w for w in report.warnings)


def test_a_notice_naming_no_article_meets_the_notice_others_link_to_their_article(tmp_path):
    """PMC3558312's JATS has no related-article, and names the article by its title alone ("Feasibility of
    abdominoplasty with Cesarean section [Retraction]"); a Retraction Watch row names the notice, and the article
    by its DOI and title in its journal."""
    notice_doi, article_doi = "10.2147/ijwh.s42793", "10.2147/ijwh.s29393"
    rw = rw_row_with_pmid(tmp_path, article_doi, "0")
    with rw.open(encoding="utf-8", newline="") as f:
        header, row = list(csv.reader(f))
    row[header.index("RetractionDOI")] = notice_doi
    row[header.index("Title")] = "Feasibility of abdominoplasty with Cesarean section"
    row[header.index("Journal")] = "International Journal of Women's Health"
    with rw.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, row])
    for order in ([rw, DATA / "jats" / "PMC3558312.xml"], [DATA / "jats" / "PMC3558312.xml", rw]):
        store = OxigraphStore()
        report = ingest(store, order, Settings())
        assert not report.errors and len(report.added) == 2
        notice = f"{BASE}id/notice/{notice_doi}"
        assert values(store, f"""SELECT DISTINCT ?n WHERE {{ ?n rkg:doi "{notice_doi}" }}""") == [notice]
        assert len(values(store, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{notice}> a rkg:Notice }} }}")) == 2
        # Both records say which article the notice retracts, and it is the one article, its DOI's.
        assert len(values(store, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{notice}> cito:retracts ?a }} }}")) == 2
        assert values(store, f"SELECT DISTINCT ?a WHERE {{ <{notice}> cito:retracts ?a }}") == [
            f"{BASE}id/article/{article_doi}"]


def test_a_newer_export_applies_only_its_changes(tmp_path, capsys):
    header, rows = export_rows()
    store_dir = str(tmp_path / "store")
    first = write_export(tmp_path / "rw-2024-07.csv", header, rows)
    assert main(["ingest", str(first), "--store", store_dir, "--quiet"]) == 0
    assert "40 records: 40 added" in capsys.readouterr().out

    notes = header.index("Notes")
    changed, withdrawn = list(rows[3]), rows[7]
    changed[notes] = "Corrected notice posted."
    added = list(rows[0])
    added[0], added[header.index("OriginalPaperDOI")] = "99999", "10.9999/new-article"
    # by authors of its own: the same byline on a second article would join them into people (issue 11),
    # which changes the first article's record too
    added[header.index("Author")] = "Ada Newauthor;Bo Otherauthor"
    newer = [changed if i == 3 else row for i, row in enumerate(rows) if i != 7] + [added]
    second = write_export(tmp_path / "rw-2024-08.csv", header, newer)
    assert main(["ingest", str(second), "--store", store_dir, "--quiet", "--replace-source"]) == 0
    out = capsys.readouterr().out
    assert "40 records: 1 added, 1 updated, 38 unchanged, 1 withdrawn, 0 errors" in out

    check_changes(store_dir, withdrawn=withdrawn[0], changed=changed[0])

    # The same newer export again: nothing changes, nothing is logged.
    assert main(["ingest", str(second), "--store", store_dir, "--quiet", "--replace-source"]) == 0
    assert "40 records: 0 added, 0 updated, 40 unchanged, 0 errors" in capsys.readouterr().out


def test_a_record_repeated_in_the_next_batch_is_compared_with_the_batch_before(tmp_path):
    """Issue 4: a batch's stored hashes are looked up while the batch before it is still being written."""
    header, rows = export_rows()
    notes = header.index("Notes")
    changed = list(rows[0])
    changed[notes] = "Corrected notice posted."
    # One record a batch: row 0, the same row 0 again, then row 0 changed, then row 0 changed again.
    export = write_export(tmp_path / "rw.csv", header, [rows[0], rows[0], changed, changed, rows[1]])
    store = OxigraphStore()
    assert ingest(store, [export], Settings(), batch_size=1).summary() == \
        "5 records: 2 added, 1 updated, 2 unchanged, 0 errors"
    # Over itself: row 0 replaces its changed version and is replaced by it again.
    assert ingest(store, [export], Settings(), batch_size=1).summary() == \
        "5 records: 0 added, 2 updated, 3 unchanged, 0 errors"
    assert values(store, f"""SELECT ?note WHERE {{ ?n rkg:recordId "retraction-watch:{rows[0][0]}" ;
        rkg:note ?note }}""") == ["Corrected notice posted."]


def test_a_record_repeated_once_its_announcement_is_being_written_is_unchanged(tmp_path):
    """Row 0 is stored by the first write and announced by the third, still running when row 0 comes again."""
    header, rows = export_rows()
    export = write_export(tmp_path / "rw.csv", header, [rows[0], rows[1], rows[2], rows[0]])
    fresh, holding_others = OxigraphStore(), OxigraphStore()
    ingest(holding_others, [write_export(tmp_path / "other.csv", header, [rows[5]])], Settings())
    for store in (fresh, holding_others):  # the log announced nothing before the run, or something
        assert ingest(store, [export], Settings(), batch_size=1, writers=2).summary() == \
            "4 records: 3 added, 0 updated, 1 unchanged, 0 errors"
        assert len(values(store, f"""SELECT ?c WHERE {{ GRAPH ?log {{ ?c as:target ?g }}
            GRAPH ?g {{ ?n rkg:recordId "retraction-watch:{rows[0][0]}" }} }}""")) == 1


def test_a_record_stored_and_changed_by_the_next_batch_is_announced_by_two_activities(tmp_path):
    """Row 0 is stored by the first batch; the second changes it and writes its Create with its Update.

    An activity's IRI is made from its time and graph: stamped alike, the two were one activity typed
    both Create and Update, with both content hashes, so which one the log announced was left to chance.
    """
    header, rows = export_rows()
    changed = list(rows[0])
    changed[header.index("Notes")] = "Corrected notice posted."
    export = write_export(tmp_path / "rw.csv", header, [rows[0], changed])
    store = OxigraphStore()
    report = ingest(store, [export], Settings(), batch_size=1)
    assert (len(report.added), report.updated) == (1, report.added)
    result = store.query(PREFIXES + f"""SELECT ?c ?kind ?t ?h WHERE {{ GRAPH <{changes_graph(Settings())}> {{
        ?c as:target <{report.added[0]}> ; a ?kind ; as:published ?t ; rkg:contentHash ?h }} }}""")
    activities = sorted((datetime.fromisoformat(s["t"].value), s["kind"].value.removeprefix(AS), s["h"].value,
                         s["c"].value) for s in result)
    assert [kind for _, kind, _, _ in activities] == ["Create", "Update"]
    assert len({c for *_, c in activities}) == 2 and activities[0][0] < activities[1][0]
    # The log announces the changed row: the row as first read is a change again, the changed one is not.
    assert ingest(store, [write_export(tmp_path / "first.csv", header, [rows[0]])], Settings()).summary() == \
        "1 records: 0 added, 1 updated, 0 unchanged, 0 errors"
    assert ingest(store, [write_export(tmp_path / "changed.csv", header, [changed])], Settings()).summary() == \
        "1 records: 0 added, 1 updated, 0 unchanged, 0 errors"


def check_changes(store_dir: str, *, withdrawn: str, changed: str) -> None:
    """The change log holds each change once; the withdrawn record is gone, the changed one changed."""
    with OxigraphStore(store_dir) as store:
        log = store.query(PREFIXES + f"""SELECT ?kind ?target WHERE {{ GRAPH <{changes_graph(Settings())}> {{
            ?c a ?kind ; as:target ?target }} }}""")
        kinds: dict[str, list[str]] = {}
        for s in log:
            kinds.setdefault(s["kind"].value.removeprefix(AS), []).append(s["target"].value)
        assert {k: len(v) for k, v in kinds.items()} == {"Create": 41, "Update": 1, "Delete": 1}
        (gone,) = kinds["Delete"]
        assert gone.startswith(BASE + "graph/retraction-watch-csv/")
        assert not store.oxigraph.contains_named_graph(NamedNode(gone))
        record_ids = values(store, "SELECT ?id WHERE { ?n rkg:recordId ?id }")
        assert f"retraction-watch:{withdrawn}" not in record_ids and "retraction-watch:99999" in record_ids
        assert values(store, f"""SELECT ?note WHERE {{ ?n rkg:recordId "retraction-watch:{changed}" ;
            rkg:note ?note }}""") == ["Corrected notice posted."]


def test_nothing_is_withdrawn_when_some_input_could_not_be_read(tmp_path, capsys):
    header, rows = export_rows()
    store_dir = str(tmp_path / "store")
    main(["ingest", str(write_export(tmp_path / "a.csv", header, rows)), "--store", store_dir, "--quiet"])
    capsys.readouterr()
    broken = tmp_path / "b.csv"
    broken.write_text("Record ID,Title\n", encoding="utf-8")  # an export that lost its columns
    assert main(["ingest", str(broken), "--store", store_dir, "--quiet", "--replace-source",
                 "--format", "retraction-watch-csv"]) == 1
    err = capsys.readouterr().err
    assert "nothing withdrawn" in err and "no column" in err
    with OxigraphStore(store_dir) as store:
        assert len(values(store, "SELECT ?n WHERE { ?n a rkg:Notice }")) == 40


# --- killed mid-run ----------------------------------------------------------------------------------------


def content(store_dir: Path) -> set[str]:
    """Every stored quad but the ingest times (the change log's and the records' generatedAtTime)."""
    with OxigraphStore(store_dir) as store:
        dump = store.oxigraph.dump(format=RdfFormat.N_QUADS).decode()
    return {line for line in dump.splitlines()
            if "prov#generatedAtTime" not in line and f"<{changes_graph(Settings())}> ." not in line}


def change_log(store_dir: Path) -> list[tuple[str, str]]:
    with OxigraphStore(store_dir) as store:
        result = store.query(PREFIXES + f"""SELECT ?kind ?target WHERE {{ GRAPH <{changes_graph(Settings())}> {{
            ?c a ?kind ; as:target ?target }} }}""")
        return sorted((s["kind"].value, s["target"].value) for s in result)


def test_ingest_killed_mid_run_leaves_a_consistent_store_and_a_rerun_completes(tmp_path):
    export = tmp_path / "rw.csv"
    subprocess.run([sys.executable, str(SHARED / "tools" / "make_rw_scale.py"), str(export), "--rows", "2000"],
                   check=True)
    command = [sys.executable, "-m", "retractkg.cli", "ingest", str(export), "--batch-quads", "20000"]

    reference = tmp_path / "reference"
    subprocess.run([*command, "--store", str(reference), "--quiet"], check=True, capture_output=True)

    killed = tmp_path / "killed"
    child = subprocess.Popen([*command, "--store", str(killed)], stderr=subprocess.PIPE, text=True)
    progress = child.stderr.readline()  # printed after the first batch is stored
    assert progress.startswith("... "), progress
    time.sleep(0.3)  # and one is most likely half written
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL

    partial, whole = by_graph(content(killed)), by_graph(content(reference))
    assert 0 < len(partial) < len(whole)
    # Whole records only, and nothing announced that is not stored. Records of the batches being
    # written when the process died may be stored but not announced yet: the re-run announces them.
    assert all(quads == whole[graph] for graph, quads in partial.items())
    announced = [g for _, g in change_log(killed)]
    assert len(set(announced)) == len(announced) and set(announced) <= set(partial)

    rerun = subprocess.run([*command, "--store", str(killed), "--quiet"], capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert "2000 records" in rerun.stdout and f"{len(announced)} unchanged" in rerun.stdout
    assert content(killed) == content(reference)
    assert change_log(killed) == change_log(reference)  # one Create per record, none twice


def by_graph(lines: set[str]) -> dict[str, set[str]]:
    """N-Quads lines grouped by their graph IRI (the last term of each line)."""
    graphs: dict[str, set[str]] = {}
    for line in lines:
        graphs.setdefault(line.rsplit(" ", 2)[-2][1:-1], set()).add(line)
    return graphs


def test_a_record_stored_but_not_announced_is_announced_by_the_next_run(tmp_path):
    """What a run killed between a batch's bulk load and its change log entries leaves, and its repair."""
    header, rows = export_rows()
    export = write_export(tmp_path / "rw.csv", header, rows[:3])
    settings = Settings(store_path=tmp_path / "store")
    with OxigraphStore(settings.store_path) as store:
        ingest(store, [export], settings)
    first = change_log(settings.store_path)
    graph = first[0][1]
    with OxigraphStore(settings.store_path) as store:  # the graph stays stored, its announcement goes
        store.update(f"DELETE WHERE {{ GRAPH <{changes_graph(settings)}> {{ ?c <{AS}target> <{graph}> ; ?p ?o }} }}")
        report = ingest(store, [export], settings)
    assert (report.added, report.updated, report.unchanged) == ([graph], [], 2)
    assert change_log(settings.store_path) == first


def test_writing_two_batches_at_once_stores_and_announces_what_one_at_a_time_does(tmp_path):
    """Batches written concurrently: the same graph, each record announced once, and in the order read."""
    export = tmp_path / "rw.csv"
    subprocess.run([sys.executable, str(SHARED / "tools" / "make_rw_scale.py"), str(export), "--rows", "600"],
                   check=True)
    stores = {}
    for writers in (1, 2):
        settings = Settings(store_path=tmp_path / f"store-{writers}")
        with OxigraphStore(settings.store_path) as store:
            report = ingest(store, [export], settings, batch_quads=5000, writers=writers)
        assert (len(report.added), report.errors) == (600, [])
        stores[writers] = settings.store_path
    assert content(stores[2]) == content(stores[1])
    assert change_log(stores[2]) == change_log(stores[1])
    with OxigraphStore(stores[2]) as store:
        result = store.query(PREFIXES + f"""SELECT ?key ?t WHERE {{ GRAPH ?g {{ ?g rkg:recordKey ?key }}
            GRAPH <{changes_graph(Settings())}> {{ ?c as:target ?g ; as:published ?t }} }}""")
        published = {s["key"].value: datetime.fromisoformat(s["t"].value) for s in result}
    with export.open(encoding="utf-8", newline="") as f:
        keys = [row[0] for row in list(csv.reader(f))[1:]]
    stamps = [published[key] for key in keys]
    assert stamps == sorted(stamps) and len(set(stamps)) > 3  # announced batch by batch, in the order read


def test_a_run_into_a_full_store_learns_the_same_dois_reading_every_stored_key_at_once(tmp_path):
    """Past a few key lookups, a run into a non-empty store reads every key the store gives a DOI in one pass
    (one query per record made a Crossref dump beside a small store take minutes): the DOIs it gives
    articles and notices named without one are the same as one query per key gives."""
    store, settings, report = OxigraphStore(tmp_path / "store"), Settings(), IngestReport()
    scrape = DATA / "retraction-watch" / "brian_collins_rw_website_scrape_retraction_notices.parquet"
    ingest(store, [scrape, DATA / "jats"], settings)  # the scrape gives PMIDs and DOIs of articles JATS names
    records = list(read_records([DATA / "pubmed", DATA / "jats"], report))
    learnt = {}
    for at_most in (10**9, 0):  # one query per key; every key read at once
        known = KnownDois(store, lookups_before_reading_all=at_most)
        for record in records:
            known.complete(record)
        learnt[at_most] = [(record.notice.known_doi, [a.known_doi for a in record.notice.articles])
                           for record in records]
        for record in records:  # as read
            record.notice.known_doi = ""
            for article in record.notice.articles:
                article.known_doi = ""
    assert learnt[0] == learnt[10**9]
    assert sum(bool(notice or any(articles)) for notice, articles in learnt[0]) > 20


def test_labels_two_sources_write_in_another_case_are_shown_once(tmp_path):
    """PMC4080777's JATS titles its article "folic acid supplementation, …", a Retraction Watch row "Folic Acid
    Supplementation, …": the notice keeps both records' labels, and its page shows the one label once."""
    notice_doi, article_doi = "10.1186/1471-2393-14-202", "10.1186/1471-2393-13-160"
    rw = rw_row_with_pmid(tmp_path, article_doi, "0")
    with rw.open(encoding="utf-8", newline="") as f:
        header, row = list(csv.reader(f))
    row[header.index("RetractionDOI")] = notice_doi
    row[header.index("Title")] = ("Folic Acid Supplementation, Dietary Folate Intake During Pregnancy and Risk for "
                                  "Spontaneous Preterm Delivery: A Prospective Observational Cohort Study")
    with rw.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, row])
    store = OxigraphStore()
    assert not ingest(store, [DATA / "jats" / "PMC4080777.xml", rw], Settings()).errors
    notice = f"{BASE}id/notice/{notice_doi}"
    labels = values(store, f"SELECT DISTINCT ?l WHERE {{ <{notice}> <{RDFS}label> ?l }}")
    assert len(labels) == 2 and len({label.lower() for label in labels}) == 1
    with TestClient(create_app(Settings(), store)) as client:
        page = client.get(f"/doc/notice/{notice_doi}", headers={"Accept": "text/html"}).text
    assert page.lower().count("retraction of: folic acid supplementation") == 1
