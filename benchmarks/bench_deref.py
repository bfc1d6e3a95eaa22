"""Dereferencing a retraction as JSON-LD: in-process latency, and requests/s over HTTP against Oxigraph's server.

    python3 ../shared/tools/make_rw_scale.py /tmp/rw.csv
    retractkg ingest /tmp/rw.csv --store /tmp/rw-store
    python benchmarks/bench_deref.py --store /tmp/rw-store [--duration 15] [--connections 4]

In-process (goal: p50 <= 5 ms): the whole work of `GET /doc/notice/...` with JSON-LD (the describe
CONSTRUCT, framing and compaction with the project context, serialization), called directly and
through FastAPI's TestClient, over many different retractions (cold: each once) and over one retraction
repeated. The peer is pyoxigraph alone running the same CONSTRUCT and writing its own (flat,
uncompacted) JSON-LD: the floor of any Python implementation on the same store.

HTTP (goal: >= 500 requests/s with 4 connections): `retractkg serve` on the store, driven by `wrk`
(an httpx client if wrk is missing) on 127.0.0.1, for one retraction repeated (served from the
server's document cache after the first request) and for a rotation over more retractions than that
cache holds (every request misses: the cold path); then `oxigraph serve-read-only` on the same store
(the same files, one server at a time) answering the same CONSTRUCT as JSON-LD. Prints requests/s and
the ratio retractkg / oxigraph.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from pyoxigraph import RdfFormat

from retractkg.api.caching import RepresentationCache
from retractkg.api.jsonld import description_jsonld
from retractkg.api.resources import Describer, Resolved, describe_query
from retractkg.config import Settings
from retractkg.ontology import FABIO
from retractkg.store import OxigraphStore

JSONLD = "application/ld+json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
        return store.query(describe_query(iri, "notice")).serialize(format=RdfFormat.JSON_LD)

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


WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], {["Accept"] = "application/ld+json"})
end
"""


def drive(base: str, paths: list[str], duration: float, connections: int, work: Path) -> tuple[float, int]:
    """Requests/s and the number of non-2xx answers under `connections` concurrent connections."""
    if shutil.which("wrk"):
        listing = work / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        script = work / "rotate.lua"
        script.write_text(WRK_SCRIPT)
        done = subprocess.run(["wrk", "-t", "1", "-c", str(connections), "-d", f"{duration:g}s", "-s", str(script),
                               base + "/"], capture_output=True, text=True,
                              env={**os.environ, "BENCH_PATHS": str(listing)})
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))
        bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", done.stdout)
        return rate, int(bad.group(1)) if bad else 0
    return asyncio.run(_drive_httpx(base, paths, duration, connections))


async def _drive_httpx(base: str, paths: list[str], duration: float, connections: int) -> tuple[float, int]:
    import httpx

    done = bad = 0
    stop_at = time.monotonic() + duration
    async with httpx.AsyncClient(base_url=base, headers={"Accept": JSONLD},
                                 limits=httpx.Limits(max_connections=connections)) as client:
        async def worker(offset: int) -> None:
            nonlocal done, bad
            i = offset
            while time.monotonic() < stop_at:
                response = await client.get(paths[i % len(paths)])
                done += 1
                bad += response.status_code != 200
                i += connections
        began = time.monotonic()
        await asyncio.gather(*(worker(k) for k in range(connections)))
        return done / (time.monotonic() - began), bad


def serve(command: list[str], probe: str) -> subprocess.Popen:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(probe, timeout=2):
                return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                raise RuntimeError(f"{command[0]} did not start") from None
            time.sleep(0.3)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def over_http(store_path: Path, settings: Settings, notices: list[str], duration: float, connections: int,
              work: Path) -> dict[str, tuple[float, int]]:
    rates: dict[str, tuple[float, int]] = {}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    ours = serve([sys.executable, "-m", "retractkg.cli", "serve", "--store", str(store_path), "--port", str(port)],
                 base + "/browse")
    paths = ["/doc/" + iri[len(settings.base) + 3:] for iri in notices]
    try:
        drive(base, paths, 3, connections, work)  # warm-up
        rates["retractkg one"] = drive(base, paths[:1], duration, connections, work)
        rates["retractkg rotating"] = drive(base, paths, duration, connections, work)
    finally:
        stop(ours)
    oxigraph = shutil.which("oxigraph", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    if not oxigraph:
        print("peer skipped: the oxigraph server is missing (pip install oxigraph)", file=sys.stderr)
        return rates
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    peer = serve([oxigraph, "serve-read-only", "--location", str(store_path), "--bind", f"127.0.0.1:{port}",
                  "--union-default-graph"], base + "/query?query=ASK%7B%7D")
    queries = ["/query?" + urllib.parse.urlencode({"query": describe_query(iri, "notice")}) for iri in notices]
    try:
        drive(base, queries, 3, connections, work)
        rates["oxigraph one"] = drive(base, queries[:1], duration, connections, work)
        rates["oxigraph rotating"] = drive(base, queries, duration, connections, work)
    finally:
        stop(peer)
    return rates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a retractkg store (not in use by a server)")
    parser.add_argument("--samples", type=int, default=300, help="different retractions to dereference")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of load per measurement")
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
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
        rates = over_http(args.store, settings, notices, args.duration, args.connections, Path(tmp))
    tool = "wrk" if shutil.which("wrk") else "httpx"
    print(f"HTTP, {tool}, {args.connections} connections on 127.0.0.1, {args.duration:g} s each, rotating over "
          f"{len(notices)} notices (client and server share the CPUs)")
    for name, (rate, bad) in rates.items():
        print(f"  {name:<20} {rate:8.0f} req/s" + (f"  ({bad} non-2xx)" if bad else ""))
    for kind in ("one", "rotating"):
        if f"oxigraph {kind}" in rates:
            ratio = rates[f"retractkg {kind}"][0] / rates[f"oxigraph {kind}"][0]
            print(f"  {kind}: retractkg / oxigraph {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
