"""PubMed XML (`<PubmedArticleSet>`, as from E-utilities or the baseline files), streamed record by record.

Two kinds of records concern retractions, and both become notices:
- the notice's own record: publication type "Retraction of Publication" and a
  `CommentsCorrections RefType="RetractionOf"` naming the retracted article (PMID and citation);
  its title need not say "Retraction", the publication type does;
- the retracted article's record: publication type "Retracted Publication" and a
  `RetractionIn` naming the notice. It describes the article's side, so it yields the notice link
  too, with the article's full metadata.
Expressions of concern (`ExpressionOfConcernFor`/`In`) and errata (`ErratumFor`/`In`) are read the
same way. Records about none of these are not notices and are passed over.

Record keys are the PMID (the notice's own record) and `{PMID}/{RefType}/{n}` (a notice seen from the
article's record), so every record keeps its own named graph across updated downloads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from retractkg.config import DEFAULT_LIMITS, ReadLimits
from retractkg.ingest.errors import IngestError
from retractkg.ingest.model import Article, Journal, Nature, Notice, Organization, Person, SourceRecord
from retractkg.ingest.readers.affiliations import Affiliations
from retractkg.ingest.readers.bounded import XmlRecords
from retractkg.ingest.readers.streams import RecordStream, open_binary
from retractkg.ingest.reading.notice_prose import read_prose
from retractkg.ingest.reading.written_dates import MONTHS, iso_from_parts
from retractkg.ontology.identifiers import normalize_doi, normalize_orcid

FORMAT = "pubmed"

# RefType naming the article a notice is about (the notice's record) -> nature.
NOTICE_SIDE = {"RetractionOf": Nature.RETRACTION, "ExpressionOfConcernFor": Nature.EXPRESSION_OF_CONCERN,
               "ErratumFor": Nature.CORRECTION}
# RefType naming the notice about this article (the article's record) -> nature.
ARTICLE_SIDE = {"RetractionIn": Nature.RETRACTION, "ExpressionOfConcernIn": Nature.EXPRESSION_OF_CONCERN,
                "ErratumIn": Nature.CORRECTION}
# Publication types of a notice's own record, for notices whose CommentsCorrections are missing.
NOTICE_TYPES = {"Retraction of Publication": Nature.RETRACTION, "Expression of Concern": Nature.EXPRESSION_OF_CONCERN,
                "Published Erratum": Nature.CORRECTION}
_PROLOG = re.compile(rb"^(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<PubmedArticleSet[\s>]", re.S)
# The date in a citation such as "Hum Immunol. 2001 Oct;62(10):1063" or "J Infect Dis 1998 Aug;178(2):601".
_CITED_DATE = re.compile(r"\b(\d{4})(?: ([A-Z][a-z]{2})(?:-[A-Z][a-z]{2})?(?: (\d{1,2}))?)?;")


def sniff(head: bytes, path: Path) -> bool:
    return _PROLOG.match(head.removeprefix(b"\xef\xbb\xbf")) is not None


def parse(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[SourceRecord]:
    return RecordStream(_records(path, limits))


def _records(path: Path, limits: ReadLimits) -> Iterator[SourceRecord | IngestError]:
    source = str(path)
    with open_binary(path) as f:
        records = XmlRecords(f, source, limits.record_bytes, "PubmedArticle", "PubmedArticle", load_dtd=False)
        try:
            for element in records:
                try:
                    yield from _from_article(element, source, records.count)
                except ValueError as e:
                    yield IngestError(source, str(e), location=f"PubmedArticle {records.count}",
                                      record_key=element.findtext("MedlineCitation/PMID") or "")
        except etree.XMLSyntaxError as e:
            raise IngestError(source, f"not well-formed XML after {records.count} records: {e}",
                              location=f"line {e.lineno}") from e


def _from_article(element, source: str, number: int) -> Iterator[SourceRecord]:
    citation = element.find("MedlineCitation")
    if citation is None:
        return
    pmid = (citation.findtext("PMID") or "").strip()
    location = f"PubmedArticle {number}, PMID {pmid}"
    types = {(t.text or "").strip() for t in citation.iterfind("Article/PublicationTypeList/PublicationType")}
    refs = [(c.get("RefType") or "", (c.findtext("RefSource") or "").strip(), (c.findtext("PMID") or "").strip())
            for c in citation.iterfind("CommentsCorrectionsList/CommentsCorrections")]
    this = _article(element, citation)

    notice_refs = [(NOTICE_SIDE[kind], text, ref) for kind, text, ref in refs if kind in NOTICE_SIDE]
    stated = [nature for name, nature in NOTICE_TYPES.items() if name in types]
    if notice_refs or stated:
        nature = notice_refs[0][0] if notice_refs else stated[0]
        warnings = [] if notice_refs else [f"{source}:{location}: a {nature.value} notice that names no article"]
        notice = Notice(title=this.title, pmid=pmid, doi=this.doi, pmcid=this.pmcid, nature=nature, date=this.date,
                        journal=this.journal, publisher=this.journal.publisher, language=_language(citation),
                        authors=this.authors, organizations=this.organizations,
                        articles=[Article(pmid=ref, citation=text) for kind, text, ref in notice_refs
                                  if kind is nature and (ref or text)], text=_abstract(citation))
        read_prose(notice)  # a notice's abstract is its text: reasons, actors, stances
        yield SourceRecord(notice=notice, source=source, format=FORMAT, record_key=pmid, location=location,
                           warnings=warnings)

    for n, (kind, text, ref) in enumerate(refs, 1):
        if kind not in ARTICLE_SIDE:
            continue
        notice = Notice(nature=ARTICLE_SIDE[kind], pmid=ref if ref.isdigit() else "", date=_cited_date(text),
                        articles=[this])
        yield SourceRecord(notice=notice, source=source, format=FORMAT, record_key=f"{pmid}/{kind}/{n}",
                           location=location)
    if "Retracted Publication" in types and not any(kind == "RetractionIn" for kind, _, _ in refs):
        yield SourceRecord(notice=Notice(nature=Nature.RETRACTION, articles=[this]), source=source, format=FORMAT,
                           record_key=f"{pmid}/RetractedPublication", location=location,
                           warnings=[f"{source}:{location}: a retracted publication whose notice is not named"])


def _article(element, citation) -> Article:
    """This record's work, as PubMed describes it."""
    pmid = (citation.findtext("PMID") or "").strip()
    art = citation.find("Article")
    if art is None:
        raise ValueError("no <Article> in the MedlineCitation")
    ids = {(i.get("IdType") or ""): (i.text or "").strip()
           for i in element.iterfind("PubmedData/ArticleIdList/ArticleId")}
    doi = ids.get("doi") or next((e.text or "" for e in art.iterfind("ELocationID") if e.get("EIdType") == "doi"), "")
    issue = art.find("Journal/JournalIssue")
    journal = Journal(name=_text(art.find("Journal/Title")),
                      issn=[(i.text or "").strip() for i in art.iterfind("Journal/ISSN") if (i.text or "").strip()])
    organizations: list[Organization] = []
    authors = _authors(art, organizations)
    pages = _text(art.find("Pagination/MedlinePgn"))
    elocation = next((_text(e) for e in art.iterfind("ELocationID") if e.get("EIdType") == "pii"), "")
    return Article(
        title=_text(art.find("ArticleTitle")) or _text(art.find("VernacularTitle")),
        doi=normalize_doi(doi), pmid=pmid if pmid.isdigit() else "", pmcid=_pmcid(ids.get("pmc", "")),
        journal=journal, date=_pub_date(issue.find("PubDate") if issue is not None else None),
        volume=_text(issue.find("Volume")) if issue is not None else "",
        issue=_text(issue.find("Issue")) if issue is not None else "",
        pages=pages, article_number="" if pages else elocation,
        article_type="; ".join(sorted({_text(t) for t in art.iterfind("PublicationTypeList/PublicationType")}
                                      - {"Retraction of Publication", "Retracted Publication", "Journal Article"})),
        subjects=[_text(d) for d in citation.iterfind("MeshHeadingList/MeshHeading/DescriptorName")],
        authors=authors, organizations=organizations,
    )


def _abstract(citation) -> str:
    """The record's abstract, one paragraph per `AbstractText` (a labelled one keeps its label)."""
    parts = []
    for part in citation.iterfind("Article/Abstract/AbstractText"):
        text, label = _text(part), (part.get("Label") or "").strip()
        if text:
            parts.append(f"{label}: {text}" if label and label.upper() != "UNLABELLED" else text)
    return "\n\n".join(parts)


def _authors(art, organizations: list[Organization]) -> list[Person]:
    people = []
    affiliations = Affiliations(organizations)
    for author in art.iterfind("AuthorList/Author"):
        if author.get("ValidYN") == "N":  # a misspelt name PubMed keeps next to its correction
            continue
        given, family = _text(author.find("ForeName")), _text(author.find("LastName"))
        name = " ".join(p for p in (given, family) if p) or _text(author.find("CollectiveName"))
        if not name:
            continue
        person = Person(name=name, given_name=given, family_name=family)
        for identifier in author.iterfind("Identifier"):
            orcid = normalize_orcid(identifier.text or "")
            if orcid and (identifier.get("Source") or "").upper() == "ORCID":
                person.orcid = orcid
        for affiliation in author.iterfind("AffiliationInfo/Affiliation"):
            written = _text(affiliation)
            email = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", written)
            if email and not person.email:
                person.email = email.group().rstrip(".")
            person.affiliations.append(affiliations.index(written))
        people.append(person)
    return people


def _text(element) -> str:
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def _pmcid(value: str) -> str:
    value = value.strip().upper()
    return value if re.fullmatch(r"PMC\d+", value) else ""


def _language(citation) -> str:
    language = (citation.findtext("Article/Language") or "").strip()
    return language if re.fullmatch(r"[a-z]{2,3}", language) else ""


def _pub_date(date) -> str:
    if date is None:
        return ""
    year = _text(date.find("Year"))
    if not re.fullmatch(r"\d{4}", year):
        found = re.match(r"(\d{4})", _text(date.find("MedlineDate")))  # "1998 Jul-Aug"
        return found.group(1) if found else ""
    return iso_from_parts(year, _text(date.find("Month")), _text(date.find("Day")))


def _cited_date(citation: str) -> str:
    """The publication date in a PubMed citation of the notice, as precisely as it is given."""
    found = _CITED_DATE.search(citation)
    if not found:
        return ""
    year, month, day = found.groups()
    number = MONTHS.get((month or "").lower(), 0)
    if not number:
        return year
    return f"{year}-{number:02d}-{int(day):02d}" if day else f"{year}-{number:02d}"
