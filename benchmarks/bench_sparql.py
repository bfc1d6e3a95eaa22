"""Simple SPARQL lookups: retractkg's /sparql against Oxigraph's own server, same data, one run.

    python benchmarks/bench_sparql.py --store STORE [--duration 15] [--connections 4]

STORE is a retractkg store (e.g. `retractkg ingest /tmp/rw.csv --store STORE` after
`python3 ../shared/tools/make_rw_scale.py /tmp/rw.csv`). The script dumps it to N-Quads, loads
that into a fresh `oxigraph` server (`pip install oxigraph`, run with --union-default-graph so both
servers see the same default graph), starts `retractkg serve` on the original, and then drives both
on 127.0.0.1 with the same bounded load (`wrk`, N connections; an httpx client if wrk is missing),
over the same rotating list of lookups, in alternating rounds. It prints requests/s of each and the
ratio retractkg / oxigraph (goal: >= 0.9).

Lookups: a notice by DOI (`?x schema:sameAs <https://doi.org/...>`) and the reasons of one notice
(labels of its `rkg:reason` concepts).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from pyoxigraph import RdfFormat

from retractkg.ontology import RKG, SCHEMA, SKOS
from retractkg.store import OxigraphStore

ACCEPT = "application/sparql-results+json"
SAMPLE = 500

QUERIES = {
    "notice-by-doi": f"SELECT ?x ?type WHERE {{ ?x <{SCHEMA}sameAs> <{{doi}}> ; a ?type }}",
    "reasons-of-notice": f"SELECT ?label WHERE {{ <{{notice}}> <{RKG}reason> ?r . ?r <{SKOS}prefLabel> ?label }}",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sample_lookups(store_path: Path, dump: Path) -> list[dict[str, str]]:
    """Notices with a DOI and at least one reason, and the whole store as N-Quads for Oxigraph."""
    store = OxigraphStore(store_path)
    rows = store.query(f"""SELECT ?notice (SAMPLE(?doi) AS ?d) WHERE {{
        ?notice <{RKG}reason> ?r ; <{SCHEMA}sameAs> ?doi .
        FILTER(STRSTARTS(STR(?doi), "https://doi.org/"))
    }} GROUP BY ?notice LIMIT {SAMPLE * 4}""")
    lookups = [{"notice": row["notice"].value, "doi": row["d"].value} for row in rows][::4]
    if not lookups:
        raise SystemExit(f"{store_path}: no notice with a DOI and a reason to look up (ingest data first)")
    with open(dump, "wb") as out:
        store.dump(out, RdfFormat.N_QUADS)
    store.close()
    del store
    return lookups


def wait_for(url: str, process: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout}s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def fetch(url: str, query: str) -> dict:
    request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}), headers={"Accept": ACCEPT})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def normalized(result: dict) -> list:
    return sorted(json.dumps(b, sort_keys=True) for b in result["results"]["bindings"])


WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], {["Accept"] = "ACCEPT"})
end
""".replace("ACCEPT", ACCEPT)


def run_wrk(base: str, paths: list[str], duration: float, connections: int, work: Path) -> tuple[float, int]:
    listing = work / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    script = work / "rotate.lua"
    script.write_text(WRK_SCRIPT)
    done = subprocess.run(["wrk", "-t", "1", "-c", str(connections), "-d", f"{duration:g}s", "-s", str(script),
                           base + "/"], capture_output=True, text=True, env={**os.environ, "BENCH_PATHS": str(listing)})
    if done.returncode:
        raise RuntimeError(f"wrk failed: {done.args}: {done.stdout} {done.stderr}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", done.stdout)
    return rate, int(bad.group(1)) if bad else 0


async def run_httpx(base: str, paths: list[str], duration: float, connections: int) -> tuple[float, int]:
    import httpx

    done = 0
    bad = 0
    stop_at = time.monotonic() + duration
    async with httpx.AsyncClient(base_url=base, headers={"Accept": ACCEPT},
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


def load(base: str, paths: list[str], duration: float, connections: int, work: Path) -> tuple[float, int]:
    if shutil.which("wrk"):
        return run_wrk(base, paths, duration, connections, work)
    return asyncio.run(run_httpx(base, paths, duration, connections))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="a retractkg store (not in use by a server)")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per round and server")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per query kind")
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    oxigraph = shutil.which("oxigraph", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]))
    if not oxigraph:
        print("the oxigraph server is missing: pip install oxigraph", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-sparql-") as tmp:
        work = Path(tmp)
        dump = work / "store.nq"
        began = time.monotonic()
        lookups = sample_lookups(args.store, dump)
        subprocess.run([oxigraph, "load", "--location", str(work / "oxigraph"), "--file", str(dump)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"{len(lookups)} lookups sampled; {dump.stat().st_size / 1e6:.0f} MB of N-Quads loaded into "
              f"oxigraph in {time.monotonic() - began:.0f} s")
        ours_port, theirs_port = free_port(), free_port()
        servers = {
            "retractkg": (subprocess.Popen(
                [sys.executable, "-m", "retractkg.cli", "serve", "--store", str(args.store), "--host", "127.0.0.1",
                 "--port", str(ours_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
                f"http://127.0.0.1:{ours_port}", "/sparql"),
            "oxigraph": (subprocess.Popen(
                [oxigraph, "serve", "--location", str(work / "oxigraph"),
                 "--bind", f"127.0.0.1:{theirs_port}", "--union-default-graph"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
                f"http://127.0.0.1:{theirs_port}", "/query"),
        }
        try:
            for process, base, path in servers.values():
                wait_for(base + path, process)
            results: dict[str, dict[str, list[float]]] = {}
            for kind, template in QUERIES.items():
                queries = [template.replace("{doi}", x["doi"]).replace("{notice}", x["notice"]) for x in lookups]
                # Same answers from both, or the comparison means nothing.
                for query in queries[:20]:
                    answers = [normalized(fetch(base + path, query)) for _, base, path in servers.values()]
                    assert answers[0] == answers[1] and answers[0], (kind, query, answers)
                results[kind] = {name: [] for name in servers}
                for _, base, path in servers.values():  # warm-up
                    load(base, [f"{path}?{urllib.parse.urlencode({'query': q})}" for q in queries], 3,
                         args.connections, work)
                for _ in range(args.rounds):
                    for name, (_, base, path) in servers.items():
                        rate, bad = load(base, [f"{path}?{urllib.parse.urlencode({'query': q})}" for q in queries],
                                         args.duration, args.connections, work)
                        if bad:
                            raise RuntimeError(f"{name}: {bad} non-2xx answers during {kind}")
                        results[kind][name].append(rate)
        finally:
            for process, _, _ in servers.values():
                stop(process)
    tool = "wrk" if shutil.which("wrk") else "httpx"
    print(f"load: {tool}, {args.connections} connections on 127.0.0.1, {args.rounds} x {args.duration:g} s per server "
          f"and query kind, {os.cpu_count()} CPUs shared by clients and servers")
    print(f"{'lookup':<20} {'retractkg req/s':>16} {'oxigraph req/s':>15} {'ratio':>7}")
    for kind, by_server in results.items():
        ours = sum(by_server["retractkg"]) / len(by_server["retractkg"])
        theirs = sum(by_server["oxigraph"]) / len(by_server["oxigraph"])
        print(f"{kind:<20} {ours:>16.0f} {theirs:>15.0f} {ours / theirs:>6.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
