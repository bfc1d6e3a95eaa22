"""The retractkg vocabulary: where its RDF files live and the IRIs they define.

The vocabulary's IRIs are fixed (they are the ontology's identity); only the IRIs of the data are
minted under a configurable base (`retractkg.config.Settings.base`).
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

VOCAB = "https://w3id.org/retractkg/"
ONTOLOGY_IRI = VOCAB + "ontology"
RKG = ONTOLOGY_IRI + "#"
CONTEXT_IRI = VOCAB + "context.jsonld"
# Under the data's base: the graph of each journal's and publisher's description, stated once for all the
# records that name it (`retractkg.ingest.periodical_graphs`).
PERIODICAL_GRAPHS = "graph/periodical/"

REASON = VOCAB + "id/reason/"
NATURE = VOCAB + "id/nature/"
ROLE = VOCAB + "id/role/"
STANCE = VOCAB + "id/stance/"
REASON_SCHEME = VOCAB + "id/scheme/reasons"
NATURE_SCHEME = VOCAB + "id/scheme/natures"
ROLE_SCHEME = VOCAB + "id/scheme/roles"
STANCE_SCHEME = VOCAB + "id/scheme/stances"

ONTOLOGY_FILE = HERE / "retractkg.ttl"
REASONS_FILE = HERE / "reasons.ttl"
SCHEMES_FILE = HERE / "schemes.ttl"  # natures, roles, stances
SHAPES_FILE = HERE / "shapes.ttl"
CONTEXT_FILE = HERE / "context.jsonld"

# Files that describe the vocabulary itself; ingest loads them into the store, in this named graph,
# so that concept labels and schemes are queryable next to the data.
VOCABULARY_FILES = (ONTOLOGY_FILE, REASONS_FILE, SCHEMES_FILE)
VOCABULARY_GRAPH = VOCAB + "graph/vocabulary"

# Standard namespaces: the mapping writes the first ones; the API's descriptions (VoID, the
# SPARQL service description, the change feed) the others.
SCHEMA = "http://schema.org/"
CITO = "http://purl.org/spar/cito/"
FABIO = "http://purl.org/spar/fabio/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
AS = "https://www.w3.org/ns/activitystreams#"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"  # the W3C's IRIs of media types

# The one prefix table: Turtle output, compacted JSON-LD and SPARQL prologues pick their prefixes from it.
PREFIXES = {
    "rkg": RKG, "schema": SCHEMA, "cito": CITO, "fabio": FABIO, "oa": OA, "skos": SKOS, "prov": PROV,
    "dct": DCT, "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD,
    "void": VOID, "dcat": DCAT, "as": AS, "sd": SD, "formats": FORMATS,
}
