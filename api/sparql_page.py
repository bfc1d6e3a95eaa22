"""The SPARQL endpoint for people: the query page with the site's header, its example gallery, and the
results of a browser's GET `/sparql?query=...` as a table (IRIs linked) or a syntax error shown at its
line and column.

The form submits by GET, so a results page's URL is the query's shareable address. The page reads the
same answers as any client (SPARQL JSON for solutions, N-Triples for graphs), from the same cache.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, parse

from retractkg.api.conneg import NotAcceptable, negotiate
from retractkg.api.errors import ProblemError
from retractkg.api.resources import local_path
from retractkg.api.sparql_results import Dataset
from retractkg.api.sparql_syntax import locate_syntax_error
from retractkg.api.templating import render
from retractkg.config import Settings
from retractkg.formats import GRAPH_TYPES, HTML, JSON_RESULTS, NTRIPLES, QUERY_PREFIXES, SOLUTION_TYPES

EXAMPLES_FILE = Path(__file__).resolve().parent / "sparql_examples.toml"
# What the results page asks the engine for: it reads SPARQL JSON (SELECT, ASK) or N-Triples (graphs).
RESULTS_PAGE_SOURCE = f"{JSON_RESULTS}, {NTRIPLES};q=0.9"
SHOWN_ROWS = 1_000  # a page shows this many rows; the whole answer is a download away
DOWNLOADS = (("json", "SPARQL JSON"), ("csv", "CSV"), ("tsv", "TSV"), ("xml", "SPARQL XML"))
GRAPH_DOWNLOADS = (("turtle", "Turtle"), ("jsonld", "JSON-LD"), ("ntriples", "N-Triples"))
DEFAULT_QUERY = """SELECT ?notice ?title ?date WHERE {
  ?notice a fabio:RetractionNotice ; schema:name ?title .
  OPTIONAL { ?notice schema:datePublished ?date }
} ORDER BY DESC(?date) LIMIT 20"""


@dataclass(frozen=True)
class Example:
    id: str
    title: str
    query: str

    @property
    def href(self) -> str:
        return "/sparql?" + urlencode({"query": self.query})


@lru_cache(maxsize=1)
def examples() -> tuple[Example, ...]:
    """The gallery (`sparql_examples.toml`): reviewed as data, replayed by the tests."""
    with EXAMPLES_FILE.open("rb") as f:
        return tuple(Example(e["id"], e["title"], e["query"].strip()) for e in tomllib.load(f)["example"])


@lru_cache(maxsize=512)
def wants_results_page(accept: str | None, format: str | None) -> bool:
    """A browser's GET: no format asked for, and `Accept` prefers HTML to every answer format (so `*/*`,
    curl's default, still gets SPARQL JSON). Clients repeat their Accept headers: answers are cached."""
    if format:
        return False
    try:
        return negotiate(accept, [*SOLUTION_TYPES, *GRAPH_TYPES, HTML]) == HTML
    except NotAcceptable:
        return False


def located(problem: ProblemError, query: str) -> ProblemError:
    """A syntax error with its line, column and the offending line under a caret; other problems as they are."""
    if problem.kind != "query-syntax":
        return problem
    detail, extra = locate_syntax_error(query, problem.detail.removeprefix("SPARQL syntax error: "), QUERY_PREFIXES)
    return ProblemError(problem.status, problem.kind, detail, headers=problem.headers, extra=extra)


def form_page() -> bytes:
    """The query page without a query: the editor with the predeclared prefixes and the gallery."""
    return _page(DEFAULT_QUERY)


def results_page(query: str, *, answer: tuple[bytes, str] | None = None, problem: ProblemError | None = None,
                 settings: Settings | None = None, dataset: Dataset | None = None) -> bytes:
    """The query page with the answer below the editor (or the problem, pointed at its position); the
    download links ask the same question (dataset included) in other formats."""
    table = _table(answer, settings) if answer is not None and settings is not None else None
    downloads = []
    if table is not None:
        graphs = [("default-graph-uri", g) for g in dataset.default_graphs] if dataset else []
        graphs += [("named-graph-uri", g) for g in dataset.named_graphs] if dataset else []
        choices = GRAPH_DOWNLOADS if table["graph"] else DOWNLOADS
        downloads = [(label, "/sparql?" + urlencode([("query", query), *graphs, ("format", name)]))
                     for name, label in choices]
    return _page(query, table=table, problem=problem, downloads=downloads)


def _page(query: str, **context: Any) -> bytes:
    prologue = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in QUERY_PREFIXES.items())
    return render("sparql.html", title="SPARQL", sparql_query=query, prologue=prologue,
                  examples=examples(), json_ld=_WEB_API, **context)


_WEB_API = json.dumps({"@context": "http://schema.org/", "@type": "WebAPI", "@id": "/sparql",
                       "name": "retractkg SPARQL 1.1 endpoint",
                       "description": "Read-only SPARQL 1.1 Protocol endpoint over the retractkg graph of "
                                      "scholarly retractions.",
                       "documentation": "https://www.w3.org/TR/sparql11-protocol/", "isAccessibleForFree": True})


def _table(answer: tuple[bytes, str], settings: Settings) -> dict[str, Any]:
    body, media_type = answer
    if media_type == NTRIPLES:
        triples = list(parse(body, RdfFormat.N_TRIPLES))
        rows = [[_term(t.subject, settings), _term(t.predicate, settings), _term(t.object, settings)]
                for t in triples[:SHOWN_ROWS]]
        return {"graph": True, "vars": ["subject", "predicate", "object"], "rows": rows, "total": len(triples)}
    data = json.loads(body)
    if "boolean" in data:
        return {"graph": False, "boolean": data["boolean"], "vars": [], "rows": [], "total": 0}
    names = data["head"].get("vars", [])
    bindings = data["results"]["bindings"]
    rows = [[_json_term(b.get(v), settings) for v in names] for b in bindings[:SHOWN_ROWS]]
    return {"graph": False, "vars": names, "rows": rows, "total": len(bindings)}


def _term(term: NamedNode | BlankNode | Literal, settings: Settings) -> dict[str, str]:
    if isinstance(term, NamedNode):
        return _iri(term.value, settings)
    if isinstance(term, BlankNode):
        return {"text": f"_:{term.value}"}
    return _literal(term.value, term.language, term.datatype.value if term.datatype else None)


def _json_term(term: dict[str, str] | None, settings: Settings) -> dict[str, str]:
    if term is None:
        return {"text": ""}
    if term["type"] == "uri":
        return _iri(term["value"], settings)
    if term["type"] == "bnode":
        return {"text": f"_:{term['value']}"}
    return _literal(term["value"], term.get("xml:lang"), term.get("datatype"))


def _iri(iri: str, settings: Settings) -> dict[str, str]:
    """A link: to this server's page when the IRI is one of its own, else to the IRI itself (http(s) only)."""
    shown = next((f"{name}:{iri[len(ns):]}" for name, ns in QUERY_PREFIXES.items()
                  if iri.startswith(ns) and "/" not in iri[len(ns):] and "#" not in iri[len(ns):]), iri)
    href = local_path(iri, settings) or (iri if iri.startswith(("http://", "https://")) else "")
    return {"text": shown, "href": href, "title": iri}


def _literal(value: str, language: str | None, datatype: str | None) -> dict[str, str]:
    if language:
        return {"text": value, "note": f"@{language}"}
    short = next((f"{name}:{datatype[len(ns):]}" for name, ns in QUERY_PREFIXES.items()
                  if datatype and datatype.startswith(ns)), datatype or "")
    return {"text": value, "note": "" if short in ("xsd:string", "") else short}
