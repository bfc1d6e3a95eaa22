"""HTML notice pages: the page's own metadata first, then its prose read like a plain-text notice.

Publisher pages describe themselves: Highwire `citation_*` meta tags (what Google Scholar reads),
schema.org JSON-LD, Dublin Core `dc.*`/`DC.*`, PRISM and Open Graph. Those give the notice's title,
DOI, date, journal, publisher, authors with affiliations, and licence exactly; the visible prose then
gives what only the text says (the article retracted, reasons, stances, affected figures).
`Notice.text` is the prose extracted from the page, so evidence offsets refer to it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import lxml.etree
import lxml.html

from retractkg.config import DEFAULT_LIMITS, ReadLimits
from retractkg.ingest.errors import IngestError
from retractkg.ingest.model import Article, Notice, Organization, Person, SourceRecord
from retractkg.ingest.readers.bounded import read_bounded
from retractkg.ingest.readers.sidecar import sidecar_of
from retractkg.ingest.readers.text_notice import normalize, read_notice
from retractkg.ingest.reading.affiliation import split_affiliation
from retractkg.ingest.reading.citation import find_dois
from retractkg.ingest.reading.notice_facts import license_iri
from retractkg.ingest.reading.written_dates import iso_date
from retractkg.ontology.identifiers import normalize_orcid

FORMAT = "html"
_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button", "svg", "template",
         "iframe", "select")
_BLOCK = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl",
          "dt", "dd", "blockquote", "table", "tr", "figure", "figcaption", "pre", "address", "hr", "br"}
# The notice's content on publishers' pages (Springer/BMC/Nature, PMC, ScienceDirect, Wiley, PLOS,
# Atypon-based sites), then generic containers; page chrome outside them is never read as prose.
_MAIN = tuple(f"//*[{condition}]" for condition in (
    "@itemprop='articleBody'", "contains(concat(' ', normalize-space(@class), ' '), ' c-article-body ')",
    "contains(@class, 'main-article-body')", "@id='body' and ancestor::article", "@id='artText'",
    "contains(@class, 'article-section__content')", "contains(@class, 'article__body')",
    "contains(@class, 'hlFld-Fulltext')")) + ("//article", "//main", "//*[@role='main']", "//body")
# Page sections that are about the page, not the notice.
_SKIP_SECTION = re.compile(r"^\s*(?:Cite this article|Share this article|Download citation|Metrics|Comments|"
                           r"Similar articles|Related articles|Cited by|Associated content)\s*$", re.I)
_EDITORIAL_BODY = re.compile(r"\b(?:Editors?|Editorial|Board|Journal|Publisher|Office|Staff|Committee)\b")
_ARTICLE_TYPES = ("ScholarlyArticle", "Article", "MedicalScholarlyArticle", "NewsArticle", "Report", "CreativeWork")


def parse(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS, sidecar: bool = False) -> Iterator[SourceRecord]:
    """The one notice of an HTML page; with `sidecar`, what its sidecar (`readers/sidecar.py`) adds."""
    data = read_bounded(path, limits.record_bytes * limits.HTML_SCALE, "an HTML page")
    try:
        root = lxml.html.fromstring(data)
    except (lxml.etree.ParserError, ValueError) as e:
        raise IngestError(str(path), f"not readable HTML: {e}") from e
    notice = page_metadata(root)
    kind = article_type(root)
    text = normalize(visible_text(root))
    if len(re.findall(r"[A-Za-z]{2,}", text)) < 5 and not notice.title:
        raise IngestError(str(path), "the page has neither notice metadata nor prose")
    given, warned = sidecar_of(path) if sidecar else ([], [])
    yield SourceRecord(notice=read_notice(text, notice, kind=kind, sidecar=given), source=str(path), format=FORMAT,
                       warnings=warned)


def article_type(root) -> str:
    """What the page calls the article ("Retraction Note", "Expression of Concern"), or ""."""
    meta, _ = _meta(root)
    return _first(meta, "citation_article_type", "dc.type", "prism.section", "article:section")


# -- metadata -------------------------------------------------------------------------------------


def _meta(root) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """Meta tag values by lower-cased name/property, and all (name, value) pairs in page order
    (an author's citation_author_institution tags follow its citation_author tag)."""
    found: dict[str, list[str]] = defaultdict(list)
    sequence: list[tuple[str, str]] = []
    for element in root.iter("meta"):
        key = (element.get("name") or element.get("property") or element.get("itemprop") or "").strip().lower()
        value = " ".join((element.get("content") or "").split())
        if key and value:
            found[key].append(value)
            sequence.append((key, value))
    return found, sequence


def _first(meta: dict[str, list[str]], *keys: str) -> str:
    for key in keys:
        if meta.get(key):
            return meta[key][0]
    return ""


def _json_ld(root) -> dict:
    """The page's JSON-LD description of the article (the first node typed as one), or {}."""
    for script in root.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (json.JSONDecodeError, TypeError):
            continue
        nodes = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        for node in nodes:
            if not isinstance(node, dict):
                continue
            if isinstance(node.get("mainEntity"), dict):
                node = node["mainEntity"]
            types = node.get("@type")
            types = types if isinstance(types, list) else [types]
            if any(t in _ARTICLE_TYPES for t in types):
                return node
    return {}


def _name_of(value) -> str:
    """A JSON-LD name: text, a node's name or a list's first; anything else names nothing (never its repr)."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name", "")
    return " ".join(value.split()) if isinstance(value, str) else ""


def page_metadata(root) -> Notice:
    """A notice filled from the page's metadata alone (citation_*, JSON-LD, Dublin Core, PRISM, Open Graph)."""
    meta, sequence = _meta(root)
    ld = _json_ld(root)
    notice = Notice()
    notice.title = (_first(meta, "citation_title", "dc.title", "prism.title") or _name_of(ld.get("headline"))
                    or _name_of(ld.get("name")) or _first(meta, "og:title") or _heading(root))
    doi_sources = [_first(meta, "citation_doi", "prism.doi", "bepress_citation_doi"),
                   *meta.get("dc.identifier", []), str(ld.get("@id", "")), str(ld.get("sameAs", "")),
                   json.dumps(ld.get("identifier", "")), _first(meta, "og:url")]
    for source in doi_sources:
        dois = find_dois(source)
        if dois:
            notice.doi = dois[0][0]
            break
    written_date = (_first(meta, "citation_publication_date", "citation_online_date", "citation_date", "dc.date",
                           "prism.publicationdate", "article:published_time", "dc.date.issued")
                    or str(ld.get("datePublished", "")))
    notice.date = iso_date(written_date.replace("/", "-"))
    notice.journal.name = (_first(meta, "citation_journal_title", "prism.publicationname", "citation_conference_title")
                           or _name_of(ld.get("isPartOf")))
    notice.journal.issn = list(dict.fromkeys(meta.get("citation_issn", []) + meta.get("prism.issn", [])
                                             + meta.get("prism.eissn", [])))
    notice.publisher = (_first(meta, "citation_publisher", "dc.publisher", "prism.publisher")
                        or _name_of(ld.get("publisher")))
    notice.journal.publisher = notice.publisher
    notice.url = _canonical_url(root, meta)
    notice.language = (root.get("lang") or _first(meta, "citation_language", "dc.language")).split("-")[0].lower()
    notice.license = _license(root, meta, ld)
    notice.pmid = _first(meta, "citation_pmid")
    authors, organizations = _authors(meta, sequence, ld)
    people = [p for p in authors if not _EDITORIAL_BODY.search(p.name)]
    notice.authors = [p for p in authors if _EDITORIAL_BODY.search(p.name)]
    if people:
        # Publishers list the retracted article's authors as the notice's authors (Springer, BMC, Wiley).
        notice.articles = [Article(authors=people, organizations=organizations)]
    return notice


def _heading(root) -> str:
    for heading in root.xpath("//h1"):
        text = " ".join(heading.text_content().split())
        if text:
            return text
    return ""


def _canonical_url(root, meta: dict[str, list[str]]) -> str:
    for href in root.xpath("//link[@rel='canonical']/@href"):
        if href.startswith(("http://", "https://")):
            return href.strip()
    url = _first(meta, "og:url", "citation_fulltext_html_url", "citation_abstract_html_url")
    return url if url.startswith(("http://", "https://")) and " " not in url else ""


def _license(root, meta: dict[str, list[str]], ld: dict) -> str:
    candidates = [*root.xpath("//link[@rel='license']/@href | //a[@rel='license']/@href"),
                  _name_of(ld.get("license")), *meta.get("dc.rights", []), *meta.get("dcterms.license", [])]
    for candidate in candidates:
        iri = license_iri(candidate)
        if iri:
            return iri
    return ""


def _authors(meta: dict[str, list[str]], sequence: list[tuple[str, str]], ld: dict
             ) -> tuple[list[Person], list[Organization]]:
    """Authors with their affiliations: citation_author tags (each followed by its own institution, e-mail
    and ORCID tags), else JSON-LD `author`, else Dublin Core creators."""
    listed = [name.strip() for value in meta.get("citation_authors", []) for name in value.split(";") if name.strip()]
    return _highwire_authors(sequence) or _json_ld_authors(ld) or (
        [Person(name=_display_name(name)) for name in listed or meta.get("dc.creator", [])], [])


def _highwire_authors(sequence: list[tuple[str, str]]) -> tuple[list[Person], list[Organization]] | None:
    if not any(key == "citation_author" for key, _ in sequence):
        return None
    people: list[Person] = []
    orgs: list[Organization] = []
    index: dict[str, int] = {}
    for key, value in sequence:
        if key == "citation_author":
            people.append(Person(name=_display_name(value)))
        elif not people:
            continue
        elif key == "citation_author_institution":
            if value not in index:
                index[value] = len(orgs)
                orgs.append(split_affiliation(value))
            people[-1].affiliations.append(index[value])
        elif key == "citation_author_email":
            people[-1].email = value
        elif key == "citation_author_orcid":
            people[-1].orcid = normalize_orcid(value)
    return people, orgs


def _json_ld_authors(ld: dict) -> tuple[list[Person], list[Organization]] | None:
    authors = ld.get("author") or ld.get("creator")
    if not authors:
        return None
    authors = authors if isinstance(authors, list) else [authors]
    people: list[Person] = []
    orgs: list[Organization] = []
    index: dict[str, int] = {}
    for author in authors:
        if not isinstance(author, dict):
            if _name_of(author):
                people.append(Person(name=_name_of(author)))
            continue
        person = Person(name=_name_of(author), given_name=_name_of(author.get("givenName")),
                        family_name=_name_of(author.get("familyName")), email=_name_of(author.get("email")))
        same_as = json.dumps(author.get("sameAs", "")) + str(author.get("@id", ""))
        # An ORCID iD is read as every source's is (`normalize_orcid`: any written form, check digit verified).
        person.orcid = next((normalize_orcid(part) for part in re.split(r'[\s",\[\]]+', same_as)
                             if "orcid.org/" in part.lower()), "")
        affiliations = author.get("affiliation") or []
        for affiliation in affiliations if isinstance(affiliations, list) else [affiliations]:
            written = _name_of(affiliation)
            if isinstance(affiliation, dict) and isinstance(affiliation.get("address"), dict | str):
                address = affiliation["address"]
                address = address if isinstance(address, str) else ", ".join(
                    str(address.get(k, "")) for k in ("addressLocality", "addressRegion", "postalCode",
                                                      "addressCountry") if address.get(k))
                written = f"{written}, {address}" if address else written
            if written and written not in index:
                index[written] = len(orgs)
                orgs.append(split_affiliation(written))
            if written:
                person.affiliations.append(index[written])
        if person.name:
            people.append(person)
    return people, orgs


def _display_name(written: str) -> str:
    """"Wang, Sijie" -> "Sijie Wang" (citation_author often inverts names)."""
    if written.count(",") == 1:
        family, given = (part.strip() for part in written.split(","))
        if family and given:
            return f"{given} {family}"
    return written


# -- prose ----------------------------------------------------------------------------------------


def visible_text(root) -> str:
    """The main content's text, one block element per paragraph, page chrome left out."""
    for element in root.xpath("|".join(f"//{tag}" for tag in _DROP)):
        _remove(element)
    for heading in root.xpath("//h2|//h3"):
        if _SKIP_SECTION.match(heading.text_content()):
            section = heading.getparent()
            _remove(section if section is not None and section.tag == "section" else heading)
    # Of several matches (teasers of related articles are <article>s too) the one with the most text.
    matches = (found for xpath in _MAIN if (found := root.xpath(xpath)))
    container = max(next(matches, [root]), key=lambda element: len(element.text_content()))
    parts: list[str] = []
    _collect(container, parts)
    text = "".join(parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r" ?\n ?", "\n", text)


def _remove(element) -> None:
    """Remove an element but keep its tail text, which belongs to the parent."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _collect(element, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    block = tag.lower() in _BLOCK
    if block:
        parts.append("\n\n" if tag.lower() not in ("br", "li", "tr", "dd", "dt") else "\n")
    if element.text and tag:
        parts.append(element.text.replace("\n", " "))
    for child in element:
        _collect(child, parts)
    if block:
        parts.append("\n\n" if tag.lower() not in ("br", "li", "tr", "dd", "dt") else "\n")
    if element.tail:
        parts.append(element.tail.replace("\n", " "))
