"""Run one SPARQL query and serialize its answer with pyoxigraph's own writers, within the limits.

The media type is chosen once the kind of result is known (solutions, boolean or triples), from
the request's `Accept` header or `format`/`output` parameter; JSON-LD is compacted with the
project's context (`ontology/context.jsonld`) by pyld, which never fetches anything remote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from pyoxigraph import NamedNode, Quad, QueryBoolean, QuerySolutions, RdfFormat
from pyoxigraph import serialize as serialize_rdf

from retractkg.api.conneg import negotiate
from retractkg.api.sparql_limits import ROW_COUNTERS, Deadline, GuardedBuffer, guarded_triples
from retractkg.api.sparql_text import UnreadableDataset, from_dataset
from retractkg.formats import (
    BOOLEAN_TYPES,
    GRAPH_ALIASES,
    GRAPH_TYPES,
    QUERY_PREFIXES,
    SOLUTION_ALIASES,
    SOLUTION_TYPES,
)
from retractkg.formats import DATA_PREFIXES as PREFIXES
from retractkg.jsonld import compact_jsonld
from retractkg.store import GraphStore, StoreError

JSONLD_MAX_TRIPLES = 2_000
JSONLD_HINT = "JSON-LD answers are compacted and capped lower; ask for N-Triples or Turtle, or page with LIMIT/OFFSET"
_POSITION = re.compile(r"error at (\d+):(\d+)")
_DECLARATIONS = {f"{name}:": f"PREFIX {name}: <{iri}> " for name, iri in QUERY_PREFIXES.items()}


class Dataset(NamedTuple):
    """The RDF dataset of the SPARQL Protocol (`default-graph-uri`/`named-graph-uri`); none given = the store's.
    (Tuples: one is made for every query, in both processes, and a tuple is the cheapest to make.)"""

    default_graphs: Sequence[str] = ()
    named_graphs: Sequence[str] = ()

    @property
    def given(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


STORE_DATASET = Dataset()  # none given: the store's own (made once, as most requests name no graph)


class Answer(NamedTuple):
    body: bytes
    media_type: str


class QuerySyntaxError(Exception):
    """The query does not parse; the message has the line and column of the problem."""


class UnknownGraph(Exception):
    """A graph named by the request or the query's FROM is not in the store."""


def protocol_answer(store: GraphStore, query: str, dataset: Dataset, *, base_iri: str, accept: str | None,
                    format: str | None, deadline: Deadline, max_rows: int) -> Answer:
    """A protocol request's answer: its dataset (the request's graphs, else the query's FROM clauses,
    else the union of all graphs) must be graphs of this store, then the query runs within the limits."""
    reading = read_query(query, base_iri)
    # `is STORE_DATASET` first: most requests name no graph, and `given` is a Python-level property.
    given = dataset is not STORE_DATASET and dataset.given
    if not given:
        if reading.unreadable is not None:
            raise QuerySyntaxError(reading.unreadable)
        if reading.dataset is not None:
            dataset, given = reading.dataset, True
    for iri in dict.fromkeys([*dataset.default_graphs, *dataset.named_graphs]) if given else ():
        try:
            graph = NamedNode(iri)
        except ValueError as e:
            raise QuerySyntaxError(f"the graph <{iri}> of the dataset is not a valid IRI: {e}") from e
        if not bool(store.query(f"ASK {{ GRAPH {graph} {{ }} }}")):
            raise UnknownGraph(f"graph <{iri}> is not in this store; this endpoint answers from its own graphs "
                               "only and never fetches remote ones")
    deadline.check()
    return run_query(store, reading.text, dataset, accept=accept, format=format, deadline=deadline,
                     max_rows=max_rows)


class Reading(NamedTuple):
    """What is read from a query's text before the engine runs it (`read_query`)."""

    text: str  # the text the engine is given: the prologue's line (`prologue`), then the query
    dataset: Dataset | None  # the graphs of its FROM / FROM NAMED clauses; None without any
    unreadable: str | None = None  # why those clauses cannot be read (told only when the request names no graph)


READINGS_KEPT = 1024  # query texts whose reading a process keeps (a client repeating a lookup reads it once)
READ_ONCE_UP_TO = 4096  # characters: longer texts are read every time, so that the kept ones stay small


def read_query(query: str, base_iri: str) -> Reading:
    """The text the engine runs and the FROM dataset of a query: the same for the same text and base, so kept for
    the texts a process answers most recently (`READINGS_KEPT`, up to `READ_ONCE_UP_TO` characters each: with
    the text given to the engine, some 8 MB of ASCII at most). Nothing that depends on the store is kept: whether
    the graphs exist is asked every time."""
    if len(query) > READ_ONCE_UP_TO:
        return _read(query, base_iri)
    return _read_kept(query, base_iri)


def _read(query: str, base_iri: str) -> Reading:
    text = prologue(query, base_iri) + query
    try:
        named_in_query = from_dataset(query, base_iri, QUERY_PREFIXES)
    except UnreadableDataset as e:
        return Reading(text, None, str(e))
    dataset = None if named_in_query is None else Dataset(tuple(named_in_query[0]), tuple(named_in_query[1]))
    return Reading(text, dataset)


_read_kept = lru_cache(maxsize=READINGS_KEPT)(_read)


def run_query(store: GraphStore, text: str, dataset: Dataset, *, accept: str | None, format: str | None,
              deadline: Deadline, max_rows: int) -> Answer:
    """Evaluate `text` (a query after its prologue: `read_query`) and serialize its answer; runs on a query
    thread or in a query process (blocking)."""
    try:
        if dataset is not STORE_DATASET and dataset.given:
            result = store.query(text, default_graphs=list(dataset.default_graphs),
                                 named_graphs=list(dataset.named_graphs))
        else:
            result = store.query(text)
    except StoreError as e:
        cause = e.__cause__
        if isinstance(cause, SyntaxError):
            raise QuerySyntaxError(_user_position(str(cause))) from e
        raise
    if isinstance(result, QueryBoolean):
        media_type = choose("boolean", accept, format)
        return Answer(result.serialize(format=BOOLEAN_TYPES[media_type]), media_type)
    if isinstance(result, QuerySolutions):
        media_type = choose("solutions", accept, format)
        results_format = SOLUTION_TYPES[media_type]
        buffer = GuardedBuffer(deadline, max_rows=max_rows, rows=ROW_COUNTERS[results_format])
        # Into the buffer, chunk by chunk, so that the deadline and the row cap stop a runaway answer. pyoxigraph
        # (0.5.13) takes any output object for a file path first, and raises and drops a TypeError before writing
        # to it (~8k of a DOI lookup's ~520k instructions in a query process); only `output=None` is spared that,
        # but it builds the whole answer in memory with neither check.
        result.serialize(buffer, results_format)
        return Answer(buffer.getvalue(), media_type)
    media_type = choose("graph", accept, format)
    rdf_format = GRAPH_TYPES[media_type]
    buffer = GuardedBuffer(deadline)
    if rdf_format == RdfFormat.JSON_LD:
        # pyld's compaction takes about a millisecond per triple and cannot be interrupted: cap it lower.
        serialize_rdf(guarded_triples(result, deadline, min(max_rows, JSONLD_MAX_TRIPLES), hint=JSONLD_HINT),
                      buffer, RdfFormat.JSON_LD)
        deadline.check()
        return Answer(compact_jsonld(buffer.getvalue()), media_type)
    triples = guarded_triples(result, deadline, max_rows)
    if rdf_format.supports_datasets:
        serialize_rdf((Quad(t.subject, t.predicate, t.object) for t in triples), buffer, rdf_format,
                      prefixes=PREFIXES)
    else:
        serialize_rdf(triples, buffer, rdf_format, prefixes=PREFIXES)
    return Answer(buffer.getvalue(), media_type)


def prologue(query: str, base_iri: str) -> str:
    """The line stated before a query: the endpoint's BASE and the predeclared prefixes its text may use.

    The BASE is stated only where the text may hold something to resolve against it (`_may_resolve`): the
    engine parses and resolves a BASE IRI, and a lookup that writes its IRIs in full has none to resolve.
    A prefixed name holds its prefix and colon as written (the engine reads no escapes there), so a prefix
    whose `name:` is nowhere in the text is not used, and is not declared: the engine parses a lookup's few
    words rather than a dozen declarations before them. The line is there even when empty, so that syntax
    errors are always one line down (`_user_position`).
    """
    base = f"BASE <{base_iri}> " if _may_resolve(query) else ""
    if query.count(":") == query.count("://"):
        # Every colon begins the `//` of an IRI, which no prefixed name can be followed by: none to declare (a
        # lookup that writes its IRIs in full is spared a dozen scans of its text).
        return base + "\n"
    return f"{base}{''.join(d for name, d in _DECLARATIONS.items() if name in query)}\n"


_NOT_HTTP_IRI = re.compile(r"<(?!https?://)")  # one search costs less than three counts
_RESOLVING_CALL = re.compile(r"[IU]RI\s*\(", re.IGNORECASE)


def _may_resolve(query: str) -> bool:
    """Whether the base IRI may matter to a query: SPARQL resolves a relative IRI reference (`<x>`, in a PREFIX,
    BASE, FROM or anywhere else) and the argument of IRI()/URI() against it, and nothing else. False only when
    every `<` of the text opens an http(s) IRI and no IRI( or URI( is written (then no function is called at
    all where the text has no parenthesis); a `<` that is an operator or inside a string keeps the BASE, which
    is always right, only not spared."""
    if _NOT_HTTP_IRI.search(query) is not None:
        return True
    return "(" in query and _RESOLVING_CALL.search(query) is not None


_OFFERS = {"boolean": (tuple(BOOLEAN_TYPES), SOLUTION_ALIASES), "solutions": (tuple(SOLUTION_TYPES), SOLUTION_ALIASES),
           "graph": (tuple(GRAPH_TYPES), GRAPH_ALIASES)}


@lru_cache(maxsize=512)
def choose(kind: str, accept: str | None, format: str | None) -> str:
    """The media type for a kind of result; clients repeat their Accept headers, so answers are cached."""
    offered, aliases = _OFFERS[kind]
    return negotiate(accept, offered, format=format, aliases=aliases)


def _user_position(message: str) -> str:
    """Report syntax errors at the line of the user's query, not of the text with the BASE line added."""
    return _POSITION.sub(lambda m: f"error at {int(m.group(1)) - 1}:{m.group(2)}", message, count=1)
