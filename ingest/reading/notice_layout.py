"""The title block of a notice as extracted from a PDF: title, byline with markers, affiliations, correspondence.

PDF extraction leaves the layout as lines: a running label ("RETRACTION NOTE", "Open Access"), the title
("Retraction Note: ..."), the byline whose superscript markers come out as `¹`, `^{2*}`, `^{3,4}` or as
digits glued to the name ("Wang1,2"), the affiliations each led by its marker (the first one often loses
it), and a "*Correspondence:" block with names and e-mails. This module finds those lines and links
authors to affiliations by marker; it also says which lines are furniture, so prose readers skip them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retractkg.ingest.model import Organization, Person
from retractkg.ingest.reading.affiliation import ORG_WORDS, is_country, looks_like_affiliation, split_affiliation
from retractkg.ingest.reading.lexicon import name_particles, page_furniture
from retractkg.ontology.identifiers import fold

SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SYMBOLS = "*†‡§¶#✉"

# What a notice title starts with; the rest is the article's title or its citation.
TITLE_PREFIX = re.compile(
    r"^\[?(?:Notice\s+of\s+|Statement\s+of\s+)?(?:Retraction(?:\s+Note)?|Article\s+(?:Withdrawn|Retracted)|"
    r"Retracted(?:\s+(?:article|manuscript|paper))?|Partial\s+Retraction|"
    r"Withdrawal|Withdrawn|Removal|Removed|(?:Editorial\s+)?Expression\s+of\s+Concern|Correction|Corrigendum|"
    r"Erratum|Addendum|Reinstatement|Notice\s+of\s+Concern|Editor['’]s\s+Note)"
    r"(?:\s+(?:Note|notice))?\]?(?:\s+(?:to|of|for|on))?(?:\s*(?::|[-–—]|\.)\s*|\s+(?=[“\"‘]))", re.I)
# Lines that label the page rather than say anything: "RETRACTION NOTE", "Open Access", "Page 1 of 2".
LABEL_LINE = re.compile(
    r"^(?:(?:retraction|retracted|correction|erratum|corrigendum|expression\s+of\s+concern|withdrawal|"
    r"editorial|notice|note|open|free|access|article|research|original|check\s+for\s+updates|\s)+|"
    r"page\s+\d+\s+of\s+\d+|\d{1,3})$", re.I)
RUNNING_HEAD = re.compile(r"^\S.{0,80}\bet al\.?\s+.{2,120}\(\d{4}\)\s*\d+\s*:\s*\w+$")
CORRESPONDENCE = re.compile(r"^[*✉]?\s*(?:Correspondence(?:\s+to)?|Corresponding\s+authors?)\s*:?\s*(?P<rest>.*)$",
                            re.I)
# Publisher boilerplate that mentions affiliations or licences but states nothing about the notice.
BOILERPLATE = page_furniture("line")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

_MARKS = (rf"(?:\^\{{[^{{}}]{{1,20}}\}}|\^[\w*]{{1,4}}|[{_SUP}{_SYMBOLS}]"
          rf"|(?<=[a-z\u00df-\u024f.)])\d{{1,2}}(?:,\d{{1,2}})*"
          rf"|(?<=\s)[a-h](?:,[a-h])*(?=[,*\s]|$))")  # Elsevier's letter markers: "Libo Sun b,*"
_TRAILING_MARKS = re.compile(rf"(?P<marks>(?:{_MARKS}[,\s]*)+)$")
_PIECE_SPLIT = re.compile(r",\s+(?![^{]*\})|\s+and\s+|\s*&\s*|;\s*")
_AFFILIATION_START = re.compile(
    rf"^(?:\^\{{(?P<braced>[^{{}}]{{1,12}})\}}|\^(?P<caret>\w{{1,3}})|(?P<sup>[{_SUP}]+)|(?P<digits>\d{{1,2}})"
    rf"(?=\s?[A-Z][a-z])|(?P<letter>[a-h])(?=\s[A-Z][a-z]))\s*(?P<rest>\S.*)$")
_INLINE_AFFILIATION = re.compile(rf"\s(?=(?:\^\{{\w{{1,3}}\}}|\^\w{{1,3}}|[{_SUP}]+|\d{{1,2}}(?=[A-Z][a-z]))\s?[A-Z])")


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    text: str


@dataclass
class Byline:
    authors: list[Person]
    markers: list[list[str]]  # per author, affiliation markers as written ("1", "a")
    line: Line


@dataclass
class TitleBlock:
    title: Line | None = None
    title_end: int = 0
    byline: Byline | None = None
    organizations: list[Organization] = field(default_factory=list)
    furniture: list[Line] = field(default_factory=list)  # lines that are not prose


def lines_of(text: str) -> list[Line]:
    """Non-empty lines with the offsets of their stripped text."""
    found = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        stripped = line.strip()
        if stripped:
            start = m.start() + (len(line) - len(line.lstrip()))
            found.append(Line(start, start + len(stripped), stripped))
    return found


def markers_of(written: str) -> tuple[list[str], bool]:
    """Affiliation markers and whether a corresponding-author star is among them."""
    written = written.translate(SUPERSCRIPTS)
    star = "*" in written or "✉" in written
    return re.findall(r"[0-9]+|(?<![A-Za-z])[a-z](?![A-Za-z])", written), star


def _is_name(name: str) -> bool:
    tokens = name.split()
    if not 1 <= len(tokens) <= 6 or len(name) > 60 or ORG_WORDS.search(name):
        return False
    capitals = 0
    for token in tokens:
        if token.lower() in name_particles():
            continue
        if not (token[0].isalpha() and token[0].isupper()) or re.search(r"[\d@:/()\[\]]", token):
            return False
        capitals += 1
    return capitals >= 2


def parse_byline(line: Line) -> Byline | None:
    """The authors of a byline ("A B¹, C D^{2*} and E F^{1,4}"), or None if the line is not one."""
    if len(line.text) > 2000 or line.text.endswith((".", ":")) and not line.text.endswith(" al."):
        return None
    authors: list[Person] = []
    markers: list[list[str]] = []
    marked = False
    for piece in _PIECE_SPLIT.split(line.text):
        piece = piece.strip(" ,")
        if not piece:
            continue
        m = _TRAILING_MARKS.search(piece)
        marks = m["marks"] if m else ""
        name = piece[:m.start()].strip(" ,") if m else piece
        found, star = markers_of(marks)
        if not name and authors:  # markers split off by a space: "Wang1, 2"
            markers[-1].extend(found)
            authors[-1].corresponding |= star
            continue
        if not _is_name(name):
            return None
        marked |= bool(marks)
        authors.append(Person(name=name, corresponding=star))
        markers.append(found)
    if len(authors) >= 2 or (authors and marked):
        return Byline(authors, markers, line)
    return None


_PROSE_VERB = re.compile(r"\b(?:has|have|had)\s+been\b|\b(?:was|were|is|are)\s+(?:\w+ly\s+)?\w+ed\b|\bwe\s+\w+\b", re.I)


def _reads_as_title(rest: str) -> bool:
    """What follows "Retraction:" on a title line is a title or a citation, not a sentence of the notice
    ("Retraction: Due to the authors' negligence ... the article is retracted.") nor a date."""
    words = rest.split()
    if len(words) >= 15 and rest.rstrip().endswith(".") and not re.search(r"\b(?:19|20)\d\d\b", rest):
        return False
    if len(words) >= 8 and _PROSE_VERB.search(rest):
        return False
    return not re.fullmatch(r"[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4}\.?|\d{1,2}\s+[A-Z][a-z]+\.?\s+\d{4}\.?", rest.strip())


def _wrapped_byline(text: str, lines: list[Line], index: int) -> Byline | None:
    """The byline starting at `lines[index]`, joined with the lines it wraps onto (PDF column width)."""
    best = None
    joined = lines[index]
    for following in [*lines[index + 1:index + 4], None]:
        byline = parse_byline(joined)
        if byline is None:
            break
        best = byline
        if following is None or "\n\n" in text[joined.end:following.start]:
            break
        glue = "" if re.match(rf"^[{_SUP}^\d,*]", following.text) else " "
        joined = Line(joined.start, following.end, joined.text + glue + following.text)
    return best


def _unwrap_affiliations(text: str, lines: list[Line], after: int) -> list[Line]:
    """Lines from `after` on, an affiliation wrapped over two lines joined back into one."""
    merged: list[Line] = []
    for line in lines[after:]:
        previous = merged[-1] if merged else None
        if (previous is not None and "\n\n" not in text[previous.end:line.start]
                and _AFFILIATION_START.match(previous.text) and not _AFFILIATION_START.match(line.text)
                and not is_country(previous.text.rsplit(",", 1)[-1]) and not BOILERPLATE.search(line.text)
                and not EMAIL.search(line.text)):
            merged[-1] = Line(previous.start, line.end, f"{previous.text} {line.text}")
        else:
            merged.append(line)
    return merged


def _ends_with_country(text: str) -> bool:
    """"CNRS UMR 5086, Lyon, France": an affiliation by its address even without an organisation word."""
    parts = text.split(",")
    return len(parts) >= 2 and is_country(parts[-1]) and not EMAIL.search(text)


def _affiliation_chunks(line: Line) -> list[tuple[str, str]]:
    """(marker, affiliation) pairs of one line; marker "" where the line has none."""
    found = []
    for chunk in _INLINE_AFFILIATION.split(line.text):
        chunk = chunk.strip()
        m = _AFFILIATION_START.match(chunk)
        if m and (looks_like_affiliation(m["rest"]) or _ends_with_country(m["rest"])):
            marker = (m["braced"] or m["caret"] or m["sup"] or m["digits"] or m["letter"]).translate(SUPERSCRIPTS)
            found.append((marker.strip(" *"), m["rest"]))
        elif looks_like_affiliation(chunk) and not EMAIL.search(chunk) and len(chunk) < 300:
            found.append(("", chunk))
    return found


def _affiliations(lines: list[Line], after: int) -> tuple[list[Organization], list[Line]]:
    """Marker-led affiliation lines anywhere after the byline, and unmarked ones next to them.

    An unmarked line counts only beside a marked one (the first affiliation often loses its marker)
    or, when no line is marked, right after the byline or the correspondence block; and only if it
    ends like an address (a country), so prose sentences naming institutions are never taken.
    """
    chunks = [_affiliation_chunks(line) if i >= after and not BOILERPLATE.search(line.text) else []
              for i, line in enumerate(lines)]
    marked = [any(marker for marker, _ in c) for c in chunks]
    orgs: list[Organization] = []
    used: list[Line] = []
    for i, line_chunks in enumerate(chunks):
        near_marked = any(marked[j] for j in (i - 1, i + 1) if 0 <= j < len(chunks))
        near_start = not any(marked) and i - after < 3
        taken = False
        for marker, written in line_chunks:
            org = split_affiliation(written)
            if marker or ((near_marked or near_start) and org.country):
                org.marker = marker
                orgs.append(org)
                taken = True
        if taken:
            used.append(lines[i])
    return orgs, used


def _assign_lost_markers(orgs: list[Organization], wanted: list[str]) -> None:
    """Give unmarked affiliations the markers the byline uses that no affiliation carries, in order."""
    have = {o.marker for o in orgs if o.marker}
    missing = [m for m in wanted if m not in have]
    for org in orgs:
        if not org.marker and missing:
            org.marker = missing.pop(0)


def read_title_block(text: str, lines: list[Line]) -> TitleBlock:
    """Title, byline and affiliations of a notice laid out as a PDF page; empty parts where absent."""
    block = TitleBlock()
    head = lines[:12]
    for i, line in enumerate(head):
        if LABEL_LINE.match(line.text) or RUNNING_HEAD.match(line.text):
            block.furniture.append(line)
            continue
        prefix = TITLE_PREFIX.match(line.text)
        if prefix and len(line.text) <= 400 and _reads_as_title(line.text[prefix.end():]):
            block.title = line
            block.title_end = i + 1
            break
    if block.title is None:
        return block
    # A title wrapped over several lines continues until the byline or a blank-separated line; a bare
    # "Retraction to:" continues on the next line whatever separates them.
    end = block.title.end
    bare = not block.title.text[TITLE_PREFIX.match(block.title.text).end():].strip()
    for line in lines[block.title_end:block.title_end + 3]:
        if (("\n\n" in text[end:line.start] and not bare) or parse_byline(line) or TITLE_PREFIX.match(line.text)
                or len(line.text) > 400):
            break
        end = line.end
        block.title_end += 1
        bare = False
    block.title = Line(block.title.start, end, text[block.title.start:end])
    for index in range(block.title_end, min(block.title_end + 3, len(lines))):
        byline = _wrapped_byline(text, lines, index)
        if byline:
            block.byline = byline
            block.furniture.append(byline.line)
            break
    if block.byline is None:
        return block
    after = next(i for i, line in enumerate(lines) if line.start >= block.byline.line.end)
    orgs, used = _affiliations(_unwrap_affiliations(text, lines, after), 0)
    wanted = sorted({m for marks in block.byline.markers for m in marks}, key=lambda m: (len(m), m))
    _assign_lost_markers(orgs, wanted)
    block.organizations = orgs
    block.furniture.extend(used)
    for person, marks in zip(block.byline.authors, block.byline.markers, strict=True):
        if marks:
            person.affiliations = [i for i, o in enumerate(orgs) if o.marker in marks]
        elif len(orgs) == 1:
            person.affiliations = [0]
    return block


def read_correspondence(lines: list[Line], authors: list[Person]) -> list[Line]:
    """Mark corresponding authors and their e-mails; returns the lines of the correspondence block."""
    used: list[Line] = []
    for i, line in enumerate(lines):
        m = CORRESPONDENCE.match(line.text)
        if not m:
            continue
        used.append(line)
        names: list[str] = []
        emails: list[str] = []
        block = [Line(line.start, line.end, m["rest"])] if m["rest"] else []
        for following in [*block, *lines[i + 1:i + 9]]:
            found = EMAIL.findall(following.text)
            rest = EMAIL.sub("", following.text).strip(" ;,:.()")
            if found:
                emails.extend(found)
            if rest and _is_name(rest.strip("*")):
                names.append(rest.strip("*"))
            elif rest and not found:
                break
            if following is not line:
                used.append(following)
        _mark_corresponding(authors, names, emails)
        break
    return used


def _mark_corresponding(authors: list[Person], names: list[str], emails: list[str]) -> None:
    by_name = {fold(a.name): a for a in authors}
    for index, name in enumerate(names):
        person = by_name.get(fold(name))
        if person is None:
            continue
        person.corresponding = True
        if index < len(emails) and not person.email:
            person.email = emails[index]
    if not names and len(emails) == 1:
        starred = [a for a in authors if a.corresponding]
        if len(starred) == 1 and not starred[0].email:
            starred[0].email = emails[0]
