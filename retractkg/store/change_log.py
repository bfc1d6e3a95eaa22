"""The change log: one Activity Streams 2.0 activity per stored change, in `{base}graph/changes`.

Each activity says what changed (as:object, the notice), where (as:target, the record's named graph),
when (as:published) and, for a record stored, its content hash. The change feed (`api/feed.py`)
publishes it; ingest reads it back to tell which records are stored (`announced_hashes`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Protocol

from pyoxigraph import Quad, RdfFormat, parse

from retractkg.config import Settings
from retractkg.ontology import AS, RDF, RKG, XSD
from retractkg.store import GraphStore
from retractkg.store.base import values_lists


class Announced(Protocol):
    """What the log says of a stored record (ingest's `MappedRecord` is one); the store needs no more."""

    graph: str
    notice: str
    content_hash: str


def changes_graph(settings: Settings) -> str:
    return settings.base + "graph/changes"


def change_nquads(settings: Settings, kind: str, graph: str, notice: str, content_hash: str,
                  when: datetime) -> str:
    """One activity as N-Quads: what changed (the notice), in which graph, when.

    Its two literals, an ISO timestamp and a hex digest, hold nothing N-Quads must escape."""
    stamp = when.isoformat(timespec="microseconds")
    change = f"<{settings.base}change/{hashlib.sha1((stamp + graph).encode()).hexdigest()[:20]}>"
    log = f"<{changes_graph(settings)}> .\n"
    lines = [f"{change} <{RDF}type> <{AS}{kind}> {log}",
             f"{change} <{AS}object> <{notice}> {log}",
             f"{change} <{AS}target> <{graph}> {log}",
             f'{change} <{AS}published> "{stamp}"^^<{XSD}dateTime> {log}']
    if content_hash:
        lines.append(f'{change} <{RKG}contentHash> "{content_hash}" {log}')
    return "".join(lines)


def change_log(settings: Settings, kind: str, records: Mapping[str, Announced], when: datetime) -> bytes:
    """The activities of these records ({graph: record}), as N-Quads."""
    return "".join(change_nquads(settings, kind, graph, mapped.notice, mapped.content_hash, when)
                   for graph, mapped in records.items()).encode()


def change_quads(settings: Settings, kind: str, mapped: Announced, when: datetime) -> list[Quad]:
    """The activity of one record, as quads."""
    return list(parse(change_log(settings, kind, {mapped.graph: mapped}, when), RdfFormat.N_QUADS))


def announced_hashes(store: GraphStore, settings: Settings, graphs: Iterable[str]) -> dict[str, str]:
    """The content hash that the log last announced for each graph (none once withdrawn).

    What is announced, not what a graph holds, tells that a record is stored: a run killed between
    storing records and announcing them leaves records that the next run stores and announces again.
    """
    latest: dict[str, tuple[datetime, str]] = {}  # graph -> (published, content hash)
    for values in values_lists(list(graphs)):
        result = store.query(f"""SELECT ?g ?t ?h WHERE {{ VALUES ?g {{ {values} }}
            GRAPH <{changes_graph(settings)}> {{ ?c <{AS}target> ?g ; <{AS}published> ?t .
                OPTIONAL {{ ?c <{RKG}contentHash> ?h }} }} }}""")
        for s in result:
            # The store gives xsd:dateTime in its canonical form ("...30.68046Z"): compared as text, a stamp
            # with fewer digits could sort after a later one.
            graph, published = s["g"].value, datetime.fromisoformat(s["t"].value)
            if graph not in latest or published > latest[graph][0]:
                latest[graph] = (published, s["h"].value if s["h"] is not None else "")
    return {graph: content_hash for graph, (_, content_hash) in latest.items() if content_hash}


def stored_hashes(store: GraphStore, graphs: Iterable[str]) -> dict[str, str]:
    """The content hash each graph states of itself (`rkg:contentHash`), for graphs outside the change log."""
    found: dict[str, str] = {}
    for values in values_lists(list(graphs)):
        result = store.query(
            f"SELECT ?g ?h WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?g <{RKG}contentHash> ?h }} }}"
        )
        found.update((s["g"].value, s["h"].value) for s in result)
    return found
