"""Issue 11, what a user still met on the real shared data: one notice dated differently by two Retraction Watch
rows has one date (lists, facets, shortcuts and its page agree); a first ingest writes each record once ("0
updated"); an article named by PMID alone is one article to the people index, whichever record gave its DOI; a
journal's name does not depend on the order records and runs come in. Through the CLI, HTTP and the Python API."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from retractkg.api.app import create_app
from retractkg.cli import main
from retractkg.config import Settings
from retractkg.ingest.pipeline import ingest
from retractkg.store import OxigraphStore

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
RW = DATA / "retraction-watch"
COVID = RW / "rw_covid19_subset_dev_rawformat.csv"
pytestmark = pytest.mark.skipif(not DATA.exists(), reason="../shared is not present")
BASE = Settings().base
PREFIXES = """PREFIX schema: <http://schema.org/> PREFIX rkg: <https://w3id.org/retractkg/ontology#>
PREFIX cito: <http://purl.org/spar/cito/>
"""
# Two rows of the COVID-19 export give this Research Square notice DOI the dates 2020-11-16 and 2021-07-15.
RESEARCH_SQUARE = BASE + "id/notice/10.21203/rs.3.rs-100956/v4"
DATED_TWICE = ("30841", "30842")


def values(store: OxigraphStore, sparql: str) -> list[str]:
    result = store.query(PREFIXES + sparql)
    return sorted(s[result.variables[0]].value for s in result)


def statements(store: OxigraphStore) -> set[str]:
    """Every quad but the change log's and the time each record was stored."""
    return {str(q) for q in store.quads() if "/graph/changes" not in str(q.graph_name)
            and not q.predicate.value.endswith("generatedAtTime")}


def export_rows(path: Path, folder: Path, keep: dict[str, str], edit=None) -> list[Path]:
    """One file per row of a Retraction Watch export: those whose Record ID is a key of `keep`, each named by
    its value; `edit(row)` changes a row (a dict) first."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header, rows = reader.fieldnames, [row for row in reader if row["Record ID"] in keep]
    assert len(rows) == len(keep)
    files = []
    for row in rows:
        file = folder / keep[row["Record ID"]]
        if edit is not None:
            edit(row)
        with file.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, header, lineterminator="\r\n")
            writer.writeheader()
            writer.writerow(row)
        files.append(file)
    return sorted(files)


def ingested(runs: list[list[Path]], store_path: Path | None = None) -> OxigraphStore:
    store = OxigraphStore(store_path) if store_path else OxigraphStore()
    for paths in runs:
        assert not ingest(store, paths, Settings()).errors
    return store


# -- one date per notice -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dated_twice(tmp_path_factory) -> list[Path]:
    return export_rows(COVID, tmp_path_factory.mktemp("dated"), {key: f"row-{key}.csv" for key in DATED_TWICE})


@pytest.mark.parametrize("order", ["together", "first then second", "second then first"])
def test_a_notice_two_rows_date_differently_has_its_earliest_date_whatever_the_order(dated_twice, order):
    first, second = dated_twice
    runs = {"together": [[first, second]], "first then second": [[first], [second]],
            "second then first": [[second], [first]]}[order]
    store = ingested(runs)
    # Each row's own date stays in its graph, as provenance.
    assert values(store, f"SELECT DISTINCT ?d WHERE {{ <{RESEARCH_SQUARE}> schema:datePublished ?d }}") == [
        "2020-11-16", "2021-07-15"]
    # One year, that of the earliest date, in every record's shortcuts.
    assert values(store, f"SELECT ?y WHERE {{ GRAPH ?g {{ <{RESEARCH_SQUARE}> rkg:year ?y }} }}") == ["2020", "2020"]
    assert values(store, f"SELECT DISTINCT ?v WHERE {{ <{RESEARCH_SQUARE}> rkg:yearNature ?v }}") == [
        "2020 retraction"]
    assert statements(store) == statements(ingested([[first, second]]))


def test_lists_facets_and_the_page_show_a_notice_dated_twice_once_with_its_one_date(dated_twice, tmp_path):
    store_path = tmp_path / "store"
    for path in reversed(dated_twice):  # the later date first: a second run moves the notice back a year
        assert main(["ingest", str(path), "--quiet", "--store", str(store_path)]) == 0
    with OxigraphStore(store_path, read_only=True) as store, \
            TestClient(create_app(Settings(store_path=store_path), store, exclusive=True)) as client:
        years = dict(re.findall(r'<a href="/browse/years/(\d+)">\d+</a></td><td class="count">([\d,]+)<',
                                client.get("/browse/years").text))
        assert years == {"2020": "1"}
        listed = client.get("/browse/years/2020").text
        assert "2020-11-16" in listed and "2021-07-15" not in listed
        found = client.get("/search", params={"q": "ivermectin"}, headers={"Accept": "application/json"}).json()
        assert found["facets"]["year"] == [{"value": "2020", "label": "2020", "count": 1}]
        page = client.get("/doc/notice/10.21203/rs.3.rs-100956/v4", headers={"Accept": "text/html"}).text
        assert "published 2020-11-16" in page
        sparql = client.get("/sparql", headers={"Accept": "application/sparql-results+json"}, params={
            "query": PREFIXES + "SELECT ?y (COUNT(DISTINCT ?n) AS ?c) WHERE { ?n rkg:year ?y } GROUP BY ?y"}).json()
        assert [(b["y"]["value"], b["c"]["value"]) for b in sparql["results"]["bindings"]] == [("2020", "1")]


# -- a first ingest writes each record once -----------------------------------------------------------------


def test_a_first_ingest_writes_each_record_once_when_another_file_gives_its_notice_doi(tmp_path):
    """The website scrape's record 3776 names its notice by its article (10.2337/db10-1605) alone; the PMC JATS
    notice PMC3293506 gives that notice its DOI (10.2337/db11-er05). Reported "1 updated" on a first ingest of
    the shared data before."""
    pq = pytest.importorskip("pyarrow.parquet")
    import pyarrow.compute as pc
    table = pq.read_table(RW / "brian_collins_rw_website_scrape_retraction_notices.parquet")
    scrape = tmp_path / "scrape.parquet"
    pq.write_table(table.filter(pc.equal(table["RID"], 3776)), scrape)
    jats = DATA / "jats" / "PMC3293506.xml"
    notice = BASE + "id/notice/10.2337/db11-er05"
    stored = []
    for paths in ([scrape, jats], [jats, scrape]):
        store = OxigraphStore()
        report = ingest(store, paths, Settings())
        assert not report.errors and len(report.added) == 2 and not report.updated
        assert len(values(store, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{notice}> a rkg:Notice }} }}")) == 2
        stored.append(statements(store))
    assert stored[0] == stored[1]


# -- the people index keys an article as its IRI does --------------------------------------------------------


def test_an_article_named_by_pmid_alone_is_one_article_to_people_whichever_record_gives_its_doi(tmp_path):
    """Two rows about one article: one gives its DOI and PMID, the other its PMID alone. Its authors are one
    person each on that article (never "joined" across the article and itself), in one run or two, either order."""
    with COVID.open(encoding="utf-8", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["OriginalPaperPubMedID"].strip("0 ") and r["OriginalPaperDOI"]
                   and r["Author"].count(";") >= 2)
    key, pmid, doi = row["Record ID"], row["OriginalPaperPubMedID"], row["OriginalPaperDOI"].lower()
    (with_doi,) = export_rows(COVID, tmp_path, {key: "with-doi.csv"})

    def another_notice_by_pmid_alone(other: dict[str, str]) -> None:  # an expression of concern about it, say
        other.update({"Record ID": "9" + key, "OriginalPaperDOI": "", "RetractionDOI": "",
                      "RetractionNature": "Expression of concern"})

    (alone,) = export_rows(COVID, tmp_path, {key: "pmid-alone.csv"}, edit=another_notice_by_pmid_alone)
    article = f"{BASE}id/article/{doi}"
    found = []
    # A record stored under its PMID before any gave the DOI is read again when its file comes again (a run that
    # does not bring it says so: tests/test_merge_and_delta.py).
    for runs in ([[with_doi, alone]], [[alone, with_doi]], [[with_doi], [alone]], [[alone], [with_doi, alone]]):
        store = ingested(runs)
        assert values(store, f'SELECT DISTINCT ?a WHERE {{ ?a rkg:pmid "{pmid}" }}') == [article]
        assert values(store, "SELECT ?p WHERE { ?p rkg:identityEvidence ?e }") == []
        authors = values(store, f"SELECT DISTINCT ?p WHERE {{ <{article}> schema:author ?p }}")
        assert len(authors) == row["Author"].strip(";").count(";") + 1
        found.append(statements(store))
    assert found[0] == found[1] == found[2] == found[3]


# -- a journal's name whatever the order ---------------------------------------------------------------------


def test_a_journals_name_is_the_same_whatever_the_order_of_records_and_runs(tmp_path):
    """Three rows name one journal, two of them one way and one another: its schema:name is the spelling given
    most, in one run, in either order, and run by run."""
    with COVID.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    journal = next(r["Journal"] for r in rows if sum(o["Journal"] == r["Journal"] for o in rows) >= 3)
    keys = [r["Record ID"] for r in rows if r["Journal"] == journal][:3]
    other = journal.upper()

    def respell(row: dict[str, str]) -> None:
        if row["Record ID"] == keys[0]:
            row["Journal"] = other

    files = export_rows(COVID, tmp_path, {k: f"{i}.csv" for i, k in enumerate(keys)}, edit=respell)
    one, two, three = files
    names = set()
    for runs in ([files], [list(reversed(files))], [[one], [two], [three]], [[three], [two], [one]],
                 [[one, two], [three]], [[three], [one, two]]):
        store = ingested(runs)
        names.add(tuple(values(store, "SELECT ?name WHERE { ?j a schema:Periodical ; schema:name ?name }")))
        assert values(store, "SELECT ?other WHERE { ?j a schema:Periodical ; schema:alternateName ?other }") in (
            [journal], [other])
    assert names == {(journal,)}, names
