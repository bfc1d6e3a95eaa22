"""One error shape for the whole HTTP API: RFC 9457 problem details (`application/problem+json`).

Every error a route raises, and every error FastAPI/Starlette raise themselves (404, 405, 422, ...),
leaves the server as `{"type", "title", "status", "detail"}` so that clients (SPARQL tools, harvesters,
browsers' scripts) parse one thing. `type` is an IRI under the project's vocabulary naming the kind
of problem; `detail` says what was wrong with this request and how to fix it. A few problems add
extension members (a syntax error's `line`, `column` and `excerpt`).

A browser (an `Accept` that prefers `text/html` to JSON) gets the same problem as an HTML page of
the site, with the same status and headers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from retractkg.api.conneg import NotAcceptable, negotiate
from retractkg.api.query_processes import EngineCrashed, Overloaded, QueryKilled
from retractkg.api.sparql_limits import RETRY_AFTER_SECONDS
from retractkg.api.templating import render
from retractkg.ontology import VOCAB

PROBLEM_MEDIA_TYPE = "application/problem+json"
HTML = "text/html"
PROBLEM_TYPES = VOCAB + "problem/"
SERVICE_REFUSED = ("SERVICE (federated query) is not allowed: this endpoint answers from its own graph only "
                   "and never fetches remote data")



class ProblemError(Exception):
    """An error to send as problem details; `kind` becomes the last segment of the `type` IRI."""

    def __init__(self, status: int, kind: str, detail: str, *, headers: Mapping[str, str] | None = None,
                 extra: Mapping[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.kind = kind
        self.detail = detail
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


def problem_body(status: int, kind: str, detail: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {"type": PROBLEM_TYPES + kind, "title": HTTPStatus(status).phrase, "status": status, "detail": detail,
            **(extra or {})}


def problem_response(status: int, kind: str, detail: str, headers: Mapping[str, str] | None = None,
                     extra: Mapping[str, Any] | None = None) -> Response:
    return Response(json.dumps(problem_body(status, kind, detail, extra), ensure_ascii=False), status_code=status,
                    media_type=PROBLEM_MEDIA_TYPE, headers=dict(headers or {}))


def wants_html(request: Request) -> bool:
    """Whether the client prefers an HTML page to problem JSON (a browser navigating to the URL)."""
    try:
        return negotiate(request.headers.get("accept"), [PROBLEM_MEDIA_TYPE, "application/json", HTML]) == HTML
    except NotAcceptable:
        return False


def error_response(request: Request, status: int, kind: str, detail: str,
                   headers: Mapping[str, str] | None = None, extra: Mapping[str, Any] | None = None) -> Response:
    """The problem as problem JSON, or as an HTML page of the site for a browser."""
    if not wants_html(request):
        return problem_response(status, kind, detail, headers, extra)
    body = render("error.html", title=f"{status} {HTTPStatus(status).phrase}",
                  problem=problem_body(status, kind, detail, extra))
    return Response(body, status_code=status, media_type="text/html; charset=utf-8",
                    headers={**(headers or {}), "Vary": "Accept"})


def _kind_for(status: int) -> str:
    return HTTPStatus(status).phrase.lower().replace(" ", "-").replace("'", "")


def query_problem(kind: str, message: str) -> ProblemError:
    """The problem to answer for a failure, by the class name of the error (raised here or in a query process)."""
    retry = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    timeout = ("the query ran longer than the endpoint's limit; narrow it down (more specific patterns, LIMIT) "
               "or run it on a dump")
    problems = {
        "QueryTimeout": (503, "query-timeout", message),
        "QueryKilled": (503, "query-timeout", timeout),
        "Overloaded": (429, "overloaded", f"too many queries are running ({message}); retry later"),
        "EngineCrashed": (500, "engine-crash", f"the query engine failed on this query ({message}); the server "
                          "carries on, but this query cannot be answered as written"),
        "ResultTooLarge": (400, "result-too-large", message),
        "QuerySyntaxError": (400, "query-syntax", f"SPARQL syntax error: {message}"),
        "UnknownGraph": (400, "unknown-graph", message),
        "NotAcceptable": (406, "not-acceptable", message),
        # A process that runs queries cannot open sockets: only SERVICE makes the engine try.
        "PermissionError": (400, "service-refused", SERVICE_REFUSED),
        "StoreError": (500, "store-error", message),
    }
    status, kind_name, detail = problems.get(kind, (500, "internal-error", f"the query failed: {kind}: {message}"))
    return ProblemError(status, kind_name, detail, headers=retry if status in (429, 503) else None)


async def _on_query_failure(request: Request, exc: Exception) -> Response:
    """A query of a page or document that a query process could not answer (deadline, overload, crash)."""
    problem = query_problem(type(exc).__name__, str(exc))
    return error_response(request, problem.status, problem.kind, problem.detail, problem.headers)


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return error_response(request, exc.status, exc.kind, exc.detail, exc.headers, exc.extra)


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
    if exc.status_code == 404 and detail == HTTPStatus.NOT_FOUND.phrase:
        detail = f"nothing is served at {request.url.path}"
    return error_response(request, exc.status_code, _kind_for(exc.status_code), detail, exc.headers)


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors())
    return error_response(request, 400, "bad-request", problems or "invalid request")


async def _on_not_acceptable(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NotAcceptable)
    return error_response(request, 406, "not-acceptable", str(exc))


def unexpected_response(request: Request) -> Response:
    """A bug: the client gets a 500 problem (or page), not a bare text."""
    return error_response(request, 500, "internal-error", "the server failed on this request; it carries on")


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    """Starlette re-raises the exception for the log."""
    return unexpected_response(request)


def install_error_handlers(app: FastAPI) -> None:
    """Make every error of `app` a problem-details response (call once in `create_app`)."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(NotAcceptable, _on_not_acceptable)
    for failure in (Overloaded, QueryKilled, EngineCrashed):
        app.add_exception_handler(failure, _on_query_failure)
    app.add_exception_handler(Exception, _on_unexpected)
