"""Dereferenceable IRIs, Cool-URI style with 303 redirects.

Why 303 and not hash IRIs: the things the data names (a notice, an article, a person) are not web
documents, and the minted IRIs (`{base}id/...`) already have slash paths that other graphs link to;
`GET /id/X` answers `303 See Other` to `/doc/X`, the document *about* X, which negotiates HTML,
JSON-LD, Turtle, N-Triples and RDF/XML. Parts of a resource (authorships, reason assignments,
evidence quotes) are hash IRIs of it (`.../id/notice/...#reason-error-in-image`) and come with its
document. `?format=` (html, jsonld, ttl, nt, rdf) beats `Accept`; the 303 keeps it.

Data IRIs live under `Settings.base`, vocabulary IRIs (`id/reason/...`, `id/nature/...`,
`id/role/...`, `id/stance/...`, `id/scheme/...`, `ontology`, `context.jsonld`) under the fixed
vocabulary namespace; both are served at the same paths of this server.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse

from retractkg.api import representations as rep
from retractkg.api.caching import cached_response
from retractkg.api.conneg import negotiate
from retractkg.api.deps import get_settings, get_store
from retractkg.api.errors import ProblemError
from retractkg.api.resources import Describer, resolve
from retractkg.config import Settings
from retractkg.store import GraphStore

router = APIRouter(tags=["linked data"])
StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

FORMAT_QUERY = Query(None, description="Override content negotiation: html, jsonld, ttl, nt or rdf.")
DOCUMENT_RESPONSES = {
    200: {"description": "The document about the resource, in the negotiated format.",
          "content": {t: {} for t in rep.DOCUMENT_TYPES}},
    304: {"description": "The client's copy (If-None-Match / If-Modified-Since) is current."},
    404: {"description": "No resource with this IRI is in the graph."},
    406: {"description": "None of the acceptable media types can be served."},
}


def raw_tail(request: Request, prefix: str) -> str:
    """The path after `prefix` exactly as sent (still percent-encoded), since IRIs keep their escapes."""
    raw = request.scope.get("raw_path") or quote(request.url.path).encode()
    return raw.decode("latin-1")[len(prefix):]


@router.api_route("/id/{path:path}", methods=["GET", "HEAD"], status_code=303, response_class=Response,
                  summary="Identify a thing: redirects (303) to the document about it",
                  responses={303: {"description": "See Other: the document about the thing, at /doc/{path}."}})
def identify(path: str, request: Request, format: str | None = FORMAT_QUERY) -> Response:
    location = "/doc/" + raw_tail(request, "/id/")
    if request.url.query:
        location += "?" + request.url.query
    return RedirectResponse(location, status_code=303)


@router.api_route("/doc/{path:path}", methods=["GET", "HEAD"], response_class=Response, responses=DOCUMENT_RESPONSES,
                  summary="The document about a thing, content-negotiated")
def document(path: str, request: Request, store: StoreDep, settings: SettingsDep,
             format: str | None = FORMAT_QUERY) -> Response:
    media_type = negotiate(request.headers.get("accept"), rep.DOCUMENT_TYPES, format=format,
                           aliases=rep.FORMAT_ALIASES)
    resolved = resolve(raw_tail(request, "/doc/"), settings)
    description = Describer(store).describe(resolved)
    if description is None:
        raise ProblemError(404, "not-found", f"nothing is known about <{resolved.iri}>")
    body = rep.render(description, media_type, settings, request)
    return cached_response(request, body, rep.content_type(media_type), last_modified=description.last_modified,
                           headers={"Vary": "Accept", "Link": f'<{resolved.iri}>; rel="about"'})
