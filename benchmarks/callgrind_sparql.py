"""Instructions per SPARQL lookup, retractkg's `/sparql` against the bare floors, one run (callgrind).

    python benchmarks/callgrind_sparql.py --store STORE [--requests 1000] [--lookups WORK/lookups.json]

Requests/s on a machine shared with other work measure a share of the cores; instruction counts do not.

*In the server process:* each contender (`bench_sparql.py`'s: retractkg's app as `retractkg serve` runs it,
the floor and the isolated floor of `sparql_floor_app.py`) is started under the same HTTP server inside
`valgrind --tool=callgrind`, warmed up, its counters zeroed (`callgrind_control -z`), sent the same
`--requests` distinct lookups (by DOI, then reasons of a notice) over `--connections` keep-alive
connections, and its counters dumped. (Query processes run outside valgrind: under it a lookup among the
sample with a 300 kB answer runs past the deadline.)

*In a query process:* retractkg's (`query_worker.serve`, the requests framed as the app frames them, read
from and answered into memory) against the isolated floor's child (`sparql_floor_app.evaluate`), each in a
process of its own under callgrind, over every lookup of the sample: once to warm up and then once, and
warmed up then three times; the difference over the extra passes is the instructions per lookup.

Prints instructions per lookup and each floor's ratio to retractkg; `--keep DIR` keeps the callgrind files
(`callgrind_annotate DIR/FILE` shows where they go).
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.parse
from pathlib import Path

import orjson
from bench_sparql import ACCEPT, ASK, BENCHMARKS, FLOOR_APP, QUERIES, sample_lookups
from loadgen import RETRACTKG_APP, asgi_server, free_port, start, stop
from pyoxigraph import Store
from sparql_floor_app import ANSWER_HEAD, evaluate

from retractkg.api.query_processes import DEFAULT_MAX_SHORT
from retractkg.api.query_worker import REQUEST_HEAD, protocol_request, serve
from retractkg.config import Settings
from retractkg.store import OxigraphStore

WARM_UP = 200


def send_all(port: int, paths: list[str], connections: int) -> None:
    """Every path once, split over `connections` keep-alive connections; every answer must be 200."""
    failures: list[str] = []

    def client(share: list[str]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for path in share:
            connection.request("GET", path, headers={"Accept": ACCEPT})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(f"{response.status} for {path}")
        connection.close()

    threads = [threading.Thread(target=client, args=(paths[i::connections],)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{len(failures)} failed lookups, e.g. {failures[0]}")


def instructions(out_file: Path) -> int:
    """The total of a callgrind dump (its `summary:` or `totals:` line)."""
    for line in out_file.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise RuntimeError(f"{out_file}: no totals")


def measure(name: str, factory: str, app_dir: Path | None, env: dict[str, str], server: str,
            paths: list[str], connections: int, keep: Path) -> int:
    """Instructions of the server process over `paths` (after a warm-up), under callgrind."""
    port = free_port()
    prefix = keep / re.sub(r"\W+", "-", name)
    command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={prefix}.%p", "--dump-instr=no",
               *asgi_server(server, factory, port, app_dir=app_dir)]
    process = start(command, f"http://127.0.0.1:{port}/sparql{ASK}", env=env, timeout=600)
    try:
        send_all(port, paths[:WARM_UP], connections)
        # callgrind_control finds the process by PID; valgrind runs the server in the PID it was started with.
        subprocess.run(["callgrind_control", "-z", str(process.pid)], check=True, capture_output=True)
        send_all(port, paths, connections)
        subprocess.run(["callgrind_control", "-d", "measured", str(process.pid)], check=True, capture_output=True)
    finally:
        stop(process)
    dumps = sorted(keep.glob(f"{prefix.name}.{process.pid}.*"))
    if not dumps:
        raise RuntimeError(f"{name}: no callgrind dump in {keep}")
    return instructions(dumps[-1])


def passes(store_path: Path, mode: str, queries: list[str], times: int) -> None:
    """The query process's work for every query, once and then `times` times, in this process (see the module
    docstring): retractkg's serve loop over requests framed as the app frames them, or the floor's child's."""
    queries = queries * (times + 1)
    if mode == "retractkg":
        settings = Settings()
        framed = io.BytesIO()
        for query in queries:
            data = orjson.dumps(protocol_request(query, (), (), ACCEPT, None, settings.base + "sparql",
                                                 settings.max_result_rows, settings.query_timeout))
            framed.write(REQUEST_HEAD.pack(len(data)) + data)
        framed.seek(0)
        serve(OxigraphStore(store_path, read_only=True), framed, io.BytesIO())
    else:
        store = Store.read_only(str(store_path))
        answers = io.BytesIO()
        for query in queries:
            status, body = evaluate(store, query)
            answers.write(ANSWER_HEAD.pack(len(body), status) + body)


def query_process(store: Path, mode: str, kind: str, lookups: Path, keep: Path) -> float:
    """Instructions per lookup of `passes` in `mode`: three passes less one, under callgrind."""
    totals = []
    for times in (1, 3):
        out = keep / f"query-process-{mode}-{kind}-{times}.out"
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--dump-instr=no",
                        sys.executable, __file__, "--store", str(store), "--lookups", str(lookups),
                        "--passes", mode, kind, str(times)], check=True, capture_output=True)
        totals.append(instructions(out))
    return (totals[1] - totals[0]) / (2 * len(json.loads(lookups.read_text())))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a retractkg store (not in use by a server)")
    parser.add_argument("--requests", type=int, default=2000, help="lookups measured per kind and contender")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--server", default="uvicorn")
    parser.add_argument("--keep", type=Path, help="keep the callgrind files here")
    parser.add_argument("--only", help="measure only these contenders (comma-separated)")
    parser.add_argument("--passes", nargs=3, metavar=("MODE", "KIND", "TIMES"), help=argparse.SUPPRESS)
    parser.add_argument("--lookups", type=Path, help="bench_sparql's sample (--work DIR/lookups.json), if made")
    args = parser.parse_args()
    if args.passes:  # a query process's work, run under callgrind by `query_process`
        mode, kind, times = args.passes
        lookups = json.loads(args.lookups.read_text())
        passes(args.store, mode, [QUERIES[kind].replace("{doi}", x["doi"]).replace("{notice}", x["notice"])
                                  for x in lookups], int(times))
        return 0
    if not shutil.which("valgrind"):
        print("valgrind is missing (apt-get install valgrind)", file=sys.stderr)
        return 2
    os.environ["RETRACTKG_ANSWER_CACHE_MB"] = "0"  # as bench_sparql: every lookup evaluated
    env = {**os.environ, "RETRACTKG_STORE": str(args.store), "SPARQL_FLOOR_STORE": str(args.store)}
    with tempfile.TemporaryDirectory(prefix="callgrind-sparql-") as scratch:
        keep = args.keep or Path(scratch)
        keep.mkdir(parents=True, exist_ok=True)
        sample = args.lookups if args.lookups and args.lookups.exists() else Path(scratch) / "lookups.json"
        if sample != args.lookups:
            sample.write_text(json.dumps(sample_lookups(args.store, Path(scratch) / "store.nq")))
        lookups = json.loads(sample.read_text())
        contenders = {
            "retractkg": (RETRACTKG_APP, None, env),
            "floor": (FLOOR_APP, BENCHMARKS, env),
            "isolated floor": (FLOOR_APP, BENCHMARKS, {**env, "SPARQL_FLOOR_ISOLATED": str(DEFAULT_MAX_SHORT)}),
        }
        if args.only:
            contenders = {name: contenders[name] for name in args.only.split(",")}
        server: dict[str, dict[str, float]] = {}
        child: dict[str, dict[str, float]] = {}
        for kind, template in QUERIES.items():
            queries = [template.replace("{doi}", x["doi"]).replace("{notice}", x["notice"]) for x in lookups]
            paths = [f"/sparql?{urllib.parse.urlencode({'query': q})}" for q in queries]
            paths = (paths * (args.requests // len(paths) + 1))[:args.requests]
            server[kind] = {name: measure(f"{name} {kind}", factory, app_dir, app_env, args.server, paths,
                                          args.connections, keep) / len(paths)
                            for name, (factory, app_dir, app_env) in contenders.items()}
            child[kind] = {mode: query_process(args.store, mode, kind, sample, keep) for mode in ("retractkg", "floor")}
    print(f"instructions per lookup (callgrind): {args.server} server process ({args.requests} lookups, "
          f"{args.connections} connections), and a query process ({len(lookups)} lookups x 2)")
    table("server process", server)
    table("query process (retractkg's; the isolated floor's child)", child)
    return 0


def table(title: str, counts: dict[str, dict[str, float]]) -> None:
    names = list(next(iter(counts.values())))
    others = [name for name in names if name != "retractkg"]
    print(f"\n{title}\n{'':<20}" + "".join(f" {name:>16}" for name in names)
          + "".join(f" {name + ' / retractkg':>26}" for name in others))
    for kind, by_name in counts.items():
        print(f"{kind:<20}" + "".join(f" {by_name[name]:>16,.0f}" for name in names)
              + "".join(f" {by_name[name] / by_name['retractkg']:>25.2f}x" for name in others
                        if "retractkg" in by_name))


if __name__ == "__main__":
    sys.exit(main())
