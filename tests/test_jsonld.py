"""JSON-LD documents: compacted with the published context, framed to read notice -> article -> authors
-> affiliations, and meaning exactly the triples of the Turtle of the same resource, as two independent
processors (pyld and jsonld.js) read them."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import ld_graph
import pytest
from fastapi.testclient import TestClient
from pyld import jsonld as pyld
from pyoxigraph import RdfFormat, parse

from retractkg.api.app import create_app
from retractkg.config import Settings
from retractkg.jsonld import CompactionContext, canonical_double, frame
from retractkg.ontology import CONTEXT_FILE, CONTEXT_IRI

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / ".ci" / "work" / "node" / "node_modules"
CONTEXT = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="module")
def client(settings: Settings):
    store = ld_graph.published_store(settings)
    with TestClient(create_app(settings, store)) as client:
        yield client


def local(iri: str, settings: Settings) -> str:
    return "/doc/" + iri[len(settings.base) + 3:]


def documents(client: TestClient, settings: Settings) -> dict[str, tuple[dict, set[str]]]:
    """Every kind of resource as (JSON-LD, the N-Triples lines of its Turtle)."""
    notice = client.get(local(ld_graph.notice_iri(settings), settings), params={"format": "jsonld"}).json()
    article = notice["retracts"]
    person = article["author"][0]
    paths = {
        "notice": local(notice["id"], settings),
        "article": local(article["id"], settings),
        "person": local(person["id"], settings),
        "organization": local(person["affiliation"]["id"], settings),
        "journal": local(ld_graph_journal(notice), settings),
        "concern": local(ld_graph.notice_iri(settings, 3), settings),
        "rw-notice": local(ld_graph.notice_iri(settings, 1), settings),
        "reason": "/doc/reason/error-in-image",
        "scheme": "/doc/scheme/natures",
    }
    found = {}
    for name, path in paths.items():
        as_json = client.get(path, headers={"Accept": "application/ld+json"})
        as_turtle = client.get(path, headers={"Accept": "text/turtle"})
        assert as_json.status_code == as_turtle.status_code == 200, path
        assert as_json.headers["content-type"].startswith("application/ld+json")
        triples = {f"{t.subject} {t.predicate} {t.object} ." for t in parse(as_turtle.content, RdfFormat.TURTLE)}
        found[name] = (as_json.json(), triples)
    return found


def ld_graph_journal(notice: dict) -> str:
    journal = notice["isPartOf"]
    return journal if isinstance(journal, str) else journal["id"]


def load_context(url: str, options=None) -> dict:
    if url != CONTEXT_IRI:
        raise pyld.JsonLdError(f"unexpected remote document {url}", "loading document failed")
    return {"contextUrl": None, "documentUrl": url, "document": CONTEXT}


def nquads_lines(nquads: str) -> set[str]:
    return {f"{q.subject} {q.predicate} {q.object} ." for q in parse(nquads.encode(), RdfFormat.N_QUADS)}


def test_documents_use_the_published_context_and_read_as_a_retraction(client, settings):
    notice = client.get(local(ld_graph.notice_iri(settings), settings), params={"format": "jsonld"}).json()
    assert notice["@context"] == CONTEXT_IRI
    assert notice["id"] == ld_graph.notice_iri(settings)
    assert notice["type"] == ["Notice", "RetractionNotice", "ScholarlyArticle", "fabio:RetractionNotice"]
    assert notice["nature"]["prefLabel"] == {"@value": "Retraction", "@language": "en"}
    article = notice["retracts"]
    assert article["name"] == ld_graph.SEED_TITLE
    assert [a["name"] for a in article["author"]] == ld_graph.SEED_AUTHORS  # byline order
    first = article["author"][0]
    assert first["affiliation"]["name"] == "Zhengzhou University"
    # one organization per name and country (issue 11): the university's two addresses in the seed are both on it
    assert "450001" in first["affiliation"]["address"]["postalCode"]
    assert [a["position"] for a in article["authorship"]] == list(range(1, len(ld_graph.SEED_AUTHORS) + 1))
    labels = {r["id"]: r["prefLabel"]["@value"] for r in notice["reason"]}  # each concept embedded once
    assignments = {labels[a["hasBody"]]: a for a in notice["reasonAssignment"]}
    assert set(assignments) == {"Error in Image", "Concerns/Issues about Image", "Concerns/Issues about Data",
                                "Investigation by Journal/Publisher"}
    quote = next(s for s in assignments["Error in Image"]["hasTarget"]["hasSelector"]
                 if s["type"] == "TextQuoteSelector")
    assert quote["exact"] == "the authors found errors in Figs. 4c, 7h and 7j"


def embedded_ids(node) -> list[str]:
    """The ids of every node object in a document (a node embedded twice is listed twice)."""
    if isinstance(node, list):
        return [i for item in node for i in embedded_ids(item)]
    if not isinstance(node, dict):
        return []
    found = [node["id"]] if "id" in node and len(node) > 1 else []
    return found + [i for key, value in node.items() if key != "@context" for i in embedded_ids(value)]


def test_documents_are_usable_json_native_values_each_node_once(client, settings):
    docs = documents(client, settings)
    for name, (document, _) in docs.items():
        ids = embedded_ids(document)
        assert len(ids) == len(set(ids)), name
    rw = docs["rw-notice"][0]
    assert rw["paywalled"] is False
    assert rw["type"] == ["Notice", "RetractionNotice", "ScholarlyArticle", "fabio:RetractionNotice"]
    assert all(type(a["position"]) is int for a in docs["article"][0]["authorship"])
    seed = docs["notice"][0]
    assert seed["natureConfidence"] == 0.9 and type(seed["natureConfidence"]) is float
    labels = {r["id"]: r["prefLabel"]["@value"] for r in seed["reason"]}
    confidences = {labels[a["hasBody"]]: a.get("confidence") for a in seed["reasonAssignment"]}
    assert confidences == {"Error in Image": 0.764, "Concerns/Issues about Image": 0.25,
                           "Concerns/Issues about Data": None, "Investigation by Journal/Publisher": 1.0}
    assert all(type(c) is float for c in confidences.values() if c is not None)


def test_compaction_keeps_non_canonical_booleans_integers_and_doubles_as_strings():
    turtle = b"""@prefix rkg: <https://w3id.org/retractkg/ontology#> .
    @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
    <http://example.org/a> rkg:paywalled "1"^^xsd:boolean, "false"^^xsd:boolean ;
      rkg:position "011"^^xsd:integer, "-0"^^xsd:integer, "12"^^xsd:integer, "123456789012345678"^^xsd:integer ;
      rkg:confidence "7.64E-1"^^xsd:double, "1.0E0"^^xsd:double, "INF"^^xsd:double ."""
    triples = list(parse(turtle, RdfFormat.TURTLE))
    document = frame(triples, "http://example.org/a")
    assert sorted(document["paywalled"], key=str) == ["1", False]
    assert sorted(document["position"], key=str) == ["-0", "011", 12, "123456789012345678"]
    assert sorted(document["confidence"], key=str) == [0.764, 1.0, "INF"]
    nquads = pyld.to_rdf(document, {"format": "application/n-quads", "documentLoader": load_context})
    assert nquads_lines(nquads) == {f"{t.subject} {t.predicate} {t.object} ." for t in triples}


def test_doubles_in_any_stored_form_are_documented_in_the_form_json_ld_reads_back(client, settings):
    """Oxigraph returns the stored 7.64E-1 as "0.764": the Turtle, N-Triples and JSON-LD of a document all
    write it "7.64E-1", the form pyld and jsonld.js give the native number 0.764."""
    path = local(ld_graph.notice_iri(settings), settings)
    turtle = {t.object for t in parse(client.get(path, params={"format": "ttl"}).content, RdfFormat.TURTLE)
              if t.predicate.value.endswith("#confidence")}
    assert {o.value for o in turtle} == {"7.64E-1", "2.5E-1", "1.0E0"}
    assert all(o.datatype.value == "http://www.w3.org/2001/XMLSchema#double" for o in turtle)
    assert canonical_double(0.764) == "7.64E-1" and canonical_double(0.0) == "0.0E0"
    assert canonical_double(123456.0) == "1.23456E5" and canonical_double(-2.5e-7) == "-2.5E-7"


def test_a_loader_following_the_link_header_expands_documents_offline(client, settings):
    """The @context IRI (w3id) is not fetched: the Link header says where this server serves it."""
    path = local(ld_graph.notice_iri(settings), settings)
    response = client.get(path, headers={"Accept": "application/ld+json"})
    link = pyld.parse_link_header(response.headers["link"])["http://www.w3.org/ns/json-ld#context"]
    served = client.get(link["target"])
    assert served.headers["content-type"].startswith("application/ld+json")

    def follow_link(url: str, options=None) -> dict:
        if url != response.json()["@context"]:
            raise pyld.JsonLdError(f"unexpected remote document {url}", "loading document failed")
        return {"contextUrl": None, "documentUrl": url, "document": served.json()}

    expanded = pyld.to_rdf(response.json(), {"format": "application/n-quads", "documentLoader": follow_link})
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert nquads_lines(expanded) == {f"{t.subject} {t.predicate} {t.object} ."
                                      for t in parse(turtle.content, RdfFormat.TURTLE)}
    assert served.json() == CONTEXT  # the served context is the one the @context IRI names
    assert "json-ld#context" not in client.get(path, headers={"Accept": "text/turtle"}).headers["link"]


def test_pyld_expands_every_document_to_the_triples_of_its_turtle(client, settings):
    for name, (document, turtle) in documents(client, settings).items():
        nquads = pyld.to_rdf(document, {"format": "application/n-quads", "documentLoader": load_context})
        assert nquads_lines(nquads) == turtle, name


JSONLD_JS = r"""
const jsonld = require('jsonld');
const fs = require('fs');
const [docsPath, contextPath, contextIri] = process.argv.slice(2);
const context = JSON.parse(fs.readFileSync(contextPath, 'utf8'));
const documentLoader = async (url) => {
  if (url === contextIri) return {contextUrl: null, documentUrl: url, document: context};
  throw new Error('unexpected remote document ' + url);
};
(async () => {
  const docs = JSON.parse(fs.readFileSync(docsPath, 'utf8'));
  const out = {};
  for (const [name, doc] of Object.entries(docs)) {
    out[name] = await jsonld.toRDF(doc, {format: 'application/n-quads', documentLoader});
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def jsonld_js_to_nquads(docs: dict[str, dict], tmp_path: Path) -> dict[str, str]:
    assert (NODE_MODULES / "jsonld").is_dir(), "jsonld.js missing: run scripts/install_test_deps.sh"
    (tmp_path / "docs.json").write_text(json.dumps(docs), encoding="utf-8")
    (tmp_path / "expand.js").write_text(JSONLD_JS, encoding="utf-8")
    result = subprocess.run(
        ["node", str(tmp_path / "expand.js"), str(tmp_path / "docs.json"), str(CONTEXT_FILE), CONTEXT_IRI],
        capture_output=True, text=True, timeout=120, env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_jsonld_js_expands_every_document_to_the_triples_of_its_turtle(client, settings, tmp_path):
    docs = documents(client, settings)
    expanded = jsonld_js_to_nquads({name: doc for name, (doc, _) in docs.items()}, tmp_path)
    for name, (_, turtle) in docs.items():
        assert nquads_lines(expanded[name]) == turtle, name


# A context with the features that make compaction subtle: a default language, @vocab, typed and
# IRI-coerced terms, a language-map and a list container (which must not be used for plain values),
# a type-scoped context, and a term whose IRI is also a prefix.
TRICKY_CONTEXT = {
    "@version": 1.1,
    "@language": "de",
    "@vocab": "http://schema.org/",
    "ex": "http://example.org/",
    "exv": {"@id": "http://example.org/vocab#", "@prefix": True},
    "title": {"@id": "http://schema.org/name", "@container": "@language"},
    "label": {"@id": "http://schema.org/name", "@language": None},
    "when": {"@id": "http://schema.org/datePublished", "@type": "http://www.w3.org/2001/XMLSchema#date"},
    "link": {"@id": "http://schema.org/url", "@type": "@id"},
    "items": {"@id": "http://example.org/items", "@container": "@list"},
    "tags": {"@id": "http://example.org/tag", "@container": "@set"},
    "Scoped": {"@id": "http://example.org/Scoped", "@context": {"name": "http://example.org/other"}},
}

TRICKY_TURTLE = """
@prefix ex: <http://example.org/> . @prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a a ex:Scoped, <http://example.org/vocab#Thing> ;
  schema:name "plain", "Deutsch"@de, "English"@en ;
  schema:datePublished "2024-05-31"^^xsd:date, "2024"^^xsd:gYear ;
  schema:url <http://example.org/page> ;
  ex:items "not a list" ;
  ex:tag "one" ;
  <http://example.org/vocab#count> "3"^^xsd:integer, "true"^^xsd:boolean ;
  schema:author ex:b .
ex:b schema:name "B" ; ex:back ex:a .
ex:c schema:knows ex:a .
ex:d schema:description "unreached and unlinked" .
"""


def test_compaction_is_exact_with_a_context_full_of_traps():
    triples = list(parse(TRICKY_TURTLE.encode(), RdfFormat.TURTLE))
    context = CompactionContext(TRICKY_CONTEXT, TRICKY_CONTEXT)
    document = frame(triples, "http://example.org/a", context=context)
    assert document["@graph"][0]["@id"] == "http://example.org/a"  # ex:d has no link: a second top node
    nquads = pyld.to_rdf(document, {"format": "application/n-quads"})
    assert nquads_lines(nquads) == {f"{t.subject} {t.predicate} {t.object} ." for t in triples}
