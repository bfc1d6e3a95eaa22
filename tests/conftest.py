"""Shared fixtures. Real SPARQL servers (tests/servers.py) are session-wide: started once, stopped by PID.
A module that makes a store at its own `store_path` fixture gets it read-only as `store` and the app over it
as `client` (a module may define its own of either)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import servers
from fastapi.testclient import TestClient

from retractkg.api.app import create_app
from retractkg.config import Settings
from retractkg.store import OxigraphStore


@pytest.fixture(scope="module")
def store(store_path: Path) -> Iterator[OxigraphStore]:
    """The module's store (its `store_path`), opened read-only as a server opens it."""
    with OxigraphStore(store_path, read_only=True) as store:
        yield store


@pytest.fixture(scope="module")
def client(store_path: Path, store: OxigraphStore) -> Iterator[TestClient]:
    """The app over the module's `store`, which the app alone opens."""
    with TestClient(create_app(Settings(store_path=store_path), store, exclusive=True)) as client:
        yield client


@pytest.fixture(scope="session")
def oxigraph_server() -> Iterator[servers.Server]:
    """`oxigraph serve --union-default-graph` on 127.0.0.1 (query: /query, update: /update)."""
    with servers.oxigraph_server() as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso_server() -> Iterator[servers.Server]:
    """Virtuoso with a private loopback-only ini; writes go to /sparql-auth with digest auth (dba/dba)."""
    with servers.virtuoso_server() as server:
        yield server
