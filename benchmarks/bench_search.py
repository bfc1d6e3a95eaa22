"""Search with facet counts on the full-size graph: latency of `/search` (JSON: a ranked page and the counts of
seven facets) against the bare SQLite query of the same words, measured in the same run.

    python3 ../shared/tools/make_rw_scale.py /tmp/rw.csv
    retractkg ingest /tmp/rw.csv --store /tmp/rw-store
    python benchmarks/bench_search.py --store /tmp/rw-store [--rounds 20]

Starts `retractkg serve` on a free loopback port (stopped by its PID) and asks it, one request at a time, a
mix of searches: common and rare words, words with facet values chosen, facet values alone, and an article's
and a notice's DOI (answered from the store). The peer is
the search of the index as it was before facets, run in this process on the same file: the match count
(capped) and one page of the FTS5 match ordered by BM25, no facets, no HTTP. Each request and its peer
run back to back, so both see the same load. Goal: p50 <= 50 ms for ours, "covid" included (it matches
most notices of the full-size export, whose titles are drawn from the COVID-19 subset).
"""

from __future__ import annotations

import argparse
import http.client
import sqlite3
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import servers  # noqa: E402 - the test suite's helpers start and stop servers by PID

from retractkg.store.text_index import COUNT_AT_MOST, WEIGHTS, fts_query  # noqa: E402

RETRACTION = "https://w3id.org/retractkg/id/nature/retraction"
SEARCHES: list[dict[str, str]] = [
    {"q": "covid"}, {"q": "pandemic"}, {"q": "vaccine"}, {"q": "favipiravir"}, {"q": "grech"},
    {"q": "mortality"}, {"q": "ivermectin"}, {"q": "china tourism"}, {"q": "hydroxychloroquine"},
    {"q": "covid", "nature": RETRACTION}, {"q": "covid", "year": "2021"}, {"q": "vaccine", "nature": RETRACTION},
    {"nature": RETRACTION}, {"year": "2020"},
]


def bare(connection: sqlite3.Connection, q: str) -> None:
    """The search of words before facets: the capped count and one page ranked by BM25."""
    query = fts_query(q)
    if not query:
        return
    connection.execute("SELECT count(*) FROM (SELECT 1 FROM docs WHERE docs MATCH ? LIMIT ?)",
                       (query, COUNT_AT_MOST)).fetchone()
    rank = f"bm25(docs, {', '.join(map(str, WEIGHTS))})"
    connection.execute(f"SELECT iri, kind, label, detail FROM docs WHERE docs MATCH ? ORDER BY {rank} LIMIT 50",
                       (query,)).fetchall()


def dois_of(connection: sqlite3.Connection) -> list[str]:
    """An article's and a notice's DOI from the index, in upper case as users paste them ("is this paper
    retracted?"): a search by DOI is answered by the store, not the index (`api/catalog.Catalog.by_doi`)."""
    dois = []
    for kind in ("article", "notice"):
        row = connection.execute(f"SELECT iri FROM docs WHERE kind = ? AND iri LIKE '%/id/{kind}/10.%' LIMIT 1 "
                                 "OFFSET 100", (kind,)).fetchone()
        if row:
            dois.append(row[0].split(f"/id/{kind}/", 1)[1].upper())
    return dois


def percentile(times: list[float], p: float) -> float:
    ordered = sorted(times)
    return 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    index = args.store / "search.sqlite3"
    peer = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    SEARCHES.extend({"q": doi} for doi in dois_of(peer))
    log = Path(f"/tmp/bench-search-{int(time.time())}.log")
    ours: dict[str, list[float]] = {}
    theirs: dict[str, list[float]] = {}
    with servers.serving(args.store, log) as (base, _):
        connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=600)
        paths = {urllib.parse.urlencode(s): "/search?" + urllib.parse.urlencode(s) for s in SEARCHES}
        connection.request("GET", "/search?q=warm", headers={"Accept": "application/json"})
        assert connection.getresponse().read()  # the app's index connection open, the file in the page cache
        first: dict[str, float] = {}
        for round_number in range(args.rounds):
            for search, (name, path) in zip(SEARCHES, paths.items(), strict=True):
                started = time.perf_counter()
                connection.request("GET", path, headers={"Accept": "application/json"})
                response = connection.getresponse()
                response.read()
                assert response.status == 200, (path, response.status)
                elapsed = time.perf_counter() - started
                if round_number == 0:  # first time: the facet counts are counted, later ones are kept
                    first[name] = elapsed
                else:
                    ours.setdefault(name, []).append(elapsed)
                started = time.perf_counter()
                bare(peer, search.get("q", ""))
                theirs.setdefault(name, []).append(time.perf_counter() - started)
    print(f"{'search':52} {'first':>7} {'ours p50':>9} {'p90':>7} {'bare p50':>9}  (ms)")
    for name in ours:
        print(f"{name[:52]:52} {1000 * first[name]:7.1f} {percentile(ours[name], .5):9.1f} "
              f"{percentile(ours[name], .9):7.1f} {percentile(theirs[name], .5):9.1f}")
    firsts = list(first.values())
    print(f"\nfirst time (facets counted): ours p50 {percentile(firsts, .5):.1f} ms")
    every = [t for times in ours.values() for t in times]
    every_peer = [t for name, times in theirs.items() if "q=" in name for t in times]
    words_only = [t for name, times in ours.items() if "q=" in name for t in times]
    ratio = statistics.median(words_only) / statistics.median(every_peer)
    print(f"\nall searches: ours p50 {percentile(every, .5):.1f} ms (p90 {percentile(every, .9):.1f}); "
          f"searches with words: ours p50 {percentile(words_only, .5):.1f} ms, bare SQLite p50 "
          f"{percentile(every_peer, .5):.1f} ms, ratio {ratio:.2f}")
    covid, bare_covid = percentile(ours["q=covid"], .5), percentile(theirs["q=covid"], .5)
    print(f'"covid": first {1000 * first["q=covid"]:.1f} ms, then p50 {covid:.1f} ms; bare SQLite p50 '
          f'{bare_covid:.1f} ms')


if __name__ == "__main__":
    main()
