"""Check a store against ontology/shapes.ttl with pyshacl, and say what is wrong in plain words.

The union of the store's graphs is copied into an rdflib graph with one CONSTRUCT, so any `GraphStore`
(embedded or remote) can be validated. The ontology and the concept schemes are added to that graph
before validation: a notice's nature or reasons are checked against the schemes shipped with this
version, even in a store that has not loaded them. This is tooling, not the request path.
"""

from __future__ import annotations

import io
from collections import Counter

from pyoxigraph import RdfFormat
from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from retractkg.ontology import (
    CITO,
    FABIO,
    NATURE,
    OA,
    PROV,
    REASON,
    RKG,
    ROLE,
    SCHEMA,
    SHAPES_FILE,
    SKOS,
    STANCE,
    VOCABULARY_FILES,
)
from retractkg.store.base import GraphStore

SHAPES = Namespace("https://w3id.org/retractkg/shapes#")
MAX_LISTED = 100  # results printed in full; the rest are counted by shape


def shapes_graph() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


def vocabulary_graph() -> Graph:
    g = Graph()
    for path in VOCABULARY_FILES:
        g.parse(path, format="turtle")
    return g


def store_graph(store: GraphStore) -> Graph:
    """Every triple of the store's default graph (the union of its named graphs)."""
    triples = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    buffer = io.BytesIO()
    triples.serialize(buffer, RdfFormat.N_TRIPLES)
    return Graph().parse(data=buffer.getvalue(), format="nt")


def validate_graph(data: Graph) -> tuple[bool, str]:
    """Validate an rdflib graph; return whether it conforms and a report for people."""
    shapes = shapes_graph()
    # pyshacl mixes an ont_graph in only when it runs inference; we want none, so add the vocabulary here.
    checked = data + vocabulary_graph()
    for graph in (checked, shapes):
        for prefix, namespace in _PREFIXES.items():
            graph.bind(prefix.rstrip(":"), namespace, override=True, replace=True)
    conforms, results, _ = shacl_validate(
        checked,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
    )
    return conforms, report(results, data, shapes)


def validate(store: GraphStore) -> tuple[bool, str]:
    """Run the SHACL shapes over everything in the store."""
    return validate_graph(store_graph(store))


def report(results: Graph, data: Graph, shapes: Graph) -> str:
    """One line per result: severity, focus node, shape, path, offending value, message."""
    names = _names(data)
    rows = []
    # Only the report's own results: nested sh:detail results repeat them from inside sh:node shapes.
    top = [r for report_node in results.subjects(RDF.type, SH.ValidationReport)
           for r in results.objects(report_node, SH.result)]
    for result in top:
        severity = results.value(result, SH.resultSeverity)
        shape = results.value(result, SH.sourceShape)
        parent = next(shapes.subjects(SH.property, shape), None) if shape is not None else None
        rows.append((
            _local(severity),
            names(results.value(result, SH.focusNode)),
            names(parent if parent is not None else shape),
            _path(results, results.value(result, SH.resultPath), names),
            results.value(result, SH.value),
            str(results.value(result, SH.resultMessage) or ""),
        ))
    notices = len(set(data.subjects(RDF.type, URIRef(RKG + "Notice"))))
    if not rows:
        count = len(set(shapes.subjects(RDF.type, SH.NodeShape)))
        return f"Conforms: {notices} notices, {len(data)} triples checked against {count} shapes."
    rows.sort(key=lambda r: (r[0] != "Violation", r[2], r[1]))
    counts = Counter(r[0] for r in rows)
    lines = [f"Does not conform: {', '.join(f'{n} {kind.lower()}(s)' for kind, n in counts.items())} "
             f"in {notices} notices, {len(data)} triples."]
    for severity, focus, shape, path, value, message in rows[:MAX_LISTED]:
        where = f"{focus}" + (f" {path}" if path else "")
        shown = f" (value: {names(value)})" if value is not None and path else ""
        lines.append(f"{severity}: {where}{shown}\n    shape {shape}: {message}")
    if len(rows) > MAX_LISTED:
        rest = Counter(r[2] for r in rows[MAX_LISTED:])
        lines.append(f"... and {len(rows) - MAX_LISTED} more: "
                     + ", ".join(f"{n} x {shape}" for shape, n in rest.most_common()))
    return "\n".join(lines)


_PREFIXES = {
    "rkg:": RKG, "schema:": SCHEMA, "cito:": CITO, "fabio:": FABIO, "prov:": PROV, "oa:": OA, "skos:": SKOS,
    "nature:": NATURE, "reason:": REASON, "role:": ROLE, "stance:": STANCE, "shapes:": str(SHAPES),
}


def _names(data: Graph):
    def name(term) -> str:
        if term is None:
            return "?"
        if isinstance(term, Literal):
            text = str(term)
            text = text if len(text) <= 60 else text[:57] + "..."
            return f'"{text}"' + (f"^^{name(term.datatype)}" if term.datatype else "")
        if isinstance(term, URIRef):
            value = str(term)
            for prefix, namespace in _PREFIXES.items():
                if value.startswith(namespace) and value != namespace:
                    return prefix + value[len(namespace):]
            return f"<{value}>"
        return "[blank node]"
    return name


def _path(results: Graph, path, names) -> str:
    if path is None:
        return ""
    inverse = results.value(path, SH.inversePath)
    return f"^{names(inverse)}" if inverse is not None else names(path)


def _local(term) -> str:
    return str(term).rsplit("#", 1)[-1] if term is not None else "Violation"
