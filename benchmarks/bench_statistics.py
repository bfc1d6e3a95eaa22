"""The cost of the per-notice statistics in the index rebuild, on the full-size graph.

    python benchmarks/bench_statistics.py --store /tmp/rw-store

Opens the store read-only and, in one run, times (wall and CPU) the whole rebuild of the search index
(`text_index.rebuild`: words and statistics, written to a scratch file) and then the statistics alone
(`notice_statistics.write` from a fresh scan of the predicates they read, into an in-memory database). The
peer of the statistics is the rebuild they are part of: the ratio says what they add to each ingest.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

from retractkg.store import OxigraphStore
from retractkg.store.notice_statistics import GraphScan, write
from retractkg.store.text_index import rebuild


def timed(work) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    args = parser.parse_args()
    with OxigraphStore(args.store, read_only=True) as store, tempfile.TemporaryDirectory() as scratch:
        wall, cpu, rows = timed(lambda: rebuild(store, Path(scratch) / "search.sqlite3"))
        print(f"whole rebuild (words + statistics): {wall:.1f} s wall, {cpu:.1f} s CPU, {rows:,} rows")
        s_wall, s_cpu, notices = timed(lambda: write(sqlite3.connect(":memory:"), GraphScan(store)))
        print(f"statistics alone: {s_wall:.1f} s wall, {s_cpu:.1f} s CPU, {len(notices):,} notices")
        print(f"share of the rebuild: {s_cpu / cpu:.2f} of its CPU")


if __name__ == "__main__":
    main()
