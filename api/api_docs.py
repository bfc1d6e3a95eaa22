"""API documentation that works offline: `/docs` is an HTML page the app renders itself from its own
OpenAPI description (`/openapi.json`), with no script and nothing loaded from a CDN (FastAPI's Swagger
UI and ReDoc pages load theirs from one, and are switched off in `create_app`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from retractkg.api.caching import cached_response
from retractkg.api.routing import get_and_head
from retractkg.api.templating import render

router = APIRouter(tags=["site"])
METHODS = ("get", "post", "put", "patch", "delete")


def operations(openapi: dict[str, Any]) -> list[dict[str, Any]]:
    """Each documented operation, grouped by tag in order, with its parameters, body and responses."""
    found = []
    for path, item in openapi.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                           "type": _type(p.get("schema", {})), "description": p.get("description", "")}
                          for p in operation.get("parameters", [])]
            body = operation.get("requestBody", {}).get("content", {})
            responses = [{"status": status, "description": r.get("description", ""),
                          "media_types": list(r.get("content", {}))}
                         for status, r in operation.get("responses", {}).items()]
            found.append({"method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                          "description": operation.get("description", ""), "tag": (operation.get("tags") or [""])[0],
                          "parameters": parameters, "body": list(body), "responses": responses,
                          "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", "")})
    order = {tag: i for i, tag in enumerate(dict.fromkeys(o["tag"] for o in found))}
    return sorted(found, key=lambda o: (order[o["tag"]], o["path"]))


def _type(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " or ".join(_type(s) for s in schema["anyOf"] if s.get("type") != "null")
    kind = schema.get("type", "")
    bounds = [f"{name} {schema[key]}" for key, name in (("minimum", "≥"), ("maximum", "≤"), ("maxLength", "length ≤"))
              if key in schema]
    if "enum" in schema:
        bounds.append("one of " + ", ".join(map(str, schema["enum"])))
    return f"{kind} ({', '.join(bounds)})" if bounds else kind


@get_and_head(router, "/docs", response_class=Response, summary="This documentation, as an HTML page")
def docs(request: Request) -> Response:
    openapi = request.app.openapi()
    body = render("api_docs.html", title="API", info=openapi.get("info", {}), operations=operations(openapi))
    return cached_response(request, body, "text/html; charset=utf-8")
