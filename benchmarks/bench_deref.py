"""Dereferencing a retraction as JSON-LD: in-process latency, and requests/s over HTTP against Oxigraph's server.

    python3 ../shared/tools/make_rw_scale.py /tmp/rw.csv
    retractkg ingest /tmp/rw.csv --store /tmp/rw-store
    python benchmarks/bench_deref.py --store /tmp/rw-store [--duration 15] [--connections 4] [--workers 2] \
        [--servers uvicorn,granian]

In-process (goal: p50 <= 5 ms): the whole work of `GET /doc/notice/...` with JSON-LD (gathering the
document along its paths, framing and compaction with the project context, serialization), called directly and
through FastAPI's TestClient, over many different retractions (cold: each once) and over one retraction
repeated. The peer is pyoxigraph alone running the same paths as one CONSTRUCT and writing its own (flat,
uncompacted) JSON-LD: the floor of any Python implementation on the same store.

HTTP (goal: >= 500 requests/s with 4 connections): retractkg's app on the store (`retractkg serve`'s, made
as its worker processes make it: `api/worker_app.py`) under each HTTP server of `--servers` (`loadgen.asgi_server`),
driven by `wrk` (an httpx client if wrk is missing) on 127.0.0.1, for one retraction repeated (served from
the server's document cache after the first request) and for a rotation over more retractions than that
cache holds (every request misses: the cold path), with one process and with `--workers N` read-only
worker processes (one per core); then `oxigraph serve-read-only` on the same store
(the same files, one server at a time) answering the same CONSTRUCT as JSON-LD. Beside the one-process
servers, in alternating runs, the floor of any Python front under each HTTP server (`deref_floor_app.py`: a
bare ASGI app running that CONSTRUCT and pyoxigraph's own JSON-LD writer on the event loop; issue 16's
goal: retractkg >= 0.9x of it under uvicorn). Prints requests/s, CPU per request of each server's processes
(`loadgen.cpu_seconds`: unlike requests/s, not swayed by other work on a shared machine) and the ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from deref_floor_app import notice_construct
from loadgen import RETRACTKG_APP, SERVERS, asgi_server, free_port, load, load_with_cpu, start, stop
from pyoxigraph import RdfFormat

from retractkg.api.caching import RepresentationCache
from retractkg.config import Settings
from retractkg.descriptions import Describer, Resolved
from retractkg.jsonld import description_jsonld
from retractkg.ontology import FABIO
from retractkg.store import OxigraphStore

JSONLD = "application/ld+json"
FLOOR = "python floor"
BENCHMARKS = Path(__file__).resolve().parent
FLOOR_APP = "deref_floor_app:create"


def sample_notices(store: OxigraphStore, count: int) -> list[str]:
    every = [row["n"].value for row in store.query(f"SELECT ?n WHERE {{ ?n a <{FABIO}RetractionNotice> }}")]
    found = every[::max(1, len(every) // count)][:count]  # spread over the whole graph
    if not found:
        raise SystemExit("no retraction notice in the store: ingest data first")
    return found


def timed(function, repeat: int = 1) -> list[float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        times.append((time.perf_counter() - began) * 1000)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    return (f"p50 {statistics.median(ordered):6.2f} ms  p90 {ordered[int(len(ordered) * 0.9)]:6.2f} ms  "
            f"(n={len(ordered)})")


def in_process(store_path: Path, settings: Settings, samples: int) -> tuple[list[str], dict[str, list[float]]]:
    from fastapi.testclient import TestClient

    from retractkg.api.app import create_app

    store = OxigraphStore(store_path)
    rotation = sample_notices(store, RepresentationCache().size * 3 // 2)
    notices = rotation[:samples]
    describer = Describer(store)

    def ours(iri: str) -> bytes:
        description = describer.describe(Resolved(iri, "notice", False))
        return description_jsonld(description)

    def peer(iri: str) -> bytes:
        return store.query(notice_construct(iri)).serialize(format=RdfFormat.JSON_LD)

    for iri in notices[:20]:  # warm the process (imports, context parsing), not the data
        ours(iri)
        peer(iri)
    results: dict[str, list[float]] = {"ours-cold": [], "peer-cold": []}
    for iri in notices:
        results["peer-cold"] += timed(lambda iri=iri: peer(iri))
        results["ours-cold"] += timed(lambda iri=iri: ours(iri))
    one = notices[0]
    results["ours-one"] = timed(lambda: ours(one), 300)
    results["peer-one"] = timed(lambda: peer(one), 300)
    with TestClient(create_app(settings, store)) as client:
        paths = ["/doc/" + iri[len(settings.base) + 3:] for iri in notices]
        results["testclient-cold"] = [t for p in paths for t in timed(
            lambda p=p: client.get(p, headers={"Accept": JSONLD}).raise_for_status())]
        results["testclient-one"] = timed(lambda: client.get(paths[0], headers={"Accept": JSONLD}), 300)
    store.close()
    return rotation, results


def over_http(store_path: Path, settings: Settings, notices: list[str], duration: float, connections: int,
              work: Path, workers: int, servers: list[str]) -> dict[str, tuple[float, int, float]]:
    """(requests/s, non-2xx answers, CPU microseconds per request) per contender and kind of rotation."""
    rates: dict[str, tuple[float, int, float]] = {}
    paths = ["/doc/" + iri[len(settings.base) + 3:] for iri in notices]
    env = {**os.environ, "RETRACTKG_STORE": str(store_path), "DEREF_FLOOR_STORE": str(store_path),
           "DEREF_FLOOR_BASE": settings.base}
    for count in sorted({1, workers}):
        apps = [(f"retractkg {server}" + (f" x{count}" if count > 1 else ""), server, RETRACTKG_APP, None)
                for server in servers]
        if count == 1:  # the floors open the store read-only beside retractkg, and they take turns
            apps += [(f"{FLOOR} {server}", server, FLOOR_APP, BENCHMARKS) for server in servers]
        contenders: dict[str, tuple[str, int]] = {}  # name -> (base URL, PID)
        with contextlib.ExitStack() as running:
            for name, server, factory, app_dir in apps:
                port = free_port()
                process = start(asgi_server(server, factory, port, app_dir=app_dir, workers=count),
                                f"http://127.0.0.1:{port}{paths[0]}", env=env)
                running.callback(stop, process)
                contenders[name] = (f"http://127.0.0.1:{port}", process.pid)
            for url, _ in contenders.values():
                load(url, paths, 3, connections, work, JSONLD)  # warm-up
            for kind, rotation in (("one", paths[:1]), ("rotating", paths)):
                for name, (url, pid) in contenders.items():
                    rates[f"{name} {kind}"] = load_with_cpu(pid, url, rotation, duration, connections, work, JSONLD)
    oxigraph = shutil.which("oxigraph", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    if not oxigraph:
        print("peer skipped: the oxigraph server is missing (pip install oxigraph)", file=sys.stderr)
        return rates
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    peer = start([oxigraph, "serve-read-only", "--location", str(store_path), "--bind", f"127.0.0.1:{port}",
                  "--union-default-graph"], base + "/query?query=ASK%7B%7D")
    queries = ["/query?" + urllib.parse.urlencode({"query": notice_construct(iri)}) for iri in notices]
    try:
        load(base, queries, 3, connections, work, JSONLD)
        rates["oxigraph one"] = load_with_cpu(peer.pid, base, queries[:1], duration, connections, work, JSONLD)
        rates["oxigraph rotating"] = load_with_cpu(peer.pid, base, queries, duration, connections, work, JSONLD)
    finally:
        stop(peer)
    return rates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a retractkg store (not in use by a server)")
    parser.add_argument("--samples", type=int, default=300, help="different retractions to dereference")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of load per measurement")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2,
                        help="also measure `retractkg serve --workers N` (read-only worker processes); 1: only one")
    parser.add_argument("--servers", default=",".join(SERVERS),
                        help=f"HTTP servers to run retractkg and the floor under, comma-separated "
                             f"({', '.join(SERVERS)})")
    args = parser.parse_args()
    servers = args.servers.split(",")
    if not set(servers) <= set(SERVERS):
        parser.error(f"--servers: {args.servers!r} names a server other than {', '.join(SERVERS)}")
    settings = Settings.from_env(store_path=args.store)
    notices, times = in_process(args.store, settings, args.samples)
    gc.collect()  # the store's files must be unlocked before a server opens them
    print(f"in-process, JSON-LD of one retraction notice ({args.samples} different notices; {os.cpu_count()} CPUs)")
    for name in ("ours-cold", "peer-cold", "ours-one", "peer-one", "testclient-cold", "testclient-one"):
        print(f"  {name:<16} {summary(times[name])}")
    for kind in ("cold", "one"):
        ratio = statistics.median(times[f"ours-{kind}"]) / statistics.median(times[f"peer-{kind}"])
        print(f"  {kind}: retractkg framed+compacted / pyoxigraph flat JSON-LD, p50 ratio {ratio:.2f}x")
    with tempfile.TemporaryDirectory(prefix="bench-deref-") as tmp:
        rates = over_http(args.store, settings, notices, args.duration, args.connections, Path(tmp), args.workers,
                          servers)
    tool = "wrk" if shutil.which("wrk") else "httpx"
    print(f"HTTP, {tool}, {args.connections} connections on 127.0.0.1, {args.duration:g} s each, rotating over "
          f"{len(notices)} notices (client and server share the CPUs)")
    for name, (rate, bad, cpu) in rates.items():
        print(f"  {name:<32} {rate:8.0f} req/s {cpu:8.0f} CPU µs/request" + (f"  ({bad} non-2xx)" if bad else ""))
    ours = [f"retractkg {server}" + (f" x{count}" if count > 1 else "") for count in sorted({1, args.workers})
            for server in servers]
    for kind in ("one", "rotating"):
        for name in ours:
            if " x" not in name:
                for server in servers:
                    ours_rate, _, ours_cpu = rates[f"{name} {kind}"]
                    floor_rate, _, floor_cpu = rates[f"{FLOOR} {server} {kind}"]
                    print(f"  {kind}: {name} / {FLOOR} {server} {ours_rate / floor_rate:.2f}x req/s, "
                          f"{floor_cpu / ours_cpu:.2f}x by CPU per request")
            if f"oxigraph {kind}" in rates:
                print(f"  {kind}: {name} / oxigraph {rates[f'{name} {kind}'][0] / rates[f'oxigraph {kind}'][0]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
