"""Shared fixtures. Real SPARQL servers (tests/servers.py) are session-wide: started once, stopped by PID."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import servers


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
