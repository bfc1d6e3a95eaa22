"""An app factory for serving with several processes: each worker opens the store read-only.

    retractkg serve --workers 2    (or: RETRACTKG_STORE=STORE uvicorn --factory \
                                    retractkg.api.worker_app:create_read_only_app --workers 2)

One Python process answers on about one core; an embedded Oxigraph store can be opened by one writer
only, but by any number of read-only processes. So a deployment that does not ingest while it
serves can run one worker per core. Settings come from the environment (`Settings.from_env`).
A read-only store must not be written while it is open (Oxigraph), so its data cannot change under
a worker and rendered documents are cached as in a single process.
"""

from __future__ import annotations

from fastapi import FastAPI

from retractkg.api.app import create_app
from retractkg.config import Settings
from retractkg.store import OxigraphStore


def create_read_only_app() -> FastAPI:
    settings = Settings.from_env()
    if settings.sparql_query_url:  # a remote store is shared by nature: open it as usual
        return create_app(settings)
    return create_app(settings, OxigraphStore(settings.store_path, read_only=True), exclusive=True)
