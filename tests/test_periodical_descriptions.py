"""Issues 16 and 11: each journal's and publisher's description is stated once, in a graph of its own
(`ingest/periodical_graphs.py`), not in every record graph that names it; the spellings the curated publisher
list gives one publisher (`lexicon/publishers.tsv`) are one publisher. On real shared data, through the
Python API and HTTP."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from retractkg.api.app import create_app
from retractkg.config import Settings
from retractkg.ingest.pipeline import ingest
from retractkg.store import OxigraphStore
from retractkg.store.notice_statistics import BY_PUBLISHER

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
RW = DATA / "retraction-watch" / "rw_covid19_subset_dev_rawformat.csv"
pytestmark = pytest.mark.skipif(not DATA.exists(), reason="../shared is not present")
PREFIXES = """PREFIX schema: <http://schema.org/> PREFIX rkg: <https://w3id.org/retractkg/ontology#>
PREFIX cito: <http://purl.org/spar/cito/>
"""
DESCRIPTIONS = f"{Settings().base}graph/periodical/"


def rows(store: OxigraphStore, sparql: str) -> list[tuple[str, ...]]:
    result = store.query(PREFIXES + sparql)
    return sorted(tuple(s[v].value if s[v] is not None else "" for v in result.variables) for s in result)


def statements(store: OxigraphStore) -> set[str]:
    return {str(q) for q in store.quads() if "/graph/changes" not in str(q.graph_name)
            and not q.predicate.value.endswith("generatedAtTime")}


def plos_jats(tmp_path: Path) -> Path:
    folder = tmp_path / "jats"
    folder.mkdir()
    for path in sorted((DATA / "jats").glob("PMC*.xml")):
        if "Public Library of Science" in path.read_text(encoding="utf-8", errors="replace"):
            (folder / path.name).write_bytes(path.read_bytes())
            if len(list(folder.iterdir())) == 3:
                break
    assert len(list(folder.iterdir())) == 3
    return folder


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> list[Path]:
    return [RW, plos_jats(tmp_path_factory.mktemp("plos"))]


@pytest.fixture(scope="module")
def store(sources) -> OxigraphStore:
    store = OxigraphStore()
    report = ingest(store, sources, Settings())
    assert not report.errors
    return store


def test_plos_written_two_ways_by_two_sources_is_one_publisher_with_the_other_spelling_alternate(store):
    found = rows(store, """SELECT DISTINCT ?p ?name ?other WHERE { ?p a schema:Organization ; schema:name ?name
        OPTIONAL { ?p schema:alternateName ?other }
        FILTER EXISTS { ?p schema:name|schema:alternateName ?any FILTER(REGEX(?any, "^(plos|public library)", "i")) }
        }""")
    assert len({p for p, _, _ in found}) == 1, found
    assert {(name, other) for _, name, other in found} == {("Public Library of Science", "PLoS")}
    # Both sources' notices reach it: the export's through its rows' publisher, PMC's through the JATS.
    (publisher,) = {p for p, _, _ in found}
    formats = rows(store, f"""SELECT DISTINCT ?format WHERE {{ GRAPH ?g {{ ?n rkg:articlePublisher <{publisher}> }}
        ?g rkg:sourceFormat ?format }}""")
    assert len(formats) == 2, formats


def test_each_journal_and_publisher_is_described_in_one_graph_and_records_keep_only_links(store):
    described = rows(store, """SELECT ?x (COUNT(DISTINCT ?g) AS ?graphs) WHERE {
        { ?x a schema:Periodical } UNION { ?j a schema:Periodical ; schema:publisher ?x }
        GRAPH ?g { ?x schema:name ?name } } GROUP BY ?x""")
    assert len(described) > 100 and {graphs for _, graphs in described} == {"1"}
    in_records = rows(store, f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?x a ?type ; schema:name ?name }}
        FILTER(?type IN (schema:Periodical, schema:Organization) && !STRSTARTS(STR(?g), "{DESCRIPTIONS}"))
        FILTER EXISTS {{ ?y rkg:articleJournal|rkg:articlePublisher ?x }} }}""")
    assert in_records == []
    # Each record still links its journal, and what it wrote as the journal's name is one of its names.
    journal_column = {row["Journal"] for row in csv.DictReader(RW.open(encoding="utf-8", newline=""))}
    names = {name for (name,) in rows(store, "SELECT DISTINCT ?name WHERE { ?j a schema:Periodical ; "
                                             "schema:name|schema:alternateName ?name }")}
    assert journal_column <= names


def test_the_journal_page_shows_its_name_publisher_and_notices(store):
    (journal, name), *_ = rows(store, """SELECT ?j ?name WHERE { ?j a schema:Periodical ; schema:name ?name ;
        schema:publisher ?p } ORDER BY ?j LIMIT 1""")
    with TestClient(create_app(Settings(), store)) as client:
        page = client.get(journal.replace(Settings().base + "id/", "/doc/"), headers={"Accept": "text/html"})
    assert page.status_code == 200 and name in page.text


def test_re_ingest_changes_nothing_and_order_does_not_matter(sources, store, tmp_path):
    before = statements(store)
    again = ingest(store, sources, Settings())
    assert not again.added and not again.updated
    assert statements(store) == before
    reversed_runs = OxigraphStore()
    for source in reversed(sources):
        ingest(reversed_runs, [source], Settings())
    descriptions = {line for line in before if DESCRIPTIONS in line}
    assert {line for line in statements(reversed_runs) if DESCRIPTIONS in line} == descriptions


def test_a_journal_whose_records_are_withdrawn_loses_its_description(tmp_path):
    with RW.open(encoding="utf-8", newline="") as f:
        header, *data = list(csv.reader(f))
    journal = header.index("Journal")
    gone = next(row[journal] for row in data if sum(r[journal] == row[journal] for r in data) == 1)
    path = tmp_path / "rw.csv"

    def write(kept: list[list[str]]) -> None:
        with path.open("w", encoding="utf-8", newline="") as f:
            csv.writer(f, lineterminator="\r\n").writerows([header, *kept])

    store = OxigraphStore()
    write(data)
    ingest(store, [path], Settings())
    named = f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?j a schema:Periodical ; schema:name|schema:alternateName
        "{gone}" }} }}"""
    assert len(rows(store, named)) == 1
    write([row for row in data if row[journal] != gone])
    report = ingest(store, [path], Settings(), replace_source=True)
    assert len(report.withdrawn) == 1
    assert rows(store, named) == []


def jats_naming(tmp_path: Path, publishers: list[str]) -> Path:
    """A folder of the first shared JATS file whose publisher-name is each of `publishers`."""
    folder = tmp_path / "jats-publishers"
    folder.mkdir()
    for publisher in publishers:
        named = f"<publisher-name>{publisher}</publisher-name>"
        path = next(p for p in sorted((DATA / "jats").glob("PMC*.xml"))
                    if named in p.read_text(encoding="utf-8", errors="replace"))
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.fixture(scope="module")
def imprints(tmp_path_factory) -> OxigraphStore:
    """The Retraction Watch COVID-19 rows (which write "Springer - Biomed Central (BMC)", "Springer - Nature
    Publishing Group", "Oxford Academic") with JATS files naming "BioMed Central", "Nature Publishing Group" and
    "Oxford University Press"."""
    store = OxigraphStore()
    jats = jats_naming(tmp_path_factory.mktemp("imprints"),
                       ["BioMed Central", "Nature Publishing Group", "Oxford University Press"])
    assert not ingest(store, [RW, jats], Settings()).errors
    return store


def publisher_list(store: OxigraphStore) -> dict[str, int]:
    """/browse/publishers as a person sees it: each row's label and count."""
    with TestClient(create_app(Settings(), store)) as client:
        page = client.get("/browse/publishers", headers={"Accept": "text/html"})
    assert page.status_code == 200
    found = re.findall(r'<tr><td><a href="[^"]*">([^<]*)</a></td><td class="count">([\d,]+)</td>', page.text)
    labels = [label.replace("&amp;", "&") for label, _ in found]
    assert len(labels) == len(set(labels)), labels
    return {label: int(count.replace(",", "")) for label, count in zip(labels, (c for _, c in found), strict=True)}


@pytest.mark.parametrize(("imprint", "written", "parent"), [
    ("BioMed Central", "Springer - Biomed Central (BMC)", "Springer"),
    ("Nature Publishing Group", "Springer - Nature Publishing Group", "Springer"),
])
def test_an_imprint_written_parent_dash_imprint_is_the_imprint_with_its_parent_organization(imprints, imprint, written,
                                                                                           parent):
    """Retraction Watch writes an imprint "Parent - Imprint"; JATS names the imprint alone: one publisher, the
    journal's, whose schema:parentOrganization is the parent (`lexicon/publishers.tsv`, its header)."""
    found = rows(imprints, f"""SELECT DISTINCT ?p ?other ?parentName WHERE {{ ?p a schema:Organization ;
        schema:name "{imprint}" ; schema:alternateName ?other ; schema:parentOrganization ?parent .
        ?parent schema:name ?parentName }}""")
    assert {(other, parent_name) for _, other, parent_name in found} >= {(written, parent)}
    assert len({p for p, _, _ in found}) == 1
    (publisher,) = {p for p, _, _ in found}
    formats = rows(imprints, f"""SELECT DISTINCT ?format WHERE {{ GRAPH ?g {{ ?n rkg:articlePublisher <{publisher}> }}
        ?g rkg:sourceFormat ?format }}""")
    assert len(formats) == 2, formats  # both sources' notices reach the one publisher
    # The parent is readable too, though no record names it alone.
    (parent_iri,) = {p for (p,) in rows(imprints, f"""SELECT DISTINCT ?x WHERE {{ <{publisher}>
        schema:parentOrganization ?x }}""")}
    with TestClient(create_app(Settings(), imprints)) as client:
        page = client.get(parent_iri.replace(Settings().base + "id/", "/doc/"), headers={"Accept": "text/html"})
        assert page.status_code == 200 and parent in page.text
        # The imprint's page names its parent by name, linked to its page, and lists how sources wrote it.
        page = client.get(publisher.replace(Settings().base + "id/", "/doc/"), headers={"Accept": "text/html"})
    parent_path = parent_iri.replace(Settings().base + "id/", "/doc/")
    assert re.search(rf'<dt>Imprint of</dt><dd><a href="{parent_path}"[^>]*>{parent}</a>', page.text), page.text
    assert f"<dt>Also written</dt><dd>{written}</dd>" in page.text


def test_each_publisher_is_listed_once_and_counted_as_sparql_counts_it(imprints):
    listed = publisher_list(imprints)
    for one, others in [("BioMed Central", ["Springer - Biomed Central (BMC)", "BioMed Central (BMC)"]),
                        ("Nature Publishing Group", ["Springer - Nature Publishing Group"]),
                        ("Oxford University Press", ["Oxford Academic"])]:
        assert one in listed and not set(others) & set(listed), (one, listed)
        (count,) = rows(imprints, f"""SELECT (COUNT(DISTINCT ?notice) AS ?c) WHERE {{ ?notice a rkg:Notice .
            ?x schema:name "{one}" . {BY_PUBLISHER} }}""")  # by the notice, its journal or its article's
        assert listed[one] == int(count[0]), one


def test_no_spelling_is_curated_for_two_publishers():
    from retractkg.ingest.iris import name_key
    from retractkg.ingest.reading.lexicon import publishers
    seen: dict[str, str] = {}
    for publisher in publishers():
        for spelling in (publisher.name, *publisher.spellings):
            assert seen.setdefault(name_key(spelling), publisher.name) == publisher.name, spelling
