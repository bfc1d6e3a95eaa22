"""For aggregators: VoID and the home page's Dataset, streaming dumps, and the AS2 change feed."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from datetime import datetime
from email.utils import parsedate_to_datetime

import ld_graph
import pytest
from fastapi.testclient import TestClient
from pyld import jsonld as pyld
from pyoxigraph import NamedNode, RdfFormat, parse
from test_jsonld import load_context, nquads_lines

from retractkg.api.app import create_app
from retractkg.cli import main
from retractkg.config import Settings
from retractkg.dumps import nquads_gzip
from retractkg.ingest.batches import write_batch
from retractkg.ingest.mapping import RecordMapper
from retractkg.ingest.model import Article, Journal, Nature, Notice, SourceRecord
from retractkg.ingest.pipeline import DEMO_DIR, IngestReport, ensure_vocabulary, ingest
from retractkg.ontology import FABIO, RKG
from retractkg.store import OxigraphStore
from retractkg.store.change_log import ChangeLog

VOID = "http://rdfs.org/ns/void#"


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


def turtle_triples(response) -> set[tuple[str, str, str]]:
    return {(t.subject.value, t.predicate.value, t.object.value) for t in parse(response.content, RdfFormat.TURTLE)}


def test_void_names_endpoint_dumps_uri_space_partitions_and_counts(client, store, settings):
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    triples = turtle_triples(response)
    dataset = settings.base + "void#retractkg"
    assert (dataset, VOID + "sparqlEndpoint", "http://testserver/sparql") in triples
    assert (dataset, VOID + "dataDump", "http://testserver/dumps/retractkg.nq.gz") in triples
    assert (dataset, VOID + "uriSpace", settings.base + "id/") in triples
    total = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
    assert (dataset, VOID + "triples", str(total)) in triples
    by_class = {o for s, p, o in triples if p == VOID + "class"}
    assert {FABIO + "RetractionNotice", RKG + "Notice", "http://schema.org/Person"} <= by_class
    partition = next(s for s, p, o in triples if p == VOID + "class" and o == FABIO + "RetractionNotice")
    assert (partition, VOID + "entities", "4") in triples  # seed, two RW rows, the SICI-style retraction
    prop = next(s for s, p, o in triples if p == VOID + "property" and o == "http://purl.org/spar/cito/retracts")
    assert (prop, VOID + "triples", "4") in triples
    jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"}).json()
    nquads = pyld.to_rdf(jsonld, {"format": "application/n-quads", "documentLoader": load_context})
    assert len(nquads_lines(nquads)) == len(triples)


def void_counts(client) -> tuple[int, dict[str, int], dict[str, int]]:
    """(triples, {class: entities}, {property: triples}) as `/.well-known/void` states them."""
    triples = turtle_triples(client.get("/.well-known/void", headers={"Accept": "text/turtle"}))
    values = {s: int(o) for s, p, o in triples if p in (VOID + "entities", VOID + "triples")}
    total = next(n for s, n in values.items() if s.endswith("void#retractkg"))
    classes = {o: values[s] for s, p, o in triples if p == VOID + "class"}
    properties = {o: values[s] for s, p, o in triples if p == VOID + "property"}
    return total, classes, properties


def sparql_void_counts(store) -> tuple[int, dict[str, int], dict[str, int]]:
    total = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
    classes = {s["c"].value: int(s["n"].value) for s in store.query(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c")}
    properties = {s["p"].value: int(s["n"].value) for s in store.query(
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")}
    return total, classes, properties


def test_void_counts_are_right_right_after_an_ingest_made_while_the_app_runs(tmp_path):
    """The counts come from the search index's file, which follows the store: no stale counts for minutes
    after an ingest, and each one equal to its SPARQL count."""
    settings = Settings(store_path=tmp_path / "store")
    demo = sorted(path for path in DEMO_DIR.iterdir() if path.suffix == ".txt")
    assert main(["ingest", str(demo[0]), "--quiet", "--store", str(settings.store_path)]) == 0
    with OxigraphStore(settings.store_path) as store, TestClient(create_app(settings, store)) as client:
        before = void_counts(client)
        assert before == sparql_void_counts(store)
        ingest(store, demo[1:], settings)
        after = void_counts(client)
        assert after == sparql_void_counts(store)
        assert after[0] > before[0] and after[1][FABIO + "RetractionNotice"] > before[1][FABIO + "RetractionNotice"]


def test_home_page_embeds_a_dcat_and_schema_org_dataset(client):
    page = client.get("/", headers={"Accept": "text/html"}).text
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    expanded = pyld.expand(json.loads(script))
    types = set(expanded[0]["@type"])
    assert {"http://schema.org/Dataset", "http://www.w3.org/ns/dcat#Dataset"} <= types
    downloads = expanded[0]["http://schema.org/distribution"]
    assert {d["@id"] for d in downloads} == {d["@id"] for d in expanded[0]["http://www.w3.org/ns/dcat#distribution"]}
    assert len(downloads) == 2


def test_nquads_dump_is_every_quad_gzipped(client, store):
    response = client.get("/dumps/retractkg.nq.gz")
    assert response.headers["content-type"] == "application/gzip"
    dumped = {str(q) for q in parse(gzip.decompress(response.content), RdfFormat.N_QUADS)}
    assert dumped == {str(q) for q in store.quads()}


def test_nquads_dump_streams_in_batches(store):
    chunks = nquads_gzip(store, batch_size=200)
    first = next(chunks)  # produced after reading one batch, not the whole store
    rest = list(chunks)
    assert len(rest) >= 5
    lines = zlib.decompress(first + b"".join(rest), 31).decode().splitlines()
    assert len(lines) == sum(1 for _ in store.quads())


def test_jsonld_lines_hold_one_framed_notice_each_equal_to_its_document(client, settings):
    response = client.get("/dumps/retractkg.jsonl")
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = response.text.splitlines()
    assert len(lines) == len(ld_graph.records())
    for line in lines:
        document = json.loads(line)
        turtle = client.get("/" + document["id"][len(settings.base):], headers={"Accept": "text/turtle"})
        expected = {f"{t.subject} {t.predicate} {t.object} ." for t in parse(turtle.content, RdfFormat.TURTLE)}
        nquads = pyld.to_rdf(document, {"format": "application/n-quads", "documentLoader": load_context})
        assert nquads_lines(nquads) == expected, document["id"]


def test_export_jsonld_through_the_cli(tmp_path, settings, capsys):
    path = tmp_path / "store"
    ld_graph.published_store(settings, path).close()
    output = tmp_path / "notices.jsonl"
    assert main(["export", "--format", "jsonld", "--store", str(path), "--output", str(output)]) == 0
    documents = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert {d["id"] for d in documents} == {ld_graph.notice_iri(settings, i) for i in range(len(ld_graph.records()))}
    seed = next(d for d in documents if d["id"] == ld_graph.notice_iri(settings))
    assert [a["name"] for a in seed["retracts"]["author"]] == ld_graph.SEED_AUTHORS


def numbered_record(number: int, title: str = "") -> SourceRecord:
    notice = Notice(title=title or f"Retraction: study {number}", nature=Nature.RETRACTION, date="2020-01-01",
                    articles=[Article(title=f"Study {number}", doi=f"10.5555/study.{number}",
                                      journal=Journal(name="Journal of Tests"))])
    return SourceRecord(notice, source="tests/test_void_dumps_feed.py", format="test", record_key=str(number))


def test_change_feed_pages_oldest_first_and_a_harvester_resumes_where_it_left_off(settings):
    store = OxigraphStore()
    ensure_vocabulary(store)
    mapper = RecordMapper(settings.base)
    for start in (0, 60, 120):  # three ingests: 150 records, two pages of 100
        write_batch(store, [mapper.map(numbered_record(n)) for n in range(start, min(start + 60, 150))],
                    IngestReport(), settings)
    with TestClient(create_app(settings, store)) as client:
        collection = client.get("/changes").json()
        assert collection["type"] == "OrderedCollection" and collection["totalItems"] == 150
        assert collection["first"].endswith("/changes?page=1") and collection["last"].endswith("/changes?page=2")
        page1 = client.get(collection["first"]).json()
        assert page1["type"] == "OrderedCollectionPage" and len(page1["orderedItems"]) == 100
        published = [item["published"] for item in page1["orderedItems"]]
        assert published == sorted(published)
        assert {item["type"] for item in page1["orderedItems"]} == {"Create"}
        page2 = client.get(page1["next"])
        last_seen = page2.json()["orderedItems"][-1]["id"]
        assert client.get(page1["next"], headers={"If-None-Match": page2.headers["etag"]}).status_code == 304

        # Something changes: a record is updated and a new one created.
        write_batch(store, [mapper.map(numbered_record(3, "Retraction: study three, corrected")),
                            mapper.map(numbered_record(500))], IngestReport(), settings)
        resumed = client.get(page1["next"])
        assert resumed.status_code == 200  # the last page grew: its ETag no longer matches
        items = resumed.json()["orderedItems"]
        new = items[[i["id"] for i in items].index(last_seen) + 1:]
        # Both changes of one ingest share a time; the feed orders them by IRI after it.
        assert sorted((i["type"], i["object"]["id"]) for i in new) == [
            ("Create", mapper.map(numbered_record(500)).notice), ("Update", mapper.map(numbered_record(3)).notice)]
        assert client.get(page1["id"]).json()["orderedItems"] == page1["orderedItems"]  # full pages never change
        assert client.get("/changes?page=9").status_code == 404
        assert client.get(new[0]["object"]["url"].replace("http://testserver", ""),
                          headers={"Accept": "text/turtle"}).status_code == 200
        assert client.get("/changes", headers={"Accept": "application/ld+json"}).headers["content-type"].startswith(
            "application/ld+json")
        activity = client.get("/" + new[0]["id"][len(settings.base):], headers={"Accept": "text/turtle"})
        assert NamedNode(new[0]["id"]) in {t.subject for t in parse(activity.content, RdfFormat.TURTLE)}


def test_dumps_answer_head_and_conditional_requests_until_the_graph_changes(settings):
    store = OxigraphStore()
    ensure_vocabulary(store)
    mapper = RecordMapper(settings.base)
    write_batch(store, [mapper.map(numbered_record(n)) for n in range(3)], IngestReport(), settings)
    with TestClient(create_app(settings, store)) as client:
        for path in ("/dumps/retractkg.nq.gz", "/dumps/retractkg.jsonl"):
            full = client.get(path)
            etag, modified = full.headers["etag"], full.headers["last-modified"]
            assert full.status_code == 200 and full.content
            head = client.head(path)
            assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag
            assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
            assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
        nquads_etag = client.head("/dumps/retractkg.nq.gz").headers["etag"]
        assert nquads_etag != client.head("/dumps/retractkg.jsonl").headers["etag"]
        write_batch(store, [mapper.map(numbered_record(7))], IngestReport(), settings)  # the graph changes
        changed = client.get("/dumps/retractkg.nq.gz", headers={"If-None-Match": nquads_etag})
        assert changed.status_code == 200 and changed.headers["etag"] != nquads_etag


@pytest.mark.parametrize("path", ["/dumps/retractkg.nq.gz", "/dumps/retractkg.jsonl"])
def test_a_dumps_head_does_not_say_it_is_empty(client, path):
    """A HEAD's Content-Length, if sent, must be what the GET sends (RFC 9110 8.6); the GET streams without one."""
    got, head = client.get(path), client.head(path)
    assert got.content and "content-length" not in got.headers
    assert head.status_code == 200 and head.headers.get("content-length", str(len(got.content))) == str(
        len(got.content))


@pytest.mark.parametrize("page", ["9", str(2**64)])
def test_a_page_past_the_last_is_not_found(client, page):
    """Even one whose OFFSET the store cannot take (it answered 500)."""
    response = client.get(f"/changes?page={page}")
    assert response.status_code == 404 and response.headers["content-type"] == "application/problem+json"


def test_the_change_log_counts_and_dates_its_changes_apart_or_together(settings):
    store = OxigraphStore()
    ensure_vocabulary(store)
    log = ChangeLog(store, settings)
    assert (log.newest(), log.extent()) == ("", (0, ""))
    mapper = RecordMapper(settings.base)
    write_batch(store, [mapper.map(numbered_record(n)) for n in range(3)], IngestReport(), settings)
    newest = max(solution["t"].value for solution in store.query(
        "SELECT ?t WHERE { ?c <https://www.w3.org/ns/activitystreams#published> ?t }"))
    assert (log.newest(), log.extent()) == (newest, (3, newest))


@pytest.mark.parametrize("path", ["/", "/browse/reasons", "/browse/journals", "/browse/years", "/search?q=study",
                                  "/changes", "/changes?page=1"])
def test_pages_drawn_from_the_graph_are_last_modified_at_its_newest_change(settings, path):
    store = OxigraphStore()
    ensure_vocabulary(store)
    mapper = RecordMapper(settings.base)
    write_batch(store, [mapper.map(numbered_record(n)) for n in range(3)], IngestReport(), settings)
    newest = max(solution["t"].value for solution in store.query(
        "SELECT ?t WHERE { ?c <https://www.w3.org/ns/activitystreams#published> ?t }"))
    with TestClient(create_app(settings, store)) as client:
        page = client.get(path)
        assert page.status_code == 200
        assert parsedate_to_datetime(page.headers["last-modified"]) == datetime.fromisoformat(newest).replace(
            microsecond=0)
        assert client.get(path, headers={"If-Modified-Since": page.headers["last-modified"]}).status_code == 304


@pytest.mark.parametrize("path", ["/", "/browse", "/browse/reasons", "/browse/journals", "/browse/years",
                                  "/search?q=retraction", "/changes", "/changes?page=1", "/.well-known/void"])
def test_pages_and_the_feed_answer_head_as_get(client, path):
    got, head = client.get(path), client.head(path)
    assert got.status_code == head.status_code == 200
    assert head.content == b"" and head.headers["etag"] == got.headers["etag"]


def test_a_withdrawn_record_is_a_delete_in_the_feed(tmp_path, settings, capsys):
    rows = tmp_path / "export.csv"
    header = ("Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,"
              "RetractionDate,RetractionDOI,RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,"
              "OriginalPaperPubMedID,RetractionNature,Reason,Paywalled,Notes\n")
    row = '{id},Paper {id},,,J,P,,A B,,Research Article,1/2/2020 0:00,10.1000/n.{id},0,1/1/2019 0:00,' \
          '10.1000/a.{id},0,Retraction,+Error in Data;,No,\n'
    rows.write_text(header + row.format(id=1) + row.format(id=2), encoding="utf-8")
    store_dir = tmp_path / "store"
    assert main(["ingest", str(rows), "--store", str(store_dir), "--quiet"]) == 0
    rows.write_text(header + row.format(id=1), encoding="utf-8")  # record 2 is gone from the newer export
    assert main(["ingest", str(rows), "--store", str(store_dir), "--quiet", "--replace-source"]) == 0
    capsys.readouterr()
    with OxigraphStore(store_dir) as store, TestClient(create_app(settings, store)) as client:
        items = client.get("/changes?page=1").json()["orderedItems"]
    assert [i["type"] for i in items] == ["Create", "Create", "Delete"]
    assert items[-1]["object"]["id"] == settings.base + "id/notice/10.1000/n.2"  # the notice's own DOI
