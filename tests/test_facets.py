"""Issues 14 and 16: search facets, filters, exports and charts read the per-notice statistics
(retractkg/store/notice_statistics.py), and agree with SPARQL on the real shared Retraction Watch rows.

Through HTTP on a store made by `retractkg ingest`; each count is checked against a SPARQL query written
here independently of the statistics' own patterns.
"""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path
from xml.etree import ElementTree

import html5lib
import pytest
from fastapi.testclient import TestClient

from retractkg.api import search as search_routes
from retractkg.api.app import create_app
from retractkg.cli import main
from retractkg.config import Settings
from retractkg.ingest.pipeline import DEMO_DIR, ingest
from retractkg.store import OxigraphStore, notice_statistics, text_index

SHARED = Path(__file__).resolve().parents[2] / "shared"
COVID = SHARED / "data" / "retraction-watch" / "rw_covid19_subset_dev_rawformat.csv"
pytestmark = pytest.mark.skipif(not COVID.exists(), reason="../shared is not beside the checkout")
BASE = Settings().base
RETRACTION = BASE + "id/nature/retraction"
PREFIXES = """PREFIX schema: <http://schema.org/> PREFIX rkg: <https://w3id.org/retractkg/ontology#>
PREFIX cito: <http://purl.org/spar/cito/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
# What puts a notice in each facet, written as a reader of the README would (not the statistics' patterns).
SPARQL_FACETS = {
    "nature": "?n rkg:nature ?x",
    "reason": "?n rkg:reason ?x",
    "year": "?n rkg:year ?y BIND(STR(?y) AS ?x)",  # the year of its one date (README, "The graph")
    "journal": "{ ?n schema:isPartOf ?x } UNION { ?n cito:updates/schema:isPartOf+ ?x } ?x a schema:Periodical",
    "publisher": "{ ?n cito:updates/schema:isPartOf+/schema:publisher ?x } UNION { ?n schema:publisher ?x } "
                 "UNION { ?n schema:isPartOf/schema:publisher ?x }",
    "country": "?n cito:updates/schema:countryOfOrigin ?x",
    "subject": "?n cito:updates/schema:keywords ?x",
}
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("facets") / "store"
    assert main(["ingest", str(COVID), "--demo", "--quiet", "--store", str(path)]) == 0
    return path


def sparql_counts(store, facet: str, narrowing: str = "") -> dict[str, int]:
    result = store.query(PREFIXES + f"""SELECT ?x (COUNT(DISTINCT ?n) AS ?c) WHERE {{
        ?n a rkg:Notice . {narrowing} {SPARQL_FACETS[facet]} }} GROUP BY ?x""")
    return {s["x"].value: int(s["c"].value) for s in result}


def sparql_notices(store, narrowing: str) -> set[str]:
    result = store.query(PREFIXES + f"SELECT DISTINCT ?n WHERE {{ ?n a rkg:Notice . {narrowing} }}")
    return {s["n"].value for s in result}


def search(client, **params) -> dict:
    response = client.get("/search", params=params, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    return response.json()


def exported(client, fmt: str, **params) -> list[dict]:
    response = client.get("/search/export", params={**params, "format": fmt})
    assert response.status_code == 200, response.text
    if fmt == "json":
        assert response.headers["content-type"].startswith("application/json")
        return response.json()["notices"]
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    return list(csv.DictReader(io.StringIO(response.text)))


@pytest.mark.parametrize("facet", list(SPARQL_FACETS))
def test_facet_counts_of_a_filtered_search_agree_with_sparql(client, store, facet):
    """All retractions, counted per value of each facet: the search's facets and SPARQL give the same numbers."""
    found = search(client, nature=RETRACTION)
    expected = sparql_counts(store, facet, f"?n rkg:nature <{RETRACTION}> .")
    counts = found["facets"][facet]
    assert counts and len(counts) == min(10, len(expected))
    assert [c["count"] for c in counts] == sorted(expected.values(), reverse=True)[:len(counts)]
    assert all(expected[c["value"]] == c["count"] for c in counts)
    if facet == "nature":
        assert counts == [{"value": RETRACTION, "label": "Retraction", "count": found["total"]}]


def test_words_and_facet_values_combine_and_exports_hold_exactly_those_notices(client, store):
    covid = {r["id"] for r in exported(client, "json", q="covid")}
    assert len(covid) > 100
    narrowing = f"?n rkg:nature <{RETRACTION}> ; rkg:year 2021"
    both = sparql_notices(store, narrowing) & covid
    assert 0 < len(both) < len(covid)
    found = search(client, q="covid", nature=RETRACTION, year="2021")
    assert found["total"] == len(both) and {r["iri"] for r in found["results"]} <= both
    assert all(r["kind"] == "notice" for r in found["results"])  # facet values keep notices only
    # Every notice kept is of 2021 (a notice dated differently by two sources has one year, its earliest date's).
    assert found["facets"]["year"][0] == {"value": "2021", "label": "2021", "count": len(both)}
    as_json = exported(client, "json", q="covid", nature=RETRACTION, year="2021")
    as_csv = exported(client, "csv", q="covid", nature=RETRACTION, year="2021")
    assert {r["id"] for r in as_json} == {r["id"] for r in as_csv} == both
    dates = [r["date"] for r in as_csv]
    assert dates == sorted(dates, reverse=True)  # newest first
    # One notice's reasons, as SPARQL states them, in both exports (a list in JSON, joined in CSV).
    row = as_json[0]
    reasons = sorted(s["l"].value for s in store.query(PREFIXES + f"""SELECT DISTINCT ?l WHERE {{
        <{row['id']}> rkg:reason/skos:prefLabel ?l }}"""))
    assert row["reasons"] == reasons and as_csv[[r["id"] for r in as_csv].index(row["id"])]["reasons"] == "; ".join(
        reasons)


def test_a_journal_filter_with_no_words_lists_the_journals_notices_as_sparql_does(client, store):
    (journal,) = {s["j"].value for s in store.query(PREFIXES + """SELECT ?j WHERE {
        ?j a schema:Periodical ; schema:name "Early Human Development" }""")}
    expected = sparql_notices(store, f"?n cito:updates/schema:isPartOf+ <{journal}>")
    found = search(client, journal=journal)
    assert found["total"] == len(expected) == 15
    assert {r["iri"] for r in found["results"]} == expected
    assert {r["id"] for r in exported(client, "csv", journal=journal)} == expected


def test_an_unknown_value_finds_nothing_and_too_many_values_are_refused(client):
    assert search(client, q="covid", year="1800")["total"] == 0
    assert exported(client, "csv", year="1800") == []
    refused = client.get("/search", params=[("year", str(y)) for y in range(2000, 2013)],
                         headers={"Accept": "application/json"})
    assert refused.status_code == 400 and "at most 12" in refused.json()["detail"]


def test_facets_on_the_page_are_links_that_add_and_remove_filters(client):
    page = html5lib.parse(client.get("/search", params={"q": "covid"}).text)
    years = page.find(f".//{XHTML}section[@data-facet='year']")
    link = years.find(f".//{XHTML}a")
    href = html.unescape(link.get("href"))
    assert "year=" in href and "q=covid" in href
    count = int(years.find(f".//{XHTML}span").text.replace(",", ""))
    chosen = html5lib.parse(client.get(href).text)
    summary = "".join(chosen.find(f".//{XHTML}p[@class='summary']").itertext())
    assert re.match(rf"{count:,} results? for “covid”", summary), summary
    chip = chosen.find(f".//{XHTML}a[@class='chip']")
    assert chip is not None and "year=" not in html.unescape(chip.get("href"))  # the chip removes the filter
    exports = [a.get("href") for a in chosen.iter(f"{XHTML}a") if a.get("download") is not None]
    assert len(exports) == 2 and all("year=" in e for e in exports)


def charts(document: ElementTree.Element) -> dict[str, ElementTree.Element]:
    return {f.get("id"): f for f in document.iter(f"{XHTML}figure")}


def test_charts_are_svg_with_titles_and_the_numbers_of_the_lists(client):
    home = charts(html5lib.parse(client.get("/").text))
    assert set(home) == {"notices-per-year", "top-reasons"}
    svg = home["notices-per-year"].find("{http://www.w3.org/2000/svg}svg")
    assert svg.get("role") == "img"
    assert svg.find("{http://www.w3.org/2000/svg}title").text == "Notices per year, by nature"
    assert "notices from" in svg.find("{http://www.w3.org/2000/svg}desc").text
    table = {row[0]: row[-1] for row in table_rows(home["notices-per-year"])}
    years = years_listed(client)
    assert table == {year: f"{n:,}" for year, n in years.items()}
    reasons = table_rows(home["top-reasons"])
    expected = sparql_reason_counts(client)
    assert [int(n.replace(",", "")) for _, n in reasons] == sorted(expected.values(), reverse=True)[:10]
    assert "notices-per-year" in charts(html5lib.parse(client.get("/browse/years").text))


def test_journal_and_publisher_pages_chart_their_notices_per_year(client, store):
    for name, kind in (("Early Human Development", "Periodical"), ("Elsevier", "Organization")):
        (iri,) = {s["x"].value for s in store.query(PREFIXES + f"""SELECT DISTINCT ?x WHERE {{
            ?x a schema:{kind} ; schema:name "{name}" }}""")}
        page = html5lib.parse(client.get("/doc/" + iri[len(BASE) + 3:]).text)
        (chart,) = charts(page).values()
        facet = "journal" if kind == "Periodical" else "publisher"
        owned = SPARQL_FACETS[facet].replace("?x", f"<{iri}>")
        expected = sparql_counts(store, "year", f"{{ SELECT DISTINCT ?n WHERE {{ {owned} }} }}")
        assert {row[0]: row[-1] for row in table_rows(chart)} == {y: f"{n:,}" for y, n in expected.items()}


def table_rows(figure: ElementTree.Element) -> list[list[str]]:
    return [["".join(cell.itertext()) for cell in row] for row in figure.iterfind(f".//{XHTML}tbody/{XHTML}tr")]


def years_listed(client) -> dict[str, int]:
    rows = re.findall(r'<tr><td><a href="/browse/years/(\d+)">\d+</a></td><td class="count">([\d,]+)</td></tr>',
                      client.get("/browse/years").text)
    return {year: int(n.replace(",", "")) for year, n in rows}


def sparql_reason_counts(client) -> dict[str, int]:
    rows = client.get("/sparql", params={"query": PREFIXES + """SELECT ?r (COUNT(DISTINCT ?n) AS ?c) WHERE {
        ?n rkg:reason ?r } GROUP BY ?r"""}, headers={"Accept": "application/sparql-results+json"}).json()
    return {b["r"]["value"]: int(b["c"]["value"]) for b in rows["results"]["bindings"]}


def test_lists_facets_and_charts_follow_an_ingest_made_while_the_app_runs(tmp_path):
    """An app over a store written behind it (the Python API here): no count is older than the store."""
    settings = Settings(store_path=tmp_path / "store")
    assert main(["ingest", str(DEMO_DIR / "bmc_jnanobiotech_retraction_note_2024.txt"), "--quiet",
                 "--store", str(settings.store_path)]) == 0
    with OxigraphStore(settings.store_path) as store, TestClient(create_app(settings, store)) as client:
        before = search(client, nature=RETRACTION)["total"]
        years_before = years_listed(client)
        ingest(store, [COVID], settings)
        after = search(client, nature=RETRACTION)
        assert after["total"] == len(sparql_notices(store, f"?n rkg:nature <{RETRACTION}>")) > before
        assert sum(years_listed(client).values()) > sum(years_before.values())
        assert search(client, q="favipiravir", nature=RETRACTION)["total"] >= 1


def test_past_the_count_limit_facets_are_counted_among_the_newest_matches(client, monkeypatch):
    """A word found in more notices than a search counts facets among (2,000; 20 here) counts them among the
    newest that many, and says so; past the rank limit (3,000; 10 here) the list is newest first; the count
    stops at its limit (10,000; 20 here); the export still holds every notice found."""
    every = exported(client, "json", q="covid")
    assert len(every) > 20
    assert not search(client, q="covid")["newestFirst"]  # fewer matches than the rank limit: best first
    for module in (text_index, search_routes):
        monkeypatch.setattr(module, "COUNT_AT_MOST", 20)
        monkeypatch.setattr(module, "FACET_WINDOW", 20)
        monkeypatch.setattr(module, "RANK_AT_MOST", 10)
    found = search(client, q="covid")
    assert found["total"] == 20 and found["totalIsLowerBound"] and found["facetsCountNewest"] == 20
    assert found["newestFirst"]
    newest = every[:20]
    years: dict[str, int] = {}
    for notice in newest:
        for year in notice["years"]:
            years[year] = years.get(year, 0) + 1
    assert {c["value"]: c["count"] for c in found["facets"]["year"]} == years
    assert [r["iri"] for r in found["results"]][:20] == [r["id"] for r in newest]  # notices newest first
    assert len(exported(client, "json", q="covid")) == len(every)
    page = client.get("/search", params={"q": "covid"}).text
    assert "counted among the newest 20" in page


@pytest.mark.parametrize("facet", list(notice_statistics.FACETS))
def test_the_statistics_hold_what_the_facet_patterns_select(store_path, store, facet):
    """The statistics are joined in memory from one scan per predicate; `FACETS` states the same in SPARQL."""
    pattern = notice_statistics.FACETS[facet]
    kind = f"FILTER EXISTS {{ {pattern.kind} }}" if pattern.kind else ""
    result = store.query(notice_statistics.PREFIXES + f"""SELECT ?x (COUNT(?notice) AS ?c) WHERE {{
        {{ SELECT DISTINCT ?notice ?x WHERE {{ ?notice a rkg:Notice . {pattern.where} }} }} {kind} }} GROUP BY ?x""")
    expected = {s["x"].value: int(s["c"].value) for s in result}
    kept = text_index.TextIndex(store_path / "search.sqlite3").statistics().all_counts(facet)
    assert expected and {c.value: c.count for c in kept} == expected
