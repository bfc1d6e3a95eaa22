"""The least any Python web app does per SPARQL request: the floor `bench_sparql.py` measures beside both servers.

    SPARQL_FLOOR_STORE=STORE [SPARQL_FLOOR_ISOLATED=N] granian --interface asgi --factory \
        --working-dir benchmarks sparql_floor_app:create ...     (or uvicorn --factory --app-dir benchmarks ...)

A bare ASGI app, run under the same HTTP server as `retractkg serve` (or any other: `loadgen.asgi_server`), that answers
`GET /sparql?query=...` by running the query on the embedded store right on the event loop and
sending pyoxigraph's own JSON: no framework, no protocol checks, no limits, no thread hop. Not a
server to use (a slow query would stall every other request); a measure of what Python in front of
pyoxigraph costs, so the ratio of retractkg to Oxigraph's Rust server can be read against it.

`SPARQL_FLOOR_ISOLATED=N`: the same, but each query runs in one of N child processes (each with the store
read-only), sent over a pipe and awaited on the event loop, as retractkg's query processes are
(issue 15: no query can take the server down). The difference between the two floors is what that
isolation alone costs; nothing else is added (no deadline, no kill, no checks).
"""

from __future__ import annotations

import asyncio
import os
import struct
import subprocess
import sys
from urllib.parse import parse_qs

from pyoxigraph import QueryResultsFormat, Store

JSON = b"application/sparql-results+json"
QUERY_HEAD = struct.Struct(">I")  # query length
ANSWER_HEAD = struct.Struct(">IH")  # body length, HTTP status


def evaluate(store: Store, query: str) -> tuple[int, bytes]:
    try:
        return 200, store.query(query, use_default_graph_as_union=True).serialize(format=QueryResultsFormat.JSON)
    except SyntaxError as e:
        return 400, str(e).encode()


def respond(answer_for):
    """The ASGI app around `answer_for(query) -> (status, body)` (awaitable)."""
    async def app(scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        query = parse_qs(scope["query_string"].decode()).get("query", [""])[0]
        status, body = await answer_for(query)
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", JSON)]})
        await send({"type": "http.response.body", "body": body})

    return app


def floor_app(store: Store):
    async def answer_for(query: str) -> tuple[int, bytes]:
        return evaluate(store, query)

    return respond(answer_for)


class Child:
    """One query process: a query in on its stdin, the answer out on its stdout."""

    def __init__(self, store_path: str) -> None:
        self.popen = subprocess.Popen([sys.executable, __file__, "--child", store_path],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.fd_in = self.popen.stdin.fileno()
        self.fd_out = self.popen.stdout.fileno()

    async def answer(self, query: str) -> tuple[int, bytes]:
        data = query.encode()
        os.write(self.fd_in, QUERY_HEAD.pack(len(data)) + data)
        loop = asyncio.get_running_loop()
        buffer = bytearray()
        size = ANSWER_HEAD.size
        while len(buffer) < size:
            ready = loop.create_future()
            loop.add_reader(self.fd_out, _settle, ready)
            try:
                await ready
            finally:
                loop.remove_reader(self.fd_out)
            buffer += os.read(self.fd_out, 1 << 16)
            if len(buffer) >= ANSWER_HEAD.size:
                size = ANSWER_HEAD.size + ANSWER_HEAD.unpack_from(buffer)[0]
        return ANSWER_HEAD.unpack_from(buffer)[1], bytes(buffer[ANSWER_HEAD.size:])


def _settle(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


def isolated_floor_app(store_path: str, processes: int):
    idle: asyncio.Queue[Child] = asyncio.Queue()
    for _ in range(processes):
        idle.put_nowait(Child(store_path))

    async def answer_for(query: str) -> tuple[int, bytes]:
        child = await idle.get()
        try:
            return await child.answer(query)
        finally:
            idle.put_nowait(child)

    return respond(answer_for)


def child(store_path: str) -> None:
    store = Store.read_only(store_path)
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    while head := requests.read(QUERY_HEAD.size):
        status, body = evaluate(store, requests.read(QUERY_HEAD.unpack(head)[0]).decode())
        answers.write(ANSWER_HEAD.pack(len(body), status) + body)
        answers.flush()


def create():
    """The app of one server process, over the store (read-only) named by SPARQL_FLOOR_STORE; with
    SPARQL_FLOOR_ISOLATED=N, the isolated floor with N child processes."""
    store_path = os.environ["SPARQL_FLOOR_STORE"]
    isolated = int(os.environ.get("SPARQL_FLOOR_ISOLATED", "0"))
    return isolated_floor_app(store_path, isolated) if isolated else floor_app(Store.read_only(store_path))


if __name__ == "__main__":  # a child of the isolated floor
    child(sys.argv[2])
