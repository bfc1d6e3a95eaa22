"""PubMed XML (../shared/data/pubmed): a notice's own record and a retracted article's record meet."""

from __future__ import annotations

from pathlib import Path

import pytest

from retractkg.config import Settings
from retractkg.ingest import sources
from retractkg.ingest.model import Nature
from retractkg.ingest.pipeline import ingest
from retractkg.ingest.readers import pubmed
from retractkg.store import OxigraphStore

PUBMED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "pubmed"
pytestmark = pytest.mark.skipif(not PUBMED.exists(), reason="../shared is not present")
BASE = Settings().base
PREFIXES = """PREFIX schema: <http://schema.org/> PREFIX rkg: <https://w3id.org/retractkg/ontology#>
PREFIX cito: <http://purl.org/spar/cito/>
"""


def test_the_notice_record_is_a_notice_even_when_its_title_does_not_say_so():
    (record,) = list(pubmed.parse(PUBMED / "pubmed_11600210.xml"))
    notice = record.notice
    assert notice.title == "Editorial. Anthropology and genetic markers."
    assert notice.nature is Nature.RETRACTION and notice.pmid == "11600210" and notice.date == "2001-10"
    (article,) = notice.articles
    assert article.pmid == "11543891" and article.citation.startswith("Arnaiz-Villena A")
    assert [p.name for p in notice.authors] == ["N Suciu-Foca", "R Lewis"]
    assert record.record_key == "11600210"


def test_the_retracted_record_describes_the_article_side_and_links_the_notice():
    (record,) = list(pubmed.parse(PUBMED / "pubmed_11543891.xml"))
    notice = record.notice
    assert notice.nature is Nature.RETRACTION and notice.pmid == "11600210" and notice.date == "2001-10"
    (article,) = notice.articles
    assert article.pmid == "11543891" and article.title.startswith("The origin of Palestinians")
    assert article.journal.name == "Human immunology" and article.authors and article.volume == "62"


def test_both_sides_are_one_notice_and_one_article_in_the_graph():
    store = OxigraphStore()
    report = ingest(store, [PUBMED / "pubmed_11600210.xml", PUBMED / "pubmed_11543891.xml"], Settings())
    assert not report.errors and len(report.added) == 2
    rows = list(store.query(PREFIXES + """SELECT DISTINCT ?n ?a WHERE {
        ?n cito:retracts ?a ; schema:sameAs <https://pubmed.ncbi.nlm.nih.gov/11600210/> .
        ?a schema:sameAs <https://pubmed.ncbi.nlm.nih.gov/11543891/> ; schema:name ?title }"""))
    assert [(r["n"].value, r["a"].value) for r in rows] == [
        (BASE + "id/notice/retraction/pmid/11543891", BASE + "id/article/pmid/11543891")]
    graphs = list(store.query(PREFIXES + f"""SELECT ?g WHERE {{ GRAPH ?g {{
        <{BASE}id/notice/retraction/pmid/11543891> a rkg:Notice }} }}"""))
    assert len(graphs) == 2  # each record's statements stay in its own graph


def test_the_sample_set_streams_and_only_notice_related_records_become_records():
    path = PUBMED / "fatcat_pubmedsample_2019.xml"
    assert sources.detect(path).name == "pubmed"
    records = list(pubmed.parse(path))
    natures = {r.notice.nature for r in records}
    assert natures == {Nature.RETRACTION, Nature.CORRECTION}
    keys = [r.record_key for r in records]
    assert len(keys) == len(set(keys))
    assert {"11600210", "9634358", "8655018/RetractionIn/2", "11543891/RetractionIn/2"} <= set(keys)
    store = OxigraphStore()
    report = ingest(store, [path], Settings())
    assert not report.errors and len(report.added) == len(records)


def test_a_notice_without_an_abstract_is_labelled_by_the_title_its_own_title_gives_its_article():
    """PubMed names the retracted article by its citation ("Dunkel EC, … J Infect Dis. 1993 Aug;168(2):336-44");
    the notice's title, "Retraction: ‹title› (J Infect Dis 1993;168:336-44).", gives its title, though the
    record has no abstract for the notice's words to be read from."""
    store = OxigraphStore()
    ingest(store, [PUBMED / "fatcat_pubmedsample_2019.xml"], Settings())
    labels = {row["l"].value for row in store.query(
        f"SELECT ?l WHERE {{ <{BASE}id/notice/retraction/pmid/8393056> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l }")}
    assert labels == {"Retraction of: A rabbit model for human cytomeglovirus--induced chorioretinal disease"}
