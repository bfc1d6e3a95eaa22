"""The least any Python web app does per SPARQL request: the floor `bench_sparql.py` measures beside both servers.

    python benchmarks/sparql_floor_app.py STORE PORT
    SPARQL_FLOOR_STORE=STORE uvicorn sparql_floor_app:create --factory --app-dir benchmarks --workers N ...

A bare ASGI app under uvicorn (same HTTP parser and event loop as `retractkg serve`) that answers
`GET /sparql?query=...` by running the query on the embedded store right on the event loop and
sending pyoxigraph's own JSON: no framework, no protocol checks, no limits, no thread hop. Not a
server to use (a slow query would stall every other request); a measure of what Python in front of
pyoxigraph costs, so the ratio of retractkg to Oxigraph's Rust server can be read against it.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import parse_qs

import uvicorn
from pyoxigraph import QueryResultsFormat, Store

JSON = b"application/sparql-results+json"


def floor_app(store: Store):
    async def app(scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        query = parse_qs(scope["query_string"].decode()).get("query", [""])[0]
        try:
            body = store.query(query, use_default_graph_as_union=True).serialize(format=QueryResultsFormat.JSON)
            status = 200
        except SyntaxError as e:
            body, status = str(e).encode(), 400
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", JSON)]})
        await send({"type": "http.response.body", "body": body})

    return app


def create():
    """For uvicorn's worker processes, each with the store (read-only) named by SPARQL_FLOOR_STORE."""
    return floor_app(Store.read_only(os.environ["SPARQL_FLOOR_STORE"]))


if __name__ == "__main__":
    uvicorn.run(floor_app(Store.read_only(sys.argv[1])), host="127.0.0.1", port=int(sys.argv[2]),
                log_level="warning", access_log=False)
