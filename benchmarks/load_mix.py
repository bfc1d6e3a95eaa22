"""Load test: a realistic mix of requests for minutes, then the same with abusive queries beside it.

    python benchmarks/load_mix.py --store STORE [--minutes 3] [--clients 4] [--abusers 8]

Starts `retractkg serve` on a free loopback port over STORE (ingest the full-size export first:
`python3 ../shared/tools/make_rw_scale.py /tmp/rw.csv && retractkg ingest /tmp/rw.csv --store STORE`).

Phase 1 (`--minutes`): `--clients` keep-alive clients send a mix of what people and harvesters ask:
JSON-LD and HTML documents of articles, SPARQL lookups by DOI, searches, the home page. It prints the
errors (any status but 200/303/304), latency percentiles per kind, and the server's memory (the app
and its query processes) every 15 s, which should level off.
Phase 2 (`--abuse-seconds`): the same clients, while `--abusers` threads send queries that run until the
deadline (an aggregate over a cross product) as fast as they are answered. The cheap requests' p99
should stay at or below 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import servers  # noqa: E402 - the test suite's helpers start and stop servers by PID

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (the query processes), in MB."""
    pids = [pid] + [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
                    for child in (task / "children").read_text().split()]
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def sample_dois(port: int, count: int) -> list[str]:
    query = ("SELECT ?doi WHERE { ?a a <https://w3id.org/retractkg/ontology#Article> ; "
             "<https://w3id.org/retractkg/ontology#doi> ?doi } LIMIT " + str(count))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}),
                       headers={"Accept": "application/sparql-results+json"})
    rows = json.loads(connection.getresponse().read())["results"]["bindings"]
    return [row["doi"]["value"] for row in rows]


def requests_mix(dois: list[str], words: list[str]) -> list[tuple[str, str, dict[str, str]]]:
    """(kind, path, headers) of one round of the mix, in the proportions a public service sees."""
    doi = random.choice(dois)
    lookup = ("SELECT ?x WHERE { ?x <http://schema.org/sameAs> <https://doi.org/" + doi + "> }")
    return [
        ("jsonld", f"/doc/article/{doi}", {"Accept": "application/ld+json"}),
        ("jsonld", f"/doc/article/{random.choice(dois)}", {"Accept": "application/ld+json"}),
        ("html", f"/doc/article/{random.choice(dois)}", {"Accept": "text/html"}),
        ("sparql", "/sparql?" + urllib.parse.urlencode({"query": lookup}),
         {"Accept": "application/sparql-results+json"}),
        ("sparql", "/sparql?" + urllib.parse.urlencode({"query": lookup.replace(doi, random.choice(dois))}),
         {"Accept": "application/sparql-results+json"}),
        ("search", "/search?" + urllib.parse.urlencode({"q": random.choice(words)}), {"Accept": "text/html"}),
        ("home", "/", {"Accept": "text/html"}),
    ]


class Client(threading.Thread):
    def __init__(self, port: int, dois: list[str], words: list[str], until: float, results: dict) -> None:
        super().__init__(daemon=True)
        self.port, self.dois, self.words, self.until, self.results = port, dois, words, until, results

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        while time.monotonic() < self.until:
            for kind, path, headers in requests_mix(self.dois, self.words):
                started = time.perf_counter()
                try:
                    connection.request("GET", path, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException) as e:
                    status = f"{type(e).__name__}"
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                elapsed = time.perf_counter() - started
                self.results[kind].append(elapsed)
                if status not in (200, 303, 304):
                    self.results["errors"].append(f"{kind} {status} {path[:80]}")


class Abuser(threading.Thread):
    def __init__(self, port: int, until: float, statuses: list) -> None:
        super().__init__(daemon=True)
        self.port, self.until, self.statuses = port, until, statuses

    def run(self) -> None:
        path = "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY})
        while time.monotonic() < self.until:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                self.statuses.append(response.status)
            except OSError as e:
                self.statuses.append(type(e).__name__)
            finally:
                connection.close()


def report(name: str, results: dict) -> None:
    print(f"\n{name}: {sum(len(v) for k, v in results.items() if k != 'errors')} requests, "
          f"{len(results['errors'])} errors")
    for error in results["errors"][:10]:
        print("  error:", error)
    cheap = []
    for kind in ("jsonld", "html", "sparql", "search", "home"):
        times = sorted(results[kind])
        if not times:
            continue
        cheap += times
        print(f"  {kind:7} n={len(times):6}  p50 {1000 * statistics.median(times):7.1f} ms  "
              f"p99 {1000 * times[int(len(times) * 0.99) - 1]:7.1f} ms  max {1000 * times[-1]:7.1f} ms")
    cheap.sort()
    if cheap:
        print(f"  all     n={len(cheap):6}  p99 {1000 * cheap[int(len(cheap) * 0.99) - 1]:.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--abuse-seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--abusers", type=int, default=8)
    args = parser.parse_args()

    log = Path(os.environ.get("TMPDIR", "/tmp")) / "load_mix_serve.log"
    with servers.serving(args.store, log) as (base, process):
        port = int(base.rsplit(":", 1)[1])
        dois = sample_dois(port, 2000)
        words = ["covid", "cancer", "wang", "image", "retraction", "cell", "smith", "journal", "stem", "liver"]
        print(f"serving {args.store} (pid {process.pid}), {len(dois)} DOIs sampled")

        results: dict[str, list] = defaultdict(list)
        until = time.monotonic() + args.minutes * 60
        clients = [Client(port, dois, words, until, results) for _ in range(args.clients)]
        for client in clients:
            client.start()
        started = time.monotonic()
        while any(client.is_alive() for client in clients):
            time.sleep(15)
            sent = sum(len(v) for k, v in results.items() if k != "errors")
            print(f"  {time.monotonic() - started:5.0f} s  server + query processes RSS "
                  f"{tree_rss_mb(process.pid):7.1f} MB  requests {sent}", flush=True)
        report(f"phase 1, realistic mix, {args.clients} clients, {args.minutes:g} min", results)

        results = defaultdict(list)
        statuses: list = []
        until = time.monotonic() + args.abuse_seconds
        abusers = [Abuser(port, until, statuses) for _ in range(args.abusers)]
        for abuser in abusers:
            abuser.start()
        time.sleep(1)  # the abusers' first queries are running
        clients = [Client(port, dois, words, until, results) for _ in range(args.clients)]
        for thread in clients:
            thread.start()
        for thread in clients + abusers:
            thread.join()
        report(f"phase 2, the same mix beside {args.abusers} abusive queries, {args.abuse_seconds:g} s", results)
        counts: dict = defaultdict(int)
        for status in statuses:
            counts[status] += 1
        print(f"  abusive queries answered: {dict(counts)}")
        print(f"  server + query processes RSS at the end {tree_rss_mb(process.pid):.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
