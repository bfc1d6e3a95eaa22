"""DOI lookup for people and programs, and the JSON API of works and notices (`retractkg.api.works`).

`/doi/{doi}` takes a DOI in any case and written form (`doi:…`, `https://doi.org/…`): a browser is
sent (303) to the page of the article or notice, a program asking for JSON gets the answer that
`/api/works/{doi}` gives.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from retractkg import formats as rep
from retractkg.api.caching import RepresentationCache
from retractkg.api.conneg import negotiate
from retractkg.api.deps import get_representations, get_settings, get_store, get_text_index
from retractkg.api.errors import ProblemError
from retractkg.api.resources import local_path
from retractkg.api.routing import get_and_head
from retractkg.api.works import MAX_PER_PAGE, BadParameter, Work, Works, identifier_iri
from retractkg.config import Settings
from retractkg.jsonld import dumps
from retractkg.store import GraphStore

router = APIRouter(tags=["works and notices (JSON API)"])
StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
CacheDep = Annotated[RepresentationCache | None, Depends(get_representations)]
WORK_EXAMPLE = {
    "query": "10.1007/S11356-022-20387-8", "id": "https://w3id.org/retractkg/id/article/10.1007/s11356-022-20387-8",
    "type": "article", "title": "Sustainable impact of COVID-19 on education projects: aspects of naturalism",
    "is_retracted": True, "is_corrected": False, "has_expression_of_concern": False,
    "is_reinstated": False, "notices": [{"id": "https://w3id.org/retractkg/id/notice/retraction/10.1007/s11356-022-20387-8",
                 "nature": "https://w3id.org/retractkg/id/nature/retraction", "nature_label": "Retraction",
                 "date": "2024-07-08", "doi": "10.1007/s11356-024-34290-x", "label": None,
                 "reasons": [{"id": "https://w3id.org/retractkg/id/reason/compromised-peer-review",
                              "label": "Compromised Peer Review"}],
                 "concerns": ["https://w3id.org/retractkg/id/article/10.1007/s11356-022-20387-8"]}]}
WORK_RESPONSES = {200: {"description": "The work and its notices.", "content": {"application/json": {
                      "example": WORK_EXAMPLE}}},
                  404: {"description": "The graph knows no article or notice with this DOI or PMID."},
                  400: {"description": "Not a DOI or PMID."}}


def find_work(identifier: str, store: GraphStore) -> Work:
    iri = identifier_iri(identifier)
    if iri is None:
        raise ProblemError(400, "bad-identifier", f"{identifier!r} is neither a DOI (10.…) nor a PMID")
    work = Works(store).lookup([iri]).get(iri)
    if work is None:
        raise ProblemError(404, "not-found", f"no article or notice with the identifier <{iri}> is in the graph")
    work.query = identifier
    return work


@get_and_head(router, "/doi/{doi:path}", response_class=Response, responses={
    **WORK_RESPONSES, 303: {"description": "A browser: the page of the article or notice."}},
    summary="Look a DOI up: a browser goes to its page, a program gets whether it is retracted")
def doi(doi: str, request: Request, store: StoreDep, settings: SettingsDep, cache: CacheDep) -> Response:
    media_type = negotiate(request.headers.get("accept"), (rep.HTML, rep.JSON))
    if media_type == rep.JSON:
        return work_answer(doi, request, store, cache)
    work = find_work(doi, store)
    return RedirectResponse(local_path(work.id, settings) or work.id, status_code=303)


@get_and_head(router, "/api/works/{doi:path}", responses=WORK_RESPONSES,
            summary="Is this work retracted, corrected or under concern? By DOI (any form) or PMID")
def work(doi: str, request: Request, store: StoreDep, cache: CacheDep) -> Response:
    return work_answer(doi, request, store, cache)


def work_answer(identifier: str, request: Request, store: GraphStore, cache: RepresentationCache | None) -> Response:
    """The JSON answer about one work, kept in the app's document cache where the data cannot change behind
    the app (as a dereferenced document is): a DOI looked up again costs no query."""
    key = (request.url.path, rep.JSON)
    found = cache.get(key) if cache is not None else None
    if found is None:
        found = dumps(find_work(identifier, store).as_json(), pretty=False), None
        if cache is not None:
            cache.put(key, found)
    return Response(found[0], media_type=rep.JSON)


@get_and_head(router, "/api/notices", summary="Notices by nature, reason, year, journal, publisher or country, "
            "a page at a time (follow `meta.next_cursor`)")
def notices(request: Request, store: StoreDep,
            nature: str = Query("", description="A nature's slug: retraction, expression-of-concern, correction…"),
            reason: str = Query("", description="A reason's slug, as in /id/reason/{slug}: error-in-image…"),
            year: str = Query("", description="The year the notice was published, four digits."),
            journal: str = Query("", description="The journal's IRI or its name (any case)."),
            publisher: str = Query("", description="The publisher's IRI or its name (any case)."),
            country: str = Query("", description="A country of the article's authors, by name (any case)."),
            cursor: str | None = Query(None, description="`meta.next_cursor` of the previous page."),
            per_page: int = Query(25, ge=1, le=MAX_PER_PAGE)) -> JSONResponse:
    filters = {"nature": nature, "reason": reason, "year": year, "journal": journal, "publisher": publisher,
               "country": country}
    try:
        page, following = Works(store, get_text_index(request)).notices(filters, cursor, per_page)
    except BadParameter as e:
        raise ProblemError(400, "bad-parameter", str(e)) from e
    return JSONResponse({"meta": {"count": len(page), "per_page": per_page, "next_cursor": following},
                         "results": [n.as_json() for n in page]})
