"""The sitemap: a sitemap index (`/sitemap.xml`) over pages of at most `URLS_PER_SITEMAP` URLs
(`/sitemap/{n}.xml`): the site's own pages, then the document of every resource under the base's `id/`
(notices, articles, people, organizations, journals, publishers, concepts), at most `MAX_ENTITIES`.

The notices, articles and people come from the search index (kept current by ingest), the few journals,
organizations and concepts from the store's list of each class's members: one query over every typed statement
took 10 s on the whole shared data (a 503 at the time limit). The list is kept with the store's state (the
answer cache's, which moves with the change log), so crawlers re-reading the index cost nothing until something
is ingested.
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
from retractkg.ontology import SCHEMA, SKOS
from retractkg.store import GraphStore
from retractkg.store.text_index import KeptIndex

router = APIRouter(tags=["site"])
URLS_PER_SITEMAP = 50_000  # the protocol's limit per file
MAX_ENTITIES = 1_000_000
SITE_PAGES = ("", "browse", "browse/reasons", "browse/journals", "browse/years", "sparql", "search",
              "recent-changes", "ontology", "docs")
# Classes with few members, read from the store; notices, articles and people come from the search index.
FEW_MEMBERS = (SCHEMA + "Periodical", SCHEMA + "PublicationVolume", SCHEMA + "PublicationIssue",
               SCHEMA + "Organization", SKOS + "Concept", SKOS + "ConceptScheme")
XML = "application/xml"
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


class SitemapPaths:
    """The sitemap's paths for one state of the store (the newest state asked for wins)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: Hashable | None = None
        self._paths: list[str] = []

    def get(self, store: GraphStore, index: KeptIndex, settings: Settings, state: Hashable) -> list[str]:
        with self._lock:
            if self._state != state or not self._paths:
                self._paths = [*("/" + p for p in SITE_PAGES), *entity_paths(store, index, settings)]
                self._state = state
            return self._paths


def entity_paths(store: GraphStore, index: KeptIndex, settings: Settings) -> list[str]:
    """This server's document path of each notice, article, person, journal (its volumes and issues),
    organization and concept minted under the base, sorted, bounded; not the parts of a document (`…#joined`)."""
    prefix = settings.base + "id/"
    iris = {*index.current().resources(), *(iri for cls in FEW_MEMBERS for iri in store.instances(cls))}
    paths = sorted(path for iri in iris
                   if iri.startswith(prefix) and "#" not in iri and (path := local_path(iri, settings)))
    return paths[:MAX_ENTITIES]


async def _paths(request: Request) -> list[str]:
    state = request.app.state
    answers = state.answers
    current = answers.known_state() or await run_in_threadpool(answers.state)
    sitemap = getattr(state, "sitemap", None)
    if sitemap is None:
        sitemap = state.sitemap = SitemapPaths()
    return await run_in_threadpool(sitemap.get, state.store, state.text_index, state.settings, current)


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
