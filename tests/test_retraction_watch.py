"""The Retraction Watch export: every column becomes linked data, with the real files' quirks.

Reads the real export samples in ../shared/data/retraction-watch (the one-row header file and the
243-row COVID-19 subset in the raw export format); variants (trailing comma, ISO-8859-1, bad cells)
are written from those real rows into tmp_path.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from retractkg.cli import main
from retractkg.config import Settings
from retractkg.ingest import sources
from retractkg.ingest.errors import IngestError
from retractkg.ingest.model import Nature
from retractkg.ingest.pipeline import ingest
from retractkg.ingest.readers import retraction_watch
from retractkg.store import OxigraphStore

RW = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "retraction-watch"
ONE_ROW = RW / "egonw_quickstatements_comment_header_plus_1row.csv"
COVID = RW / "rw_covid19_subset_dev_rawformat.csv"
pytestmark = pytest.mark.skipif(not COVID.exists(), reason="../shared is not present")
BASE = Settings().base
PREFIXES = """PREFIX schema: <http://schema.org/> PREFIX rkg: <https://w3id.org/retractkg/ontology#>
PREFIX cito: <http://purl.org/spar/cito/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def records(path: Path) -> list:
    out, errors = [], []
    stream = retraction_watch.parse(path)
    while True:
        try:
            out.append(next(stream))
        except StopIteration:
            return out if not errors else (out, errors)
        except IngestError as e:
            errors.append(e)


def ingested(*paths: Path) -> OxigraphStore:
    store = OxigraphStore()
    report = ingest(store, list(paths), Settings())
    assert not report.errors, report.errors
    return store


def rows(store: OxigraphStore, sparql: str) -> list[dict[str, str]]:
    result = store.query(PREFIXES + sparql)
    return [{v.value: s[v].value for v in result.variables if s[v] is not None} for s in result]


def test_detected_from_content_not_the_name(tmp_path):
    renamed = tmp_path / "export.txt"
    renamed.write_bytes(COVID.read_bytes())
    assert sources.detect(renamed).name == "retraction-watch-csv"
    assert sources.detect(ONE_ROW).name == "retraction-watch-csv"


def test_every_column_of_the_real_row_becomes_linked_data():
    store = ingested(ONE_ROW)
    notice = BASE + "id/notice/10.1155/2023/9804945"  # its own DOI (issue 11)
    article = BASE + "id/article/10.1155/2021/6907871"
    (n,) = rows(store, f"""SELECT ?date ?doi ?paywalled ?note ?id WHERE {{ <{notice}> a rkg:Notice ,
        <http://purl.org/spar/fabio/RetractionNotice> ; cito:retracts <{article}> ; schema:datePublished ?date ;
        schema:sameAs ?doi ; rkg:paywalled ?paywalled ; rkg:note ?note ; rkg:recordId ?id }}""")
    assert n == {"date": "2023-08-16", "doi": "https://doi.org/10.1155/2023/9804945", "paywalled": "false",
                 "note": "See also: https://pubpeer.com/publications/7309DC051DD46825091B5F5FC6B0E9",
                 "id": "retraction-watch:50438"}
    (a,) = rows(store, f"""SELECT ?title ?date ?journal ?publisher ?genre ?country WHERE {{ <{article}>
        schema:name ?title ; schema:datePublished ?date ; schema:genre ?genre ; schema:countryOfOrigin ?country ;
        schema:isPartOf ?j . ?j a schema:Periodical ; schema:name ?journal ;
        schema:publisher/schema:name ?publisher }}""")
    assert a == {"title": "Construction of Mental Health Education Model Based on Computer Multimedia Group "
                          "Psychological Measurement", "date": "2021-09-24", "journal": "Advances in Multimedia",
                 "publisher": "Hindawi", "genre": "Research Article", "country": "China"}
    subjects = {r["s"] for r in rows(store, f"SELECT ?s WHERE {{ <{article}> schema:keywords ?s }}")}
    assert subjects == {"(B/T) Technology", "(SOC) Education", "(SOC) Psychology"}
    orgs = rows(store, f"SELECT ?name WHERE {{ <{article}> schema:sourceOrganization/schema:name ?name }}")
    assert orgs == [{"name": "Education Department, Taiyuan Normal University, Taiyuan, Shanxi, China"}]
    authors = rows(store, f"""SELECT ?name ?pos WHERE {{ <{article}> rkg:authorship [ rkg:position ?pos ;
        rkg:agent/schema:name ?name ] }}""")
    assert authors == [{"name": "Haiyan Zhang", "pos": "1"}]
    urls = {r["u"] for r in rows(store, f"SELECT ?u WHERE {{ <{notice}> schema:subjectOf ?u }}")}
    assert len(urls) == 2 and all(u.startswith("https://retractionwatch.com/20") for u in urls)
    reasons = {r["label"] for r in rows(store, f"""SELECT ?label WHERE {{ <{notice}> rkg:reason ?c .
        ?c skos:prefLabel ?label ; skos:inScheme ?scheme }}""")}
    # The row uses the older wording ("Randomly Generated Content"); the concept has the current one.
    assert len(reasons) == 8 and "Computer-Aided Content or Computer-Generated Content" in reasons
    # PubMedID 0 means none: no PubMed IRI anywhere.
    assert not rows(store, "SELECT ?x WHERE { ?x rkg:pmid ?p }")


def test_natures_of_the_covid_subset_and_no_retracts_for_concerns_or_corrections():
    parsed = records(COVID)
    assert len(parsed) == 243
    natures = {r.notice.nature for r in parsed}
    assert natures == {Nature.RETRACTION, Nature.EXPRESSION_OF_CONCERN, Nature.CORRECTION, Nature.REINSTATEMENT}
    store = ingested(COVID)
    wrong = rows(store, """SELECT ?n WHERE { ?n cito:retracts ?a ; rkg:nature ?nature
        FILTER(?nature NOT IN (<https://w3id.org/retractkg/id/nature/retraction>)) }""")
    assert wrong == []
    counted = rows(store, """SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g {
        ?g rkg:sourceFormat "retraction-watch-csv" } }""")
    assert counted == [{"n": "243"}]
    # Both PubMed ids of a row (record 54680), each on its own side, as IRIs and as plain ids.
    notice = BASE + "id/notice/10.1007/s11356-024-34290-x"  # its own DOI (issue 11)
    article = BASE + "id/article/10.1007/s11356-022-20387-8"
    pmids = rows(store, f"""SELECT ?who ?pmid WHERE {{ VALUES ?who {{ <{notice}> <{article}> }}
        ?who rkg:pmid ?pmid ; schema:sameAs ?pubmed FILTER(STRSTARTS(STR(?pubmed), "https://pubmed.ncbi.nlm.nih.gov/"))
        FILTER(STR(?pubmed) = CONCAT("https://pubmed.ncbi.nlm.nih.gov/", ?pmid, "/")) }} ORDER BY ?pmid""")
    assert pmids == [{"who": article, "pmid": "35567688"}, {"who": notice, "pmid": "38972950"}]


def test_list_cells_dates_and_identifiers_are_read_as_the_export_writes_them():
    first = records(ONE_ROW)[0]
    notice, article = first.notice, first.notice.articles[0]
    assert first.record_key == "50438" and notice.record_ids == {"retraction-watch": "50438"}
    assert notice.date == "2023-08-16" and article.date == "2021-09-24"
    assert notice.pmid == "" and article.pmid == ""
    assert [r.label for r in notice.reasons][:2] == ["Concerns/Issues About Data", "Concerns/Issues About Results"]
    assert article.subjects == ["(B/T) Technology", "(SOC) Education", "(SOC) Psychology"]
    assert retraction_watch.us_date("12/1/2019 0:00") == "2019-12-01"
    assert retraction_watch.us_date("2/30/2019 0:00") == ""


def real_rows() -> tuple[list[str], list[list[str]]]:
    with COVID.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        return header, list(reader)


def write(path: Path, header: list[str], body: list[list[str]], *, encoding: str = "utf-8",
          trailing_comma: bool = False) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header + ([""] if trailing_comma else []))
    for row in body:
        writer.writerow(row + ([""] if trailing_comma else []))
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def test_trailing_comma_header_and_latin1_export(tmp_path):
    header, body = real_rows()
    body = [list(r) for r in body[:3]]
    body[0][1] = "Étude of café effects in Zürich"
    for name, encoding, trailing in (("new.csv", "utf-8", True), ("old.csv", "iso-8859-1", False)):
        path = write(tmp_path / name, header, body, encoding=encoding, trailing_comma=trailing)
        assert sources.detect(path).name == "retraction-watch-csv"
        parsed = records(path)
        assert len(parsed) == 3
        assert parsed[0].notice.articles[0].title == "Étude of café effects in Zürich"


def test_unavailable_dois_zero_pmids_and_notice_doi_equal_to_article_doi(tmp_path):
    header, body = real_rows()
    col = {name: i for i, name in enumerate(header)}
    a, b = list(body[0]), list(body[1])
    a[col["RetractionDOI"]], a[col["RetractionPubMedID"]] = "unavailable", "0"
    b[col["RetractionDOI"]] = b[col["OriginalPaperDOI"]].upper()
    store = ingested(write(tmp_path / "rw.csv", header, [a, b]))
    notice_a = BASE + "id/notice/retraction/" + a[col["OriginalPaperDOI"]].lower()
    assert rows(store, f"SELECT ?s WHERE {{ <{notice_a}> schema:sameAs ?s }}") == []
    doi = b[col["OriginalPaperDOI"]].lower()
    same = rows(store, f"SELECT ?n WHERE {{ ?n schema:sameAs <https://doi.org/{doi}> }}")
    # The repeated DOI names the article only; the notice does not claim it.
    assert [r["n"] for r in same] == [BASE + "id/article/" + doi]


def test_the_exports_words_for_none_given_name_no_person_organization_or_country(tmp_path):
    """The database writes "Unknown" for a missing author, country or institution: not a person named "Unknown"."""
    header, body = real_rows()
    col = {name: i for i, name in enumerate(header)}
    row = list(body[0])
    authors = [a for a in row[col["Author"]].split(";") if a.strip()]
    row[col["Author"]] = ";".join(["Unknown", *authors])
    row[col["Country"]], row[col["Institution"]] = "Unknown", "unavailable;"
    store = ingested(write(tmp_path / "rw.csv", header, [row]))
    words = '"unknown", "unavailable"'
    assert rows(store, f"SELECT ?x WHERE {{ ?x schema:name ?n FILTER(LCASE(STR(?n)) IN ({words})) }}") == []
    assert rows(store, f"SELECT ?c WHERE {{ ?a schema:countryOfOrigin ?c FILTER(LCASE(STR(?c)) IN ({words})) }}") == []
    named = rows(store, "SELECT DISTINCT ?n WHERE { ?a schema:author ?p . ?p schema:name ?n }")
    assert sorted(r["n"] for r in named) == sorted(a.strip() for a in authors)


def test_bad_rows_are_record_errors_and_the_rest_is_stored(tmp_path):
    header, body = real_rows()
    col = {name: i for i, name in enumerate(header)}
    bad_nature, bad_reason, good = list(body[0]), list(body[1]), list(body[2])
    bad_nature[col["RetractionNature"]] = "Retraktion"
    bad_reason[col["Reason"]] = "+Not A Reason At All;"
    good[col["OriginalPaperDate"]] = "sometime"
    path = write(tmp_path / "rw.csv", header, [bad_nature, bad_reason, good])
    store = OxigraphStore()
    report = ingest(store, [path], Settings())
    messages = [str(e) for e in report.errors]
    assert len(messages) == 2
    assert f"line 2, Record ID {bad_nature[0]}" in messages[0] and "RetractionNature 'Retraktion'" in messages[0]
    assert f"Record ID {bad_reason[0]}" in messages[1] and "Not A Reason At All" in messages[1]
    assert len(report.added) == 1
    assert any("OriginalPaperDate 'sometime'" in w for w in report.warnings)


def test_cli_prints_warnings_errors_and_a_summary(tmp_path, capsys):
    header, body = real_rows()
    body = [list(r) for r in body[:2]]
    body[1][header.index("RetractionNature")] = "???"
    path = write(tmp_path / "rw.csv", header, body)
    assert main(["ingest", str(path), "--store", str(tmp_path / "store")]) == 1
    captured = capsys.readouterr()
    assert "1 records: 1 added, 0 updated, 0 unchanged, 1 errors" in captured.out
    assert "RetractionNature '???'" in captured.err
    with OxigraphStore(tmp_path / "store") as store:
        assert len(rows(store, "SELECT ?n WHERE { ?n a rkg:Notice }")) == 1


def test_streaming_reads_rows_one_at_a_time(tmp_path):
    header, body = real_rows()
    path = write(tmp_path / "rw.csv", header, body * 20)
    stream = retraction_watch.parse(path)
    first = next(stream)
    assert first.record_key == body[0][0]
    # The parser holds an open file and a csv reader, not the rows: the rest is still unread.
    assert sum(1 for _ in stream) == len(body) * 20 - 1

