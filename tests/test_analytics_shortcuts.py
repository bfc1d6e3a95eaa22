"""Issue 16: the shortcuts each notice carries for analytic questions (ontology/retractkg.ttl, "Shortcuts for
analytic questions") count what their full paths count, on real shared data, through the store's Python
API; and the whole ingested store conforms to the shapes, which check every shortcut against its path."""

from __future__ import annotations

from pathlib import Path

import pytest

from retractkg.config import Settings
from retractkg.ingest.pipeline import ingest
from retractkg.ontology import NATURE, PREFIXES
from retractkg.store import OxigraphStore
from retractkg.validation import validate

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
# Retraction Watch rows (journal, publisher, country, subject per article) and PMC notices of the same
# articles from JATS, so that some notices are stated by two sources, each in its own graph.
SOURCES = [DATA / "retraction-watch" / "rw_covid19_subset_dev_rawformat.csv", DATA / "jats"]


def _counts(key: str, pattern: str) -> str:
    return f"SELECT ?{key} (COUNT(DISTINCT ?n) AS ?notices) WHERE {{ {pattern} }} GROUP BY ?{key}"


# (shortcut, full path): the path is what a researcher would write without the shortcut, within one record's
# graph as each shortcut is defined; the journal's type and publishers are in its description's graph
# (`ingest/periodical_graphs.py`), stated once for all its records.
# A notice's year is that of its one date, the earliest its records give (README, "Identity"): the least year.
YEAR = ("{ SELECT ?n (MIN(xsd:integer(SUBSTR(STR(?date), 1, 4))) AS ?year) WHERE { "
        "?n rkg:nature ?any ; schema:datePublished ?date } GROUP BY ?n }")
PAIRS = {
    "year": ("?n rkg:year ?year", YEAR),
    "yearNature": ("?n rkg:yearNature ?yearNature",
                   f"{YEAR} GRAPH ?g {{ ?n rkg:nature ?nature ; schema:datePublished ?date }} "
                   f"BIND (CONCAT(STR(?year), \" \", STRAFTER(STR(?nature), \"{NATURE}\")) AS ?yearNature)"),
    "journal": ("?n rkg:articleJournal ?journal",
                "GRAPH ?g { ?n cito:updates/schema:isPartOf+ ?journal } ?journal a schema:Periodical"),
    "publisher": ("?n rkg:articlePublisher ?publisher",
                  "GRAPH ?g { ?n cito:updates/schema:isPartOf+ ?journal } ?journal schema:publisher ?publisher"),
    "country": ("?n rkg:articleCountry ?country", "GRAPH ?g { ?n cito:updates/schema:countryOfOrigin ?country }"),
    "subject": ("?n rkg:articleSubject ?subject", "GRAPH ?g { ?n cito:updates/schema:keywords ?subject }"),
    "author": ("?n rkg:articleAuthor ?author", "GRAPH ?g { ?n cito:updates/schema:author ?author }"),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    settings = Settings(store_path=tmp_path_factory.mktemp("analytics") / "store")
    with OxigraphStore(settings.store_path) as store:
        report = ingest(store, SOURCES, settings)
        assert report.records > 500 and not report.errors
        yield store


def answer(store: OxigraphStore, query: str) -> dict[str, int]:
    prologue = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())
    return {row[0].value: int(row[1].value) for row in store.query(prologue + query)}


@pytest.mark.parametrize("key", list(PAIRS))
def test_counts_through_a_shortcut_equal_counts_through_its_path(store, key):
    shortcut, path = PAIRS[key]
    by_shortcut = answer(store, _counts(key, shortcut))
    by_path = answer(store, _counts(key, path))
    assert len(by_shortcut) > 3, by_shortcut  # the data has these values: the comparison is not of two empties
    if key == "publisher":  # each record's own publisher of the journal, where the path reaches every publisher
        # any record gives the journal (its description lists them all, `ingest/periodical_graphs.py`)
        assert all(0 < count <= by_path.get(publisher, 0) for publisher, count in by_shortcut.items())
        assert sum(by_shortcut.values()) < sum(by_path.values())
    else:
        assert by_shortcut == by_path


def test_every_dated_notice_has_its_year_as_an_integer(store):
    dated = answer(store, """SELECT ?kind (COUNT(DISTINCT ?n) AS ?c) WHERE {
        ?n rkg:nature ?k ; schema:datePublished ?d OPTIONAL { ?n rkg:year ?year }
        BIND (COALESCE(IF(DATATYPE(?year) = xsd:integer, "integer", "other"), "none") AS ?kind) } GROUP BY ?kind""")
    assert set(dated) == {"integer"} and dated["integer"] > 500, dated


def test_the_ingested_store_with_its_shortcuts_conforms(store):
    conforms, report = validate(store)
    assert conforms, report
