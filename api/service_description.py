"""The W3C SPARQL 1.1 Service Description of the endpoint (what a GET on /sparql without a query returns).

It tells clients what they may send (SPARQL 1.1 Query only: the endpoint is read-only), what comes
back (the result formats), that the default graph is the union of the named graphs, and describes
the default dataset with VoID counts (computed by the store, cached for a few minutes).

The prefixes every query may use undeclared are stated as SHACL prefix declarations on the service
(`sh:declare [ sh:prefix "schema" ; sh:namespace "http://schema.org/"^^xsd:anyURI ]`), the form
SPARQL example collections use; the Service Description vocabulary has no term for them.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple
from pyoxigraph import serialize as serialize_rdf

from retractkg.formats import (
    DESCRIPTION_TYPES,
    GRAPH_TYPES,
    QUERY_PREFIXES,
    RESULT_FORMAT_IRIS,
    SERVICE_PREFIXES,
    SOLUTION_TYPES,
)
from retractkg.ontology import DCT, FORMATS, RDF, SD, VOID, XSD
from retractkg.store import GraphStore

COUNTS_TTL_SECONDS = 300.0
SH = "http://www.w3.org/ns/shacl#"
PREFIXES = {**SERVICE_PREFIXES, "sh": SH}


@dataclass(frozen=True)
class DatasetCounts:
    triples: int


class CountsCache:
    """VoID counts of the store, recomputed at most every `COUNTS_TTL_SECONDS`, never holding up a request.

    Counting a large store takes a while: the description waits up to `wait` seconds for a fresh
    count and otherwise goes out with the last one known (or none), while the count finishes in
    the background for the next client.
    """

    def __init__(self, wait: float = 1.0) -> None:
        self.wait = wait
        self._lock = threading.Lock()
        self._value: DatasetCounts | None = None
        self._at = 0.0
        self._running: threading.Thread | None = None

    def get(self, store: GraphStore) -> DatasetCounts | None:
        with self._lock:
            fresh = self._value is not None and time.monotonic() - self._at <= COUNTS_TTL_SECONDS
            if not fresh and self._running is None:
                self._running = threading.Thread(target=self._count, args=(store,), daemon=True,
                                                 name="void-counts")
                self._running.start()
            running = self._running
        if running is not None:
            running.join(self.wait)
        return self._value

    def _count(self, store: GraphStore) -> None:
        try:
            counts = count_dataset(store)
            with self._lock:
                self._value, self._at = counts, time.monotonic()
        finally:
            with self._lock:
                self._running = None


def count_dataset(store: GraphStore) -> DatasetCounts:
    row = next(iter(store.query("SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }")))
    return DatasetCounts(int(row["triples"].value))


def description_triples(endpoint: str, counts: DatasetCounts | None) -> list[Triple]:
    service = NamedNode(endpoint + "#service")
    dataset = NamedNode(endpoint + "#dataset")
    default_graph = BlankNode("defaultGraph")

    def sd(term: str) -> NamedNode:
        return NamedNode(SD + term)

    a = NamedNode(RDF + "type")
    triples = [
        Triple(service, a, sd("Service")),
        Triple(service, sd("endpoint"), NamedNode(endpoint)),
        Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        Triple(service, sd("defaultDataset"), dataset),
        Triple(dataset, a, sd("Dataset")),
        Triple(dataset, a, NamedNode(VOID + "Dataset")),
        Triple(dataset, sd("defaultGraph"), default_graph),
        Triple(dataset, NamedNode(VOID + "sparqlEndpoint"), NamedNode(endpoint)),
        Triple(default_graph, a, sd("Graph")),
        Triple(service, NamedNode(DCT + "description"), Literal(
            "Read-only SPARQL 1.1 endpoint of retractkg; the default graph is the union of all named graphs "
            "(one per ingested source record). SERVICE and SPARQL Update are refused; graphs named by "
            "default-graph-uri/named-graph-uri must be graphs of this store. The prefixes of sh:declare may be "
            "used without a PREFIX declaration; a query's own declaration wins.", language="en")),
    ]
    offered = dict.fromkeys([*SOLUTION_TYPES, *GRAPH_TYPES])
    for media_type in offered:
        name = RESULT_FORMAT_IRIS.get(media_type)
        if name:
            triples.append(Triple(service, sd("resultFormat"), NamedNode(FORMATS + name)))
    for name, namespace in QUERY_PREFIXES.items():
        declaration = BlankNode(f"prefix_{name}")
        triples += [Triple(service, NamedNode(SH + "declare"), declaration),
                    Triple(declaration, NamedNode(SH + "prefix"), Literal(name)),
                    Triple(declaration, NamedNode(SH + "namespace"),
                           Literal(namespace, datatype=NamedNode(XSD + "anyURI")))]
    if counts is not None:
        triples.append(Triple(dataset, NamedNode(VOID + "triples"),
                              Literal(str(counts.triples), datatype=NamedNode(XSD + "integer"))))
        triples.append(Triple(default_graph, NamedNode(VOID + "triples"),
                              Literal(str(counts.triples), datatype=NamedNode(XSD + "integer"))))
    return triples


def render_description(triples: list[Triple], media_type: str) -> bytes:
    rdf_format = DESCRIPTION_TYPES[media_type]
    if rdf_format == RdfFormat.JSON_LD:
        from pyld import jsonld

        expanded = json.loads(serialize_rdf(triples, format=RdfFormat.JSON_LD))
        compacted = jsonld.compact(expanded, {"@context": PREFIXES})
        return json.dumps(compacted, indent=1).encode("utf-8")
    return serialize_rdf(triples, format=rdf_format, prefixes=PREFIXES)
