"""The least any Python web app does to dereference a notice as JSON-LD: the floor `bench_deref.py` measures.

    DEREF_FLOOR_STORE=STORE DEREF_FLOOR_BASE=BASE granian --interface asgi --factory \
        --working-dir benchmarks deref_floor_app:create ...     (or uvicorn --factory --app-dir benchmarks ...)

A bare ASGI app, run under the same HTTP server as `retractkg serve` (or any other: `loadgen.asgi_server`), answering
`GET /doc/{path}` for the notice `{BASE}id/{path}` with one pyoxigraph CONSTRUCT of the same paths
as the notice's document (`retractkg.descriptions.REACH`) serialized by pyoxigraph's own JSON-LD
writer (flat, not framed or compacted), run right on the event loop: no framework, negotiation,
validators, caches or checks. Not a server to use; a measure of the floor under retractkg's
dereference, which gathers the same statements by walking the store's indexes.
"""

from __future__ import annotations

import os

from pyoxigraph import RdfFormat, Store

from retractkg.descriptions import REACH
from retractkg.store.reach import reach_pattern

JSONLD = b"application/ld+json"


def notice_construct(iri: str) -> str:
    """The same paths as a notice's document, as one CONSTRUCT."""
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {reach_pattern(iri, REACH['notice'])}"


def floor_app(store: Store, base: str):
    async def app(scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        iri = base + "id/" + scope["raw_path"].decode("latin-1").removeprefix("/doc/")  # IRIs keep their escapes
        body = store.query(notice_construct(iri), use_default_graph_as_union=True).serialize(format=RdfFormat.JSON_LD)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", JSONLD)]})
        await send({"type": "http.response.body", "body": body})

    return app


def create():
    """The app of one server process, over the store (read-only) named by DEREF_FLOOR_STORE, for IRIs minted
    under DEREF_FLOOR_BASE."""
    return floor_app(Store.read_only(os.environ["DEREF_FLOOR_STORE"]), os.environ["DEREF_FLOOR_BASE"])
