"""Dataset metadata for aggregators: a VoID description (with DCAT and schema.org types) of the graph.

Counts (triples, class and property partitions) are read from the search index's file, which every
rebuild of the index writes (`retractkg.store.graph_statistics`): right after every ingest, never
counted per request. Endpoint and dump addresses are absolute URLs of the server being asked.
"""

from __future__ import annotations

import hashlib

from pyoxigraph import Literal, NamedNode, Triple

from retractkg.config import Settings
from retractkg.formats import GZIP, NDJSON, NQUADS
from retractkg.ontology import (
    CITO,
    DCAT,
    DCT,
    FABIO,
    FORMATS,
    OA,
    ONTOLOGY_IRI,
    PROV,
    RDF,
    RKG,
    SCHEMA,
    SKOS,
    VOID,
    XSD,
)
from retractkg.store.graph_statistics import GraphStatistics

TITLE = "retractkg: the linked-data graph of scholarly retractions"
DESCRIPTION = ("Retraction notices, expressions of concern and corrections, the articles they concern, their "
               "authors and affiliations, and the reasons given (Retraction Watch taxonomy), with the provenance "
               "of every source record.")
# The data licence: the README states none other, so the graph is public domain (CC0 1.0), as are the
# Crossref and open-retractions records it draws on.
LICENSE = "https://creativecommons.org/publicdomain/zero/1.0/"
PUBLISHER = "retractkg contributors"
# (path, media type, name, compression)
DUMPS = (("dumps/retractkg.nq.gz", NQUADS, "N-Quads", GZIP),
         ("dumps/retractkg.jsonl", NDJSON, "JSON-LD", ""))
# Feeds of the changes: (path, media type, title, standard). Harvesters read the first, feed readers the second.
FEEDS = (("changes", "application/activity+json", "Change feed (Activity Streams 2.0, oldest first, paged)",
          "https://www.w3.org/TR/activitystreams-core/"),
         ("recent-changes.atom", "application/atom+xml", "Recent changes (Atom)", "https://www.rfc-editor.org/rfc/rfc4287"))


def dataset_iri(settings: Settings) -> str:
    return settings.base + "void#retractkg"


def publisher_iri(settings: Settings) -> str:
    return settings.base + "void#publisher"


def void_triples(settings: Settings, server: str, stats: GraphStatistics) -> list[Triple]:
    """The VoID description; `server` is the base URL of this server (ending in "/")."""
    dataset = NamedNode(dataset_iri(settings))
    out: list[Triple] = []

    def add(s: NamedNode, p: str, o: NamedNode | Literal | str) -> None:
        out.append(Triple(s, NamedNode(p), Literal(o) if isinstance(o, str) else o))

    def integer(n: int) -> Literal:
        return Literal(str(n), datatype=NamedNode(XSD + "integer"))

    for cls in (VOID + "Dataset", DCAT + "Dataset", SCHEMA + "Dataset"):
        add(dataset, RDF + "type", NamedNode(cls))
    add(dataset, DCT + "title", Literal(TITLE, language="en"))
    add(dataset, DCT + "description", Literal(DESCRIPTION, language="en"))
    add(dataset, SCHEMA + "name", TITLE)
    add(dataset, VOID + "sparqlEndpoint", NamedNode(server + "sparql"))
    add(dataset, VOID + "uriSpace", settings.base + "id/")
    add(dataset, VOID + "uriLookupEndpoint", NamedNode(server + "search?q="))
    add(dataset, VOID + "openSearchDescription", NamedNode(server + "opensearch.xml"))
    add(dataset, DCT + "license", NamedNode(LICENSE))
    add(dataset, SCHEMA + "license", NamedNode(LICENSE))
    publisher = NamedNode(publisher_iri(settings))
    add(dataset, DCT + "publisher", publisher)
    add(dataset, SCHEMA + "publisher", publisher)
    add(publisher, RDF + "type", NamedNode(DCT + "Agent"))
    add(publisher, RDF + "type", NamedNode(SCHEMA + "Organization"))
    add(publisher, SCHEMA + "name", PUBLISHER)
    add(publisher, SCHEMA + "url", NamedNode(server))
    for path, media_type, title, conforms_to in FEEDS:
        feed = NamedNode(f"{dataset.value}-{path.replace('.', '-')}")
        add(dataset, DCAT + "distribution", feed)
        add(feed, RDF + "type", NamedNode(DCAT + "Distribution"))
        add(feed, DCAT + "accessURL", NamedNode(server + path))
        add(feed, DCAT + "mediaType", media_type)
        add(feed, DCT + "title", title)
        add(feed, DCT + "conformsTo", NamedNode(conforms_to))
    add(dataset, VOID + "feature", NamedNode(FORMATS + "Turtle"))
    add(dataset, VOID + "feature", NamedNode(FORMATS + "JSON-LD"))
    add(dataset, VOID + "feature", NamedNode(FORMATS + "N-Triples"))
    add(dataset, VOID + "feature", NamedNode(FORMATS + "RDF_XML"))
    for vocabulary in (SCHEMA, CITO, FABIO, RKG, SKOS, OA, PROV):
        add(dataset, VOID + "vocabulary", NamedNode(vocabulary))
    add(dataset, DCT + "conformsTo", NamedNode(ONTOLOGY_IRI))
    for path, media_type, name, compression in DUMPS:
        url = NamedNode(server + path)
        add(dataset, VOID + "dataDump", url)
        distribution = NamedNode(f"{dataset.value}-{name.lower()}")
        add(dataset, DCAT + "distribution", distribution)
        add(distribution, RDF + "type", NamedNode(DCAT + "Distribution"))
        add(distribution, DCAT + "downloadURL", url)
        add(distribution, DCAT + "mediaType", media_type)
        add(distribution, DCT + "title", f"{name} dump")
        if compression:
            add(distribution, DCAT + "compressFormat", compression)
    add(dataset, VOID + "triples", integer(stats.triples))
    add(dataset, VOID + "classes", integer(len(stats.classes)))
    add(dataset, VOID + "properties", integer(len(stats.properties)))
    if stats.example:
        add(dataset, VOID + "exampleResource", NamedNode(stats.example))
    for cls, count in stats.classes:
        partition = NamedNode(f"{dataset.value}-class-{_short(cls)}")
        add(dataset, VOID + "classPartition", partition)
        add(partition, VOID + "class", NamedNode(cls))
        add(partition, VOID + "entities", integer(count))
    for prop, count in stats.properties:
        partition = NamedNode(f"{dataset.value}-property-{_short(prop)}")
        add(dataset, VOID + "propertyPartition", partition)
        add(partition, VOID + "property", NamedNode(prop))
        add(partition, VOID + "triples", integer(count))
    return out


def _short(iri: str) -> str:
    return hashlib.sha1(iri.encode()).hexdigest()[:12]


def dataset_jsonld(settings: Settings, server: str) -> dict:
    """The DCAT / schema.org `Dataset` of the home page (no counts: the page must stay cheap)."""
    return {
        "@context": {"@vocab": SCHEMA, "dcat": DCAT, "dct": DCT, "void": VOID},
        "@id": dataset_iri(settings),
        "@type": ["Dataset", "dcat:Dataset", "void:Dataset"],
        "name": TITLE,
        "description": DESCRIPTION,
        "dct:title": TITLE,
        "url": server,
        "license": {"@id": LICENSE},
        "dct:license": {"@id": LICENSE},
        "publisher": {"@id": publisher_iri(settings), "@type": "Organization", "name": PUBLISHER, "url": server},
        "dct:publisher": {"@id": publisher_iri(settings)},
        "void:sparqlEndpoint": {"@id": server + "sparql"},
        "void:uriSpace": settings.base + "id/",
        "distribution": [
            {"@id": f"{dataset_iri(settings)}-{name.lower()}", "@type": ["DataDownload", "dcat:Distribution"],
             "contentUrl": {"@id": server + path}, "dcat:downloadURL": {"@id": server + path},
             "encodingFormat": media_type, "dcat:mediaType": media_type, "name": f"{name} dump"}
            for path, media_type, name, _ in DUMPS
        ],
        "dcat:distribution": [{"@id": f"{dataset_iri(settings)}-{name.lower()}"} for _, _, name, _ in DUMPS],
        "dcat:accessService": {"@id": server + "sparql", "@type": "dcat:DataService",
                               "dcat:endpointURL": {"@id": server + "sparql"}},
    }
