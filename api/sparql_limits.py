"""Limits of the public SPARQL endpoint: bounded concurrency, query deadlines, result-size caps.

pyoxigraph evaluates lazily and serializes into any object with `write()`, in chunks of about 8 KB.
So the serializer writes into a `GuardedBuffer` that checks the deadline on every chunk and counts
result rows exactly from the serialized bytes (per format), and CONSTRUCT triples pass through
`guarded_triples` on their way into the serializer. A runaway query therefore stops at its next
chunk of output with a clear error, and nothing is sent before the whole answer is known to fit.

pyoxigraph has no way to cancel a query that is still computing its first answer (a huge
aggregate, an ORDER BY over a cross product). When such a query's client has been answered 503 at
the deadline, the gate sets its thread aside and starts a fresh one in its place, so that the
other queries keep being served; the runaway's thread ends when pyoxigraph lets go of it. A few
runaways at most are set aside at once: past that, new queries get 429 + Retry-After until one ends.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from queue import SimpleQueue
from typing import TypeVar

from pyoxigraph import QueryResultsFormat, Triple

T = TypeVar("T")

DEFAULT_WORKERS = 4
DEFAULT_QUEUE = 16
DEFAULT_MAX_RUNAWAYS = 8
RETRY_AFTER_SECONDS = 2


class QueryTimeout(Exception):
    """The query ran past its deadline (or its client stopped waiting)."""


class ResultTooLarge(Exception):
    """The result has more rows (or triples) than the endpoint serves in one response."""


class QueryGate:
    """Query threads, a cap on queries in flight (running or queued), and a cap on runaways set aside."""

    def __init__(self, workers: int = DEFAULT_WORKERS, queue: int = DEFAULT_QUEUE,
                 max_runaways: int = DEFAULT_MAX_RUNAWAYS) -> None:
        self.workers = workers
        self.capacity = workers + queue
        self.max_runaways = max_runaways
        self._jobs: SimpleQueue[tuple[Future, Callable[[], object]] | None] = SimpleQueue()
        self._lock = threading.Lock()
        self._in_flight = 0
        self._set_aside: set[Future] = set()
        for _ in range(workers):
            self._start_thread()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    @property
    def runaways(self) -> int:
        return len(self._set_aside)

    def submit(self, job: Callable[[], T]) -> Future[T] | None:
        """Queue `job` for a query thread, or return None when the endpoint is saturated."""
        with self._lock:
            if self._in_flight >= self.capacity or len(self._set_aside) >= self.max_runaways:
                return None
            self._in_flight += 1
        future: Future[T] = Future()
        self._jobs.put((future, job))
        return future

    def set_aside(self, future: Future) -> None:
        """The client of `future` has had its answer (a timeout): if the query still runs, a fresh
        thread takes its place and the query no longer counts as in flight.

        `future.running()` is read under the lock: it turns false (set_result) before the query thread takes
        the lock to decide whether it was set aside, so the two never both give back its slot."""
        with self._lock:
            if not future.running() or future in self._set_aside:
                return
            self._set_aside.add(future)
            self._in_flight -= 1
        self._start_thread()

    def shutdown(self) -> None:
        for _ in range(self.workers):
            self._jobs.put(None)

    def _start_thread(self) -> None:
        threading.Thread(target=self._work, name="sparql", daemon=True).start()

    def _work(self) -> None:
        while (item := self._jobs.get()) is not None:
            future, job = item
            if not future.set_running_or_notify_cancel():  # its client went away while it was queued
                with self._lock:
                    self._in_flight -= 1
                continue
            try:
                future.set_result(job())
            except BaseException as e:  # noqa: BLE001 - handed to the waiting side, as an executor does
                future.set_exception(e)
            finally:
                with self._lock:
                    replaced = future in self._set_aside
                    if replaced:
                        self._set_aside.discard(future)
                    else:
                        self._in_flight -= 1
            if replaced:
                return  # another thread took this one's place while the runaway ran


class Deadline:
    """When a query must be done by; `abandon()` lets the waiting side stop it early."""

    __slots__ = ("seconds", "at", "abandoned")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.abandoned = False

    def abandon(self) -> None:
        self.abandoned = True

    def check(self) -> None:
        if self.abandoned or time.monotonic() > self.at:
            raise QueryTimeout(f"the query ran longer than the endpoint's limit of {self.seconds:g} s; "
                               "narrow it down (more specific patterns, LIMIT) or run it on a dump")


class _RowCounter:
    """Counts result rows in a serialized result stream fed chunk by chunk."""

    # The fewest bytes one row takes in the format: below `max_rows * min_row_bytes` bytes in all,
    # the result cannot have too many rows, so small answers are never scanned.
    min_row_bytes = 1

    def feed(self, chunk: bytes) -> int:
        raise NotImplementedError

    @staticmethod
    def at_most(chunk: bytes) -> int | None:
        """A cheap upper bound on the rows a chunk starts (None: none cheaper than `feed`). While the bounds
        add up to no more than the cap, the answer is not counted exactly."""
        return None


class _LineRows(_RowCounter):
    """TSV: one line per row after the header; literals escape their newlines."""

    def __init__(self) -> None:
        self.header_seen = False

    def feed(self, chunk: bytes) -> int:
        n = chunk.count(b"\n")
        if n and not self.header_seen:
            self.header_seen = True
            n -= 1
        return n


class _CsvRows(_RowCounter):
    """CSV: rows end in CRLF; a quoted field may hold line breaks itself ("" escapes a quote, toggling twice)."""

    min_row_bytes = 2

    _TOKEN = re.compile(rb'["\n]')

    def __init__(self) -> None:
        self.in_quotes = False
        self.header_seen = False

    def feed(self, chunk: bytes) -> int:
        if not self.in_quotes and b'"' not in chunk:
            lines = chunk.count(b"\n")
        else:
            lines = 0
            for match in self._TOKEN.finditer(chunk):
                if match.group() == b'"':
                    self.in_quotes = not self.in_quotes
                elif not self.in_quotes:
                    lines += 1
        if lines and not self.header_seen:
            self.header_seen = True
            lines -= 1
        return lines


class _XmlRows(_RowCounter):
    """XML: one `<result>` element per row; text content is escaped, so the tag cannot occur in it."""

    TAG = b"<result>"
    min_row_bytes = len(b"<result></result>")

    def __init__(self) -> None:
        self.tail = b""

    def feed(self, chunk: bytes) -> int:
        data = self.tail + chunk
        self.tail = data[-(len(self.TAG) - 1):]
        return data.count(self.TAG) - self.tail.count(self.TAG)


class _JsonRows(_RowCounter):
    """JSON: with the strings cut out, a row is a `{` right after `[` or `,`: the bindings array is the
    only array of objects (pyoxigraph writes compact JSON, and `"` is always escaped inside strings).

    Strings are cut out with bytes methods only (each a pass in C; a regular expression over the strings
    cost a 300 kB answer about as much as evaluating it): escapes are dropped (`\\\\` pairs, left to
    right as JSON reads them, then `\\"`), after which every `"` left opens or closes a string."""

    min_row_bytes = len(b"{},")

    def __init__(self) -> None:
        self.carry = b""  # a backslash that ended the last chunk, escaping the next chunk's first byte
        self.inside = False  # whether the last chunk ended inside a string
        self.last = b""  # the last byte outside strings, which may be the `[` or `,` before a row

    def feed(self, chunk: bytes) -> int:
        data = (self.carry + chunk).replace(b"\\\\", b"")
        # A backslash left at the end (an odd run) escapes what comes next: kept for the next chunk.
        self.carry = b"\\" if data.endswith(b"\\") else b""
        pieces = (data[:-1] if self.carry else data).replace(b'\\"', b"").split(b'"')
        outside = b"".join(pieces[1::2] if self.inside else pieces[::2])
        self.inside ^= len(pieces) % 2 == 0  # an odd number of quotes: in and out of strings swapped
        text = self.last + outside
        self.last = text[-1:]
        return text.count(b"[{") + text.count(b",{")

    @staticmethod
    def at_most(chunk: bytes) -> int:
        """Every row opens with a `{` of its own."""
        return chunk.count(b"{")


ROW_COUNTERS: dict[QueryResultsFormat, type[_RowCounter]] = {
    QueryResultsFormat.JSON: _JsonRows,
    QueryResultsFormat.XML: _XmlRows,
    QueryResultsFormat.CSV: _CsvRows,
    QueryResultsFormat.TSV: _LineRows,
}


class GuardedBuffer:
    """A write target for pyoxigraph serializers that enforces the deadline and the row cap.

    `rows` is the format's row counter class: one is made only once the answer could pass the cap, by its
    size and then by the counter's cheap bound (most answers never could, and a query process makes one
    buffer per query)."""

    __slots__ = ("deadline", "max_rows", "counter_type", "counter", "unscanned", "rows", "size", "chunks")

    def __init__(self, deadline: Deadline, *, max_rows: int | None = None,
                 rows: type[_RowCounter] | None = None) -> None:
        self.deadline = deadline
        self.max_rows = max_rows or 0
        self.counter_type = rows or _RowCounter
        self.counter: _RowCounter | None = None
        # Up to this many bytes in all, the answer cannot have too many rows: it is not scanned.
        self.unscanned = math.inf if rows is None or max_rows is None else max_rows * rows.min_row_bytes
        self.rows = -1  # rows so far, or at most (by `at_most`); -1 until the size called for a look
        self.size = 0
        self.chunks: list[bytes] = []

    def write(self, chunk: bytes) -> int:
        self.deadline.check()
        data = bytes(chunk)
        self.chunks.append(data)
        self.size += len(data)
        if self.size > self.unscanned:
            self._count(data)
        return len(data)

    def _count(self, data: bytes) -> None:
        """Rows so far: bounded cheaply while the bound stays within the cap, counted exactly from then on (from
        the first chunk: a counter reads the answer in order)."""
        if self.counter is None:
            bound = self._bound(data)
            if bound is not None and bound <= self.max_rows:
                self.rows = bound
                return
            counter = self.counter = self.counter_type()
            self.rows = sum(counter.feed(c) for c in self.chunks)
        else:
            self.rows += self.counter.feed(data)
        if self.rows > self.max_rows:
            raise ResultTooLarge(too_many("rows", self.max_rows))

    def _bound(self, data: bytes) -> int | None:
        """At most this many rows so far (None: the format has no cheap bound)."""
        at_most = self.counter_type.at_most
        if self.rows < 0:  # the first look: every chunk so far
            bounds = [at_most(c) for c in self.chunks]
            return None if None in bounds else sum(bounds)  # type: ignore[arg-type]
        more = at_most(data)
        return None if more is None else self.rows + more

    def flush(self) -> None:
        """File-like objects flush; the buffer has nothing to flush."""

    def getvalue(self) -> bytes:
        return b"".join(self.chunks)


def guarded_triples(triples: Iterable[Triple], deadline: Deadline, max_triples: int, *,
                    hint: str | None = None) -> Iterator[Triple]:
    """Pass triples through, checking the deadline every 256 and the cap on each."""
    for count, triple in enumerate(triples, 1):
        if count > max_triples:
            raise ResultTooLarge(too_many("triples", max_triples, hint))
        if count % 256 == 0:
            deadline.check()
        yield triple


def too_many(what: str, limit: int, hint: str | None = None) -> str:
    return (f"the result has more than {limit} {what}, the most this endpoint returns at once; "
            + (hint or "page through it with LIMIT/OFFSET, or use the dumps for the whole graph"))
