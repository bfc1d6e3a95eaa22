"""What one ingest run did, record by record: the pipeline fills it, the batch writer adds what it
stored, the CLI prints it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from retractkg.ingest.errors import IngestError


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)  # graph IRIs
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[IngestError] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files in a folder that are no notice format
    withdrawn: list[str] = field(default_factory=list)  # graph IRIs removed by `replace_source`
    warnings: list[str] = field(default_factory=list)  # what parsers left out of records they kept
    started: float = field(default_factory=time.monotonic)

    @property
    def records(self) -> int:
        return len(self.added) + len(self.updated) + self.unchanged

    def summary(self) -> str:
        withdrawn = f", {len(self.withdrawn)} withdrawn" if self.withdrawn else ""
        return (f"{self.records} records: {len(self.added)} added, {len(self.updated)} updated, "
                f"{self.unchanged} unchanged{withdrawn}, {len(self.errors)} errors")

    def progress(self) -> str:
        """A progress line for long runs: the summary so far, elapsed time and rate."""
        elapsed = time.monotonic() - self.started
        rate = self.records / elapsed if elapsed > 0 else 0.0
        return f"{self.summary()} ({elapsed:.0f} s, {rate:,.0f} records/s)"


Progress = Callable[[IngestReport], None]
