"""Recent changes for people and feed readers: an HTML page (newest first, paged) and an Atom feed of
the newest changes. Programs that harvest read the Activity Streams feed at `/changes` (oldest first),
which sends a browser here."""

from __future__ import annotations

from typing import Annotated, Any
from xml.sax.saxutils import escape, quoteattr

from fastapi import APIRouter, Depends, Query, Request, Response

from retractkg.api.caching import cached_response
from retractkg.api.deps import get_settings, get_store
from retractkg.api.resources import local_path
from retractkg.api.route_limits import slots
from retractkg.api.routing import get_and_head
from retractkg.api.templating import render
from retractkg.config import Settings
from retractkg.ontology.identifiers import source_label
from retractkg.store import GraphStore
from retractkg.store.base import xsd_datetime
from retractkg.store.change_log import Change, ChangeLog

router = APIRouter(tags=["change feed"])
StoreDep = Annotated[GraphStore, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
PAGE_SIZE = 50
ATOM = "application/atom+xml"
VERBS = {"Create": "added", "Update": "updated", "Delete": "withdrawn"}


def _rows(changes: list[Change], settings: Settings) -> list[dict[str, Any]]:
    return [{"published": c.published, "verb": VERBS.get(c.kind, c.kind), "object": c.object, "name": c.name,
             "href": local_path(c.object, settings) or c.object, "graph": c.target,
             "graph_href": local_path(c.target, settings) or c.target, "source": _source(c.target, settings)}
            for c in changes]


def _source(graph: str, settings: Settings) -> str:
    """The source a record graph (`{base}graph/{format}/{hash}`) was read from, named for people."""
    prefix = settings.base + "graph/"
    source_format = graph.removeprefix(prefix).split("/", 1)[0] if graph.startswith(prefix) else ""
    return f"{source_label(source_format)} record" if source_format else graph


@get_and_head(router, "/recent-changes", response_class=Response,
              responses={200: {"content": {"text/html": {}}, "description": "An HTML page."}},
              summary="Recent changes to the graph, newest first (HTML)")
def recent_changes(request: Request, store: StoreDep, settings: SettingsDep,
                   page: int = Query(1, ge=1, le=100_000, description="Page, from 1 (newest).")) -> Response:
    with slots(request, "feed").held():
        log = ChangeLog(store, settings)
        total, newest = log.extent()
        rows = _rows(log.page(page, PAGE_SIZE, newest_first=True), settings)
    body = render("recent_changes.html", title="Recent changes", rows=rows, total=total, page=page,
                  more=page * PAGE_SIZE < total)
    return cached_response(request, body, "text/html; charset=utf-8",
                           last_modified=xsd_datetime(newest) if newest else None)


def atom_feed(changes: list[Change], newest: str, server: str, settings: Settings) -> bytes:
    """An Atom 1.0 feed of `changes` (newest first)."""
    entries = []
    for change, row in zip(changes, _rows(changes, settings), strict=True):
        link = server.rstrip("/") + row["href"] if row["href"].startswith("/") else row["href"]
        entries.append(f"""<entry>
  <id>{escape(change.iri)}</id>
  <title>{escape(row["name"] or row["object"])} {row["verb"]}</title>
  <updated>{escape(row["published"])}</updated>
  <link href={quoteattr(link)}/>
  <summary>{escape(f'{row["object"]} was {row["verb"]} (record graph {row["graph"]})')}</summary>
</entry>""")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>{escape(server)}recent-changes.atom</id>
<title>retractkg: recent changes</title>
<updated>{escape(newest or "1970-01-01T00:00:00Z")}</updated>
<author><name>retractkg</name></author>
<link rel="self" type="{ATOM}" href={quoteattr(server + "recent-changes.atom")}/>
<link rel="alternate" type="text/html" href={quoteattr(server + "recent-changes")}/>
{chr(10).join(entries)}
</feed>
""".encode()


@get_and_head(router, "/recent-changes.atom", response_class=Response,
              responses={200: {"content": {ATOM: {}}, "description": "An Atom 1.0 feed."}},
              summary="The newest changes to the graph as an Atom feed")
def recent_changes_atom(request: Request, store: StoreDep, settings: SettingsDep) -> Response:
    with slots(request, "feed").held():
        log = ChangeLog(store, settings)
        _, newest = log.extent()
        changes = log.page(1, PAGE_SIZE, newest_first=True)
    return cached_response(request, atom_feed(changes, newest, str(request.base_url), settings), ATOM,
                           last_modified=xsd_datetime(newest) if newest else None)
