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

from retractkg.config import DEFAULT_LIMITS, ReadLimits
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
    reader: Callable[..., Iterator[SourceRecord]]  # the reader module's parse(path, *, limits)
    # The reader itself keeps every value within ReadLimits.field_chars (the csv module's field limit, the
    # JSON type check), so ingest need not walk each record for an oversized one: a sixth of the time of
    # reading a large export or dump.
    bounds_values: bool = False
    # A notice of prose may have a sidecar of metadata beside it (`readers/sidecar.py`): ingest reads it; the
    # reader alone (as `retractkg evaluate` scores it) reads the prose only.
    reads_sidecar: bool = False

    def parse(self, path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[SourceRecord]:
        if self.reads_sidecar:
            return self.reader(path, limits=limits, sidecar=True)
        return self.reader(path, limits=limits)


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
    SourceFormat("pdf", _is_pdf, pdf_notice.parse, reads_sidecar=True),
    SourceFormat("html", _is_html, html_notice.parse, reads_sidecar=True),
    SourceFormat("retraction-watch-csv", retraction_watch.sniff, retraction_watch.parse, bounds_values=True),
    SourceFormat("retraction-watch-website", retraction_watch_website.sniff, retraction_watch_website.parse),
    SourceFormat("retraction-watch-parquet", retraction_watch_parquet.sniff, retraction_watch_parquet.parse),
    SourceFormat("jats", jats.sniff, jats.parse),
    SourceFormat("pubmed", pubmed.sniff, pubmed.parse),
    SourceFormat("crossref", crossref.sniff, crossref.parse, bounds_values=True),
    SourceFormat("text", _is_text, text_notice.parse, reads_sidecar=True),
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


class NotASource(IngestError):
    """A readable file of no format retractkg reads: an error when named, skipped when found in a folder."""


# The names of files that hold notices (a trailing .gz aside): such a file that is empty or binary junk is
# damaged, not something else that happens to sit in the folder. Text of no format retractkg reads is
# skipped whatever its name (folders of notices keep README files and JSON sidecars of metadata).
# Prose (text, PDF, HTML) first: a notice of prose may have a sidecar of metadata beside it.
PROSE_SUFFIXES = {".txt", ".text", ".pdf", ".html", ".htm", ".xhtml"}
NOTICE_SUFFIXES = PROSE_SUFFIXES | {".xml", ".nxml", ".csv", ".tsv", ".jsonl", ".parquet", ".json"}
# Byte order marks of encodings no reader decodes (UTF-32 first: its little-endian mark starts like UTF-16's).
_WIDE_TEXT = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16",
              b"\xfe\xff": "UTF-16"}


def detect(path: Path) -> SourceFormat:
    """The format of the file's content; IngestError for a damaged file, NotASource for a sound one of no format."""
    head = read_head(path)
    if not head.strip():
        raise (IngestError if _notice_name(path) else NotASource)(str(path), "the file is empty")
    for source_format in FORMATS:
        try:
            if source_format.sniff(head, path):
                return source_format
        except Exception as e:  # noqa: BLE001 - a reader's own bug must not end a run of many files
            raise IngestError(str(path), f"the {source_format.name} reader failed on the file's first bytes "
                              f"({type(e).__name__}: {e})") from e
    damage = _damage(head, path)
    if damage:
        raise IngestError(str(path), damage)
    raise NotASource(str(path), "not a format retractkg reads (no notice text, PDF, HTML, CSV, XML or JSON "
                     "it recognises)")


def is_sidecar(path: Path) -> bool:
    """Whether `path` is the sidecar of a prose notice beside it, read with that notice (`readers/sidecar.py`)
    rather than on its own."""
    return path.suffix.lower() == ".json" and any(path.with_suffix(s).is_file() for s in PROSE_SUFFIXES)


def _notice_name(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return Path(name).suffix in NOTICE_SUFFIXES


def _damage(head: bytes, path: Path) -> str:
    """What makes this unrecognised file damaged rather than merely something else ("" if nothing)."""
    for mark, encoding in _WIDE_TEXT.items():
        if head.startswith(mark):
            return f"text in {encoding}, which retractkg does not read: convert it to UTF-8"
    sample = head[:4096]
    if max(sample[0::2].count(0), sample[1::2].count(0)) > len(sample) // 4:  # every other byte 0: ASCII in UTF-16
        return "text in UTF-16 without a byte order mark, which retractkg does not read: convert it to UTF-8"
    if _notice_name(path) and (b"\x00" in sample or _control_bytes(sample) > len(sample) // 10):
        return f"binary content in a {Path(path.name.lower().removesuffix('.gz')).suffix} file: damaged, or not " \
               "what its name says"
    return ""


def _control_bytes(data: bytes) -> int:
    return sum(1 for b in data if b < 32 and b not in (9, 10, 12, 13))


def by_name(name: str) -> SourceFormat:
    for source_format in FORMATS:
        if source_format.name == name:
            return source_format
    raise ValueError(f"unknown format {name!r}; known: {', '.join(f.name for f in FORMATS)}")
