"""JATS XML of retraction notices (PubMed Central and publishers), one `<article>` per record.

A file holds one article or a `<pmc-articleset>` of many; articles are read one at a time
(`iterparse`), so a large set is never in memory whole. The notice's nature comes from
`article-type`, the retracted (corrected, ...) article from `related-article` links by DOI, PMID
or PMCID, authors with their `xref` affiliations from the notice's `contrib-group`.

Many real files were cut short by their source (closing tags missing). They are read with
lxml's recovering parser: what precedes the cut is kept, and the record carries a warning naming
the parts that are missing (no retracted-article link, no body, ...). A file cut before the
article metadata is rejected with an error; nothing in it crashes the batch.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from retractkg.config import DEFAULT_LIMITS, ReadLimits
from retractkg.ingest.errors import IngestError
from retractkg.ingest.model import Article, Journal, Nature, Notice, Organization, Person, SourceRecord
from retractkg.ingest.readers.bounded import XmlRecords
from retractkg.ingest.readers.streams import RecordStream, open_binary
from retractkg.ingest.reading.article_title import title_after_prefix
from retractkg.ingest.reading.notice_prose import read_prose
from retractkg.ingest.reading.written_dates import iso_from_parts
from retractkg.ontology.identifiers import normalize_doi, normalize_orcid

FORMAT = "jats"
XLINK = "{http://www.w3.org/1999/xlink}href"

NATURES = {
    "retraction": Nature.RETRACTION,
    "partial-retraction": Nature.PARTIAL_RETRACTION,
    "withdrawal": Nature.WITHDRAWAL,
    "removal": Nature.REMOVAL,
    "expression-of-concern": Nature.EXPRESSION_OF_CONCERN,
    "correction": Nature.CORRECTION,
    "correction-forward": Nature.CORRECTION,
    "erratum": Nature.CORRECTION,
    "addendum": Nature.CORRECTION,
    "reinstatement": Nature.REINSTATEMENT,
}
# `related-article-type` values that name the article a notice is about.
RELATED_TYPES = {"retracted-article", "corrected-article", "object-of-concern", "expression-of-concern",
                 "addended-article", "retraction-forward", "corrected-article-forward", "updated-article"}
_PROLOG = re.compile(rb"^(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<(article|pmc-articleset)[\s>]", re.S)


def sniff(head: bytes, path: Path) -> bool:
    """A JATS `<article>` (or PMC `<pmc-articleset>`) root, after any XML declaration and DOCTYPE."""
    return _PROLOG.match(head.removeprefix(b"\xef\xbb\xbf")) is not None


def parse(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[SourceRecord]:
    return RecordStream(_articles(path, limits))


def _articles(path: Path, limits: ReadLimits) -> Iterator[SourceRecord | IngestError]:
    source = str(path)
    with open_binary(path) as f:
        records = XmlRecords(f, source, limits.record_bytes, "{*}article", "article", recover=True)
        try:
            for article in records:
                yield _one(article, source, records.count, records.error_log)
        except etree.XMLSyntaxError as e:
            raise IngestError(source, f"not readable as XML, even leniently: {e}") from e
        if records.count == 0:
            problem = _first_error(records.error_log)
            raise IngestError(source, "no <article> could be recovered" + (f" ({problem})" if problem else ""))


def _first_error(error_log) -> str:
    for entry in error_log:
        return f"line {entry.line}: {entry.message}"
    return ""


def _one(article, source: str, number: int, error_log) -> SourceRecord | IngestError:
    location = f"article {number}"
    meta = _child(article, "front", "article-meta")
    if meta is None:
        return IngestError(source, "the file stops before the article metadata (<article-meta>): nothing to keep",
                           location=location)
    article_type = (article.get("article-type") or "").strip().lower()
    nature = NATURES.get(article_type)
    if nature is None:
        return IngestError(source, f"article-type {article_type or '(none)'!r} is not a notice "
                           f"({', '.join(NATURES)})", location=location)
    ids = {(el.get("pub-id-type") or "").lower(): _text(el) for el in meta.findall("{*}article-id")}
    journal_meta = _child(article, "front", "journal-meta")
    journal = _journal(journal_meta) if journal_meta is not None else Journal()
    organizations: list[Organization] = []
    authors = _contributors(meta, organizations)
    linked = _related(meta, article, journal)
    notice = Notice(
        title=_text(_child(meta, "title-group", "article-title")),
        doi=normalize_doi(ids.get("doi", "")),
        pmid=ids.get("pmid", "") if ids.get("pmid", "").isdigit() else "",
        pmcid=_pmcid(ids.get("pmc") or ids.get("pmcid") or ""),
        nature=nature,
        date=_pub_date(meta),
        journal=journal,
        publisher=journal.publisher,
        license=_license(meta),
        text=_body(article),
        language=article.get("{http://www.w3.org/XML/1998/namespace}lang", ""),
        articles=list(linked),
        authors=authors,
        organizations=organizations,
    )
    # The body says what the metadata does not: reasons, actors, stances, and with no related-article the
    # article its words title ("Retraction: ‹title›").
    read_prose(notice, journal=journal)
    key = notice.pmcid or notice.doi or notice.pmid or f"{Path(source).name}#{number}"
    warnings = []
    if len(error_log):
        lost = [what for what, missing in (
            ("the retracted-article link (related-article)", not linked),
            ("the body text", not notice.text),
            ("the authors", not authors),
            ("the publication date", not notice.date)) if missing]
        warnings.append(f"{source}:{location}: not well-formed XML ({_first_error(error_log)}): "
                        f"read what precedes the damage; missing: {', '.join(lost) or 'nothing the notice needs'}")
    elif not linked:
        named = "; its title names one by title alone" if notice.articles else ""
        warnings.append(f"{source}:{location}: no related-article names the article this notice is about{named}")
    return SourceRecord(notice=notice, source=source, format=FORMAT, record_key=key, location=location,
                        warnings=warnings)


def _child(element, *path: str):
    for name in path:
        if element is None:
            return None
        element = element.find("{*}" + name)
    return element


def _text(element) -> str:
    """An element's text content with inline markup (italic, sup, ...) flattened and spaces collapsed."""
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())


def _journal(meta) -> Journal:
    title = _text(_child(meta, "journal-title-group", "journal-title")) or _text(meta.find("{*}journal-title"))
    issns = list(dict.fromkeys(_text(el) for el in meta.findall("{*}issn") if _text(el)))
    return Journal(name=title, issn=issns, publisher=_text(_child(meta, "publisher", "publisher-name")))


def _pmcid(value: str) -> str:
    value = value.strip().upper()
    if value.isdigit():
        return "PMC" + value
    return value if re.fullmatch(r"PMC\d+", value) else ""


def _pub_date(meta) -> str:
    """The earliest electronic or print publication date stated, as precisely as it is stated."""
    dates = {}
    for el in meta.findall("{*}pub-date"):
        kind = (el.get("pub-type") or el.get("date-type") or "").lower()
        if el.get("publication-format") == "electronic":
            kind = kind if kind in ("epub", "ppub") else "epub"
        dates.setdefault(kind, _iso(el))
    for kind in ("epub", "pub", "ppub", "collection", "", "epub-ppub", "pmc-release"):
        if dates.get(kind):
            return dates[kind]
    return next((d for d in dates.values() if d), "")


def _iso(el) -> str:
    return iso_from_parts(_text(el.find("{*}year")), _text(el.find("{*}month")), _text(el.find("{*}day")))


def _license(meta) -> str:
    permissions = meta.find("{*}permissions")
    if permissions is None:
        return ""
    for el in permissions.iter("{*}license", "{*}license_ref"):
        href = (el.get(XLINK) or (el.text if el.tag.endswith("license_ref") else "") or "").strip()
        if re.match(r"https?://\S+$", href):
            return href
    return ""


def _body(article) -> str:
    body = article.find("{*}body")
    if body is None:
        return ""
    paragraphs = [_text(p) for p in body.iter("{*}p", "{*}title")]
    return "\n\n".join(p for p in paragraphs if p) or _text(body)


def _contributors(meta, organizations: list[Organization]) -> list[Person]:
    """The notice's authors in order, each linked to the affiliations its `xref`s point to."""
    affiliations: dict[str, int] = {}
    for aff in meta.iter("{*}aff"):
        aff_id = aff.get("id") or f"#{len(organizations)}"
        if aff_id in affiliations:
            continue
        organization = _organization(aff)
        if not (organization.name or organization.ror):
            continue  # an empty <aff> (a file cut inside it) names no organization: its xrefs link nothing
        affiliations[aff_id] = len(organizations)
        organizations.append(organization)
    people = []
    for contrib in meta.iter("{*}contrib"):
        if (contrib.get("contrib-type") or "author") != "author":
            continue
        name = contrib.find("{*}name")
        collab = contrib.find("{*}collab")
        if name is not None:
            given, family = _text(name.find("{*}given-names")), _text(name.find("{*}surname"))
            person = Person(name=" ".join(p for p in (given, family) if p), given_name=given, family_name=family)
        elif collab is not None:
            person = Person(name=_text(collab))
        else:
            continue
        if not person.name:
            continue
        for contrib_id in contrib.findall("{*}contrib-id"):
            orcid = normalize_orcid(_text(contrib_id))
            if orcid and (contrib_id.get("contrib-id-type") or "orcid").lower() == "orcid":
                person.orcid = orcid
        person.email = _text(contrib.find(".//{*}email"))
        person.corresponding = contrib.get("corresp") == "yes" or any(
            x.get("ref-type") == "corresp" for x in contrib.findall("{*}xref"))
        for xref in contrib.findall("{*}xref"):
            if xref.get("ref-type") != "aff":
                continue
            for rid in (xref.get("rid") or "").split():
                if rid in affiliations and affiliations[rid] not in person.affiliations:
                    person.affiliations.append(affiliations[rid])
        inline = contrib.find("{*}aff")  # an affiliation written inside the contrib itself
        if inline is not None and inline.get("id") in affiliations:
            index = affiliations[inline.get("id") or ""]
            if index not in person.affiliations:
                person.affiliations.append(index)
        people.append(person)
    if len(organizations) == 1 and people and not any(p.affiliations for p in people):
        for person in people:  # one affiliation and no xrefs: JATS's way of saying it is everyone's
            person.affiliations.append(0)
    return people


def _organization(aff) -> Organization:
    whole = " ".join("".join(_texts_without(aff, "label")).split()).strip(" ,;")
    institutions = [_text(el) for el in aff.findall("{*}institution") if _text(el)]
    institution_wrap = aff.find("{*}institution-wrap")
    if institution_wrap is not None:
        institutions += [_text(el) for el in institution_wrap.findall("{*}institution") if _text(el)]
    ror = ""
    for el in aff.iter("{*}institution-id"):
        found = re.search(r"ror\.org/(\w+)", _text(el))
        ror = found.group(1) if found else ror
    name = ", ".join(institutions) or whole
    return Organization(name=name, label=whole if whole != name else "", country=_text(aff.find("{*}country")),
                        locality=_text(aff.find("{*}city")), postal_code=_text(aff.find("{*}postal-code")),
                        ror=ror)


def _texts_without(element, skipped: str) -> Iterator[str]:
    """The text of an element, leaving out its `skipped` children (e.g. the affiliation's label)."""
    if element.text:
        yield element.text
    for child in element:
        if not (isinstance(child.tag, str) and etree.QName(child).localname == skipped):
            yield from child.itertext()
        if child.tail:
            yield child.tail


def _related(meta, article, journal: Journal) -> list[Article]:
    """The articles the notice is about, from `related-article` links (DOI, PMID or PMCID)."""
    links = [el for el in article.iter("{*}related-article")]
    specific = [el for el in links if (el.get("related-article-type") or "").lower() in RELATED_TYPES]
    chosen = specific or [el for el in links if (el.get("related-article-type") or "") == "article-reference"]
    found: dict[str, Article] = {}
    for link in chosen:
        related = _related_article(link, journal)
        if related is not None:
            found.setdefault(related.doi or related.pmid or related.pmcid or
                             f"{related.volume}:{related.pages}:{related.title}", related)
    return list(found.values())


def _related_article(link, journal: Journal) -> Article | None:
    kind = (link.get("ext-link-type") or "").lower()
    href = (link.get(XLINK) or "").strip()
    title = _text(link.find("{*}article-title"))  # some links repeat the notice's "Retraction: T"
    related = Article(title=title_after_prefix(title)[0] or title, volume=(link.get("vol") or "").strip(),
                      pages=(link.get("page") or "").strip())
    source = _text(link.find("{*}source"))
    # Without a <source>, a notice's related article is in the notice's own journal (JATS usage).
    related.journal = Journal(name=source) if source else Journal(name=journal.name, issn=list(journal.issn))
    year = _text(link.find("{*}year"))
    related.year = year if re.fullmatch(r"\d{4}", year) else ""
    if kind == "doi" or href.lower().startswith(("10.", "https://doi.org/", "http://dx.doi.org/", "doi:")):
        related.doi = normalize_doi(href)
    elif kind in ("pubmed", "pmid") and href.isdigit():
        related.pmid = href
    elif kind in ("pmc", "pmcid"):
        related.pmcid = _pmcid(href)
    if not (related.doi or related.pmid or related.pmcid):
        # PMC converted some links and left the original DOI in a comment ("was info:doi/10....").
        for comment in link.iter(etree.Comment):
            found = re.search(r"10\.\d{4,9}/[^\s<>\"]+", comment.text or "")
            if found:
                related.doi = normalize_doi(found.group().rstrip(".,;-"))
                break
    if not (related.doi or related.pmid or related.pmcid or related.volume or related.pages or related.title):
        return None  # nothing that identifies it, not even a citation
    return related
