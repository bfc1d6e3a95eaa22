"""One error shape for the whole HTTP API: RFC 9457 problem details (`application/problem+json`).

Every error a route raises, and every error FastAPI/Starlette raise themselves (404, 405, 422, ...),
leaves the server as `{"type", "title", "status", "detail"}` so that clients (SPARQL tools, harvesters,
browsers' scripts) parse one thing. `type` is an IRI under the project's vocabulary naming the kind
of problem; `detail` says what was wrong with this request and how to fix it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from retractkg.api.conneg import NotAcceptable
from retractkg.ontology import VOCAB

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPES = VOCAB + "problem/"


class ProblemError(Exception):
    """An error to send as problem details; `kind` becomes the last segment of the `type` IRI."""

    def __init__(self, status: int, kind: str, detail: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.kind = kind
        self.detail = detail
        self.headers = dict(headers or {})


def problem_response(status: int, kind: str, detail: str, headers: Mapping[str, str] | None = None) -> Response:
    body = {
        "type": PROBLEM_TYPES + kind,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    return Response(json.dumps(body, ensure_ascii=False), status_code=status, media_type=PROBLEM_MEDIA_TYPE,
                    headers=dict(headers or {}))


def _kind_for(status: int) -> str:
    return HTTPStatus(status).phrase.lower().replace(" ", "-").replace("'", "")


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProblemError)
    return problem_response(exc.status, exc.kind, exc.detail, exc.headers)


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
    return problem_response(exc.status_code, _kind_for(exc.status_code), detail, exc.headers)


async def _on_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors())
    return problem_response(400, "bad-request", problems or "invalid request")


async def _on_not_acceptable(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NotAcceptable)
    return problem_response(406, "not-acceptable", str(exc))


def install_error_handlers(app: FastAPI) -> None:
    """Make every error of `app` a problem-details response (call once in `create_app`)."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(NotAcceptable, _on_not_acceptable)
