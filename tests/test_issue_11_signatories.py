"""Issue 11: a notice's signatories are not new people when they are the article's authors. The Journal of Cell
Biology's retraction (PMC5346964, JATS) is signed by its seven authors; the Retraction Watch website scrape (record
5375) gives the retracted article's byline. Each author is one person, the notice's signatory and the article's
author; a signatory who is no author of the article (an editorial office) stays a person of the notice alone.
Through the Python API and HTTP, on the real records."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from retractkg.api.app import create_app
from retractkg.config import Settings
from retractkg.ingest.pipeline import ingest
from retractkg.store import OxigraphStore

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
pytestmark = pytest.mark.skipif(not DATA.exists(), reason="../shared is not present")
NOTICE = f"{Settings().base}id/notice/10.1083/jcb.20150407302062017r"
ARTICLE = f"{Settings().base}id/article/10.1083/jcb.201504073"
PREFIXES = "PREFIX schema: <http://schema.org/> PREFIX rkg: <https://w3id.org/retractkg/ontology#> "


def sources(folder: Path, *, scrape: bool = True) -> Path:
    """The notice's JATS, an editorial office's notice (PMC5255982, PeerJ) and, with `scrape`, the scrape's row of
    record 5375 alone, as the scrape stores it."""
    for name in ("PMC5346964.xml", "PMC5255982.xml"):
        (folder / name).write_bytes((DATA / "jats" / name).read_bytes())
    if scrape:
        table = pq.read_table(DATA / "retraction-watch" / "brian_collins_rw_website_scrape_retraction_notices.parquet")
        pq.write_table(table.filter(pc.equal(table["RID"], 5375)), folder / "rw_5375.parquet")
    return folder


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> OxigraphStore:
    store = OxigraphStore()
    assert not ingest(store, [sources(tmp_path_factory.mktemp("signed"))], Settings()).errors
    return store


def people(store: OxigraphStore, sparql: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for s in store.query(PREFIXES + sparql):
        found.setdefault(s["p"].value, set()).add(s["name"].value)
    return found


def test_each_signatory_who_is_an_author_is_the_article_authors_one_person(store):
    signed = people(store, f"SELECT ?p ?name WHERE {{ <{NOTICE}> schema:author ?p . ?p schema:name ?name }}")
    authors = people(store, f"SELECT ?p ?name WHERE {{ <{ARTICLE}> schema:author ?p . ?p schema:name ?name }}")
    assert len(authors) == 7 and set(signed) == set(authors), (signed, authors)
    (martin,) = [p for p, names in signed.items() if "Sophie G. Martin" in names]
    assert signed[martin] == {"Sophie G. Martin", "Sophie G Martin"}  # as each source writes her
    # Why the signatory is the author is stated, as for every joined person.
    (why,) = [(s["kind"].value, s["value"].value) for s in store.query(PREFIXES + f"""SELECT ?kind ?value WHERE {{
        <{martin}> rkg:identityEvidence ?e . ?e rkg:evidenceKind ?kind ; rkg:evidenceValue ?value ;
        rkg:joins <{ARTICLE}>, <{NOTICE}> }}""")]
    assert why == ("notice-signatory", "Sophie G. Martin")


def test_the_notice_page_links_one_page_per_author(store):
    with TestClient(create_app(Settings(), store)) as client:
        page = client.get("/doc/notice/10.1083/jcb.20150407302062017r", headers={"Accept": "text/html"}).text
        linked = dict(re.findall(r'<a href="(/doc/person/[^"]+)"[^>]*>([^<]+)</a>', page))
        assert len(linked) == 7, linked  # signed by and authored by the same seven people
        martin = next(href for href, name in linked.items() if name.startswith("Sophie G"))
        person = client.get(martin, headers={"Accept": "text/html"}).text
    assert "/doc/article/10.1083/jcb.201504073" in person and "/doc/notice/10.1083/jcb.20150407302062017r" in person
    assert "the article's author signs its notice as Sophie G. Martin" in person
    assert "https://w3id.org" not in person.split("Why these are one person")[1].split("</ul>")[0]  # no IRI as text


def test_a_signatory_who_is_no_author_of_the_article_is_not_its_author(store):
    office = people(store, """SELECT ?p ?name WHERE { ?n schema:author ?p . ?p schema:name ?name
        FILTER(CONTAINS(?name, "Editorial Office")) }""")
    assert len(office) == 1, office
    (iri,) = office
    assert not store.query(PREFIXES + f"ASK {{ ?article a rkg:Article ; schema:author <{iri}> }}")


def test_without_the_articles_byline_the_signatories_are_the_notices_alone(tmp_path):
    store = OxigraphStore()
    assert not ingest(store, [sources(tmp_path, scrape=False)], Settings()).errors
    signed = people(store, f"SELECT ?p ?name WHERE {{ <{NOTICE}> schema:author ?p . ?p schema:name ?name }}")
    assert len(signed) == 7
    assert not store.query(PREFIXES + "ASK { ?article a rkg:Article ; schema:author ?p }")
