"""Reading input within limits (`retractkg.config.ReadLimits`): never more than a limit in memory.

Gzipped input is decompressed as it is read, so reading stops at the limit however far the file
would inflate (a few MB of gzip can hold gigabytes of zeros), and a damaged gzip stream is an error
naming the file, not a crash of the reader. Files read whole are read up to the limit plus one byte;
files read line by line never hold more than one line of the limit's size.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Generic, TypeVar

from lxml import etree

from retractkg.ingest.errors import IngestError
from retractkg.ingest.readers.streams import open_binary

T = TypeVar("T")
# What a damaged gzip stream raises while it is read: cut short (EOFError), bad data (zlib.error, OSError).
STREAM_ERRORS = (EOFError, OSError, zlib.error)
_SKIP_CHUNK = 1 << 20


def read_bounded(path: Path, limit: int, what: str) -> bytes:
    """The whole (decompressed) file, or an IngestError once it passes `limit` bytes (nothing more is read)."""
    with open_binary(path) as f:
        try:
            data = f.read(limit + 1)
        except STREAM_ERRORS as e:
            raise IngestError(str(path), f"not a readable gzip file: {e}") from e
    if len(data) > limit:
        raise IngestError(str(path), f"larger than {limit:,} bytes, the limit for {what} "
                          "(RETRACTKG_MAX_RECORD_BYTES): not read")
    return data


def decode_line(raw: bytes) -> str:
    """UTF-8 where it decodes, else ISO-8859-1 (older exports mix them line by line)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


@dataclass(frozen=True)
class Line(Generic[T]):
    number: int  # from 1
    text: T


class LineTooLong(Exception):
    """A line above the limit: it was skipped whole; `head` is its start (a record key may be read from it)."""

    def __init__(self, number: int, size: int, limit: int, head: bytes) -> None:
        self.number, self.size, self.limit, self.head = number, size, limit, head
        super().__init__(f"a line of {size:,} bytes, above the limit of {limit:,} (RETRACTKG_MAX_RECORD_BYTES)")


class Lines(Iterator[T]):
    """The lines of a stream, numbered, decoded with `decode`, each at most `limit` bytes.

    Readers that must find their footing again after damage (an unbalanced quote in a CSV file)
    look at the lines taken since `mark()` and `push_back` those they want read again. A line above
    the limit raises `LineTooLong` (after skipping it, so the next line can be read); a damaged
    gzip stream raises IngestError for the file.
    """

    def __init__(self, f: BinaryIO, source: str, limit: int, decode: Callable[[bytes], T]) -> None:
        self._f, self._source, self._limit, self._decode = f, source, limit, decode
        self._back: list[Line[T]] = []
        self.number = 0  # the last line read from the stream
        self.taken: list[Line[T]] = []
        self.ran_out = False  # the end of the stream was reached since `mark()`

    def __next__(self) -> T:
        try:
            line = self._back.pop() if self._back else self._read()
        except StopIteration:
            self.ran_out = True
            raise
        self.taken.append(line)
        return line.text

    def next_line(self) -> Line[T]:
        """The next line with its number (StopIteration at the end); `taken` holds only it."""
        self.mark()
        next(self)
        return self.taken[-1]

    def mark(self) -> None:
        """Start a new record: `taken` and `ran_out` are about what is read from here on."""
        self.taken = []
        self.ran_out = False

    def push_back(self, lines: list[Line[T]]) -> None:
        """Read these lines again, in order, before the rest of the stream."""
        self._back.extend(reversed(lines))

    def _read(self) -> Line[T]:
        raw = self._readline(self._limit + 1)
        if not raw:
            raise StopIteration
        self.number += 1
        if len(raw) > self._limit and not raw.endswith(b"\n"):
            head, size = raw[:256], len(raw)
            while not raw.endswith(b"\n"):
                raw = self._readline(_SKIP_CHUNK)
                if not raw:
                    break
                size += len(raw)
            raise LineTooLong(self.number, size, self._limit, head)
        return Line(self.number, self._decode(raw))

    def _readline(self, size: int) -> bytes:
        try:
            return self._f.readline(size)
        except STREAM_ERRORS as e:
            raise IngestError(self._source, f"the file is damaged after line {self.number} "
                              f"(not a readable gzip stream: {e}); the lines before it were read",
                              location=f"line {self.number + 1}") from e


class RecordTooLarge(Exception):
    """More than the limit read for one record of a streaming parser (see `RecordBytes`)."""


class RecordBytes:
    """A binary stream for a streaming parser (lxml's `iterparse`) that may read at most `limit` bytes for one record.

    Such a parser holds a record whole until its end tag, so an article of 50 MB is 50 MB (and more) in
    memory; the parser's reader calls `record_done()` after each record, and a record that passes the
    limit raises RecordTooLarge from the parser (the file cannot be followed past it).
    """

    def __init__(self, f: BinaryIO, source: str, limit: int) -> None:
        self._f, self._source, self.limit = f, source, limit
        self._since = 0

    def read(self, size: int | None = -1) -> bytes:
        try:
            data = self._f.read(65536 if size is None or size < 0 else size)
        except STREAM_ERRORS as e:
            raise IngestError(self._source, f"the file is damaged (not a readable gzip stream: {e}); the records "
                              "before it were read") from e
        self._since += len(data)
        if self._since > self.limit:
            raise RecordTooLarge(f"larger than {self.limit:,} bytes, the limit for one record "
                                 "(RETRACTKG_MAX_RECORD_BYTES)")
        return data

    def record_done(self) -> None:
        self._since = 0


class XmlRecords:
    """The elements of one tag in an XML file, each read within the record limit and dropped once handled.

    lxml's `iterparse` keeps every element it has read; a large PubMed or PMC article set stays flat in
    memory only if each record is cleared, with its processed siblings, when the reader moves on. No DTD
    is loaded, no entity resolved, nothing fetched: the files name their DTDs by URL and there is no network.
    `count` is how many records were handed out; a record past the limit ends the file with an error naming
    the record (`{label} {count + 1}`).
    """

    def __init__(self, f: BinaryIO, source: str, limit: int, tag: str, label: str, **options: object) -> None:
        self.source, self.label = source, label
        self.stream = RecordBytes(f, source, limit)
        self.events = etree.iterparse(self.stream, events=("end",), tag=tag, no_network=True, resolve_entities=False,
                                      huge_tree=True, **options)
        self.count = 0

    @property
    def error_log(self):
        """What a recovering parser overlooked so far."""
        return self.events.error_log

    def __iter__(self) -> Iterator[etree._Element]:
        try:
            for _, element in self.events:
                self.count += 1
                yield element
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del element.getparent()[0]
                self.stream.record_done()
        except RecordTooLarge as e:
            raise IngestError(self.source, f"{e}: not read, nor the rest of the file",
                              location=f"{self.label} {self.count + 1}") from e
