"""The change feed: an Activity Streams 2.0 `OrderedCollection` of the ingest change log, oldest first.

Ingest writes one activity per changed record (as:Create / as:Update / as:Delete, with as:object the
notice, as:target the record's named graph, as:published the time) into `{base}graph/changes`, in the
same transaction as the record. Pages are numbered from the oldest activity, so a page, once full,
keeps its items (only its totalItems grows): a harvester remembers the last page (and item) it read
and resumes from there; every page has an ETag and a Last-Modified (the newest change) for cheap
re-polling.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse

from retractkg.api.caching import cached_response
from retractkg.api.conneg import negotiate
from retractkg.api.deps import get_settings, get_store
from retractkg.api.errors import ProblemError, wants_html
from retractkg.api.resources import local_path
from retractkg.api.route_limits import slots
from retractkg.api.routing import get_and_head
from retractkg.config import Settings
from retractkg.formats import FEED_TYPES, JSONLD
from retractkg.jsonld import dumps
from retractkg.ontology import RKG
from retractkg.store import GraphStore
from retractkg.store.base import xsd_datetime
from retractkg.store.change_log import PAGE_SIZE, Change, ChangeLog

router = APIRouter(tags=["change feed"])
StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
AS_CONTEXT = "https://www.w3.org/ns/activitystreams"


def collection(total: int, server: str, size: int = PAGE_SIZE) -> dict[str, Any]:
    last = max(1, -(-total // size))
    return {"@context": AS_CONTEXT, "id": server + "changes", "type": "OrderedCollection",
            "summary": "Changes to the retractkg graph, oldest first", "totalItems": total,
            "first": f"{server}changes?page=1", "last": f"{server}changes?page={last}"}


def collection_page(number: int, changes: list[Change], total: int, server: str, settings: Settings,
                    size: int = PAGE_SIZE) -> dict[str, Any]:
    last = max(1, -(-total // size))
    page: dict[str, Any] = {
        "@context": [AS_CONTEXT, {"rkg": RKG}],
        "id": f"{server}changes?page={number}", "type": "OrderedCollectionPage",
        "partOf": server + "changes", "startIndex": (number - 1) * size, "totalItems": total,
        "orderedItems": [_activity(change, server, settings) for change in changes],
    }
    if number > 1:
        page["prev"] = f"{server}changes?page={number - 1}"
    if number < last:
        page["next"] = f"{server}changes?page={number + 1}"
    return page


def _activity(change: Change, server: str, settings: Settings) -> dict[str, Any]:
    obj: dict[str, Any] = {"id": change.object, "type": "Document"}
    if change.name:
        obj["name"] = change.name
    path = local_path(change.object, settings)
    if path:
        obj["url"] = server + path.lstrip("/")
    activity: dict[str, Any] = {"id": change.iri, "type": change.kind, "published": change.published,
                                "object": obj}
    if change.target:
        activity["target"] = change.target
    if change.content_hash:
        activity["rkg:contentHash"] = change.content_hash
    return activity


@get_and_head(router, "/changes", response_class=Response,
              responses={200: {"content": {t: {} for t in FEED_TYPES},
                               "description": "The collection (no `page`) or one page of it, oldest first."},
                         304: {"description": "Not modified."}, 404: {"description": "No such page."}},
              summary="Change feed (Activity Streams 2.0 OrderedCollection, paged)")
def changes(request: Request, store: StoreDep, settings: SettingsDep,
            page: int | None = Query(None, ge=1, description="Page number, from 1 (oldest changes).")) -> Response:
    if wants_html(request):  # a person following the site's "Changes" link: the page made for people
        return RedirectResponse("/recent-changes", 303, headers={"Vary": "Accept"})
    media_type = negotiate(request.headers.get("accept"), FEED_TYPES)
    with slots(request, "feed").held():
        return _changes(request, store, settings, page, media_type)


def _changes(request: Request, store: GraphStore, settings: Settings, page: int | None, media_type: str) -> Response:
    log = ChangeLog(store, settings)
    # Every page carries totalItems, so each representation changes with the newest change: its Last-Modified.
    total, newest = log.extent()
    server = str(request.base_url)
    if page is None:
        document = collection(total, server)
    else:
        # Told by the count, before the page is asked for: the store refuses an OFFSET past 2^64 (a 500).
        if page > 1 and (page - 1) * PAGE_SIZE >= total:
            raise ProblemError(404, "not-found", f"page {page} is past the last page of {total} changes")
        items = log.page(page)
        document = collection_page(page, items, total, server, settings)
    if media_type == JSONLD:
        media_type = f'application/ld+json; profile="{AS_CONTEXT}"'
    return cached_response(request, dumps(document), media_type, headers={"Vary": "Accept"},
                           last_modified=xsd_datetime(newest) if newest else None)
