"""The sitemap: a sitemap index (`/sitemap.xml`) over pages of at most `URLS_PER_SITEMAP` URLs
(`/sitemap/{n}.xml`): the site's own pages, then the document of every typed resource under the
base's `id/` (notices, articles, people, organizations, journals, publishers), at most `MAX_ENTITIES`.

The list is read by one query and kept with the store's state (the answer cache's, which moves with the
change log), so crawlers re-reading the index cost nothing until something is ingested.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from xml.sax.saxutils import escape

from fastapi import APIRouter, Path, Request, Response
from starlette.concurrency import run_in_threadpool

from retractkg.api.caching import cached_response
from retractkg.api.errors import ProblemError
from retractkg.api.resources import local_path
from retractkg.api.routing import get_and_head
from retractkg.config import Settings
from retractkg.store import GraphStore

router = APIRouter(tags=["site"])
URLS_PER_SITEMAP = 50_000  # the protocol's limit per file
MAX_ENTITIES = 1_000_000
SITE_PAGES = ("", "browse", "browse/reasons", "browse/journals", "browse/years", "sparql", "search",
              "recent-changes", "ontology", "docs")
XML = "application/xml"
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


class SitemapPaths:
    """The sitemap's paths for one state of the store (the newest state asked for wins)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: Hashable | None = None
        self._paths: list[str] = []

    def get(self, store: GraphStore, settings: Settings, state: Hashable) -> list[str]:
        with self._lock:
            if self._state != state or not self._paths:
                self._paths = [*("/" + p for p in SITE_PAGES), *entity_paths(store, settings)]
                self._state = state
            return self._paths


def entity_paths(store: GraphStore, settings: Settings) -> list[str]:
    """This server's document path of each typed resource minted under the base, sorted, bounded."""
    prefix = settings.base + "id/"
    result = store.query(f"""SELECT DISTINCT ?s WHERE {{ ?s a ?type FILTER(STRSTARTS(STR(?s), "{prefix}")) }}
                             LIMIT {MAX_ENTITIES}""")
    return sorted(path for row in result if (path := local_path(row["s"].value, settings)))


async def _paths(request: Request) -> list[str]:
    state = request.app.state
    answers = state.answers
    current = answers.known_state() or await run_in_threadpool(answers.state)
    sitemap = getattr(state, "sitemap", None)
    if sitemap is None:
        sitemap = state.sitemap = SitemapPaths()
    return await run_in_threadpool(sitemap.get, state.store, state.settings, current)


@get_and_head(router, "/sitemap.xml", response_class=Response,
              responses={200: {"content": {XML: {}}, "description": "A sitemap index."}},
              summary="Sitemap index (the sitemaps of the site's pages and documents)")
async def sitemap_index(request: Request) -> Response:
    count = max(1, -(-len(await _paths(request)) // URLS_PER_SITEMAP))
    server = str(request.base_url)
    entries = "".join(f"<sitemap><loc>{escape(f'{server}sitemap/{n}.xml')}</loc></sitemap>\n"
                      for n in range(1, count + 1))
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{NS}">\n{entries}</sitemapindex>\n'
    return cached_response(request, body.encode(), XML)


@get_and_head(router, "/sitemap/{number}.xml", response_class=Response,
              responses={200: {"content": {XML: {}}, "description": "One sitemap."}},
              summary="One sitemap of the index, from 1")
async def sitemap_page(request: Request, number: int = Path(ge=1)) -> Response:
    paths = await _paths(request)
    start = (number - 1) * URLS_PER_SITEMAP
    if start >= len(paths):
        raise ProblemError(404, "not-found", f"the sitemap index has {-(-len(paths) // URLS_PER_SITEMAP)} sitemaps")
    server = str(request.base_url).rstrip("/")
    urls = "".join(f"<url><loc>{escape(server + p)}</loc></url>\n" for p in paths[start:start + URLS_PER_SITEMAP])
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NS}">\n{urls}</urlset>\n'
    return cached_response(request, body.encode(), XML)
