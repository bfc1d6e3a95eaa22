"""Every stored field is shown (issue 14): for real resources of every kind, ingested from the shared real
data, each statement of the resource's Turtle document about the resource itself (or a part of it: its
hash IRIs, such as reason assignments, quotes, byline positions, addresses) has its value on the HTML
page: a literal as text, a link as a link. A few properties are not for people, each with its reason.
Statements about another resource with a page of its own (the article on a notice's page) are checked
on that resource's page, and the page links to it.

Each page also says where its statements come from, per source record, with links out."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import html5lib
import pytest
from fastapi.testclient import TestClient
from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from retractkg.api.app import create_app
from retractkg.config import Settings
from retractkg.ontology import OA, PROV, RDF, RDFS, RKG, SCHEMA
from retractkg.ontology.identifiers import preferred_labels, source_label

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Properties whose values a page does not show, and why.
NOT_FOR_PEOPLE = {
    RDF + "type": "the kind of thing is the page's badge and heading; class IRIs are for programs",
    OA + "prefix": "the text around a quote, for programs to find it again; the quote itself is shown",
    OA + "suffix": "the text around a quote, for programs to find it again; the quote itself is shown",
    OA + "start": "a quote's character offsets in the notice text, which is shown",
    OA + "end": "a quote's character offsets in the notice text, which is shown",
    OA + "motivatedBy": "always oa:classifying: the section 'Reasons' says it",
    OA + "hasSource": "the notice itself, whose page this is",
    SCHEMA + "pageStart": "restates schema:pagination, which is shown",
    SCHEMA + "pageEnd": "restates schema:pagination, which is shown",
    RKG + "position": "the byline's order: a numbered list (test_pages_browser checks the order)",
}
# How a page writes values that are not text: the words people read for them.
SHOWN_AS = {
    (RKG + "paywalled", "true"): "paywalled", (RKG + "paywalled", "false"): "free to read",
    (RKG + "isCorresponding", "true"): "corresponding",
    (RKG + "tentative", "true"): "Possible reasons",  # a tentative reason is listed under that heading
}

# Real resources of every kind, found through the SPARQL endpoint: {kind: query selecting ?x}.
S, R = SCHEMA, RKG
KINDS = {
    "Retraction Watch notice": f"?x <{R}recordId> ?id ; <{R}paywalled> ?p ; <{S}subjectOf> ?blog .",
    "notice with quoted reasons": f"?x <{R}reasonAssignment> ?a . ?a <{R}confidence> ?c ; <{OA}hasTarget> ?t .",
    "notice with a note": f"?x <{R}note> ?note .",
    "PubMed notice": f"GRAPH ?g {{ ?x a <{R}Notice> }} ?g <{R}sourceFormat> 'pubmed' .",
    "Crossref notice": f"GRAPH ?g {{ ?x a <{R}Notice> }} ?g <{R}sourceFormat> 'crossref' .",
    "notice with authors' stances": f"?x <{R}authorStance> ?s .",
    "notice with signatories": f"?x a <{R}Notice> ; <{S}author> ?p .",
    "article with subjects and country": f"?x a <{R}Article> ; <{S}keywords> ?k ; <{S}countryOfOrigin> ?c .",
    "article with institutions": f"?x a <{R}Article> ; <{S}sourceOrganization> ?o .",
    "article with a corresponding author": f"?x <{R}authorship> ?a . ?a <{R}isCorresponding> true .",
    "article with pages and PMCID": f"?x a <{R}Article> ; <{S}pagination> ?p ; <{R}pmcid> ?c .",
    "person with affiliation and e-mail": f"?x a <{S}Person> ; <{S}affiliation> ?o ; <{S}email> ?e .",
    "person joined on evidence": f"?x <{R}identityEvidence> ?e .",
    "organization with an address": f"?x a <{S}Organization> ; <{S}address> ?a .",
    "organization as an article's institution": f"?a <{S}sourceOrganization> ?x .",
    "journal with ISSN": f"?x a <{S}Periodical> ; <{S}issn> ?i .",
    "publisher": f"?j <{S}publisher> ?x . ?x a <{S}Organization> .",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    if not SHARED.is_dir():
        pytest.skip("../shared/data is not here")
    store = tmp_path_factory.mktemp("fields") / "store"
    jats = sorted(SHARED.glob("jats/*.xml"))[:150]
    inputs = [SHARED / "retraction-watch" / "rw_covid19_subset_dev_rawformat.csv", SHARED / "pubmed",
              *SHARED.glob("crossref/*.json"), *jats]
    ingest = subprocess.run([sys.executable, "-m", "retractkg.cli", "ingest", "--quiet", "--store", str(store),
                             *map(str, inputs)], capture_output=True, text=True, timeout=600)
    assert ingest.returncode == 0, ingest.stderr[-2000:]
    # The bundled real publisher notices (ingest/demo): read from their text, they give what the databases do
    # not, such as corresponding authors, authors' stances and quoted evidence.
    demo = subprocess.run([sys.executable, "-m", "retractkg.cli", "ingest", "--demo", "--quiet", "--store", str(store)],
                          capture_output=True, text=True, timeout=600)
    assert demo.returncode == 0, demo.stderr[-2000:]
    with TestClient(create_app(Settings.from_env(store_path=store))) as client:
        yield client


def found(client: TestClient, pattern: str, limit: int = 3) -> list[str]:
    query = f"SELECT DISTINCT ?x WHERE {{ {pattern} FILTER(isIRI(?x)) }} ORDER BY ?x LIMIT {limit}"
    answer = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text
    return [b["x"]["value"] for b in answer.json()["results"]["bindings"]]


def page_of(client: TestClient, iri: str) -> tuple[str, set[str], str]:
    """The page's visible text (spaces folded), its links, and its raw HTML."""
    response = client.get(local(iri), headers={"Accept": "text/html"})
    assert response.status_code == 200, (iri, response.status_code)
    tree = html5lib.parse(response.text, namespaceHTMLElements=False)
    body = tree.find("body")
    text = " ".join(" ".join(body.itertext()).split())
    links = {a.get("href") for a in body.iter("a")}
    return text, links, response.text


def local(iri: str) -> str:
    return "/doc/" + iri.split("/id/", 1)[1]


def shown_forms(predicate: str, value: Literal) -> list[str]:
    if predicate == RKG + "recordId":  # "retraction-watch:35394" reads "Retraction Watch record 35394"
        return [value.value.split(":", 1)[-1]]
    if (predicate, value.value) in SHOWN_AS:
        return [SHOWN_AS[predicate, value.value]]
    if value.datatype.value == XSD + "double":
        return [f"{float(value.value):g}"]
    return [" ".join(value.value.split())]


def missing_on_page(client: TestClient, iri: str) -> list[str]:
    turtle = client.get(local(iri), headers={"Accept": "text/turtle"})
    text, links, _ = page_of(client, iri)
    missing = []
    triples = list(parse(turtle.content, RdfFormat.TURTLE))
    # A label naming the article by identifier alone is not shown beside one naming it by title (by design)
    shown_labels = preferred_labels([t.object.value for t in triples if t.subject.value == iri
                                     and t.predicate.value == RDFS + "label"])
    for t in triples:
        subject, predicate = t.subject.value, t.predicate.value
        if predicate in NOT_FOR_PEOPLE or not (subject == iri or subject.startswith(iri + "#")):
            continue
        if predicate == RDFS + "label" and subject == iri and t.object.value not in shown_labels:
            continue
        if isinstance(t.object, Literal):
            forms = shown_forms(predicate, t.object)
            if not any(re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text) for form in forms):
                missing.append(f"{t}")
        elif isinstance(t.object, NamedNode):
            target = t.object.value
            if target.startswith(iri + "#") or target == iri:
                continue  # a part of this resource: its own statements are checked
            if target not in links and local_or_none(target) not in links:
                missing.append(f"{t} (no link)")
    return missing


def local_or_none(iri: str) -> str | None:
    if "/id/" not in iri:
        return None
    return "/doc/" + iri.split("/id/", 1)[1]


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_statement_of_a_real_resource_is_on_its_page(client, kind):
    resources = found(client, KINDS[kind])
    assert resources, f"no {kind} in the real data ingested"
    for iri in resources:
        assert missing_on_page(client, iri) == [], iri


def test_a_notice_page_says_where_each_statement_came_from_with_links_out(client):
    """"from Retraction Watch record 35394, ingested 2026-12-06", linked to the record, and the places to look
    the notice up elsewhere, from the identifiers it has."""
    iri = found(client, KINDS["Retraction Watch notice"], 1)[0]
    text, links, _ = page_of(client, iri)
    graphs = found(client, f"GRAPH ?x {{ <{iri}> ?p ?o }}", 10)
    assert graphs
    for graph in graphs:
        facts = found_provenance(client, graph)
        assert f"record {facts['recordKey']}" in text
        assert f"file {facts['sourceFile']}" in text
        assert f"ingested {facts['generatedAtTime'][:10]}" in text
        assert facts["wasDerivedFrom"] in links  # the record where Retraction Watch publishes it
        assert "/graph/" + graph.split("/graph/", 1)[1] in links  # the record as data
    assert "from Retraction Watch database export record" in text
    doi = next(lit for lit in found_values(client, iri, RKG + "doi"))
    for expected in (f"https://doi.org/{doi}", f"https://api.crossref.org/works/{doi}",
                     f"https://api.openalex.org/works/doi:{doi}", f"https://pubpeer.com/search?q={doi}"):
        assert expected in links
    record_id = found_values(client, iri, RKG + "recordId")[0].split(":", 1)[1]
    assert f"http://retractiondatabase.org/RetractionSearch.aspx#?ID={record_id}" in links


def test_a_journal_page_lists_its_many_source_records_and_names_how_many(client):
    journal = found(client, KINDS["journal with ISSN"], 1)[0]
    text, _, _ = page_of(client, journal)
    # The records of its volumes and issues; its description (a graph of its own, `ingest/periodical_graphs.py`)
    # is decided by ingest across them, and named as such.
    records = found(client, f"GRAPH ?x {{ ?v <{S}isPartOf> <{journal}> ; a ?t "
                            f"FILTER(?t IN (<{S}PublicationVolume>, <{S}PublicationIssue>)) }}", 1000)
    assert len(records) > 1
    assert f"{len(records):,} source record" in text
    name = found_values(client, journal, S + "name")[0]
    assert f"Decided by retractkg across the source records: journal {name}: its names and ISSNs" in text


def test_a_journal_page_names_each_fact_once_with_its_volumes_in_order(client):
    """A journal with several volumes: one "Volume" heading over all of them, in number order."""
    journal = found(client, f"?x a <{S}Periodical> . ?v a <{S}PublicationVolume> ; <{S}isPartOf> ?x . "
                            f"?w a <{S}PublicationVolume> ; <{S}isPartOf> ?x FILTER(?v != ?w)", 1)[0]
    _, _, raw = page_of(client, journal)
    tree = html5lib.parse(raw, namespaceHTMLElements=False)
    (facts,) = [dl for dl in tree.iter("dl") if dl.get("class") == "facts"]
    names = [dt.text for dt in facts.iter("dt")]
    assert len(names) == len(set(names)) and "Volume" in names
    volumes = [a.text for dd in facts.iter("dd") for a in dd.iter("a") if "/volume/" in a.get("href")]
    numbers = [int(v) for v in volumes if v.isdigit()]
    assert len(volumes) > 1 and numbers == sorted(numbers)


def test_a_person_page_tells_works_of_one_title_apart_by_their_doi(client):
    """Versions of one preprint (v1, v2) are two works with one title: each line names its DOI."""
    person = found(client, f"?x a <{S}Person> . ?a <{S}author> ?x ; <{S}name> ?t ; <{R}doi> ?d . "
                           f"?b <{S}author> ?x ; <{S}name> ?t ; <{R}doi> ?e FILTER(?d != ?e)", 1)[0]
    text, _, _ = page_of(client, person)
    query = f"SELECT DISTINCT ?v WHERE {{ ?w <{S}author> <{person}> ; <{R}doi> ?v }}"
    answer = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    dois = [b["v"]["value"] for b in answer.json()["results"]["bindings"]]
    assert len(dois) >= 2
    for doi in dois:
        assert f"doi:{doi}" in text


def test_why_two_mentions_are_one_person_names_each_joined_work_by_its_doi(client):
    """The evidence line names the works a co-author joins by title and DOI: a preprint's v1 and v2 share a title."""
    person = found(client, f"?x <{R}identityEvidence> ?e . ?e <{R}joins> ?a , ?b . ?a <{S}name> ?t ; <{R}doi> ?d . "
                           f"?b <{S}name> ?t ; <{R}doi> ?f FILTER(?d != ?f)", 1)[0]
    _, _, raw = page_of(client, person)
    body = html5lib.parse(raw, namespaceHTMLElements=False).find("body")
    evidence = next(ul for ul in body.iter("ul") if ul.get("class") == "evidence")
    shown = " ".join(" ".join(evidence.itertext()).split())
    query = (f"SELECT DISTINCT ?v WHERE {{ <{person}> <{R}identityEvidence> ?e . ?e <{R}joins> ?a . "
             f"?a <{R}doi> ?v }}")
    answer = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    dois = [b["v"]["value"] for b in answer.json()["results"]["bindings"]]
    assert len(dois) >= 2
    for doi in dois:
        assert f"doi:{doi}" in shown


def found_values(client: TestClient, iri: str, predicate: str) -> list[str]:
    query = f"SELECT ?v WHERE {{ <{iri}> <{predicate}> ?v }}"
    answer = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    return [b["v"]["value"] for b in answer.json()["results"]["bindings"]]


def found_provenance(client: TestClient, graph: str) -> dict[str, str]:
    query = f"SELECT ?p ?o WHERE {{ <{graph}> ?p ?o }}"
    answer = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    facts = {}
    for b in answer.json()["results"]["bindings"]:
        name = b["p"]["value"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        facts.setdefault(name, b["o"]["value"])
    assert PROV  # provenance is PROV-O and rkg: on the graph itself
    return facts


def test_every_source_format_ingest_writes_has_a_name_for_people():
    """A page says "from PubMed Central (JATS) record …", never a format's code name."""
    from retractkg.ingest import sources
    from retractkg.ingest.readers import crossref

    formats = {f.name for f in sources.FORMATS} | {crossref.DUMP_FORMAT}
    assert {f for f in formats if source_label(f) == f} == set()


def heading_of(client: TestClient, iri: str) -> str:
    response = client.get(local(iri), headers={"Accept": "text/html"})
    tree = html5lib.parse(response.text, namespaceHTMLElements=False)
    return " ".join("".join(tree.find(".//h1").itertext()).split())


def test_a_work_known_only_by_its_doi_is_headed_by_the_whole_doi_never_an_iri_segment(client):
    """JATS retraction notices often name the retracted article by DOI alone (no title): its page, and the
    notice's, head it "doi:10.3892/etm.2016.2977", not "etm.2016.2977"."""
    untitled = found(client, f"?x a <{R}Article> ; <{R}doi> ?d FILTER NOT EXISTS {{ ?x <{S}name> ?t }}", 5)
    assert untitled, "no article known by its DOI alone in the real data ingested"
    for iri in untitled:
        doi = found_values(client, iri, RKG + "doi")[0]
        assert heading_of(client, iri) == f"doi:{doi}"
        for notice in found(client, f"?x <http://purl.org/spar/cito/updates> <{iri}>", 2):
            _, _, raw = page_of(client, notice)
            assert f"<strong>doi:{doi}</strong>" in raw
            assert f"<strong>{iri.rsplit('/', 1)[-1]}</strong>" not in raw


def test_no_empty_authors_heading_for_an_article_whose_authors_no_source_states(client):
    untitled = found(client, f"?x a <{R}Article> FILTER NOT EXISTS {{ ?x <{R}authorship> ?a }}", 3)
    assert untitled
    for iri in untitled:
        text, _, _ = page_of(client, iri)
        assert "Authors Not stated by the sources." in text
        for notice in found(client, f"?x <http://purl.org/spar/cito/updates> <{iri}>", 2):
            _, _, raw = page_of(client, notice)
            assert not re.search(r"<h3>Authors</h3>\s*<ol class=\"authors\">\s*</ol>", raw)


def test_identity_evidence_is_named_as_decided_by_retractkg_not_as_an_unnamed_source(client):
    person = found(client, KINDS["person joined on evidence"], 1)[0]
    text, _, _ = page_of(client, person)
    assert "Decided by retractkg across the source records: who is one person, and why" in text
    assert "from a source" not in text
