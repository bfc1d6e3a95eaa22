"""The identity pre-pass runs without the cycle collector (`retractkg/collector.py`) and leaves it as it found it.

Through the Python API on the shared Retraction Watch COVID-19 export (real rows).
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from retractkg.config import Settings
from retractkg.ingest.mapping import RecordMapper
from retractkg.ingest.pipeline import ingest, people_of, source_names
from retractkg.store import OxigraphStore

RW = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "retraction-watch" / \
    "rw_covid19_subset_dev_rawformat.csv"
pytestmark = pytest.mark.skipif(not RW.exists(), reason="../shared is not present")


def test_ingest_leaves_the_cycle_collector_on_or_off_as_it_was():
    assert gc.isenabled()
    report = ingest(OxigraphStore(), [RW], Settings())
    assert not report.errors and report.added
    assert gc.isenabled()
    gc.disable()
    try:
        ingest(OxigraphStore(), [RW], Settings())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_prepass_collects_no_cycles_and_joins_as_with_the_collector_on():
    """No collection runs while it builds its indexes (its many allocations would trigger some), and the people it
    joins, with their evidence and articles, are those it joins with the collector on."""
    collections: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    mapper = RecordMapper(Settings().base)
    gc.callbacks.append(count)
    try:
        people = people_of([RW], None, source_names([RW]), mapper)
    finally:
        gc.callbacks.remove(count)
    assert collections == []
    assert people.evidence  # the export joins some people across its articles

    collected = RecordMapper(Settings().base)
    forced = people_of.__wrapped__([RW], None, source_names([RW]), collected)  # the collector left on
    assert forced.evidence == people.evidence
