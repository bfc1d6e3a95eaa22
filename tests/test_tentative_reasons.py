"""Reasons below the precision-first threshold are kept in the graph, marked, and never asserted (issue 12).

Real notices: the publisher pages of ../shared/data/notices/pages, ingested as text; the threshold is the
fitted one (ingest/reading/reason_calibration.json).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from retractkg.api.app import create_app
from retractkg.config import Settings
from retractkg.ingest.pipeline import ingest
from retractkg.ingest.reading import calibration
from retractkg.store import OxigraphStore
from retractkg.validation import validate

PAGES = Path(__file__).resolve().parents[2] / "shared" / "data" / "notices" / "pages"
pytestmark = pytest.mark.skipif(not PAGES.exists(), reason="../shared is not present")
PREFIXES = """PREFIX rkg: <https://w3id.org/retractkg/ontology#> PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
THRESHOLD = Decimal(str(calibration.load().threshold))


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    store = OxigraphStore()
    report = ingest(store, sorted(PAGES.glob("*.txt")), Settings())
    assert report.errors == []
    return store


def assignments(store: OxigraphStore) -> list[dict]:
    rows = store.query(PREFIXES + """SELECT ?n ?a ?c ?conf ?tentative ?asserted ?possible WHERE {
        GRAPH ?g { ?n rkg:reasonAssignment ?a . ?a oa:hasBody ?c ; rkg:confidence ?conf .
                   OPTIONAL { ?a rkg:tentative ?tentative }
                   BIND(EXISTS { ?n rkg:reason ?c } AS ?asserted)
                   BIND(EXISTS { ?n rkg:possibleReason ?c } AS ?possible) } }""")
    return [{k: row[k].value if row[k] is not None else None for k in ("n", "a", "c", "conf", "tentative",
                                                                         "asserted", "possible")} for row in rows]


def test_reasons_below_the_threshold_are_possible_reasons_not_reasons(store):
    found = assignments(store)
    tentative = [a for a in found if a["tentative"] == "true"]
    asserted = [a for a in found if a["tentative"] is None]
    assert tentative and asserted
    for a in tentative:  # kept with their confidence and evidence, offered, not asserted (in their own graph)
        assert Decimal(a["conf"]) < THRESHOLD
        assert a["possible"] == "true" and a["asserted"] == "false", a
    for a in asserted:
        assert Decimal(a["conf"]) >= THRESHOLD
        assert a["asserted"] == "true" and a["possible"] == "false", a
    (row,) = store.query(PREFIXES + """SELECT (COUNT(*) AS ?c) WHERE {
        ?a rkg:tentative true ; oa:hasTarget/oa:hasSelector/oa:exact ?quote }""")
    assert int(row["c"].value) >= len(tentative)  # each quotes the sentence it was read from


def test_the_graph_with_possible_reasons_conforms_to_the_shapes(store):
    conforms, report = validate(store, workers=1)
    assert conforms, report


def test_a_notice_page_lists_possible_reasons_apart(store):
    found = next(a for a in assignments(store) if a["tentative"] == "true")
    (label,) = store.query(PREFIXES + f"SELECT ?l WHERE {{ <{found['c']}> skos:prefLabel ?l }}")
    settings = Settings()
    with TestClient(create_app(settings, store)) as client:
        page = client.get("/doc/" + found["n"][len(settings.base) + 3:], headers={"Accept": "text/html"})
    assert page.status_code == 200
    reasons, _, possible = page.text.partition("Possible reasons")
    assert label["l"].value in possible.split("</section>")[0]
    assert f">{label['l'].value}</a>" not in reasons.split('class="reasons"')[-1]
