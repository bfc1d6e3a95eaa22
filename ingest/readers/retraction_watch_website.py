"""The Retraction Watch website's export (tab-separated, several lines per record), streamed record by record.

Older copies of the database were saved from the website's search results: a two-line header
("Date/PubMedID/DOI ... Nature of Notice ... Paywalled?", "600 Items Displayed Out of 791 Item(s)
Found ... Notes"), then each record over several lines, its values stacked in columns:

  column 0: title / subjects / "Journal ---Publisher" / institutions (run together) / coverage URLs
  column 1: the "+"-prefixed reasons, one per line      column 2: the authors, one per line
  columns 3 and 4: the original paper's and the notice's date / PubMed ID / DOI, one per line
  column 5: article type / nature                        column 6: countries / paywalled
  column 7: notes

A record starts at a line with a title, the notice's date in column 4 and an article type. Records
have no id: the nature and the notice's and the article's DOIs (or PubMed IDs) key them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from retractkg.config import DEFAULT_LIMITS, ReadLimits
from retractkg.ingest.errors import IngestError
from retractkg.ingest.model import Article, Journal, Nature, Notice, Organization, Person, ReasonClaim, SourceRecord
from retractkg.ingest.readers.bounded import Lines, LineTooLong, decode_line
from retractkg.ingest.readers.retraction_watch import (
    PAYWALLED,
    doi_cell,
    given,
    nature_cell,
    pmid_cell,
    split_list,
    us_date,
)
from retractkg.ingest.readers.streams import RecordStream, open_binary
from retractkg.ontology.reasons import reason_iri

FORMAT = "retraction-watch-website"
_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
# Institutions are run together without a separator: "... TX 76019Department of Mechanical ...", "Davis,
# USADepartment of Plant Pathology" (an institution word glued to what precedes it is always such a seam).
# The words an institution's name starts with.
INSTITUTION_WORDS = (r"(?:Department|Dept\.|Center|Centre|School|Institute|Faculty|Division|Laboratory|College|"
                     r"University|Hospital|Key Laboratory|State Key|Graduate|Program|Unit|Section|Clinic|Research|"
                     r"Academy|National)\b")
# ... or an address ending in a country's or state's capitals glued to the next name ("Davis, USAUnited States
# Department of Agriculture", "Ithaca, NYInstitute").
_GLUED_INSTITUTION = re.compile(rf"(?<=[A-Za-z0-9.)])(?={INSTITUTION_WORDS})|(?<=, [A-Z]{{2}})(?=[A-Z][a-z])"
                                rf"|(?<=, [A-Z]{{3}})(?=[A-Z][a-z])")


def sniff(head: bytes, path: Path) -> bool:
    first = head.split(b"\n", 1)[0]
    return first.startswith(b"Date/PubMedID/DOI\t") and b"Nature of Notice" in first


def parse(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[SourceRecord]:
    return RecordStream(_records(path, limits))


def _records(path: Path, limits: ReadLimits) -> Iterator[SourceRecord | IngestError]:
    source = str(path)
    lines: list[list[str]] = []
    start = 0
    with open_binary(path) as f:
        numbered = Lines(f, source, limits.record_bytes, decode_line)
        while True:
            try:
                line = numbered.next_line()
            except StopIteration:
                break
            except LineTooLong as e:
                yield IngestError(source, f"{e}: skipped; the record it belongs to is read without it",
                                  location=f"line {e.number}")
                continue
            number, text = line.number, line.text
            if number <= 2:
                continue  # the header
            cells = [unquoted(cell.strip()) for cell in text.rstrip("\r\n").split("\t")]
            cells += [""] * (8 - len(cells))
            # A record's first line: its title, the notice's date and the article type (the original paper's
            # date may be missing). Dates also stand where a DOI is missing, on lines with no article type.
            if cells[0] and _DATE.fullmatch(cells[4]) and cells[5]:
                if lines:
                    yield _record(lines, source, f"line {start}")
                lines, start = [], number
            if lines or start == number:
                lines.append(cells)
            elif any(cells):
                yield IngestError(source, "a line before the first record", location=f"line {number}")
    if lines:
        yield _record(lines, source, f"line {start}")


def _column(lines: list[list[str]], index: int) -> list[str]:
    return [line[index] for line in lines]


def _record(lines: list[list[str]], source: str, location: str) -> SourceRecord | IngestError:
    description = _column(lines, 0)
    first, rest = description[:3], description[3:]
    title, subjects, container = (first + ["", "", ""])[:3]
    # Date, PubMed ID and DOI of the original paper (column 3) and of the notice (column 4).
    original, notice_side = ((_column(lines, index) + ["", ""])[:3] for index in (3, 4))
    kinds = [cell for cell in _column(lines, 5) if cell]
    # Column 6: the countries, one per line, then "Yes", "No" or "Unknown" (paywalled).
    countries = [cell for cell in _column(lines, 6) if cell]
    paywalled = countries.pop().lower() if countries and countries[-1].lower() in (*PAYWALLED, "unknown") else ""
    types_nature = article_types_and_nature(kinds)
    if types_nature is None:
        return IngestError(source, f"no nature of notice after the article type in column 5 "
                           f"({' / '.join(kinds)!r})", location=location)
    article_types, nature = types_nature
    journal, _, publisher = container.partition("---")
    warnings: list[str] = []
    note = warnings.append
    institutions = [name for cell in rest if cell and not cell.startswith("http") for name in split_institutions(cell)]
    article = Article(
        title=title, date=us_date(original[0]), pmid=pmid_cell(original[1], "original PubMed ID", note),
        doi=doi_cell(original[2], "original DOI", note),
        journal=Journal(name=journal.strip(), publisher=publisher.strip()),
        article_type=";".join(article_types), subjects=split_list(subjects),
        countries=given(c for cell in countries for c in split_list(cell.replace(",", ";"))),
        authors=[Person(name=name) for name in given(_column(lines, 2)) if name],
        organizations=[Organization(name=name) for name in given(dict.fromkeys(institutions))],
    )
    notice = Notice(
        nature=nature, date=us_date(notice_side[0]), pmid=pmid_cell(notice_side[1], "notice PubMed ID", note),
        doi=doi_cell(notice_side[2], "notice DOI", note),
        articles=[article],
        reasons=reason_claims(_column(lines, 1), warnings),
        notes=" ".join(cell for cell in _column(lines, 7) if cell),
        paywalled=PAYWALLED.get(paywalled),
        coverage=[cell for cell in rest if re.match(r"https?://\S+$", cell)],
    )
    # One notice DOI can carry two records (an expression of concern upgraded to a retraction).
    key = f"{nature.value} {notice.doi or notice.pmid} {article.doi or article.pmid or title}"
    return SourceRecord(notice=notice, source=source, format=FORMAT, record_key=key, location=location,
                        warnings=[f"{source}:{location}: {w}" for w in warnings])


def article_types_and_nature(kinds: list[str], *, lone: bool = False) -> tuple[list[str], Nature] | None:
    """The article's types (one or several) and the notice's nature that follows them; None without a nature.
    A lone nature counts (as one without an article type) only if `lone`: the Parquet scrape has such rows, while
    here a single cell in column 5 is taken for the article type and the record is refused."""
    for position in range(0 if lone and len(kinds) == 1 else 1, len(kinds)):
        nature = nature_cell(kinds[position])
        if nature is not None:
            return kinds[:position], nature
    return None


def unquoted(cell: str) -> str:
    """A cell as written: the saved page quotes a cell that holds a comma, as CSV does (`""` inside for `"`)."""
    if len(cell) > 1 and cell[0] == cell[-1] == '"':
        return cell[1:-1].replace('""', '"').strip()
    return cell


# A numbered list's marker glued to the institution it numbers, after the previous one's address ("Kaohsiung
# 84001, Taiwan 3Chinese Medicine Department"): a seam too; one digit only, as an address's number glued to a
# word is mostly longer ("Gongqingtuan Road 54Hao").
_GLUED_MARKER = re.compile(r"(?<= )(?=\d[A-Z][a-z])")
_LEADING_MARKER = re.compile(r"^\d{1,2}(?=[A-Z][a-z]|\s|$)")
_TRAILING_MARKER = re.compile(r"[\s,]+\d{1,2}$")


def split_institutions(text: str) -> list[str]:
    """The institutions of a cell where the website ran them together. A numbered list's markers ("1Department
    of ..., Switzerland 2Department of ...") are no part of a name: a marker left at the start of a part, or at
    the end of one that another follows (it numbers the next), is dropped, and a part that is only one goes."""
    parts = [part.strip() for piece in _GLUED_INSTITUTION.split(text) for part in _GLUED_MARKER.split(piece)]
    parts = [part for part in parts if part]
    named = [_LEADING_MARKER.sub("", part).strip() for part in parts]
    named = [_TRAILING_MARKER.sub("", part) if i < len(named) - 1 else part for i, part in enumerate(named)]
    return [part for part in named if part]


def reason_claims(cells: list[str], warnings: list[str]) -> list[ReasonClaim]:
    """The reasons in any wording of the taxonomy (current, until 2023, or the oldest "Data - Issues/Errors":
    `ontology/build_reasons.py`); a label none of them knows is left out with a warning."""
    reasons = []
    for cell in cells:
        label = cell.lstrip("+").strip()
        if label and reason_iri(label):
            reasons.append(ReasonClaim(label=label))
        elif label:
            warnings.append(f"reason {label!r} is not in the Retraction Watch taxonomy (either wording): left out")
    return reasons

