"""The DOI API against JSON-LD dereferencing, in one run on one server (issue 14: the DOI API >= the
dereference figure).

    python3 ../shared/tools/make_rw_scale.py /tmp/rw.csv
    retractkg ingest /tmp/rw.csv --store /tmp/rw-store
    python benchmarks/bench_doi_api.py --store /tmp/rw-store [--duration 10] [--connections 4] [--rounds 3]

The peer is the figure the goal names: `GET /doc/notice/…` as JSON-LD (what `bench_deref.py` measures), for
the same retractions whose articles' DOIs `GET /api/works/{doi}` looks up. Both are driven by `wrk` (httpx
when wrk is missing) on 127.0.0.1 against one `retractkg serve`, in alternating rounds so that the load of a
shared machine falls on both alike: rotating over more notices than the document cache holds (every
dereference misses it: the cold path), and one repeated. Also in process (FastAPI's TestClient), p50 of each
over the same notices. Prints requests/s, p50 and the ratios DOI API / dereference.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

from loadgen import free_port, load, start, stop

from retractkg.api.caching import RepresentationCache
from retractkg.config import Settings
from retractkg.ontology import CITO, FABIO, RKG
from retractkg.store import OxigraphStore

JSONLD, JSON = "application/ld+json", "application/json"


def sample(store: OxigraphStore, count: int) -> list[tuple[str, str]]:
    """(notice IRI, its article's DOI) of retractions spread over the whole graph."""
    query = (f"SELECT ?n ?doi WHERE {{ ?n a <{FABIO}RetractionNotice> ; <{CITO}retracts> ?a . "
             f"?a <{RKG}doi> ?doi }}")
    every = list(dict.fromkeys((row["n"].value, row["doi"].value) for row in store.query(query)))
    found = every[::max(1, len(every) // count)][:count]
    if not found:
        raise SystemExit("no retraction of an article with a DOI in the store: ingest data first")
    return found


def paths(pairs: list[tuple[str, str]], settings: Settings) -> tuple[list[str], list[str]]:
    deref = ["/doc/" + notice[len(settings.base) + 3:] for notice, _ in pairs]
    works = ["/api/works/" + doi for _, doi in pairs]
    return deref, works


def in_process(store_path: Path, settings: Settings, pairs: list[tuple[str, str]]) -> dict[str, list[float]]:
    from fastapi.testclient import TestClient

    from retractkg.api.app import create_app

    deref, works = paths(pairs, settings)
    times: dict[str, list[float]] = {"deref": [], "works": []}
    store = OxigraphStore(store_path, read_only=True)
    with TestClient(create_app(settings, store)) as client:
        for path, accept in ((deref[0], JSONLD), (works[0], JSON)):  # imports, context parsing
            client.get(path, headers={"Accept": accept}).raise_for_status()
        for d, w in zip(deref, works, strict=True):
            for name, path, accept in (("deref", d, JSONLD), ("works", w, JSON)):
                began = time.perf_counter()
                client.get(path, headers={"Accept": accept}).raise_for_status()
                times[name].append((time.perf_counter() - began) * 1000)
    store.close()
    return times


def over_http(store_path: Path, settings: Settings, pairs: list[tuple[str, str]], duration: float,
              connections: int, rounds: int, work: Path) -> dict[str, list[tuple[float, int]]]:
    deref, works = paths(pairs, settings)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start([sys.executable, "-m", "retractkg.cli", "serve", "--store", str(store_path), "--port", str(port)],
                   base + "/browse")
    rates: dict[str, list[tuple[float, int]]] = {}
    try:
        load(base, deref, 2, connections, work, JSONLD)  # warm-up of both routes
        load(base, works, 2, connections, work, JSON)
        for _ in range(rounds):
            for name, listed, accept in (("deref rotating", deref, JSONLD), ("works rotating", works, JSON),
                                         ("deref one", deref[:1], JSONLD), ("works one", works[:1], JSON)):
                rates.setdefault(name, []).append(load(base, listed, duration, connections, work, accept))
    finally:
        stop(server)
    return rates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a retractkg store (not in use by a server)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per measurement")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of each measurement")
    parser.add_argument("--samples", type=int, default=300, help="notices timed in process")
    args = parser.parse_args()
    settings = Settings.from_env(store_path=args.store)
    store = OxigraphStore(args.store, read_only=True)
    pairs = sample(store, RepresentationCache().size * 3 // 2)
    store.close()
    gc.collect()
    times = in_process(args.store, settings, pairs[:args.samples])
    print(f"in process (TestClient), {len(times['deref'])} retractions, alternating")
    for name in ("deref", "works"):
        print(f"  {name:<6} p50 {statistics.median(times[name]):6.2f} ms")
    ratio = statistics.median(times["works"]) / statistics.median(times["deref"])
    print(f"  p50 ratio DOI API / dereference: {ratio:.2f}x (below 1: the DOI API is faster)")
    gc.collect()
    with tempfile.TemporaryDirectory(prefix="bench-doi-") as tmp:
        rates = over_http(args.store, settings, pairs, args.duration, args.connections, args.rounds, Path(tmp))
    print(f"HTTP, {args.connections} connections on 127.0.0.1, {args.rounds} alternating rounds of "
          f"{args.duration:g} s, rotating over {len(pairs)} retractions (client and server share the CPUs)")
    medians = {}
    for name, runs in rates.items():
        medians[name] = statistics.median(rate for rate, _ in runs)
        bad = sum(b for _, b in runs)
        print(f"  {name:<16} {medians[name]:8.0f} req/s (rounds: {', '.join(f'{r:.0f}' for r, _ in runs)})"
              + (f"  ({bad} non-2xx)" if bad else ""))
    for kind in ("rotating", "one"):
        print(f"  {kind}: DOI API / dereference {medians[f'works {kind}'] / medians[f'deref {kind}']:.2f}x"
              " (goal: >= 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
