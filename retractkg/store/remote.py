"""A `GraphStore` on any SPARQL 1.1 server (Oxigraph server, Virtuoso, Fuseki): for graphs that outgrow a machine.

Requests follow the SPARQL 1.1 Protocol (a form-encoded `query` with `default-graph-uri`/`named-graph-uri`,
an `application/sparql-update` body) and go through urllib's public API with an opener of this store's
own, so that digest or basic credentials stay with this store. SPARQLWrapper's public `setQuery` and
`queryType` tell a query's form (its request building is private, and its digest support installs a
process-wide opener). Answers are parsed with pyoxigraph, so callers get the same result types as from
the embedded store.

The store's default graph must be the union of its named graphs, as in the embedded store; servers
differ in how that is configured (see `UNION_DEFAULT_GRAPH_HELP`), and the first query over the
default graph checks it and fails with that advice instead of answering from an empty graph.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from http.client import HTTPResponse
from typing import BinaryIO

from pyoxigraph import (
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse_query_results,
    serialize,
)
from SPARQLWrapper import SPARQLWrapper
from SPARQLWrapper.Wrapper import ASK, CONSTRUCT, DESCRIBE, SELECT

from retractkg import __version__
from retractkg.store.base import GraphStore, QueryResult, StoreError, insert_data, triples_result

# JSON first: Virtuoso writes XML 3-6 times faster, but trims the trailing spaces of literals in it.
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
AGENT = f"retractkg/{__version__}"
# A dataset whose default graph is the (empty) real default graph, as `default_graphs=[]` asks.
NO_GRAPH = "urn:x-retractkg:no-graph"
# Where a staged swap writes a graph's new content before moving it into place.
STAGING = "urn:x-retractkg:staging:"
# Per-graph formats of a dump of one graph, as the embedded store writes them.
TRIPLE_FORMAT_OF = {RdfFormat.N_QUADS: RdfFormat.N_TRIPLES, RdfFormat.TRIG: RdfFormat.TURTLE}

UNION_DEFAULT_GRAPH_HELP = """\
the server's default graph is not the union of its named graphs, which retractkg needs:
  Oxigraph server: start it with `oxigraph serve --union-default-graph ...`;
  Apache Jena Fuseki: set `tdb2:unionDefaultGraph true` on the dataset (configuration file);
  Virtuoso: nothing to do (its default graph is the union of all graphs);
  others: make the default graph the union of the named graphs."""


class RemoteSparqlStore(GraphStore):
    """A SPARQL 1.1 Query + Update server as the store; every operation is one or more HTTP requests.

    `graph_prefixes` limits what `graph_names`, `quads` and `dump` enumerate to graphs whose IRI
    starts with one of them, so that a server's own graphs (Virtuoso keeps several) or other
    datasets on a shared server stay out of exports. Queries still see everything the server has.
    `max_request_quads`/`max_request_graphs` bound one update request (Virtuoso refuses a request
    that compiles to more than 10,000 lines of SQL, and both servers take small updates faster);
    a larger `replace_graphs` batch is split between records, each record's graph swap (and its
    change-log entries) staying in one request.

    Oxigraph server (and Fuseki on TDB2) runs an update request in one transaction. Virtuoso runs its
    operations one by one (a failing operation does not undo the earlier ones), so there the new
    content is first written to staging graphs and each graph is then swapped in by one `MOVE`
    (`staged_swaps`, on by default for Virtuoso): a failure while writing leaves the old content.
    """

    def __init__(self, query_url: str, update_url: str, *, user: str = "", password: str = "",
                 timeout: float = 300.0, graph_prefixes: Sequence[str] = (),
                 max_request_quads: int = 5_000, max_request_graphs: int = 200, graphs_per_page: int = 50,
                 staged_swaps: bool | None = None) -> None:
        if not query_url.startswith(("http://", "https://")):
            raise StoreError(f"the SPARQL query URL must be http(s): {query_url!r}")
        if not update_url.startswith(("http://", "https://")):
            raise StoreError(f"the SPARQL update URL must be http(s): {update_url!r}")
        self.query_url = query_url
        self.update_url = update_url
        self.timeout = timeout
        self.graph_prefixes = tuple(graph_prefixes)
        self.max_request_quads = max_request_quads
        self.max_request_graphs = max_request_graphs
        self.graphs_per_page = graphs_per_page
        self.staged_swaps = staged_swaps
        self._server_header: str | None = None
        self._union_checked = False
        handlers: list[urllib.request.BaseHandler] = []
        if user:
            # Whichever scheme the server challenges with: Virtuoso's /sparql-auth asks for digest,
            # a proxy in front of Oxigraph or Fuseki's shiro for basic.
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, [query_url, update_url], user, password)
            handlers += [urllib.request.HTTPDigestAuthHandler(passwords),
                         urllib.request.HTTPBasicAuthHandler(passwords)]
        self._opener = urllib.request.build_opener(*handlers)

    def __repr__(self) -> str:
        return f"RemoteSparqlStore({self.query_url!r}, {self.update_url!r})"

    # -- queries

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        if default_graphs is None and named_graphs is None and not self._union_checked:
            self._check_union_default_graph()
        return self._query(sparql, default_graphs, named_graphs)

    def _query(self, sparql: str, default_graphs: Sequence[str] | None = None,
                named_graphs: Sequence[str] | None = None) -> QueryResult:
        form = query_form(sparql)
        if form not in (SELECT, ASK, CONSTRUCT, DESCRIBE):
            raise StoreError(f"not a query but a SPARQL {form}: run it as an update")
        parameters = [("query", sparql)]
        if default_graphs is not None:
            parameters += [("default-graph-uri", graph) for graph in default_graphs or [NO_GRAPH]]
        parameters += [("named-graph-uri", graph) for graph in named_graphs or ()]
        if named_graphs is not None and not named_graphs:
            parameters.append(("named-graph-uri", NO_GRAPH))
        graph_form = form in (CONSTRUCT, DESCRIBE)
        response = self._send("query", urllib.parse.urlencode(parameters).encode("ascii"),
                              "application/x-www-form-urlencoded", GRAPH_ACCEPT if graph_form else RESULTS_ACCEPT)
        media_type = response.headers.get_content_type()
        try:
            if graph_form:
                rdf_format = RdfFormat.from_media_type(media_type)
                if rdf_format is None:
                    raise StoreError(f"{self.query_url} answered a {form} with {media_type}, not an RDF format")
                return triples_result(response.read(), rdf_format)
            results_format = QueryResultsFormat.from_media_type(media_type)
            if results_format is None:
                raise StoreError(f"{self.query_url} answered a {form} with {media_type}, not SPARQL results")
            # Parsed as it arrives: a large SELECT streams instead of landing in memory.
            result = parse_query_results(response, results_format)
            if form == ASK and isinstance(result, QuerySolutions):
                return _ask_from_solutions(result)
            return result
        except SyntaxError as e:
            raise StoreError(f"unreadable answer from {self.query_url}: {e}") from e

    def _check_union_default_graph(self) -> None:
        """One quad of a named graph must also be in the default graph; otherwise say how to fix the server."""
        sample = list(self._query(
            "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o FILTER(isIRI(?s) && !isBlank(?o)) } } LIMIT 1"))
        if not sample:
            return  # an empty store cannot tell yet; ask again next time
        s, p, o = (sample[0][v] for v in ("s", "p", "o"))
        if not self._query(f"ASK {{ {s} {p} {o} }}"):
            raise StoreError(f"{self.query_url}: {UNION_DEFAULT_GRAPH_HELP}")
        self._union_checked = True

    # -- updates

    def update(self, sparql: str) -> None:
        # The text as the body (application/sparql-update): no form encoding of large batches, and no
        # parsing of its form (SPARQLWrapper's regexes take most of a second on a batch of 5,000 quads).
        self._send("update", sparql.encode("utf-8"), "application/sparql-update").close()

    def replace_graphs(self, graphs: Mapping[str, Sequence[Quad]], *, also_add: Sequence[Quad] = ()) -> None:
        if not graphs and not also_add:
            return
        staged = self.staged_swaps if self.staged_swaps is not None else self._server_is("Virtuoso")
        for chunk_graphs, chunk_also in split_batch(graphs, also_add, self.max_request_quads,
                                                    self.max_request_graphs):
            replaced = self._existing(chunk_graphs) if staged else set()
            self.update(swap_update(chunk_graphs, chunk_also, staged=replaced))

    def _existing(self, graphs: Iterable[str]) -> set[str]:
        """Which of these graphs hold quads (only those need a staged swap; new ones are simply inserted)."""
        blocks = [f"{{ GRAPH {NamedNode(g)} {{ ?s ?p ?o }} BIND({NamedNode(g)} AS ?g) }}" for g in graphs]
        if not blocks:
            return set()
        result = self._query(f"SELECT ?g WHERE {{ {' UNION '.join(blocks)} }} GROUP BY ?g")
        assert isinstance(result, QuerySolutions)
        return {solution["g"].value for solution in result}

    def remove_graphs(self, graphs: Iterable[str]) -> None:
        names = list(graphs)
        for start in range(0, len(names), self.max_request_graphs):
            self.update(" ;\n".join(f"DROP SILENT GRAPH {NamedNode(g)}"
                                     for g in names[start:start + self.max_request_graphs]))

    # -- enumeration

    def graph_names(self) -> list[str]:
        # GROUP BY, not DISTINCT: Virtuoso 7 takes minutes over `SELECT DISTINCT ?g` on a few thousand graphs.
        wanted = " || ".join(f"STRSTARTS(STR(?g), {Literal(p)})" for p in self.graph_prefixes)
        result = self._query(f"SELECT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {f'FILTER({wanted})' if wanted else ''} }}"
                             " GROUP BY ?g")
        assert isinstance(result, QuerySolutions)
        names = (solution["g"].value for solution in result if isinstance(solution["g"], NamedNode))
        return sorted(g for g in names if not g.startswith(STAGING)
                      and (not self.graph_prefixes or g.startswith(self.graph_prefixes)))

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        """Stream the quads, `graphs_per_page` graphs per request (a UNION of one block per graph).

        A block per graph lets every server use its graph index; `VALUES ?g {...}` joined with
        `GRAPH ?g` is as fast on Oxigraph but fifty times slower on Virtuoso.
        """
        names = [graph] if graph is not None else self.graph_names()
        for start in range(0, len(names), self.graphs_per_page):
            blocks = [f"{{ GRAPH {NamedNode(g)} {{ ?s ?p ?o }} BIND({NamedNode(g)} AS ?g) }}"
                      for g in names[start:start + self.graphs_per_page]]
            result = self._query(f"SELECT ?g ?s ?p ?o WHERE {{ {' UNION '.join(blocks)} }}")
            assert isinstance(result, QuerySolutions)
            for solution in result:
                yield Quad(solution["s"], solution["p"], solution["o"], solution["g"])

    def dump(self, output: BinaryIO, format: RdfFormat, *, graph: str | None = None) -> None:
        if graph is None:
            if not format.supports_datasets:
                raise StoreError(f"{format.name} holds one graph: name the graph to dump")
            serialize(self.quads(), output, format)
            return
        triples = (Triple(q.subject, q.predicate, q.object) for q in self.quads(graph))
        serialize(triples, output, TRIPLE_FORMAT_OF.get(format, format))

    # -- HTTP

    def _send(self, what: str, body: bytes, content_type: str, accept: str | None = None) -> HTTPResponse:
        """POST one protocol request ("query" or "update") with this store's opener and credentials."""
        url = self.update_url if what == "update" else self.query_url
        headers = {"Content-Type": content_type, "User-Agent": AGENT}
        if accept:
            headers["Accept"] = accept
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            response = self._opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace").strip()[:2000]
            hint = ""
            if e.code in (401, 403):
                hint = (" (credentials: RETRACTKG_SPARQL_USER/RETRACTKG_SPARQL_PASSWORD; Virtuoso takes writes"
                        " only on /sparql-auth with digest auth)")
            message = f"SPARQL {what} refused by {url}: HTTP {e.code} {e.reason}{hint}: {detail}"
            if e.code == 400:  # a malformed request: a SyntaxError cause, as the embedded store gives
                raise StoreError(message) from SyntaxError(detail)
            raise StoreError(message) from e
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise StoreError(f"cannot reach the SPARQL server at {url}: {reason}") from e
        _refuse_truncated(response, url)
        self._server_header = response.headers.get("Server", "")
        return response

    def _server_is(self, product: str) -> bool:
        """Whether the server's `Server` header names `product` (asked with `ASK {}` if not yet known)."""
        if self._server_header is None:
            self._query("ASK {}")
        return product.lower() in (self._server_header or "").lower()


def _refuse_truncated(response: HTTPResponse, url: str) -> None:
    """Virtuoso cuts results at its ResultSetMaxRows (and anytime-query timeouts) and says so only in headers."""
    max_rows = response.headers.get("X-SPARQL-MaxRows")
    state = response.headers.get("X-SQL-State")
    if max_rows or state:
        response.close()
        message = response.headers.get("X-SQL-Message", "")
        cut = f"as many rows as its ResultSetMaxRows ({max_rows})" if max_rows else f"{state} {message}".strip()
        raise StoreError(f"{url} may have cut the results ({cut}): raise [SPARQL] ResultSetMaxRows"
                         " and MaxQueryExecutionTime in virtuoso.ini")


def _ask_from_solutions(result: QuerySolutions) -> QueryBoolean:
    """Virtuoso 7 answers ASK with one `__ASK_RETVAL` row (1) or none (false) instead of a boolean."""
    value = any(solution[0] is None or solution[0].value not in ("0", "false") for solution in result)
    answer = b'{"head": {}, "boolean": true}' if value else b'{"head": {}, "boolean": false}'
    return parse_query_results(answer, QueryResultsFormat.JSON)


def swap_update(graphs: Mapping[str, Sequence[Quad]], also_add: Sequence[Quad], *,
                staged: Collection[str] = ()) -> str:
    """One update request that makes each graph hold exactly its quads and adds `also_add`.

    Graphs not in `staged`: dropped, then written by one `INSERT DATA` (one operation, not one per
    graph: Virtuoso limits how much one request may compile to). Graphs in `staged` (existing ones,
    on a server that does not run a request as one transaction): their new content goes to a
    staging graph in that same `INSERT DATA`, then one `MOVE` each swaps it into place.
    """
    staging = {g: NamedNode(STAGING + g) for g in graphs if g in staged and graphs[g]}
    operations = [f"DROP SILENT GRAPH {staging[g]}" for g in staging]  # leftovers of an interrupted swap
    operations += [f"DROP SILENT GRAPH {NamedNode(g)}" for g in graphs if g not in staging]
    quads = [Quad(q.subject, q.predicate, q.object, staging[g]) if g in staging else q
             for g, graph_quads in graphs.items() for q in graph_quads] + list(also_add)
    if quads:
        operations.append(insert_data(quads))
    operations += [f"MOVE SILENT GRAPH {staging[g]} TO GRAPH {NamedNode(g)}" for g in staging]
    return " ;\n".join(operations)


def split_batch(graphs: Mapping[str, Sequence[Quad]], also_add: Sequence[Quad], max_quads: int,
                max_graphs: int = 200) -> list[tuple[dict[str, Sequence[Quad]], list[Quad]]]:
    """Cut a batch between records so that each request stays under `max_quads` and `max_graphs`.

    A record larger than `max_quads` goes alone. `also_add` quads are grouped by subject; a group
    that names one of the batch's graphs (a change-log entry's `as:target`) travels with that graph,
    the rest with the first request, so the log of a change is written in the same request as the change.
    """
    groups: dict[object, list[Quad]] = {}
    for quad in also_add:
        groups.setdefault(quad.subject, []).append(quad)
    travelling: dict[str, list[Quad]] = {}
    unattached: list[Quad] = []
    for group in groups.values():
        named = next((t.value for q in group for t in (q.subject, q.object)
                      if isinstance(t, NamedNode) and t.value in graphs), None)
        (travelling.setdefault(named, []) if named else unattached).extend(group)
    chunks: list[tuple[dict[str, Sequence[Quad]], list[Quad]]] = [({}, unattached)]
    size = len(unattached)
    for graph, quads in graphs.items():
        extra = travelling.get(graph, [])
        weight = len(quads) + len(extra)
        if chunks[-1][0] and (size + weight > max_quads or len(chunks[-1][0]) >= max_graphs):
            chunks.append(({}, []))
            size = 0
        chunks[-1][0][graph] = quads
        chunks[-1][1].extend(extra)
        size += weight
    return chunks


def query_form(sparql: str) -> str:
    """SELECT, ASK, CONSTRUCT, DESCRIBE or an update's first operation, as SPARQLWrapper reads it."""
    wrapper = SPARQLWrapper("http://localhost/")  # never sent: only its query-form reading is used
    with warnings.catch_warnings():  # it warns about forms it does not recognise
        warnings.simplefilter("ignore", RuntimeWarning)
        wrapper.setQuery(sparql)
    return wrapper.queryType
