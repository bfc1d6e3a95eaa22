"""The app's query processes: every SPARQL query of the embedded store runs in a killable child process.

pyoxigraph cannot interrupt a query that is still computing its first answer, and some queries make
it abort the whole process (a Rust panic). So queries run in `retractkg.api.query_worker` processes,
each with the store opened read-only:

- a query past its deadline is killed with its process: its CPU is freed at once, its client gets
  503, and a fresh process takes its place; nothing is left running that could saturate the endpoint;
- a query whose process dies (an engine panic) gets 500, and the server carries on;
- *short* queries are never starved by long ones: a query that has used `long_after` seconds of CPU
  becomes *long*; at most `max_long` run at once, at the lowest CPU priority, in processes of their
  own (another process is started for short queries meanwhile). One more long query is stopped at
  that point with 429 + Retry-After. Every process that ran a long query is retired afterwards, and
  the query's text is remembered: sent again, it goes straight to the long lane (or gets 429 at once).
- a spare process is started whenever the last idle one is taken, so a short query rarely waits for one.

Calls are bounded: at most `capacity` wait or run at once; beyond, `Overloaded` at once. `run` blocks
(pages and documents call it from worker threads); `run_async` is the endpoint's: it waits for the answer
on the event loop (`loop.add_reader` on the process's pipe), with no thread per query, whenever an idle
process is at hand and the query is not known to run long (else it waits for `run` in a thread).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import os
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import orjson
from pyoxigraph import Quad, QueryResultsFormat, RdfFormat, parse_query_results

from retractkg.api.query_worker import ANSWER_HEAD, QUERY, REQUEST_HEAD, TIMEOUT, results_request
from retractkg.store import GraphStore, OxigraphStore, QueryResult, StoreError
from retractkg.store.base import triples_result
from retractkg.store.reach import Hops

DEFAULT_PROCESSES = 2  # kept started and idle for short queries
DEFAULT_MAX_SHORT = 4  # processes for short queries at most (more are started while all are busy)
DEFAULT_MAX_LONG = 2
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
KNOWN_LONG = 256  # query texts remembered as having run long
DEFAULT_LONG_AFTER = 0.5
DEFAULT_CAPACITY = 24
START_TIMEOUT = 60.0
# After its deadline a query's own check (on every chunk of output) usually ends it with a clear
# message; a query still computing is killed this much later.
KILL_GRACE = 0.25
WATCH_EVERY = 0.05  # seconds between looks at the answers awaited on the event loop
_PIPE_FILL = struct.Struct("i")  # what FIONREAD answers: the bytes waiting in a pipe


class Overloaded(Exception):
    """Too many queries are waiting, or too many long ones are running: retry later."""


class QueryKilled(Exception):
    """The query ran past its deadline and was stopped with its process."""


class EngineCrashed(Exception):
    """The query's process died while evaluating it (the engine aborted); the server carries on."""


class _Gone(Exception):
    """The process ended before it read the request: nothing was asked of it, so the request goes to another.
    Found at the send (its pipe was closed), or at the end of its answers with the whole request still unread
    in its pipe: a process killed while idle keeps its pipes open until its last thread has exited, and a
    request written in between is taken but never read. Found then rather than by asking the kernel whether
    a process still runs after each answer."""


@dataclass
class _Process:
    popen: subprocess.Popen
    long_after: float = DEFAULT_LONG_AFTER
    long: bool = False
    started: float = field(default_factory=time.monotonic)
    cpu: float | None = None  # CPU seconds used, as its last answer said (`query_worker.serve`; idle, it uses none)

    def __post_init__(self) -> None:
        assert self.popen.stdout is not None
        assert self.popen.stdin is not None
        self.answers = self.popen.stdout.fileno()
        self.requests = self.popen.stdin.fileno()
        self.sent: int | None = None  # the size of the request frame last written (None before the first)
        # Read only as far as it holds (`select` tells the blocking reader when; the event loop, the other).
        os.set_blocking(self.answers, False)
        # The event loops watching the answer pipe, each through a copy of its descriptor of its own (see `watch`),
        # and the answer being read on one of them.
        self.watched: dict[asyncio.AbstractEventLoop, int] = {}
        self.awaited_on: asyncio.AbstractEventLoop | None = None
        self.ready: asyncio.Future[bool] | None = None
        self.data = bytearray()
        self.size = ANSWER_HEAD.size  # of the answer frame, as far as it is known
        self.framed = False
        self.ended = False

    def send(self, request: list) -> None:
        """One write of the whole frame (a blocking pipe: a frame beyond its buffer waits for the idle process
        to read it)."""
        data = orjson.dumps(request)
        frame = memoryview(REQUEST_HEAD.pack(len(data)) + data)
        self.sent = len(frame)
        try:
            frame = frame[os.write(self.requests, frame):]
        except BrokenPipeError as e:  # nothing of it was written: the process had ended
            raise _Gone from e
        while frame:  # the rest of a frame beyond the pipe's buffer: the process is reading this request
            try:
                frame = frame[os.write(self.requests, frame):]
            except BrokenPipeError as e:
                raise EngineCrashed("its query process ended while reading the query") from e

    def ended_unread(self) -> _Gone | None:
        """At the end of its answers: `_Gone` when the request last sent is still whole in its pipe (the process
        ended before it read a byte of it, so the query never started); None when it was read, or where the
        pipe's fill cannot be asked (Linux FIONREAD)."""
        if self.sent is None:
            return None
        try:
            (waiting,) = _PIPE_FILL.unpack(fcntl.ioctl(self.requests, termios.FIONREAD, bytes(_PIPE_FILL.size)))
        except OSError:
            return None
        return _Gone() if waiting == self.sent else None

    def cpu_seconds(self) -> float | None:
        """CPU time the process has used (Linux /proc); None where it cannot be read."""
        try:
            fields = Path(f"/proc/{self.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def readable_within(self, seconds: float) -> bool:
        assert self.popen.stdout is not None
        ready, _, _ = select.select([self.popen.stdout], [], [], max(seconds, 0.0))
        return bool(ready)

    def read_exactly(self, size: int, until: float) -> bytes:
        """`size` bytes, or EngineCrashed at the end of the stream, or QueryKilled past `until`."""
        assert self.popen.stdout is not None
        chunks: list[bytes] = []
        fd = self.popen.stdout.fileno()
        while size:
            if not self.readable_within(until - time.monotonic()):
                raise QueryKilled("the query ran past its deadline")
            chunk = os.read(fd, min(size, 1 << 20))
            if not chunk:
                raise self.ended_unread() or EngineCrashed(self.exit_reason())
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def read_answer(self, until: float) -> tuple[Header, bytes]:
        head = self.read_exactly(ANSWER_HEAD.size, until)
        header_size, body_size, self.cpu = ANSWER_HEAD.unpack(head)
        return _header(self.read_exactly(header_size, until)), self.read_exactly(body_size, until)

    def watch(self, loop: asyncio.AbstractEventLoop) -> None:
        """Have `loop` watch the answer pipe from now on, until the process stops or someone else reads its answers.

        Registering a reader for each answer and removing it again cost every lookup seven system calls (six
        `epoll_ctl`, half of them failing, and an `ioctl`) and a poll handle; the reader stays instead. It
        watches a duplicate of the pipe's descriptor, closed only by `unwatch` on the loop's own thread: a
        process stopped from another thread (the pool's `run`, a reaper) closes its own descriptors, and the
        loop never polls one that was closed or reused under it (its copy then reads the end of the pipe, and
        removes itself)."""
        if loop not in self.watched:
            copy = os.dup(self.answers)
            self.watched[loop] = copy
            loop.add_reader(copy, self._readable, loop)

    def unwatch(self, loop: asyncio.AbstractEventLoop) -> None:
        """Stop watching on `loop` (on its thread); nothing if it did not watch."""
        copy = self.watched.pop(loop, None)
        if copy is not None:
            if not loop.is_closed():
                loop.remove_reader(copy)
            os.close(copy)

    def _unwatch_everywhere(self) -> None:
        """Before the process's own descriptors close: each loop watching it stops, on its own thread."""
        running = asyncio._get_running_loop()
        for loop in list(self.watched):
            if loop is running or loop.is_closed():
                self.unwatch(loop)
                continue
            try:
                loop.call_soon_threadsafe(self.unwatch, loop)
            except RuntimeError:  # closed meanwhile: it polls nothing any more
                self.unwatch(loop)

    def _readable(self, loop: asyncio.AbstractEventLoop) -> None:
        """The answer pipe is readable, as `loop` sees it. Read there only while an answer is awaited there: else
        whoever asked (a thread of the pool's `run`, another loop) reads it, and this loop stops watching."""
        if self.awaited_on is not loop:
            self.unwatch(loop)
            return
        try:
            chunk = os.read(self.watched[loop], max(self.size - len(self.data), 1 << 16))
        except BlockingIOError:  # woken with nothing to read after all
            return
        if not chunk:  # the process ended: its pipe stays readable, so stop watching it
            self.ended = True
            self.unwatch(loop)
        else:
            self.data += chunk
            if not self.framed and len(self.data) >= self.size:
                header_size, body_size, _ = ANSWER_HEAD.unpack_from(self.data)
                self.size += header_size + body_size
                self.framed = True
            if len(self.data) < self.size:
                return
        if self.ready is not None and not self.ready.done():
            self.ready.set_result(True)

    def expect_answer(self, loop: asyncio.AbstractEventLoop) -> None:
        """Before a request is sent whose answer `read_answer_soon` reads on `loop`."""
        self.watch(loop)
        self.awaited_on = loop
        self.data = bytearray()
        self.size = ANSWER_HEAD.size
        self.framed = self.ended = False

    async def read_answer_soon(self, loop: asyncio.AbstractEventLoop, until: float, turned_long: Callable[[], None],
                               watch: _Watchdog) -> tuple[Header, bytes]:
        """`read_answer` on the event loop (no thread), after `expect_answer`: the pipe's reader (`_readable`) reads
        the answer as it comes, and settles a future once it is whole or the pipe has ended; `watch` settles it
        when its time is up (one timer for all the pool's waits, not one per query). While the query is short,
        the wait wakes every `long_after` seconds to call `turned_long` (which may make it long). The wait is
        written here, not in a coroutine of its own: a lookup awaits it through every coroutine above it, each
        costing its resume."""
        try:
            while True:
                ready: asyncio.Future[bool] = loop.create_future()
                self.ready = ready
                remaining = until - time.monotonic()
                watch.add(ready, time.monotonic() + max(remaining if self.long else min(self.long_after, remaining),
                                                        0.0))
                try:
                    await ready
                finally:
                    watch.discard(ready)
                if self.ended:
                    raise self.ended_unread() or EngineCrashed(await asyncio.to_thread(self.exit_reason))
                if self.framed and len(self.data) >= self.size:
                    break
                if time.monotonic() >= until:
                    raise QueryKilled("the query ran past its deadline")
                if not ready.result():
                    turned_long()
        finally:
            self.awaited_on = self.ready = None
        data, self.data = self.data, bytearray()
        header_size, _, self.cpu = ANSWER_HEAD.unpack_from(data)
        header_end = ANSWER_HEAD.size + header_size
        return _header(data[ANSWER_HEAD.size:header_end]), bytes(memoryview(data)[header_end:])

    def exit_reason(self) -> str:
        try:
            code = self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "its query process stopped answering"
        return f"its query process ended with {'signal ' + str(-code) if code < 0 else 'exit code ' + str(code)}"

    def stop(self) -> None:
        """Kill (by PID) and reap."""
        self._unwatch_everywhere()
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()
        for stream in (self.popen.stdin, self.popen.stdout):
            if stream is not None:
                stream.close()


Header = str | dict  # of an answer: a protocol answer's media type, or what else a query process says (JSON)


def _header(raw: bytes | bytearray) -> Header:
    """An answer frame's header (`query_worker`'s frames): JSON opens with `{`, as no media type does."""
    return orjson.loads(raw) if raw[:1] == b"{" else raw.decode("ascii")


def _settle(future: asyncio.Future[bool], value: bool) -> None:
    if not future.done():
        future.set_result(value)


class _Watchdog:
    """The waits for answers on one event loop, and the one timer that ends those whose time is up: a timer
    per query cost every lookup its setting and cancelling. Its tick (`WATCH_EVERY`) is how late a deadline
    or a look at a short query's CPU may come. Used on its loop's thread only."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.waits: dict[asyncio.Future[bool], float] = {}  # a wait -> when it is up (monotonic)
        self.timer: asyncio.TimerHandle | None = None

    def add(self, ready: asyncio.Future[bool], until: float) -> None:
        self.waits[ready] = until
        if self.timer is None:
            self.timer = self.loop.call_later(WATCH_EVERY, self._tick)

    def discard(self, ready: asyncio.Future[bool]) -> None:
        self.waits.pop(ready, None)

    def _tick(self) -> None:
        now = time.monotonic()
        for ready, until in self.waits.items():
            if now >= until:
                _settle(ready, False)
        self.timer = self.loop.call_later(WATCH_EVERY, self._tick) if self.waits else None


class QueryProcesses:
    """A pool of query processes over one embedded store folder (see the module docstring)."""

    def __init__(self, store_path: str | Path, *, processes: int = DEFAULT_PROCESSES,
                 max_short: int = DEFAULT_MAX_SHORT, max_long: int = DEFAULT_MAX_LONG,
                 long_after: float = DEFAULT_LONG_AFTER, capacity: int = DEFAULT_CAPACITY) -> None:
        self.store_path = str(store_path)
        self.processes = processes
        self.max_short = max(max_short, processes)
        self.max_long = max_long
        self.long_after = long_after
        self.capacity = capacity
        # A plain lock (entered in C) guards the pool's state; `_freed` wakes the threads waiting for an idle
        # process, and is notified only while one waits (`_waiting`): a lookup takes the lock twice and calls
        # no Python-level Condition method.
        self._lock = threading.Lock()
        self._freed = threading.Condition(self._lock)
        self._waiting = 0
        self._idle: list[_Process] = []
        self._short_count = 0  # processes for short queries: idle, starting or busy (long ones aside)
        self._long_running = 0
        self._known_long: OrderedDict[str, None] = OrderedDict()
        self._calls = 0
        self._closed = False
        self.network: str | None = None  # what the first process said of its network (seccomp)
        self._starter = ThreadPoolExecutor(1, thread_name_prefix="query-process-starter")
        self._watchdogs: dict[asyncio.AbstractEventLoop, _Watchdog] = {}  # one per loop awaiting answers
        started = [self._start() for _ in range(processes)]
        with self._lock:
            self._short_count += len(started)
            self._idle.extend(started)

    @property
    def long_running(self) -> int:
        return self._long_running

    def run(self, request: list) -> tuple[Header, bytes]:
        """Send `request` (`query_worker.protocol_request`, `results_request`) to a process and return its answer
        (header, body) within the request's timeout.

        A query already seen running long goes straight to the long lane (or 429 when it is full):
        a client repeating an expensive query costs the short queries nothing.
        """
        until = time.monotonic() + request[TIMEOUT] + KILL_GRACE
        key = request[QUERY]
        with self._lock:
            if self._closed:
                raise Overloaded("the server is shutting down")
            if self._calls >= self.capacity:
                raise Overloaded(f"{self._calls} queries are already waiting or running")
            known_long = key in self._known_long
            if known_long:
                if self._long_running >= self.max_long:
                    raise Overloaded(f"this query ran long before, and {self._long_running} long queries "
                                     "are running already")
                self._long_running += 1
                self._known_long.move_to_end(key)
            self._calls += 1
        try:
            while True:
                process = self._start_long() if known_long else self._acquire(until)
                try:
                    return self._exchange(process, request, until, key)
                except _Gone as e:
                    if known_long:  # a process started for it ended at once
                        raise EngineCrashed(process.exit_reason()) from e
        finally:
            with self._lock:
                self._calls -= 1

    async def run_async(self, request: list) -> tuple[Header, bytes]:
        """`run` for a caller on the event loop: with an idle process at hand (and a query not known to run
        long), the answer is awaited on the loop; otherwise `run` waits for a process in a thread."""
        until = time.monotonic() + request[TIMEOUT] + KILL_GRACE
        key = request[QUERY]
        with self._lock:  # held for a few list operations, never across a wait
            process = None
            if (self._idle and not self._closed and self._calls < self.capacity
                    and key not in self._known_long):
                process = self._idle.pop()
                if not self._idle:
                    self._spare_locked()
                self._calls += 1
        if process is not None:
            try:
                return await self._exchange_soon(process, request, until, key)
            except _Gone:
                pass  # another process, as `run` finds one
        return await asyncio.to_thread(self.run, request)

    async def _exchange_soon(self, process: _Process, request: list, until: float, key: str
                             ) -> tuple[Header, bytes]:
        """`_exchange` on the event loop: the same steps (send, wait while short, read, release), and the end
        of the call that `run_async` counted, under the same lock as the release of a process kept idle."""
        finished = False
        cpu_before = process.cpu

        def turned_long() -> None:
            """Long once it has used `long_after` seconds of its own CPU, as in `_wait_while_short`."""
            cpu_now = process.cpu_seconds()
            if cpu_before is None or cpu_now is None or cpu_now - cpu_before >= self.long_after:
                self._make_long(process, key)

        loop = asyncio.get_running_loop()
        watch = self._watchdogs.get(loop)
        if watch is None:
            for closed in [other for other in self._watchdogs if other.is_closed()]:
                del self._watchdogs[closed]
            watch = self._watchdogs[loop] = _Watchdog(loop)
        try:
            process.expect_answer(loop)
            process.send(request)  # a request fits the pipe's buffer, and an idle process reads it at once
            header, body = await process.read_answer_soon(loop, until, turned_long, watch)
            finished = True
            return header, body
        finally:
            if finished and not process.long:
                self._release(process, reusable=True, call_ended=True)  # back to the idle list: nothing to stop
            else:  # stopping and reaping a process is not for the event loop
                process.awaited_on = None
                process.unwatch(loop)
                with self._lock:
                    self._calls -= 1
                loop.run_in_executor(None, functools.partial(self._release, process, reusable=finished))

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            self._freed.notify_all()
        for process in idle:
            process.stop()
        self._starter.shutdown(wait=False)

    def _acquire(self, until: float) -> _Process:
        """An idle process for a short query; another is started meanwhile if none is left idle."""
        with self._lock:
            while not self._idle:
                remaining = until - time.monotonic()
                if remaining <= 0:
                    raise QueryKilled("the query waited for a query process past its deadline")
                self._spare_locked()
                self._waiting += 1
                try:
                    self._freed.wait(min(remaining, 1.0))
                finally:
                    self._waiting -= 1
                if self._closed:
                    raise Overloaded("the server is shutting down")
            process = self._idle.pop()
            if not self._idle:
                self._spare_locked()
            return process

    def _spare_locked(self) -> None:
        """Start one more process for short queries in the background, up to `max_short` (lock held)."""
        if self._short_count < self.max_short and not self._closed:
            self._short_count += 1
            threading.Thread(target=self._add_spare, name="query-process-start", daemon=True).start()

    def _add_spare(self) -> None:
        try:
            process = self._start()
        except OSError:
            with self._lock:
                self._short_count -= 1
                self._freed.notify_all()
            return
        with self._lock:
            if self._closed:
                self._short_count -= 1
            else:
                self._idle.append(process)
                self._freed.notify()
                return
        process.stop()

    def _start_long(self) -> _Process:
        """A process of its own, at the lowest priority, for a query known to run long (its slot is taken)."""
        try:
            process = self._start()
        except BaseException:
            with self._lock:
                self._long_running -= 1
            raise
        process.long = True
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, process.popen.pid, 19)
        return process

    def _exchange(self, process: _Process, request: list, until: float, key: str) -> tuple[Header, bytes]:
        finished = False
        try:
            cpu_before = process.cpu  # as of its last answer: reading /proc here cost every query
            process.send(request)
            if not process.long:
                self._wait_while_short(process, until, cpu_before, key)
            header, body = process.read_answer(until)
            finished = True
            return header, body
        finally:
            self._release(process, reusable=finished)

    def _wait_while_short(self, process: _Process, until: float, cpu_before: float | None, key: str) -> None:
        """Until the answer starts, or the query turns long: `long_after` seconds of the process's own CPU
        (wall time where CPU time cannot be read), so that queries merely waiting for a core on a loaded
        machine are not taken for long ones."""
        while not process.readable_within(min(self.long_after, until - time.monotonic())):
            if time.monotonic() >= until:
                return  # read_answer reports the deadline
            cpu_now = process.cpu_seconds()
            if cpu_before is None or cpu_now is None or cpu_now - cpu_before >= self.long_after:
                self._make_long(process, key)
                return

    def _make_long(self, process: _Process, key: str) -> None:
        with self._lock:
            self._known_long[key] = None
            self._known_long.move_to_end(key)
            if len(self._known_long) > KNOWN_LONG:
                self._known_long.popitem(last=False)
            if self._long_running >= self.max_long:
                raise Overloaded(f"{self._long_running} long queries are running already")
            self._long_running += 1
            self._short_count -= 1  # its place among the short-query processes is free again
            process.long = True
            if not self._idle:
                self._spare_locked()
        with contextlib.suppress(OSError):  # it may have just ended; its answer (or end) is read next
            os.setpriority(os.PRIO_PROCESS, process.popen.pid, 19)

    def _release(self, process: _Process, *, reusable: bool, call_ended: bool = False) -> None:
        """Back to the idle list; a process that ran a long query (at low priority) or failed is stopped.
        `call_ended`: the call it answered is no longer counted (`run_async`'s, in the same lock)."""
        with self._lock:
            if call_ended:
                self._calls -= 1
            if process.long:
                self._long_running -= 1
                keep = False
            else:
                # Kept while it is a short-query process (at most `max_short`): stopping the ones beyond the
                # warm minimum after each query made a steady load start a process for every few queries.
                # A process that has just answered in full is alive; one that ends while idle is found
                # at the next send (`_Gone`), without a wait() for every query.
                keep = reusable and not self._closed
                if not keep:
                    self._short_count -= 1
            if keep:
                self._idle.append(process)
            if self._waiting:
                self._freed.notify()
        if not keep:
            process.stop()

    def _start(self) -> _Process:
        # Started from one long-lived thread: a query process dies with the thread that started it (Linux's
        # parent-death signal follows the thread), so that a killed app leaves no query running.
        popen = self._starter.submit(subprocess.Popen, [sys.executable, "-m", "retractkg.api.query_worker",
                                                        self.store_path],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     # An engine panic prints its message; a symbolized backtrace takes seconds.
                                     env={**os.environ, "RUST_BACKTRACE": "0"}).result()
        process = _Process(popen, self.long_after)
        try:
            header, _ = process.read_answer(time.monotonic() + START_TIMEOUT)
        except (EngineCrashed, QueryKilled) as e:
            process.stop()
            raise OSError(f"a query process for {self.store_path} did not start ({e})") from e
        self.network = header.get("network")
        return process


class IsolatedStore(GraphStore):
    """The embedded store as the app sees it: SPARQL in the query processes, all else in this process.

    Index walks (documents), quad streams (dumps) and writes never evaluate a query, so they stay
    here; every `query` (pages, feed, VoID) runs where a crash or a runaway costs only a process.
    """

    def __init__(self, store: OxigraphStore, processes: QueryProcesses, timeout: float) -> None:
        self.store = store
        self.processes = processes
        self.timeout = timeout

    def query(self, sparql: str, *, default_graphs: Sequence[str] | None = None,
              named_graphs: Sequence[str] | None = None) -> QueryResult:
        dataset = None if default_graphs is None and named_graphs is None else [
            list(default_graphs or ()), list(named_graphs or ())]
        header, body = self.processes.run(results_request(sparql, dataset, self.timeout))
        if "error" in header:
            raise StoreError(f"query failed: {header['message']}")
        if header["kind"] == "graph":
            return triples_result(body, RdfFormat.N_TRIPLES)
        return parse_query_results(body, QueryResultsFormat.JSON)

    def reach(self, root: str, paths: Sequence[Hops]) -> list[Quad]:
        return self.store.reach(root, paths)

    def update(self, sparql: str) -> None:
        self.store.update(sparql)

    def replace_graphs(self, graphs: Mapping[str, Sequence[Quad]], *, also_add: Sequence[Quad] = ()) -> None:
        self.store.replace_graphs(graphs, also_add=also_add)

    def remove_graphs(self, graphs: Iterable[str]) -> None:
        self.store.remove_graphs(graphs)

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        return self.store.quads(graph)

    def instances(self, cls: str) -> list[str]:
        return self.store.instances(cls)

    def dump(self, output: BinaryIO, format: RdfFormat, *, graph: str | None = None) -> None:
        self.store.dump(output, format, graph=graph)

    def close(self) -> None:
        self.processes.close()
