"""Issue 11, the search index without the store's scans: an ingest into an empty store builds the index from the
statements the run wrote (`retractkg.store.run_statements`), and that index is what `retractkg index` builds from
the same store, table by table, on the real shared Retraction Watch, JATS and notice folders, in both orders; the
next run, into a store that holds records, rebuilds it from the store, again as `retractkg index` does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_issue_16_index_kept import TABLES, tables

from retractkg.cli import main

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
RETRACTION_WATCH = SHARED / "retraction-watch"
NOTICES = [SHARED / "jats", SHARED / "notices"]
pytestmark = pytest.mark.skipif(not RETRACTION_WATCH.exists(), reason="../shared is not beside the checkout")


def ingest_and_compare(store: Path, paths: list[Path], capsys: pytest.CaptureFixture[str]) -> tuple[str, dict]:
    """Ingest (not quiet: the CLI says how it builds the index), then the index it kept against `retractkg index`
    run afresh on the same store; the CLI's word on the index, and the tables."""
    capsys.readouterr()
    main(["ingest", "--store", str(store), *map(str, paths)])  # errors of some shared records: exit status 1
    said = next(line for line in capsys.readouterr().err.splitlines() if "search index" in line)
    index = store / "search.sqlite3"
    kept = tables(index)
    assert kept["notice"] and kept["docs"] and kept["notice_term"] and kept["words"]
    index.unlink()
    assert main(["index", "--store", str(store)]) == 0
    rebuilt = tables(index)
    for name in TABLES:
        assert kept[name] == rebuilt[name], name
    return said, kept


@pytest.mark.parametrize("first, second", [([RETRACTION_WATCH], NOTICES), (NOTICES, [RETRACTION_WATCH])],
                         ids=["retraction-watch-first", "notices-first"])
def test_a_first_run_builds_the_index_from_its_statements_and_the_next_from_the_store(tmp_path, capsys, first,
                                                                                      second):
    store = tmp_path / "store"
    said, alone = ingest_and_compare(store, first, capsys)
    assert said == "... building the search index from the run"
    said, both = ingest_and_compare(store, second, capsys)
    assert said == "... rebuilding the search index"
    assert len(both["notice"]) > len(alone["notice"])
