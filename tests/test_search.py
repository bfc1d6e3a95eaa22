"""Search over the full-text index (retractkg/store/text_index.py), through HTTP, on real shared data."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from retractkg.api.app import create_app
from retractkg.cli import main
from retractkg.config import Settings
from retractkg.store import OxigraphStore

SHARED = Path(__file__).resolve().parents[2] / "shared"
COVID = SHARED / "data" / "retraction-watch" / "rw_covid19_subset_dev_rawformat.csv"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    if not COVID.exists():
        pytest.skip("../shared is not beside the checkout")
    store_path = tmp_path_factory.mktemp("search") / "store"
    assert main(["ingest", str(COVID), "--demo", "--quiet", "--store", str(store_path)]) == 0
    assert (store_path / "search.sqlite3").exists()  # ingest keeps the index
    settings = Settings(store_path=store_path)
    with TestClient(create_app(settings, OxigraphStore(store_path, read_only=True), exclusive=True)) as client:
        yield client


def results(client, query: str, page: int = 1) -> dict:
    response = client.get("/search", params={"q": query, "page": page}, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


def test_a_common_word_pages_through_every_match_best_first(client):
    first = results(client, "covid")
    assert first["total"] > 50  # it used to stop at 50
    assert len(first["results"]) == 50
    second = results(client, "covid", page=2)
    assert second["results"] and {r["iri"] for r in second["results"]}.isdisjoint(r["iri"] for r in first["results"])
    assert "covid" in first["results"][0]["label"].lower()  # a title that says it ranks first
    html = client.get("/search", params={"q": "covid"}, headers={"Accept": "text/html"})
    assert 'rel="next"' in html.text and f"{first['total']:,} results" in html.text


def test_words_of_a_notice_text_and_names_find_it(client):
    body_only = results(client, "background inconsistencies")  # in the demo BMC notice's text, not in a title
    assert any(r["kind"] == "notice" for r in body_only["results"])
    grech = results(client, "victor grech")
    assert grech["results"] and any("Grech" in r["label"] for r in grech["results"])
    assert results(client, "Grèch")["total"] == results(client, "grech")["total"]  # diacritics and case fold


def test_a_doi_is_found_in_any_form(client):
    found = results(client, "https://doi.org/10.1186/S12951-022-01520-8")
    assert any(r["kind"] == "article" for r in found["results"])


def test_the_index_is_never_older_than_the_store(tmp_path):
    """Written by other means than `retractkg ingest` (the Python API here), or with its index file gone,
    the store is searched through an index rebuilt first."""
    from retractkg.ingest.pipeline import DEMO_DIR, ingest

    settings = Settings(store_path=tmp_path / "store")
    assert main(["ingest", str(DEMO_DIR / "bmc_jnanobiotech_retraction_note_2024.txt"), "--quiet",
                 "--store", str(settings.store_path)]) == 0
    (settings.store_path / "search.sqlite3").unlink()
    with OxigraphStore(settings.store_path) as store, TestClient(create_app(settings, store)) as client:
        assert results(client, "nanobiotechnology")["total"] >= 1
        assert results(client, "expression concern")["total"] == 0
        ingest(store, [DEMO_DIR / "plos_one_expression_of_concern_2022.html"], settings)
        assert results(client, "expression concern")["total"] >= 1
    assert main(["index", "--store", str(settings.store_path)]) == 0


def test_an_index_of_an_older_layout_is_built_anew_by_ingest_and_by_the_app(tmp_path, capsys):
    """A store indexed before the statistics tables existed (its meta has no layout) gets them at the next
    ingest even when nothing changed, and an app finds the index rebuilt before its first page."""
    import sqlite3

    from retractkg.ingest.pipeline import DEMO_DIR

    store_path = tmp_path / "store"
    notice = str(DEMO_DIR / "bmc_jnanobiotech_retraction_note_2024.txt")
    index = store_path / "search.sqlite3"

    def forget_layout() -> None:
        with sqlite3.connect(index) as connection:
            connection.execute("DELETE FROM meta WHERE key = 'layout'")
        connection.close()

    def layout() -> list:
        with sqlite3.connect(index) as connection:
            found = connection.execute("SELECT value FROM meta WHERE key = 'layout'").fetchall()
        connection.close()
        return found

    assert main(["ingest", notice, "--store", str(store_path)]) == 0
    forget_layout()
    capsys.readouterr()
    assert main(["ingest", notice, "--store", str(store_path)]) == 0  # nothing changed
    assert "rebuilding the search index" in capsys.readouterr().err
    assert layout()
    forget_layout()
    settings = Settings(store_path=store_path)
    with TestClient(create_app(settings, OxigraphStore(store_path, read_only=True), exclusive=True)) as client:
        assert results(client, "nanobiotechnology")["total"] >= 1
    assert layout()


@pytest.mark.parametrize("reason", ["Paper Mill", "Rogue Editor", "Investigation by Third Party"])
def test_a_reasons_words_find_every_notice_given_it(client, reason):
    """Someone asking about paper mills searches "paper mill": each notice whose reasons name it is found,
    as many as the reason facet and SPARQL count."""
    query = f"""PREFIX rkg: <https://w3id.org/retractkg/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?n WHERE {{ ?n rkg:reason ?r . ?r skos:prefLabel "{reason}"@en }}"""
    answer = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    given = {b["n"]["value"] for b in answer.json()["results"]["bindings"]}
    assert len(given) >= 3
    found = results(client, reason.lower())
    assert given <= {r["iri"] for r in found["results"] if r["kind"] == "notice"}



def test_an_app_over_a_store_in_memory_removes_the_index_it_made_for_itself():
    """An in-memory store has no folder to keep its index beside: the app builds one in a private
    temporary folder and removes it when it stops (test runs used to leave thousands behind)."""
    from retractkg.ingest.pipeline import DEMO_DIR, ingest  # the Python API an embedding program calls

    store = OxigraphStore()
    assert ingest(store, [DEMO_DIR], Settings()).added
    with TestClient(create_app(Settings(), store)) as client:
        assert results(client, "retraction")["total"] > 0
        index = client.app.state.text_index.path
        assert index.exists()
    assert not index.parent.exists()
