"""Source formats: how each is recognised from its content, and which parser reads it.

Every parser is a function `parse(path) -> Iterator[SourceRecord]` that raises `IngestError`
for a record it cannot read (the pipeline reports it and goes on with the next record) and for a
file it cannot read at all. Detection looks at the bytes, not only at the file name.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from retractkg.ingest.errors import IngestError
from retractkg.ingest.model import SourceRecord
from retractkg.ingest.readers import (
    crossref,
    html_notice,
    jats,
    pdf_notice,
    pubmed,
    retraction_watch,
    retraction_watch_parquet,
    retraction_watch_website,
    text_notice,
)

SNIFF_BYTES = 65536


@dataclass(frozen=True)
class SourceFormat:
    name: str
    sniff: Callable[[bytes, Path], bool]  # given the (decompressed) head of the file
    parse: Callable[[Path], Iterator[SourceRecord]]


def _lower(head: bytes) -> str:
    return head[:4096].decode("utf-8", "replace").lstrip("\ufeff \t\r\n").lower()


def _is_pdf(head: bytes, path: Path) -> bool:
    return head.lstrip()[:5] == b"%PDF-"


def _is_html(head: bytes, path: Path) -> bool:
    text = _lower(head)
    return text.startswith(("<!doctype html", "<html")) or ("<html" in text and "<head" in text)


def _is_text(head: bytes, path: Path) -> bool:
    """Prose, not structured data: JSON, XML and delimited tables are left to their own sniffers."""
    if b"\x00" in head or path.suffix.lower() in (".md", ".markdown", ".rst"):
        return False  # a folder's README or SOURCES.md documents the notices; it is not one
    text = head[:8192].decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if text[:1] in ("{", "[", "<"):
        return False
    return not (_looks_delimited(text) or _mostly_tabbed(text))


def _mostly_tabbed(text: str) -> bool:
    """A table whose rows vary in width (a saved web page of search results): most lines hold several tabs,
    which the prose of a notice, even extracted from a PDF, does not."""
    lines = [line for line in text.splitlines()[:60] if line.strip()]
    return len(lines) >= 5 and sum(line.count("\t") >= 2 for line in lines) >= 0.8 * len(lines)


def _looks_delimited(text: str) -> bool:
    """A table: its first rows (quoted cells may span lines) have the same number (>= 2) of cells."""
    text = text[:text.rfind("\n")] if "\n" in text else text  # the head may end mid-row
    for delimiter in (",", "\t", ";"):
        try:
            rows = list(itertools.islice(csv.reader(io.StringIO(text), delimiter=delimiter), 4))
        except csv.Error:
            continue
        widths = {len(row) for row in rows}
        if len(rows) >= 2 and len(widths) == 1 and min(widths) >= 2:
            return True
    return False


# Most specific first; plain text is the fallback for anything that decodes.
FORMATS: list[SourceFormat] = [
    SourceFormat("pdf", _is_pdf, pdf_notice.parse),
    SourceFormat("html", _is_html, html_notice.parse),
    SourceFormat("retraction-watch-csv", retraction_watch.sniff, retraction_watch.parse),
    SourceFormat("retraction-watch-website", retraction_watch_website.sniff, retraction_watch_website.parse),
    SourceFormat("retraction-watch-parquet", retraction_watch_parquet.sniff, retraction_watch_parquet.parse),
    SourceFormat("jats", jats.sniff, jats.parse),
    SourceFormat("pubmed", pubmed.sniff, pubmed.parse),
    SourceFormat("crossref", crossref.sniff, crossref.parse),
    SourceFormat("text", _is_text, text_notice.parse),
]


def read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            head = f.read(SNIFF_BYTES)
    except OSError as e:
        raise IngestError(str(path), f"cannot read: {e.strerror or e}") from e
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as f:
                head = f.read(SNIFF_BYTES)
        except (OSError, EOFError) as e:
            raise IngestError(str(path), f"not a readable gzip file: {e}") from e
    return head


def detect(path: Path) -> SourceFormat:
    head = read_head(path)
    if not head.strip():
        raise IngestError(str(path), "the file is empty")
    for source_format in FORMATS:
        try:
            if source_format.sniff(head, path):
                return source_format
        except Exception as e:  # noqa: BLE001 - a reader's own bug must not end a run of many files
            raise IngestError(str(path), f"the {source_format.name} reader failed on the file's first bytes "
                              f"({type(e).__name__}: {e})") from e
    raise IngestError(str(path), "not a format retractkg reads (no notice text, PDF, HTML, CSV, XML or JSON "
                      "it recognises)")


def by_name(name: str) -> SourceFormat:
    for source_format in FORMATS:
        if source_format.name == name:
            return source_format
    raise ValueError(f"unknown format {name!r}; known: {', '.join(f.name for f in FORMATS)}")
