"""JATS notices from PubMed Central (../shared/data/jats): complete files and files cut short by their source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retractkg.config import Settings
from retractkg.ingest import sources
from retractkg.ingest.errors import IngestError
from retractkg.ingest.model import Nature
from retractkg.ingest.pipeline import ingest
from retractkg.ingest.readers import jats
from retractkg.store import OxigraphStore

JATS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "jats"
pytestmark = pytest.mark.skipif(not JATS.exists(), reason="../shared is not present")
BASE = Settings().base
PREFIXES = """PREFIX schema: <http://schema.org/> PREFIX rkg: <https://w3id.org/retractkg/ontology#>
PREFIX cito: <http://purl.org/spar/cito/>
"""


def one(path: Path):
    (record,) = list(jats.parse(path))
    return record


def sidecar(path: Path) -> dict:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def test_every_sample_is_detected_and_read_without_crashing():
    files = sorted(JATS.glob("*.xml"))
    assert len(files) == 571
    store = OxigraphStore()
    report = ingest(store, files, Settings())
    assert report.errors == []
    assert len(report.added) == 571
    truncated = [f for f in files if not sidecar(f)["well_formed_as_stored"]]
    # Each file cut short says so, and what it lost, in a warning naming the file.
    for path in truncated:
        assert any(w.startswith(f"{path}:") and "not well-formed XML" in w for w in report.warnings), path
    assert all(sources.detect(f).name == "jats" for f in files[:50])


def test_related_articles_match_what_pmc_lists():
    checked = 0
    for path in sorted(JATS.glob("*.xml")):
        expected = sidecar(path)["related_articles"]
        ids = {(r["ext_link_type"], r["href"]) for r in expected if r["href"]}
        record = one(path)
        if not expected:  # none linked: at most the one article the notice's title names, by title alone
            assert all(a.title and not (a.doi or a.pmid or a.pmcid) for a in record.notice.articles), path
            assert len(record.notice.articles) <= 1, path
            continue
        assert record.notice.articles, path
        for kind, href in ids:
            got = {a.doi for a in record.notice.articles} | {a.pmid for a in record.notice.articles} | {
                a.pmcid for a in record.notice.articles}
            want = href.lower() if kind == "doi" else (href if kind == "pubmed" else "PMC" + href.removeprefix("PMC"))
            assert want in got, (path, kind, href, got)
            checked += 1
    assert checked > 350


def test_authors_with_xref_affiliations_dates_and_licence():
    record = one(JATS / "PMC1804336.xml")
    notice = record.notice
    assert notice.nature is Nature.RETRACTION and notice.pmcid == "PMC1804336"
    assert [p.name for p in notice.authors] == ["Paolo Terranova", "Francesca Carletti", "Paolo Valli",
                                                 "Simonetta Dell'Orto", "Greco Enrico Maria", "Peppino Terranova"]
    orgs = notice.organizations
    assert [orgs[i].name[:30] for i in notice.authors[0].affiliations] == [
        "Divisione e Cattedra di Cardio", "Unita Operativa di Cardiologia", "Divisione di Cardiologia, Azie"]
    assert notice.date == "2007-02-14"  # the electronic date, the most precise stated
    assert notice.license == "http://creativecommons.org/licenses/by/2.5/"
    assert notice.journal.name == "Indian Pacing and Electrophysiology Journal" and notice.journal.issn == ["0972-6292"]
    (article,) = notice.articles
    assert article.pmcid == "PMC1764909" and article.volume == "7" and article.pages == "50"
    assert notice.text.startswith("Manuscript retracted by first author")


def test_graph_links_notice_article_and_affiliated_authors():
    store = OxigraphStore()
    ingest(store, [JATS / "PMC1804336.xml"], Settings())
    result = store.query(PREFIXES + """SELECT ?name ?org WHERE {
        ?n cito:retracts ?a ; schema:author ?p .
        ?a schema:sameAs <https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1764909/> .
        ?p schema:name ?name ; schema:affiliation/schema:name ?org }""")
    pairs = {(s["name"].value, s["org"].value[:20]) for s in result}
    assert ("Peppino Terranova", "Divisione di Cardiol") in pairs and len(pairs) == 8


def test_a_truncated_file_keeps_what_precedes_the_cut_and_says_what_is_missing():
    path = JATS / "PMC1802623.xml"
    assert sidecar(path)["well_formed_as_stored"] is False
    record = one(path)
    assert record.notice.doi == "10.1093/nar/gkl1107" and record.notice.pmid == "17178748"
    assert record.notice.title.startswith("Non-random, individual-specific methylation profiles")
    assert record.notice.date == "2006-12-18"
    (warning,) = record.warnings
    assert "not well-formed XML" in warning and "related-article" in warning and "body text" in warning


def test_a_file_cut_before_the_metadata_is_rejected_with_a_clear_error(tmp_path):
    text = (JATS / "PMC1804336.xml").read_text(encoding="utf-8")
    cut = tmp_path / "cut.xml"
    cut.write_text(text[:text.index("<article-meta>") - 40], encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        list(jats.parse(cut))
    assert "article-meta" in str(caught.value) and str(cut) in str(caught.value)
    store = OxigraphStore()
    report = ingest(store, [cut, JATS / "PMC1804336.xml"], Settings())  # the batch goes on
    assert len(report.errors) == 1 and len(report.added) == 1


def test_a_research_article_is_not_taken_for_a_notice(tmp_path):
    text = (JATS / "PMC1804336.xml").read_text(encoding="utf-8").replace(
        'article-type="retraction"', 'article-type="research-article"')
    path = tmp_path / "article.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IngestError, match="research-article"):
        list(jats.parse(path))


def test_an_affiliation_cut_empty_by_the_source_names_no_organization():
    path = JATS / "PMC4038915.xml"  # the file ends inside `<aff id="I1">`
    notice = one(path).notice
    assert notice.organizations == []
    assert notice.authors and not any(person.affiliations for person in notice.authors)
    store = OxigraphStore()
    ingest(store, [path], Settings())
    assert not bool(store.query(PREFIXES + "ASK { ?p schema:affiliation ?o }"))



LABELS = PREFIXES + """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label WHERE { ?n a rkg:Notice ; schema:sameAs <https://doi.org/%s> ; rdfs:label ?label }"""


@pytest.mark.parametrize(("file", "notice_doi", "label"), [
    # the body quotes it: "our research article entitled ‘Metformin … in vitro’"
    ("PMC5347983.xml", "10.3892/etm.2016.3973", "Retraction of: Metformin reduces the expression of NADPH oxidase "
     "and increases the expression of antioxidative enzymes in human monocytes/macrophages cultured in vitro"),
    # a reference after the notice words: "Retraction: Heidari, A.; … Flux Dynamics in Y358 Superconductors. …"
    ("PMC5449074.xml", "10.3390/ma5122816", "Retraction of: Flux Dynamics in Y358 Superconductors"),
    # the title after "Retraction Note to:", not the other work the body quotes ("a duplication of the article …")
    ("PMC4501997.xml", "10.1007/s13191-013-0301-7",
     "Retraction of: Stem Cell Mediated Tooth Regeneration: New Vistas in Dentistry"),
    # "Statement of Retraction. ‹title›. Diabetes 2011;60:2720–2729. DOI: …"
    ("PMC5223407.xml", "10.2337/db16-rt08",
     "Retraction of: Hepatic Glucagon Action Is Essential for Exercise-Induced Reversal of Mouse Fatty Liver"),
    # titled by its article's reference alone: "‹title›. Diabetes 2009;58:934–945. DOI: 10.2337/db08-1287"
    ("PMC4274693.xml", "10.2337/db14-rt05a", "Retraction of: Intranasal Insulin Ameliorates Experimental Diabetic "
     "Neuropathy"),
    # the notice words in brackets, no related-article: "[RETRACTED ARTICLE]: ‹title›"
    ("PMC5661905.xml", "10.1590/0074-02760160560", "Retraction of: Distribution and association between "
     "environmental and clinical isolates of Cryptococcus neoformans in Bogotá-Colombia, 2012-2015"),
])
def test_a_notice_is_labelled_by_the_title_its_words_give_its_article(file, notice_doi, label):
    store = OxigraphStore()
    ingest(store, [JATS / file], Settings())
    assert {row["label"].value for row in store.query(LABELS % notice_doi)} == {label}


def test_a_notice_titled_by_a_reference_without_a_title_names_no_article_by_its_authors():
    """"Retracted Manuscript: Barré B, et al. Cell Cycle 2010; 9:4795–804": authors and a citation, no title."""
    (record,) = jats.parse(JATS / "PMC4111685.xml")
    assert not [article for article in record.notice.articles if "et al" in article.title]


def test_most_notices_name_their_article_by_title():
    """Of the 378 shared JATS notices linked to one article, 117 state its title in their metadata; their words
    give it for 297 (an article known by DOI alone is labelled "Retraction of: 10.3892/…"). Of the 182 linked
    to none, the title of 159 names the article they retract ("Retraction: ‹title›")."""
    records = [record for path in sorted(JATS.glob("*.xml")) for record in jats.parse(path)
               if not isinstance(record, IngestError) and len(record.notice.articles) == 1]
    unlinked = [r for r in records if any("no related-article" in w or "related-article)" in w for w in r.warnings)]
    linked = [r.notice.articles[0] for r in records if r not in unlinked]
    assert len(linked) == 378 and sum(bool(article.title) for article in linked) >= 290
    assert len(unlinked) >= 150 and all(r.notice.articles[0].title for r in unlinked)
    assert all(any("names one by title alone" in w or "related-article)" in w for w in r.warnings) for r in unlinked)


def test_lists_and_a_search_by_doi_show_a_notice_by_its_label_not_a_title_that_says_nothing():
    """PMC3162759 is titled "RETRACTION NOTICE", PMC4274693 by its article's reference: the journal's list of
    notices and a search by DOI show each by its label, "Retraction of: ‹title›", as every list does."""
    from fastapi.testclient import TestClient

    from retractkg.api.app import create_app

    store = OxigraphStore()
    ingest(store, [JATS / "PMC3162759.xml", JATS / "PMC4274693.xml"], Settings())
    with TestClient(create_app(Settings(), store)) as client:
        page = client.get("/doc/journal/issn/0970-2113", headers={"Accept": "text/html"}).text
        assert ">Retraction of: Role of fine needle aspiration cytology in evaluating mediastinal masses<" in page
        assert ">RETRACTION NOTICE<" not in page
        found = client.get("/search", params={"q": "10.2337/DB14-RT05A"}, headers={"Accept": "application/json"})
        assert [hit["label"] for hit in found.json()["results"]] == [
            "Retraction of: Intranasal Insulin Ameliorates Experimental Diabetic Neuropathy"]
