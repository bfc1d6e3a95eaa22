"""Plain-text notices (as extracted from a PDF or copied from a page) read into the notice model.

The text is normalised once (line ends, spaces, byte-order mark) and kept as `Notice.text`; every
evidence span points into it. Layout lines (title, byline, affiliations, correspondence, licence
footer, publisher's note) are read for what they state and masked out of the prose that the reason,
nature and actor readers see, so boilerplate is never taken for a reason. The PDF and HTML readers
reuse `read_notice` on their extracted text.

A field several readings can give (the article's DOI, title, journal, citation; the notice's title, DOI,
date...) is decided by `reading/field_precedence.toml`: each reading proposes what it finds, the strongest
strategy of that field wins, and `explain_notice` shows the winner and the losers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from retractkg.config import DEFAULT_LIMITS, ReadLimits
from retractkg.ingest.errors import IngestError
from retractkg.ingest.model import Article, Notice, Person, SourceRecord
from retractkg.ingest.readers.bounded import read_bounded
from retractkg.ingest.readers.sidecar import STRATEGY as SIDECAR
from retractkg.ingest.readers.sidecar import sidecar_of
from retractkg.ingest.reading.article_title import ANOTHER_WORK, another_work, quoted_title, title_after_prefix
from retractkg.ingest.reading.candidates import Decision, Fields
from retractkg.ingest.reading.citation import (
    CITATION_FIELDS,
    PMID_IN_TEXT,
    Citation,
    find_citations,
    find_dois,
    parse_citation,
    parse_quoted_reference,
    parse_reference,
    written_length,
)
from retractkg.ingest.reading.lexicon import name_particles, page_furniture
from retractkg.ingest.reading.nature import classify_nature
from retractkg.ingest.reading.notice_facts import journal_named, license_iri, publication_date, publisher_named
from retractkg.ingest.reading.notice_layout import (
    BOILERPLATE,
    LABEL_LINE,
    RUNNING_HEAD,
    TITLE_PREFIX,
    Line,
    lines_of,
    parse_byline,
    read_correspondence,
    read_title_block,
)
from retractkg.ingest.reading.notice_prose import read_prose
from retractkg.ingest.reading.written_dates import iso_date
from retractkg.ontology.identifiers import PMID, notice_text_hash

FORMAT = "text"

_ORIGINAL_AT = re.compile(
    r"(?:original|retracted|corrected)\s+(?:article|paper|version)\s+(?:can\s+be\s+found|is\s+available|is)"
    r"\s+(?:online\s+)?(?:at|under)\s*:?\s*|\bOriginal\s+DOI\s*:?\s*", re.I)
_FOLLOWING_FROM = re.compile(
    r"\bThe\s+following\s+(?:article|paper)\s+from\s+(?P<journal>[A-Z][^,“\"\n]{3,120}?),?\s*[“\"]"
    r"(?P<title>[^”\"\n]{15,300})[”\"]")
_ID_LINE = re.compile(
    r"^(?:DOI\s*:?\s*|https?://(?:dx\.)?doi\.org/)(?P<doi>10\.\d{4,9}/[^\s,;]+?)[.,;]?"
    rf"(?:\s*,?\s*PMCID\s*:?\s*(?P<pmcid>PMC\d+))?(?:\s*,?\s*PMID\s*:?\s*(?P<pmid>{PMID}))?\.?$", re.I)
_RETRACTED_MARK = re.compile(r"\(RETRACTED\)\.?")
# "The above article, published online on 5 March 2019 in Wiley Online Library", "retract the 27 November
# 2020 article cited above" (Frontiers): the retracted article's own publication date.
_ARTICLE_DATE = re.compile(
    r"(?:above|original|following)\s+article,?\s+(?:first\s+)?published\s+(?:online\s+)?(?:on\s+)?(?P<date>[^,()]{6,30}?)"
    r"(?=\s+in\b|,|\s*\()|retracts?\s+the\s+(?P<date2>\d{1,2}\s+[A-Z][a-z]+\s+\d{4})\s+article")
_LABELLED = re.compile(r"^(?P<label>Article\s+title|Title\s+of\s+(?:the\s+)?article|Authors?|Journal|Bibliometrics|DOI)"
                       r"\s*:\s*(?P<value>\S.{1,600})$", re.I)
_INVERTED_NAME = re.compile(r"([A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)*),\s+((?:[A-Z]\.\s?-?)+)")
_RETRACTION_OF_ARTICLE = re.compile(
    r"\bA\s+Retraction\s+of\s+the\s+(?:Original\s+Research\s+|Review\s+|Brief\s+Research\s+Report\s+|Mini\s+Review\s+|"
    r"Systematic\s+Review\s+|Hypothesis\s+and\s+Theory\s+|Methods\s+)?Article\b\s*:?", re.I)
_TITLE_BY_AUTHORS = re.compile(
    r"^(?P<title>.{10,400}?)\s+by\s+(?P<authors>[A-Z].{1,600}?)\s*\((?P<year>(?:19|20)\d\d)\)\.?"
    r"\s*(?P<cite>[A-Z].{3,300})$")
_KIND_LABEL = re.compile(r"retract|withdraw|concern|correct|erratum|corrigendum|remov|reinstate", re.I)
_THIS_WORK = re.compile(r"retract|withdraw|article\s+concerned|following\s+(?:article|paper)", re.I)
_SUBJECT = re.compile(
    r"retract|withdr[ae]w|\b(?:this|our|the\s+above|the\s+following)\s+(?:\w+\s+)?(?:article|paper|manuscript|review"
    r"|report|publication)|\b(?:article|paper|manuscript|review)\s*,?\s+(?:\w+\s+)?(?:enti\w*led|titled)"
    r"|\boriginal\s+article\s*:|\b(?:the|this)\s+(?:\w+\s+)?(?:article|paper|manuscript)\s*,?\s*[“\"]", re.I)
_INTRODUCES_NEXT = re.compile(r"\bfollowing\s+(?:\w+\s+)?(?:article|paper|manuscript)", re.I)
# A sentence ends at ".", "?" or "!" (and a reference mark) before a capital, unless an initial ("J.", "DV.") ends.
_SENTENCE_END = re.compile(r"(?<![A-Z])(?<!\bal)(?<!\bDr)[.?!](?:\[\d{1,3}\])?\s+(?=[A-Z“\"])|\n")
_FURNITURE_LINE = page_furniture("line-start")
_TRAILING_DOI = re.compile(r"[.;,]?\s*(?:DOI:?\s*|doi:?\s*)?(?:https?://(?:dx\.)?doi\.org/|https?://\S+|10\.\d{4,9}/)\S*")
_REFERENCE_ENTRY = re.compile(r"^(?:[-•]\s*)?(?:\[?\d{1,3}[.\]]\s+)(?P<entry>[A-Z].{20,})$")
_NOTICE_CITATION = re.compile(r"^Citation:\s*(?P<cite>.+)$", re.I | re.M)
_FOLLOWING_ARTICLE = re.compile(
    r"(?:retract\w*|withdraw\w*)\s+the\s+following\s+(?:article|paper)\s*:?\s*[“\"]?(?P<title>[^\n]{15,400}?)[”\"]?"
    r"\s*\(\s*(?:DOI|doi)\s*:?\s*(?P<doi>10\.\S+?)\s*\)")
_REFERENCE_TITLE = re.compile(r"\((?:19|20)\d\d[a-z]?\)\.?\s+(?P<title>[^.?!]{15,300}[.?!])\s+\S")
# "this article [1]", "the article titled “...” [1]": the notice cites the article it concerns as reference 1.
_CITED_AS_ONE = re.compile(r"(?:this|the\s+above|the\s+original|the\s+following|the)\s+(?:article|paper|publication)"
                           r"\b[^.\[\]]{0,400}?\[1\]", re.I)


def read_text(path: Path, limit: int) -> str:
    """The file's text, decoded; IngestError for unreadable, empty, binary or oversized input."""
    data = read_bounded(path, limit, "a text notice")
    if b"\x00" in data[:65536]:
        raise IngestError(str(path), "binary content, not a text notice")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text


def normalize(text: str) -> str:
    """The one normal form evidence offsets refer to: \\n line ends, plain spaces, no trailing blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = text.translate({0xA0: " ", 0x2009: " ", 0x202F: " ", 0x2007: " ", 0x200B: None, 0xAD: None,
                           0x0C: "\n", 0x0B: "\n"})
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{4,}", "\n\n\n", text)
    return text.strip()


def parse(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS, sidecar: bool = False) -> Iterator[SourceRecord]:
    """The one notice of a plain-text file; with `sidecar`, what its sidecar (`readers/sidecar.py`) adds."""
    text = normalize(read_text(path, limits.record_bytes))
    if not text:
        raise IngestError(str(path), "the file is empty (no text to read)")
    if len(re.findall(r"[A-Za-z]{2,}", text[:5000])) < 5:
        raise IngestError(str(path), "no prose to read: the text has almost no words")
    given, warned = sidecar_of(path) if sidecar else ([], [])
    yield SourceRecord(notice=read_notice(text, sidecar=given), source=str(path), format=FORMAT, warnings=warned)


def read_notice(text: str, notice: Notice | None = None, *, kind: str = "",
                sidecar: Sequence[tuple[str, str]] = ()) -> Notice:
    """Everything `text` states about a notice, added to what `notice` (e.g. page metadata) already says.

    `text` must already be normalised; it becomes `notice.text` and all offsets refer to it. `kind` is what
    the source calls the notice ("Expression of Concern", a page's article type) when its title does not say.
    Where several readings give a field a value, `reading/field_precedence.toml` decides (see `explain_notice`);
    `sidecar` values (`readers/sidecar.py`) are the weakest.
    """
    return _read(text, notice, kind, sidecar)[0]


def explain_notice(text: str, notice: Notice | None = None, *, kind: str = "") -> dict[str, Decision]:
    """Why each field of the notice read from `text` holds its value: per field, the candidate that won by
    the precedence table, the candidates that lost and those withdrawn (with the reason)."""
    return _read(text, notice, kind)[1].explain()


def _read(text: str, notice: Notice | None, kind: str,
          sidecar: Sequence[tuple[str, str]] = ()) -> tuple[Notice, Fields]:
    notice = notice or Notice()
    notice.text = text
    article = notice.articles[0] if notice.articles else Article()
    fields = Fields(notice, article)
    lines = lines_of(text)
    block = read_title_block(text, lines)
    furniture: list[Line] = list(block.furniture)

    if block.title:
        fields.propose("notice.title", " ".join(block.title.text.split()), "title_block", block.title.start)
        furniture.append(block.title)
    _read_header_citations(text, lines, block, notice, fields, furniture)
    if block.byline and not article.authors:
        fields.propose("article.authors", block.byline.authors, "byline", block.byline.line.start)
        article.organizations = block.organizations
    furniture.extend(read_correspondence(lines, article.authors))
    furniture.extend(line for line in lines if _is_furniture(line))
    prose = _mask(text, furniture)

    _read_article_identity(text, prose, lines, notice, fields)
    later = ("notice.date", "notice.journal.name", "notice.publisher")  # read from the text below, if it says them
    for name, value in sidecar:
        if name not in later:
            fields.propose(name, value, SIDECAR)
    if article.title == "" and notice.title:
        fields.propose("article.title", _article_title(notice.title, fields), "notice_title")
    if not article.title and block.byline and notice.title and not title_after_prefix(notice.title)[0]:
        # "Retraction to:" / byline / the article's title on the line after the byline
        after = next((line for line in lines if line.start >= block.byline.line.end), None)
        if after and len(after.text) <= 300 and not after.text.endswith(".") and not parse_citation(after.text) \
                and not _FURNITURE_LINE.match(after.text) and not BOILERPLATE.search(after.text):
            fields.propose("article.title", after.text, "line_after_byline", after.start)
            furniture.append(after)
    if not notice.date:
        fields.propose("notice.date", publication_date(text), "published_line")
    if not notice.license:
        fields.propose("notice.license", license_iri(text), "licence_text")
    if not notice.publisher:
        fields.propose("notice.publisher", publisher_named(text), "publisher_furniture")
    if not notice.journal.name:
        fields.propose("notice.journal.name", article.journal.name, "article_journal")
        fields.propose("notice.journal.name", journal_named(prose), "journal_in_prose")
    for name, value in sidecar:
        if name in later:
            fields.propose(name, value, SIDECAR)
    # A notice appears in the journal of the article it concerns.
    fields.propose("article.journal.name", notice.journal.name, "notice_journal")
    fields.propose("notice.journal.publisher", notice.publisher, "notice_publisher")

    # A title that does not name the kind ("Copper-based ...") is read with the label the page gives it
    # ("RETRACTION NOTE", "EXPRESSION OF CONCERN" above the title; a page's article type).
    label = kind or next((line.text for line in block.furniture if _KIND_LABEL.search(line.text)), "")
    title = notice.title if TITLE_PREFIX.match(notice.title) or not label else f"{label}: {notice.title}"
    notice.nature, notice.nature_confidence = classify_nature(title, prose)
    read_prose(notice, prose, article=article)
    for person in article.authors:
        _split_name(person)
    listed = _listed_articles(lines)
    if len(listed) >= 2 and not notice.articles:  # "The following articles are retracted: ..."
        notice.articles = listed
    if not notice.articles:
        notice.articles.append(article)
    if notice.articles == [article] and article.authors and not _has_identity(article):
        # Named by nothing but its authors ("X and Y disagree with this retraction"): the article this notice
        # is about, keyed by the notice, so what is said of its authors is kept without merging it with another.
        article.known_by_notice = "notice " + notice_text_hash(notice)
    # Other articles known only by their authors cannot be told from one another.
    notice.articles = [a for a in notice.articles if a.known_by_notice or _has_identity(a)]
    return notice, fields


def _is_furniture(line: Line) -> bool:
    return bool(LABEL_LINE.match(line.text) or RUNNING_HEAD.match(line.text) or _FURNITURE_LINE.match(line.text)
                or BOILERPLATE.search(line.text))


def _mask(text: str, furniture: list[Line]) -> str:
    """`text` with furniture blanked out (same length, so offsets into it are offsets into `text`)."""
    chars = list(text)
    for line in furniture:
        for i in range(line.start, line.end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def _read_header_citations(text: str, lines: list[Line], block, notice: Notice, fields: Fields,
                           furniture: list[Line]) -> None:
    """Citation lines at the top ("Retraction Note: Journal ... (2022) 20:313", "Vol. 196, No. 10 ...")."""
    if block.byline:
        start = next((i for i, line in enumerate(lines) if line.start >= block.byline.line.end), len(lines))
    else:
        start = block.title_end
    title_start = block.title.start if block.title else 0
    for line in lines[:start + 6]:
        prefix = TITLE_PREFIX.match(line.text)
        offset = prefix.end() if prefix else 0
        written = line.text[offset:]
        if RUNNING_HEAD.match(line.text):
            own = parse_citation(re.sub(r"^.*?\bet al\.?\s+", "", line.text))
            if own:
                fields.propose("notice.journal.name", own.journal, "page_header", line.start, "running head")
            continue
        quoted = parse_quoted_reference(written) if "“" in written or '"' in written else None
        if quoted is None and prefix:  # "Retraction: Kiehntopf, M., ... 1995. Title. J. Exp. Med. 181:793–798."
            quoted = parse_reference(written)
        if quoted and line.start >= title_start:
            # "RETRACTION: A. Smith, B. Jones, “Title,” Journal 12, no. 3 (2019): 45–56, https://doi.org/..."
            fields.propose("article.title", quoted.title, "header_lines", line.start, "reference")
            _cite(fields, quoted.citation, "header_lines", line.start)
            fields.propose("article.citation", " ".join(written.split()), "header_lines", line.start)
            fields.propose("article.authors", [Person(name=name) for name in quoted.authors], "header_lines",
                           line.start)
            furniture.append(line)
            continue
        citation = parse_citation(written)
        if citation and _plausible(citation) and line.end <= title_start:
            # Above the title: the page header cites the notice itself ("Journal ... 65 (2023) 171").
            fields.propose("notice.journal.name", citation.journal, "page_header", line.start, "citation")
            furniture.append(line)
        elif citation and _plausible(citation):
            _cite(fields, citation, "header_lines", line.start)
            end = offset + written_length(written, citation.written)
            doi = _TRAILING_DOI.match(line.text, end)
            if doi:
                end = doi.end()
                found = find_dois(doi.group())
                if found:
                    fields.propose("article.doi", found[0][0], "header_lines", line.start + doi.start())
            furniture.append(Line(line.start, line.start + end, line.text[:end]))
            if block.title is not None and block.title.start == line.start:
                block.title = None
            if notice.title == " ".join(line.text.split()):
                fields.withdraw("notice.title", 'a citation ("Retraction Note: Journal ... (2014) 21:19"), not a title')
        elif written.startswith(("https://doi.org", "http://dx.doi.org", "doi:", "DOI:")) and len(written) < 120:
            dois = find_dois(written)
            pmid = PMID_IN_TEXT.search(written)
            if dois and line.end <= title_start:  # above the title: the page header's own DOI
                fields.propose("notice.doi", dois[0][0], "page_header", line.start)
            elif dois and not fields.article.doi:
                fields.propose("article.doi", dois[0][0], "header_lines", line.start, "DOI line")
                fields.propose("article.pmid", pmid.group(1) if pmid else "", "header_lines", line.start)
            furniture.append(line)


def _cite(fields: Fields, citation: Citation, strategy: str, at: int | None = None) -> None:
    """What a citation of the article gives: journal, date, locators, identifiers and the citation as written."""
    fields.propose("article.journal.name", citation.journal, strategy, at)
    for name in CITATION_FIELDS:
        fields.propose(f"article.{name}", getattr(citation, name), strategy, at)
    fields.propose("article.citation", citation.written, strategy, at)


def _plausible(citation: Citation) -> bool:
    """A citation with a locator or a date, and a journal name short enough to be one."""
    has_locator = bool(citation.volume or citation.pages or citation.article_number or citation.date)
    return has_locator and len(citation.journal) <= 120


def _read_article_identity(text: str, prose: str, lines: list[Line], notice: Notice, fields: Fields) -> None:
    """DOI, PMID, title and citation of the article the notice concerns, each reading proposing what it finds
    (`field_precedence.toml` ranks them: the most explicit statement wins)."""
    article = fields.article
    for m in _NOTICE_CITATION.finditer(text):
        own = parse_citation(re.sub(r"^.*?\((?:19|20)\d\d\)\s*(?:[^.]*?:\s*)?[^.]*\.\s*", "", m["cite"]))
        dois = find_dois(m["cite"])
        if dois:
            fields.propose("notice.doi", dois[-1][0], "citation_line", m.start())
        if own:
            fields.propose("notice.journal.name", own.journal, "citation_line", m.start())
        title = re.search(r"\((?:19|20)\d\d\)\s+(?P<title>.+?[.?!])\s+\S", m["cite"])
        if title:
            fields.propose("notice.title", title["title"].rstrip("."), "citation_line", m.start())
    m = _ORIGINAL_AT.search(text)
    if m:  # the notice's explicit pointer to the original beats a DOI inferred from the layout
        dois = find_dois(text[m.end():m.end() + 200])
        if dois:
            fields.propose("article.doi", dois[0][0], "original_at", m.end() + dois[0][1])
    m = _FOLLOWING_FROM.search(prose[:1000])
    if m:
        fields.propose("article.title", " ".join(m["title"].split()).rstrip(" .,[]1"), "following_from", m.start())
        fields.propose("article.journal.name", m["journal"].strip(), "following_from", m.start())
    m = _FOLLOWING_ARTICLE.search(text)
    if m:
        fields.propose("article.title", " ".join(m["title"].split()).rstrip(" ."), "following_article", m.start())
        fields.propose("article.doi", (find_dois(m["doi"]) or [("", 0, 0)])[0][0], "following_article", m.start())
    if not article.doi:
        _from_reference_list(text, lines, fields)
    if not article.doi:
        _from_opening(prose, notice, fields)
    _from_labelled_fields(lines, fields)
    _from_retraction_of_article_line(text, fields)
    if not article.date:
        m = _ARTICLE_DATE.search(prose)
        if m:
            fields.propose("article.date", iso_date(m["date"] or m["date2"]), "article_date", m.start())
    if not article.title:
        _from_reference_line(prose, lines, fields)
    if not article.title:
        quoted = quoted_title(prose)
        if quoted:
            fields.propose("article.title", quoted[0], "quoted_title", quoted[1])
    if not (article.volume or article.pages or article.article_number):
        citation = _citation_in_prose(_opening_paragraphs(prose, 4))
        if citation:
            _cite(fields, citation, "prose_citation")
    if article.doi and not article.pmid:  # "DOI: 10.4103/0974-2727.72152 PMID: 21346899"
        line = next((line for line in lines if article.doi in line.text.lower()), None)
        pmid = PMID_IN_TEXT.search(line.text) if line else None
        if pmid and len(PMID_IN_TEXT.findall(line.text)) == 1:
            fields.propose("article.pmid", pmid.group(1), "doi_line_pmid", line.start)
    if article.doi and article.doi == notice.doi:
        fields.withdraw("notice.doi", "the article's DOI: some pages give it as their own; the article keeps it")


def _from_reference_list(text: str, lines: list[Line], fields: Fields) -> None:
    """The entry of a reference list that the notice cites as "this article [1]" (PLOS style)."""
    if not _CITED_AS_ONE.search(text):
        return
    for index, line in enumerate(lines):
        m = _REFERENCE_ENTRY.match(line.text)
        if not m or not re.match(r"^(?:[-•]\s*)?\[?1[.\]]", line.text):
            continue
        entry, end = m["entry"], line.end
        for following in lines[index + 1:index + 4]:  # an entry wrapped over lines (PDF columns)
            if "\n\n" in text[end:following.start] or re.match(r"^(?:[-•]\s*)?\[?\d{1,3}[.\]]\s", following.text):
                break
            entry, end = f"{entry} {following.text}", following.end
        at = line.start
        dois = find_dois(entry)
        if dois:
            fields.propose("article.doi", dois[0][0], "reference_list", at)
        pmid = re.search(r"\bpmid\s*:?\s*(\d{5,9})", entry, re.I)
        if pmid:
            fields.propose("article.pmid", pmid.group(1), "reference_list_pmid", at)
        reference = parse_quoted_reference(entry) or parse_reference(entry)  # IEEE/Hindawi, Vancouver
        title = _REFERENCE_TITLE.search(entry)
        if reference:
            fields.propose("article.title", reference.title, "reference_list", at)
            _cite(fields, reference.citation, "reference_list", at)
            fields.propose("article.authors", [Person(name=name) for name in reference.authors], "reference_list",
                           at)
        elif title and not fields.article.title:
            fields.propose("article.title", title["title"].rstrip("."), "reference_list", at)
            rest = entry[title.end() - 1:]
            citation = parse_citation(rest.strip())
            if citation:
                _cite(fields, citation, "reference_list", at)
        fields.propose("article.citation", entry, "reference_list", at)
        return


def _from_retraction_of_article_line(text: str, fields: Fields) -> None:
    """Frontiers: "A Retraction of the Original Research Article / <title> / by Zhang, Y., Li, X. (2020).
    Front. Endocrinol. 11:572938. doi: 10.3389/fendo.2020.572938"."""
    head = _RETRACTION_OF_ARTICLE.search(text)
    if not head:
        return
    m = _TITLE_BY_AUTHORS.match(" ".join(text[head.end():head.end() + 1500].split()))
    if not m:
        return
    citation = parse_citation(m["cite"])
    if citation is None:
        return
    at = head.start()
    fields.propose("article.title", m["title"].strip(" ."), "retraction_of_line", at)
    _cite(fields, citation, "retraction_of_line", at)
    fields.propose("article.year", m["year"], "retraction_of_line", at)
    inverted = _INVERTED_NAME.findall(m["authors"])
    names = [f"{i.strip()} {f}" for f, i in inverted] if inverted else \
        re.split(r",\s+(?:and\s+)?|\s+and\s+", m["authors"])
    fields.propose("article.authors", [Person(name=n.strip(" .")) for n in names if n.strip(" .") and "et al" not in n],
                   "retraction_of_line", at)


def _from_labelled_fields(lines: list[Line], fields: Fields) -> None:
    """Taylor & Francis style fields: "Article title: ...", "Authors: ...", "Journal: ...",
    "Bibliometrics: Volume 22, Number 4, pages 380-392", "DOI: ..."; each fills what is still empty."""
    labelled = [(line, m) for line in lines if (m := _LABELLED.match(line.text))]
    if len({m["label"].lower() for _, m in labelled} - {"doi"}) < 2:
        return  # a lone "DOI: ..." line is the page's own identifier, not a field of the retracted article
    for line, m in labelled:
        label, value, at = m["label"].lower(), m["value"].strip(), line.start
        if label.endswith("title"):
            fields.propose("article.title", value.strip("“”\"").rstrip("."), "labelled_fields", at)
        elif label.startswith("author"):
            inverted = _INVERTED_NAME.findall(value)  # "Smith, J., Jones, K. and Lee, C."
            if inverted:
                names = [f"{initials.strip()} {family}" for family, initials in inverted]
            else:
                names = re.split(r"\s*;\s*" if ";" in value else r",\s+(?:and\s+)?|\s+and\s+", value)
            fields.propose("article.authors", [Person(name=n.strip(" .")) for n in names if len(n.strip(" .")) > 1],
                           "labelled_fields", at)
        elif label == "journal":
            fields.propose("article.journal.name", value.rstrip("."), "labelled_fields", at)
        elif label == "bibliometrics":
            citation = parse_citation(re.sub(r"pages?\s*:", "Pages", value, flags=re.I))
            if citation:
                _cite(fields, citation, "labelled_fields", at)
        elif label == "doi":
            dois = find_dois(value)
            fields.propose("article.doi", dois[0][0] if dois else "", "labelled_fields", at)


def _from_reference_line(prose: str, lines: list[Line], fields: Fields) -> None:
    """A reference to the article on a line of its own ("Moazzam MS, Ahmed SM. Title. J Emerg ... 2010;3:300.").

    A reference introduced as the retracted one ("The following article is retracted:") wins; otherwise the
    first one not introduced as another work (the source of plagiarised text, an earlier publication).
    """
    candidates = []
    previous = ""
    for line in lines:
        if re.match(r"^(?:References?|Bibliography|Literature\s+cited)\s*:?$", line.text, re.I):
            break  # a reference list is read by _from_reference_list, through the notice's "[1]"
        if not prose[line.start:line.end].strip() or len(line.text) > 1200:
            continue
        reference = parse_reference(line.text)
        introduced_as_this = bool(_THIS_WORK.search(previous[-200:]))
        if reference and (introduced_as_this or not ANOTHER_WORK.search(previous[-200:])):
            candidates.append((not introduced_as_this, len(candidates), reference, line))
        previous = line.text
    if not candidates:
        return
    _, _, reference, line = min(candidates, key=lambda c: c[:2])
    article, cited = fields.article, reference.citation
    if article.doi and cited.doi and cited.doi != article.doi:
        return
    fields.propose("article.title", reference.title, "reference_line", line.start)
    if article.doi and cited.doi == article.doi:
        # A reference carrying the DOI the notice names as the original's is the article's own citation:
        # it replaces a header citation that described the notice itself.
        for name in CITATION_FIELDS:
            if name != "doi":
                fields.withdraw(f"article.{name}", "the reference giving the article's own DOI replaces its citation")
        _cite(fields, cited, "own_reference_line", line.start)
    else:
        _cite(fields, cited, "reference_line", line.start)
    fields.propose("article.citation", " ".join(line.text.split()), "reference_line_as_written", line.start)
    fields.propose("article.authors", [Person(name=name) for name in reference.authors], "reference_line",
                   line.start)


def _listed_articles(lines: list[Line]) -> list[Article]:
    """Several articles of one notice, each given on a line of its own: an identifier line ("DOI: 10.x/y
    PMID: 123", after the title and byline lines) or a reference marked "(RETRACTED)"."""
    articles: list[Article] = []
    for index, line in enumerate(lines):
        identifiers = _ID_LINE.match(line.text)
        if identifiers:
            article = Article(doi=(find_dois(identifiers["doi"]) or [("", 0, 0)])[0][0],
                              pmid=identifiers["pmid"] or "", pmcid=(identifiers["pmcid"] or "").upper())
            before = [lines[i].text for i in range(max(0, index - 2), index)]
            if len(before) == 2 and (byline := parse_byline(lines[index - 1])):
                article.authors = byline.authors
                article.title = re.sub(r"\s+p\.\s*\d+$", "", before[0]).strip()  # "... p. 70": its page
            articles.append(article)
        elif _RETRACTED_MARK.search(line.text):
            reference = parse_reference(_RETRACTED_MARK.sub("", line.text).strip())
            dois = find_dois(line.text)
            if reference:
                article = Article(title=reference.title, authors=[Person(name=n) for n in reference.authors],
                                  citation=" ".join(line.text.split()))
                reference.citation.apply(article)
                articles.append(article)
            elif dois:  # a reference in a shape not read, but with its DOI
                articles.append(Article(doi=dois[0][0], citation=" ".join(line.text.split())))
    unique = {a.doi or a.pmid or a.title: a for a in articles if a.doi or a.pmid or a.title}
    return list(unique.values())


def _from_opening(prose: str, notice: Notice, fields: Fields) -> None:
    """A DOI or PMID in the notice's opening lines, where notices cite the article they concern."""
    at = len(prose) - len(prose.lstrip())
    opening = prose[at:at + 600]
    first_paragraph = opening.split("\n\n", 1)[0]
    for doi, start, _ in find_dois(first_paragraph):
        before = first_paragraph[max(0, start - 80):start]
        if doi != notice.doi and not re.search(r"\b(?:see|also|similar|previously\s+published)\b[^.]*$", before, re.I):
            fields.propose("article.doi", doi, "opening", at + start)
            break
    pmid = PMID_IN_TEXT.search(first_paragraph)
    if pmid:
        fields.propose("article.pmid", pmid[1], "opening", at + pmid.start())
    if not fields.article.journal.name:
        for line in first_paragraph.split("\n")[:2]:
            citation = parse_citation(line.strip())
            if citation and _plausible(citation):
                _cite(fields, citation, "opening", at)
                break


def _citation_in_prose(opening: str) -> Citation | None:
    """The retracted article's citation among those the notice's opening writes in its prose.

    Notices often cite a second work (the source of duplicated or plagiarised text), so a citation is taken only
    when it is the first one not introduced as another work ("copied from", "previously published in",
    "identical to") and it is either said to be this work ("this article", "the article entitled", "retracted",
    "Original article:") within its sentence, or opens the notice. Anything less clear yields nothing.
    """
    citations = find_citations(opening)
    if not citations:
        return None
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(opening)]
    for index, (citation, start, end) in enumerate(citations):
        sentence = max(s for s in starts if s <= start)
        if another_work(opening[sentence:start]):
            continue
        following = citations[index + 1][1] if index + 1 < len(citations) else len(opening)
        sentence_end = next((s for s in starts if s > end), len(opening))
        paragraph = opening.rfind("\n", 0, start) + 1
        previous = opening.rfind("\n", 0, len(opening[:paragraph].rstrip())) + 1
        said_to_be_this = (_SUBJECT.search(opening[sentence:start])
                           or _SUBJECT.search(opening[end:min(following, sentence_end)])
                           # "The following article is being retracted ..." and the reference on the next line
                           or (not another_work(opening[paragraph:start])
                               and _INTRODUCES_NEXT.search(opening[previous:paragraph]))
                           # "The authors retract their article, Albayrak G, et al. Title ends. Journal. 2014;7:1–4":
                           # the reference's title ends a sentence, the journal opens the next
                           or (not opening[sentence:start].strip() and sentence > paragraph
                               and _names_this_work(opening[max(s for s in starts if s < sentence):sentence])
                               and not another_work(opening[end:sentence_end])))
        # A second citation in the same sentence must be marked as the other work ("is identical to ...").
        alone = following >= sentence_end or another_work(opening[end:following])
        if (said_to_be_this or not opening[:sentence].strip()) and alone:
            return citation
        return None
    return None


def _names_this_work(sentence: str) -> bool:
    return bool(_SUBJECT.search(sentence)) and not another_work(sentence)


def _opening_paragraphs(prose: str, count: int = 2) -> str:
    """The first paragraphs of the prose: where a notice names the article it concerns."""
    paragraphs = [p for p in re.split(r"\n\s*\n", prose) if p.strip()]
    return "\n\n".join(paragraphs[:count])[:1500]


def _article_title(notice_title: str, fields: Fields) -> str:
    """The retracted article's title inside the notice's ("Retraction notice to “T” [J. X 10 (2018) 1–9]"),
    proposing the bracketed citation after it."""
    title, cite = title_after_prefix(notice_title)
    citation = parse_citation(cite) if cite else None
    if citation:
        _cite(fields, citation, "notice_title")
    return title


def _has_identity(article: Article) -> bool:
    """Enough to tell this article from others: without it the article (and the notice, whose IRI is keyed
    by its one article) would get the IRI every other unidentified article gets."""
    if article.doi or article.pmid or article.pmcid or article.title:
        return True
    if article.journal.name and (article.volume or article.pages or article.article_number):
        return True
    if article.citation and article.date and len(article.date) == 10:
        # "Scientific Reports, published online 13 January 2021": a journal and a year alone would give every
        # such article of that journal and year one IRI; without the year the key is the citation as written.
        article.year = ""
        return True
    return False


def _split_name(person: Person) -> None:
    """Given and family name of a "Given Family" byline name (particles stay with the family name)."""
    if person.family_name or person.given_name or "," in person.name:
        return
    tokens = person.name.split()
    if len(tokens) < 2:
        return
    if re.fullmatch(r"[A-Z]{1,3}", tokens[-1]) and not re.fullmatch(r"[A-Z]{1,3}", tokens[0]):
        # Vancouver style, family name first: "Moazzam MS"
        person.given_name, person.family_name = tokens[-1], " ".join(tokens[:-1])
        return
    cut = len(tokens) - 1
    while cut > 1 and tokens[cut - 1].lower() in name_particles():
        cut -= 1
    person.given_name, person.family_name = " ".join(tokens[:cut]), " ".join(tokens[cut:])
