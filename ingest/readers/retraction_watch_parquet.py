"""The Retraction Watch website's search results saved as Parquet, streamed batch by batch.

A scrape of the website (github.com/Brian-M-Collins/academic-paper-retractions) kept each result column
as one string, the values that the page stacks on separate lines run together:

  "Original PaperDate/PubMedID/DOI"     "10/06/20160000000010.1111/are.13204" (PubMed ID 00000000: none)
  "Article Type(s)Nature of Notice"     "Research ArticleRetraction"
  "CountriesPaywalled?Notes"            "SwitzerlandUnited KingdomUnited StatesNo"
  "Reason(s)"                           "+Fake Peer Review+Investigation by Journal/Publisher"
  "Author(s)"                           "Mohammad Sadegh AramliMohammad Reza Kalbassi"
  "Retraction or Other NoticesTitle/Subject(s)/Journal --- Publisher/Affiliation(s)/Retraction Watch
  Post URL(s)N Item(s) Found"           title, "(BLS) Zoology; " subjects, "Journal ---Publisher",
                                        affiliations and post URLs (one such column per page of N results;
                                        a row fills one of them)

plus "RID", the Retraction Watch record id (the database export's "Record ID"), and "doi", the article's
DOI lower-cased. Values are split where a boundary is certain (a date, a DOI's "10.", a lower-case letter
followed by a capital: "AramliMohammad"); where it is not, the run-together value is kept whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from retractkg.config import DEFAULT_LIMITS, ReadLimits
from retractkg.ingest.errors import IngestError
from retractkg.ingest.model import Article, Journal, Nature, Notice, Organization, Person, SourceRecord
from retractkg.ingest.readers.retraction_watch import (
    PAYWALLED,
    SOURCE_ID,
    date_cell,
    doi_cell,
    given,
    pmid_cell,
    split_list,
)
from retractkg.ingest.readers.retraction_watch_website import (
    INSTITUTION_WORDS,
    article_types_and_nature,
    reason_claims,
    split_institutions,
)
from retractkg.ingest.readers.streams import RecordStream
from retractkg.ingest.reading.affiliation import ORG_WORDS
from retractkg.ontology.reasons import reason_iri

FORMAT = "retraction-watch-parquet"
BATCH_ROWS = 1024  # rows decoded at a time: memory stays at one batch, whatever the file's size

RID, KINDS = "RID", "Article Type(s)Nature of Notice"
ORIGINAL, NOTICE = "Original PaperDate/PubMedID/DOI", "Retraction or Other NoticesDate/PubMedID/DOI"
REASONS, AUTHORS, COUNTRIES, DOI = "Reason(s)", "Author(s)", "CountriesPaywalled?Notes", "doi"
# "... Post URL(s)1 Item(s) Found", "... Post URL(s)2 Item(s) Found": the scraped page's count ends the name.
DESCRIPTION = ("Retraction or Other NoticesTitle/Subject(s)/Journal --- Publisher/Affiliation(s)/"
               "Retraction Watch Post URL(s)")
REQUIRED = (RID, ORIGINAL, NOTICE, KINDS)

# "MM/DD/YYYY", the PubMed ID's digits (zero-padded, 00000000 for none, or absent), then the DOI from its "10."
# (PubMed IDs are digits only, so the first "10." ends them) or a word such as "unavailable".
_DATE_PMID_DOI = re.compile(r"(\d{1,2}/\d{1,2}/\d{4})?(\d*?)((?:10\.|[^\d]).*)?")
# Retraction Watch's subject areas, each "(BLS) Zoology; ": they stand between the title and the journal.
_SUBJECTS = re.compile(r"(?:\((?:B/T|BLS|ENV|HSC|HUM|PHY|SOC)\) [^;]*;\s*)+")
_PAYWALLED_END = re.compile(r"(?:^|(?<=[a-z)]))(Yes|No|Unknown)$")
# Capitals inside one word, not between two values.
_CAMEL_WORDS = re.compile(r"PLoS|BioMed|PeerJ|SciELO|IUCr|PAGEPress|ScopeMed|MyJove|JoVE|eLife|InTech\w*|GmbH|"
                          r"McGraw|EJournal|XMLink|FapUNIFESP")
# Surname particles written closed up ("McDonald", "DeLuca"): a capital after them does not start a new name.
_PARTICLES = {"Mc", "Mac", "De", "Di", "Da", "Du", "Le", "La", "Lo", "Van", "Von", "Des", "Del", "Della", "Dos", "Das",
              "Al", "El", "Fitz", "St"}
# The page's word for no affiliation, run on after the publisher ("Wileyunknown").
_NO_AFFILIATION = re.compile(r"(?i)(?<=[^\W\d_])(?:unavailable|unknown)$|^(?:unavailable|unknown)$")
# Institution words that go on a name beginning with a country's ("Korea University", "Iran University of Medical
# Sciences", "Seoul National University"): after a country they start a new institution only after an address.
_NAME_GOES_ON = r"(?:University|National|Research|Academy)\b"
_COUNTRY_FORMS = {"United States": ("USA", "U.S.A.", "US"), "United Kingdom": ("UK", "U.K."),
                  "South Korea": ("Korea", "Republic of Korea"), "Netherlands": ("The Netherlands",)}


def sniff(head: bytes, path: Path) -> bool:
    """Parquet's magic "PAR1" at both ends and the website's column names in the footer (read without pyarrow,
    so that a missing pyarrow is reported when the file is read, not taken for another format)."""
    if head[:4] != b"PAR1":
        return False
    try:
        with path.open("rb") as f:
            f.seek(-8, 2)
            tail = f.read(8)
            size = int.from_bytes(tail[:4], "little")
            if tail[4:] != b"PAR1" or size > 16 * 1024 * 1024:
                return False
            f.seek(-8 - size, 2)
            footer = f.read(size)
    except OSError:
        return False
    return all(name.encode() in footer for name in REQUIRED)


def parse(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[SourceRecord]:
    """`limits` is not needed here: pyarrow reads a batch of rows at a time, and ingest checks each value's size."""
    return RecordStream(_rows(path))


def _open(path: Path):
    source = str(path)
    try:
        import pyarrow.parquet as pq
    except ImportError as e:
        raise IngestError(source, "reading Parquet needs pyarrow: pip install 'retractkg[parquet]'") from e
    try:
        return pq.ParquetFile(path)
    except Exception as e:  # noqa: BLE001 - pyarrow's errors (ArrowInvalid, OSError) say what is wrong
        raise IngestError(source, f"not a readable Parquet file: {e}") from e


def _rows(path: Path) -> Iterator[SourceRecord | IngestError]:
    source = str(path)
    parquet = _open(path)
    names = parquet.schema_arrow.names
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise IngestError(source, f"not a Retraction Watch website scrape: no column {', '.join(missing)}")
    descriptions = [name for name in names if name.startswith(DESCRIPTION)]
    wanted = [name for name in (*REQUIRED, REASONS, AUTHORS, COUNTRIES, DOI) if name in names] + descriptions
    number = 0
    try:
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=wanted):
            for row in batch.to_pylist():
                number += 1
                location = f"row {number}"
                rid = row.get(RID)
                if rid is not None and str(rid).strip():
                    location += f", RID {str(rid).strip()}"
                try:
                    yield _record(row, descriptions, source, location)
                except ValueError as e:
                    yield IngestError(source, str(e), location=location,
                                      record_key=str(rid).strip() if rid is not None else "")
    except OSError as e:  # pyarrow's ArrowInvalid and ArrowIOError are OSErrors: a corrupt page or a cut file
        raise IngestError(source, f"cannot read the Parquet data after row {number}: {e}",
                          location=f"row {number + 1}") from e
    finally:
        parquet.close()


def _text(row: dict, column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def _record(row: dict, descriptions: list[str], source: str, location: str) -> SourceRecord:
    record_id = _text(row, RID)
    if not record_id:
        raise ValueError("no RID (the Retraction Watch record id)")
    warnings: list[str] = []
    note = warnings.append

    kinds_cell = _text(row, KINDS)
    kinds = _cut(kinds_cell)
    types_nature = article_types_and_nature(kinds, lone=True)
    if types_nature is None:
        # The article's type alone: the export's empty RetractionNature, which it reads as unclassified.
        note(f"no nature of notice after the article type {kinds_cell!r}: unclassified")
        types_nature = kinds, Nature.UNCLASSIFIED
    article_types, nature = types_nature
    original = _date_pmid_doi(_text(row, ORIGINAL), "original paper", note)
    notice_side = _date_pmid_doi(_text(row, NOTICE), "notice", note)
    if not original[2]:
        original = (*original[:2], doi_cell(_text(row, DOI), "doi", note))
    description = next((_text(row, name) for name in descriptions if _text(row, name)), "")
    countries, paywalled = _countries(_text(row, COUNTRIES))
    title, subjects, journal, publisher, institutions, urls = _description(description, countries, note)
    article = Article(
        title=title, date=original[0], pmid=original[1], doi=original[2],
        journal=Journal(name=journal, publisher=publisher), article_type=";".join(article_types),
        subjects=subjects, countries=given(countries),
        authors=[Person(name=name) for name in given(split_names(_text(row, AUTHORS)))],
        organizations=[Organization(name=name) for name in given(dict.fromkeys(institutions))],
    )
    notice = Notice(
        nature=nature, date=notice_side[0], pmid=notice_side[1], doi=notice_side[2], articles=[article],
        reasons=reason_claims(_reasons(_text(row, REASONS)), warnings),
        paywalled=paywalled, record_ids={SOURCE_ID: record_id}, coverage=urls,
    )
    return SourceRecord(notice=notice, source=source, format=FORMAT, record_key=record_id, location=location,
                        warnings=[f"{source}:{location}: {w}" for w in warnings])


def _date_pmid_doi(cell: str, side: str, note) -> tuple[str, str, str]:
    """ISO date, PubMed ID and DOI of one "Date/PubMedID/DOI" cell; what cannot be read is left out with a note."""
    m = _DATE_PMID_DOI.fullmatch(cell)
    if not m:
        note(f"{side} Date/PubMedID/DOI {cell!r} is not a date, PubMed ID and DOI: left out")
        return "", "", ""
    day, pmid, doi = m.group(1) or "", m.group(2), (m.group(3) or "").strip()
    return (date_cell(day, f"{side} date", note), pmid_cell(pmid, f"{side} PubMed ID", note),
            doi_cell(doi, f"{side} DOI", note))


def _description(cell: str, countries: list[str], note) -> tuple[str, list[str], str, str, list[str], list[str]]:
    """Title, subjects, journal, publisher, institutions and post URLs of the long description column."""
    head, marker, tail = cell.partition(" ---")
    first, *urls = re.split(r"(?=https?://)", tail)
    urls = [url.strip() for url in urls if url.strip()]
    m = _SUBJECTS.search(head)
    if m and marker:
        title, subjects, journal = head[:m.start()], split_list(m.group()), head[m.end():]
    else:  # without subjects (or without "---") title and journal cannot be told apart: the title keeps both
        title, subjects, journal = head, [], ""
        if cell:
            note("title, subjects and journal run together without a subject area between them: "
                 "the whole is kept as the title")
    publisher, affiliations = _publisher_and_affiliations(first.strip(), note)
    institutions = [name for part in _after_countries(affiliations, countries) for name in split_institutions(part)]
    return title.strip(), subjects, journal.strip(), publisher, institutions, urls


def _publisher_and_affiliations(text: str, note) -> tuple[str, str]:
    """"WileyAquaculture Department, ..." -> ("Wiley", "Aquaculture Department, ..."): the publisher ends at the first
    place where two values meet. Where there is none, or what precedes it is not a publisher's name (it has a
    comma, as addresses do), the two cannot be told apart."""
    text = _NO_AFFILIATION.sub("", text).strip()
    joint = next(_joints(text), None)
    publisher, affiliations = (text, "") if joint is None else (text[:joint].strip(), text[joint:].strip())
    if "," in publisher or len(publisher) > 120:
        note(f"publisher and affiliations run together without a clear boundary ({text[:80]!r}...): "
             "both left out")
        return "", ""
    return publisher, affiliations


def _joints(text: str) -> Iterator[int]:
    """Where two values meet without a space: a lower-case letter, a ")" or the end of a known word with capitals
    inside ("PLoS") before a capital or a digit ("WileyAquaculture", "Press1 Department"), a ")" before a letter,
    an acronym's last capital before a capitalised word ("MDPISchool"); never inside a known word."""
    words = [(m.start(), m.end()) for m in _CAMEL_WORDS.finditer(text)]
    ends = {end for _, end in words}
    for i in range(1, len(text)):
        before, here = text[i - 1], text[i]
        if any(start < i < end for start, end in words):
            continue
        if ((here.isupper() or here.isdigit()) and (before.islower() or before == ")" or i in ends)
                or before == ")" and here.isalpha()
                or before.isupper() and here.isupper() and i + 1 < len(text) and text[i + 1].islower()):
            yield i


def _cut(text: str) -> list[str]:
    """The values run together in `text`, cut at its joints."""
    cuts = [0, *_joints(text), len(text)]
    return [text[a:b].strip() for a, b in zip(cuts, cuts[1:], strict=False) if text[a:b].strip()]


def _after_countries(text: str, countries: list[str]) -> list[str]:
    """Affiliations that the scrape joined with a space ("..., Changchun, China Department of ...") split after one
    of the record's countries (or its usual short form) that ends an address."""
    forms = sorted({form for c in countries for form in (c, *_COUNTRY_FORMS.get(c, ()))}, key=len, reverse=True)
    if not text or not forms:
        return [text] if text else []
    # Where the next institution surely starts: glued on, after a full stop, or with a word that starts one; or,
    # after an address (", Shanghai 200433, China Rutherford Appleton Laboratory", ", Kuala Lumpur, Malaysiaand
    # Department"), with any capitalised word. After an organization's own part a country begins a name: in
    # "Department of Anatomy, China Medical University", "College of Medicine, Korea University" and "Department of
    # Surgery, Iran University of Medical Sciences".
    pattern = re.compile(rf"(?<=, )(?:{'|'.join(map(re.escape, forms))})"
                         rf"(?:(?P<sure>(?=[A-Z][a-z])|\.(?=\s+[A-Z])|(?=\s+{INSTITUTION_WORDS})(?!\s+{_NAME_GOES_ON}))"
                         rf"|(?=\s+[A-Z])|(?P<glued>and)(?=\s+[A-Z]))")
    parts, start = [], 0
    for m in pattern.finditer(text):
        before = text[start:m.start()].rstrip(", ")
        if m["sure"] is None and not (ORG_WORDS.search(before) and not ORG_WORDS.search(before.rpartition(",")[2])):
            continue
        parts.append(text[start:m.start("glued") if m["glued"] else m.end()].strip())
        start = m.end()
    parts.append(text[start:].strip())
    return [part[:-1] if part.endswith(".") and part[:-1].endswith(tuple(forms)) else part for part in parts if part]


def _reasons(cell: str) -> list[str]:
    """"+Fake Peer Review+Investigation by Journal/Publisher" as its labels; a label the page ran on without its "+"
    ("Euphemisms for MisconductNotice - No/Limited Information") is cut where both halves are reasons of the
    taxonomy."""
    labels = []
    for label in filter(None, (part.strip() for part in cell.split("+"))):
        if not reason_iri(label):
            cut = next((j for j in _joints(label) if reason_iri(label[:j]) and reason_iri(label[j:])), None)
            if cut is not None:
                labels += [label[:cut], label[cut:]]
                continue
        labels.append(label)
    return labels


def _countries(cell: str) -> tuple[list[str], bool | None]:
    """"SwitzerlandUnited StatesNo" -> (["Switzerland", "United States"], False). Notes, the column's third value,
    do not occur in the scraped file; a cell with text after the paywalled answer keeps it in its last country."""
    m = _PAYWALLED_END.search(cell)
    paywalled = PAYWALLED.get(m.group(1).lower()) if m else None
    countries = cell[:m.start()] if m else cell
    return [part.strip() for part in re.split(r"(?<=[a-z)])(?=[A-Z])", countries) if part.strip()], paywalled


def split_names(cell: str) -> list[str]:
    """"Mohammad Sadegh AramliMohammad Reza Kalbassi" -> the two names. The cell is cut where a capital follows a
    lower-case letter (or "Jr." or a comma); a cut-off piece without a space is no name of its own: it ends the name
    before it after a surname particle ("Nicholas Di" "Rienzo") or at the end, else it starts the next one (a
    given name written "JungMin": "Gwang Lee" "Jung" "Min Ha")."""
    cuts = [i for i in range(1, len(cell)) if cell[i].isupper()
            and (cell[i - 1].islower() or (i > 1 and cell[i - 1] in ".," and cell[i - 2].islower()))]
    names: list[str] = []
    pending = ""
    pieces = [cell[a:b] for a, b in zip([0, *cuts], [*cuts, len(cell)], strict=True)]
    for number, piece in enumerate(pieces, 1):
        piece, pending = pending + piece, ""
        if " " in piece.split(",")[0].strip():  # "Gwin, Jr" (of "G McGwin, Jr") is one word with its suffix
            names.append(piece)
        elif names and (number == len(pieces) or names[-1].split()[-1] in _PARTICLES):
            names[-1] += piece
        else:
            pending = piece
    if pending:
        names.append(pending)
    return [name.strip(" ,") for name in names if name.strip(" ,")]
