"""Describe one resource: the triples a reader of its document needs, gathered along fixed paths.

A description is not a bare CBD: a notice's document also carries the article it concerns, the
article's authors (with their authorship positions), the authors' affiliations and addresses, the
journal/volume/issue chain, the publisher, the reason assignments with their evidence quotes, and
the labels of every concept it points to (reasons, nature, roles, stances). Each kind of resource
has its own reach (`REACH`, evaluated by `GraphStore.reach`). Each path is followed inside the
named graphs that state it: a document merges what every source record says along those paths (two
sources of one notice both count), but a shared node such as a journal or a publisher, restated by
thousands of records, is read from the records about this resource only; its own document merges
them all.

Vocabulary resources (concepts, schemes) are described from the vocabulary files themselves, so
they dereference even in an empty store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, parse

from retractkg.jsonld import canonical_doubles
from retractkg.ontology import (
    CITO,
    DCT,
    OA,
    ONTOLOGY_FILE,
    ONTOLOGY_IRI,
    PERIODICAL_GRAPHS,
    PROV,
    RDF,
    RDFS,
    RKG,
    SCHEMA,
    SKOS,
    VOCAB,
    VOCABULARY_FILES,
    VOCABULARY_GRAPH,
)
from retractkg.store import GraphStore, OxigraphStore
from retractkg.store.base import values_lists, xsd_datetime
from retractkg.store.reach import FRAGMENTS, SELF, Hops, along

VOCABULARY_KINDS = frozenset({"reason", "nature", "role", "stance", "scheme"})

# Each kind of resource: the paths from it to the nodes whose quads its document holds (see
# `retractkg.store.reach`). Containers are at most three deep (issue, volume, journal).
IS_PART_OF, AUTHOR, AFFILIATION, ADDRESS, PUBLISHER, INSTITUTION = (
    SCHEMA + name for name in ("isPartOf", "author", "affiliation", "address", "publisher", "sourceOrganization"))
UP = ((IS_PART_OF,), (IS_PART_OF, IS_PART_OF), (IS_PART_OF, IS_PART_OF, IS_PART_OF))
_NOTICE_PATHS = [
    SELF,
    along(RKG + "reasonAssignment"),
    along(RKG + "reasonAssignment", OA + "hasTarget"),
    along(RKG + "reasonAssignment", OA + "hasTarget", OA + "hasSelector"),
    along(RKG + "authorStance"),
    along(RKG + "authorStance", RKG + "evidence"),
    along(RKG + "authorStance", RKG + "evidence", OA + "hasSelector"),
    along(CITO + "updates"),
    along(CITO + "updates", RKG + "authorship"),
    along(CITO + "updates", INSTITUTION),  # institutions a source names without saying whose
    along(CITO + "updates", INSTITUTION, ADDRESS),
    *(along(*via, AUTHOR, *tail) for via in ((), (CITO + "updates",))
      for tail in ((), (AFFILIATION,), (AFFILIATION, ADDRESS))),
    along(IS_PART_OF),
    along(PUBLISHER),
    along(IS_PART_OF, PUBLISHER),
    *(along(CITO + "updates", *up) for up in UP),
    *(along(CITO + "updates", *up, PUBLISHER) for up in UP),
]
_ARTICLE_PATHS = [
    SELF,
    along(RKG + "authorship"),
    along(AUTHOR),
    along(AUTHOR, AFFILIATION),
    along(AUTHOR, AFFILIATION, ADDRESS),
    along(INSTITUTION),
    along(INSTITUTION, ADDRESS),
    *(along(*up) for up in UP),
    *(along(*up, PUBLISHER) for up in UP),
    along(CITO + "isUpdatedBy"),
    along(SCHEMA + "hasPart"),  # the works a DOI that several share stands for (their titles, for its page)
]
_PERSON_PATHS = [
    SELF,
    along(RKG + "identityEvidence"),  # why its mentions are one person
    along(AFFILIATION),
    along(AFFILIATION, ADDRESS),
    along("^" + RKG + "agent"),
    along("^" + AUTHOR),
    along("^" + AUTHOR, CITO + "isUpdatedBy"),
]
_ORGANIZATION_PATHS = [
    SELF,
    along(ADDRESS),
    along("^" + AFFILIATION),
    along("^" + AFFILIATION, "^" + AUTHOR),
    along("^" + INSTITUTION),
]
_JOURNAL_PATHS = [
    SELF,
    along(PUBLISHER),
    *(along(*up) for up in UP[:2]),
    *(along(*up, PUBLISHER) for up in UP[:2]),
    along("^" + IS_PART_OF, types=(SCHEMA + "PublicationVolume", SCHEMA + "PublicationIssue")),
]
# Links to a journal or publisher, whose description is in a graph of its own (`_described_once`).
SHARED_NODE_LINKS = frozenset({IS_PART_OF, PUBLISHER, RKG + "articleJournal", RKG + "articlePublisher",
                               SCHEMA + "parentOrganization"})
# The type, label, scheme and notation of a concept a document cites.
CONCEPT_LABELS = (RDF + "type", SKOS + "prefLabel", SKOS + "inScheme", SKOS + "notation")
# From a concept or scheme, the concepts and schemes of which only the labels are included.
LABELS = (*CONCEPT_LABELS, DCT + "title", RDFS + "label")
_CONCEPT_PATHS = [SELF, *(along(SKOS + p, only=LABELS)
                          for p in ("inScheme", "topConceptOf", "broader", "narrower", "related"))]
_SCHEME_PATHS = [SELF, along(SKOS + "hasTopConcept", only=LABELS), along("^" + SKOS + "inScheme", only=LABELS)]

REACH: dict[str, list[Hops]] = {
    "notice": _NOTICE_PATHS,
    "article": _ARTICLE_PATHS,
    "person": _PERSON_PATHS,
    "org": _ORGANIZATION_PATHS,
    "journal": _JOURNAL_PATHS,
    "concept": _CONCEPT_PATHS,
    "scheme": _SCHEME_PATHS,
    "other": [SELF, FRAGMENTS],  # any other resource: its own quads and those of its hash IRIs
}


@dataclass(frozen=True)
class Description:
    """The triples of one resource's document, when its sources last changed, and the named graphs (source
    records) they were read from, in IRI order (for the provenance a page shows)."""

    iri: str
    kind: str
    triples: list[Triple]
    last_modified: datetime | None
    graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resolved:
    """A request path mapped to the IRI it names."""

    iri: str
    kind: str
    vocabulary: bool


class Describer:
    """Gathers documents from the data store, and from the vocabulary files."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def describe(self, resolved: Resolved) -> Description | None:
        source = vocabulary_store() if resolved.vocabulary else self.store
        quads = source.reach(resolved.iri, REACH.get(resolved.kind, REACH["other"]))
        if not resolved.vocabulary:
            quads = list(dict.fromkeys([*quads, *self._described_once(resolved.iri, quads)]))
        root = NamedNode(resolved.iri)
        if not any(q.subject == root for q in quads):
            return None
        return self._description(resolved, quads)

    def _described_once(self, root: str, quads: list[Quad]) -> list[Quad]:
        """The descriptions of the journals and publishers the document links (and of the root, if it is one):
        stated once, in graphs of their own, not in the records the paths are followed in."""
        nodes = {root} | _linked(quads)
        found: list[Quad] = []
        for _ in range(2):  # and of those the descriptions link: a journal's publisher, an imprint's parent
            for values in values_lists(sorted(nodes)):
                found += [Quad(s["s"], s["p"], s["o"], s["g"]) for s in self.store.query(
                    f"SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} "
                    f'FILTER(CONTAINS(STR(?g), "{PERIODICAL_GRAPHS}")) }}')]
            seen = {q.subject.value for q in found} | nodes
            nodes = _linked(found) - seen
            if not nodes:
                break
        return found

    def describe_graph(self, iri: str) -> Description | None:
        """A named graph is a document: its statements, which include its own provenance."""
        quads = list(self.store.quads(iri))
        return self._description(Resolved(iri, "graph", False), quads) if quads else None

    def _description(self, resolved: Resolved, quads: list[Quad]) -> Description:
        # A graph is a set (sources may repeat a statement); doubles in the one form JSON-LD reads back.
        triples = canonical_doubles(dict.fromkeys(q.triple for q in quads))
        if resolved.vocabulary:
            return Description(resolved.iri, resolved.kind, triples, vocabulary_modified())
        triples += concept_labels(t.object for t in triples)
        graphs = sorted({q.graph_name.value for q in quads if isinstance(q.graph_name, NamedNode)})
        return Description(resolved.iri, resolved.kind, triples, self._last_modified(graphs), tuple(graphs))

    def _last_modified(self, graphs: list[str]) -> datetime | None:
        """When the newest of these source records was (re)ingested."""
        times = []
        for values in values_lists(graphs):
            query = f"SELECT (MAX(?t) AS ?m) WHERE {{ VALUES ?g {{ {values} }} ?g <{PROV}generatedAtTime> ?t }}"
            # Compared as datetimes: the store writes xsd:dateTime canonically, with as few digits as it can.
            times += [xsd_datetime(s["m"].value) for s in self.store.query(query) if s["m"] is not None]
        return max(times, default=None)


@cache
def vocabulary_store() -> OxigraphStore:
    """The ontology and concept schemes, in memory, read once from the files that define them."""
    store = OxigraphStore()
    graph = NamedNode(VOCABULARY_GRAPH)
    for path in VOCABULARY_FILES:
        store.oxigraph.extend(Quad(t.subject, t.predicate, t.object, graph)
                              for t in parse(path=str(path), format=RdfFormat.TURTLE))
    return store


@cache
def vocabulary_modified() -> datetime:
    stamp = max(path.stat().st_mtime for path in VOCABULARY_FILES)
    return datetime.fromtimestamp(int(stamp), UTC)


@cache
def ontology_description() -> Description:
    """The whole ontology file: its document is the ontology, every term with its labels and axioms."""
    triples = list(parse(path=str(ONTOLOGY_FILE), format=RdfFormat.TURTLE))
    modified = datetime.fromtimestamp(int(ONTOLOGY_FILE.stat().st_mtime), UTC)
    return Description(ONTOLOGY_IRI, "ontology", [Triple(t.subject, t.predicate, t.object) for t in triples],
                       modified)


def software_description() -> Description:
    """The software that every source record is attributed to (prov:wasAttributedTo)."""
    from retractkg import __version__

    software = NamedNode(VOCAB + "software/retractkg")
    facts = [(RDF + "type", NamedNode(SCHEMA + "SoftwareApplication")), (RDF + "type", NamedNode(PROV + "Agent")),
             (SCHEMA + "name", Literal("retractkg")), (SCHEMA + "softwareVersion", Literal(__version__)),
             (SCHEMA + "license", NamedNode("https://www.apache.org/licenses/LICENSE-2.0"))]
    return Description(software.value, "other", [Triple(software, NamedNode(p), o) for p, o in facts],
                       vocabulary_modified())


def concept_labels(objects) -> list[Triple]:
    """Labels, types and scheme of the vocabulary concepts among `objects`, from the vocabulary files:
    they never change while serving, so documents do not look them up in the store."""
    found: list[Triple] = []
    for concept in dict.fromkeys(o for o in objects if isinstance(o, NamedNode)
                                 and o.value.startswith(VOCAB + "id/")):
        found += _labels_of(concept.value)
    return found


@cache
def _labels_of(iri: str) -> tuple[Triple, ...]:
    if iri.split("/")[-2] not in VOCABULARY_KINDS:
        return ()
    return tuple(q.triple for q in vocabulary_store().reach(iri, [Hops(only=CONCEPT_LABELS)]))  # one graph: each once


def _linked(quads: list[Quad]) -> set[str]:
    """The journals and publishers these statements link."""
    return {q.object.value for q in quads if q.predicate.value in SHARED_NODE_LINKS and isinstance(q.object, NamedNode)}
