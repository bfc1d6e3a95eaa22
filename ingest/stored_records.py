"""Which stored records (graphs, by the source file they were read from) state something of given resources:
what a run reads again when what it learnt re-keys resources that earlier runs stored."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from retractkg.ontology import RKG
from retractkg.store import GraphStore
from retractkg.store.base import values_lists


def records_stating(store: GraphStore, iris: Iterable[str], statement: str) -> dict[str, set[str]]:
    """{source file: graphs} of the stored records whose graph holds `statement` (a triple pattern of `?x`)
    for one of `iris`."""
    found: dict[str, set[str]] = defaultdict(set)
    for chunk in values_lists(sorted(iris)):
        for s in store.query(f"SELECT DISTINCT ?g ?source WHERE {{ VALUES ?x {{ {chunk} }} "
                             f"GRAPH ?g {{ {statement} }} ?g <{RKG}sourceFile> ?source }}"):
            found[s["source"].value].add(s["g"].value)
    return dict(found)
