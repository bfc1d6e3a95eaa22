"""Request-scoped access to what `create_app` put on `app.state`: routers never import globals."""

from __future__ import annotations

from fastapi import Request

from retractkg.api.caching import RepresentationCache
from retractkg.api.catalog import Catalog
from retractkg.config import Settings
from retractkg.store import GraphStore
from retractkg.store.text_index import TextIndex


def get_store(request: Request) -> GraphStore:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_representations(request: Request) -> RepresentationCache | None:
    """The cache of rendered documents, or None when the data may change behind the app."""
    return request.app.state.representations


def get_text_index(request: Request) -> TextIndex:
    """The search index and its statistics, rebuilt first if the store changed since it was built."""
    return request.app.state.text_index.current()


def get_catalog(request: Request) -> Catalog:
    """The browse lists and counts, over the search index's statistics."""
    return Catalog(request.app.state.store, get_text_index(request))
