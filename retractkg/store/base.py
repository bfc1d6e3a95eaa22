"""The store interface: everything above it (ingest, API, CLI) sees only a `GraphStore`.

Both implementations return pyoxigraph's result types, so callers never branch on the backend:
the remote store parses the server's answer with `pyoxigraph.parse_query_results`/`parse`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import BinaryIO

from pyoxigraph import NamedNode, Quad, QueryBoolean, QuerySolutions, QueryTriples, RdfFormat, Store, parse

from retractkg.store.reach import Hops, reach_pattern

QueryResult = QuerySolutions | QueryBoolean | QueryTriples


def xsd_datetime(value: str) -> datetime:
    """A stored xsd:dateTime as an aware datetime (UTC where the value has no zone), for Last-Modified."""
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class StoreError(Exception):
    """A store refused or failed an operation; the message says which and why."""


class GraphStore(ABC):
    """A quad store holding one named graph per ingested source record.

    The default graph of queries is the union of all named graphs unless the caller names graphs.
    """

    # How many writes of disjoint graphs ingest may run at once. One for a server: concurrent SPARQL
    # updates can deadlock on some servers (Virtuoso), and the server's own threads do the work.
    write_concurrency = 1

    @abstractmethod
    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query; `default_graphs`/`named_graphs` follow the SPARQL Protocol's dataset."""

    def reach(self, root: str, paths: Sequence[Hops]) -> list[Quad]:
        """The quads that `paths` reach from `root` (see `retractkg.store.reach`), each once.

        One SELECT here; the embedded store walks its indexes instead, which is faster than any
        query plan for these fixed paths.
        """
        result = self.query(f"SELECT ?s ?p ?o ?g WHERE {reach_pattern(root, paths)}")
        assert isinstance(result, QuerySolutions)
        return list(dict.fromkeys(Quad(row["s"], row["p"], row["o"], row["g"]) for row in result))

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update as one transaction."""

    @abstractmethod
    def replace_graphs(self, graphs: Mapping[str, Sequence[Quad]], *, also_add: Sequence[Quad] = ()) -> None:
        """Atomically make each named graph hold exactly the given quads, and add `also_add` (to any graph)."""

    def replace_graphs_nquads(self, graphs: Mapping[str, bytes], *, also_add: bytes = b"") -> None:
        """`replace_graphs` with each graph's quads (and `also_add`) as an N-Quads document.

        Ingest writes this way: a store can load the text without a Python object per quad. This
        default parses it and calls `replace_graphs`; the embedded store bulk-loads new graphs.
        """
        self.replace_graphs({g: list(parse(data, RdfFormat.N_QUADS)) for g, data in graphs.items()},
                            also_add=list(parse(also_add, RdfFormat.N_QUADS)) if also_add else ())

    @abstractmethod
    def remove_graphs(self, graphs: Iterable[str]) -> None:
        """Atomically drop the given named graphs."""

    @abstractmethod
    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        """Stream every quad (of one named graph if given) without loading them all."""

    @abstractmethod
    def dump(self, output: BinaryIO, format: RdfFormat, *, graph: str | None = None) -> None:
        """Serialize the store (or one graph) to `output` in a quad or triple format."""

    def close(self) -> None:  # noqa: B027 - optional hook, nothing to release by default
        """Release files or connections."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def graph_names(self) -> list[str]:
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return [solution["g"].value for solution in result]


def triples_result(data: bytes, rdf_format: RdfFormat) -> QueryTriples:
    """A CONSTRUCT answer read back from its serialization (a server's, or a query process's) as the
    type the embedded store returns: pyoxigraph has no public constructor for QueryTriples, so the
    graph is loaded into a scratch store and constructed back."""
    scratch = Store()
    scratch.load(data, rdf_format)
    result = scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(result, QueryTriples)
    return result


VALUES_CHUNK = 2000  # IRIs in one VALUES list: Virtuoso refuses a list of about 5,000


def values_lists(iris: Sequence[str], size: int = VALUES_CHUNK) -> Iterator[str]:
    """The IRIs as the bodies of SPARQL VALUES lists of at most `size` entries each."""
    for start in range(0, len(iris), size):
        yield " ".join(f"<{iri}>" for iri in iris[start:start + size])


def insert_data(quads: Iterable[Quad]) -> str:
    """Render quads as the body of a SPARQL `INSERT DATA` (terms print as N-Triples in pyoxigraph)."""
    lines = [f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}" for q in quads]
    return "INSERT DATA {\n" + "\n".join(lines) + "\n}"


def replace_graphs_update(graphs: Mapping[str, Sequence[Quad]], also_add: Sequence[Quad] = ()) -> str:
    """One SPARQL update that swaps the content of several graphs; servers run it as one request."""
    drops = [f"DROP SILENT GRAPH {NamedNode(g)}" for g in graphs]
    inserts = [insert_data(quads) for quads in [*graphs.values(), also_add] if quads]
    return " ;\n".join(drops + inserts)
