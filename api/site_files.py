"""The small files browsers and crawlers ask a site for: robots.txt, the favicon and the OpenSearch
description (which lets a browser add the site's search, and which VoID names as the dataset's
`void:openSearchDescription`)."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from retractkg.api.caching import cached_response
from retractkg.api.routing import get_and_head

router = APIRouter(tags=["site"])
FAVICON = (Path(__file__).resolve().parent / "static" / "favicon.svg").read_bytes()
OPENSEARCH = "application/opensearchdescription+xml"
SVG = "image/svg+xml"
# Crawlers index pages, not query answers (every /sparql?query= link would run a query) nor dumps.
ROBOTS = """User-agent: *
Disallow: /sparql?
Disallow: /dumps/
Allow: /
"""


@get_and_head(router, "/robots.txt", response_class=Response, summary="Rules for crawlers, with the sitemap")
def robots(request: Request) -> Response:
    body = ROBOTS + f"\nSitemap: {request.base_url}sitemap.xml\n"
    return cached_response(request, body.encode(), "text/plain; charset=utf-8")


@get_and_head(router, "/favicon.svg", response_class=Response, summary="The site's icon (SVG)")
def favicon(request: Request) -> Response:
    return cached_response(request, FAVICON, SVG)


@router.api_route("/favicon.ico", methods=["GET", "HEAD"], include_in_schema=False)
def favicon_ico() -> Response:
    """Browsers ask for /favicon.ico by themselves; the icon is an SVG."""
    return RedirectResponse("/favicon.svg", 301)


def opensearch_description(server: str) -> bytes:
    """The OpenSearch 1.1 description of `/search` on the server at `server` (ending in "/")."""
    template = quoteattr(f"{server}search?q={{searchTerms}}&page={{startPage?}}")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>retractkg</ShortName>
  <Description>Search retraction notices, articles and authors by DOI, title, name or notice text</Description>
  <Tags>retraction retractions scholarly publishing research integrity</Tags>
  <InputEncoding>UTF-8</InputEncoding>
  <Image height="32" width="32" type="{SVG}">{server}favicon.svg</Image>
  <Url type="text/html" template={template} pageOffset="1"/>
  <Url type="{OPENSEARCH}" rel="self" template={quoteattr(server + "opensearch.xml")}/>
</OpenSearchDescription>
""".encode()


@get_and_head(router, "/opensearch.xml", response_class=Response,
              responses={200: {"content": {OPENSEARCH: {}}, "description": "OpenSearch 1.1 description document."}},
              summary="OpenSearch description of the site's search")
def opensearch(request: Request) -> Response:
    return cached_response(request, opensearch_description(str(request.base_url)), OPENSEARCH)
