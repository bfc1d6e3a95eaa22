"""The format registry: every media type retractkg writes, the short names people give it (`?format=`,
`--format`), the pyoxigraph format behind it, and the prefixes each kind of output declares.

The CLI and the API both take their formats from here, so `retractkg query --format ttl` and
`/sparql?format=ttl` cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import QueryResultsFormat, RdfFormat, Triple, serialize

from retractkg.ontology import PREFIXES

HTML = "text/html"
JSONLD = "application/ld+json"
JSON = "application/json"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
RDFXML = "application/rdf+xml"
TRIG = "application/trig"
NQUADS = "application/n-quads"
JSON_RESULTS = "application/sparql-results+json"
XML_RESULTS = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
ACTIVITY_JSON = "application/activity+json"
NDJSON = "application/x-ndjson"
GZIP = "application/gzip"

# --- Linked-data documents (/doc/…) ---
# In the server's order of preference (what `*/*` or no Accept gets): people first, then RDF.
DOCUMENT_TYPES = (HTML, JSONLD, TURTLE, NTRIPLES, RDFXML, JSON)
RDF_TYPES = (TURTLE, JSONLD, NTRIPLES, RDFXML, JSON)
FORMAT_ALIASES = {
    "html": HTML,
    "jsonld": JSONLD, "json-ld": JSONLD, "json": JSON,
    "ttl": TURTLE, "turtle": TURTLE,
    "nt": NTRIPLES, "ntriples": NTRIPLES, "n-triples": NTRIPLES,
    "rdf": RDFXML, "xml": RDFXML, "rdfxml": RDFXML, "owl": RDFXML,
}
EXTENSIONS = {"ttl": TURTLE, "nt": NTRIPLES, "rdf": RDFXML, "jsonld": JSONLD, "html": HTML}
_OXIGRAPH_FORMATS = {TURTLE: RdfFormat.TURTLE, NTRIPLES: RdfFormat.N_TRIPLES, RDFXML: RdfFormat.RDF_XML}
CHARSET = {HTML: "text/html; charset=utf-8", TURTLE: "text/turtle; charset=utf-8",
           NTRIPLES: "application/n-triples; charset=utf-8"}

# --- The change feed ---
FEED_TYPES = (ACTIVITY_JSON, JSONLD, JSON)

# --- SPARQL answers ---
# Solutions (SELECT): most preferred first; plain JSON/XML are what generic HTTP clients ask for.
SOLUTION_TYPES: dict[str, QueryResultsFormat] = {
    JSON_RESULTS: QueryResultsFormat.JSON,
    XML_RESULTS: QueryResultsFormat.XML,
    CSV: QueryResultsFormat.CSV,
    TSV: QueryResultsFormat.TSV,
    JSON: QueryResultsFormat.JSON,
    "application/xml": QueryResultsFormat.XML,
    "text/xml": QueryResultsFormat.XML,
}
# Booleans (ASK): CSV/TSV define no boolean form.
BOOLEAN_TYPES = {k: v for k, v in SOLUTION_TYPES.items() if v in (QueryResultsFormat.JSON, QueryResultsFormat.XML)}
# Graphs (CONSTRUCT/DESCRIBE). JSON-LD is handled apart (compaction); TriG/N-Quads hold the
# triples in the default graph. Turtle is valid N3, so an N3 client gets Turtle.
GRAPH_TYPES: dict[str, RdfFormat] = {
    TURTLE: RdfFormat.TURTLE,
    JSONLD: RdfFormat.JSON_LD,
    NTRIPLES: RdfFormat.N_TRIPLES,
    RDFXML: RdfFormat.RDF_XML,
    TRIG: RdfFormat.TRIG,
    NQUADS: RdfFormat.N_QUADS,
    "application/x-turtle": RdfFormat.TURTLE,
    "application/turtle": RdfFormat.TURTLE,
    "text/n3": RdfFormat.TURTLE,
    "text/plain": RdfFormat.N_TRIPLES,
    "application/xml": RdfFormat.RDF_XML,
    JSON: RdfFormat.JSON_LD,
    "application/x-json+ld": RdfFormat.JSON_LD,
}
# Short names for the `format=`/`output=` parameters (SPARQLWrapper, YASGUI and curl users send these).
SOLUTION_ALIASES = {"json": JSON_RESULTS, "xml": XML_RESULTS, "csv": CSV, "tsv": TSV,
                    "srj": JSON_RESULTS, "srx": XML_RESULTS}
GRAPH_ALIASES = {"turtle": TURTLE, "ttl": TURTLE, "n3": "text/n3", "nt": NTRIPLES,
                 "ntriples": NTRIPLES, "n-triples": NTRIPLES,
                 "rdf": RDFXML, "rdfxml": RDFXML, "rdf+xml": RDFXML,
                 "xml": RDFXML, "jsonld": JSONLD, "json-ld": JSONLD, "json": JSONLD,
                 "trig": TRIG, "nquads": NQUADS, "n-quads": NQUADS, "nq": NQUADS}

# --- The SPARQL service description ---
# Media types of the description itself, most preferred first.
DESCRIPTION_TYPES: dict[str, RdfFormat] = {
    TURTLE: RdfFormat.TURTLE,
    JSONLD: RdfFormat.JSON_LD,
    RDFXML: RdfFormat.RDF_XML,
    NTRIPLES: RdfFormat.N_TRIPLES,
}
# W3C format IRIs (http://www.w3.org/ns/formats/) of what the endpoint returns.
RESULT_FORMAT_IRIS = {
    JSON_RESULTS: "SPARQL_Results_JSON",
    XML_RESULTS: "SPARQL_Results_XML",
    CSV: "SPARQL_Results_CSV",
    TSV: "SPARQL_Results_TSV",
    TURTLE: "Turtle",
    JSONLD: "JSON-LD",
    NTRIPLES: "N-Triples",
    RDFXML: "RDF_XML",
    TRIG: "TriG",
    NQUADS: "N-Quads",
}

# --- The command line (`query --format`, `export --format`): the same names as the aliases above ---
RESULT_FORMATS = {name: SOLUTION_TYPES[SOLUTION_ALIASES[name]] for name in ("json", "xml", "csv", "tsv")}
GRAPH_FORMATS = {name: GRAPH_TYPES[GRAPH_ALIASES[name]]
                 for name in ("turtle", "ntriples", "nquads", "trig", "rdfxml", "jsonld")}


def prefixes(*names: str) -> dict[str, str]:
    """The named entries of the one prefix table (`retractkg.ontology.PREFIXES`), in that order."""
    return {name: PREFIXES[name] for name in names}


_DATA = ("rkg", "schema", "cito", "fabio", "oa", "skos", "prov", "dct", "rdf", "rdfs", "owl", "xsd")
DATA_PREFIXES = prefixes(*_DATA)  # SPARQL CONSTRUCT/DESCRIBE answers
# Declared for every query of the endpoint (a query's own PREFIX of the same name wins), shown in its editor.
QUERY_PREFIXES = DATA_PREFIXES
DOCUMENT_PREFIXES = prefixes(*_DATA, "void", "dcat", "as")  # linked-data documents, VoID
SERVICE_PREFIXES = prefixes("sd", "void", "formats", "dct", "xsd")  # the service description


def sparql_prologue(*names: str) -> str:
    """`PREFIX` declarations of the named prefixes, for a SPARQL query."""
    return "".join(f"PREFIX {name}: <{iri}> " for name, iri in prefixes(*names).items()).rstrip() + "\n"


def serialize_triples(triples: Iterable[Triple], media_type: str) -> bytes:
    """Turtle, N-Triples or RDF/XML through pyoxigraph (JSON-LD and HTML have their own modules)."""
    fmt = _OXIGRAPH_FORMATS[media_type]
    ordered = sorted(triples, key=str)  # the same graph always gives the same bytes (and ETag)
    return serialize(ordered, format=fmt, prefixes=DOCUMENT_PREFIXES if fmt is not RdfFormat.N_TRIPLES else None)


def content_type(media_type: str) -> str:
    return CHARSET.get(media_type, media_type)
