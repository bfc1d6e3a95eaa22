"""Store access: `open_store` picks the embedded or the remote implementation from the settings."""

from __future__ import annotations

from retractkg.config import Settings
from retractkg.store.base import GraphStore, QueryResult, StoreError
from retractkg.store.embedded import OxigraphStore
from retractkg.store.lock import StoreBusy

__all__ = ["GraphStore", "OxigraphStore", "QueryResult", "StoreBusy", "StoreError", "open_store"]


def open_store(settings: Settings, *, read_only: bool = False, role: str = "a writer", address: str = ""
               ) -> GraphStore:
    """The store the settings name; an embedded one opened to write is locked (`role`, `address`: see
    `retractkg.store.lock`), one opened read-only may be read while another process writes or serves it."""
    if settings.sparql_query_url:
        from retractkg.ontology import VOCAB
        from retractkg.store.remote import RemoteSparqlStore

        return RemoteSparqlStore(
            settings.sparql_query_url,
            settings.sparql_update_url or settings.sparql_query_url,
            user=settings.sparql_user,
            password=settings.sparql_password,
            # Dumps and graph lists cover retractkg's graphs only, not a server's own (Virtuoso has some).
            graph_prefixes=sorted({settings.base + "graph/", VOCAB + "graph/"}),
        )
    return OxigraphStore(settings.store_path, read_only=read_only, role=role, address=address)
