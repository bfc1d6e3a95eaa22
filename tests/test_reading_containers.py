"""One reading of a notice's words, whatever container carries them (issue 12).

Real notices: the 571 PubMed Central JATS notices of ../shared/data/jats and the 299 bodies of the same
notices as plain text (../shared/data/notices/pmc). PubMed and Crossref deposit a notice's words as its
abstract; the shared PubMed and Crossref samples hold no notice with one, so those containers are built
here around the real JATS notices' own words and identifiers, as PubMed (`AbstractText`) and Crossref
(`abstract`, JATS markup in a string) write them.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest
from lxml import etree

from retractkg.config import Settings
from retractkg.ingest.pipeline import ingest
from retractkg.ingest.readers import crossref, jats, pubmed, text_notice
from retractkg.store import OxigraphStore

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
JATS = SHARED / "jats"
PMC = SHARED / "notices" / "pmc"
pytestmark = pytest.mark.skipif(not JATS.exists(), reason="../shared is not present")
PREFIXES = "PREFIX rkg: <https://w3id.org/retractkg/ontology#> PREFIX oa: <http://www.w3.org/ns/oa#>\n"


def reading(notice) -> tuple:
    """What a notice's words said: reasons with their evidence, actors, affected items."""
    return (sorted((c.label, tuple(s.exact for s in c.evidence)) for c in notice.reasons),
            notice.retracted_by, notice.requested_by, notice.affected_items)


def jats_notices() -> list:
    records = [r for path in sorted(JATS.glob("*.xml")) for r in jats.parse(path)]
    return [r.notice for r in records if r.notice.text]


def paragraphs(notice) -> list[str]:
    return notice.text.split("\n\n")


def test_jats_bodies_give_reasons_in_the_store():
    store = OxigraphStore()
    report = ingest(store, sorted(JATS.glob("*.xml")), Settings())
    assert report.errors == []
    (row,) = store.query(PREFIXES + "SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE { ?n rkg:reason ?r }")
    with_body = len(jats_notices())
    # Every notice with a body says something: a reason, or that it gives none ("limited information").
    assert int(row["c"].value) >= 0.9 * with_body > 300
    # Each reason read from a body quotes the sentence that states it.
    (row,) = store.query(PREFIXES + """SELECT (COUNT(*) AS ?c) WHERE {
        ?n rkg:reasonAssignment ?a . ?a oa:hasTarget/oa:hasSelector/oa:exact ?quote }""")
    assert int(row["c"].value) > 300


def test_a_jats_body_reads_as_its_plain_text():
    compared, differing = 0, []
    for side in sorted(PMC.glob("*.json")):
        xml = JATS / Path(json.loads(side.read_text(encoding="utf-8"))["jats_file"]).name
        if not xml.exists():
            continue
        (as_text,) = text_notice.parse(side.with_suffix(".txt"))
        (as_jats,) = jats.parse(xml)
        if (sorted(c.label for c in as_text.notice.reasons) != sorted(c.label for c in as_jats.notice.reasons)
                or as_text.notice.affected_items != as_jats.notice.affected_items):
            differing.append(xml.name)
        compared += 1
    assert compared == 299
    # The text reader guesses layout (a citation line, a signature) that JATS marks up: one notice whose
    # plain text opens with the article's citation block is read differently (PMC5073167), no more.
    assert len(differing) <= 1, differing


def pubmed_set(notices: list) -> bytes:
    root = etree.Element("PubmedArticleSet")
    for number, notice in enumerate(notices, 1):
        article = etree.SubElement(root, "PubmedArticle")
        citation = etree.SubElement(article, "MedlineCitation")
        etree.SubElement(citation, "PMID").text = notice.pmid or str(90000000 + number)
        art = etree.SubElement(citation, "Article")
        etree.SubElement(art, "ArticleTitle").text = notice.title or "Retraction"
        abstract = etree.SubElement(art, "Abstract")
        for paragraph in paragraphs(notice):
            etree.SubElement(abstract, "AbstractText").text = paragraph
        types = etree.SubElement(art, "PublicationTypeList")
        etree.SubElement(types, "PublicationType").text = "Retraction of Publication"
        comments = etree.SubElement(citation, "CommentsCorrectionsList")
        retraction_of = etree.SubElement(comments, "CommentsCorrections", RefType="RetractionOf")
        etree.SubElement(retraction_of, "RefSource").text = "the retracted article"
        etree.SubElement(retraction_of, "PMID").text = str(80000000 + number)
    return b'<?xml version="1.0"?>\n' + etree.tostring(root)


def test_a_pubmed_abstract_reads_as_the_jats_body(tmp_path):
    notices = jats_notices()
    path = tmp_path / "notices.xml"
    path.write_bytes(pubmed_set(notices))
    records = list(pubmed.parse(path))
    assert len(records) == len(notices)
    for from_jats, record in zip(notices, records, strict=True):
        assert reading(record.notice) == reading(from_jats), from_jats.pmcid
    store = OxigraphStore()
    assert not ingest(store, [path], Settings()).errors
    (row,) = store.query(PREFIXES + "SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE { ?n rkg:reason ?r }")
    assert int(row["c"].value) == sum(any(not c.tentative for c in n.reasons) for n in notices) > 300
    (row,) = store.query(PREFIXES + "SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE { ?n rkg:possibleReason ?r }")
    assert int(row["c"].value) == sum(any(c.tentative for c in n.reasons) for n in notices)


def test_a_crossref_abstract_reads_as_the_jats_body(tmp_path):
    notices = [n for n in jats_notices() if n.doi and n.articles and n.articles[0].doi]
    items = [{"DOI": n.doi, "title": [n.title], "type": "journal-article",
              "abstract": "".join(f"<jats:p>{html.escape(p, quote=False)}</jats:p>" for p in paragraphs(n)),
              "update-to": [{"DOI": n.articles[0].doi, "type": "retraction"}]} for n in notices]
    path = tmp_path / "works.json"
    path.write_text(json.dumps({"message-type": "work-list", "message": {"items": items}}), encoding="utf-8")
    records = list(crossref.parse(path))
    assert len(records) == len(notices) > 100
    for from_jats, record in zip(notices, records, strict=True):
        assert reading(record.notice) == reading(from_jats), from_jats.doi
        assert record.notice.text == from_jats.text


def test_a_section_heading_is_not_a_statement():
    # PMC4850785: "Conflicts of interest" heads the declaration "There are no conflicts of interest."
    (record,) = jats.parse(JATS / "PMC4850785.xml")
    assert "Conflicts of interest" in record.notice.text
    assert "Conflict of Interest" not in {c.label for c in record.notice.reasons}
    assert {"Duplication of/in Article", "Error by Journal/Publisher"} <= {c.label for c in record.notice.reasons}
