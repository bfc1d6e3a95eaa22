"""Writing mapped records to the store in batches: several at once, each atomic, announced in order.

A batch's new records are one bulk load. The embedded store's bulk load releases the GIL and keeps
about one core busy (it parses, then builds its index files), so two loads at once use both cores
while the next batch is read and mapped (`GraphStore.write_concurrency`). The change log entries of
a batch's new records ride in a later batch's load, once those records are stored, and only one write
in flight carries entries: so the change feed announces nothing that is not stored, and grows only
at its end. (A small load of its own for each batch's entries costs more than it seems: every load
adds files that the store's compaction merges again; 8-16 s of CPU on the full-size export.) Records
whose content changed replace their graphs in one transaction with their entries, once every write
before them is done.

Killed at any point, the store holds whole records. Records stored but not announced yet are not
taken as stored (`announced_hashes`): the next run stores and announces them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType

from retractkg.config import Settings
from retractkg.ingest.mapping import MappedRecord
from retractkg.ingest.report import IngestReport
from retractkg.store import GraphStore
from retractkg.store.change_log import announced_any, announced_hashes, change_log, change_nquads

# A batch is one atomic write, whatever its size (`OxigraphStore.replace_graphs_nquads`).
# Up to `writers` + 1 batches are in memory at once (written, and read). With two loads at once, a
# load of 600k quads costs more per quad than one of 400k, and one of 300k more compaction.
BATCH_QUADS = 400_000


@dataclass
class BatchPlan:
    """What a batch writes: records new to the store, and records whose content changed ({graph: record})."""

    created: dict[str, MappedRecord]
    updated: dict[str, MappedRecord]


def plan_batch(batch: list[MappedRecord], known: dict[str, str], report: IngestReport) -> BatchPlan:
    """Sort the batch's records by `known` (each graph's announced hash) and count the unchanged ones."""
    # Two records of one batch may describe the same graph; the later one wins, as it would across batches.
    latest = {mapped.graph: mapped for mapped in batch}
    changed = {g: m for g, m in latest.items() if known.get(g) != m.content_hash}
    report.unchanged += len(batch) - len(changed)
    return BatchPlan(created={g: m for g, m in changed.items() if g not in known},
                     updated={g: m for g, m in changed.items() if g in known})


@dataclass
class _Write:
    plan: BatchPlan
    future: Future[None]
    announces: bool  # whether it carries change log entries
    entries: list[tuple[str, str, str]]  # those entries, (graph, notice, content hash): not in the store's log yet


class BatchWriter:
    """Collects mapped records into batches and writes them; use it as a context manager.

    A batch is written when it holds `batch_size` records or `batch_quads` quads; `writers` batches
    (by default as many as the store takes at once) are written at once. `progress` is called after
    each batch is stored.
    """

    def __init__(self, store: GraphStore, settings: Settings, report: IngestReport, *, writers: int | None = None,
                 batch_quads: int = BATCH_QUADS, batch_size: int = 100_000,
                 progress: Callable[[IngestReport], None] | None = None) -> None:
        self.store, self.settings, self.report = store, settings, report
        self.writers = writers or store.write_concurrency
        self.batch_quads, self.batch_size, self.progress = batch_quads, batch_size, progress
        self._batch: list[MappedRecord] = []
        self._quads = 0
        self._in_flight: deque[_Write] = deque()  # oldest first
        # Records stored and not announced yet, as (graph, notice, content hash): not their quads, which
        # would keep two more batches in memory.
        self._unannounced: list[tuple[str, str, str]] = []
        # Into a log that announced nothing when the writer began (a first ingest), what is announced is what this
        # writer announced: kept here, not asked of the store for every batch (4-5 s of the full-size ingest, on
        # the thread that maps). {graph: content hash}; None: ask the store.
        self._announced: dict[str, str] | None = None if announced_any(store, settings) else {}
        self._pool = ThreadPoolExecutor(max_workers=self.writers, thread_name_prefix="ingest-writer")
        self._beside: list[Future[None]] = []  # other writing work (`beside`)

    def add(self, mapped: MappedRecord) -> None:
        self._batch.append(mapped)
        self._quads += mapped.quad_count
        if len(self._batch) >= self.batch_size or self._quads >= self.batch_quads:
            self._submit(self._take_batch())

    def beside(self, work: Callable[[], None]) -> None:
        """Run other writing work (graphs the change log does not announce) in the writers, beside the batches;
        `close` waits for it and raises its error."""
        self._beside.append(self._pool.submit(work))

    def close(self) -> None:
        """Write what is left, announce everything stored, and wait for it."""
        if self._batch:
            self._submit(self._take_batch())
        self._drain()
        self._write_now(BatchPlan(created={}, updated={}))  # the announcements still due
        for work in self._beside:
            work.result()
        self._pool.shutdown()

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.close()
        else:  # the writes running end; nothing more is written, and the next run announces what they stored
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _take_batch(self) -> list[MappedRecord]:
        batch, self._batch, self._quads = self._batch, [], 0
        return batch

    def _submit(self, batch: list[MappedRecord]) -> None:
        # The writes are the slower side: the batch's hashes are looked up while those before it run.
        plan = plan_batch(batch, self._known(batch), self.report)
        while len(self._in_flight) >= self.writers:  # memory stays at `writers` + 1 batches
            self._finish_oldest()
        if plan.updated:  # graphs replaced (a re-run's changes): once every write before is done
            self._drain()
            self._write_now(plan)
            return
        announces = not any(write.announces for write in self._in_flight)
        entries = self._take_unannounced() if announces else []
        future = self._pool.submit(self.store.replace_graphs_nquads, {g: m.nquads for g, m in plan.created.items()},
                                   also_add=self._log(entries, datetime.now(UTC)))
        self._in_flight.append(_Write(plan, future, announces, entries))

    def _write_now(self, plan: BatchPlan) -> None:
        """Write a batch and every announcement due, with nothing else in flight."""
        now = datetime.now(UTC)
        self._stored(plan)  # stored with its announcement, in one write
        entries = self._take_unannounced()
        self.store.replace_graphs_nquads({g: m.nquads for g, m in plan.created.items()},
                                         also_add=self._log(entries, now))
        self._note_announced(entries)
        if plan.updated:
            # Later than the Create entries just written, one of which may be of a graph updated here: an
            # activity's IRI is made from its time and graph, so stamped alike the two would be one activity.
            later = max(datetime.now(UTC), now + timedelta(microseconds=1))
            self.store.replace_graphs_nquads({g: m.nquads for g, m in plan.updated.items()},
                                             also_add=change_log(self.settings, "Update", plan.updated, later))
            self._note_announced([(g, m.notice, m.content_hash) for g, m in plan.updated.items()])
            self.report.updated.extend(plan.updated)

    def _finish_oldest(self) -> None:
        write = self._in_flight.popleft()
        write.future.result()  # a store error stops the run here, at a batch boundary
        self._note_announced(write.entries)
        self._stored(write.plan)
        if self.progress:
            self.progress(self.report)

    def _stored(self, plan: BatchPlan) -> None:
        """Count the batch's new records as added, and due to be announced."""
        self.report.added.extend(plan.created)
        self._unannounced.extend((g, m.notice, m.content_hash) for g, m in plan.created.items())

    def _note_announced(self, entries: list[tuple[str, str, str]]) -> None:
        if self._announced is not None:
            self._announced.update((g, content_hash) for g, _, content_hash in entries)

    def _drain(self) -> None:
        while self._in_flight:
            self._finish_oldest()

    def _take_unannounced(self) -> list[tuple[str, str, str]]:
        entries, self._unannounced = self._unannounced, []
        return entries

    def _log(self, entries: list[tuple[str, str, str]], now: datetime) -> bytes:
        """The Create entries of these records, stored and not announced yet."""
        return "".join(change_nquads(self.settings, "Create", graph, notice, content_hash, now)
                       for graph, notice, content_hash in entries).encode()

    def _known(self, batch: list[MappedRecord]) -> dict[str, str]:
        """The announced hash each of the batch's graphs will have once the writes before it are done.

        Graphs that no earlier batch of this run holds keep their announced hash meanwhile; those that
        one does hold (stored, or being written) get its hash. If a write fails, the run stops before
        this batch is written.
        """
        graphs = {mapped.graph for mapped in batch}
        known = (announced_hashes(self.store, self.settings, graphs) if self._announced is None
                 else {g: self._announced[g] for g in graphs if g in self._announced})
        # Newer, in this order: announcements being written (of records stored before those below), records
        # stored and not announced yet, records being written.
        for write in self._in_flight:
            known.update((g, content_hash) for g, _, content_hash in write.entries if g in graphs)
        known.update((g, content_hash) for g, _, content_hash in self._unannounced if g in graphs)
        for write in self._in_flight:
            known.update((g, m.content_hash) for g, m in write.plan.created.items() if g in graphs)
        return known


def write_batch(store: GraphStore, batch: list[MappedRecord], report: IngestReport, settings: Settings) -> None:
    """Store the records whose content changed, and announce them, in one go."""
    with BatchWriter(store, settings, report, writers=1) as writer:
        for mapped in batch:
            writer.add(mapped)
