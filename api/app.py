"""The web app: one FastAPI application serving SPARQL, linked data, pages, dumps and the change feed.

`create_app` is the only place that wires things together: it owns the store's lifetime (opened
from the settings unless a store is passed in, closed on shutdown) and puts the settings, the
store and the caches shared by requests on `app.state`, where routers reach them only through
`retractkg.api.deps`. The caches are made once, in the lifespan, before any request: sync handlers
run on a thread pool, and two first requests each making one would race.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import Receive, Scope, Send

from retractkg import __version__
from retractkg.api import (
    api_docs,
    check,
    doi,
    dumps,
    feed,
    linked_data,
    pages,
    recent_changes,
    search,
    site_files,
    sitemap,
    sparql,
)
from retractkg.api.answer_cache import AnswerCache
from retractkg.api.caching import RepresentationCache
from retractkg.api.errors import install_error_handlers
from retractkg.api.query_processes import IsolatedStore, QueryProcesses
from retractkg.api.route_limits import default_slots
from retractkg.api.security_headers import SecurityHeaders
from retractkg.config import Settings
from retractkg.store import GraphStore, OxigraphStore, open_store
from retractkg.store.change_log import ChangeLog
from retractkg.store.text_index import KeptIndex

# Linked data is public and read-only: any origin may read it (and see the caching headers).
CORS = {"allow_origins": ["*"], "allow_methods": ["GET", "HEAD", "POST", "OPTIONS"], "allow_headers": ["*"],
        "expose_headers": ["ETag", "Last-Modified", "Link", "Location", "Content-Location", "Vary", "Retry-After"]}


class App(FastAPI):
    """The FastAPI app, answering `GET /sparql` (the lookups' hot path) before its middleware stack and routing
    (`sparql.SparqlLookups`): a lookup's answer is written with the headers the stack would give it, and
    whatever else comes by GET is answered by the endpoint wrapped in the same security headers and CORS as
    every other route. POST and every other path go through the whole stack."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sparql_get = sparql.SparqlLookups(lambda inner: SecurityHeaders(CORSMiddleware(inner, **CORS)))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == sparql.PATH and scope["method"] in ("GET", "HEAD"):
            scope["app"] = self
            await self.sparql_get(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def create_app(settings: Settings, store: GraphStore | None = None, *, exclusive: bool = False) -> FastAPI:
    """The application for one store; a store passed in stays open (its owner closes it).

    `exclusive`: nothing else writes to the embedded store passed in while the app runs (a writable
    one locks its folder; a read-only one must not be written meanwhile), so rendered documents may
    be cached. A store the app opens itself is exclusive when it is embedded.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        opened = open_store(settings) if owned else store
        app.state.store = opened
        processes = None
        changes = ChangeLog(opened, settings)
        app.state.answers = AnswerCache(changes.extent, fixed_state=(owned or exclusive)
                                        and isinstance(opened, OxigraphStore),
                                        max_bytes=settings.answer_cache_mb * 1024 * 1024)
        in_memory = isinstance(opened, OxigraphStore) and opened.path is None and settings.text_index is None
        app.state.text_index = KeptIndex(opened, None if in_memory else settings.text_index_path,
                                         app.state.answers.state)
        if (owned or exclusive) and isinstance(opened, OxigraphStore):
            app.state.representations = RepresentationCache()
            if opened.path is not None:
                # Queries run in killable processes over the same folder, read-only (see query_processes.py):
                # only an exclusive store, since those processes do not see writes made after they start.
                processes = QueryProcesses(opened.path)
                app.state.query_processes = processes
                app.state.store = IsolatedStore(opened, processes, settings.query_timeout)
        try:
            yield
        finally:
            if processes is not None:
                processes.close()
                app.state.query_processes = None
                app.state.store = opened
            gate = getattr(app.state, "sparql_gate", None)
            if gate is not None:
                gate.shutdown()  # idle query threads end; a runaway's ends when its query does
                app.state.sparql_gate = None  # a restarted app makes a new pool
            app.state.text_index.close()
            if owned:
                opened.close()

    app = App(
        title="retractkg",
        version=__version__,
        description="The open, linked-data knowledge graph of scholarly retractions: dereferenceable IRIs "
        "(HTML, JSON-LD, Turtle, N-Triples, RDF/XML), dataset metadata (VoID), dumps and a change feed. "
        "The SPARQL 1.1 endpoint at /sparql follows the SPARQL 1.1 Protocol.",
        lifespan=lifespan,
        # FastAPI's own /docs and /redoc load their scripts from a CDN: the app serves its own (api_docs.py).
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.representations = None
    app.state.query_processes = None
    app.state.route_slots = default_slots()
    if store is not None:
        app.state.store = store
    app.add_middleware(CORSMiddleware, **CORS)
    app.add_middleware(SecurityHeaders)
    install_error_handlers(app)
    app.include_router(sparql.router)
    app.include_router(linked_data.router)
    app.include_router(pages.router)
    app.include_router(search.router)
    app.include_router(dumps.router)
    app.include_router(feed.router)
    app.include_router(recent_changes.router)
    app.include_router(site_files.router)
    app.include_router(sitemap.router)
    app.include_router(api_docs.router)
    app.include_router(doi.router)
    app.include_router(check.router)
    return app
