"""The RDF representations of a description, and the media types (with `?format=` names) offered for them."""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import RdfFormat, Triple, serialize

from retractkg.ontology import CITO, DCT, FABIO, OA, OWL, PROV, RDF, RDFS, RKG, SCHEMA, SKOS, XSD

HTML = "text/html"
JSONLD = "application/ld+json"
JSON = "application/json"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
RDFXML = "application/rdf+xml"

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

PREFIXES = {
    "rkg": RKG, "schema": SCHEMA, "cito": CITO, "fabio": FABIO, "oa": OA, "skos": SKOS, "prov": PROV,
    "dct": DCT, "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD,
    "void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#",
    "as": "https://www.w3.org/ns/activitystreams#",
}


def serialize_triples(triples: Iterable[Triple], media_type: str) -> bytes:
    """Turtle, N-Triples or RDF/XML through pyoxigraph (JSON-LD and HTML have their own modules)."""
    fmt = _OXIGRAPH_FORMATS[media_type]
    ordered = sorted(triples, key=str)  # the same graph always gives the same bytes (and ETag)
    prefixes = PREFIXES if fmt is not RdfFormat.N_TRIPLES else None
    return serialize(ordered, format=fmt, prefixes=prefixes)


def content_type(media_type: str) -> str:
    return CHARSET.get(media_type, media_type)


def render(description, media_type: str, settings, request) -> bytes:
    """The bytes of one description in one of `DOCUMENT_TYPES`."""
    if media_type in (JSONLD, JSON):
        from retractkg.api.jsonld import description_jsonld

        return description_jsonld(description)
    if media_type == HTML:
        from retractkg.api.pages import description_page

        return description_page(description, settings, request)
    return serialize_triples(description.triples, media_type)
