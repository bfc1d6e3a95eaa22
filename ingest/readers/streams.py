"""What every reader reads through: a file's bytes (gunzipped on the fly) and a stream of records that
carries per-record errors, so one bad record does not end the file."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from retractkg.ingest.errors import IngestError
from retractkg.ingest.model import SourceRecord


def open_binary(path: Path) -> BinaryIO:
    """The file's bytes, decompressed on the fly if it is gzipped: parsers stream from it."""
    try:
        f = path.open("rb")
        if f.read(2) == b"\x1f\x8b":
            f.close()
            return gzip.open(path, "rb")  # type: ignore[return-value]
        f.seek(0)
        return f
    except OSError as e:
        raise IngestError(str(path), f"cannot read: {e.strerror or e}") from e


class RecordStream(Iterator[SourceRecord]):
    """Turns a generator of records and per-record errors into the parser contract.

    A generator that raises is finished, so a multi-record parser yields its bad records as
    `IngestError`s instead; this iterator raises them one by one and then goes on with the next record.
    """

    def __init__(self, items: Iterator[SourceRecord | IngestError]) -> None:
        self._items = items

    def __next__(self) -> SourceRecord:
        item = next(self._items)
        if isinstance(item, IngestError):
            raise item
        return item
