"""Issue 11: one resource per real-world thing, and every resource readable.

On the shared Retraction Watch COVID-19 export (real rows), through the Python API, the CLI's store and HTTP:
DOIs in any case dereference, provenance names no local path, every notice has a label that pages, lists,
search and the feed show, and two notices about one article stay two.
"""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from retractkg.api.app import create_app
from retractkg.config import Settings
from retractkg.ingest.pipeline import ingest
from retractkg.store import OxigraphStore

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DATA = SHARED / "data"
RW = DATA / "retraction-watch" / "rw_covid19_subset_dev_rawformat.csv"
pytestmark = pytest.mark.skipif(not DATA.exists(), reason="../shared is not present")
BASE = Settings().base
PREFIXES = """PREFIX schema: <http://schema.org/> PREFIX rkg: <https://w3id.org/retractkg/ontology#>
PREFIX cito: <http://purl.org/spar/cito/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def values(store: OxigraphStore, sparql: str) -> list[str]:
    result = store.query(PREFIXES + sparql)
    (variable,) = result.variables
    return sorted(s[variable].value for s in result)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The export inside a folder of its own, in a subfolder: provenance names it relative to the folder."""
    root = tmp_path_factory.mktemp("sources")
    (root / "rw").mkdir()
    shutil.copy(RW, root / "rw" / RW.name)
    return root


@pytest.fixture(scope="module")
def store(folder: Path) -> OxigraphStore:
    store = OxigraphStore()
    report = ingest(store, [folder], Settings())
    assert not report.errors and len(report.added) == 243
    return store


@pytest.fixture(scope="module")
def client(store: OxigraphStore):
    with TestClient(create_app(Settings(), store)) as client:
        yield client


def test_a_doi_in_any_case_dereferences_to_the_one_resource(client):
    doi = "10.1016/j.eng.2020.03.007"
    lower = client.get(f"/id/article/{doi}", params={"format": "nt"})
    assert lower.status_code == 200
    for written in (doi.upper(), "10.1016/J.Eng.2020.03.007"):
        response = client.get(f"/id/article/{written}", params={"format": "nt"})
        assert response.status_code == 200 and response.content == lower.content
    # a notice named by its kind and its article's DOI too
    assert client.get(f"/doc/notice/retraction/{doi.upper()}", params={"format": "nt"}).status_code == 200


def test_provenance_names_the_file_under_the_folder_given_and_the_record_not_a_local_path(store, folder):
    assert not values(store, "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o FILTER(STRSTARTS(STR(?o), 'file:')) } }")
    assert not values(store, f"SELECT ?o WHERE {{ ?s ?p ?o FILTER(CONTAINS(STR(?o), '{folder}')) }}")
    assert values(store, "SELECT DISTINCT ?f WHERE { ?g rkg:sourceFile ?f }") == [f"rw/{RW.name}"]
    derived = store.query(PREFIXES + """SELECT ?key ?from WHERE { ?g rkg:recordKey ?key ; prov:wasDerivedFrom ?from
        FILTER(?key = "22712") }""")
    assert [(s["key"].value, s["from"].value) for s in derived] == [
        ("22712", "http://retractiondatabase.org/RetractionSearch.aspx#?ID=22712")]


def test_every_notice_has_a_label_naming_what_it_is_about(store):
    assert not values(store, "SELECT ?n WHERE { ?n a rkg:Notice FILTER NOT EXISTS { ?n rdfs:label ?l } }")
    labels = store.query(PREFIXES + """SELECT ?l ?t WHERE { ?n a rkg:Notice ; rdfs:label ?l ; cito:updates ?a .
        ?a schema:name ?t ; rkg:doi "10.1016/j.eng.2020.03.007" }""")
    assert {(s["l"].value, s["t"].value) for s in labels} == {(
        "Retraction of: Experimental Treatment with Favipiravir for COVID-19: An Open-Label Control Study",
        "Experimental Treatment with Favipiravir for COVID-19: An Open-Label Control Study")}
    concerns = values(store, """SELECT ?l WHERE { GRAPH ?g { ?n rkg:nature ?x ; rdfs:label ?l }
        FILTER(STRENDS(STR(?x), 'concern')) }""")  # each source's label says what that source says it is
    assert concerns and all(label.startswith("Expression of concern: ") for label in concerns)


def test_pages_lists_search_and_feed_show_labels_never_iris_or_hashes(client):
    link_texts = re.compile(r'<a href="[^"]*">([^<]*)</a>')
    for path in ("/browse/years/2021", "/browse/years/2020", "/search?q=favipiravir"):
        page = client.get(path)
        assert page.status_code == 200
        texts = link_texts.findall(page.text)
        assert texts and not [t for t in texts if t.startswith("http") or re.fullmatch(r"[0-9a-f]{16}", t)], path
    assert "Retraction of: Experimental Treatment with Favipiravir" in client.get("/search?q=favipiravir").text
    feed = client.get("/changes?page=1").json()
    assert all(item["object"]["name"] for item in feed["orderedItems"])


def test_two_notices_of_one_kind_about_one_article_stay_two(tmp_path):
    """A second expression of concern with its own DOI: it used to overwrite the first's DOI and source."""
    with RW.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    col = {name: i for i, name in enumerate(header)}
    first = next(r for r in rows if r[col["RetractionNature"]] == "Expression of concern"
                 and r[col["RetractionDOI"]].startswith("10."))
    second = list(first)
    second[col["Record ID"]], second[col["RetractionDOI"]] = "999001", first[col["RetractionDOI"]] + ".second"
    article = first[col["OriginalPaperDOI"]].lower()
    for order in ((first, second), (second, first)):
        store = OxigraphStore()
        for row in order:  # one run each: the second is added, nothing of the first is updated
            path = tmp_path / "rw.csv"
            with path.open("w", encoding="utf-8", newline="") as f:
                csv.writer(f, lineterminator="\r\n").writerows([header, row])
            report = ingest(store, [path], Settings())
            assert len(report.added) == 1 and not report.updated
        notices = values(store, f"""SELECT DISTINCT ?n WHERE {{ ?n rkg:expressesConcernAbout ?a .
            ?a rkg:doi "{article}" }}""")
        assert notices == sorted(f"{BASE}id/notice/concern/{r[col['RetractionDOI']].lower()}" for r in (first, second))
        for notice in notices:
            assert len(values(store, f"SELECT ?d WHERE {{ <{notice}> rkg:doi ?d }}")) == 1


# --- journals, publishers, countries and subjects count notices through the article ----------------------------

def sparql_count(store: OxigraphStore, pattern: str) -> int:
    """The equivalent SPARQL: notices about articles of a journal / publisher / country / subject."""
    (row,) = store.query(PREFIXES + f"SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE {{ ?n a rkg:Notice . {pattern} }}")
    return int(row["c"].value)


def listed(client, path: str) -> dict[str, int]:
    rows = re.findall(r'<tr><td><a href="[^"]*">([^<]*)</a></td><td class="count">([\d,]+)</td></tr>',
                      client.get(path).text)
    return {html.unescape(label): int(count.replace(",", "")) for label, count in rows}


def notice_rows(client, path: str) -> int:
    return len(re.findall(r"<tr><td>[^<]*</td><td><a ", client.get(path).text))


def test_journal_lists_and_pages_count_the_notices_about_their_articles_as_sparql_does(client, store):
    (journal,) = values(store, """SELECT DISTINCT ?j WHERE {
        ?j a schema:Periodical ; schema:name "Early Human Development" }""")
    expected = sparql_count(store, f"?n cito:updates/schema:isPartOf+ <{journal}>")
    assert expected == 15
    assert listed(client, "/browse/journals")["Early Human Development"] == expected
    assert notice_rows(client, "/doc/" + journal[len(BASE) + 3:]) == expected
    journals = values(store, "SELECT DISTINCT ?j WHERE { ?a schema:isPartOf+ ?j . ?j a schema:Periodical }")
    assert len(listed(client, "/browse/journals")) == min(50, len(journals))


@pytest.mark.parametrize("kind, pattern", [
    ("publishers", "{ ?n cito:updates/schema:isPartOf+/schema:publisher ?x } UNION { ?n schema:publisher ?x }"),
    ("countries", "?n cito:updates/schema:countryOfOrigin ?x"),
    ("subjects", "?n cito:updates/schema:keywords ?x"),
])
def test_publisher_country_and_subject_lists_agree_with_sparql(client, store, kind, pattern):
    counts = listed(client, f"/browse/{kind}")
    assert counts
    result = store.query(PREFIXES + f"""SELECT (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?n) AS ?c) WHERE {{
        ?n a rkg:Notice . {pattern} OPTIONAL {{ ?x schema:name ?name }} BIND(COALESCE(?name, ?x) AS ?l) }}
        GROUP BY ?x""")
    expected = {s["label"].value: int(s["c"].value) for s in result}
    top = max(expected.values())
    assert max(counts.values()) == top and all(expected[label] == n for label, n in counts.items())
    if kind != "publishers":  # a country's or subject's own page lists as many notices
        label, count = max(counts.items(), key=lambda item: item[1])
        assert notice_rows(client, f"/browse/{kind}/{label}") == min(count, 50)


def journals_written(tmp_path: Path, written: list[str], *, skip: int = 0, store: OxigraphStore | None = None,
                     name: str = "rw.csv") -> OxigraphStore:
    """A store of records of the Retraction Watch subset (from the `skip`th), each naming its journal as `written`
    says, ingested into `store` (a new one by default)."""
    with RW.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    rows = rows[skip:skip + len(written)]
    col = {column: i for i, column in enumerate(header)}
    for row, journal in zip(rows, written, strict=True):
        row[col["Journal"]] = journal
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, *rows])
    store = store if store is not None else OxigraphStore()
    ingest(store, [path], Settings())
    return store


def names_of_journals(store: OxigraphStore) -> list[tuple[str, list[str]]]:
    """Each periodical's schema:name and its alternate names."""
    journals = store.query(PREFIXES + """SELECT ?n (GROUP_CONCAT(DISTINCT ?other; separator="|") AS ?others)
        WHERE { ?j a schema:Periodical ; schema:name ?n OPTIONAL { ?j schema:alternateName ?other } } GROUP BY ?j ?n""")
    return sorted((s["n"].value, sorted(filter(None, s["others"].value.split("|") if s["others"] else [])))
                  for s in journals)


def test_an_abbreviated_journal_title_is_the_journal_it_abbreviates_whatever_the_order_of_runs(tmp_path):
    """Citations in notices name journals as PubMed abbreviates them ("Indian J Dermatol"); Retraction Watch and
    JATS write them whole. One journal, named whole; "Cell" is not "Cells", and a title that abbreviates two names
    (one misspelt) abbreviates neither."""
    written = ["Indian J Dermatol", "Indian Journal of Dermatology", "Mol Med Rep", "Molecular Medicine Reports",
               "Cell", "Cells", "J Clin Neurol", "Journal of Clinical Neurology", "Journal of Clincal Neurology"]
    expected = [("Cell", []), ("Cells", []), ("Indian Journal of Dermatology", ["Indian J Dermatol"]),
                ("J Clin Neurol", []), ("Journal of Clincal Neurology", []), ("Journal of Clinical Neurology", []),
                ("Molecular Medicine Reports", ["Mol Med Rep"])]
    together = journals_written(tmp_path, written)
    assert names_of_journals(together) == expected
    # An earlier run's abbreviation meets the whole title a later run brings once its file is read with it (as
    # a journal's name meets its ISSNs: the run names the records to move).
    # (Not the misspelt title: one that a later run makes ambiguous is not taken back from the description of the
    # journal an earlier run gave it to; README.)
    first, later = written[:6:2], written[1:6:2]
    runs = journals_written(tmp_path, first, name="abbreviated.csv")
    runs = journals_written(tmp_path, later, skip=len(first), store=runs, name="whole.csv")
    assert ("Indian J Dermatol", []) in names_of_journals(runs)
    ingest(runs, [tmp_path / "abbreviated.csv", tmp_path / "whole.csv"], Settings())
    assert names_of_journals(runs) == [("Cell", []), ("Cells", []), *expected[2:3], *expected[-1:]]


def test_a_journal_named_by_its_title_proper_alone_is_the_catalogued_journal_whatever_the_order_of_runs(tmp_path):
    """PubMed Central catalogues journals as "Lung India : Official Organ of Indian Chest Society" and "Journal of
    Clinical Neurology (Seoul, Korea)", with their ISSNs; Retraction Watch writes "Lung India", without. One
    journal each, by ISSN, named by its title proper; a one-word title proper ("JSLS : Journal of …") is an
    abbreviation and names nothing."""
    catalogued = [DATA / "jats" / "PMC3162759.xml", DATA / "jats" / "PMC3391623.xml"]
    issn = {"Lung India": "0970-2113", "Journal of Clinical Neurology": "1738-6586"}

    def journals_of(store: OxigraphStore) -> dict[str, set[str]]:
        rows = store.query(PREFIXES + """SELECT ?n ?j WHERE { ?a schema:isPartOf ?j . ?j a schema:Periodical ;
            schema:name|schema:alternateName ?n }""")
        found: dict[str, set[str]] = {}
        for row in rows:
            found.setdefault(row["n"].value, set()).add(row["j"].value.rsplit("/", 1)[-1])
        return found

    written = ["Lung India", "Journal of Clinical Neurology", "JSLS"]
    catalogue_first = OxigraphStore()
    ingest(catalogue_first, catalogued, Settings())
    journals_written(tmp_path, written, name="a.csv", store=catalogue_first)
    catalogue_later = journals_written(tmp_path, written, name="b.csv")
    report = ingest(catalogue_later, catalogued, Settings())  # the run names the records to move ...
    assert any(w.startswith("b.csv: not among the files of this run") for w in report.warnings)
    ingest(catalogue_later, [tmp_path / "b.csv", *catalogued], Settings())  # ... and moves them when given them
    for store in (catalogue_first, catalogue_later):
        found = journals_of(store)
        for title, number in issn.items():
            assert found[title] == {number}
        assert [number for number in found["JSLS"] if number.count("-") == 1] == []


def test_one_periodical_per_journal_name_however_written_with_one_name_and_the_others_alternate(tmp_path):
    store = journals_written(tmp_path, ["The Lancet", "Lancet", "LANCET.", "Taylor & Francis Journal",
                                         "Taylor and Francis Journal"])
    journals = store.query(PREFIXES + """SELECT ?j (GROUP_CONCAT(DISTINCT ?n; separator="|") AS ?names)
        (GROUP_CONCAT(DISTINCT ?other; separator="|") AS ?others) WHERE {
        ?j a schema:Periodical ; schema:name ?n OPTIONAL { ?j schema:alternateName ?other } } GROUP BY ?j""")
    assert sorted((s["names"].value, sorted(s["others"].value.split("|"))) for s in journals) == [
        ("Lancet", ["LANCET.", "The Lancet"]), ("Taylor & Francis Journal", ["Taylor and Francis Journal"])]


def test_a_journal_written_with_its_own_abbreviation_is_the_journal_and_another_bracket_is_not(tmp_path):
    """Retraction Watch writes one journal "PNAS: Proceedings of …" and "Proceedings of … (PNAS)", and JCMM with
    and without "(JCMM)": an abbreviation made of the name's initials is no part of it; "(ISOBM)" is not
    Tumor Biology's, so it keeps that name apart."""
    pnas = "Proceedings of the National Academy of Sciences of the United States of America"
    store = journals_written(tmp_path, [f"PNAS: {pnas}", f"{pnas} (PNAS)", "Tumor Biology (ISOBM)", "Tumor Biology",
                                        "Journal of Cellular and Molecular Medicine (JCMM)",
                                        "Journal of Cellular and Molecular Medicine"])
    journals = store.query(PREFIXES + """SELECT ?j (GROUP_CONCAT(DISTINCT ?n; separator="|") AS ?names)
        WHERE { ?j a schema:Periodical ; schema:name|schema:alternateName ?n } GROUP BY ?j""")
    assert sorted(sorted(s["names"].value.split("|")) for s in journals) == [
        ["Journal of Cellular and Molecular Medicine", "Journal of Cellular and Molecular Medicine (JCMM)"],
        [f"PNAS: {pnas}", f"{pnas} (PNAS)"], ["Tumor Biology"], ["Tumor Biology (ISOBM)"]]


JATS_WITH_ISSNS = ["PMC4596082.xml", "PMC4602625.xml", "PMC5268068.xml"]  # Cureus; Medicine, print and electronic


def periodicals(store: OxigraphStore, name: str) -> dict[str, list[str]]:
    """Each periodical a name (as written, in any case) stands for, with its ISSNs."""
    found: dict[str, list[str]] = {}
    for s in store.query(PREFIXES + f"""SELECT DISTINCT ?j ?issn WHERE {{ ?j a schema:Periodical ;
            schema:name|schema:alternateName ?n FILTER(LCASE(?n) = {json.dumps(name.lower())})
            OPTIONAL {{ ?j schema:issn ?issn }} }}"""):
        found.setdefault(s["j"].value, []).extend([s["issn"].value] if s["issn"] else [])
    return {j: sorted(issns) for j, issns in found.items()}


def test_journals_are_keyed_by_issn_first_and_a_name_without_one_meets_them_whatever_the_order(tmp_path):
    """Retraction Watch names journals without ISSNs; PMC's JATS gives them (Medicine: print and electronic)."""
    jats = tmp_path / "jats"
    jats.mkdir()
    for name in JATS_WITH_ISSNS:
        shutil.copy(DATA / "jats" / name, jats / name)
    rw = tmp_path / "rw.csv"
    shutil.copy(RW, rw)
    together = OxigraphStore()
    ingest(together, [rw, jats], Settings())
    assert periodicals(together, "Cureus") == {f"{BASE}id/journal/issn/2168-8184": ["2168-8184"]}
    assert periodicals(together, "Medicine") == {f"{BASE}id/journal/issn/0025-7974": ["0025-7974", "1536-5964"]}
    cureus = f"{BASE}id/journal/issn/2168-8184"
    assert len(values(together, f"SELECT DISTINCT ?n WHERE {{ ?n schema:isPartOf <{cureus}> }}")) >= 1
    # nine articles of the export's, and the one the JATS notice "Retraction: Hypersexuality Addiction and
    # Withdrawal: …" names by its title alone
    assert len(values(together, f"SELECT DISTINCT ?a WHERE {{ ?a a rkg:Article ; schema:isPartOf+ <{cureus}> }}")) == 10
    # JATS first, then the export alone: the export's names meet the stored ISSN journals.
    jats_first = OxigraphStore()
    ingest(jats_first, [jats], Settings())
    ingest(jats_first, [rw], Settings())
    assert record_statements(jats_first) == record_statements(together)
    # The export first: its records move onto the ISSN journals when it is read again with the JATS.
    rw_first = OxigraphStore()
    ingest(rw_first, [rw], Settings())
    assert f"{BASE}id/journal/issn/2168-8184" not in periodicals(rw_first, "Cureus")
    ingest(rw_first, [jats, rw], Settings())
    assert record_statements(rw_first) == record_statements(together)


# --- people ---------------------------------------------------------------------------------------------------

def export(path: Path, order: list[int], bylines: list[tuple[str, str, str]] | None = None) -> Path:
    """Real Retraction Watch rows, row i set to `bylines[i]` (authors, institution, article DOI; by default
    `BYLINES`): what the evidence is; written in the order given."""
    bylines = bylines or BYLINES
    with RW.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    col = {name: i for i, name in enumerate(header)}
    written = []
    for i in order:
        authors, institution, doi = bylines[i]
        row = list(rows[i])
        row[col["Record ID"]], row[col["OriginalPaperDOI"]] = str(800_000 + i), doi
        row[col["Author"]], row[col["Institution"]], row[col["RetractionDOI"]] = authors, institution, ""
        written.append(row)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, *written])
    return path


def people(store: OxigraphStore, name: str) -> dict[str, list[str]]:
    """Each person of that name (as written) with the DOIs of the articles they are an author of."""
    result = store.query(PREFIXES + f"""SELECT DISTINCT ?p ?doi WHERE {{ ?a schema:author ?p ; rkg:doi ?doi .
        ?p schema:name {json.dumps(name)} }}""")
    found: dict[str, list[str]] = {}
    for s in result:
        found.setdefault(s["p"].value, []).append(s["doi"].value)
    return {p: sorted(dois) for p, dois in found.items()}


def record_statements(store: OxigraphStore) -> set[str]:
    return {str(q) for q in store.quads() if "/graph/changes" not in str(q.graph_name)
            and not q.predicate.value.endswith("generatedAtTime")}


BYLINES = [
    ("Wei Wang;Li Zhang;", "Peking University, Beijing, China;", "10.9999/one"),
    ("Wei Wang;Jun Chen;", "Fudan University, Shanghai, China;", "10.9999/two"),  # another Wei Wang
    ("W. Wang;Li Zhang;", "Zhejiang University, Hangzhou, China;", "10.9999/three"),  # Li Zhang's co-author
    ("Victor Grech;Jane Doe;", "Mater Dei Hospital, Malta;", "10.9999/four"),
    ("Vincent Grech;Jane Doe;", "University of Malta, Malta;", "10.9999/five"),  # another given name
    ("Jun Chen;Hui Li;", "Fudan University, Shanghai, China;", "10.9999/six"),  # Jun Chen's institution
]


def test_the_same_name_is_one_person_only_with_a_shared_co_author_or_affiliation(tmp_path):
    store = OxigraphStore()
    report = ingest(store, [export(tmp_path / "rw.csv", list(range(len(BYLINES))))], Settings())
    assert not report.errors
    # A shared co-author (Li Zhang) joins Wei Wang and W. Wang; the Wei Wang of Fudan shares nothing with them.
    (joined,) = people(store, "W. Wang")
    assert people(store, "W. Wang")[joined] == ["10.9999/one", "10.9999/three"]
    assert sorted(people(store, "Wei Wang").values()) == [["10.9999/one", "10.9999/three"], ["10.9999/two"]]
    assert joined in people(store, "Wei Wang")
    assert list(people(store, "Li Zhang").values()) == [["10.9999/one", "10.9999/three"]]
    # Victor and Vincent Grech share a co-author but not a given name: two people.
    assert len(people(store, "Victor Grech")) == len(people(store, "Vincent Grech")) == 1
    assert people(store, "Victor Grech").keys() != people(store, "Vincent Grech").keys()
    # Jane Doe's co-authors are two people, and her articles share no institution: she stays two as well.
    assert sorted(people(store, "Jane Doe").values()) == [["10.9999/five"], ["10.9999/four"]]
    # Jun Chen's two articles share an institution (and nothing else).
    assert list(people(store, "Jun Chen").values()) == [["10.9999/six", "10.9999/two"]]
    # Why: queryable, per person.
    why = store.query(PREFIXES + """SELECT ?kind ?value WHERE { ?p schema:name "Jun Chen" ;
        rkg:identityEvidence [ rkg:evidenceKind ?kind ; rkg:evidenceValue ?value ; rkg:joins ?a ] }""")
    assert {(s["kind"].value, s["value"].value) for s in why} == {("affiliation", "Fudan University, Shanghai, China")}
    why = store.query(PREFIXES + """SELECT DISTINCT ?kind ?value WHERE { ?p schema:name "Li Zhang" ;
        rkg:identityEvidence [ rkg:evidenceKind ?kind ; rkg:evidenceValue ?value ] }""")
    found = {(s["kind"].value, s["value"].value) for s in why}  # the co-author person, as either source writes them
    assert found and found <= {("co-author", "W. Wang"), ("co-author", "Wei Wang")}


def test_an_initial_joined_to_one_full_given_name_keeps_another_full_name_apart(tmp_path):
    """"V. Grech" with Victor Grech is one person; Vincent Grech, whose mention "V." is compatible with and who shares
    a co-author with both, is not joined to them through it (a person never holds two full given names), in either
    order of records. (Mentions are offered in the order of their articles' keys: "V." meets Victor first.)"""
    bylines = [("V. Grech;Jane Doe;", "Mater Dei Hospital, Malta;", "10.9999/v-1"),
               ("Victor Grech;Jane Doe;", "Gozo General Hospital, Malta;", "10.9999/v-2"),
               ("Vincent Grech;Jane Doe;", "University of Malta, Malta;", "10.9999/v-3")]
    for order in ([0, 1, 2], [2, 1, 0]):
        store = OxigraphStore()
        assert not ingest(store, [export(tmp_path / "rw.csv", order, bylines)], Settings()).errors
        (victor,) = people(store, "Victor Grech")
        assert people(store, "V. Grech") == {victor: ["10.9999/v-1", "10.9999/v-2"]}
        assert list(people(store, "Vincent Grech").values()) == [["10.9999/v-3"]]
        assert people(store, "Vincent Grech").keys() != {victor}


def test_people_do_not_depend_on_the_order_records_are_read_and_re_ingest_changes_nothing(tmp_path):
    forward, backward = OxigraphStore(), OxigraphStore()
    ingest(forward, [export(tmp_path / "forward.csv", list(range(len(BYLINES))))], Settings())
    (tmp_path / "backward").mkdir()
    ingest(backward, [export(tmp_path / "backward" / "forward.csv", list(range(len(BYLINES)))[::-1])], Settings())
    assert record_statements(forward) == record_statements(backward)
    again = ingest(forward, [tmp_path / "forward.csv"], Settings())
    assert again.unchanged == len(BYLINES) and not again.added and not again.updated


def test_a_later_run_joins_its_mentions_with_stored_people_whatever_the_order_of_runs(tmp_path):
    """A (one export) then B (another file) vs B then A vs A and B in one run: the same people, IRIs and evidence;
    the earlier run's records are rewritten where a join moved their mentions, and nothing changes after."""
    first, second = [0, 3, 5], [1, 2, 4]  # Wei Wang and W. Wang, Jun Chen, Victor Grech: each across both
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = export(tmp_path / "a" / "rw.csv", first)
    b = export(tmp_path / "b" / "more.csv", second)
    together, forward, backward = OxigraphStore(), OxigraphStore(), OxigraphStore()
    ingest(together, [a, b], Settings())
    ingest(forward, [a], Settings())
    assert len(people(forward, "Jun Chen")) == 1 and list(people(forward, "Jun Chen").values()) == [["10.9999/six"]]
    report = ingest(forward, [b], Settings())
    assert report.updated  # the stored record whose Jun Chen is now the one of both articles
    ingest(backward, [b], Settings())
    ingest(backward, [a], Settings())
    assert list(people(forward, "Jun Chen").values()) == [["10.9999/six", "10.9999/two"]]
    assert record_statements(forward) == record_statements(together) == record_statements(backward)
    for store in (forward, backward):
        again = ingest(store, [a], Settings())
        assert not again.added and not again.updated


def test_a_person_a_later_run_mints_anew_leaves_no_evidence_of_the_old_iri(tmp_path):
    """A later run joining a stored person with a mention on an article before theirs names the person anew (by
    their first article): the old person's evidence graph goes, and the store is the one a single run makes."""
    bylines = [*BYLINES, ("Wei Wang;Li Zhang;", "Peking University, Beijing, China;", "10.9999/a-first")]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = export(tmp_path / "a" / "rw.csv", [0, 2], bylines)  # Wei Wang and W. Wang, joined by Li Zhang
    b = export(tmp_path / "b" / "more.csv", [len(BYLINES)], bylines)
    together, forward = OxigraphStore(), OxigraphStore()
    ingest(together, [a, b], Settings())
    ingest(forward, [a], Settings())
    (before,) = people(forward, "Li Zhang")
    ingest(forward, [b], Settings())
    (after,) = people(forward, "Li Zhang")
    assert after != before and people(forward, "Li Zhang")[after] == ["10.9999/a-first", "10.9999/one", "10.9999/three"]
    evidence = {q.graph_name.value for q in forward.quads() if "/graph/people/" in q.graph_name.value}
    assert len(evidence) == 2  # Li Zhang's and Wei Wang's, each now one person of three articles
    assert record_statements(forward) == record_statements(together)


def test_an_orcid_from_pubmed_is_the_person_and_joins_their_mentions(tmp_path):
    """PubMed writes the ORCID iD in several forms (`0000000179841889`, with `http://orcid.org/`)."""
    text = (DATA / "pubmed" / "pubmed_11543891.xml").read_text(encoding="utf-8")
    with_orcid = text.replace("<LastName>Arnaiz-Villena</LastName>",
                              '<LastName>Arnaiz-Villena</LastName><Identifier Source="ORCID">0000000179841889'
                              "</Identifier>", 1)
    assert with_orcid != text
    path = tmp_path / "pubmed.xml"
    path.write_text(with_orcid, encoding="utf-8")
    store = OxigraphStore()
    ingest(store, [path], Settings())
    assert values(store, "SELECT ?p WHERE { ?p schema:sameAs <https://orcid.org/0000-0001-7984-1889> }") == [
        f"{BASE}id/person/orcid/0000-0001-7984-1889"]
    # A person reads it on the person's page and the article's byline, linked to ORCID.
    with TestClient(create_app(Settings(), store)) as client:
        notice = values(store, "SELECT ?n WHERE { ?n a rkg:Notice }")[0]
        article = values(store, f"SELECT ?a WHERE {{ <{notice}> cito:updates ?a }}")[0]
        for iri in (f"{BASE}id/person/orcid/0000-0001-7984-1889", article):
            page = client.get("/doc/" + iri[len(BASE) + 3:], headers={"Accept": "text/html"})
            assert page.status_code == 200
            assert 'href="https://orcid.org/0000-0001-7984-1889"' in page.text, iri


def test_a_person_page_shows_all_their_works_and_why_they_are_one_person(client, store):
    """Victor Grech, 15 articles in the COVID-19 subset (he was 15 person IRIs, each page one work)."""
    found = people(store, "Victor Grech")
    person, works = max(found.items(), key=lambda item: len(item[1]))
    assert len(works) >= 10  # 11 of 15 share one institution; the others share nothing with all of them
    page = client.get("/doc/" + person[len(BASE) + 3:])
    assert page.status_code == 200
    assert len(re.findall(r'<ul class="works">', page.text)) == 1
    assert page.text.count("/doc/article/") >= len(works)
    assert "Why these are one person" in page.text and "shared affiliation: Mater Dei Hospital" in page.text


SUPPLEMENT = "10.1080/02699052.2023.2194723"


def supplement_export(path: Path, picks: list[int], *, same_work: bool = False) -> Path:
    """Real rows: those picked given the supplement's DOI (as the export gives it its abstracts); with `same_work`,
    one more row of the work of the greatest pick (same title and authors, another record)."""
    with RW.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    col = {name: i for i, name in enumerate(header)}
    written = []
    for i in picks:
        row = list(rows[i])
        row[col["OriginalPaperDOI"]] = SUPPLEMENT
        written.append(row)
    if same_work:
        again = list(written[picks.index(max(picks))])
        again[col["Record ID"]] = "999002"
        written.append(again)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, *written])
    return path


def works_of(store: OxigraphStore) -> dict[str, list[str]]:
    """Each work given the supplement's DOI, with its authors' names."""
    found: dict[str, list[str]] = {}
    for s in store.query(PREFIXES + f"""SELECT ?a ?name WHERE {{ ?a a rkg:Article ; rkg:doi "{SUPPLEMENT}" ;
            schema:author/schema:name ?name }}"""):
        found.setdefault(s["a"].value, []).append(s["name"].value)
    return {a: sorted(names) for a, names in found.items()}


def test_works_that_share_a_doi_stay_apart_and_a_lookup_lists_them(tmp_path):
    """The Retraction Watch export gives 145 conference abstracts their supplement's DOI: they were one article
    with every abstract's notices and authors."""
    path = supplement_export(tmp_path / "rw.csv", [0, 1, 2], same_work=True)
    store = OxigraphStore()
    report = ingest(store, [path], Settings())
    assert not report.errors
    warned = [w for w in report.warnings if "different titles and authors" in w]
    assert len(warned) == 1 and f"{SUPPLEMENT} (3 titles)" in warned[0] and "999002" in warned[0]
    works = works_of(store)
    assert len(works) == 3 and all(a.startswith(f"{BASE}id/article/{SUPPLEMENT}/work/") for a in works)
    assert len({tuple(names) for names in works.values()}) == 3  # each abstract its own byline
    # The DOI's own resource lists them, and keeps the DOI's sameAs; each work has its own notices.
    parts = f"SELECT DISTINCT ?w WHERE {{ <{BASE}id/article/{SUPPLEMENT}> schema:hasPart ?w }}"
    assert values(store, parts) == sorted(works)
    assert values(store, f"SELECT DISTINCT ?x WHERE {{ ?x schema:sameAs <https://doi.org/{SUPPLEMENT}> }}") == [
        f"{BASE}id/article/{SUPPLEMENT}"]
    with TestClient(create_app(Settings(), store)) as client:
        answer = client.get(f"/api/works/{SUPPLEMENT.upper()}").json()
        assert sorted(w["id"] for w in answer["works"]) == sorted(works)
        assert all(w["notices"] and w["is_retracted"] for w in answer["works"])
        assert len(client.get(f"/doi/{SUPPLEMENT}", headers={"Accept": "application/json"}).content) < 50_000
        # Its page is headed by a label, not the DOI's last segment, and links each work.
        page = client.get(f"/id/article/{SUPPLEMENT}", headers={"Accept": "text/html"})
        assert f"<h1>Works that share the DOI {SUPPLEMENT}</h1>" in page.text
        linked = dict(re.findall(r'<a href="[^"]*/work/([0-9a-f]+)"[^>]*>([^<]+)</a>', page.text))
        assert sorted(linked) == sorted(w.rsplit("/", 1)[1] for w in works)
        assert all(text.strip() and text.strip() != hash_ for hash_, text in linked.items())  # titles, not hashes
    # The same works, whatever the order of the records; and re-ingest changes nothing.
    backward = OxigraphStore()
    (tmp_path / "backward").mkdir()
    ingest(backward, [supplement_export(tmp_path / "backward" / "rw.csv", [2, 1, 0], same_work=True)], Settings())
    assert record_statements(backward) == record_statements(store)
    again = ingest(store, [path], Settings())
    assert again.unchanged == 4 and not again.added and not again.updated


def test_a_doi_found_shared_by_a_later_run_keeps_the_earlier_works_apart_too(tmp_path):
    """One abstract ingested alone is its DOI's article; a later run giving the DOI other abstracts finds it
    shared and reads the earlier record again from its file, so the graph is the one a single run makes."""
    (tmp_path / "one").mkdir()
    (tmp_path / "both").mkdir()
    first = supplement_export(tmp_path / "one" / "first.csv", [0])
    second = supplement_export(tmp_path / "one" / "second.csv", [1, 2])
    together = OxigraphStore()
    ingest(together, [tmp_path / "one"], Settings())
    store = OxigraphStore()
    ingest(store, [first], Settings())
    assert list(works_of(store)) == [f"{BASE}id/article/{SUPPLEMENT}"]
    # Without the earlier file, the later run says which records it could not move.
    alone = OxigraphStore()
    ingest(alone, [first], Settings())
    report = ingest(alone, [second], Settings())
    assert any(w.startswith("first.csv: not among the files of this run") for w in report.warnings)
    report = ingest(store, [second, first], Settings())
    assert any("(3 titles)" in w for w in report.warnings)
    assert record_statements(store) == record_statements(together)
    assert len(works_of(store)) == 3


# --- an article one source names without any identifier ---------------------------------------------------------

def untitled_twin_export(path: Path, rows: list[tuple[int, str, str, str, str]]) -> Path:
    """Real Retraction Watch rows: (row, record id, title, journal, article DOI), each written with no PubMed ID
    and as an expression of concern of its own, so that nothing but the title in the journal names the article."""
    with RW.open(encoding="utf-8", newline="") as f:
        header, *real = list(csv.reader(f))
    col = {name: i for i, name in enumerate(header)}
    written = []
    for i, record, title, journal, doi in rows:
        row = list(real[i])
        row[col["Record ID"]], row[col["Title"]], row[col["Journal"]] = record, title, journal
        row[col["OriginalPaperDOI"]], row[col["OriginalPaperPubMedID"]] = doi, ""
        row[col["RetractionDOI"]], row[col["RetractionNature"]] = f"10.9999/concern-{record}", "Expression of concern"
        written.append(row)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, *written])
    return path


def test_an_article_named_without_a_doi_meets_its_doi_by_title_in_its_journal_whatever_the_order(tmp_path):
    """The website export names some articles by title alone where the scrape gives their DOI (Lynn Nguyen's
    Neurospora paper was two works). The title in the journal joins them, written in another case and punctuation,
    in one run or either order of runs; the same title in another journal, and a title too short to name one
    work, stay apart."""
    title, journal = "Sustainable impact of COVID-19 on education projects: aspects of naturalism", \
        "Environmental Science and Pollution Research"
    doi = "10.1007/s11356-022-20703-w"
    (tmp_path / "both").mkdir()
    with_doi = untitled_twin_export(tmp_path / "both" / "a.csv", [(0, "810001", title, journal, doi),
                                                                   (1, "810003", "Editorial", journal, "10.9999/ed")])
    without = untitled_twin_export(tmp_path / "both" / "b.csv", [
        (0, "810002", title.upper().replace(":", " -"), f"The {journal}", ""),
        (0, "810004", title, "Journal of Naturalism", ""),  # another journal
        (1, "810005", "Editorial", journal, "")])  # too short to say which work
    together = OxigraphStore()
    assert not ingest(together, [tmp_path / "both"], Settings()).errors
    article = f"{BASE}id/article/{doi}"
    updating = values(together, f"SELECT ?n WHERE {{ ?n cito:updates <{article}> }}")
    assert updating == [f"{BASE}id/notice/concern/10.9999/concern-810001",
                        f"{BASE}id/notice/concern/10.9999/concern-810002"]
    by_hash = values(together, f"""SELECT ?a WHERE {{ ?a a rkg:Article
        FILTER(STRSTARTS(STR(?a), "{BASE}id/article/h/")) }}""")
    assert len(by_hash) == 2  # the other journal's and the editorial's
    # The record without the DOI still states only what its source gives: no DOI of its own.
    assert not values(together, f"""SELECT ?doi WHERE {{ GRAPH ?g {{ <{article}> rkg:doi ?doi }}
        ?g rkg:sourceFile "b.csv" }}""")
    # The article without a DOI first: read again from its file when the later run gives the DOI.
    without_first = OxigraphStore()
    ingest(without_first, [without], Settings())
    ingest(without_first, [with_doi, without], Settings())
    assert record_statements(without_first) == record_statements(together)
    # The DOI first: the later run finds it in the store.
    doi_first = OxigraphStore()
    ingest(doi_first, [with_doi], Settings())
    ingest(doi_first, [without], Settings())
    assert record_statements(doi_first) == record_statements(together)
    again = ingest(doi_first, [tmp_path / "both"], Settings())
    assert not again.added and not again.updated
