"""The app's query processes: every SPARQL query of the embedded store runs in a killable child process.

pyoxigraph cannot interrupt a query that is still computing its first answer, and some queries make
it abort the whole process (a Rust panic). So queries run in `retractkg.api.query_worker` processes,
each with the store opened read-only:

- a query past its deadline is killed with its process: its CPU is freed at once, its client gets
  503, and a fresh process takes its place; nothing is left running that could saturate the endpoint;
- a query whose process dies (an engine panic) gets 500, and the server carries on;
- *short* queries are never starved by long ones: a query still running after `long_after` seconds
  becomes *long*; at most `max_long` run at once, at the lowest CPU priority, in processes of their
  own (another process is started for short queries meanwhile). One more long query is stopped at
  that point with 429 + Retry-After. Every process that ran a long query is retired afterwards.

Calls block (the app calls from worker threads) and are bounded: at most `capacity` calls wait or
run at once; beyond, `Overloaded` at once.
"""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import orjson
from pyoxigraph import Quad, QueryResultsFormat, RdfFormat, parse_query_results

from retractkg.api.query_worker import ANSWER_HEAD, REQUEST_HEAD
from retractkg.store import GraphStore, OxigraphStore, QueryResult, StoreError
from retractkg.store.base import triples_result
from retractkg.store.reach import Hops

DEFAULT_PROCESSES = 2
DEFAULT_MAX_LONG = 2
DEFAULT_LONG_AFTER = 0.5
DEFAULT_CAPACITY = 24
START_TIMEOUT = 60.0
# After its deadline a query's own check (on every chunk of output) usually ends it with a clear
# message; a query still computing is killed this much later.
KILL_GRACE = 0.25


class Overloaded(Exception):
    """Too many queries are waiting, or too many long ones are running: retry later."""


class QueryKilled(Exception):
    """The query ran past its deadline and was stopped with its process."""


class EngineCrashed(Exception):
    """The query's process died while evaluating it (the engine aborted); the server carries on."""


@dataclass
class _Process:
    popen: subprocess.Popen
    long: bool = False
    started: float = field(default_factory=time.monotonic)

    def send(self, request: dict) -> None:
        data = orjson.dumps(request)
        assert self.popen.stdin is not None
        self.popen.stdin.write(REQUEST_HEAD.pack(len(data)) + data)
        self.popen.stdin.flush()

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
                raise EngineCrashed(self.exit_reason())
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def read_answer(self, until: float) -> tuple[dict, bytes]:
        head = self.read_exactly(ANSWER_HEAD.size, until)
        header_size, body_size = ANSWER_HEAD.unpack(head)
        header = orjson.loads(self.read_exactly(header_size, until))
        return header, self.read_exactly(body_size, until)

    def exit_reason(self) -> str:
        try:
            code = self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "its query process stopped answering"
        return f"its query process ended with {'signal ' + str(-code) if code < 0 else 'exit code ' + str(code)}"

    def stop(self) -> None:
        """Kill (by PID) and reap."""
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()
        for stream in (self.popen.stdin, self.popen.stdout):
            if stream is not None:
                stream.close()


class QueryProcesses:
    """A pool of query processes over one embedded store folder (see the module docstring)."""

    def __init__(self, store_path: str | Path, *, processes: int = DEFAULT_PROCESSES,
                 max_long: int = DEFAULT_MAX_LONG, long_after: float = DEFAULT_LONG_AFTER,
                 capacity: int = DEFAULT_CAPACITY) -> None:
        self.store_path = str(store_path)
        self.processes = processes
        self.max_long = max_long
        self.long_after = long_after
        self.capacity = capacity
        self._lock = threading.Condition()
        self._idle: list[_Process] = []
        self._short_count = 0  # processes alive for short queries (idle, starting or busy), long ones aside
        self._long_running = 0
        self._calls = 0
        self._closed = False
        self.network: str | None = None  # what the first process said of its network (seccomp)
        started = [self._start() for _ in range(processes)]
        with self._lock:
            self._short_count += len(started)
            self._idle.extend(started)

    @property
    def long_running(self) -> int:
        return self._long_running

    def run(self, request: dict, timeout: float) -> tuple[dict, bytes]:
        """Send `request` to a process and return its answer (header, body) within `timeout` seconds."""
        until = time.monotonic() + timeout + KILL_GRACE
        with self._lock:
            if self._closed:
                raise Overloaded("the server is shutting down")
            if self._calls >= self.capacity:
                raise Overloaded(f"{self._calls} queries are already waiting or running")
            self._calls += 1
        try:
            process = self._acquire(until)
            return self._exchange(process, dict(request, timeout=timeout), until)
        finally:
            with self._lock:
                self._calls -= 1

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            self._lock.notify_all()
        for process in idle:
            process.stop()

    def _acquire(self, until: float) -> _Process:
        with self._lock:
            while True:
                if self._idle:
                    return self._idle.pop()
                if self._short_count < self.processes:
                    self._short_count += 1
                    break
                remaining = until - time.monotonic()
                if remaining <= 0:
                    raise QueryKilled("the query waited for a query process past its deadline")
                self._lock.wait(remaining)
                if self._closed:
                    raise Overloaded("the server is shutting down")
        try:
            return self._start()
        except BaseException:
            with self._lock:
                self._short_count -= 1
                self._lock.notify()
            raise

    def _exchange(self, process: _Process, request: dict, until: float) -> tuple[dict, bytes]:
        finished = False
        try:
            process.send(request)
            if not process.readable_within(min(self.long_after, until - time.monotonic())):
                self._make_long(process)
            header, body = process.read_answer(until)
            finished = True
            return header, body
        except BrokenPipeError as e:
            raise EngineCrashed(process.exit_reason()) from e
        finally:
            self._release(process, reusable=finished)

    def _make_long(self, process: _Process) -> None:
        with self._lock:
            if self._long_running >= self.max_long:
                raise Overloaded(f"{self._long_running} long queries are running already")
            self._long_running += 1
            self._short_count -= 1  # its place among the short-query processes is free again
            process.long = True
            self._lock.notify()
        with contextlib.suppress(OSError):  # it may have just ended; its answer (or end) is read next
            os.setpriority(os.PRIO_PROCESS, process.popen.pid, 19)

    def _release(self, process: _Process, *, reusable: bool) -> None:
        keep = reusable and not process.long and process.popen.poll() is None
        with self._lock:
            if process.long:
                self._long_running -= 1
            elif not keep:
                self._short_count -= 1
            if keep and not self._closed:
                self._idle.append(process)
                self._lock.notify()
                return
            self._lock.notify()
        process.stop()

    def _start(self) -> _Process:
        popen = subprocess.Popen([sys.executable, "-m", "retractkg.api.query_worker", self.store_path],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        process = _Process(popen)
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
        header, body = self.processes.run({"op": "results", "query": sparql, "dataset": dataset}, self.timeout)
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

    def dump(self, output: BinaryIO, format: RdfFormat, *, graph: str | None = None) -> None:
        self.store.dump(output, format, graph=graph)

    def close(self) -> None:
        self.processes.close()
