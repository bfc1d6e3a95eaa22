"""Ingest errors that say which file, which record or line, and what is wrong."""

from __future__ import annotations


class IngestError(Exception):
    """A source (or one record of it) could not be read; nothing of it was stored."""

    def __init__(self, source: str, message: str, *, location: str = "", record_key: str = "") -> None:
        self.source = source
        self.location = location
        self.record_key = record_key  # the record's key in its source, when known (a stored record is kept)
        self.message = message
        where = f"{source}:{location}" if location else source
        super().__init__(f"{where}: {message}")
