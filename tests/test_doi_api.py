"""Issue 14: "is this paper retracted?" through HTTP, on the Retraction Watch COVID-19 subset and the demo
notices ingested into a real store, served by the app with its own query processes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import servers
from fastapi.testclient import TestClient

from retractkg.api.app import create_app
from retractkg.config import Settings
from retractkg.ingest.pipeline import DEMO_DIR, ingest
from retractkg.store import OxigraphStore, open_store

RW = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "retraction-watch" / \
    "rw_covid19_subset_dev_rawformat.csv"
RETRACTED = "10.1007/s11356-022-20387-8"  # record 54680, retracted 2024-07-08
CONCERN = "10.7759/cureus.19954"  # record 51516, PMID 34976537: an expression of concern (and a retraction)
CORRECTED = "10.1371/journal.pone.0279520"  # record 43636, a correction


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    settings = Settings(store_path=tmp_path_factory.mktemp("doi") / "store")
    with OxigraphStore(settings.store_path) as store:
        ingest(store, [RW, DEMO_DIR], settings)
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.mark.parametrize("written", [RETRACTED.upper(), f"doi:{RETRACTED}", f"https://doi.org/{RETRACTED}"])
def test_a_browser_is_sent_to_the_article_page_in_any_written_form(client, written):
    response = client.get(f"/doi/{written}", headers={"Accept": "text/html"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/doc/article/{RETRACTED}"
    assert client.get(response.headers["location"], headers={"Accept": "text/html"}).status_code == 200


def test_a_program_gets_the_notices_and_reasons(client):
    work = client.get(f"/doi/{RETRACTED.upper()}", headers={"Accept": "application/json"}).json()
    assert work == client.get(f"/api/works/{RETRACTED}").json() | {"query": RETRACTED.upper()}
    assert work["is_retracted"] and not work["is_corrected"] and not work["has_expression_of_concern"]
    notice, = work["notices"]
    assert notice["nature_label"] == "Retraction" and notice["date"] == "2024-07-08"
    assert notice["doi"] == "10.1007/s11356-024-34290-x"
    assert "Compromised Peer Review" in {r["label"] for r in notice["reasons"]}


def test_concern_correction_pmid_and_unknown(client):
    assert client.get(f"/api/works/{CONCERN}").json()["has_expression_of_concern"]
    assert client.get("/api/works/34976537").json()["id"].endswith(CONCERN)  # by PMID
    corrected = client.get(f"/api/works/{CORRECTED}").json()
    assert corrected["is_corrected"] and "Correction" in {n["nature_label"] for n in corrected["notices"]}
    reinstated = client.get("/api/works/10.1055/a-2059-4844").json()  # record 44137, a reinstatement
    assert reinstated["is_reinstated"] and not reinstated["is_retracted"]
    assert client.get("/api/works/10.9999/not-in-the-graph").status_code == 404
    assert client.get("/api/works/not-a-doi").status_code == 400
    head = client.head(f"/api/works/{CONCERN}")
    assert head.status_code == 200 and head.headers["content-type"] == "application/json" and not head.content


def rows() -> list[dict]:
    with RW.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_notices_are_filtered_and_paged_with_a_cursor_to_the_end(client):
    expected = {r["OriginalPaperDOI"].lower() for r in rows()
                if r["RetractionNature"] == "Expression of concern" and r["OriginalPaperDOI"].startswith("10.")}
    seen, concerned, cursor, pages = [], set(), None, 0
    while True:
        params = {"nature": "expression-of-concern", "per_page": 5} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/notices", params=params).json()
        seen += [n["id"] for n in page["results"]]
        concerned |= {article.lower() for n in page["results"] for article in n["concerns"]}
        pages += 1
        cursor = page["meta"]["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) and pages > 1
    # Each article with an expression of concern in the export is reached (a notice with its own DOI is
    # that DOI's resource, so the article is read from what the notice concerns).
    assert all(any(doi in article for article in concerned) for doi in expected)
    pakistan = client.get("/api/notices", params={"country": "PAKISTAN", "year": "2023", "per_page": 200}).json()
    assert pakistan["results"] and all(n["date"].startswith("2023") for n in pakistan["results"])
    cureus = client.get("/api/notices", params={"journal": "cureus", "per_page": 200}).json()["results"]
    assert any(CONCERN in n["concerns"][0] for n in cureus)
    assert client.get("/api/notices", params={"nature": "Not A Slug!"}).status_code == 400
    assert client.get("/api/notices", params={"cursor": "%%%"}).status_code == 400
    assert "/api/notices" in client.get("/openapi.json").json()["paths"]


def test_a_list_of_identifiers_is_checked_at_once(client):
    body = f"{RETRACTED}\n\n34976537\nhttps://doi.org/{CORRECTED}\n10.9999/unknown\n"
    report = client.post("/api/check", content=body, headers={"Content-Type": "text/plain"}).json()
    assert [r["status"] for r in report["results"]] == ["retracted", "retracted", "retracted", "not_found"]
    assert [r["line"] for r in report["results"]] == [1, 3, 4, 5]
    as_json = client.post("/api/check", json=[RETRACTED, "10.9999/unknown"]).json()
    assert as_json["counts"] == {"retracted": 1, "not_found": 1}


BIBTEX = f"""@article{{wang2022,
  title = {{Sustainable impact}},
  doi = {{{RETRACTED.upper()}}}
}}

@article{{nodoi, title={{No identifier}}}}

@misc{{cureus, title = {{Thrombosis}}, note = {{PMID: 34976537}}}}
"""


def test_bibtex_ris_and_csl_json_files(client):
    report = client.post("/api/check", content=BIBTEX).json()
    assert report["format"] == "bibtex"
    assert [(r["key"], r["line"], r["status"]) for r in report["results"]] == [
        ("wang2022", 1, "retracted"), ("nodoi", 6, "no_identifier"), ("cureus", 8, "retracted")]
    ris = f"TY  - JOUR\nTI  - A\nDO  - {CORRECTED}\nER  - \nTY  - JOUR\nDO  - 10.9999/x\nER  - \n"
    report = client.post("/api/check", content=ris).json()
    assert [(r["line"], r["status"]) for r in report["results"]] == [(1, "retracted"), (5, "not_found")]
    csl = [{"id": "item-1", "type": "article-journal", "DOI": CONCERN}, {"id": "item-2", "title": "no DOI"}]
    report = client.post("/api/check", json=csl).json()
    assert [(r["key"], r["status"]) for r in report["results"]] == [("item-1", "retracted"),
                                                                       ("item-2", "no_identifier")]


def test_unreadable_lists_are_refused_naming_the_entry(client):
    bad_line = client.post("/api/check", content=f"{RETRACTED}\nnot an identifier\n")
    assert bad_line.status_code == 400 and "line 2" in bad_line.json()["detail"]
    broken_bibtex = BIBTEX + "\n@article{broken,\n  title = {unclosed\n"
    response = client.post("/api/check", content=broken_bibtex)
    assert response.status_code == 400 and "broken" in response.json()["detail"]
    assert "line 10" in response.json()["detail"]
    broken_ris = "TY  - JOUR\nDO  - 10.1/x\nthis is not RIS\nER  - \n"
    response = client.post("/api/check", content=broken_ris)
    assert response.status_code == 400 and "line 3" in response.json()["detail"]
    bad_json = client.post("/api/check", content='["10.1/x",\n  oops]')
    assert bad_json.status_code == 400 and "line 2" in bad_json.json()["detail"]
    too_many = client.post("/api/check", json=[f"10.9999/{i}" for i in range(1001)])
    assert too_many.status_code == 413 and "1,001" in too_many.json()["detail"]
    too_large = client.post("/api/check", content=b"1\n" * (1024 * 1024 + 1))
    assert too_large.status_code == 413


def test_the_form_answers_a_pasted_list_and_an_uploaded_file(client):
    assert 'enctype="multipart/form-data"' in client.get("/check").text
    page = client.post("/check", data={"text": f"{RETRACTED}\n10.9999/unknown"})
    assert page.status_code == 200 and "retracted" in page.text and f"/doc/article/{RETRACTED}" in page.text
    upload = client.post("/check", files={"file": ("refs.bib", BIBTEX.encode(), "application/x-bibtex")})
    assert upload.status_code == 200 and "no identifier" in upload.text and "Compromised Peer Review" in upload.text
    error = client.post("/check", data={"text": "nonsense"})
    assert error.status_code == 400 and "line 1" in error.text
    huge = client.post("/check", files={"file": ("refs.txt", b"1\n" * (1024 * 1024 + 1), "text/plain")})
    assert huge.status_code == 413 and "2 MB" in huge.text


def test_a_remote_store_gives_the_same_answers(client, tmp_path):
    """The same routes over `oxigraph serve` (a private one): every lookup is a query of the store interface."""
    with servers.oxigraph_server() as server:
        settings = Settings(sparql_query_url=server.query_url, sparql_update_url=server.update_url,
                            text_index=tmp_path / "search.sqlite3")
        with open_store(settings) as store:
            ingest(store, [RW, DEMO_DIR], settings)
        with TestClient(create_app(settings)) as remote:
            for path in (f"/api/works/{RETRACTED}", f"/api/works/{CONCERN}", "/api/works/34976537",
                         "/api/notices?reason=concerns-issues-about-data&per_page=7",
                         "/api/notices?publisher=springer&year=2024"):
                answer = remote.get(path).json()
                assert answer == client.get(path).json() and (answer.get("notices") or answer.get("results")), path
            body = f"{RETRACTED}\n{CORRECTED}\n10.9999/unknown"
            assert remote.post("/api/check", content=body).json() == client.post("/api/check", content=body).json()
