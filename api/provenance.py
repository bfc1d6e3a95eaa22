"""Where a resource's statements come from, for its page: the source records (named graphs) its document
was read from, each with the provenance ingest wrote on it ("from Retraction Watch database export record
35394, file rw.csv, ingested 2026-12-06"), and a link to the record where its source publishes it.

The provenance is the graph's own statements (`rkg:sourceFormat`, `rkg:recordKey`, `rkg:sourceFile`,
`prov:wasDerivedFrom`, `prov:generatedAtTime`, `rkg:softwareVersion`); which words name each source is
data (`ontology/source_links.json`).
"""

from __future__ import annotations

from dataclasses import dataclass

from retractkg.api.resources import local_path
from retractkg.config import Settings
from retractkg.ontology import PERIODICAL_GRAPHS, PROV, RKG, SCHEMA, VOCABULARY_GRAPH
from retractkg.ontology.identifiers import source_label
from retractkg.store import GraphStore
from retractkg.store.base import values_lists

# A journal or publisher is restated by every record about its notices: its page names this many.
MAX_LISTED = 20

FIELDS = {RKG + "sourceFormat": "format", RKG + "recordKey": "key", RKG + "sourceFile": "file",
          PROV + "wasDerivedFrom": "derived_from", PROV + "generatedAtTime": "ingested",
          RKG + "softwareVersion": "software"}


@dataclass(frozen=True)
class SourceRecord:
    """One source record as a page shows it."""

    graph: str
    href: str  # this server's page of the graph, its statements and provenance as data
    format: str = ""
    source: str = ""  # the format's name for people
    key: str = ""
    file: str = ""
    derived_from: str = ""
    ingested: str = ""  # xsd:dateTime as stored
    software: str = ""

    @property
    def ingested_on(self) -> str:
        return self.ingested[:10]


# Graphs ingest derives across source records rather than reads from one: what each holds, for people.
DERIVED = {"graph/people/": "who is one person, and why",
           PERIODICAL_GRAPHS: "a journal's or publisher's names and ISSNs"}
# ... and, for a journal's or publisher's description, which one it is (a page often shows both).
DESCRIBED = {SCHEMA + "Periodical": "journal {name}: its names and ISSNs",
             SCHEMA + "Organization": "publisher {name}: its names"}


@dataclass(frozen=True)
class Derived:
    """A graph ingest decided across the source records (identity evidence, a journal's one description)."""

    graph: str
    href: str
    holds: str


@dataclass(frozen=True)
class Provenance:
    records: list[SourceRecord]
    total: int  # source records of the document, of which `records` are the first
    derived: list[Derived]


def derived_kind(graph: str, settings: Settings) -> str:
    """What a derived graph holds, or "" for a source record's graph."""
    return next((holds for path, holds in DERIVED.items() if graph.startswith(settings.base + path)), "")


def provenance(store: GraphStore, graphs: tuple[str, ...], settings: Settings,
               limit: int = MAX_LISTED) -> Provenance:
    """The first `limit` of a description's source records (in IRI order) with their provenance."""
    described = _described(store, [g for g in graphs if g.startswith(settings.base + PERIODICAL_GRAPHS)])
    derived = [Derived(g, local_path(g, settings) or g, described.get(g, holds)) for g in graphs
               if (holds := derived_kind(g, settings))]
    sources = [g for g in graphs if g != VOCABULARY_GRAPH and not derived_kind(g, settings)]
    listed = sources[:limit]
    found: dict[str, dict[str, str]] = {g: {} for g in listed}
    predicates = " ".join(f"<{p}>" for p in FIELDS)
    for values in values_lists(listed):
        query = f"SELECT ?g ?p ?o WHERE {{ VALUES ?g {{ {values} }} VALUES ?p {{ {predicates} }} ?g ?p ?o }}"
        for row in store.query(query):
            found[row["g"].value].setdefault(FIELDS[row["p"].value], row["o"].value)
    records = [SourceRecord(g, local_path(g, settings) or g, source=source_label(fields.get("format", "")), **fields)
               for g, fields in found.items()]
    return Provenance(records, len(sources), derived)


def _described(store: GraphStore, graphs: list[str]) -> dict[str, str]:
    """What each of these journal or publisher description graphs holds, naming the journal or publisher."""
    found: dict[str, str] = {}
    for values in values_lists(graphs):
        for row in store.query(f"SELECT ?g ?type ?name WHERE {{ VALUES ?g {{ {values} }} "
                               f"GRAPH ?g {{ ?x a ?type ; <{SCHEMA}name> ?name }} }}"):
            words = DESCRIBED.get(row["type"].value)
            if words:
                found[row["g"].value] = words.format(name=row["name"].value)
    return found

