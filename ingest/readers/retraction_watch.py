"""The Retraction Watch database export (CSV, 20 columns), streamed row by row.

One row is one notice about one article; the row's "Record ID" is the record key, so each row
gets its own named graph and a newer export replaces exactly the rows that changed. Quirks of the
real files handled here: a header that may end in a trailing comma, older exports in ISO-8859-1
(decided per line, since a stray Latin-1 byte can appear anywhere), `;`-separated lists with a
trailing `;`, `+`-prefixed reasons, dates such as `8/16/2023 0:00`, PubMedID `0` and DOI
`unavailable` for none, and notice DOIs equal to the article DOI (the mapping drops those).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from retractkg.config import DEFAULT_LIMITS, ReadLimits
from retractkg.ingest.errors import IngestError
from retractkg.ingest.model import (
    Article,
    Journal,
    Nature,
    Notice,
    Organization,
    Person,
    ReasonClaim,
    SourceRecord,
)
from retractkg.ingest.readers.bounded import Lines, LineTooLong, decode_line
from retractkg.ingest.readers.streams import RecordStream, open_binary
from retractkg.ontology.identifiers import normalize_doi

FORMAT = "retraction-watch-csv"
SOURCE_ID = "retraction-watch"  # the key of Notice.record_ids

COLUMNS = ("Record ID", "Title", "Subject", "Institution", "Journal", "Publisher", "Country", "Author", "URLS",
           "ArticleType", "RetractionDate", "RetractionDOI", "RetractionPubMedID", "OriginalPaperDate",
           "OriginalPaperDOI", "OriginalPaperPubMedID", "RetractionNature", "Reason", "Paywalled", "Notes")
# Without these a row cannot be turned into a notice; the others are read when present.
REQUIRED = ("Record ID", "RetractionNature", "OriginalPaperDOI", "RetractionDOI")

NATURES = {
    "retraction": Nature.RETRACTION,
    "partial retraction": Nature.PARTIAL_RETRACTION,
    "withdrawal": Nature.WITHDRAWAL,
    "removal": Nature.REMOVAL,
    "expression of concern": Nature.EXPRESSION_OF_CONCERN,
    "correction": Nature.CORRECTION,
    "reinstatement": Nature.REINSTATEMENT,
}
PAYWALLED = {"yes": True, "no": False}

_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?")


def sniff(head: bytes, path: Path) -> bool:
    """The export's header row: "Record ID,Title,..." (a BOM and a trailing comma allowed)."""
    lines = head.removeprefix(b"\xef\xbb\xbf").splitlines()  # \n, \r\n or a lone \r
    if not lines:
        return False
    try:
        header = {name.strip() for name in next(csv.reader([lines[0].decode("latin-1")]), [])}
    except csv.Error:  # not CSV at all
        return False
    return set(REQUIRED) <= header


def parse(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[SourceRecord]:
    return RecordStream(_rows(path, limits))


def _rows(path: Path, limits: ReadLimits) -> Iterator[SourceRecord | IngestError]:
    source = str(path)
    with open_binary(path) as f:
        lines = Lines(f, source, limits.record_bytes, decode_line)
        reader = csv.reader(lines)
        try:
            header = [name.strip().lstrip("\ufeff") for name in next(reader, [])]
        except (csv.Error, LineTooLong) as e:
            raise IngestError(source, f"not a Retraction Watch export: the header does not read ({e})",
                              location="line 1") from e
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise IngestError(source, f"not a Retraction Watch export: no column {', '.join(missing)}",
                              location="line 1")
        index = {name: i for i, name in enumerate(header) if name}
        starts = RecordStart(index, len(header))
        # The csv module's one limit is process-wide: set for each export read, the largest value it will take.
        csv.field_size_limit(limits.field_chars)
        while True:
            lines.mark()
            try:
                row = next(reader)
            except StopIteration:
                return
            except (csv.Error, LineTooLong) as e:
                yield _damaged(source, lines, starts, e)
                continue
            taken = lines.taken
            if len(taken) > 1 and (runs_on := next((i for i, line in enumerate(taken) if i and starts(line.text)), 0)):
                yield _damaged(source, lines, starts, RunOn(taken[runs_on].number))
                continue
            if lines.ran_out:  # the csv module ends a row at the end of a line unless a quote is open
                yield _damaged(source, lines, starts, ValueError("a quote (\") opened in it is never closed"))
                continue
            if not any(cell.strip() for cell in row):
                continue
            if not starts.width_fits(row):
                yield _damaged(source, lines, starts, ValueError(
                    f"{len(row)} cells where the header has {len(header)}: a stray quote or comma shifts the columns"))
                continue
            cells = {name: row[i].strip() if i < len(row) else "" for name, i in index.items()}
            record_id = cells["Record ID"]
            location = f"line {taken[0].number}" + (f", Record ID {record_id}" if record_id else "")
            try:
                yield _record(cells, source, location)
            except ValueError as e:
                yield IngestError(source, str(e), location=location, record_key=record_id)


class RunOn(Exception):
    """A record that took in the line where the next record starts: a quote opened in it is never closed."""

    def __init__(self, number: int) -> None:
        super().__init__(f"a quote (\") opened in it is never closed, so it runs on into the record on line {number}")


class RecordStart:
    """Whether a line, read alone, starts a valid record: a Record ID, then the export's column pattern.

    This is how reading finds its footing again after damage: a line that starts with a Record ID and whose
    cells fit the columns (a known RetractionNature, dates where dates go, as many cells as the header)
    is the start of the next record, even when an unclosed quote before it would swallow it.
    """

    def __init__(self, index: dict[str, int], header_width: int) -> None:
        self.header_width = header_width
        self.width = max(index.values()) + 1
        self.id = index["Record ID"]
        self.nature = index["RetractionNature"]
        self.dates = [index[name] for name in ("RetractionDate", "OriginalPaperDate") if name in index]

    def __call__(self, line: str) -> bool:
        if not _RECORD_ID.match(line):
            return False
        reader = csv.reader([line, "\n"])  # a cell left open at the line's end takes the second line in
        try:
            cells = next(reader)
        except csv.Error:
            return False
        closed = cells if reader.line_num == 1 else cells[:-1]
        if (reader.line_num == 1 and not self.width_fits(cells)) or len(closed) < 2:
            return False
        if not closed[self.id].strip().isdigit():
            return False
        if self.nature < len(closed) and closed[self.nature].strip() and nature_cell(closed[self.nature]) is None:
            return False
        return all(not closed[i].strip() or us_date(closed[i]) for i in self.dates if i < len(closed))

    def width_fits(self, row: list[str]) -> bool:
        """As many cells as the header names (empty cells past them are a trailing comma)."""
        return len(row) >= self.width and not any(cell.strip() for cell in row[max(self.width, self.header_width):])


_RECORD_ID = re.compile(r'\s*"?(\d+)"?\s*,')


def _damaged(source: str, lines: Lines, starts: RecordStart, problem: Exception) -> IngestError:
    """The error for a record that cannot be read, after which reading goes on at the next line that starts one.

    The lines the broken record took after its first are read again from the first that starts a record;
    if none does, lines are skipped until one does (they are the rest of the broken record's runaway cell).
    """
    taken = lines.taken
    first = taken[0].number if taken else getattr(problem, "number", lines.number)
    head = taken[0].text if taken else decode_line(getattr(problem, "head", b""))
    record_id = m.group(1) if (m := _RECORD_ID.match(head)) else ""
    again = next((i for i, line in enumerate(taken) if i and starts(line.text)), None)
    if again is not None:
        lines.push_back(taken[again:])
        skipped_to = taken[again].number - 1
    else:
        skipped_to = taken[-1].number if taken else first
        while True:
            try:
                line = lines.next_line()
            except StopIteration:
                skipped_to = lines.number
                break
            except LineTooLong as e:
                skipped_to = e.number
                continue
            if starts(line.text):
                lines.push_back([line])
                break
            skipped_to = line.number
    where = f"line {first}" + (f", Record ID {record_id}" if record_id else "")
    lost = f"lines {first}-{skipped_to}" if skipped_to > first else f"line {first}"
    if isinstance(problem, csv.Error):
        problem = f"{problem} (RETRACTKG_MAX_FIELD_CHARS): a cell that long is damage, or a quote left open"
    return IngestError(source, f"the record cannot be read: {problem}; {lost} skipped, reading goes on with the "
                       "next line that starts a record", location=where, record_key=record_id)


def _record(cells: dict[str, str], source: str, location: str) -> SourceRecord:
    record_id = cells["Record ID"]
    if not record_id:
        raise ValueError("no Record ID")
    warnings: list[str] = []

    def note(message: str) -> None:
        warnings.append(f"{source}:{location}: {message}")

    nature_text = cells.get("RetractionNature", "")
    nature = nature_cell(nature_text) if nature_text else Nature.UNCLASSIFIED
    if nature is None:
        raise ValueError(f"unknown RetractionNature {nature_text!r}; expected one of {', '.join(NATURES)}")
    article = Article(
        title=cells.get("Title", ""),
        doi=doi_cell(cells.get("OriginalPaperDOI", ""), "OriginalPaperDOI", note),
        pmid=pmid_cell(cells.get("OriginalPaperPubMedID", ""), "OriginalPaperPubMedID", note),
        date=date_cell(cells.get("OriginalPaperDate", ""), "OriginalPaperDate", note),
        journal=Journal(name=cells.get("Journal", ""), publisher=cells.get("Publisher", "")),
        article_type=";".join(split_list(cells.get("ArticleType", ""))),
        subjects=split_list(cells.get("Subject", "")),
        countries=given(split_list(cells.get("Country", ""))),
        # The export lists authors and institutions separately, without saying who is where.
        authors=[Person(name=name) for name in given(split_list(cells.get("Author", "")))],
        organizations=[Organization(name=name) for name in given(split_list(cells.get("Institution", "")))],
    )
    paywalled_cell = cells.get("Paywalled", "")
    notice = Notice(
        nature=nature,
        doi=doi_cell(cells.get("RetractionDOI", ""), "RetractionDOI", note),
        pmid=pmid_cell(cells.get("RetractionPubMedID", ""), "RetractionPubMedID", note),
        date=date_cell(cells.get("RetractionDate", ""), "RetractionDate", note),
        articles=[article],
        reasons=[ReasonClaim(label=label.lstrip("+").strip()) for label in split_list(cells.get("Reason", ""))],
        notes=cells.get("Notes", ""),
        paywalled=PAYWALLED.get(paywalled_cell.lower()),
        record_ids={SOURCE_ID: record_id},
        coverage=_urls(cells, note),
    )
    if paywalled_cell and paywalled_cell.lower() not in PAYWALLED and paywalled_cell.lower() != "unknown":
        note(f"Paywalled {paywalled_cell!r} is neither Yes, No nor Unknown: left out")
    return SourceRecord(notice=notice, source=source, format=FORMAT, record_key=record_id,
                        location=location, warnings=warnings)


# The export's words for none given, as data (`no_value.txt`).
NO_VALUE = frozenset(line.strip().lower() for line in
                     Path(__file__).with_name("no_value.txt").read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


def given(items: Iterable[str]) -> list[str]:
    """The items that name something: the export's words for none given (`no_value.txt`) left out."""
    return [item for item in items if item.lower() not in NO_VALUE]


def split_list(cell: str) -> list[str]:
    """A `;`-separated cell (trailing `;` or not) as its non-empty items, duplicates dropped."""
    return list(dict.fromkeys(filter(None, map(str.strip, cell.split(";")))))  # C loops: called ~7 times a row


def _urls(cells: dict[str, str], note) -> list[str]:
    urls = []
    for url in split_list(cells.get("URLS", "")):
        if re.match(r"https?://\S+$", url, re.I):
            urls.append(url)
        else:
            note(f"URLS item {url!r} is not a web address: left out")
    return urls


def doi_cell(value: str, column: str, note) -> str:
    """The DOI in a cell ("" for the export's ways of saying none); `note` is told of anything else."""
    if not value or value == "0" or value.lower() in NO_VALUE:
        return ""
    doi = normalize_doi(value)
    if not doi:
        note(f"{column} {value!r} is not a DOI: left out")
    return doi


def pmid_cell(value: str, column: str, note) -> str:
    """The PubMed ID in a cell ("" for 0, the export's none); `note` is told of anything else."""
    value = value.strip()
    if value in ("", "0"):
        return ""
    if not value.isdigit():
        note(f"{column} {value!r} is not a PubMed ID: left out")
        return ""
    return value.lstrip("0")


def nature_cell(value: str) -> Nature | None:
    """The nature a cell names, in any case and spacing ("Expression of concern"); None for any other text, which
    each reader answers its own way (an error, a missing nature, an unclassified notice)."""
    return NATURES.get(" ".join(value.lower().split()))


def date_cell(value: str, column: str, note) -> str:
    """The ISO date of a cell ("" if empty); `note` is told of a value that is not a date."""
    if not value:
        return ""
    iso = us_date(value)
    if not iso:
        note(f"{column} {value!r} is not a date (M/D/YYYY): left out")
    return iso


def us_date(value: str) -> str:
    """ISO 8601 from "8/16/2023 0:00", "08/16/2023" or an ISO date; "" if it is none of them."""
    value = value.strip()
    m = _US_DATE.fullmatch(value)
    if m:
        month, day, year = (int(g) for g in m.groups())
    else:
        m = _ISO_DATE.fullmatch(value)
        if not m:
            return ""
        year, month, day = (int(g) for g in m.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""
