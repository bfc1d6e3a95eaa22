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

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse

from retractkg import formats as rep
from retractkg.api.caching import RepresentationCache, cached_response
from retractkg.api.conneg import NotAcceptable, negotiate
from retractkg.api.deps import get_catalog, get_representations, get_settings, get_store, get_text_index
from retractkg.api.errors import ProblemError
from retractkg.api.pages import description_page, entity_charts, listed_notices, listing_facet, page_number
from retractkg.api.provenance import provenance
from retractkg.api.resources import resolve
from retractkg.api.routing import get_and_head
from retractkg.api.void import dataset_iri, void_triples
from retractkg.config import Settings
from retractkg.descriptions import Describer, Description, Resolved, ontology_description, software_description
from retractkg.formats import FEED_TYPES
from retractkg.jsonld import description_jsonld
from retractkg.ontology import CONTEXT_FILE, ONTOLOGY_IRI
from retractkg.store import GraphStore
from retractkg.store.change_log import changes_graph
from retractkg.store.text_index import IndexMissing

router = APIRouter(tags=["linked data"])
StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
CacheDep = Annotated[RepresentationCache | None, Depends(get_representations)]

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


@get_and_head(router, "/id/{path:path}", status_code=303, response_class=Response,
              summary="Identify a thing: redirects (303) to the document about it",
              responses={303: {"description": "See Other: the document about the thing, at /doc/{path}."}})
def identify(path: str, request: Request, format: str | None = FORMAT_QUERY) -> Response:
    location = "/doc/" + raw_tail(request, "/id/")
    if request.url.query:
        location += "?" + request.url.query
    return RedirectResponse(location, status_code=303)


def render(description: Description, media_type: str, settings: Settings, request: Request,
           store: GraphStore | None = None) -> bytes:
    """The bytes of one description in one of `formats.DOCUMENT_TYPES`; with the store, an HTML page
    also lists the notices of a journal or reason and the source records the description was read from
    with their provenance (queried here: the page renders data, not a store)."""
    if media_type in (rep.JSONLD, rep.JSON):
        return description_jsonld(description)
    if media_type == rep.HTML:
        if store is None:
            return description_page(description, settings, request)
        sources = provenance(store, description.graphs, settings)
        if not listing_facet(description, settings):
            return description_page(description, settings, request, provenance=sources)
        catalog = get_catalog(request)
        return description_page(description, settings, request,
                                listed_notices(description, catalog, settings, page_number(request)),
                                entity_charts(description, catalog, settings), sources)
    return rep.serialize_triples(description.triples, media_type)


JSONLD_CONTEXT_REL = "http://www.w3.org/ns/json-ld#context"


def document_headers(request: Request, iri: str, media_type: str) -> dict[str, str]:
    """`Vary` and `Link`: the thing the document is about and, for JSON-LD, where this server serves
    the context its `@context` IRI names, so a client offline (or before the w3id redirect is set up)
    can load it from here."""
    links = [f'<{iri}>; rel="about"']
    if media_type in (rep.JSONLD, rep.JSON):
        links.append(f'<{request.base_url}context.jsonld>; rel="{JSONLD_CONTEXT_REL}"')
    return {"Vary": "Accept", "Link": ", ".join(links)}


def represent(request: Request, description: Description, settings: Settings, format: str | None,
              offered: tuple[str, ...] = rep.DOCUMENT_TYPES, media_type: str | None = None) -> Response:
    """Negotiate, render and answer with validators (304 when the client's copy is current)."""
    media_type = media_type or negotiate(request.headers.get("accept"), offered, format=format,
                                         aliases=rep.FORMAT_ALIASES)
    body = render(description, media_type, settings, request)
    return cached_response(request, body, rep.content_type(media_type), last_modified=description.last_modified,
                           headers=document_headers(request, description.iri, media_type))


@get_and_head(router, "/doc/{path:path}", response_class=Response, responses=DOCUMENT_RESPONSES,
              summary="The document about a thing, content-negotiated")
def document(path: str, request: Request, store: StoreDep, settings: SettingsDep, cache: CacheDep,
             format: str | None = FORMAT_QUERY) -> Response:
    media_type = negotiate(request.headers.get("accept"), rep.DOCUMENT_TYPES, format=format,
                           aliases=rep.FORMAT_ALIASES)  # before the lookup: a 406 costs no query
    resolved = resolve(raw_tail(request, "/doc/"), settings)
    key = (raw_tail(request, "") + "?" + request.url.query, media_type)
    found = cache.get(key) if cache is not None else None
    if found is None:
        description = Describer(store).describe(resolved)
        if description is None:
            raise ProblemError(404, "not-found", f"nothing is known about <{resolved.iri}>")
        found = render(description, media_type, settings, request, store), description.last_modified
        if cache is not None:
            cache.put(key, found)
    body, last_modified = found
    return cached_response(request, body, rep.content_type(media_type), last_modified=last_modified,
                           headers=document_headers(request, resolved.iri, media_type))


@get_and_head(router, "/graph/{path:path}", response_class=Response,
              responses=DOCUMENT_RESPONSES, summary="A source record's named graph, with its provenance")
def graph_document(path: str, request: Request, store: StoreDep, settings: SettingsDep,
                   format: str | None = FORMAT_QUERY) -> Response:
    iri = settings.base + "graph/" + raw_tail(request, "/graph/")
    media_type = negotiate(request.headers.get("accept"), rep.DOCUMENT_TYPES, format=format,
                           aliases=rep.FORMAT_ALIASES)
    if iri == changes_graph(settings) and media_type == rep.HTML:
        # People read the change log as the feed, which is JSON: sent there only if they take JSON too.
        try:
            negotiate(request.headers.get("accept"), FEED_TYPES)
        except NotAcceptable as e:
            raise ProblemError(406, "not-acceptable", "the change log is published as the Activity Streams feed "
                               "at /changes (JSON), or as this graph in an RDF format; not as HTML") from e
        return RedirectResponse("/changes?page=1", status_code=303)
    description = Describer(store).describe_graph(iri)
    if description is None:
        raise ProblemError(404, "not-found", f"no named graph <{iri}> in the store")
    return represent(request, description, settings, format, media_type=media_type)


@get_and_head(router, "/change/{key}", response_class=Response,
              responses=DOCUMENT_RESPONSES, summary="One activity of the change log")
def change_document(key: str, request: Request, store: StoreDep, settings: SettingsDep,
                    format: str | None = FORMAT_QUERY) -> Response:
    iri = settings.base + "change/" + raw_tail(request, "/change/")
    description = Describer(store).describe(Resolved(iri, "other", False))
    if description is None:
        raise ProblemError(404, "not-found", f"no change <{iri}> in the change log")
    return represent(request, description, settings, format)


# -- the vocabulary and the dataset --------------------------------------------------------------

@get_and_head(router, "/ontology", response_class=Response, responses=DOCUMENT_RESPONSES,
              summary="The retractkg ontology (OWL), content-negotiated")
def ontology(request: Request, settings: SettingsDep, format: str | None = FORMAT_QUERY) -> Response:
    return represent(request, ontology_description(), settings, format)


@get_and_head(router, "/ontology.{extension}", response_class=Response,
              responses=DOCUMENT_RESPONSES, summary="The ontology in one format: ttl, nt, rdf, jsonld or html")
def ontology_file(extension: str, request: Request, settings: SettingsDep) -> Response:
    media_type = rep.EXTENSIONS.get(extension)
    if media_type is None:
        raise ProblemError(404, "not-found", f"no ontology format .{extension}; try .ttl, .nt, .rdf, .jsonld, .html")
    return represent(request, ontology_description(), settings, None, media_type=media_type)


@get_and_head(router, "/ontology/{version}", response_class=Response, responses=DOCUMENT_RESPONSES,
              summary="The ontology by its version IRI (only the current version is served)")
def ontology_version(version: str, request: Request, settings: SettingsDep,
                     format: str | None = FORMAT_QUERY) -> Response:
    description = ontology_description()
    version_iri = f"{ONTOLOGY_IRI}/{version}"
    if not any(t.object.value == version_iri for t in description.triples):
        raise ProblemError(404, "not-found", f"<{version_iri}> is not the current version of the ontology")
    return represent(request, description, settings, format)


@get_and_head(router, "/context.jsonld", response_class=Response,
              responses={200: {"content": {rep.JSONLD: {}}, "description": "The JSON-LD context."}},
              summary="The JSON-LD context used by every JSON-LD document of the project")
def context(request: Request) -> Response:
    modified = datetime.fromtimestamp(int(CONTEXT_FILE.stat().st_mtime), UTC)
    return cached_response(request, CONTEXT_FILE.read_bytes(), rep.JSONLD, last_modified=modified)


VOID_TYPES = (rep.TURTLE, rep.JSONLD, rep.NTRIPLES, rep.RDFXML, rep.HTML, rep.JSON)


@get_and_head(router, "/.well-known/void", response_class=Response,
              responses={**DOCUMENT_RESPONSES, 200: {"content": {t: {} for t in VOID_TYPES},
                                                     "description": "The VoID description of the dataset."}},
              summary="VoID description of the dataset (endpoint, dumps, URI space, partitions, counts)")
def void(request: Request, settings: SettingsDep, format: str | None = FORMAT_QUERY) -> Response:
    media_type = negotiate(request.headers.get("accept"), VOID_TYPES, format=format, aliases=rep.FORMAT_ALIASES)
    try:
        counts = get_text_index(request).graph_statistics()
    except IndexMissing as e:
        raise ProblemError(503, "no-search-index", str(e)) from e
    triples = void_triples(settings, str(request.base_url), counts)
    return represent(request, Description(dataset_iri(settings), "void", triples, None), settings, format,
                     media_type=media_type)


@get_and_head(router, "/software/retractkg", response_class=Response, responses=DOCUMENT_RESPONSES,
              summary="The software recorded as the agent of every ingest activity")
def software(request: Request, settings: SettingsDep, format: str | None = FORMAT_QUERY) -> Response:
    return represent(request, software_description(), settings, format)


@router.api_route("/void", methods=["GET", "HEAD"], include_in_schema=False)
def void_document(request: Request) -> Response:
    return RedirectResponse("/.well-known/void" + (f"?{request.url.query}" if request.url.query else ""), 303)
