"""The VoID counts of the whole graph, kept in the search index's file beside the notice statistics.

Triples, entities per class, triples per property and named graphs: over the full-size graph these take
about 4 s of CPU (two scans), too long for a request and stale within a fixed refresh interval. Written by
every rebuild of the index (`retractkg.store.text_index.rebuild`), which each changing ingest and the app
(`KeptIndex`) run when the store's state moves, they are right after every ingest, and
`/.well-known/void` reads a few rows.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from pyoxigraph import NamedNode

from retractkg.ontology import FABIO
from retractkg.store.base import GraphStore

SCHEMA_SQL = """
CREATE TABLE void_class (class TEXT PRIMARY KEY, entities INTEGER NOT NULL);
CREATE TABLE void_property (property TEXT PRIMARY KEY, triples INTEGER NOT NULL);
CREATE TABLE void_dataset (graphs INTEGER NOT NULL, example TEXT);
"""


@dataclass(frozen=True)
class GraphStatistics:
    triples: int
    classes: list[tuple[str, int]]  # (class IRI, distinct subjects), by IRI
    properties: list[tuple[str, int]]  # (property IRI, triples), by IRI
    graphs: int
    example: str | None  # a retraction notice, for void:exampleResource


def _int(solution, name: str) -> int:
    value = solution[name]
    return int(value.value) if value is not None else 0


def compute(store: GraphStore) -> GraphStatistics:
    """The counts over the union of the graphs, as SPARQL gives them (the triples are the sum over properties:
    one scan fewer)."""
    graphs = next(iter(store.query("SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { } }")))
    classes = store.query("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c")
    properties = [(s["p"].value, _int(s, "n")) for s in
                  store.query("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p")]
    example = list(store.query(f"SELECT ?n WHERE {{ ?n a <{FABIO}RetractionNotice> }} LIMIT 1"))
    return GraphStatistics(
        triples=sum(n for _, n in properties), graphs=_int(graphs, "n"),
        classes=[(s["c"].value, _int(s, "n")) for s in classes if isinstance(s["c"], NamedNode)],
        properties=properties, example=example[0]["n"].value if example else None,
    )


def write(connection: sqlite3.Connection, statistics: GraphStatistics) -> None:
    connection.executescript(SCHEMA_SQL)
    connection.executemany("INSERT INTO void_class VALUES (?, ?)", statistics.classes)
    connection.executemany("INSERT INTO void_property VALUES (?, ?)", statistics.properties)
    connection.execute("INSERT INTO void_dataset VALUES (?, ?)", (statistics.graphs, statistics.example))


def read(connection: sqlite3.Connection) -> GraphStatistics:
    classes = list(connection.execute("SELECT class, entities FROM void_class ORDER BY class"))
    properties = list(connection.execute("SELECT property, triples FROM void_property ORDER BY property"))
    graphs, example = connection.execute("SELECT graphs, example FROM void_dataset").fetchone()
    return GraphStatistics(sum(n for _, n in properties), classes, properties, graphs, example)
