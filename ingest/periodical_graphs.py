"""Each journal's and publisher's description, stated once in a graph of its own (`{base}graph/periodical/{hash}`)
rather than again in every record graph that names it.

A record graph keeps its links (`schema:isPartOf`, `schema:publisher`, the analytic shortcuts); what it wrote as
the journal's or publisher's name is one of the description's `schema:name`/`schema:alternateName`s. So a name
is one quad however many records name the journal (PLoS One's was restated in some 5,000 graphs).

The description is what the run's records say (noted while they are mapped, `Descriptions.journal`/`publisher`)
joined with what the stored description says (`write_descriptions`): the name `Periodicals` decides, every
spelling met, every ISSN, every publisher, an imprint's parent (`schema:parentOrganization`). It is written only
when it changed (its `rkg:contentHash`), after the records, so a run killed before it leaves records whose next run
writes it; a description no record links any more (its records withdrawn, its journal re-keyed) is removed
(`remove_unlinked`), but for an imprint's parent that a linked imprint's description names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from retractkg.ingest.iris import Minter
from retractkg.ingest.ntriples import escape
from retractkg.ontology import PERIODICAL_GRAPHS, PROV, RDF, RKG, SCHEMA, VOCAB
from retractkg.store import GraphStore
from retractkg.store.base import values_lists
from retractkg.store.change_log import replace_changed_graphs
from retractkg.store.run_statements import RunStatements

ISSN_PORTAL = "https://portal.issn.org/resource/ISSN/"
SOFTWARE_IRI = VOCAB + "software/retractkg"  # what made a graph (`prov:wasAttributedTo`)
_KINDS = {"journal": SCHEMA + "Periodical", "publisher": SCHEMA + "Organization"}


@dataclass
class Description:
    kind: str  # "journal" or "publisher"
    name: str = ""  # the `schema:name` decided (`retractkg.ingest.periodicals`)
    spellings: set[str] = field(default_factory=set)  # as records wrote it
    issns: set[str] = field(default_factory=set)
    publishers: set[str] = field(default_factory=set)  # IRIs of a journal's publishers
    parents: set[str] = field(default_factory=set)  # IRIs of an imprint's parent publishers


class Descriptions:
    """The journals and publishers a run's records name, as they name them."""

    def __init__(self, base: str) -> None:
        self.prefix = base + PERIODICAL_GRAPHS
        self._minter = Minter(base)
        self.found: dict[str, Description] = {}

    def graph(self, iri: str) -> str:
        return self._minter.graph(PERIODICAL_GRAPHS.split("/")[1], iri)  # under `prefix`, as every graph is minted

    def journal(self, iri: str, name: str, written: str, issns: list[str], publisher: str) -> None:
        found = self._note(iri, "journal", name, written)
        found.issns.update(issns)
        if publisher:
            found.publishers.add(publisher)

    def publisher(self, iri: str, name: str, written: str, parent: str = "") -> None:
        found = self._note(iri, "publisher", name, written)
        if parent and parent != iri:
            found.parents.add(parent)

    def _note(self, iri: str, kind: str, name: str, written: str) -> Description:
        found = self.found.get(iri)
        if found is None:
            found = self.found[iri] = Description(kind)
        found.name = found.name or name
        if written:
            found.spellings.add(written)
        return found

    def nquads(self, iri: str, description: Description, graph: str) -> list[str]:
        """The description's lines in `graph`, sorted, without its content hash."""
        s, g = f"<{iri}>", f" <{graph}> .\n"
        lines = {f"{s} <{RDF}type> <{_KINDS[description.kind]}>{g}"}
        name = description.name or min(description.spellings, default="")
        if name:
            lines.add(f'{s} <{SCHEMA}name> "{escape(name)}"{g}')
        lines.update(f'{s} <{SCHEMA}alternateName> "{escape(other)}"{g}' for other in description.spellings - {name})
        for number in description.issns:
            lines.add(f'{s} <{SCHEMA}issn> "{escape(number)}"{g}')
            lines.add(f"{s} <{SCHEMA}sameAs> <{ISSN_PORTAL}{number}>{g}")
        lines.update(f"{s} <{SCHEMA}publisher> <{publisher}>{g}" for publisher in description.publishers)
        lines.update(f"{s} <{SCHEMA}parentOrganization> <{parent}>{g}" for parent in description.parents)
        lines.add(f"<{graph}> <{PROV}wasAttributedTo> <{SOFTWARE_IRI}>{g}")
        return sorted(lines)


def stored_descriptions(store: GraphStore, descriptions: Descriptions, iris: list[str]) -> dict[str, Description]:
    """What the store's description graphs of these journals and publishers say."""
    graphs = {descriptions.graph(iri): iri for iri in iris}
    found: dict[str, Description] = {}
    for chunk in values_lists(sorted(graphs)):
        for s in store.query(f"SELECT ?g ?p ?o WHERE {{ VALUES ?g {{ {chunk} }} GRAPH ?g {{ ?x ?p ?o }} "
                             f"FILTER(?x != ?g) }}"):
            iri, predicate, value = graphs[s["g"].value], s["p"].value, s["o"].value
            described = found.setdefault(iri, Description(""))
            if predicate == RDF + "type":
                described.kind = next((k for k, cls in _KINDS.items() if cls == value), described.kind)
            elif predicate == SCHEMA + "name":
                described.name = value
                described.spellings.add(value)
            elif predicate == SCHEMA + "alternateName":
                described.spellings.add(value)
            elif predicate == SCHEMA + "issn":
                described.issns.add(value)
            elif predicate == SCHEMA + "publisher":
                described.publishers.add(value)
            elif predicate == SCHEMA + "parentOrganization":
                described.parents.add(value)
    return found


def write_descriptions(store: GraphStore, descriptions: Descriptions, run: RunStatements | None = None, *,
                       chunk: int = 2000) -> None:
    """Store the description of every journal and publisher the run's records name, joined with the stored
    one, where it changed; `chunk` at a time. `run` notes what they state (`RunStatements`)."""
    iris = sorted(descriptions.found)
    for start in range(0, len(iris), chunk):
        part = iris[start:start + chunk]
        stored = stored_descriptions(store, descriptions, part)
        graphs: dict[str, list[str]] = {}
        for iri in part:
            described = descriptions.found[iri]
            before = stored.get(iri)
            if before is not None:
                described.spellings |= before.spellings
                described.issns |= before.issns
                described.publishers |= before.publishers
                described.parents |= before.parents
            graph = descriptions.graph(iri)
            graphs[graph] = descriptions.nquads(iri, described, graph)
            if run is not None:
                run.record_nquads(graph, graphs[graph])
        replace_changed_graphs(store, graphs)


def remove_unlinked(store: GraphStore, descriptions: Descriptions) -> list[str]:
    """Remove the description graphs of journals and publishers that no record graph links any more (their
    records withdrawn, or their journal now under another IRI); the graphs removed."""
    # The description graphs first (one statement each), then what each describes: asked in one pattern, the
    # store joined every graph's rdf:type statements (10 s of the full-size ingest, its tables not compacted yet).
    description_graphs = [s["g"].value for s in store.query(
        f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g <{RKG}contentHash> ?h }} "
        f'FILTER(STRSTARTS(STR(?g), "{descriptions.prefix}")) }}')]
    described: dict[str, set[str]] = defaultdict(set)
    for chunk in values_lists(description_graphs):
        for s in store.query(f"SELECT ?g ?x WHERE {{ VALUES ?g {{ {chunk} }} GRAPH ?g {{ ?x a ?type }} }}"):
            described[s["x"].value].add(s["g"].value)
    if not described:
        return []
    linked: set[str] = set()
    for chunk in values_lists(sorted(described)):
        # Whether one link exists, not every link: PLoS One's are some 10,000.
        linked.update(s["x"].value for s in store.query(
            f"SELECT ?x WHERE {{ VALUES ?x {{ {chunk} }} FILTER EXISTS {{ GRAPH ?g {{ ?y ?link ?x }} "
            f"FILTER(?link IN (<{SCHEMA}isPartOf>, <{SCHEMA}publisher>, <{RKG}articleJournal>, "
            f'<{RKG}articlePublisher>) && !STRSTARTS(STR(?g), "{descriptions.prefix}")) }} }}'))
    # An imprint's parent is linked by the imprint's description (few: read them all).
    linked.update(s["p"].value for s in store.query(
        f"SELECT ?x ?p WHERE {{ GRAPH ?g {{ ?x <{SCHEMA}parentOrganization> ?p }} "
        f'FILTER(STRSTARTS(STR(?g), "{descriptions.prefix}")) }}') if s["x"].value in linked)
    gone = sorted(graph for iri, graphs in described.items() if iri not in linked for graph in graphs)
    if gone:
        store.remove_graphs(gone)
    return gone
