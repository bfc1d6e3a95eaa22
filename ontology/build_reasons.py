"""Regenerate ontology/reasons.ttl from Retraction Watch's published reason taxonomy.

    python -m retractkg.ontology.build_reasons ../shared/data/vocab/rw_reasons_appendixB_current.json \
        ../shared/data/vocab/rw_reasons_zotero_2023.json
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from retractkg.ontology import REASON, REASON_SCHEME, REASONS_FILE, RKG

# Older wording (2023 Zotero export) -> current Appendix B label, where the wording changed.
OLD_TO_CURRENT: dict[str, str] = {}


def slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


def build(current: dict[str, str], older: dict[str, str]) -> Graph:
    g = Graph()
    g.bind("skos", SKOS)
    g.bind("rkg", Namespace(RKG))
    g.bind("dct", DCTERMS)
    scheme = URIRef(REASON_SCHEME)
    g.add((scheme, RDF.type, SKOS.ConceptScheme))
    g.add((scheme, SKOS.prefLabel, Literal("Retraction Watch reasons", lang="en")))
    g.add((scheme, DCTERMS.source, URIRef("https://retractionwatch.com/retraction-watch-database-user-guide/")))
    for label, definition in sorted(current.items()):
        concept = URIRef(REASON + slug(label))
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, RDF.type, URIRef(RKG + "Reason")))
        g.add((concept, SKOS.inScheme, scheme))
        g.add((concept, SKOS.topConceptOf, scheme))
        g.add((concept, SKOS.prefLabel, Literal(label, lang="en")))
        g.add((concept, SKOS.definition, Literal(definition, lang="en")))
        g.add((concept, SKOS.notation, Literal(label)))
    for label, definition in sorted(older.items()):
        target = label if label in current else OLD_TO_CURRENT.get(label)
        if target is None:
            continue
        concept = URIRef(REASON + slug(target))
        if target != label:
            g.add((concept, SKOS.altLabel, Literal(label, lang="en")))
        g.add((concept, SKOS.scopeNote, Literal(f"Earlier definition: {definition}", lang="en")))
    return g


def main(argv: list[str]) -> None:
    current = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    older = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    build(current, older).serialize(REASONS_FILE, format="turtle")


if __name__ == "__main__":
    main(sys.argv[1:])
