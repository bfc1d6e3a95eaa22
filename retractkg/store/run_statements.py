"""The statements a run into an empty store wrote, of the predicates the search index reads, kept in memory so
that the index is built from them rather than from the store's scans (which spell out every term again: some
15 s of CPU on the full-size graph).

Only where the run's writes are the whole graph: a store holding nothing but the vocabulary before the run, and
no record rewritten, mapped again or withdrawn (`RunStatements.usable`); else the rebuild reads the store. The
index chooses each resource's one name, label and container by value (`text_index`), so the order in which the
statements come, store's or run's, changes nothing: tests/test_issue_11_index_from_run.py compares the index
built so with `retractkg index`, table by table.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from retractkg.ontology import CITO, RDF, RDFS, RKG, SCHEMA, SKOS, VOCABULARY_GRAPH
from retractkg.store.base import GraphStore
from retractkg.store.notice_statistics import GraphScan, untitled_labels

# Every predicate the index and its statistics read (`text_index`, `notice_statistics`): what a run notes.
READ = frozenset({
    RDF + "type", SCHEMA + "name", RDFS + "label", SCHEMA + "datePublished", SCHEMA + "text", SCHEMA + "author",
    SCHEMA + "isPartOf", CITO + "updates", RKG + "reason", SKOS + "prefLabel", RKG + "nature", RKG + "year",
    SCHEMA + "publisher", SCHEMA + "countryOfOrigin", SCHEMA + "keywords", RKG + "doi", RKG + "citation",
    RKG + "pmid",
})
_ESCAPED = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_SHORT = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def term_value(term: str) -> str:
    """The value of an N-Triples term: an IRI without its brackets, a literal's lexical form unescaped."""
    if term[0] == "<":
        return term[1:-1]
    text = term[1:term.rindex('"')]
    if "\\" not in text:
        return text
    return _ESCAPED.sub(lambda m: _SHORT.get(m[1]) or chr(int(m[1][1:], 16)), text)


class RunStatements:
    """{graph: its noted statements}: each record's as the mapping noted them (a flat tuple subject, predicate,
    object, ..., subject and predicate as N-Triples terms, an object as a term or, for a plain string literal,
    the string itself), the later record of a graph replacing the earlier as in the store."""

    def __init__(self) -> None:
        self.graphs: dict[str, Sequence[str]] = {}
        self.usable = True  # False once the run wrote what is not noted here: the rebuild then reads the store

    def record(self, graph: str, noted: Sequence[str]) -> None:
        self.graphs[graph] = noted

    def record_nquads(self, graph: str, lines: Iterable[str]) -> None:
        """A graph written as N-Quads lines (`<s> <p> o <g> .`): its statements of the predicates read."""
        noted: list[str] = []
        for line in lines:
            subject, predicate, rest = line.split(" ", 2)
            if predicate[1:-1] in READ:
                noted += (subject, predicate, term_value(rest[:rest.rindex(" <")]))  # the object as a value
        self.graphs[graph] = noted

    def drop(self, graphs: Iterable[str]) -> None:
        for graph in graphs:
            self.graphs.pop(graph, None)

    def by_predicate(self, classes: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        """{predicate: (subject, object) values}, a statement once per graph that states it; of rdf:type, the
        statements of `classes` only."""
        classes = set(classes)
        found: dict[str, list[tuple[str, str]]] = defaultdict(list)
        types = found[RDF + "type"]
        lists: dict[str, list[tuple[str, str]]] = {}  # by the predicate's term, as noted
        values: dict[str, str] = {}  # of the terms, each spelt out once
        for noted in self.graphs.values():
            it = iter(noted)
            for subject, predicate, obj in zip(it, it, it, strict=True):
                pairs = lists.get(predicate)
                if pairs is None:
                    pairs = lists[predicate] = found[term_value(predicate)]
                s = values.get(subject)
                if s is None:
                    s = values[subject] = term_value(subject)
                if obj.__class__ is not str:  # a term
                    o = values.get(obj)
                    if o is None:
                        o = values[obj] = term_value(obj)
                    obj = o
                if pairs is types and obj not in classes:
                    continue
                pairs.append((s, obj))
        return found


class NotedScan(GraphScan):
    """`GraphScan` over a run's noted statements and the vocabulary graph (read from the store: a few thousand
    statements): the statements a scan of the store would give, in another order. Its `pairs` are its
    `statements`, a statement once per graph that states it: every reader of `pairs` chooses by value or keeps a
    set, so repeats change nothing, and leaving them costs nothing (removing them, 3-4 s of CPU on the full-size
    export)."""

    def __init__(self, store: GraphStore, run: RunStatements, classes: Iterable[str] = ()) -> None:
        super().__init__(store, classes)
        self._run = run.by_predicate(self.classes)

    def _read(self, predicate: str, distinct: str) -> list[tuple[str, str]]:
        found = list(self._run.get(predicate, ()))
        found += [(row[0].value, row[1].value) for row in self.store.query(
            f"SELECT ?s ?o WHERE {{ GRAPH <{VOCABULARY_GRAPH}> {{ ?s <{predicate}> ?o }} }}")
                  if predicate != RDF + "type" or row[1].value in self.classes]
        return found

    def untitled_works(self) -> dict[str, str]:
        types, names = self.objects(RDF + "type"), self.objects(SCHEMA + "name")
        values = [self.objects(RKG + local) for local in ("citation", "doi", "pmid")]
        return untitled_labels({work: tuple(v.get(work, ()) for v in values) for work, classes in types.items()
                                if RKG + "Article" in classes and work not in names})
