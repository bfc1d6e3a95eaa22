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
from collections.abc import Iterator
from datetime import date
from pathlib import Path

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


def parse(path: Path) -> Iterator[SourceRecord]:
    return RecordStream(_rows(path))


def _rows(path: Path) -> Iterator[SourceRecord | IngestError]:
    source = str(path)
    with open_binary(path) as f:
        reader = csv.reader(decoded_lines(f))
        header = [name.strip().lstrip("\ufeff") for name in next(reader, [])]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise IngestError(source, f"not a Retraction Watch export: no column {', '.join(missing)}",
                              location="line 1")
        index = {name: i for i, name in enumerate(header) if name}
        line = reader.line_num + 1
        for row in reader:
            location = f"line {line}"
            line = reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            cells = {name: row[i].strip() if i < len(row) else "" for name, i in index.items()}
            record_id = cells["Record ID"]
            if record_id:
                location += f", Record ID {record_id}"
            try:
                yield _record(cells, source, location)
            except ValueError as e:
                yield IngestError(source, str(e), location=location, record_key=record_id)


def decoded_lines(f) -> Iterator[str]:
    """UTF-8 where it decodes, else ISO-8859-1 (older exports), line by line."""
    for raw in f:
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            yield raw.decode("latin-1")


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
        countries=split_list(cells.get("Country", "")),
        # The export lists authors and institutions separately, without saying who is where.
        authors=[Person(name=name) for name in split_list(cells.get("Author", ""))],
        organizations=[Organization(name=name) for name in split_list(cells.get("Institution", ""))],
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
    if not value or value.lower() in ("unavailable", "none", "n/a", "na", "0"):
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
