"""Reading a reference list: DOIs/PMIDs one a line or as a JSON list, CSL-JSON, BibTeX or RIS.

Each entry keeps where it was (line, citation key) so an answer, or an error, names it. The formats
are parsed by maintained libraries (bibtexparser, rispy, json); only detection and the line of each
entry are ours. An entry with no DOI or PMID is kept (answered "no identifier"); one that cannot be
read at all makes the whole list a `ReferenceListError`, naming it, so nothing is silently dropped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import bibtexparser
import rispy
from bibtexparser.bparser import BibTexParser

from retractkg.api.works import identifier_iri

MAX_ENTRIES = 1000
MAX_BYTES = 2 * 1024 * 1024
BIBTEX_START = re.compile(r"^[ \t]*@([A-Za-z]+)[ \t]*[{(][ \t]*([^,\s]*)", re.M)
RIS_START = re.compile(r"^TY  - ", re.M)
RIS_TAG = re.compile(r"^[A-Z][A-Z0-9]  - ", re.M)
PUBMED_ID = re.compile(r"PMID:\s*(\d+)", re.I)


class ReferenceListError(ValueError):
    """The list cannot be read; the message names the entry (and line) that could not be parsed."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Entry:
    number: int  # from 1, in the order of the list
    line: int | None  # where the format has lines
    key: str  # citation key, or the identifier as written
    identifier: str  # a DOI or PMID as written, "" when the entry gives none

    @property
    def iri(self) -> str | None:
        return identifier_iri(self.identifier) if self.identifier else None


def read_list(text: str) -> tuple[str, list[Entry]]:
    """The format detected and the entries of a reference list (at most `MAX_ENTRIES`)."""
    if len(text.encode()) > MAX_BYTES:
        raise ReferenceListError(f"the list is larger than {MAX_BYTES // (1024 * 1024)} MB", 413)
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")):
        fmt, entries = "json", _json(text)
    elif BIBTEX_START.search(text):
        fmt, entries = "bibtex", _bibtex(text)
    elif RIS_START.search(text):
        fmt, entries = "ris", _ris(text)
    else:
        fmt, entries = "identifiers", _lines(text)
    if not entries:
        raise ReferenceListError("the list holds no entries")
    if len(entries) > MAX_ENTRIES:
        raise ReferenceListError(f"the list holds {len(entries):,} entries; at most {MAX_ENTRIES:,} at once", 413)
    return fmt, entries


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _lines(text: str) -> list[Entry]:
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        value = line.strip()
        if not value:
            continue
        if identifier_iri(value) is None:
            raise ReferenceListError(f"line {number}: {value[:100]!r} is neither a DOI nor a PMID")
        entries.append(Entry(len(entries) + 1, number, value, value))
    return entries


def _json(text: str) -> list[Entry]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ReferenceListError(f"line {e.lineno}, column {e.colno}: not JSON ({e.msg})") from e
    if isinstance(data, dict):
        data = data.get("items", data.get("ids"))
    if not isinstance(data, list):
        raise ReferenceListError('JSON must be a list of DOIs/PMIDs or CSL-JSON items, or {"ids": [...]}')
    entries = []
    for number, item in enumerate(data, 1):
        if isinstance(item, str | int) and not isinstance(item, bool):
            value = str(item).strip()
            if identifier_iri(value) is None:
                raise ReferenceListError(f"entry {number}: {value[:100]!r} is neither a DOI nor a PMID")
            entries.append(Entry(number, None, value, value))
        elif isinstance(item, dict):  # CSL-JSON: DOI and PMID are standard variables
            fields = {str(k).upper(): v for k, v in item.items()}
            value = str(fields.get("DOI") or fields.get("PMID") or "").strip()
            entries.append(Entry(number, None, str(item.get("id", value)), value))
        else:
            raise ReferenceListError(f"entry {number}: {json.dumps(item)[:100]} is neither an identifier nor a "
                                     "CSL-JSON item")
    return entries


def _bibtex(text: str) -> list[Entry]:
    starts = [(m.group(1).lower(), m.group(2), _line_of(text, m.start())) for m in BIBTEX_START.finditer(text)]
    starts = [s for s in starts if s[0] not in ("comment", "preamble", "string")]
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False, interpolate_strings=True)
    try:
        parsed = bibtexparser.loads(text, parser=parser).entries
    except Exception as e:  # the parser raises pyparsing's and its own errors alike
        raise ReferenceListError(f"BibTeX could not be read: {e}") from e
    by_key = {entry.get("ID", ""): entry for entry in parsed}
    entries = []
    for number, (_, key, line) in enumerate(starts, 1):
        entry = by_key.get(key)
        if entry is None:
            raise ReferenceListError(f"line {line}: BibTeX entry {key!r} could not be parsed")
        pmid = entry.get("pmid") or (PUBMED_ID.search(entry.get("note", "")) or [None, ""])[1]
        entries.append(Entry(number, line, key, (entry.get("doi") or pmid or "").strip()))
    return entries


def _ris(text: str) -> list[Entry]:
    lines = [_line_of(text, m.start()) for m in RIS_START.finditer(text)]
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not RIS_TAG.match(line) and not line.startswith("ER  -"):
            raise ReferenceListError(f"line {number}: {line[:100]!r} is not an RIS tag line (XX  - value)")
    try:
        parsed = rispy.loads(text)
    except Exception as e:  # rispy raises plain IOError/ValueError for broken records
        raise ReferenceListError(f"RIS could not be read: {e}") from e
    if len(parsed) != len(lines):
        raise ReferenceListError(f"RIS: {len(lines)} records start with TY but {len(parsed)} end with ER")
    entries = []
    for number, (record, line) in enumerate(zip(parsed, lines, strict=True), 1):
        doi = record.get("doi", "")
        pmid = next((u for u in record.get("urls", []) if identifier_iri(u)), "") if not doi else ""
        key = record.get("id") or record.get("primary_title") or record.get("title") or f"record {number}"
        entries.append(Entry(number, line, str(key), (doi or pmid).strip()))
    return entries
