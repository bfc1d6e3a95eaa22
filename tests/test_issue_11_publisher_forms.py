"""Issue 11: a publisher's name with a legal form ("Ltd", "Inc.", "GmbH", "B.V.", "& Co") is the publisher its name
without it names (`lexicon/legal_forms.txt`), kept as its schema:alternateName; imprints and publishers that
differ by a word of their name stay apart. Through the Python API and HTTP, on real shared records."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from retractkg.api.app import create_app
from retractkg.config import Settings
from retractkg.ingest.iris import Minter, publisher_key, publisher_name
from retractkg.ingest.pipeline import ingest
from retractkg.ingest.reading.lexicon import legal_forms
from retractkg.store import OxigraphStore
from retractkg.store.notice_statistics import BY_PUBLISHER

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
RW = DATA / "retraction-watch" / "rw_covid19_subset_dev_rawformat.csv"
pytestmark = pytest.mark.skipif(not DATA.exists(), reason="../shared is not present")
MINT = Minter(Settings().base)


@pytest.mark.parametrize("form", legal_forms())
def test_every_listed_legal_form_ending_a_name_is_the_publisher_without_it(form):
    assert MINT.publisher(f"Dentmedpub Research and Printing {form}") == MINT.publisher(
        "Dentmedpub Research and Printing")


@pytest.mark.parametrize("place", ["Springer Berlin Heidelberg", "Springer India", "Springer London",
                                   "Springer International Publishing", "Springer-Verlag"])
def test_springer_by_its_place_of_publication_is_springer(place):
    """The real Retraction Watch and JATS spellings of Springer's places of publication (curated in
    `lexicon/publishers.tsv`), each Springer, named "Springer"."""
    assert MINT.publisher(place) == MINT.publisher("Springer")
    assert publisher_name(place) == "Springer"


@pytest.mark.parametrize(("one", "other"), [
    ("Springer", "Springer Nature"),  # an imprint and its group: apart unless a source says otherwise
    ("Springer", "BioMed Central"),
    ("Nature Publishing Group", "Springer Nature"),
    ("Company of Biologists", "Biologists"),  # "Company" is a word of the name, not a legal form
    ("Ltd", "Inc"),  # a name that is all legal form keeps its words
])
def test_publishers_that_differ_by_more_than_a_legal_form_stay_apart(one, other):
    assert MINT.publisher(one) != MINT.publisher(other)
    assert publisher_key(one) != publisher_key(other)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> OxigraphStore:
    """A real PMC notice whose JATS names "International Scientific Literature, Inc.", and a real Retraction Watch
    row given that publisher without its legal form."""
    folder = tmp_path_factory.mktemp("forms")
    (folder / "PMC4750758.xml").write_bytes((DATA / "jats" / "PMC4750758.xml").read_bytes())
    with RW.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        row = next(reader)
        fields = reader.fieldnames
    row["Publisher"] = "International Scientific Literature"
    with (folder / "rw.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fields)
        writer.writeheader()
        writer.writerow(row)
    store = OxigraphStore()
    assert not ingest(store, [folder], Settings()).errors
    return store


def test_a_legal_form_variant_is_one_publisher_listed_once_with_the_variant_kept(store):
    found = {(s["p"].value, s["alt"].value) for s in store.query("""PREFIX schema: <http://schema.org/>
        SELECT ?p ?alt WHERE { ?p schema:name "International Scientific Literature" ; schema:alternateName ?alt }""")}
    publisher = MINT.publisher("International Scientific Literature")
    assert found == {(publisher, "International Scientific Literature, Inc.")}
    with TestClient(create_app(Settings(), store)) as client:
        page = client.get("/browse/publishers", headers={"Accept": "text/html"})
    listed = dict(re.findall(r'<tr><td><a href="[^"]*">([^<]*)</a></td><td class="count">([\d,]+)</td>', page.text))
    assert "International Scientific Literature, Inc." not in listed, listed
    (count,) = [s["c"].value for s in store.query(f"""PREFIX schema: <http://schema.org/>
        PREFIX rkg: <https://w3id.org/retractkg/ontology#> PREFIX cito: <http://purl.org/spar/cito/>
        SELECT (COUNT(DISTINCT ?notice) AS ?c) WHERE {{ ?notice a rkg:Notice .
        ?x schema:name "International Scientific Literature" . {BY_PUBLISHER} }}""")]
    assert listed["International Scientific Literature"] == count == "2"
