"""The full-size Retraction Watch export into the on-disk store: time, peak memory, and the bulk-load floor.

    .venv/bin/python benchmarks/bench_rw_ingest.py [--csv /tmp/rw.csv] [--work /tmp/rw-bench] [--rounds 3]

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
Printed against the goals: ingest <= 60 s, peak RSS <= 1.5 GB, ingest <= 1.5x the floor (issues 11 and 16).
The ingest's own phases (identity, reading-mapping-storing, search index) are timed from its progress lines,
each with the cores it kept busy: a phase below all cores is paced by ingest's own work, not the store's.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOAL_SECONDS, GOAL_RSS_GB, GOAL_RATIO = 60.0, 1.5, 1.5  # the ratio: issues 11 and 16

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

COUNT = """
import sys
from pyoxigraph import Store
print(len(Store.read_only(sys.argv[1])))
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


@dataclass
class Phase:
    """A stretch of a child's run between two of its progress lines: its wall time and the cores it kept busy."""

    name: str
    seconds: float
    cpu: float

    def __str__(self) -> str:
        return f"{self.name} {self.seconds:.1f} s ({self.cpu / self.seconds if self.seconds else 0:.2f} cores)"


@dataclass
class Run:
    seconds: float
    cpu: float
    background: float  # RocksDB background threads' CPU seconds
    peak_gb: float
    last_line: str
    # (seconds since start, the child's CPU seconds so far, its stderr line) for each line it printed
    lines: list[tuple[float, float, str]] = field(default_factory=list)

    def phases(self, *starts: tuple[str, str | tuple[str, ...]], last: str) -> list[Phase]:
        """The run cut, in order, at the first stderr line that starts with each of `starts`' prefixes: [(name of
        the stretch before it, its prefix or prefixes)]; the stretch after the last cut is named `last`."""
        cuts, found = [(0.0, 0.0)], iter(starts)
        names, wanted = [], next(found, None)
        for at, cpu, line in self.lines:
            if wanted is not None and line.startswith(wanted[1]):
                names.append(wanted[0])
                cuts.append((at, cpu))
                wanted = next(found, None)
        cuts.append((self.seconds, self.cpu))
        names.append(last)
        return [Phase(name, end[0] - begin[0], end[1] - begin[1])
                for name, begin, end in zip(names, cuts[:-1], cuts[1:], strict=True)]


def run(command: list[str], ok: tuple[int, ...] = (0,)) -> Run:
    """Wall and CPU seconds, RocksDB background CPU seconds, peak RSS (GB), last stdout line and timed stderr
    lines of a child process (its own rusage); an exit status not in `ok` ends the benchmark with its stderr.

    CPU time is reported next to wall time because this machine is shared: other processes slow
    wall time unevenly between two runs, CPU time much less so. The CPU of the store's background
    threads (compaction, flushes) is what ingest's many atomic loads cost beyond the floor's one.
    """
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE)
        lines: list[tuple[float, float, str]] = []
        reading = threading.Thread(target=_timed_lines, args=(child, start, lines))
        reading.start()
        background: dict[str, float] = {}  # RocksDB thread id -> its CPU seconds when last seen
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            background.update(rocksdb_thread_cpu(child.pid))
            time.sleep(0.5)
        seconds = time.perf_counter() - start
        reading.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        if child.returncode not in ok:
            sys.exit(f"{' '.join(command)} failed ({child.returncode}):\n"
                     + "\n".join(line for _, _, line in lines[-30:]))
        printed = out.read().decode().strip().splitlines()
    return Run(seconds, usage.ru_utime + usage.ru_stime, sum(background.values()), usage.ru_maxrss / 1024 / 1024,
               printed[-1] if printed else "", lines)


def _timed_lines(child: subprocess.Popen, start: float, lines: list[tuple[float, float, str]]) -> None:
    """Each stderr line of `child` with when it came and the child's CPU seconds then (read from /proc)."""
    for raw in child.stderr:
        at = time.perf_counter() - start
        try:
            cpu = cpu_seconds(Path(f"/proc/{child.pid}/stat"))  # of every thread, ended ones too
        except OSError:  # the child has ended
            cpu = lines[-1][1] if lines else 0.0
        lines.append((at, cpu, raw.decode(errors="replace").rstrip()))


def loaded(floor: Run, store: Path, quads: int) -> Run:
    """The floor's run, once its store is seen to hold every quad (counted by another process, after the timed
    one): a load that fails at its commit (a full disk) has taken its time and stored nothing, and measured so the
    floor would be a fraction of itself."""
    held = run([sys.executable, "-c", COUNT, str(store)]).last_line
    if held != str(quads):
        sys.exit(f"the floor's store holds {held or 'no'} quads, not the {quads:,} it was given")
    return floor


def cpu_seconds(stat: Path) -> float:
    """utime + stime of a process or thread, from its /proc `stat` file."""
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rocksdb_thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds of each of a process's RocksDB background threads ("rocksdb:low", "rocksdb:high"), read
    from /proc; sampled every half second, a thread loses at most its last half second."""
    found: dict[str, float] = {}
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            if not Path(f"/proc/{pid}/task/{tid}/comm").read_text().startswith("rocksdb:"):
                continue
            found[tid] = cpu_seconds(Path(f"/proc/{pid}/task/{tid}/stat"))
        except OSError:  # the thread ended
            continue
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
    ap.add_argument("--rounds", type=int, default=1,
                    help="ingest and floor this many times, side by side: the ratio is their pairs' median")
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

    # Its progress lines give its phases; 1: some records had errors (reported), the rest are stored.
    ingest = run([*retractkg, "ingest", str(csv_path), "--store", str(store)], ok=(0, 1))
    print(f"ingest      {ingest.seconds:7.1f} s wall {ingest.cpu:7.1f} s CPU  peak RSS {ingest.peak_gb:5.2f} GB   "
          f"{ingest.last_line}")
    # Its first progress line comes with the first record mapped, after identity resolution read the export (when
    # that took longer than the 2 s between progress lines, as on the full-size export; on a small one the cut
    # falls at the first batch stored instead); the index line once every record is stored. Where a stretch keeps
    # fewer than all cores busy, it is its own work, not the store's, that sets the pace.
    phases = ingest.phases(("identity", "... "), ("reading, mapping and storing", ("... building the search index",
                                                                            "... rebuilding the search index")),
                           last="search index")
    print(f"its phases, on {os.cpu_count()} cores: " + "; ".join(map(str, (p for p in phases if p.seconds))))
    due = run([sys.executable, "-c", REOPENED, str(store)]).background

    dump = work / "stored.nq"
    subprocess.run([*retractkg, "export", "--format", "nquads", "--store", str(store), "-o", str(dump)], check=True)
    with dump.open("rb") as f:
        quads = sum(1 for _ in f)
    floor = loaded(run([sys.executable, "-c", FLOOR, str(work / "floor-store"), str(dump)]), work / "floor-store",
                   quads)
    print(f"bulk floor  {floor.seconds:7.1f} s wall {floor.cpu:7.1f} s CPU  peak RSS {floor.peak_gb:5.2f} GB   "
          f"pyoxigraph bulk_load of the same {quads:,} quads ({floor.cpu / floor.seconds:.2f} cores)")
    print(f"of the CPU, RocksDB compaction and flushes: ingest {ingest.background:.1f} s, "
          f"floor {floor.background:.1f} s")
    floor_due = run([sys.executable, "-c", REOPENED, str(work / "floor-store")]).background
    print(f"stores opened again, RocksDB compaction left due: ingest {due:.1f} s, floor {floor_due:.1f} s; "
          f"ingest/floor with it {(ingest.cpu + due) / (floor.cpu + floor_due):.2f} CPU")
    # This machine's speed drifts between runs (the floor alone: 38.6-56.1 s wall in one evening): each pair of an
    # ingest and a floor run side by side gives a ratio, and the median of those is the figure.
    pairs = [(ingest.seconds / floor.seconds, ingest.cpu / floor.cpu)]
    for number in range(2, args.rounds + 1):
        shutil.rmtree(store)
        shutil.rmtree(work / "floor-store")
        again = run([*retractkg, "ingest", str(csv_path), "--store", str(store), "--quiet"], ok=(0, 1))
        again_floor = loaded(run([sys.executable, "-c", FLOOR, str(work / "floor-store"), str(dump)]),
                             work / "floor-store", quads)
        pairs.append((again.seconds / again_floor.seconds, again.cpu / again_floor.cpu))
        print(f"round {number}: ingest {again.seconds:.1f} s wall / {again.cpu:.1f} s CPU, floor "
              f"{again_floor.seconds:.1f} s / {again_floor.cpu:.1f} s: {pairs[-1][0]:.2f} wall, {pairs[-1][1]:.2f} CPU")
    ratio = statistics.median(wall for wall, _ in pairs)
    cpu_ratio = statistics.median(cpu for _, cpu in pairs)
    rounds = f" (median of {len(pairs)} pairs)" if len(pairs) > 1 else ""
    print(f"ratio ingest/floor {ratio:.2f} wall, {cpu_ratio:.2f} CPU{rounds} (goal <= {GOAL_RATIO});  "
          f"ingest {ingest.seconds:.1f} s (goal <= {GOAL_SECONDS:.0f}), peak {ingest.peak_gb:.2f} GB "
          f"(goal <= {GOAL_RSS_GB})")
    print(f"verdict: time {'ok' if ingest.seconds <= GOAL_SECONDS else 'OVER'}, memory "
          f"{'ok' if ingest.peak_gb <= GOAL_RSS_GB else 'OVER'}, ratio {'ok' if ratio <= GOAL_RATIO else 'OVER'}")
    # Identity resolution (which author mentions are one person) reads the export once more before mapping:
    # its cost, alone, against the ingest that includes it.
    identity = run([sys.executable, "-c", IDENTITY, str(csv_path)])
    seconds, joined = identity.last_line.split()
    print(f"identity    {identity.seconds:7.1f} s wall {identity.cpu:7.1f} s CPU  "
          f"peak RSS {identity.peak_gb:5.2f} GB   people_of: {float(seconds):.1f} s, {int(joined):,} people joined "
          f"across articles ({float(seconds) / ingest.seconds:.0%} of ingest)")
    # The search index and statistics, made anew from the store as ingest makes them after a run that changed
    # it: their cost, alone, within the ingest's.
    index = run([*retractkg, "index", "--store", str(store)])
    print(f"index       {index.seconds:7.1f} s wall {index.cpu:7.1f} s CPU  peak RSS {index.peak_gb:5.2f} GB   "
          f"retractkg index from the store ({index.cpu / ingest.cpu:.0%} of ingest's CPU): {index.last_line}")
    if args.skip_delta:
        return

    again = run([*retractkg, "ingest", str(csv_path), "--store", str(store), "--quiet"], ok=(0, 1))
    print(f"re-ingest   {again.seconds:7.1f} s wall {again.cpu:7.1f} s CPU   same export: {again.last_line}")
    newer = work / "rw-newer.csv"
    changed, withdrawn, added = newer_export(csv_path, newer)
    delta = run([*retractkg, "ingest", str(newer), "--store", str(store), "--quiet", "--replace-source"], ok=(0, 1))
    print(f"newer       {delta.seconds:7.1f} s wall {delta.cpu:7.1f} s CPU   {changed} changed, {withdrawn} withdrawn, "
          f"{added} added: {delta.last_line}")


if __name__ == "__main__":
    main()
