"""Dereferenceable IRIs: 303 from /id/ to /doc/, content negotiation, validators, errors, the vocabulary."""

from __future__ import annotations

from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import quote

import ld_graph
import pytest
from fastapi.testclient import TestClient
from pyoxigraph import BlankNode, NamedNode, RdfFormat, parse

from retractkg.api.app import create_app
from retractkg.api.resources import local_path
from retractkg.config import Settings
from retractkg.ontology import CONTEXT_IRI, ONTOLOGY_IRI, RKG, SCHEMA, SKOS, VOCAB

RDF_TYPES = {"text/turtle": RdfFormat.TURTLE, "application/n-triples": RdfFormat.N_TRIPLES,
             "application/rdf+xml": RdfFormat.RDF_XML}


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="module")
def store(settings: Settings):
    return ld_graph.published_store(settings)


@pytest.fixture(scope="module")
def client(settings: Settings, store):
    with TestClient(create_app(settings, store)) as client:
        yield client


@pytest.fixture(scope="module")
def seed_path(settings: Settings) -> str:
    return ld_graph.notice_iri(settings)[len(settings.base) + 3:]


def triples_of(response) -> set[str]:
    media_type = response.headers["content-type"].split(";")[0]
    return {f"{t.subject} {t.predicate} {t.object}" for t in parse(response.content, RDF_TYPES[media_type])}


def test_a_thing_iri_answers_303_to_its_document_keeping_the_format(client, seed_path):
    response = client.get(f"/id/{seed_path}", params={"format": "ttl"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/doc/{seed_path}?format=ttl"
    document = client.get(response.headers["location"])
    assert document.status_code == 200 and document.headers["content-type"].startswith("text/turtle")


@pytest.mark.parametrize("accept, expected", [
    ("text/html", "text/html"),
    ("application/ld+json", "application/ld+json"),
    ("text/turtle", "text/turtle"),
    ("application/n-triples", "application/n-triples"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("text/turtle;q=0.5, application/rdf+xml;q=0.9", "application/rdf+xml"),
    ("application/*;q=0.8, text/turtle;q=0.2", "application/ld+json"),
    ("text/html;q=0.9,application/xhtml+xml,*/*;q=0.8", "text/html"),
])
def test_documents_negotiate_the_media_type(client, seed_path, accept, expected):
    response = client.get(f"/doc/{seed_path}", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == expected
    assert "Accept" in response.headers["vary"]


def test_every_rdf_format_says_the_same(client, seed_path):
    graphs = [triples_of(client.get(f"/doc/{seed_path}", headers={"Accept": t})) for t in RDF_TYPES]
    assert graphs[0] == graphs[1] == graphs[2]
    turtle = graphs[0]
    iri = f"<{ld_graph.notice_iri(Settings())}>"
    assert f"{iri} <http://purl.org/spar/cito/retracts> <https://w3id.org/retractkg/id/article/" \
           f"10.1186/s12951-022-01520-8>" in turtle
    assert any(t.endswith('<http://www.w3.org/2004/02/skos/core#prefLabel> "Error in Image"@en') for t in turtle)


def test_format_parameter_beats_accept(client, seed_path):
    response = client.get(f"/doc/{seed_path}", params={"format": "nt"}, headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("application/n-triples")


def test_nothing_acceptable_is_406_and_unknown_is_404_in_one_error_shape(client, seed_path):
    refused = client.get(f"/doc/{seed_path}", headers={"Accept": "image/png"})
    assert refused.status_code == 406
    assert refused.headers["content-type"] == "application/problem+json"
    assert "text/turtle" in refused.json()["detail"]
    unknown = client.get("/doc/notice/retraction/10.9999/none", headers={"Accept": "text/turtle"})
    assert unknown.status_code == 404
    assert unknown.json()["status"] == 404 and "10.9999/none" in unknown.json()["detail"]
    assert client.get(f"/doc/{seed_path}", params={"format": "yaml"}).status_code == 406


def test_etag_and_last_modified_give_304(client, seed_path):
    first = client.get(f"/doc/{seed_path}", headers={"Accept": "text/turtle"})
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    again = client.get(f"/doc/{seed_path}", headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    since = client.get(f"/doc/{seed_path}", headers={"Accept": "text/turtle", "If-Modified-Since": modified})
    assert since.status_code == 304
    earlier = format_datetime(parsedate_to_datetime(modified).replace(year=2000), usegmt=True)
    stale = client.get(f"/doc/{seed_path}", headers={"Accept": "text/turtle", "If-Modified-Since": earlier})
    assert stale.status_code == 200
    other = client.get(f"/doc/{seed_path}", headers={"Accept": "application/ld+json", "If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag  # one ETag per representation


def test_head_answers_like_get_without_a_body(client, seed_path):
    head = client.head(f"/doc/{seed_path}", headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == client.get(f"/doc/{seed_path}", headers={"Accept": "text/turtle"}).headers["etag"]


def test_cors_lets_browser_clients_read_documents_and_validators(client, seed_path):
    response = client.get(f"/doc/{seed_path}", headers={"Origin": "https://example.org", "Accept": "text/turtle"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "etag" in response.headers["access-control-expose-headers"].lower()
    preflight = client.options(f"/doc/{seed_path}", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "accept"})
    assert preflight.status_code == 200


def minted_iris(store, settings: Settings) -> set[str]:
    """Every IRI in the store that the project mints: data under the base, vocabulary under w3id."""
    found = set()
    for quad in store.quads():
        for term in (quad.subject, quad.object, quad.graph_name):
            if isinstance(term, NamedNode) and term.value.startswith((settings.base, VOCAB)):
                found.add(term.value.split("#", 1)[0])
    assert not any(isinstance(q.subject, BlankNode) for q in store.quads())
    return found


def test_every_minted_iri_in_the_data_dereferences(client, store, settings):
    iris = minted_iris(store, settings)
    assert len(iris) > 200
    for iri in sorted(iris):
        path = "/" + iri[len(VOCAB):] if iri.startswith(VOCAB) else "/" + iri[len(settings.base):]
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 200, f"{iri} -> {path}: {response.status_code} {response.text[:200]}"
        if path.startswith("/id/"):
            assert response.history and response.history[0].status_code == 303, iri
        if path == "/context.jsonld":  # not RDF: the JSON-LD context itself
            continue
        if not path.startswith("/graph/"):  # a graph's document is its content, not statements about it
            assert any(iri in t for t in triples_of(response)), iri


def test_percent_encoded_doi_iris_dereference_exactly(client, store, settings):
    article = next(i for i in minted_iris(store, settings) if "sici" in i and "/id/article/" in i)
    assert article.endswith("hydrogel-%C3%A9")  # the minted IRI keeps the escape
    response = client.get("/" + article[len(settings.base):], headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert f"<{article}> <{SCHEMA}name> \"Hydrogel scaffolds\"" in triples_of(response)


def test_vocabulary_concepts_live_under_the_fixed_namespace_whatever_the_base():
    settings = Settings(base="http://data.example.org/kg/")
    with TestClient(create_app(settings, ld_graph.published_store(settings))) as client:
        notice = ld_graph.notice_iri(settings)
        assert notice.startswith("http://data.example.org/kg/id/notice/")
        document = client.get("/" + notice[len(settings.base):], headers={"Accept": "text/turtle"})
        assert document.status_code == 200
        assert any(t.startswith(f"<{notice}>") for t in triples_of(document))
        reason = client.get("/id/reason/error-in-image", headers={"Accept": "text/turtle"})
        assert f'<{VOCAB}id/reason/error-in-image> <{SKOS}prefLabel> "Error in Image"@en' in triples_of(reason)
        assert local_path(notice, settings) == "/doc/" + notice[len(settings.base) + 3:]


def test_ontology_context_schemes_and_software_are_served(client):
    ontology = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert f"<{ONTOLOGY_IRI}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> " \
           "<http://www.w3.org/2002/07/owl#Ontology>" in triples_of(ontology)
    assert triples_of(client.get("/ontology.ttl")) == triples_of(client.get("/ontology.rdf"))
    page = client.get("/ontology", headers={"Accept": "text/html"})
    assert 'id="Notice"' in page.text  # /ontology#Notice lands on the term
    assert client.get("/ontology.yaml").status_code == 404
    context = client.get("/context.jsonld")
    assert context.headers["content-type"] == "application/ld+json"
    assert "@context" in context.json()
    assert CONTEXT_IRI == VOCAB + "context.jsonld"
    scheme = client.get("/id/scheme/reasons", headers={"Accept": "text/turtle"})
    assert scheme.status_code == 200 and f"<{RKG}" not in scheme.text.split("@prefix")[0]
    assert client.get("/software/retractkg", headers={"Accept": "text/turtle"}).status_code == 200


def test_openapi_describes_the_linked_data_routes_and_their_media_types(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ("/id/{path}", "/doc/{path}", "/ontology", "/context.jsonld", "/.well-known/void", "/changes",
                 "/dumps/retractkg.nq.gz", "/dumps/retractkg.jsonl", "/search", "/browse/reasons"):
        assert "get" in paths[path], path
    doc = paths["/doc/{path}"]["get"]
    assert set(doc["responses"]["200"]["content"]) >= {"text/html", "application/ld+json", "text/turtle",
                                                       "application/n-triples", "application/rdf+xml"}
    assert "303" in paths["/id/{path}"]["get"]["responses"]
    assert {p["name"] for p in doc["parameters"]} >= {"path", "format"}


def test_graph_and_change_iris_are_documents(client, store, settings):
    graph = next(i for i in minted_iris(store, settings) if "/graph/text/" in i)
    response = client.get("/" + graph[len(settings.base):], headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert any(f"<{graph}> <http://www.w3.org/ns/prov#generatedAtTime>" in t for t in triples_of(response))
    assert client.get("/graph/text/0000", headers={"Accept": "text/turtle"}).status_code == 404


def test_the_dataset_iri_leads_to_the_void_description(client, settings):
    path = local_path(settings.base + "void", settings)
    response = client.get(path, headers={"Accept": "text/turtle"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/.well-known/void"
    assert quote("/.well-known/void") == "/.well-known/void"


def test_documents_follow_writes_to_a_store_the_app_shares(settings):
    """A store passed in may be written by its owner: its documents are never served from a cache."""
    from retractkg.ingest.batches import write_batch
    from retractkg.ingest.mapping import RecordMapper
    from retractkg.ingest.model import Nature
    from retractkg.ingest.pipeline import IngestReport

    store = ld_graph.published_store(settings)
    with TestClient(create_app(settings, store)) as client:
        path = "/doc/" + ld_graph.notice_iri(settings, 3)[len(settings.base) + 3:]
        before = client.get(path, headers={"Accept": "text/turtle"})
        record = ld_graph.records()[3]
        record.notice.title = "Expression of Concern: Gene expression in zebrafish fins (updated)"
        assert record.notice.nature is Nature.EXPRESSION_OF_CONCERN
        write_batch(store, [RecordMapper(settings.base).map(record)], IngestReport(), settings)
        after = client.get(path, headers={"Accept": "text/turtle", "If-None-Match": before.headers["etag"]})
        assert after.status_code == 200 and "(updated)" in after.text


def test_a_server_that_owns_its_store_serves_the_same_document_again(tmp_path, settings):
    ld_graph.published_store(settings, tmp_path / "store").close()
    owned = Settings(store_path=tmp_path / "store")
    with TestClient(create_app(owned)) as client:
        path = "/doc/" + ld_graph.notice_iri(owned)[len(owned.base) + 3:]
        first = client.get(path, headers={"Accept": "application/ld+json"})
        second = client.get(path, headers={"Accept": "application/ld+json"})
        assert first.status_code == second.status_code == 200
        assert first.content == second.content and first.headers["etag"] == second.headers["etag"]
        assert client.get(path, headers={"Accept": "text/turtle"}).headers["content-type"].startswith("text/turtle")


def test_the_change_log_graph_sends_browsers_to_the_feed_and_refuses_html_only_clients(client):
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    sent = client.get("/graph/changes", headers={"Accept": browser}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/changes?page=1"
    assert client.get(sent.headers["location"], headers={"Accept": browser}).status_code == 200
    refused = client.get("/graph/changes", headers={"Accept": "text/html"}, follow_redirects=False)
    assert refused.status_code == 406
    assert refused.headers["content-type"].startswith("text/html")  # an error page: the client reads HTML only
    assert "/changes" in refused.text
    refused = client.get("/graph/changes", headers={"Accept": "text/html;q=0.5, application/problem+json"})
    assert refused.status_code == 406 and "/changes" in refused.json()["detail"]
    assert client.get("/graph/changes", headers={"Accept": "application/n-triples"}).status_code == 200


def test_journal_and_reason_pages_list_their_notices(client, store, settings, seed_path):
    """The page of a journal and of a reason lists the notices the catalogue holds for it (queried by
    the router, then rendered), with a link to the seed notice."""
    notice = ld_graph.notice_iri(settings)
    found = store.query(f"""SELECT ?journal ?reason WHERE {{ <{notice}> <{RKG}reason> ?reason ;
        <{SCHEMA}isPartOf> ?journal . ?journal a <{SCHEMA}Periodical> }} LIMIT 1""")
    row = next(iter(found))
    for iri in (row["journal"].value, row["reason"].value):
        page = client.get(local_path(iri, settings) or "/doc/" + iri[len(VOCAB) + 3:], headers={"Accept": "text/html"},
                          follow_redirects=True)
        assert page.status_code == 200, iri
        assert f'href="/doc/{seed_path}"' in page.text, iri
