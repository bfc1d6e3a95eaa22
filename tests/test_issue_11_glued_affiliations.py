"""Issue 11: the Retraction Watch website scrape runs an article's affiliations together with a space; a reader of
the organizations saw "..., Shanghai 200433, China Rutherford Appleton Laboratory, ..." as one organization. After
an address a country ends an affiliation whatever word follows; after an organization's own part a country begins a
name ("College of Medicine, Korea University", "State Key Laboratory of Heavy Oil, China University of Petroleum").
Through the Python API and HTTP, on the scrape's own rows."""

from __future__ import annotations

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
SCRAPE = DATA / "retraction-watch" / "brian_collins_rw_website_scrape_retraction_notices.parquet"
pytestmark = pytest.mark.skipif(not DATA.exists(), reason="../shared is not present")
RECORDS = [4166, 5914, 3284, 18544]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> OxigraphStore:
    folder = tmp_path_factory.mktemp("scrape")
    table = pq.read_table(SCRAPE)
    pq.write_table(table.filter(pc.is_in(table["RID"], value_set=pc.cast(RECORDS, table["RID"].type))),
                   folder / "rows.parquet")
    store = OxigraphStore()
    assert not ingest(store, [folder], Settings()).errors
    return store


def organizations(store: OxigraphStore, record: int) -> set[str]:
    """The organizations the record's article names, each as written."""
    return {s["w"].value for s in store.query(f"""PREFIX schema: <http://schema.org/>
        PREFIX rkg: <https://w3id.org/retractkg/ontology#> SELECT ?w WHERE {{
        ?n rkg:recordId "retraction-watch:{record}" ; rkg:articleAuthor ?p .
        ?a schema:author ?p ; schema:sourceOrganization ?o .
        OPTIONAL {{ ?o rkg:affiliationString ?s }} ?o schema:name ?name BIND(COALESCE(?s, ?name) AS ?w) }}""")}


@pytest.mark.parametrize(("record", "expected"), [
    (4166, {"ASIC & System State Key Laboratory, Department of Microelectronics, Fudan University, Shanghai 200433, "
            "China", "Rutherford Appleton Laboratory, Chilton, Didcot, Oxfordshire OX11 0QX, U.K"}),
    (5914, {"Institute of Maritime Information and Technology, National Kaohsiung Marine University, Kaohsiung, Taiwan",
            "Global Earth Observation and Data Analysis Center, National Cheng Kung University, Tainan, Taiwan"}),
    (18544, {"State Key Laboratory of Heavy Oil, China University of Petroleum, Dongying, China"}),
])
def test_affiliations_run_together_after_an_address_are_told_apart(store, record, expected):
    assert organizations(store, record) == expected


def test_a_name_that_begins_with_a_country_stays_whole(store):
    found = organizations(store, 3284)
    assert "Department of Integrative Medicine, College of Medicine, Korea University, Seoul, South Korea" in found
    assert not {written for written in found if written.startswith("University")}


def test_the_article_page_lists_each_institution_apart(store):
    (article,) = {s["a"].value for s in store.query("""PREFIX schema: <http://schema.org/>
        PREFIX rkg: <https://w3id.org/retractkg/ontology#> SELECT ?a WHERE { ?n rkg:recordId "retraction-watch:4166" ;
        <http://purl.org/spar/cito/updates> ?a }""")}
    with TestClient(create_app(Settings(), store)) as client:
        page = client.get(article.replace(Settings().base + "id/", "/doc/"), headers={"Accept": "text/html"}).text
    assert ">Rutherford Appleton Laboratory" in page and "China Rutherford" not in page
