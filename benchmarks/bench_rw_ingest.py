"""The full-size Retraction Watch export into the on-disk store: time, peak memory, and the bulk-load floor.

    .venv/bin/python benchmarks/bench_rw_ingest.py [--csv /tmp/rw.csv] [--work /tmp/rw-bench] [--rows 72500]

Without `--csv`, a full-size export (72,500 rows) is written first by `../shared/tools/make_rw_scale.py`.
Measured in this run, each in a fresh child process (so peak RSS is that run's own):
- ingest: `retractkg ingest CSV --store DIR` (the real CLI and pipeline), wall time and peak RSS;
- floor: pyoxigraph `Store.bulk_load` of exactly the triples that ingest stored (dumped as N-Quads)
  into a fresh on-disk store: what the store needs to take these quads in, whatever produced them; and the
  compaction that load leaves due, paid by the next process to open the store (measured for both stores);
- identity: reading the export to resolve which author mentions are one person, which DOIs works share
  and which journal is which (`people_of`), which ingest does before mapping, alone: the cost of identity
  resolution within ingest's time;
- index: `retractkg index` on the ingested store, the search index and statistics that ingest rebuilds at
  its end, alone: their cost within ingest's;
- re-ingest of the same export (every record unchanged) and a newer export with changes.
The CPU of RocksDB's background threads (compaction, flushes) is printed for both: it is most of what
ingest's many atomic loads cost beyond the floor's one.
Printed against the goals: ingest <= 60 s, peak RSS <= 1.5 GB, ingest <= 3x the floor.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOAL_SECONDS, GOAL_RSS_GB, GOAL_RATIO = 60.0, 1.5, 3.0

IDENTITY = """
import sys, time
from pathlib import Path
from retractkg.config import Settings
from retractkg.ingest.mapping import RecordMapper
from retractkg.ingest.periodicals import Periodicals
from retractkg.ingest.pipeline import people_of, source_names
paths = [Path(sys.argv[1])]
start = time.perf_counter()
mapper = RecordMapper(Settings().base)
mapper.periodicals = Periodicals(mapper.mint)
people = people_of(paths, None, source_names(paths), mapper)
print(f"{time.perf_counter() - start:.3f} {len(people.evidence)}")
"""

FLOOR = """
import sys
from pyoxigraph import RdfFormat, Store
store = Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=RdfFormat.N_QUADS)
store.flush()
"""

# A process that ends right after writing (the floor's ends right after its load) leaves RocksDB's compaction of
# what it added due: the next process to open the store pays it. This one opens a store and stays until its
# background threads have been idle for 5 s; both stores are opened so, the ingest's before anything else reads it.
REOPENED = """
import sys, time
from pathlib import Path
from pyoxigraph import Store
def background():
    return [(t / "stat").read_text() for t in Path("/proc/self/task").iterdir()
            if (t / "comm").read_text().startswith("rocksdb:")]
store = Store(sys.argv[1])
seen, idle = None, 0
while idle < 10:
    time.sleep(0.5)
    now = background()
    idle, seen = (idle + 1 if now == seen else 0), now
"""


def run(command: list[str]) -> tuple[float, float, float, float, str]:
    """Wall seconds, CPU seconds, RocksDB background CPU seconds, peak RSS (GB) and last stdout line of a
    child process (its own rusage).

    CPU time is reported next to wall time because this machine is shared: other processes slow
    wall time unevenly between two runs, CPU time much less so. The CPU of the store's background
    threads (compaction, flushes) is what ingest's many atomic loads cost beyond the floor's one.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err)
        background: dict[str, float] = {}  # RocksDB thread id -> its CPU seconds when last seen
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            background.update(rocksdb_thread_cpu(child.pid))
            time.sleep(0.5)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode not in (0, 1):
            sys.exit(f"{' '.join(command)} failed ({child.returncode}):\n{err.read()[-3000:].decode()}")
        lines = out.read().decode().strip().splitlines()
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, cpu, sum(background.values()), usage.ru_maxrss / 1024 / 1024, lines[-1] if lines else ""


def rocksdb_thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds of each of a process's RocksDB background threads ("rocksdb:low", "rocksdb:high"), read
    from /proc; sampled every half second, a thread loses at most its last half second."""
    found: dict[str, float] = {}
    ticks = os.sysconf("SC_CLK_TCK")
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            if not Path(f"/proc/{pid}/task/{tid}/comm").read_text().startswith("rocksdb:"):
                continue
            fields = Path(f"/proc/{pid}/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended
            continue
        found[tid] = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
    return found


def newer_export(csv_path: Path, out: Path) -> tuple[int, int, int]:
    """The export as a month later: 1% of rows changed, 1% withdrawn, 500 added. Returns the counts."""
    changed = withdrawn = added = 0
    with csv_path.open(encoding="utf-8", newline="") as f, out.open("w", encoding="utf-8", newline="") as g:
        rows = csv.reader(f)
        writer = csv.writer(g, lineterminator="\r\n")
        header = next(rows)
        writer.writerow(header)
        last = None
        for i, row in enumerate(rows):
            last = row
            if i % 100 == 1:
                withdrawn += 1
                continue
            if i % 100 == 2:
                row = list(row)
                row[header.index("Notes")] = "Updated note " + str(i)
                changed += 1
            writer.writerow(row)
        for j in range(500):
            row = list(last)
            row[0] = str(900_000 + j)
            row[header.index("OriginalPaperDOI")] = f"10.9999/new.{j}"
            writer.writerow(row)
            added += 1
    return changed, withdrawn, added


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, help="a Retraction Watch export (default: generate a full-size one)")
    ap.add_argument("--rows", type=int, default=72_500)
    ap.add_argument("--work", type=Path, default=Path("/tmp/rw-bench"))
    ap.add_argument("--skip-delta", action="store_true", help="only the first ingest and the floor")
    args = ap.parse_args()
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    csv_path = args.csv
    if csv_path is None:
        csv_path = work / "rw.csv"
        subprocess.run([sys.executable, str(SHARED / "tools" / "make_rw_scale.py"), str(csv_path),
                        "--rows", str(args.rows)], check=True)
    retractkg = [sys.executable, "-m", "retractkg.cli"]
    store = work / "store"

    ingest_s, ingest_cpu, ingest_bg, ingest_gb, summary = run([*retractkg, "ingest", str(csv_path), "--store",
                                                               str(store), "--quiet"])
    print(f"ingest      {ingest_s:7.1f} s wall {ingest_cpu:7.1f} s CPU  peak RSS {ingest_gb:5.2f} GB   {summary}")
    _, _, ingest_due, _, _ = run([sys.executable, "-c", REOPENED, str(store)])

    dump = work / "stored.nq"
    subprocess.run([*retractkg, "export", "--format", "nquads", "--store", str(store), "-o", str(dump)], check=True)
    with dump.open("rb") as f:
        quads = sum(1 for _ in f)
    floor_s, floor_cpu, floor_bg, floor_gb, _ = run([sys.executable, "-c", FLOOR, str(work / "floor-store"),
                                                     str(dump)])
    print(f"bulk floor  {floor_s:7.1f} s wall {floor_cpu:7.1f} s CPU  peak RSS {floor_gb:5.2f} GB   pyoxigraph "
          f"bulk_load of the same {quads:,} quads")
    print(f"of the CPU, RocksDB compaction and flushes: ingest {ingest_bg:.1f} s, floor {floor_bg:.1f} s")
    _, _, floor_due, _, _ = run([sys.executable, "-c", REOPENED, str(work / "floor-store")])
    print(f"stores opened again, RocksDB compaction left due: ingest {ingest_due:.1f} s, floor {floor_due:.1f} s; "
          f"ingest/floor with it {(ingest_cpu + ingest_due) / (floor_cpu + floor_due):.2f} CPU")
    ratio = ingest_s / floor_s
    print(f"ratio ingest/floor {ratio:.2f} wall, {ingest_cpu / floor_cpu:.2f} CPU (goal <= {GOAL_RATIO:.0f});  "
          f"ingest {ingest_s:.1f} s (goal <= {GOAL_SECONDS:.0f}), peak {ingest_gb:.2f} GB (goal <= {GOAL_RSS_GB})")
    print(f"verdict: time {'ok' if ingest_s <= GOAL_SECONDS else 'OVER'}, memory "
          f"{'ok' if ingest_gb <= GOAL_RSS_GB else 'OVER'}, ratio {'ok' if ratio <= GOAL_RATIO else 'OVER'}")
    # Identity resolution (which author mentions are one person) reads the export once more before mapping:
    # its cost, alone, against the ingest that includes it.
    identity_s, identity_cpu, _, identity_gb, identity_out = run([sys.executable, "-c", IDENTITY, str(csv_path)])
    seconds, joined = identity_out.split()
    print(f"identity    {identity_s:7.1f} s wall {identity_cpu:7.1f} s CPU  peak RSS {identity_gb:5.2f} GB   "
          f"people_of: {float(seconds):.1f} s, {int(joined):,} people joined across articles "
          f"({float(seconds) / ingest_s:.0%} of ingest)")
    # The search index and statistics, made anew from the store as ingest makes them after a run that changed
    # it: their cost, alone, within the ingest's.
    index_s, index_cpu, _, index_gb, index_out = run([*retractkg, "index", "--store", str(store)])
    print(f"index       {index_s:7.1f} s wall {index_cpu:7.1f} s CPU  peak RSS {index_gb:5.2f} GB   retractkg index "
          f"({index_cpu / ingest_cpu:.0%} of ingest's CPU): {index_out}")
    if args.skip_delta:
        return

    again_s, again_cpu, _, _, summary = run([*retractkg, "ingest", str(csv_path), "--store", str(store), "--quiet"])
    print(f"re-ingest   {again_s:7.1f} s wall {again_cpu:7.1f} s CPU   same export: {summary}")
    newer = work / "rw-newer.csv"
    changed, withdrawn, added = newer_export(csv_path, newer)
    delta_s, delta_cpu, _, _, summary = run([*retractkg, "ingest", str(newer), "--store", str(store), "--quiet",
                                          "--replace-source"])
    print(f"newer       {delta_s:7.1f} s wall {delta_cpu:7.1f} s CPU   {changed} changed, {withdrawn} withdrawn, "
          f"{added} added: {summary}")


if __name__ == "__main__":
    main()
