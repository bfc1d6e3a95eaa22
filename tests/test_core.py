"""The foundation through its Python API and CLI: mapping contract, idempotence, provenance, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from notice_factory import sample_record
from pyoxigraph import RdfFormat

from retractkg.cli import main
from retractkg.config import Settings
from retractkg.ingest.batches import write_batch
from retractkg.ingest.mapping import MappingError, RecordMapper
from retractkg.ingest.model import Nature, Person, Span
from retractkg.ingest.periodical_graphs import write_descriptions
from retractkg.ingest.pipeline import IngestReport, ensure_vocabulary, read_records
from retractkg.store import OxigraphStore
from retractkg.store.change_log import changes_graph

SHARED = Path(__file__).resolve().parents[2] / "shared"

PREFIXES = """
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX fabio: <http://purl.org/spar/fabio/>
PREFIX schema: <http://schema.org/>
PREFIX rkg: <https://w3id.org/retractkg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX as: <https://www.w3.org/ns/activitystreams#>
"""


def store_with(*records, settings: Settings | None = None) -> tuple[OxigraphStore, IngestReport]:
    settings = settings or Settings()
    store = OxigraphStore()
    ensure_vocabulary(store)
    report = IngestReport()
    mapper = RecordMapper(settings.base)
    write_batch(store, [mapper.map(r) for r in records], report, settings)
    write_descriptions(store, mapper.descriptions)  # as ingest does: journals and publishers
    return store, report


def ask(store: OxigraphStore, query: str) -> bool:
    return bool(store.query(PREFIXES + query))


@pytest.mark.parametrize("nature", [Nature.RETRACTION, Nature.PARTIAL_RETRACTION, Nature.WITHDRAWAL,
                                    Nature.REMOVAL])
def test_retraction_links_both_ways_and_is_a_fabio_retraction_notice(nature):
    store, _ = store_with(sample_record(nature=nature))
    assert ask(store, "ASK { ?n a fabio:RetractionNotice ; cito:retracts ?a . ?a cito:isRetractedBy ?n }")
    assert ask(store, "ASK { ?a schema:sameAs <https://doi.org/10.1186/s12951-022-01520-8> ; cito:isRetractedBy ?n ; "
                      "a fabio:JournalArticle }")
    assert ask(store, f"ASK {{ ?n rkg:nature <https://w3id.org/retractkg/id/nature/{nature.value}> }}")


def test_a_correction_corrects_and_a_concern_expresses_concern():
    store, _ = store_with(sample_record(nature=Nature.CORRECTION))
    assert ask(store, "ASK { ?n a rkg:CorrectionNotice ; cito:corrects ?a ; cito:updates ?a }")
    store, _ = store_with(sample_record(nature=Nature.EXPRESSION_OF_CONCERN))
    assert ask(store, "ASK { ?n rkg:expressesConcernAbout ?a ; cito:updates ?a }")
    assert not ask(store, "ASK { ?n cito:corrects ?a }")


@pytest.mark.parametrize("nature", [Nature.EXPRESSION_OF_CONCERN, Nature.CORRECTION, Nature.REINSTATEMENT,
                                    Nature.UNCLASSIFIED])
def test_non_retractions_never_retract(nature):
    store, _ = store_with(sample_record(nature=nature))
    assert not ask(store, "ASK { ?n cito:retracts ?a }")
    assert not ask(store, "ASK { ?a cito:isRetractedBy ?n }")
    assert not ask(store, "ASK { ?n a fabio:RetractionNotice }")
    nature_iri = f"https://w3id.org/retractkg/id/nature/{nature.value}"
    assert ask(store, f"ASK {{ ?n rkg:nature <{nature_iri}> ; cito:updates ?a }}")


def test_data_contract_queries():
    store, _ = store_with(sample_record())
    rows = list(store.query(PREFIXES + """
        SELECT ?title ?name ?orgName ?journal ?d WHERE {
          ?notice cito:retracts ?article ; schema:datePublished ?d .
          ?article schema:name ?title ; schema:author ?p .
          ?p schema:name ?name ; schema:affiliation ?org . ?org schema:name ?orgName .
          ?article schema:isPartOf+ ?j . ?j a schema:Periodical ; schema:name ?journal .
        } ORDER BY ?name"""))
    assert [r["name"].value for r in rows] == ["Sijie Wang", "Xingming Guo"]
    assert rows[0]["journal"].value == "Journal of Nanobiotechnology"
    assert rows[0]["d"].datatype.value.endswith("#date")
    order = [r["name"].value for r in store.query(PREFIXES + """
        SELECT ?name WHERE { ?a rkg:authorship [ rkg:position ?pos ; rkg:agent [ schema:name ?name ] ] }
        ORDER BY ?pos""")]
    assert order == ["Sijie Wang", "Xingming Guo"]
    reasons = {r["label"].value for r in store.query(PREFIXES + """
        SELECT ?label WHERE { ?n rkg:reason ?c . ?c skos:inScheme ?s ; skos:prefLabel ?label }""")}
    assert reasons == {"Error in Image"}


def test_evidence_is_a_web_annotation_quote_of_the_notice_text():
    store, _ = store_with(sample_record())
    rows = list(store.query(PREFIXES + """
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?exact ?start ?text WHERE {
          ?n rkg:reasonAssignment [ oa:hasBody ?c ; oa:hasTarget [ oa:hasSource ?n ;
               oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact ?exact ] ,
                              [ a oa:TextPositionSelector ; oa:start ?start ] ] ] ;
             schema:text ?text }"""))
    assert len(rows) == 1
    start = int(rows[0]["start"].value)
    assert rows[0]["text"].value[start:start + len(rows[0]["exact"].value)] == rows[0]["exact"].value


def test_same_record_twice_changes_nothing():
    store, first = store_with(sample_record())
    before = store.oxigraph.dump(format=RdfFormat.N_QUADS)
    report = IngestReport()
    write_batch(store, [RecordMapper(Settings().base).map(sample_record())], report, Settings())
    assert (len(first.added), report.unchanged, report.added, report.updated) == (1, 1, [], [])
    assert store.oxigraph.dump(format=RdfFormat.N_QUADS) == before


def test_changed_record_replaces_its_graph_and_logs_create_then_update():
    settings = Settings()
    store, _ = store_with(sample_record(title="First title"))
    report = IngestReport()
    write_batch(store, [RecordMapper(settings.base).map(sample_record(title="Second title"))], report, settings)
    assert len(report.updated) == 1
    query = "SELECT ?t WHERE { ?a cito:isRetractedBy ?n ; schema:name ?t }"
    titles = {r["t"].value for r in store.query(PREFIXES + query)}
    assert titles == {"Second title"}
    log = f"SELECT ?k WHERE {{ GRAPH <{changes_graph(settings)}> {{ ?c a ?k ; as:published ?t }} }} ORDER BY ?t"
    kinds = [r["k"].value.rsplit("#", 1)[1] for r in store.query(PREFIXES + log)]
    assert kinds == ["Create", "Update"]


def test_each_record_has_its_own_graph_with_provenance():
    store, report = store_with(sample_record())
    graph = report.added[0]
    rows = list(store.query(PREFIXES + f"""
        SELECT ?src ?time ?hash ?version WHERE {{ GRAPH <{graph}> {{
          <{graph}> rkg:sourceFile ?src ; prov:generatedAtTime ?time ; rkg:contentHash ?hash ;
                    prov:wasAttributedTo <https://w3id.org/retractkg/software/retractkg> ;
                    rkg:softwareVersion ?version ;
                    rkg:sourceFormat "text" }} }}"""))
    assert len(rows) == 1
    assert rows[0]["src"].value == "sample.txt"  # its name, not the local path (issue 11)


def test_base_iri_is_configurable_and_minting_is_deterministic():
    settings = Settings(base="http://example.org/kg/")
    a = RecordMapper(settings.base).map(sample_record())
    b = RecordMapper(settings.base).map(sample_record())
    assert a.notice == b.notice == "http://example.org/kg/id/notice/retraction/10.1186/s12951-022-01520-8"
    assert a.content_hash == b.content_hash
    for base in ("http://example.org/kg", "http://example.org/kg#", "http://example.org/kg#x/"):
        with pytest.raises(ValueError, match="must end with '/' and hold no '#'"):
            Settings(base=base)


@pytest.mark.parametrize("base", ["kg/", "/kg/", "http://exa mple.org/kg/"])
def test_a_base_that_is_not_an_absolute_iri_is_refused(base):
    """Every IRI the API resolves is built on the base: under a relative one, every document, page, dump and
    the feed answered 500 (pyoxigraph refuses the IRIs), while only ingest refused it."""
    with pytest.raises(ValueError, match="not a valid absolute IRI"):
        Settings(base=base)


def test_a_bad_base_on_the_command_line_is_a_bad_argument(tmp_path, capsys):
    """Exit 2, as the README says of bad arguments (1 is for bad input or a store error)."""
    assert main(["query", "ASK {}", "--base", "http://example.org/kg#", "--store", str(tmp_path)]) == 2
    assert "retractkg query: base IRI must end with '/' and hold no '#'" in capsys.readouterr().err


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("RETRACTKG_QUERY_TIMEOUT", "ten", "RETRACTKG_QUERY_TIMEOUT='ten' is not a valid value"),
    ("RETRACTKG_MAX_RESULT_ROWS", "1e5", "RETRACTKG_MAX_RESULT_ROWS='1e5' is not a valid value"),
    ("RETRACTKG_QUERY_TIMEOUT", "0", "the query timeout must be above 0 s"),
    ("RETRACTKG_MAX_RESULT_ROWS", "-1", "the result cap at least 1 row"),
])
def test_a_bad_setting_in_the_environment_is_named(tmp_path, capsys, monkeypatch, variable, value, message):
    monkeypatch.setenv(variable, value)
    assert main(["query", "ASK {}", "--store", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.skipif(not (SHARED / "data" / "retraction-watch").exists(), reason="../shared is not present")
def test_a_base_ending_in_a_hash_never_mints_an_invalid_iri():
    """Settings refuse such a base; a mapper given one anyway refuses an author's node "{article}#author-1",
    which would hold a second "#", rather than mint it."""
    export = SHARED / "data" / "retraction-watch" / "rw_covid19_subset_dev_rawformat.csv"
    row = next(read_records([export], IngestReport()))
    assert row.notice.articles[0].authors
    with pytest.raises(MappingError, match="not a valid IRI.*#author-1"):
        RecordMapper("http://example.org/kg#").map(row)


def test_same_article_from_two_notices_is_one_resource():
    store, _ = store_with(sample_record(), sample_record(nature=Nature.EXPRESSION_OF_CONCERN))
    articles = {r["a"].value for r in store.query(PREFIXES + "SELECT DISTINCT ?a WHERE { ?n cito:updates ?a }")}
    assert articles == {"https://w3id.org/retractkg/id/article/10.1186/s12951-022-01520-8"}


def test_malformed_values_are_refused_with_the_reason():
    record = sample_record()
    record.notice.date = "31/05/2024"
    with pytest.raises(MappingError, match="31/05/2024"):
        RecordMapper(Settings().base).map(record)
    record = sample_record()
    record.notice.reasons[0].label = "Bad Weather"
    with pytest.raises(MappingError, match="Bad Weather"):
        RecordMapper(Settings().base).map(record)


def test_cli_reports_bad_files_and_keeps_what_is_stored(tmp_path, capsys):
    store_dir = tmp_path / "store"
    store, _ = store_with(sample_record())
    (tmp_path / "seed.nq").write_bytes(store.oxigraph.dump(format=RdfFormat.N_QUADS))
    with OxigraphStore(store_dir) as target:
        target.oxigraph.load(path=str(tmp_path / "seed.nq"), format=RdfFormat.N_QUADS)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "blob.bin"
    binary.write_bytes(b"\x00\x01\x02garbage")
    assert main(["ingest", str(empty), str(binary), "--store", str(store_dir), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert f"{empty}: the file is empty" in err
    assert f"{binary}: not a format" in err
    assert main(["ingest", str(tmp_path / "missing.txt"), "--store", str(store_dir)]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["query", "ASK { ?n <http://purl.org/spar/cito/retracts> ?a }", "--store", str(store_dir),
                 "--format", "json"]) == 0
    assert '"boolean":true' in capsys.readouterr().out.replace(" ", "")


def test_cli_query_and_export_formats(tmp_path, capsys):
    store_dir = tmp_path / "store"
    store, _ = store_with(sample_record())
    with OxigraphStore(store_dir) as target:
        target.oxigraph.load(store.oxigraph.dump(format=RdfFormat.N_QUADS), format=RdfFormat.N_QUADS)
    assert main(["query", "SELECT ?t WHERE { ?a <http://schema.org/name> ?t } ORDER BY ?t", "--store",
                 str(store_dir), "--format", "csv"]) == 0
    assert "Copper-based" in capsys.readouterr().out
    assert main(["query", "CONSTRUCT WHERE { ?s <http://purl.org/spar/cito/retracts> ?o }", "--store",
                 str(store_dir), "--format", "ntriples"]) == 0
    assert "<http://purl.org/spar/cito/retracts>" in capsys.readouterr().out
    assert main(["query", "SELECT * WHERE { ?s ?p", "--store", str(store_dir)]) == 1
    assert "syntax" in capsys.readouterr().err.lower()
    out = tmp_path / "dump.nq"
    assert main(["export", "--format", "nquads", "--store", str(store_dir), "-o", str(out)]) == 0
    dumped = OxigraphStore()
    dumped.oxigraph.load(path=str(out), format=RdfFormat.N_QUADS)
    assert len(dumped.oxigraph) == len(store.oxigraph)


def test_cli_refuses_a_missing_store_an_unwritable_output_and_a_bad_port_in_one_line(tmp_path, capsys):
    missing = tmp_path / "mistyped"
    for command in (["query", "ASK {}"], ["export"], ["validate"], ["serve"]):
        assert main([*command, "--store", str(missing)]) == 2
        assert f"no store at {missing}" in capsys.readouterr().err
    assert not missing.exists()  # nothing was created under the mistyped name
    store_dir = tmp_path / "store"
    with OxigraphStore(store_dir) as store:
        ensure_vocabulary(store)
    assert main(["export", "--store", str(store_dir), "-o", str(tmp_path / "no" / "such" / "dir.nq")]) == 2
    assert "cannot write" in capsys.readouterr().err
    assert main(["serve", "--store", str(store_dir), "--port", "99999"]) == 2
    assert "--port must be from 0 to 65535" in capsys.readouterr().err


def test_cli_query_construct_as_json_ld_is_compacted_with_the_project_context(tmp_path, capsys):
    store_dir = tmp_path / "store"
    store, _ = store_with(sample_record())
    with OxigraphStore(store_dir) as target:
        target.oxigraph.load(store.oxigraph.dump(format=RdfFormat.N_QUADS), format=RdfFormat.N_QUADS)
    assert main(["query", "CONSTRUCT WHERE { ?a <http://schema.org/name> ?t ; <http://purl.org/spar/cito/"
                 "isRetractedBy> ?n }", "--store", str(store_dir), "--format", "jsonld"]) == 0
    document = json.loads(capsys.readouterr().out)
    nodes = document.get("@graph", [document])
    assert any(str(node.get("name", "")).startswith("Copper-based") for node in nodes)
    assert not any("http://schema.org/name" in node for node in nodes)  # compact terms, not full IRIs


def test_a_file_with_lone_cr_line_ends_is_read_and_so_is_the_next(tmp_path, capsys):
    lone_cr = tmp_path / "old-mac.txt"  # line ends a lone CR, as some old exports write them
    lone_cr.write_bytes(b"Retraction\rThe editors retracted this article because of duplicated images.\r")
    seed_like = tmp_path / "notice.txt"
    seed_like.write_text("Retraction Note: Journal of Biomedical Science (2014) 21:19\n\nThe Editor-in-Chief "
                         "retracted this article because of duplicated gels in Figure 1.\n", encoding="utf-8")
    store_dir = tmp_path / "store"
    assert main(["ingest", str(lone_cr), str(seed_like), "--store", str(store_dir), "--quiet"]) == 0
    assert "2 records: 2 added" in capsys.readouterr().out


@pytest.mark.skipif(not (SHARED / "data" / "jats").exists(), reason="../shared is not present")
def test_a_reader_failing_on_input_nobody_foresaw_is_an_error_for_that_file_and_the_next_is_read(
        tmp_path, capsys, monkeypatch):
    import retractkg.ingest.readers.jats as jats

    def unforeseen(meta) -> str:  # a bug in a reader, met on some real file
        raise KeyError("pub-date")

    monkeypatch.setattr(jats, "_pub_date", unforeseen)
    jats_file = tmp_path / "PMC1802623.xml"
    jats_file.write_bytes((SHARED / "data" / "jats" / "PMC1802623.xml").read_bytes())
    seed_like = tmp_path / "notice.txt"
    seed_like.write_text("Retraction Note: Journal of Biomedical Science (2014) 21:19\n\nThe Editor-in-Chief "
                         "retracted this article because of duplicated gels in Figure 1.\n", encoding="utf-8")
    assert main(["ingest", str(jats_file), str(seed_like), "--store", str(tmp_path / "store"), "--quiet"]) == 1
    out, err = capsys.readouterr()
    assert f"{jats_file}: the jats reader failed (KeyError: 'pub-date')" in err
    assert "1 records: 1 added" in out and "1 errors" in out


def test_replace_graphs_is_atomic_on_failure():
    store, report = store_with(sample_record())
    before = store.oxigraph.dump(format=RdfFormat.N_QUADS)
    mapped = RecordMapper(Settings().base).map(sample_record(title="Changed"))
    broken = {mapped.graph: mapped.quads, "not an iri": []}
    with pytest.raises(Exception):  # noqa: B017 - any store error; what matters is what is left
        store.replace_graphs(broken)
    assert store.oxigraph.dump(format=RdfFormat.N_QUADS) == before


def test_a_person_outside_the_byline_gets_no_made_up_position():
    record = sample_record()
    record.notice.articles[0].authors.insert(0, Person(name="Named In A Stance", in_byline=False))
    store, _ = store_with(record)
    positions = {r["name"].value: int(r["pos"].value) for r in store.query(PREFIXES + """
        SELECT ?name ?pos WHERE { ?a rkg:authorship [ rkg:position ?pos ; rkg:agent [ schema:name ?name ] ] }""")}
    assert positions == {"Sijie Wang": 1, "Xingming Guo": 2}
    assert ask(store, 'ASK { ?a cito:isRetractedBy ?n ; schema:author [ schema:name "Named In A Stance" ] }')


def test_two_sources_of_one_notice_keep_their_own_evidence():
    text, html = sample_record(), sample_record()
    html.format, html.notice.text = "html", "<intro> " + html.notice.text
    html.notice.reasons[0].evidence = [Span(s.start + 8, s.end + 8, s.exact) for s in html.notice.reasons[0].evidence]
    store, report = store_with(text, html)
    assert len(report.added) == 2
    starts = list(store.query(PREFIXES + """PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT ?target (COUNT(?start) AS ?n) WHERE { ?target oa:start ?start } GROUP BY ?target"""))
    assert len(starts) == 2 and all(int(r["n"].value) == 1 for r in starts)
