"""The change log: one Activity Streams 2.0 activity per stored change, in `{base}graph/changes`.

Each activity says what changed (as:object, the notice), where (as:target, the record's named graph),
when (as:published) and, for a record stored, its content hash. The change feed (`api/feed.py`)
publishes it (read by `ChangeLog`, which the dumps' validators and the search index's state use too);
ingest reads it back to tell which records are stored (`announced_hashes`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from pyoxigraph import Quad, RdfFormat, parse

from retractkg.config import Settings
from retractkg.ontology import AS, RDF, RDFS, RKG, XSD
from retractkg.store import GraphStore
from retractkg.store.base import values_lists, xsd_datetime


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


def announced_any(store: GraphStore, settings: Settings) -> bool:
    """Whether the log announces any record (a store that never took an ingest announces none)."""
    return bool(store.query(f"ASK {{ GRAPH <{changes_graph(settings)}> {{ ?c <{AS}target> ?g }} }}"))


def stored_hashes(store: GraphStore, graphs: Iterable[str]) -> dict[str, str]:
    """The content hash each graph states of itself (`rkg:contentHash`), for graphs outside the change log."""
    found: dict[str, str] = {}
    for values in values_lists(list(graphs)):
        result = store.query(
            f"SELECT ?g ?h WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?g <{RKG}contentHash> ?h }} }}"
        )
        found.update((s["g"].value, s["h"].value) for s in result)
    return found


def replace_changed_graphs(store: GraphStore, graphs: dict[str, list[str]]) -> None:
    """Store graphs that ingest derives across records (people's evidence, a journal's one description), each
    given as its N-Quads lines, with the content hash of those lines stated in the graph itself: only the graphs
    whose hash differs from the one stored are written."""
    hashed: dict[str, tuple[str, bytes]] = {}
    for graph, lines in graphs.items():
        digest = hashlib.sha256("".join(lines).encode()).hexdigest()
        hashed[graph] = (digest, "".join([*lines, f'<{graph}> <{RKG}contentHash> "{digest}" <{graph}> .\n']).encode())
    stored = stored_hashes(store, list(hashed))
    changed = {graph: data for graph, (digest, data) in hashed.items() if stored.get(graph) != digest}
    if changed:
        store.replace_graphs_nquads(changed)


PAGE_SIZE = 100  # changes a page of the feed holds


@dataclass(frozen=True)
class Change:
    iri: str
    kind: str  # Create, Update, Delete
    object: str
    target: str
    published: str
    content_hash: str
    name: str = ""  # the notice's label (rdfs:label), so a reader of the feed sees what changed


class ChangeLog:
    """Reads the change log graph."""

    def __init__(self, store: GraphStore, settings: Settings) -> None:
        self.store = store
        self.graph = changes_graph(settings)

    def newest(self) -> str:
        """When the newest change was published (xsd:dateTime; "" for none): all a Last-Modified needs,
        so the log is not counted as well."""
        return _text(self._aggregate("(MAX(?t) AS ?m)"), "m")

    def extent(self) -> tuple[int, str]:
        """How many changes are logged and when the newest was published, in one query: together they
        tell one state of the log from another even when two batches share a timestamp (the dumps' ETag)."""
        row = self._aggregate("(COUNT(?c) AS ?n) (MAX(?t) AS ?m)")
        return int(row["n"].value), _text(row, "m")

    def _aggregate(self, projection: str):
        """The one row of these aggregates over the changes' publication times."""
        return next(iter(self.store.query(f"SELECT {projection} WHERE {{ GRAPH <{self.graph}> "
                                          f"{{ ?c <{AS}published> ?t }} }}")))

    def page(self, number: int, size: int = PAGE_SIZE, *, newest_first: bool = False) -> list[Change]:
        """Page `number` (from 1) of the log, oldest first (the feed) or newest first (the recent-changes page),
        in the order of `ORDER BY ?published ?c`. The store is not asked to sort: it sorts the whole log for
        every page (10 s, past the endpoint's limit, for the 123,000 changes of the shared data). Changes are
        counted per publication time (one an ingest batch), and only the batches the page reaches are read."""
        skip, chosen = (number - 1) * size, []
        for literals, count in self._batches(newest_first):
            if skip >= count:
                skip -= count
                continue
            values = " ".join(literals)
            changes = sorted((s["c"].value for s in self.store.query(
                f"SELECT ?c WHERE {{ GRAPH <{self.graph}> {{ VALUES ?t {{ {values} }} ?c <{AS}published> ?t }} }}")),
                reverse=newest_first)
            chosen += changes[skip:skip + size - len(chosen)]
            skip = 0
            if len(chosen) == size:
                break
        return self._described(chosen)

    def _batches(self, newest_first: bool) -> list[tuple[list[str], int]]:
        """The log's publication times in order, each with how many changes it holds (the N-Triples of the
        times: one instant may be written more than one way)."""
        counts: dict[datetime, tuple[list[str], int]] = {}
        for s in self.store.query(f"SELECT ?t (COUNT(?c) AS ?n) WHERE {{ GRAPH <{self.graph}> "
                                  f"{{ ?c <{AS}published> ?t }} }} GROUP BY ?t"):
            moment = xsd_datetime(s["t"].value)
            literals, count = counts.get(moment, ([], 0))
            counts[moment] = ([*literals, f'"{s["t"].value}"^^<{XSD}dateTime>'], count + int(s["n"].value))
        return [counts[moment] for moment in sorted(counts, reverse=newest_first)]

    def _described(self, iris: list[str]) -> list[Change]:
        """The changes `iris`, in that order, with their notices' labels. (VALUES inside the GRAPH block: outside
        it, the store matched the whole log before joining, 2 s for 50 changes of 123,000.)"""
        found: dict[str, Change] = {}
        for values in values_lists(iris):
            for s in self.store.query(f"""
                SELECT ?c ?type ?object ?target ?published ?hash WHERE {{ GRAPH <{self.graph}> {{
                  VALUES ?c {{ {values} }} ?c <{AS}published> ?published ; <{RDF}type> ?type .
                  OPTIONAL {{ ?c <{AS}object> ?object }} OPTIONAL {{ ?c <{AS}target> ?target }}
                  OPTIONAL {{ ?c <{RKG}contentHash> ?hash }} }} }}"""):
                found[_text(s, "c")] = Change(_text(s, "c"), _text(s, "type").removeprefix(AS), _text(s, "object"),
                                              _text(s, "target"), _text(s, "published"), _text(s, "hash"))
        changes = [found[iri] for iri in iris if iri in found]
        names = self._labels([c.object for c in changes if c.object])
        return [replace(c, name=names.get(c.object, "")) for c in changes]

    def _labels(self, iris: list[str]) -> dict[str, str]:
        """The label of each notice (one of them where sources give several), read outside the log."""
        found: dict[str, str] = {}
        for values in values_lists(list(dict.fromkeys(iris))):
            for s in self.store.query(f"SELECT ?x (MIN(?l) AS ?label) WHERE {{ VALUES ?x {{ {values} }} "
                                      f"?x <{RDFS}label> ?l }} GROUP BY ?x"):
                found[s["x"].value] = _text(s, "label")
        return found


def _text(solution, name: str) -> str:
    """The value bound to `name`, or "" when unbound."""
    value = solution[name]
    return value.value if value is not None else ""
