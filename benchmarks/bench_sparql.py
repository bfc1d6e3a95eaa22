"""Simple SPARQL lookups: retractkg's /sparql against Oxigraph's own server, same data, one run.

    python benchmarks/bench_sparql.py --store STORE [--duration 15] [--connections 4] [--servers uvicorn,granian]

STORE is a retractkg store (e.g. `retractkg ingest /tmp/rw.csv --store STORE` after
`python3 ../shared/tools/make_rw_scale.py /tmp/rw.csv`). The script dumps it to N-Quads, loads
that into a fresh `oxigraph` server (`pip install oxigraph`, run with --union-default-graph so both
servers see the same default graph), serves the original with retractkg's app (`retractkg serve`'s, made
as its worker processes make it: `api/worker_app.py`), and then drives both on 127.0.0.1 with the same bounded load
(`wrk`, N connections; an httpx client if wrk is missing), over the same rotating list of lookups, in
alternating rounds. It prints requests/s of each and the ratio retractkg / oxigraph (goal: >= 0.9).
Beside them runs the floor of any Python front (`sparql_floor_app.py`: a bare ASGI app, the query run on
the event loop, no framework, checks or limits; as many processes as retractkg runs): its ratio to
Oxigraph bounds what a Python endpoint can reach here. retractkg and the floor each run under every HTTP
server of `--servers` (uvicorn, Granian: `loadgen.asgi_server`), so that retractkg is read against the
floor under its own server and against the floor under the other. Beside the one-process servers also
runs the *isolated* floor (the same app running each query in one of as many child processes as retractkg
keeps for short queries, over a pipe awaited on the event loop), under the first server: what process
isolation alone costs. Issue 16's goal: retractkg >= 0.9x of the floor under uvicorn.

Beside requests/s, each contender's CPU time per request (user and system, of the server's process and every
process below it: workers, query processes; `loadgen.cpu_seconds`). On a machine shared with other work,
requests/s favour a server with more threads or processes ready to run (they take a larger share of the
cores); CPU per request does not, and the ratio of two contenders' CPU per request is the share of the other's
throughput one would reach with the cores to itself. Granian, for one, answers HTTP on a Rust thread beside
the one running Python: more requests/s where a core is idle, no less CPU per request.

retractkg runs with its answer cache off (`RETRACTKG_ANSWER_CACHE_MB=0`; `--cache` keeps it on): the
lookups repeat, and the point is the cost of evaluating them, as Oxigraph does every time.

Lookups: a notice by DOI (`?x schema:sameAs <https://doi.org/...>`) and the reasons of one notice
(labels of its `rkg:reason` concepts).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from loadgen import RETRACTKG_APP, SERVERS, asgi_server, free_port, load, load_with_cpu, start, stop
from pyoxigraph import RdfFormat

from retractkg.api.query_processes import DEFAULT_MAX_SHORT  # as many processes as retractkg's short queries get
from retractkg.ontology import RKG, SCHEMA, SKOS
from retractkg.store import OxigraphStore

ACCEPT = "application/sparql-results+json"
FLOOR = "python floor"
ISOLATED_FLOOR = "isolated floor"
BENCHMARKS = Path(__file__).resolve().parent
FLOOR_APP = "sparql_floor_app:create"
ASK = "?query=ASK%7B%7D"
SAMPLE = 500

QUERIES = {
    "notice-by-doi": f"SELECT ?x ?type WHERE {{ ?x <{SCHEMA}sameAs> <{{doi}}> ; a ?type }}",
    "reasons-of-notice": f"SELECT ?label WHERE {{ <{{notice}}> <{RKG}reason> ?r . ?r <{SKOS}prefLabel> ?label }}",
}


def sample_lookups(store_path: Path, dump: Path) -> list[dict[str, str]]:
    """Notices with a DOI and at least one reason, and the whole store as N-Quads for Oxigraph."""
    store = OxigraphStore(store_path)
    # Notices that one record states, as nearly every real one is: the full-size export repeats real rows
    # hundreds of times under one DOI, and the union of those records' graphs repeats each of their triples
    # as often (a lookup joining two of them gives 659 x 2,200 rows: not a point lookup).
    rows = store.query(f"""SELECT ?notice (SAMPLE(?doi) AS ?d) WHERE {{
        {{ SELECT ?notice ?doi WHERE {{ GRAPH ?g {{ ?notice <{SCHEMA}sameAs> ?doi }}
             FILTER(STRSTARTS(STR(?doi), "https://doi.org/")) }} GROUP BY ?notice ?doi HAVING (COUNT(?g) = 1) }}
        ?notice <{RKG}reason> ?r .
    }} GROUP BY ?notice LIMIT {SAMPLE * 4}""")
    lookups = [{"notice": row["notice"].value, "doi": row["d"].value} for row in rows][::4]
    if not lookups:
        raise SystemExit(f"{store_path}: no notice with a DOI and a reason to look up (ingest data first)")
    with open(dump, "wb") as out:
        store.dump(out, RdfFormat.N_QUADS)
    store.close()
    del store
    return lookups


def fetch(url: str, query: str) -> dict:
    request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}), headers={"Accept": ACCEPT})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def normalized(result: dict) -> list:
    return sorted(json.dumps(b, sort_keys=True) for b in result["results"]["bindings"])


Contender = tuple[str, str, int]  # base URL, path of the endpoint, PID of the server's topmost process


def measure(contenders: dict[str, Contender], lookups: list[dict[str, str]], args: argparse.Namespace,
            work: Path) -> dict[str, dict[str, tuple[float, float]]]:
    """Per query kind and contender, the mean requests/s and the CPU microseconds per request of the server's
    processes, in alternating rounds."""
    means: dict[str, dict[str, tuple[float, float]]] = {}
    for kind, template in QUERIES.items():
        queries = [template.replace("{doi}", x["doi"]).replace("{notice}", x["notice"]) for x in lookups]
        # Same answers from every contender, or the comparison means nothing.
        for query in queries[:20]:
            answers = [normalized(fetch(base + path, query)) for base, path, _ in contenders.values()]
            assert all(a == answers[0] for a in answers) and answers[0], (kind, query, answers)
        paths = {name: [f"{path}?{urllib.parse.urlencode({'query': q})}" for q in queries]
                 for name, (_, path, _) in contenders.items()}
        rates: dict[str, list[float]] = {name: [] for name in contenders}
        cpu: dict[str, list[float]] = {name: [] for name in contenders}
        for name, (base, _, _) in contenders.items():  # warm-up
            load(base, paths[name], 3, args.connections, work, ACCEPT)
        for _ in range(args.rounds):
            for name, (base, _, pid) in contenders.items():
                rate, bad, used = load_with_cpu(pid, base, paths[name], args.duration, args.connections, work, ACCEPT)
                if bad:
                    raise RuntimeError(f"{name}: {bad} non-2xx answers during {kind}")
                rates[name].append(rate)
                cpu[name].append(used)
        means[kind] = {name: (sum(rates[name]) / len(rates[name]), sum(cpu[name]) / len(cpu[name]))
                       for name in contenders}
    return means


def report(title: str, means: dict[str, dict[str, tuple[float, float]]]) -> None:
    """req/s and CPU per request of every contender, then each of retractkg's as a ratio of each other contender:
    of req/s, and of CPU per request (theirs over ours: the share of the other's throughput ours would reach
    with the cores to itself)."""
    print(f"\n{title}")
    names = list(next(iter(means.values())))
    ours = [name for name in names if name.startswith("retractkg")]
    others = [name for name in names if name not in ours]
    width = max(map(len, names)) + 6
    for column, unit in ((0, "req/s"), (1, "CPU µs/request")):
        print(f"{unit:<20}" + "".join(f" {name:>{width}}" for name in names))
        for kind, by_server in means.items():
            print(f"{kind:<20}" + "".join(f" {by_server[name][column]:>{width}.0f}" for name in names))
    for name in ours:
        print(f"{name + ' ÷':<20}" + "".join(f" {other + ' req/s':>{width}}" for other in others)
              + "".join(f" {other + ' CPU':>{width}}" for other in others))
        for kind, by_server in means.items():
            print(f"{kind:<20}" + "".join(f" {by_server[name][0] / by_server[other][0]:>{width - 1}.2f}x"
                                          for other in others)
                  + "".join(f" {by_server[other][1] / by_server[name][1]:>{width - 1}.2f}x" for other in others))


@contextlib.contextmanager
def contenders(servers: list[str], workers: int, env: dict[str, str]) -> Iterator[dict[str, Contender]]:
    """retractkg and the floor under each HTTP server (and with one process, the isolated floor under the first),
    started and answering, stopped by PID on the way out."""
    apps = []
    for server in servers:
        apps += [(f"retractkg {server}", RETRACTKG_APP, None, env), (f"{FLOOR} {server}", FLOOR_APP, BENCHMARKS, env)]
    if workers == 1:
        apps.append((f"{ISOLATED_FLOOR} {servers[0]}", FLOOR_APP, BENCHMARKS,
                     {**env, "SPARQL_FLOOR_ISOLATED": str(DEFAULT_MAX_SHORT)}))
    running: dict[str, Contender] = {}
    with contextlib.ExitStack() as stack:
        for name, factory, app_dir, app_env in apps:
            server = name.rsplit(" ", 1)[1]
            port = free_port()
            process = start(asgi_server(server, factory, port, app_dir=app_dir, workers=workers),
                            f"http://127.0.0.1:{port}/sparql{ASK}", env=app_env)
            stack.callback(stop, process)
            running[name + (f" x{workers}" if workers > 1 else "")] = (f"http://127.0.0.1:{port}", "/sparql",
                                                                        process.pid)
        yield running


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a retractkg store (not in use by a server)")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per round and server")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per query kind")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2,
                        help="also measure retractkg with this many read-only worker processes (0: skip)")
    parser.add_argument("--servers", default=",".join(SERVERS),
                        help=f"HTTP servers to run retractkg and the floors under, comma-separated "
                             f"({', '.join(SERVERS)})")
    parser.add_argument("--cache", action="store_true", help="keep retractkg's answer cache on (repeats are hits)")
    parser.add_argument("--work", type=Path,
                        help="keep the N-Quads, Oxigraph's copy and the sample here, and reuse them next time "
                             "(loading 7.5 M quads takes minutes; empty it after an ingest)")
    args = parser.parse_args()
    servers = args.servers.split(",")
    if not set(servers) <= set(SERVERS):
        parser.error(f"--servers: {args.servers!r} names a server other than {', '.join(SERVERS)}")
    if not args.cache:
        os.environ["RETRACTKG_ANSWER_CACHE_MB"] = "0"  # the servers started below inherit it
    oxigraph = shutil.which("oxigraph", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    if not oxigraph:
        print("the oxigraph server is missing: pip install oxigraph", file=sys.stderr)
        return 2
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    with contextlib.ExitStack() as cleanup:
        if args.work:
            work = args.work
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="bench-sparql-")))
        dump = work / "store.nq"
        sample = work / "lookups.json"
        began = time.monotonic()
        if sample.exists() and (work / "oxigraph").exists():
            lookups = json.loads(sample.read_text())
            print(f"{len(lookups)} lookups and Oxigraph's copy of the store reused from {work}")
        else:
            lookups = sample_lookups(args.store, dump)
            subprocess.run([oxigraph, "load", "--location", str(work / "oxigraph"), "--file", str(dump)],
                           check=True, **quiet)
            sample.write_text(json.dumps(lookups))
            print(f"{len(lookups)} lookups sampled; {dump.stat().st_size / 1e6:.0f} MB of N-Quads loaded into "
                  f"oxigraph in {time.monotonic() - began:.0f} s")
        port = free_port()
        theirs = start([oxigraph, "serve", "--location", str(work / "oxigraph"), "--bind", f"127.0.0.1:{port}",
                        "--union-default-graph"], f"http://127.0.0.1:{port}/query{ASK}")
        oxigraph_server = (f"http://127.0.0.1:{port}", "/query", theirs.pid)
        env = {**os.environ, "RETRACTKG_STORE": str(args.store), "SPARQL_FLOOR_STORE": str(args.store)}
        try:
            # 1. One server process: retractkg and the floor under each HTTP server, the isolated floor under the first.
            with contenders(servers, 1, env) as ours:
                single = measure({**ours, "oxigraph": oxigraph_server}, lookups, args, work)
            several = None
            if args.workers:  # 2. Worker processes, each with the store opened read-only.
                with contenders(servers, args.workers, env) as ours:
                    several = measure({**ours, "oxigraph": oxigraph_server}, lookups, args, work)
        finally:
            stop(theirs)
    tool = "wrk" if shutil.which("wrk") else "httpx"
    print(f"load: {tool}, {args.connections} connections on 127.0.0.1, {args.rounds} x {args.duration:g} s per server "
          f"and lookup kind, alternating; {os.cpu_count()} CPUs shared by the load generator and the servers")
    report("one server process (retractkg's query processes besides) vs oxigraph serve", single)
    if several:
        report(f"{args.workers} read-only worker processes vs oxigraph serve", several)
    return 0

if __name__ == "__main__":
    sys.exit(main())
