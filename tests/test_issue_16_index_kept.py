"""Issues 11 and 16, the cost of keeping the search index: whatever way a run ends, the index and statistics an
ingest leaves are what a fresh `retractkg index` builds from the same store, table by table, on real shared data
(Retraction Watch rows and PubMed Central JATS notices, in several runs and orders, a re-ingest and a run that
withdraws records), over the embedded store and a SPARQL server; an index left behind by a killed run is
rebuilt by the next one."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import servers

from retractkg.cli import main

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
COVID = SHARED / "retraction-watch" / "rw_covid19_subset_dev_rawformat.csv"
JATS = SHARED / "jats"
pytestmark = pytest.mark.skipif(not COVID.exists(), reason="../shared is not beside the checkout")

# Every table of the index file by its content: term ids are not compared (they follow set order, which
# varies from process to process), the notices and facet values they stand for are.
TABLES = {
    "notice": "SELECT * FROM notice ORDER BY id",
    "term": "SELECT facet, value, label, notices FROM term ORDER BY facet, value",
    "notice_term": "SELECT t.facet, t.value, n.notice FROM notice_term n JOIN term t ON t.id = n.term ORDER BY 1, 2, 3",
    "year_nature": "SELECT * FROM year_nature ORDER BY 1, 2",
    "void_class": "SELECT * FROM void_class ORDER BY 1",
    "void_property": "SELECT * FROM void_property ORDER BY 1",
    "void_dataset": "SELECT * FROM void_dataset",
    "docs": "SELECT rowid, iri, kind, label, detail, names, body FROM docs ORDER BY rowid",
    "words": "SELECT * FROM temp.words ORDER BY 1, 2, 3, 4",  # what FTS5 indexed: word, row, column, place
    "meta": "SELECT * FROM meta ORDER BY 1",
}


def tables(index: Path) -> dict[str, list[tuple]]:
    connection = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    try:
        connection.execute("CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, docs, 'instance')")
        return {name: connection.execute(sql).fetchall() for name, sql in TABLES.items()}
    finally:
        connection.close()


def ingest(*args: str | Path) -> None:
    assert main(["ingest", "--quiet", *map(str, args)]) == 0


def assert_kept_as_rebuilt(index: Path, *store: str) -> dict[str, list[tuple]]:
    """The index the last ingest kept against `retractkg index` run afresh on the same store."""
    kept = tables(index)
    assert kept["notice"] and kept["docs"] and kept["notice_term"]
    index.unlink()
    assert main(["index", *store]) == 0
    rebuilt = tables(index)
    for name in TABLES:
        assert kept[name] == rebuilt[name], name
    return kept


def covid_rows(count: int, folder: Path) -> Path:
    """The header and the first `count` rows of the real export, as its own file."""
    with COVID.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    path = folder / "rw_export.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows[:count + 1])
    return path


def test_every_run_keeps_the_index_a_fresh_rebuild_makes(tmp_path):
    """Retraction Watch, then JATS, then both (the JATS notices give 25 rows' articles their DOIs), the same
    again (nothing changes), then a smaller export given as the whole source (records withdrawn); and JATS then
    Retraction Watch into another store, which ends with the same notices."""
    store = tmp_path / "store"
    index = store / "search.sqlite3"
    ingest(COVID, "--store", store)
    first = assert_kept_as_rebuilt(index, "--store", str(store))
    ingest(JATS, "--store", store)
    assert len(assert_kept_as_rebuilt(index, "--store", str(store))["notice"]) > len(first["notice"])
    ingest(COVID, JATS, "--store", store)
    both = assert_kept_as_rebuilt(index, "--store", str(store))
    changed = index.stat().st_mtime_ns
    ingest(COVID, JATS, "--store", store)  # nothing changed: the index is not rewritten
    assert index.stat().st_mtime_ns == changed
    assert tables(index) == both

    other = tmp_path / "other"
    ingest(JATS, "--store", other)
    ingest(COVID, "--store", other)
    reversed_order = assert_kept_as_rebuilt(other / "search.sqlite3", "--store", str(other))
    for name in ("notice", "term", "notice_term", "year_nature"):  # (the change logs differ: 25 updates)
        assert reversed_order[name] == both[name], name

    ingest(covid_rows(100, tmp_path), "--replace-source", "--store", store)
    withdrawn = assert_kept_as_rebuilt(index, "--store", str(store))
    assert len(withdrawn["notice"]) < len(both["notice"])


def test_a_sparql_server_keeps_the_same_index(tmp_path, monkeypatch):
    """Over a SPARQL server (its own, empty) the ingest keeps what `retractkg index` builds, and the notices and
    their facet values are those of the embedded store given the same records."""
    embedded = tmp_path / "embedded"
    ingest(COVID, "--store", embedded)
    local = tables(embedded / "search.sqlite3")
    with servers.oxigraph_server() as server:
        monkeypatch.setenv("RETRACTKG_SPARQL_QUERY_URL", server.query_url)
        monkeypatch.setenv("RETRACTKG_SPARQL_UPDATE_URL", server.update_url)
        index = tmp_path / "remote-search.sqlite3"
        monkeypatch.setenv("RETRACTKG_TEXT_INDEX", str(index))
        ingest(COVID)
        remote = assert_kept_as_rebuilt(index)
    for name in ("notice", "term", "notice_term", "year_nature"):
        assert remote[name] == local[name], name


def test_an_index_cut_short_by_a_killed_ingest_is_rebuilt_by_the_next_run(tmp_path):
    """An ingest killed while it writes the index leaves the old index (or none) and a partial file beside it;
    the next run, though it has nothing to store, builds the index the store's state calls for."""
    store = tmp_path / "store"
    index = store / "search.sqlite3"
    building = index.with_name(index.name + ".building")
    ingest(COVID, "--store", store)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for _ in range(20):  # until the kill lands while the new index is being written
        shutil.rmtree(store)
        ingest(COVID, "--store", store)
        process = subprocess.Popen([sys.executable, "-m", "retractkg.cli", "ingest", "--quiet", "--store", str(store),
                                    str(JATS)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while process.poll() is None and not building.exists():
            time.sleep(0.001)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
            if building.exists():
                break
        process.wait()
    else:
        pytest.skip("no run was killed while it wrote the index")
    # The next ingest has nothing new to store, yet finds the index older than the store and rebuilds it.
    ingest(JATS, "--store", store)
    assert not building.exists()
    assert_kept_as_rebuilt(index, "--store", str(store))


def test_two_rebuilds_at_once_both_succeed_and_leave_a_whole_index(tmp_path):
    """`retractkg index` run twice at once (or beside a server's worker rebuilding a stale index): each deleted
    the other's `.building` file and moved a half-written one into place, or failed on the vanished file (2 of 5
    pairs). Rebuilds take turns now."""
    store = tmp_path / "store"
    ingest(COVID, "--store", store)
    expected = tables(store / "search.sqlite3")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for _ in range(4):
        pair = [subprocess.Popen([sys.executable, "-m", "retractkg.cli", "index", "--store", str(store)], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(2)]
        for process in pair:
            _, err = process.communicate(timeout=300)
            assert process.returncode == 0, err.decode()[-1000:]
        assert tables(store / "search.sqlite3") == expected
