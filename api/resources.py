"""Describe one resource: the triples a reader of its document needs, gathered by one CONSTRUCT.

A description is not a bare CBD: a notice's document also carries the article it concerns, the
article's authors (with their authorship positions), the authors' affiliations and addresses, the
journal/volume/issue chain, the publisher, the reason assignments with their evidence quotes, and
the labels of every concept it points to (reasons, nature, roles, stances). Each kind of resource
has its own reach (`REACH`). Each path is followed inside the named graphs that state it: a
document merges what every source record says along those paths (two sources of one notice both
count), but a shared node such as a journal or a publisher, restated by thousands of records, is read
from the records about this resource only; its own document merges them all.

Vocabulary resources (concepts, schemes) are described from the vocabulary files themselves, so
they dereference even in an empty store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from pyoxigraph import Literal, NamedNode, Quad, QueryTriples, RdfFormat, Store, Triple, parse

from retractkg.api.caching import xsd_datetime
from retractkg.config import Settings
from retractkg.ontology import (
    CITO,
    DCT,
    OA,
    ONTOLOGY_FILE,
    ONTOLOGY_IRI,
    PROV,
    RDF,
    RDFS,
    RKG,
    SCHEMA,
    SKOS,
    VOCAB,
    VOCABULARY_FILES,
)
from retractkg.store import GraphStore

VOCABULARY_KINDS = frozenset({"reason", "nature", "role", "stance", "scheme"})

PREFIXES = (
    f"PREFIX rdf: <{RDF}> PREFIX schema: <{SCHEMA}> PREFIX cito: <{CITO}> PREFIX rkg: <{RKG}> "
    f"PREFIX oa: <{OA}> PREFIX skos: <{SKOS}> PREFIX prov: <{PROV}> PREFIX dct: <{DCT}> PREFIX rdfs: <{RDFS}> "
)

# Each kind of resource: the paths from it to the nodes whose triples are all included. Every path
# is its own UNION branch with the `?s ?p ?o` lookup inside it, so each branch is evaluated from the
# bound IRI through the indexes (a shared `?s ?p ?o` after the UNION makes Oxigraph scan the store).
# Containers are at most three deep (issue, volume, journal): fixed-length paths, since Oxigraph
# evaluates `schema:isPartOf+` far more slowly than the same hops spelled out.
SELF = "BIND(?root AS ?s)"
UP = ("schema:isPartOf", "schema:isPartOf/schema:isPartOf", "schema:isPartOf/schema:isPartOf/schema:isPartOf")
_NOTICE_NODES = [
    SELF,
    "?root rkg:reasonAssignment ?s",
    "?root rkg:reasonAssignment/oa:hasTarget ?s FILTER(?s != ?root)",
    "?root rkg:reasonAssignment/oa:hasTarget/oa:hasSelector ?s",
    "?root rkg:authorStance ?s",
    "?root rkg:authorStance/rkg:evidence ?s",
    "?root rkg:authorStance/rkg:evidence/oa:hasSelector ?s",
    "?root cito:updates ?s",
    "?root cito:updates/rkg:authorship ?s",
    "?root schema:author|cito:updates/schema:author ?s",
    "?root (schema:author|cito:updates/schema:author)/schema:affiliation ?s",
    "?root (schema:author|cito:updates/schema:author)/schema:affiliation/schema:address ?s",
    "?root schema:isPartOf ?s",
    "?root schema:publisher|schema:isPartOf/schema:publisher ?s",
    *(f"?root cito:updates/{up} ?s" for up in UP),
    *(f"?root cito:updates/{up}/schema:publisher ?s" for up in UP),
]
_ARTICLE_NODES = [
    SELF,
    "?root rkg:authorship ?s",
    "?root schema:author ?s",
    "?root schema:author/schema:affiliation ?s",
    "?root schema:author/schema:affiliation/schema:address ?s",
    *(f"?root {up} ?s" for up in UP),
    *(f"?root {up}/schema:publisher ?s" for up in UP),
    "?root cito:isUpdatedBy ?s",
]
_PERSON_NODES = [
    SELF,
    "?root schema:affiliation ?s",
    "?root schema:affiliation/schema:address ?s",
    "?root ^rkg:agent ?s",
    "?root ^schema:author ?s",
    "?root ^schema:author/cito:isUpdatedBy ?s",
]
_ORGANIZATION_NODES = [
    SELF,
    "?root schema:address ?s",
    "?root ^schema:affiliation ?s",
    "?root ^schema:affiliation/^schema:author ?s",
]
_JOURNAL_NODES = [
    SELF,
    "?root schema:publisher ?s",
    *(f"?root {up} ?s" for up in UP[:2]),
    *(f"?root {up}/schema:publisher ?s" for up in UP[:2]),
    "?s schema:isPartOf ?root ; a ?container FILTER(?container IN (schema:PublicationVolume, "
    "schema:PublicationIssue))",
]
# Any other resource: its own triples and those of its hash IRIs.
_OTHER_NODES = [
    SELF,
    '?root ?link ?s FILTER(isIRI(?s) && STRSTARTS(STR(?s), CONCAT(STR(?root), "#")))',
]
# From a concept or scheme to the concepts and schemes of which only the labels are included.
_CONCEPT_CONCEPTS = "skos:inScheme|skos:topConceptOf|skos:broader|skos:narrower|skos:related"
_SCHEME_CONCEPTS = "skos:hasTopConcept|^skos:inScheme"

REACH: dict[str, tuple[list[str], str]] = {
    "notice": (_NOTICE_NODES, ""),
    "article": (_ARTICLE_NODES, ""),
    "person": (_PERSON_NODES, ""),
    "org": (_ORGANIZATION_NODES, ""),
    "journal": (_JOURNAL_NODES, ""),
    "concept": ([SELF], _CONCEPT_CONCEPTS),
    "scheme": ([SELF], _SCHEME_CONCEPTS),
    "other": (_OTHER_NODES, ""),
}


def describe_query(iri: str, kind: str) -> str:
    """The CONSTRUCT that gathers the document of `iri` (a resource of the given kind)."""
    nodes, concepts = REACH.get(kind, REACH["other"])
    branches = [f"{{ GRAPH ?g {{ {path} . ?s ?p ?o }} }}" if path != SELF
                else "{ GRAPH ?g { ?root ?p ?o } BIND(?root AS ?s) }" for path in nodes]
    if concepts:
        branches.append(f"{{ ?root {concepts} ?s . ?s ?p ?o FILTER(?p IN (rdf:type, skos:prefLabel, "
                        "skos:inScheme, skos:notation, dct:title, rdfs:label)) }")
    # The IRI is written into every branch: SPARQL evaluates groups bottom-up, so an outer VALUES
    # would not bind ?root inside them.
    query = f"{PREFIXES}\nCONSTRUCT {{ ?s ?p ?o }} WHERE {{\n  " + "\n  UNION ".join(branches) + "\n}"
    return query.replace("?root", str(NamedNode(iri)))


def last_modified_query(iri: str) -> str:
    """When a source record stating something about `iri` was last (re)ingested."""
    return (f"PREFIX prov: <{PROV}> SELECT (MAX(?t) AS ?m) WHERE {{ GRAPH ?g {{ {NamedNode(iri)} ?p ?o }} "
            f"?g prov:generatedAtTime ?t }}")


@dataclass(frozen=True)
class Description:
    """The triples of one resource's document, and when its sources last changed."""

    iri: str
    kind: str
    triples: list[Triple]
    last_modified: datetime | None


@dataclass(frozen=True)
class Resolved:
    """A request path mapped to the IRI it names."""

    iri: str
    kind: str
    vocabulary: bool


def resolve(path: str, settings: Settings) -> Resolved:
    """Map the path after /id/ (or /doc/) to an IRI: vocabulary concepts live under the fixed
    vocabulary namespace, everything else under the configured data base."""
    segment = path.split("/", 1)[0]
    if segment in VOCABULARY_KINDS:
        return Resolved(f"{VOCAB}id/{path}", "scheme" if segment == "scheme" else "concept", True)
    kind = segment
    if segment == "journal" and path.count("/") > 1:
        kind = "journal"  # a volume or issue: reached the same way, up its isPartOf chain
    elif segment == "publisher":
        kind = "other"
    return Resolved(f"{settings.base}id/{path}", kind if kind in REACH else "other", False)


def local_path(iri: str, settings: Settings) -> str | None:
    """The path on this server that serves `iri`'s document, or None when it is not ours."""
    if iri.startswith(VOCAB + "id/"):
        rest = iri[len(VOCAB) + 3:]
        if rest.split("/", 1)[0] in VOCABULARY_KINDS:
            return "/doc/" + rest
    if iri.startswith(VOCAB + "ontology"):
        return "/ontology" + iri[len(VOCAB) + len("ontology"):]
    if iri.startswith(settings.base + "id/"):
        return "/doc/" + iri[len(settings.base) + 3:]
    if iri.startswith(settings.base):
        return "/" + iri[len(settings.base):]
    return None


class Describer:
    """Runs description queries against the data store, and against the vocabulary files."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def describe(self, resolved: Resolved) -> Description | None:
        source = vocabulary_store() if resolved.vocabulary else self.store
        return self._describe(source, resolved, describe_query(resolved.iri, resolved.kind))

    def describe_graph(self, iri: str) -> Description | None:
        """A named graph is a document: its statements, which include its own provenance."""
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {NamedNode(iri)} {{ ?s ?p ?o }} }}"
        return self._describe(self.store, Resolved(iri, "graph", False), query, about_root=False)

    def _describe(self, source, resolved: Resolved, query: str, *, about_root: bool = True) -> Description | None:
        result = source.query(query)
        assert isinstance(result, QueryTriples)
        triples = list(dict.fromkeys(result))  # a graph is a set; sources may repeat a statement
        root = NamedNode(resolved.iri)
        if not triples or (about_root and not any(t.subject == root for t in triples)):
            return None
        if not resolved.vocabulary:
            triples += concept_labels(t.object for t in triples)
        modified = vocabulary_modified() if resolved.vocabulary else self._last_modified(resolved.iri)
        return Description(resolved.iri, resolved.kind, triples, modified)

    def _last_modified(self, iri: str) -> datetime | None:
        for solution in self.store.query(last_modified_query(iri)):
            value = solution["m"]
            if value is not None:
                return xsd_datetime(value.value)
        return None


@cache
def vocabulary_store() -> _UnionQuery:
    """The ontology and concept schemes, in memory, read once from the files that define them."""
    store = Store()
    for path in VOCABULARY_FILES:
        graph = NamedNode(VOCAB + "graph/vocabulary")
        store.extend(Quad(t.subject, t.predicate, t.object, graph) for t in parse(path=str(path),
                                                                                   format=RdfFormat.TURTLE))
    return _UnionQuery(store)


class _UnionQuery:
    """Queries an in-memory store with its named graphs as the default graph, like `GraphStore`."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def query(self, sparql: str):
        return self._store.query(sparql, use_default_graph_as_union=True)


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
    """The software that ingest records as the agent of every ingest activity (prov:wasAssociatedWith)."""
    from retractkg import __version__

    software = NamedNode(VOCAB + "software/retractkg")
    facts = [(RDF + "type", NamedNode(SCHEMA + "SoftwareApplication")), (RDF + "type", NamedNode(PROV + "Agent")),
             (SCHEMA + "name", Literal("retractkg")), (SCHEMA + "softwareVersion", Literal(__version__)),
             (SCHEMA + "license", NamedNode("https://www.apache.org/licenses/LICENSE-2.0"))]
    return Description(software.value, "other", [Triple(software, NamedNode(p), o) for p, o in facts],
                       vocabulary_modified())


LABEL_PREDICATES = frozenset(NamedNode(p) for p in (
    RDF + "type", SKOS + "prefLabel", SKOS + "inScheme", SKOS + "notation"))


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
    node = NamedNode(iri)
    result = vocabulary_store().query(f"CONSTRUCT {{ {node} ?p ?o }} WHERE {{ {node} ?p ?o }}")
    return tuple(t for t in result if t.predicate in LABEL_PREDICATES)
