"""Real SPARQL clients the project did not write, against `retractkg serve` on 127.0.0.1.

SPARQLWrapper (Python) in every result format, and Apache Jena's `rsparql` (Java, from Debian,
installed by scripts/install_test_deps.sh as .ci/work/jena/rsparql). Each answer is compared
with what the store itself answers to the same query.
"""

from __future__ import annotations

import csv
import gc
import io
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import servers
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from retractkg.ontology import REASON_SCHEME, REASONS_FILE, SCHEMA, SCHEMES_FILE, SKOS
from retractkg.store import OxigraphStore

ROOT = Path(__file__).resolve().parents[1]
RSPARQL = ROOT / ".ci" / "work" / "jena" / "rsparql"
EX = "http://example.org/"

SELECT = f"""PREFIX skos: <{SKOS}>
SELECT ?reason ?label WHERE {{
  ?reason skos:inScheme <{REASON_SCHEME}> ; skos:prefLabel ?label .
}} ORDER BY ?reason LIMIT 25"""
ASK = f"ASK {{ ?reason <{SKOS}inScheme> <{REASON_SCHEME}> }}"
CONSTRUCT = f"""PREFIX skos: <{SKOS}>
CONSTRUCT {{ ?reason skos:prefLabel ?label ; skos:inScheme ?scheme }} WHERE {{
  ?reason skos:inScheme ?scheme ; skos:prefLabel ?label .
  FILTER(?scheme = <{REASON_SCHEME}>)
}}"""


def build_store(path: Path) -> dict[str, object]:
    """The project's reason and nature schemes (real vocabulary data) plus a notice with tricky literals.

    Returns what the store itself answers to the queries the clients send.
    """
    store = OxigraphStore(path)
    for file in (REASONS_FILE, SCHEMES_FILE):
        store.oxigraph.load(path=str(file), format=RdfFormat.TURTLE, to_graph=NamedNode(f"{EX}graph/{file.stem}"))
    name = NamedNode(SCHEMA + "name")
    notice = NamedNode(EX + "notice/1")
    store.oxigraph.extend([Quad(notice, name, Literal('Retraction "Note": {data}, 2\u00a0lines\nhere', language="en"),
                                NamedNode(EX + "graph/notice")),
                           Quad(notice, NamedNode(SCHEMA + "position"), Literal(3), NamedNode(EX + "graph/notice"))])
    rows = [(row["reason"].value, row["label"].value, row["label"].language) for row in store.query(SELECT)]
    triples = {str(t) for t in store.query(CONSTRUCT)}
    store.close()
    assert len(rows) == 25 and len(triples) > 100
    return {"rows": rows, "triples": triples}


@pytest.fixture(scope="module")
def served_store() -> Iterator[tuple[Path, dict[str, object]]]:
    with tempfile.TemporaryDirectory(prefix="retractkg-sparql-clients-") as tmp:
        path = Path(tmp) / "store"
        answers = build_store(path)
        gc.collect()  # release the store's lock before the server opens it
        yield path, answers


@pytest.fixture(scope="module")
def expected(served_store: tuple[Path, dict[str, object]]) -> dict[str, object]:
    return served_store[1]


@pytest.fixture(scope="module")
def endpoint(served_store: tuple[Path, dict[str, object]]) -> Iterator[str]:
    """`retractkg serve` in its own process on a free port, stopped by PID."""
    port = servers.free_port()
    with tempfile.TemporaryDirectory(prefix="retractkg-serve-") as tmp:
        log = Path(tmp) / "serve.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "retractkg.cli", "serve", "--store", str(served_store[0]), "--host",
                 "127.0.0.1", "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}/sparql"
            servers.wait_until_answering(url, process, log)
            yield url
        finally:
            servers.stop(process)


def wrapper(endpoint: str, query: str, return_format: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(query)
    sparql.setReturnFormat(return_format)
    return sparql


def ntriples_of(graph: Graph) -> set[str]:
    data = graph.serialize(format="nt", encoding="utf-8")
    return {str(t) for t in parse(data, RdfFormat.N_TRIPLES)}


# --- SPARQLWrapper ------------------------------------------------------------------------------

def test_sparqlwrapper_select_json(endpoint: str, expected: dict) -> None:
    result = wrapper(endpoint, SELECT, JSON).queryAndConvert()
    rows = [(b["reason"]["value"], b["label"]["value"], b["label"].get("xml:lang"))
            for b in result["results"]["bindings"]]
    assert result["head"]["vars"] == ["reason", "label"]
    assert rows == expected["rows"]


def test_sparqlwrapper_select_xml(endpoint: str, expected: dict) -> None:
    document = wrapper(endpoint, SELECT, XML).queryAndConvert()  # an xml.dom.minidom Document
    rows = []
    for result in document.getElementsByTagName("result"):
        values = {b.getAttribute("name"): b.firstChild for b in result.getElementsByTagName("binding")}
        label = values["label"]
        rows.append((values["reason"].firstChild.data, label.firstChild.data,
                     label.getAttribute("xml:lang") or None))
    assert rows == expected["rows"]


@pytest.mark.parametrize(("return_format", "delimiter"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_select_csv_and_tsv(endpoint: str, expected: dict, return_format: str, delimiter: str) -> None:
    body = wrapper(endpoint, SELECT, return_format).queryAndConvert().decode("utf-8")
    rows = list(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter))
    assert len(rows) == 1 + len(expected["rows"])
    if return_format == CSV:
        assert rows[0] == ["reason", "label"]
        assert [(r[0], r[1]) for r in rows[1:]] == [(iri, label) for iri, label, _ in expected["rows"]]
    else:  # TSV holds terms in Turtle syntax
        assert rows[0] == ["?reason", "?label"]
        assert [r[0] for r in rows[1:]] == [f"<{iri}>" for iri, _, _ in expected["rows"]]


@pytest.mark.parametrize("return_format", [JSON, XML])
def test_sparqlwrapper_ask(endpoint: str, return_format: str) -> None:
    result = wrapper(endpoint, ASK, return_format).queryAndConvert()
    if return_format == JSON:
        assert result["boolean"] is True
    else:
        assert result.getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize("return_format", [TURTLE, RDFXML, XML, JSONLD])
def test_sparqlwrapper_construct(endpoint: str, expected: dict, return_format: str) -> None:
    converted = wrapper(endpoint, CONSTRUCT, return_format).queryAndConvert()
    # SPARQLWrapper returns Turtle as bytes, the other formats as rdflib graphs
    graph = Graph().parse(data=converted, format="turtle") if isinstance(converted, bytes) else converted
    assert ntriples_of(graph) == expected["triples"]


def test_sparqlwrapper_construct_ntriples(endpoint: str, expected: dict) -> None:
    sparql = wrapper(endpoint, CONSTRUCT, N3)
    sparql.setOnlyConneg(True)
    sparql.addCustomHttpHeader("Accept", "application/n-triples")
    response = sparql.query()
    assert response.response.headers["Content-Type"] == "application/n-triples"
    assert {str(t) for t in parse(response.response.read(), RdfFormat.N_TRIPLES)} == expected["triples"]


def test_sparqlwrapper_post(endpoint: str, expected: dict) -> None:
    sparql = wrapper(endpoint, SELECT, JSON)
    sparql.setMethod("POST")
    result = sparql.queryAndConvert()
    assert [b["reason"]["value"] for b in result["results"]["bindings"]] == [r[0] for r in expected["rows"]]


def test_sparqlwrapper_sees_the_refusal_of_updates(endpoint: str) -> None:
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    sparql = SPARQLWrapper(endpoint)
    sparql.setMethod("POST")
    sparql.setQuery(f"INSERT DATA {{ <{EX}s> <{EX}p> 1 }}")
    with pytest.raises((SPARQLWrapperException, OSError)) as caught:
        sparql.query()
    assert "403" in str(caught.value)


# --- Apache Jena rsparql -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rsparql() -> Path:
    if not RSPARQL.exists():
        message = f"{RSPARQL} is missing (`bash scripts/install_test_deps.sh` builds it from Debian's Jena)"
        if servers.in_ci():
            pytest.fail(f"CI=true: {message}", pytrace=False)
        pytest.skip(message)
    return RSPARQL


def run_rsparql(rsparql: Path, endpoint: str, query: str, results: str) -> str:
    done = subprocess.run([str(rsparql), "--service", endpoint, "--results", results, query],
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout.decode("utf-8")


@pytest.mark.parametrize(("results", "delimiter"), [("CSV", ","), ("TSV", "\t")])
def test_jena_rsparql_select(rsparql: Path, endpoint: str, expected: dict, results: str, delimiter: str) -> None:
    rows = list(csv.reader(io.StringIO(run_rsparql(rsparql, endpoint, SELECT, results), newline=""),
                           delimiter=delimiter))
    iris = [row[0] for row in rows[1:]]
    if results == "TSV":
        iris = [iri.strip("<>") for iri in iris]
    assert iris == [r[0] for r in expected["rows"]]


def test_jena_rsparql_select_json(rsparql: Path, endpoint: str, expected: dict) -> None:
    import json

    result = json.loads(run_rsparql(rsparql, endpoint, SELECT, "JSON"))
    assert [(b["reason"]["value"], b["label"]["value"], b["label"].get("xml:lang"))
            for b in result["results"]["bindings"]] == expected["rows"]


def test_jena_rsparql_ask(rsparql: Path, endpoint: str) -> None:
    assert "yes" in run_rsparql(rsparql, endpoint, ASK, "text").lower()


# Jena reads our answer in each case; it writes it back in the named syntax (not JSON-LD: Debian's
# Jena 4.5 fails in its own JSON-LD 1.1 writer, on the client side).
@pytest.mark.parametrize(("results", "fmt"), [("N-Triples", RdfFormat.N_TRIPLES), ("Turtle", RdfFormat.TURTLE),
                                              ("RDF/XML", RdfFormat.RDF_XML)])
def test_jena_rsparql_construct(rsparql: Path, endpoint: str, expected: dict, results: str, fmt: RdfFormat) -> None:
    output = run_rsparql(rsparql, endpoint, CONSTRUCT, results)
    assert {str(t) for t in parse(output.encode("utf-8"), fmt)} == expected["triples"]
