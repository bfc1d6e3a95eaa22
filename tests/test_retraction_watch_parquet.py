"""The Retraction Watch website scrape saved as Parquet
(../shared/data/retraction-watch/brian_collins_rw_website_scrape_retraction_notices.parquet, 6,954 records whose
fields are run together): ingested whole through the command line, then asked with SPARQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from retractkg.cli import main
from retractkg.config import Settings
from retractkg.ingest import sources
from retractkg.ingest.pipeline import ingest
from retractkg.ingest.readers import retraction_watch_parquet as scrape
from retractkg.store import OxigraphStore

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

SCRAPE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "retraction-watch" / \
    "brian_collins_rw_website_scrape_retraction_notices.parquet"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not SCRAPE.exists(), reason="../shared is not present")]
BASE = Settings().base
PREFIXES = """PREFIX schema: <http://schema.org/> PREFIX rkg: <https://w3id.org/retractkg/ontology#>
PREFIX cito: <http://purl.org/spar/cito/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


def rows(store: OxigraphStore, sparql: str) -> list[dict[str, str]]:
    result = store.query(PREFIXES + sparql)
    return [{v.value: s[v].value for v in result.variables if s[v] is not None} for s in result]


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """The whole file ingested with `retractkg ingest`; (store folder, stdout, stderr)."""
    folder = tmp_path_factory.mktemp("scrape") / "store"
    run = subprocess.run([sys.executable, "-m", "retractkg.cli", "ingest", str(SCRAPE), "--store", str(folder),
                          "--quiet"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    return folder, run.stdout, run.stderr


@pytest.fixture(scope="module")
def store(stored):
    with OxigraphStore(stored[0], read_only=True) as opened:
        yield opened


def test_detected_by_its_magic_and_columns_whatever_its_name(tmp_path):
    renamed = tmp_path / "scrape.bin"
    renamed.write_bytes(SCRAPE.read_bytes())
    assert sources.detect(renamed).name == "retraction-watch-parquet"
    other = tmp_path / "other.parquet"
    # Without the pandas metadata, which still names the columns that were left out.
    pq.write_table(pq.read_table(SCRAPE, columns=["Author(s)", "doi"]).slice(0, 5).replace_schema_metadata(), other)
    assert not scrape.sniff(other.read_bytes()[:4096], other)


def test_every_record_is_stored_under_its_rid_and_the_store_conforms(stored, store, capsys):
    folder, out, err = stored
    assert "6954 records: 6954 added, 0 updated, 0 unchanged, 0 errors" in out
    # What could not be split for certain is said per record (file, row, RID), and kept out rather than guessed.
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert any(f"{SCRAPE}:row 5801, RID 41378: no nature of notice" in w for w in warnings)
    assert len(warnings) < 20
    (count,) = rows(store, """SELECT (COUNT(DISTINCT ?id) AS ?n) WHERE { ?notice rkg:recordId ?id
        FILTER(STRSTARTS(?id, "retraction-watch:")) }""")
    assert count == {"n": "6954"}
    assert main(["validate", "--store", str(folder)]) == 0
    assert "Conforms" in capsys.readouterr().out


def test_a_run_together_record_becomes_its_values(store):
    """RID 4212: '11/01/20021245682010.1113/jphysiol.2002.021881', six authors in one cell, three affiliations."""
    article = BASE + "id/article/10.1113/jphysiol.2002.021881"
    # the notice is its own DOI's resource (issue 11): found by the article it retracts
    (notice,) = [r["n"] for r in rows(store, f"SELECT DISTINCT ?n WHERE {{ ?n cito:retracts <{article}> }}")]
    (n,) = rows(store, f"""SELECT DISTINCT ?id ?date ?doi ?pmid ?paywalled WHERE {{ <{notice}> rkg:recordId ?id ;
        cito:retracts <{article}> ; schema:datePublished ?date ; rkg:doi ?doi ; rkg:pmid ?pmid ;
        rkg:paywalled ?paywalled ; rkg:nature <{BASE}id/nature/retraction> }}""")
    assert n == {"id": "retraction-watch:4212", "date": "2015-05-01", "doi": "10.1113/jp270442", "pmid": "26120649",
                 "paywalled": "false"}
    (a,) = rows(store, f"""SELECT DISTINCT ?title ?date ?pmid ?journal ?publisher ?genre ?country WHERE {{ <{article}>
        schema:name ?title ; schema:datePublished ?date ; rkg:pmid ?pmid ; schema:genre ?genre ;
        schema:countryOfOrigin ?country ; schema:isPartOf [ schema:name ?journal ; schema:publisher/schema:name
        ?publisher ] }}""")
    assert a == {"title": "Cytoskeletal disrupting agents prevent calmodulin kinase, IQ domain and voltage-dependent "
                          "facilitation of L-type Ca2+ channels", "date": "2002-11-01", "pmid": "12456820",
                 "journal": "The Journal of Physiology", "publisher": "Wiley", "genre": "Research Article",
                 "country": "United States"}
    authors = rows(store, f"""SELECT DISTINCT ?name WHERE {{ <{article}> rkg:authorship [ rkg:position ?pos ;
        rkg:agent/schema:name ?name ] }} ORDER BY ?pos""")
    assert [r["name"] for r in authors] == ["Igor Dzhura", "Yuejin Wu", "Roger J Colbran", "Mark E Anderson",
                                            "Jackie D Corbin", "Jeffrey R Balser"]
    orgs = {r["name"] for r in rows(store, f"""SELECT DISTINCT ?name WHERE {{
        <{article}> schema:sourceOrganization/schema:name ?name }}""")}
    assert "Department of Internal Medicine, Vanderbilt University, Nashville, TN 37232" in orgs
    assert "Departments of Anesthesiology, Vanderbilt University, Nashville, TN 37232-6300, USA" in orgs
    subjects = {r["s"] for r in rows(store, f"SELECT DISTINCT ?s WHERE {{ <{article}> schema:keywords ?s }}")}
    assert subjects == {"(BLS) Biochemistry", "(BLS) Biology - Molecular"}
    reasons = {r["label"] for r in rows(store, f"""SELECT DISTINCT ?label WHERE {{ <{notice}> rkg:reason ?c .
        ?c skos:prefLabel ?label ; skos:inScheme ?scheme }}""")}
    assert len(reasons) == 7 and {"Falsification/Fabrication of Data", "Investigation by ORI"} <= reasons
    urls = {r["u"] for r in rows(store, f"SELECT DISTINCT ?u WHERE {{ <{notice}> schema:subjectOf ?u }}")}
    assert len(urls) == 2 and all(u.startswith("http://retractionwatch.com/201") for u in urls)


def test_none_pubmed_ids_natures_and_a_reason_without_its_plus(store):
    # RID 18098: PubMed ID 00000000 (none) on both sides, '+Fake Peer Review+Investigation by Journal/Publisher'.
    article = BASE + "id/article/10.1111/are.13204"
    assert rows(store, f"SELECT DISTINCT ?p WHERE {{ <{article}> rkg:pmid ?p }}") == []
    (a,) = rows(store, f"""SELECT DISTINCT ?date ?publisher WHERE {{ <{article}> schema:datePublished ?date ;
        schema:isPartOf/schema:publisher/schema:name ?publisher }}""")
    assert a == {"date": "2016-10-06", "publisher": "Wiley"}
    authors = {r["name"] for r in rows(store, f"""SELECT DISTINCT ?name WHERE {{ <{article}> schema:author/schema:name
        ?name }}""")}
    assert authors == {"Mohammad Sadegh Aramli", "Mohammad Reza Kalbassi"}
    reasons = {r["c"] for r in rows(store, """SELECT DISTINCT ?c WHERE { ?n rkg:recordId "retraction-watch:18098" ;
        rkg:reason ?c }""")}
    # "Fake Peer Review" is the older wording of the concept "Compromised Peer Review".
    assert reasons == {BASE + "id/reason/compromised-peer-review",
                       BASE + "id/reason/investigation-by-journal-publisher"}
    # RID 5676 'Research ArticleExpression of concern'; RID 41378 'Research Article' alone: unclassified.
    natures = rows(store, """SELECT DISTINCT ?id ?nature WHERE {
        VALUES ?id { "retraction-watch:5676" "retraction-watch:41378" } ?n rkg:recordId ?id ; rkg:nature ?nature
    } ORDER BY ?id""")
    assert [r["nature"].rsplit("/", 1)[1] for r in natures] == ["unclassified", "expression-of-concern"]
    # RID 997 ran '+Euphemisms for Misconduct' into 'Notice - No/Limited Information' without a '+'.
    labels = {r["label"] for r in rows(store, """SELECT DISTINCT ?label WHERE { ?n rkg:recordId "retraction-watch:997" ;
        rkg:reason/skos:prefLabel ?label }""")}
    assert {"Euphemisms for Misconduct", "Notice - Limited or No Information"} <= labels


def test_a_numbered_affiliation_list_loses_its_markers(store):
    """RID 5375 numbers its affiliations, run together: '1Department of ..., Switzerland 2Department of ...'.
    The article's organizations are the two departments, not "1" and "... Switzerland 2"."""
    orgs = {r["name"] for r in rows(store, f"""SELECT DISTINCT ?name WHERE {{
        <{BASE}id/article/10.1083/jcb.201504073> schema:sourceOrganization/schema:name ?name }}""")}
    assert orgs == {"Department of Fundamental Microbiology, University of Lausanne, CH-1015 Lausanne, Switzerland",
                    "Department of Cell and Developmental Biology, Vanderbilt University School of Medicine, "
                    "Nashville, TN 37232"}
    # A marker glued to the institution it numbers is a seam; an address's number glued to a word is not.
    named = {r["name"] for r in rows(store, "SELECT DISTINCT ?name WHERE { ?a schema:sourceOrganization/schema:name "
                                            "?name FILTER(CONTAINS(?name, 'Kaohsiung 84001') "
                                            "|| CONTAINS(?name, 'Gongqingtuan')) }")}
    assert named == {"School of Chinese Medicine for Post-Baccalaureate, I-Shou University, Kaohsiung 84001, Taiwan",
                     "Department of Spinal Surgery, Central Hospital of Zibo, Affiliated with Shandong University, "
                     "Gongqingtuan Road 54Hao, Zibo, Shandong Province, China"}
    assert not rows(store, "SELECT ?o WHERE { ?a schema:sourceOrganization ?o . ?o schema:name ?n "
                           "FILTER(REGEX(?n, '^[0-9]+$')) }")


def test_names_are_split_at_the_capital_that_starts_the_next_one():
    assert scrape.split_names("A KrikaO RachedM el Hadef el Okki") == ["A Krika", "O Rached", "M el Hadef el Okki"]
    # Closed-up surnames and given names written with a capital inside stay whole.
    assert scrape.split_names("Nicholas DiRienzoWen DiNing ZhangGwang LeeJungMin HaJohn C LaRosa") == [
        "Nicholas DiRienzo", "Wen Di", "Ning Zhang", "Gwang Lee", "JungMin Ha", "John C LaRosa"]
    assert scrape.split_names("G McGwin, JrM S VaphiadesWilson Nadruz Jr.Kleber G Franchini") == [
        "G McGwin, Jr", "M S Vaphiades", "Wilson Nadruz Jr.", "Kleber G Franchini"]


def test_bad_records_are_errors_with_file_and_row_and_the_rest_is_stored(tmp_path):
    table = pq.read_table(SCRAPE).slice(0, 4)
    rids = table.column("RID").to_pylist()
    rids[1] = None
    bad = tmp_path / "bad.parquet"
    pq.write_table(table.set_column(table.schema.get_field_index("RID"), "RID", pa.array(rids, pa.int64())), bad)
    report = ingest(OxigraphStore(), [bad], Settings())
    assert len(report.added) == 3
    (error,) = report.errors
    assert str(error) == f"{bad}:row 2: no RID (the Retraction Watch record id)"


def test_without_pyarrow_a_one_line_error_names_the_file_and_the_extra(tmp_path):
    program = ("import sys; sys.modules['pyarrow'] = None; sys.modules['pyarrow.parquet'] = None\n"
               "from retractkg.cli import main\n"
               f"sys.exit(main(['ingest', {str(SCRAPE)!r}, '--store', {str(tmp_path / 'store')!r}, '--quiet']))")
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    (line,) = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert line == f"error: {SCRAPE}: reading Parquet needs pyarrow: pip install 'retractkg[parquet]'"
