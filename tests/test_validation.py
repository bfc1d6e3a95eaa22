"""SHACL validation of the store: mapped notices conform, broken graphs do not, and the CLI says so by exit code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from notice_factory import sample_record

from retractkg.cli import main
from retractkg.config import Settings
from retractkg.ingest.batches import write_batch
from retractkg.ingest.mapping import RecordMapper
from retractkg.ingest.model import Nature, SourceRecord
from retractkg.ingest.periodical_graphs import write_descriptions
from retractkg.ingest.pipeline import IngestReport, ensure_vocabulary, ingest
from retractkg.store import OxigraphStore
from retractkg.validation import validate

BASE = "https://w3id.org/retractkg/"
NOTICE = BASE + "id/notice/retraction/10.1186/s12951-022-01520-8"
CONCERN = BASE + "id/notice/concern/10.1000/concern.1"
ARTICLE = BASE + "id/article/10.1186/s12951-022-01520-8"
SHARED = Path(__file__).resolve().parents[2] / "shared"
PREFIXES = """
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX schema: <http://schema.org/>
PREFIX rkg: <https://w3id.org/retractkg/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def store_mapped(store: OxigraphStore, records: list[SourceRecord], settings: Settings) -> None:
    """Map and write records as ingest does: their graphs, then their journals' and publishers' descriptions."""
    mapper = RecordMapper(settings.base)
    write_batch(store, [mapper.map(r) for r in records], IngestReport(), settings)
    write_descriptions(store, mapper.descriptions)


def fill(store: OxigraphStore, *, vocabulary: bool = True) -> OxigraphStore:
    """A retraction and an expression of concern, mapped and written as ingest writes them."""
    settings = Settings(base=BASE)
    if vocabulary:
        ensure_vocabulary(store)
    store_mapped(store, [sample_record(), sample_record(nature=Nature.EXPRESSION_OF_CONCERN, doi="10.1000/concern.1")],
                 settings)
    return store


@pytest.mark.parametrize("nature", list(Nature))
def test_a_mapped_notice_of_every_nature_conforms(nature):
    store = OxigraphStore()
    ensure_vocabulary(store)
    settings = Settings(base=BASE)
    store_mapped(store, [sample_record(nature=nature)], settings)
    conforms, report = validate(store)
    assert conforms, report
    assert report.startswith("Conforms: 1 notices")


def test_conforms_without_the_vocabulary_graph_in_the_store():
    """Scheme membership is checked against the shipped schemes, so a bare data store validates too."""
    conforms, report = validate(fill(OxigraphStore(), vocabulary=False))
    assert conforms, report


def test_a_seed_like_retraction_watch_row_ingested_from_a_file_conforms():
    store = OxigraphStore()
    path = SHARED / "data" / "retraction-watch" / "egonw_quickstatements_comment_header_plus_1row.csv"
    report = ingest(store, [path], Settings(base=BASE))
    assert not report.errors and report.records == 1
    conforms, text = validate(store)
    assert conforms, text


BROKEN = [
    pytest.param(f"INSERT DATA {{ GRAPH <urn:test:broken> {{ <{CONCERN}> cito:retracts <{BASE}id/article/10.1000/"
                 f"concern.1> }} }}", CONCERN, "never states cito:retracts", id="concern-retracts"),
    pytest.param(f"DELETE WHERE {{ GRAPH ?g {{ <{NOTICE}> rkg:nature ?n }} }} ; INSERT DATA {{ GRAPH <urn:test:broken> "
                 f"{{ <{NOTICE}> rkg:nature <https://example.org/retracted> }} }}",
                 NOTICE, "concept of the natures scheme", id="nature-outside-scheme"),
    pytest.param(f"INSERT DATA {{ GRAPH <urn:test:broken> {{ <{ARTICLE}> rkg:doi \"10.1186/S12951-022-01520-8\" }} }}",
                 ARTICLE, "lower-cased", id="upper-case-doi"),
    pytest.param(f"INSERT DATA {{ GRAPH <urn:test:broken> {{ <{ARTICLE}> rkg:pmid \"PMID123\" }} }}",
                 ARTICLE, "digits only", id="pmid-not-digits"),
    pytest.param(f"DELETE WHERE {{ GRAPH ?g {{ <{ARTICLE}#author-2> rkg:position ?p }} }}",
                 ARTICLE + "#author-2", "exactly one rkg:position", id="authorship-without-position"),
    pytest.param(f"DELETE WHERE {{ GRAPH ?g {{ <{ARTICLE}#author-1> rkg:position ?p }} }} ; "
                 f"INSERT DATA {{ GRAPH <urn:test:broken> {{ <{ARTICLE}#author-1> rkg:position 0 }} }}",
                 ARTICLE + "#author-1", "integer from 1", id="position-zero"),
    pytest.param(f"DELETE WHERE {{ GRAPH ?g {{ <{NOTICE}> schema:datePublished ?d }} }} ; INSERT DATA {{ GRAPH "
                 f"<urn:test:broken> {{ <{NOTICE}> schema:datePublished \"31 May 2024\" }} }}",
                 NOTICE, "xsd:date, xsd:gYearMonth or xsd:gYear", id="date-as-string"),
    pytest.param("DELETE { GRAPH ?g { ?a oa:hasBody ?b } } "
                 "INSERT { GRAPH ?g { ?a oa:hasBody <https://example.org/x> } }"
                 " WHERE { GRAPH ?g { ?a a rkg:ReasonAssignment ; oa:hasBody ?b } }",
                 NOTICE + "#reason-error-in-image", "reasons scheme", id="reason-outside-scheme"),
    pytest.param("DELETE { GRAPH ?g { ?p schema:name ?n } } WHERE { GRAPH ?g { ?p a schema:Person ; schema:name ?n } }",
                 BASE + "id/person/", "has a schema:name", id="person-without-name"),
    pytest.param("DELETE { GRAPH ?g { ?g rkg:contentHash ?h } } WHERE { GRAPH ?g { ?g a rkg:SourceRecord ; "
                 "rkg:contentHash ?h } }",
                 BASE + "graph/text/", "rkg:contentHash", id="record-without-hash"),
    pytest.param("DELETE { GRAPH ?g { ?g rkg:sourceFile ?s } } WHERE { GRAPH ?g { ?g a rkg:SourceRecord ; "
                 "rkg:sourceFile ?s } }",
                 BASE + "graph/text/", "rkg:sourceFile", id="record-without-source"),
    pytest.param(f"DELETE WHERE {{ GRAPH ?g {{ <{NOTICE}> rkg:nature ?n }} }}", NOTICE, "has an rkg:nature",
                 id="no-nature"),
    # A shortcut that says other than its path (ontology/retractkg.ttl, "Shortcuts for analytic questions").
    pytest.param(f"INSERT DATA {{ GRAPH <urn:test:broken> {{ <{NOTICE}> rkg:year 1999 }} }}",
                 NOTICE, "not the year of the notice's schema:datePublished", id="year-not-of-the-date"),
    pytest.param(f"INSERT DATA {{ GRAPH <urn:test:broken> {{ <{NOTICE}> rkg:yearNature \"1999 correction\" }} }}",
                 NOTICE, "not the notice's rkg:year and the local name of its rkg:nature",
                 id="year-nature-not-its-own"),
    pytest.param(f"INSERT DATA {{ GRAPH <urn:test:broken> {{ <{NOTICE}> rkg:articleJournal <{BASE}id/journal/x> . "
                 f"<{BASE}id/journal/x> a schema:Periodical }} }}",
                 NOTICE, "not the journal of an article the notice updates", id="journal-not-of-the-article"),
    pytest.param(f"INSERT DATA {{ GRAPH <urn:test:broken> {{ <{NOTICE}> rkg:articleCountry \"Atlantis\" }} }}",
                 NOTICE, "not a country of an article the notice updates", id="country-not-of-the-article"),
    pytest.param(f"INSERT DATA {{ GRAPH <urn:test:broken> {{ <{NOTICE}> rkg:articleAuthor <{BASE}id/person/x> . "
                 f"<{BASE}id/person/x> a schema:Person }} }}",
                 NOTICE, "not an author of an article the notice updates", id="author-not-of-the-article"),
]

# What sources may leave open or disagree on: reported as warnings, and the store still conforms.
WARNED = [
    pytest.param(f"INSERT DATA {{ GRAPH <urn:test:other-source> {{ <{NOTICE}> rkg:nature "
                 f"<{BASE}id/nature/withdrawal> }} }}",
                 NOTICE, "Sources disagree on the notice's nature", id="two-sources-two-natures"),
    # (with the article's shortcuts, which a record naming no article does not state)
    pytest.param(f"DELETE {{ GRAPH ?g {{ <{CONCERN}> ?p ?o }} }} WHERE {{ GRAPH ?g {{ <{CONCERN}> ?p ?o FILTER (?p IN ("
                 "cito:updates, rkg:articleJournal, rkg:articlePublisher, rkg:articleCountry, rkg:articleSubject, "
                 "rkg:articleAuthor)) } }",
                 CONCERN, "links at least one article", id="notice-without-article-or-identifier"),
    pytest.param(f"INSERT {{ GRAPH <urn:test:other-source> {{ <{ARTICLE}#author-1> rkg:agent ?p }} }} WHERE {{ "
                 f"GRAPH ?g {{ <{ARTICLE}#author-2> rkg:agent ?p }} }}",
                 ARTICLE + "#author-1", "Sources disagree on who is the author", id="two-bylines-of-one-doi"),
]


@pytest.mark.parametrize(("update", "focus", "message"), BROKEN)
def test_a_broken_graph_does_not_conform_and_the_report_says_where(update, focus, message):
    store = fill(OxigraphStore())
    store.update(PREFIXES + update)
    conforms, report = validate(store)
    assert not conforms
    assert report.startswith("Does not conform:")
    # Results are grouped under their shape and message, each listing its focus nodes.
    groups = re.split(r"\n(?=\S)", report)
    assert any(message in group.splitlines()[0] and focus in group for group in groups), report


@pytest.mark.parametrize(("update", "focus", "message"), WARNED)
def test_what_sources_leave_open_is_a_warning_and_the_store_conforms(update, focus, message):
    store = fill(OxigraphStore())
    store.update(PREFIXES + update)
    conforms, report = validate(store)
    assert conforms, report
    assert report.startswith("Conforms, with remarks: 1 warning(s)")
    groups = re.split(r"\n(?=\S)", report)
    assert any(group.startswith("Warning x 1") and message in group.splitlines()[0] and focus in group
               for group in groups), report


def test_cli_validate_exit_codes(tmp_path, capsys):
    folder = tmp_path / "store"
    with OxigraphStore(folder) as store:
        fill(store)
    assert main(["validate", "--store", str(folder)]) == 0
    assert capsys.readouterr().out.startswith("Conforms: 2 notices")

    with OxigraphStore(folder) as store:
        store.update(PREFIXES + BROKEN[0].values[0])
    assert main(["validate", "--store", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "Violation" in out and CONCERN in out and "shapes:ExpressionOfConcernShape" in out


def test_console_script_exits_1_on_a_non_conforming_store(tmp_path):
    folder = tmp_path / "store"
    with OxigraphStore(folder) as store:
        fill(store)
        store.update(PREFIXES + BROKEN[0].values[0])
    command = [str(Path(sys.executable).with_name("retractkg")), "validate", "--store", str(folder)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    assert "cito:retracts" in result.stdout


def test_validating_leaves_the_store_unchanged(tmp_path):
    store = fill(OxigraphStore())
    before = sorted(str(q) for q in store.quads())
    validate(store)
    assert sorted(str(q) for q in store.quads()) == before


def test_chunks_keep_every_source_about_one_article_together():
    """Two sources naming different first authors of one article must meet in one pyshacl run."""
    settings = Settings(base=BASE)
    store = OxigraphStore()
    first, second = sample_record(), sample_record()
    second.record_key, second.format = "row-2", "retraction-watch-csv"
    second.notice.articles[0].authors[0].name = "Someone Else"
    others = [sample_record(doi=f"10.1000/other.{i}") for i in range(4)]
    store_mapped(store, [first, *others, second], settings)

    chunks = []
    conforms, report = validate(store, chunk_triples=1, workers=1,
                                progress=lambda done, total: chunks.append((done, total)))
    assert chunks == [(i, 6) for i in range(1, 7)]  # one per article (with its journal's description), the log
    assert conforms  # two bylines of one DOI: a disagreement kept visible, reported as a warning
    assert "Sources disagree on who is the author" in report and ARTICLE + "#author-1" in report
    assert (conforms, report) == validate(store, workers=1)  # one chunk: the same findings


def test_parallel_workers_find_what_one_process_finds():
    store = fill(OxigraphStore())
    store_mapped(store, [sample_record(doi=f"10.1000/more.{i}") for i in range(3)], Settings(base=BASE))
    store.update(PREFIXES + BROKEN[0].values[0])
    chunks = []
    parallel = validate(store, chunk_triples=1, workers=2, progress=lambda done, total: chunks.append(total))
    assert chunks == [7] * 7  # 5 articles, the change log, the graph with the broken triple
    assert parallel == validate(store, chunk_triples=1, workers=1)
    assert not parallel[0]


def test_sources_disagreeing_on_access_is_a_warning_not_a_violation():
    store = OxigraphStore()
    first, second = sample_record(), sample_record()
    first.notice.paywalled, second.notice.paywalled = True, False
    second.record_key, second.format = "row-2", "retraction-watch-csv"
    store_mapped(store, [first, second], Settings(base=BASE))
    conforms, report = validate(store, workers=1)
    assert conforms
    assert report.startswith("Conforms, with remarks: 1 warning(s)")
    assert "Sources disagree on whether the notice is paywalled." in report and NOTICE in report


def test_the_demo_notices_ingested_by_the_cli_conform(tmp_path, capsys):
    folder = str(tmp_path / "store")
    assert main(["ingest", "--demo", "--quiet", "--store", folder]) == 0
    capsys.readouterr()
    assert main(["validate", "--store", folder]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Conforms: ") and " 0 notices" not in out
