"""The public SPARQL 1.1 endpoint, `/sparql`, following the SPARQL 1.1 Protocol (read-only).

- Query by GET (`?query=`), by POST form (`application/x-www-form-urlencoded`) or direct POST
  (`application/sparql-query`, UTF-8), with `default-graph-uri`/`named-graph-uri` naming graphs
  of this store (a graph the store does not hold is refused with 400: nothing remote is fetched,
  and `SERVICE` is refused for the same reason).
- Without a query, GET answers the Service Description (Turtle, JSON-LD, RDF/XML, N-Triples), or a
  query page when a browser asks for HTML; with a query and no `format`, a browser gets the results as
  a page (`api/sparql_page.py`).
- The prefixes of `retractkg.formats.QUERY_PREFIXES` are declared for every query.
- Updates (`update=` or `application/sparql-update`) are refused with 403.
- Queries run on a bounded pool of threads, with a deadline and a cap on result rows; a full pool
  answers 429 with Retry-After. Every error is an RFC 9457 problem (see `api/errors.py`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, FastAPI, Request
from pyoxigraph import NamedNode
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from retractkg.api.answer_cache import AnswerCache
from retractkg.api.conneg import NotAcceptable, negotiate
from retractkg.api.deps import get_settings, get_store
from retractkg.api.errors import SERVICE_REFUSED, ProblemError, error_response, query_problem, unexpected_response
from retractkg.api.query_processes import EngineCrashed, Overloaded, QueryKilled, QueryProcesses
from retractkg.api.query_string import query_parameters
from retractkg.api.query_worker import protocol_request
from retractkg.api.security_headers import with_security_headers
from retractkg.api.service_description import (
    DESCRIPTION_TYPES,
    CountsCache,
    description_triples,
    render_description,
)
from retractkg.api.sparql_limits import RETRY_AFTER_SECONDS, Deadline, QueryGate
from retractkg.api.sparql_page import RESULTS_PAGE_SOURCE, form_page, located, results_page, wants_results_page
from retractkg.api.sparql_results import STORE_DATASET, Answer, Dataset, protocol_answer
from retractkg.api.sparql_text import uses_service
from retractkg.config import Settings
from retractkg.formats import GRAPH_ALIASES
from retractkg.store import GraphStore

router = APIRouter()
logger = logging.getLogger(__name__)

PATH = "/sparql"
FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"
MAX_QUERY_BYTES = 1_000_000
READ_ONLY = ("this endpoint is read-only: SPARQL Update is not accepted here "
             "(the graph changes only through `retractkg ingest`)")

class Operation:
    """One protocol request, parsed: the query text, the dataset and the requested format (never changed once made:
    the lookups' path gives one to every request of the same query string, `lookup_of`)."""

    __slots__ = ("query", "dataset", "format")

    def __init__(self, query: str, dataset: Dataset, format: str | None) -> None:
        self.query = query
        self.dataset = dataset
        self.format = format


async def sparql_endpoint(request: Request) -> Response:
    """GET/POST /sparql. A plain Starlette route (no FastAPI parameter machinery: it is the hot path)."""
    if request.method in ("GET", "HEAD"):
        return await sparql_get(request, get_store(request), get_settings(request))
    if request.method == "POST":
        return await sparql_post(request, get_store(request), get_settings(request))
    return error_response(request, 405, "method-not-allowed",
                            f"{request.method} is not part of the SPARQL 1.1 Protocol for queries: use GET or POST",
                            {"Allow": "GET, POST"})


router.add_route(PATH, sparql_endpoint, methods=["GET", "POST", "PUT", "DELETE", "PATCH"], include_in_schema=False)


async def sparql_get_app(scope: Scope, receive: Receive, send: Send) -> None:
    """GET /sparql as a bare ASGI app, through the whole protocol (`SparqlLookups` sends here whatever it
    does not answer itself). A failure the endpoint does not answer itself is answered as the app's own 500
    handler would, and logged."""
    request = Request(scope, receive, send)
    try:
        response = await sparql_get(request, get_store(request), get_settings(request))
    except Exception:
        logger.exception("GET %s failed", PATH)
        response = unexpected_response(request)
    await response(scope, receive, send)


class SparqlLookups:
    """GET/HEAD /sparql, answered before the app's middleware stack and routing (the lookups' hot path; see
    `api/app.py`).

    A query asked for in a data format by a client that is not a browser calling across origins (no
    `Origin`) is answered here: the request read straight from the ASGI scope, the answer's headers written
    once, as the full stack writes them (the same security headers, and `Vary: Origin` as CORS adds to a
    request without one). The query goes through the same checks, answer cache and query processes as any
    other. Everything else (no query, an update, a results page, a cross-origin call) and every problem is
    answered by `full`, the endpoint wrapped in the app's CORS and security headers.
    """

    def __init__(self, wrap: Callable[[ASGIApp], ASGIApp]) -> None:
        self.wrap = wrap
        self.full = wrap(sparql_get_app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        accept = None
        for name, value in scope["headers"]:
            if name == b"origin":
                await self.full(scope, receive, send)
                return
            if name == b"accept" and accept is None:
                accept = value.decode("latin-1")
        operation = lookup_of(scope["query_string"], accept)
        if operation is None:
            await self.full(scope, receive, send)
            return
        app = scope["app"]
        started = time.perf_counter()
        try:
            state = _state(app)
            body, media_type, cached = await _cached_answer(app, operation, state["store"], state["settings"],
                                                            accept, operation.format)
        except ProblemError as e:
            request = Request(scope, receive, send)
            await self.wrap(error_response(request, e.status, e.kind, e.detail, e.headers, e.extra))(
                scope, receive, send)
            return
        except Exception:
            logger.exception("GET %s failed", PATH)
            await self.wrap(unexpected_response(Request(scope, receive, send)))(scope, receive, send)
            return
        headers = [*_answer_headers(media_type), (b"content-length", b"%d" % len(body)),
                   (b"server-timing", server_timing(cached, started).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


LOOKUPS_KEPT = 1024  # query strings whose reading the server keeps (clients repeat their lookups)
KEPT_UP_TO = 4096  # bytes of a query string: longer ones are read every time, so that the kept ones stay small


def lookup_of(raw: bytes, accept: str | None) -> Operation | None:
    """`_lookup` of a raw query string: the same for the same string and `Accept`, so kept for the most recent ones
    (`LOOKUPS_KEPT`, each up to `KEPT_UP_TO` bytes and as long an `Accept`: some 16 MB at most). An `Operation` is
    never changed once made, so one may serve every request of its string; the query's SERVICE check is part of it."""
    if len(raw) > KEPT_UP_TO or (accept is not None and len(accept) > KEPT_UP_TO):
        return _lookup(query_parameters(raw), accept)
    return _lookup_kept(raw, accept)


@lru_cache(maxsize=LOOKUPS_KEPT)
def _lookup_kept(raw: bytes, accept: str | None) -> Operation | None:
    return _lookup(query_parameters(raw), accept)


def _lookup(params: Sequence[tuple[str, str]], accept: str | None) -> Operation | None:
    """The operation of a request for a query's answer in a data format; None for anything else."""
    grouped = _grouped(params)
    if "update" in grouped or "query" not in grouped:
        return None
    try:
        operation = _grouped_operation(grouped)
    except ProblemError:
        return None
    return None if wants_results_page(accept, operation.format) else operation


def _state(app: FastAPI) -> dict[str, Any]:
    """What `create_app` put on `app.state`, as the dict Starlette keeps it in: reading `app.state.x` fails the
    ordinary attribute lookup before `State.__getattr__` answers, which cost a lookup more than its cache."""
    return app.state._state


@lru_cache(maxsize=64)
def _answer_headers(media_type: str) -> tuple[tuple[bytes, bytes], ...]:
    """A lookup's headers but its length and timing, as the full stack gives them: the type, `Vary` (the
    answer's own `Accept`, then CORS's `Origin`) and the security headers."""
    headers = [(b"content-type", _with_charset(media_type).encode("latin-1")), (b"vary", b"Accept, Origin")]
    return tuple(with_security_headers(headers, 200))


async def sparql_get(request: Request, store: GraphStore, settings: Settings) -> Response:
    try:
        params = request.query_params.multi_items()
        if _values(params, "update"):
            raise ProblemError(403, "read-only", READ_ONLY)
        if not _values(params, "query"):
            formats = _values(params, "format") or _values(params, "output")
            return await _describe(request, store, settings, formats[0] if formats else None)
        return await _answer(request, _operation(params), store, settings)
    except ProblemError as e:
        return error_response(request, e.status, e.kind, e.detail, e.headers, e.extra)


async def sparql_post(request: Request, store: GraphStore, settings: Settings) -> Response:
    try:
        return await _answer(request, await _post_operation(request), store, settings)
    except ProblemError as e:
        return error_response(request, e.status, e.kind, e.detail, e.headers, e.extra)


async def _post_operation(request: Request) -> Operation:
    media_type, charset = _content_type(request.headers.get("content-type", ""))
    url_params = request.query_params.multi_items()
    if media_type == UPDATE_BODY:
        raise ProblemError(403, "read-only", READ_ONLY)
    if media_type not in (FORM, QUERY_BODY):
        shown = media_type or "no Content-Type"
        raise ProblemError(415, "unsupported-media-type",
                           f"{shown} is not a SPARQL query request: send {FORM} (query=...) or {QUERY_BODY}")
    if charset not in (None, "utf-8", "utf8"):
        raise ProblemError(415, "unsupported-media-type", f"charset {charset} is not accepted: queries are UTF-8")
    body = await request.body()
    if len(body) > MAX_QUERY_BYTES:
        raise ProblemError(413, "content-too-large", f"the request body exceeds {MAX_QUERY_BYTES} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ProblemError(400, "bad-request", f"the request body is not UTF-8 (byte {e.start})") from e
    if media_type == FORM:
        params = url_params + parse_qsl(text, keep_blank_values=True)
        if _values(params, "update"):
            raise ProblemError(403, "read-only", READ_ONLY)
        return _operation(params)
    if _values(url_params, "query"):
        raise ProblemError(400, "bad-request", f"a {QUERY_BODY} request carries its query in the body only")
    return _operation([*url_params, ("query", text)])


def _content_type(header: str) -> tuple[str, str | None]:
    media_type, *params = (part.strip() for part in header.split(";"))
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.lower(), charset


def _values(params: Sequence[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in params if key == name]


def _grouped(params: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """Each parameter's values, in order, in one pass (a lookup asks for six of them)."""
    grouped: dict[str, list[str]] = {}
    for key, value in params:
        grouped.setdefault(key, []).append(value)
    return grouped


def _operation(params: Sequence[tuple[str, str]]) -> Operation:
    return _grouped_operation(_grouped(params))


def _grouped_operation(params: dict[str, list[str]]) -> Operation:
    queries = params.get("query", [])
    if len(queries) != 1:
        raise ProblemError(400, "bad-request", f"exactly one query parameter is expected, got {len(queries)}")
    query = queries[0]
    if not query.strip():
        raise ProblemError(400, "bad-request", "the query is empty")
    if uses_service(query):
        raise ProblemError(400, "service-refused", SERVICE_REFUSED)
    if "default-graph-uri" in params or "named-graph-uri" in params:
        dataset = Dataset(_graph_iris(params, "default-graph-uri"), _graph_iris(params, "named-graph-uri"))
    else:
        dataset = STORE_DATASET
    formats = params.get("format") or params.get("output")
    return Operation(query, dataset, formats[0] if formats else None)


def _graph_iris(params: dict[str, list[str]], name: str) -> tuple[str, ...]:
    iris = []
    for value in params.get(name, ()):
        try:
            iris.append(NamedNode(value).value)
        except ValueError as e:
            raise ProblemError(400, "bad-request", f"{name} {value!r} is not an absolute IRI: {e}") from e
    return tuple(iris)


def query_gate(app: FastAPI) -> QueryGate:
    """The app's pool of query threads (created on first use; tests may put a smaller one on app.state)."""
    gate = getattr(app.state, "sparql_gate", None)
    if gate is None:
        gate = app.state.sparql_gate = QueryGate()
    return gate


async def _answer(request: Request, operation: Operation, store: GraphStore, settings: Settings) -> Response:
    """The answer in the requested format, or a results page for a browser that asked for no format."""
    accept = request.headers.get("accept")
    if wants_results_page(accept, operation.format):
        try:
            body, media_type, _ = await _cached_answer(request.app, operation, store, settings,
                                                       RESULTS_PAGE_SOURCE, None)
        except ProblemError as e:
            return HTMLResponse(results_page(operation.query, problem=e), status_code=e.status,
                                headers={**e.headers, "Vary": "Accept"})
        return HTMLResponse(results_page(operation.query, answer=(body, media_type), settings=settings,
                                         dataset=operation.dataset), headers={"Vary": "Accept"})
    started = time.perf_counter()
    body, media_type, cached = await _cached_answer(request.app, operation, store, settings, accept,
                                                    operation.format)
    return Response(body, media_type=_with_charset(media_type),
                    headers={"Vary": "Accept", "Server-Timing": server_timing(cached, started)})


_TIMINGS = {True: 'answer;dur=%.3f;desc="cache"', False: 'answer;dur=%.3f;desc="evaluated"'}


def server_timing(cached: bool, started: float) -> str:
    """The W3C Server-Timing header of an answer: how long the server took to have it, and whether it came
    from the answer cache, so a client can tell the server's time from the network's."""
    return _TIMINGS[cached] % ((time.perf_counter() - started) * 1000)


async def _cached_answer(app: FastAPI, operation: Operation, store: GraphStore, settings: Settings,
                         accept: str | None, format: str | None) -> tuple[bytes, str, bool]:
    """(body, media type, whether it came from the answer cache): from the cache when the same question was
    answered in the store's present state, else evaluated."""
    cache: AnswerCache = _state(app)["answers"]
    state = cache.known_state()
    if state is None:  # a query (the change log's extent): not on the event loop
        state = await run_in_threadpool(cache.state)
    key = (state, operation.query, operation.dataset, accept, format)
    found = cache.get(key)
    if found is not None:
        return *found, True
    try:
        body, media_type = await _evaluate(app, operation, store, settings, accept, format)
    except ProblemError as e:
        raise located(e, operation.query) from e
    cache.put(key, body, media_type)
    return body, media_type, False


async def _evaluate(app: FastAPI, operation: Operation, store: GraphStore, settings: Settings,
                    accept: str | None, format: str | None) -> tuple[bytes, str]:
    base_iri = settings.base + PATH.lstrip("/")
    processes: QueryProcesses | None = _state(app).get("query_processes")
    if processes is not None:
        # In a query process (see `api/query_processes.py`): killable, and a crash costs only it. Awaited here,
        # not in a coroutine of its own (a lookup resumes every coroutine it awaits through).
        dataset = operation.dataset
        try:
            header, body = await processes.run_async(protocol_request(
                operation.query, dataset.default_graphs, dataset.named_graphs, accept, format, base_iri,
                settings.max_result_rows, settings.query_timeout))
        except (Overloaded, QueryKilled, EngineCrashed) as e:
            raise query_problem(type(e).__name__, str(e)) from e
        if isinstance(header, dict):  # a failure (a protocol answer's header is its media type)
            raise query_problem(header["error"], header["message"])
        return body, header
    deadline = Deadline(settings.query_timeout)

    def job() -> Answer | ProblemError:
        # Failures become ProblemErrors here, on the query thread: pyoxigraph objects referenced by a
        # traceback must not be dropped on another thread.
        try:
            deadline.check()  # it may have waited in the queue past its deadline
            return protocol_answer(store, operation.query, operation.dataset, base_iri=base_iri, accept=accept,
                                   format=format, deadline=deadline, max_rows=settings.max_result_rows)
        except Exception as e:  # noqa: BLE001 - every failure is reported to the client
            problem = query_problem(type(e).__name__, str(e))
        return problem

    future = query_gate(app).submit(job)
    if future is None:
        raise ProblemError(429, "overloaded", "too many queries are running; retry later",
                           headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    waiting = asyncio.wrap_future(future)
    # `asyncio.wait` (unlike wait_for) does not cancel a queued job: the job itself sees the
    # abandoned deadline and frees its slot. A job still computing (pyoxigraph cannot be interrupted
    # before its first answer) is set aside, and a fresh thread serves the other queries.
    done, _ = await asyncio.wait({waiting}, timeout=settings.query_timeout + 1.0)
    if not done:
        deadline.abandon()
        query_gate(app).set_aside(future)
        raise ProblemError(503, "query-timeout", f"the query ran longer than the endpoint's limit of "
                           f"{settings.query_timeout:g} s; narrow it down (more specific patterns, LIMIT)")
    answer = waiting.result()
    if isinstance(answer, ProblemError):
        raise answer
    return answer.body, answer.media_type


def _with_charset(media_type: str) -> str:
    return media_type + "; charset=utf-8" if media_type.startswith("text/") else media_type


async def _describe(request: Request, store: GraphStore, settings: Settings, format: str | None) -> Response:
    offered = [*DESCRIPTION_TYPES, "text/html"]
    try:
        media_type = negotiate(request.headers.get("accept"), offered, format=format or None, aliases=GRAPH_ALIASES)
    except NotAcceptable as e:
        raise ProblemError(406, "not-acceptable", str(e)) from e
    if media_type == "text/html":
        return HTMLResponse(form_page(), headers={"Vary": "Accept"})
    endpoint = settings.base + PATH.lstrip("/")
    cache = getattr(request.app.state, "sparql_counts", None)
    if cache is None:
        cache = request.app.state.sparql_counts = CountsCache()
    counts = await run_in_threadpool(cache.get, store)
    body = render_description(description_triples(endpoint, counts), media_type)
    return Response(body, media_type=_with_charset(media_type), headers={"Vary": "Accept"})
