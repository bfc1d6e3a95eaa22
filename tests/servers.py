"""Real SPARQL servers for tests: started on 127.0.0.1 with a free port, stopped by PID.

Each launcher is a context manager yielding a `Server` (query/update URLs, credentials, PID).
`require(binary)` finds a server binary or skips the test with the reason, except in CI
(env CI=true) where a missing server fails the run: CI installs every server it tests against
(scripts/install_test_deps.sh).

Other test modules reuse these through the session fixtures registered in tests/conftest.py
(`oxigraph_server`, `virtuoso_server`), or call a launcher directly for a private server.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

START_TIMEOUT = 60.0  # seconds; Virtuoso creates its database on first start


@dataclass(frozen=True)
class Server:
    name: str
    query_url: str
    update_url: str
    pid: int
    user: str = ""
    password: str = field(default="", repr=False)
    started_in: float = 0.0  # seconds from launch to the first answered query

    def env(self) -> dict[str, str]:
        """The settings environment that points retractkg at this server."""
        return {"RETRACTKG_SPARQL_QUERY_URL": self.query_url, "RETRACTKG_SPARQL_UPDATE_URL": self.update_url,
                "RETRACTKG_SPARQL_USER": self.user, "RETRACTKG_SPARQL_PASSWORD": self.password}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def require(binary: str, install_hint: str) -> str:
    """The binary's path (the venv's bin first), or skip, or in CI fail: CI must test every backend."""
    path = shutil.which(binary, path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if path:
        return path
    message = f"{binary} is not installed ({install_hint}; `bash scripts/install_test_deps.sh` installs it)"
    if in_ci():
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answering(url: str, process: subprocess.Popen, log: Path, auth: tuple[str, str] | None = None
                         ) -> None:
    """Poll a SPARQL endpoint with `ASK {}` until it answers 200, the process dies, or time runs out."""
    deadline = time.monotonic() + START_TIMEOUT
    probe = url + "?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not answer within {START_TIMEOUT}s: "
                       f"{log.read_text(errors='replace')[-3000:]}")


def stop(process: subprocess.Popen, grace: float = 20.0) -> None:
    """SIGTERM the process we started (by its PID), SIGKILL it if it does not exit in time."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(10)


@contextmanager
def oxigraph_server(*, location: Path | None = None, union_default_graph: bool = True) -> Iterator[Server]:
    """`oxigraph serve` from PyPI's `oxigraph` package (the test extra), on disk in a temp folder."""
    binary = require("oxigraph", "pip install oxigraph")
    with tempfile.TemporaryDirectory(prefix="retractkg-oxigraph-") as tmp:
        port = free_port()
        log = Path(tmp) / "server.log"
        command = [binary, "serve", "--location", str(location or Path(tmp) / "data"), "--bind", f"127.0.0.1:{port}"]
        if union_default_graph:
            command.append("--union-default-graph")
        began = time.monotonic()
        with open(log, "wb") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_answering(base + "/query", process, log)
            yield Server("oxigraph", base + "/query", base + "/update", process.pid,
                         started_in=time.monotonic() - began)
        finally:
            stop(process)


VIRTUOSO_INI = """\
; A private, loopback-only Virtuoso for tests (written by tests/servers.py).
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = .
CheckpointInterval = 0
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 8
MaxClientConnections = 8

[SPARQL]
; Virtuoso cuts results at ResultSetMaxRows (Debian's default is 10000): far too few for dumps.
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 300
MaxQueryCostEstimationTime = 0
"""


@contextmanager
def virtuoso_server(*, max_rows: int = 10_000_000) -> Iterator[Server]:
    """Debian's `virtuoso-opensource` with a fresh database; writes need digest auth on /sparql-auth."""
    binary = require("virtuoso-t", "apt-get install virtuoso-opensource")
    with tempfile.TemporaryDirectory(prefix="retractkg-virtuoso-") as tmp:
        http_port, sql_port = free_port(), free_port()
        ini = Path(tmp) / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(dir=tmp, sql_port=sql_port, http_port=http_port, max_rows=max_rows))
        log = Path(tmp) / "server.log"
        began = time.monotonic()
        with open(log, "wb") as out:
            process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=tmp,
                                       stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{http_port}"
            wait_until_answering(base + "/sparql", process, log)
            yield Server("virtuoso", base + "/sparql", base + "/sparql-auth", process.pid,
                         user="dba", password="dba", started_in=time.monotonic() - began)
        finally:
            stop(process)


@contextmanager
def serving(store: Path, log: Path, *options: str, env: dict[str, str] | None = None) -> Iterator[
        tuple[str, subprocess.Popen]]:
    """`retractkg serve` on a free loopback port, answering SPARQL; stopped by its PID on the way out."""
    port = free_port()
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "retractkg.cli", "serve", "--store", str(store),
                                    "--port", str(port), *options], stdout=output, stderr=subprocess.STDOUT,
                                   env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(base + "/sparql", process, log)
        yield base, process
    finally:
        stop(process, grace=5)


@contextmanager
def serving_ingested(folder: Path, *sources: Path) -> Iterator[str]:
    """`retractkg ingest` of `sources` into a store under `folder` (through the CLI), then `serving` it."""
    store = folder / "store"
    ingest = subprocess.run([sys.executable, "-m", "retractkg.cli", "ingest", "--quiet", "--store", str(store),
                             *map(str, sources)], capture_output=True, text=True, timeout=300)
    assert ingest.returncode == 0, ingest.stderr
    with serving(store, folder / "serve.log") as (url, _):
        yield url
