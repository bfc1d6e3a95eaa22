"""Check a store against ontology/shapes.ttl with pyshacl, and say what is wrong in plain words.

pyshacl works on in-memory rdflib graphs (about 1,500 triples a second, and some 2.5 KB of memory per
triple), so a large store is validated in chunks: source-record graphs that share a notice or an article
are always checked together (the shapes compare what different sources say about one resource), and
chunks are filled up to `CHUNK_TRIPLES`. Graphs that are not source records (the change log, anything
added by hand) are checked with every chunk when small, on their own otherwise. The ontology and the
concept schemes shipped with this version are added to each chunk, so scheme membership is checked even
in a store that has not loaded them. Chunks run in worker processes, one per CPU. Data leaves the store
by SPARQL only, so any `GraphStore` works.
This is tooling, not the request path.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from functools import cache
from multiprocessing import get_context

from pyoxigraph import NamedNode, RdfFormat
from pyshacl import validate as shacl_validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from retractkg.ontology import (
    CITO,
    NATURE,
    PERIODICAL_GRAPHS,
    PREFIXES,
    REASON,
    RKG,
    ROLE,
    SCHEMA,
    SHAPES_FILE,
    STANCE,
    VOCABULARY_FILES,
    VOCABULARY_GRAPH,
)
from retractkg.store.base import GraphStore, values_lists

SHAPES = Namespace("https://w3id.org/retractkg/shapes#")
CHUNK_TRIPLES = 60_000  # per pyshacl run: about 40 s and 200 MB
EXAMPLES = 20  # focus nodes listed per shape and message; the rest are counted

Row = tuple[str, str, str, str, str, str]  # severity, focus, shape, path, value, message


def shapes_graph() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


def vocabulary_graph() -> Graph:
    g = Graph()
    for path in VOCABULARY_FILES:
        g.parse(path, format="turtle")
    return g


@dataclass
class Outcome:
    """What the chunks found, merged: results seen by two chunks (a shared journal) count once."""

    rows: dict[Row, None] = field(default_factory=dict)
    notices: int = 0
    triples: int = 0
    shapes: int = 0

    @property
    def conforms(self) -> bool:
        return not any(row[0] == "Violation" for row in self.rows)


def validate(store: GraphStore, *, chunk_triples: int = CHUNK_TRIPLES, workers: int | None = None,
             progress: Callable[[int, int], None] | None = None) -> tuple[bool, str]:
    """Run the SHACL shapes over everything in the store; `progress(done, total)` after each chunk.

    With several chunks, `workers` processes (default: one per CPU) run pyshacl side by side; this
    process only reads the chunks from the store, so a remote store sees one client.
    """
    outcome = Outcome(shapes=len(set(_shapes().subjects(RDF.type, SH.NodeShape))))
    chunks = list(plan_chunks(store, chunk_triples))
    outcome.notices = _count(store, f"SELECT (COUNT(DISTINCT ?n) AS ?c) {{ ?n a <{RKG}Notice> }}")
    outcome.triples = _count(
        store, f"SELECT (COUNT(*) AS ?c) {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{VOCABULARY_GRAPH}>) }}")
    workers = min(workers or os.cpu_count() or 1, len(chunks))
    if workers <= 1:
        results = (check_ntriples(chunk_ntriples(store, graphs)) for graphs in chunks)
        for done, rows in enumerate(results, 1):
            outcome.rows.update(dict.fromkeys(rows))
            if progress:
                progress(done, len(chunks))
        return outcome.conforms, report(outcome)
    # spawn, not fork: the parent holds an open store and its threads.
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        pending: set = set()
        done = 0
        for graphs in chunks:
            if len(pending) >= 2 * workers:  # keep memory bounded: a few chunks in flight
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                done += _collect(finished, outcome, progress, done, len(chunks))
            pending.add(pool.submit(check_ntriples, chunk_ntriples(store, graphs)))
        _collect(wait(pending).done, outcome, progress, done, len(chunks))
    return outcome.conforms, report(outcome)


def _collect(finished, outcome: Outcome, progress, done: int, total: int) -> int:
    for future in finished:
        outcome.rows.update(dict.fromkeys(future.result()))
        done += 1
        if progress:
            progress(done, total)
    return len(finished)


def _count(store: GraphStore, sparql: str) -> int:
    return int(next(iter(store.query(sparql)))["c"].value)


# --- Chunks ------------------------------------------------------------------------------------------------


def plan_chunks(store: GraphStore, chunk_triples: int) -> Iterator[list[str]]:
    """Lists of named graphs to validate together: records of one notice or article never split."""
    sizes = {s["g"].value: int(s["n"].value) for s in store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    keys: dict[str, set[str]] = {}
    for s in store.query(f"""
            SELECT ?g ?n ?a WHERE {{ GRAPH ?g {{
                ?g a <{RKG}SourceRecord> ; <{RKG}describes> ?n . OPTIONAL {{ ?n <{CITO}updates> ?a }} }} }}"""):
        keys.setdefault(s["g"].value, set()).update(term.value for term in (s["n"], s["a"]) if term is not None)
    needs = _descriptions_needed(store)
    described = {graph for graphs in needs.values() for graph in graphs}
    others = [g for g in sizes if g not in keys and g not in described and g != VOCABULARY_GRAPH]
    shared = sum(sizes[g] for g in others)
    with_every_chunk = others if shared <= chunk_triples // 4 else []

    def complete(chunk: list[str]) -> list[str]:  # with the descriptions of what its records link
        return chunk + sorted({d for graph in chunk for d in needs.get(graph, ())}) + with_every_chunk

    chunk: list[str] = []
    size = 0
    for component in _components(keys):
        component_size = sum(sizes.get(g, 0) for g in component)
        if chunk and size + component_size > chunk_triples:
            yield complete(chunk)
            chunk, size = [], 0
        chunk.extend(component)
        size += component_size
    if chunk or with_every_chunk:
        yield complete(chunk)
    if not with_every_chunk:
        yield from _fill(others, sizes, chunk_triples)


def _descriptions_needed(store: GraphStore) -> dict[str, set[str]]:
    """{record graph: the graphs describing the journals and publishers it links} (`graph/periodical/…`, stated
    once for all their records by ingest), which the shapes need beside the record (its journal's type)."""
    described: dict[str, str] = {s["x"].value: s["d"].value for s in store.query(
        f"SELECT ?d ?x WHERE {{ {{ SELECT ?d WHERE {{ GRAPH ?d {{ ?d <{RKG}contentHash> ?h }} "
        f'FILTER(CONTAINS(STR(?d), "{PERIODICAL_GRAPHS}")) }} }} GRAPH ?d {{ ?x a ?type }} }}')}
    needs: dict[str, set[str]] = {}
    for chunk in values_lists(sorted(described)):
        for s in store.query(f"SELECT DISTINCT ?g ?x WHERE {{ VALUES ?x {{ {chunk} }} GRAPH ?g {{ ?y ?link ?x }} "
                             f"FILTER(?link IN (<{SCHEMA}isPartOf>, <{SCHEMA}publisher>, <{RKG}articleJournal>, "
                             f"<{RKG}articlePublisher>)) }}"):
            needs.setdefault(s["g"].value, set()).add(described[s["x"].value])
    return needs


def _components(keys: dict[str, set[str]]) -> list[list[str]]:
    """Graphs grouped so that two graphs about one notice or article share a group (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for graph, graph_keys in keys.items():
        for key in graph_keys:
            parent[find("k:" + key)] = find("g:" + graph)
    groups: dict[str, list[str]] = {}
    for graph in sorted(keys):
        groups.setdefault(find("g:" + graph), []).append(graph)
    return list(groups.values())


def _fill(graphs: list[str], sizes: dict[str, int], chunk_triples: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    size = 0
    for graph in graphs:
        if chunk and size + sizes[graph] > chunk_triples:
            yield chunk
            chunk, size = [], 0
        chunk.append(graph)
        size += sizes[graph]
    if chunk:
        yield chunk


def chunk_ntriples(store: GraphStore, graphs: list[str]) -> bytes:
    """The union of some named graphs, as N-Triples."""
    if not graphs:
        return b""
    values = " ".join(str(NamedNode(g)) for g in graphs)
    triples = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}")
    buffer = io.BytesIO()
    triples.serialize(buffer, RdfFormat.N_TRIPLES)
    return buffer.getvalue()


def check_ntriples(data: bytes) -> list[Row]:
    """Validate one chunk (runs in a worker process: everything it needs comes in as bytes)."""
    return check(Graph().parse(data=data, format="nt"), _shapes(), _vocabulary())


@cache
def _shapes() -> Graph:
    return shapes_graph()


@cache
def _vocabulary() -> Graph:
    return vocabulary_graph()


# --- One pyshacl run -----------------------------------------------------------------------------------------


def check(data: Graph, shapes: Graph, vocabulary: Graph) -> list[Row]:
    """The results of validating `data` (plus the vocabulary) against the shapes, as readable rows."""
    # pyshacl mixes an ont_graph in only when it runs inference, and we want none: add the vocabulary here.
    for triple in vocabulary:
        data.add(triple)
    for graph in (data, shapes):
        for prefix, namespace in _PREFIXES.items():
            graph.bind(prefix.rstrip(":"), namespace, override=True, replace=True)
    _, results, _ = shacl_validate(data, shacl_graph=shapes, inference="none", abort_on_first=False,
                                   allow_warnings=True)
    names = _names
    rows = []
    # Only the report's own results: nested sh:detail results repeat them from inside sh:node shapes.
    for report_node in results.subjects(RDF.type, SH.ValidationReport):
        for result in results.objects(report_node, SH.result):
            shape = results.value(result, SH.sourceShape)
            parent = next(shapes.subjects(SH.property, shape), None) if shape is not None else None
            value = results.value(result, SH.value)
            path = _path(results, results.value(result, SH.resultPath))
            rows.append((
                _local(results.value(result, SH.resultSeverity)),
                names(results.value(result, SH.focusNode)),
                names(parent if parent is not None else shape),
                path,
                names(value) if value is not None and path else "",
                str(results.value(result, SH.resultMessage) or ""),
            ))
    return rows


def report(outcome: Outcome) -> str:
    """Results grouped by shape and message, each group with its focus nodes (path, offending value)."""
    scope = f"{outcome.notices} notices, {outcome.triples} triples"
    if not outcome.rows:
        return f"Conforms: {scope} checked against {outcome.shapes} shapes."
    groups: dict[tuple[str, str, str], list[Row]] = {}
    for row in sorted(outcome.rows, key=lambda r: (r[1], r[3], r[4])):
        groups.setdefault((row[0], row[2], row[5]), []).append(row)
    counts = Counter(r[0] for r in outcome.rows)
    verdict = "Does not conform" if not outcome.conforms else "Conforms, with remarks"
    lines = [f"{verdict}: {', '.join(f'{n} {kind.lower()}(s)' for kind, n in counts.items())} in {scope}."]
    for (severity, shape, message), rows in sorted(groups.items(), key=lambda g: (g[0][0] != "Violation", g[0][1:])):
        lines.append(f"{severity} x {len(rows)}, shape {shape}: {message}")
        for _, focus, _, path, value, _ in rows[:EXAMPLES]:
            lines.append("    " + focus + (f" {path}" if path else "") + (f" (value: {value})" if value else ""))
        if len(rows) > EXAMPLES:
            lines.append(f"    ... and {len(rows) - EXAMPLES} more")
    return "\n".join(lines)


_PREFIXES = {
    **{f"{name}:": PREFIXES[name] for name in ("rkg", "schema", "cito", "fabio", "prov", "oa", "skos")},
    "nature:": NATURE, "reason:": REASON, "role:": ROLE, "stance:": STANCE, "shapes:": str(SHAPES),
}


def _names(term) -> str:
    if term is None:
        return "?"
    if isinstance(term, Literal):
        text = str(term)
        text = text if len(text) <= 60 else text[:57] + "..."
        return f'"{text}"' + (f"^^{_names(term.datatype)}" if term.datatype else "")
    if isinstance(term, URIRef):
        value = str(term)
        for prefix, namespace in _PREFIXES.items():
            if value.startswith(namespace) and value != namespace:
                return prefix + value[len(namespace):]
        return f"<{value}>"
    return "[blank node]"


def _path(results: Graph, path) -> str:
    if path is None:
        return ""
    inverse = results.value(path, SH.inversePath)
    return f"^{_names(inverse)}" if inverse is not None else _names(path)


def _local(term) -> str:
    return str(term).rsplit("#", 1)[-1] if term is not None else "Violation"
