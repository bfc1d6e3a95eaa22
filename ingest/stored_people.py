"""People across runs: the author mentions earlier runs stored, read back so that a later run joins its own
with them by the same rules (`retractkg.ingest.people`), and the stored records whose person IRIs those
joins change, rewritten.

A run's pre-pass notes its records' mentions; the store's mentions of records the run does not read again
are noted with them, as they were read from their graphs (name as written, given and family names, ORCID,
the person's own affiliations and the article's), so the joins and person IRIs are those of all the
records ever ingested together, whatever the order of runs. A stored record whose mention now has another
person IRI (joined with a mention of this run, or into a larger person) is rewritten in the store: its
triples with the person's new IRI, exactly as mapping it again would give them, with a new content hash
and an `Update` in the change log. Evidence graphs of people no record names any more are removed at the end
of the run (`unnamed_people_evidence`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime

from pyoxigraph import NamedNode, Quad

from retractkg.ingest.mapping import MappedRecord, integer_literal, literal, ntriples_document
from retractkg.ingest.model import Person
from retractkg.ingest.people import PeopleIndex, StoredMention
from retractkg.ontology import PROV, RKG, SCHEMA, XSD
from retractkg.ontology.identifiers import normalize_orcid
from retractkg.store import GraphStore

ORCID = "https://orcid.org/"

_MENTIONS = f"""SELECT ?g ?a ?p ?name ?given ?family ?orcid WHERE {{ GRAPH ?g {{
    ?a a <{RKG}Article> ; <{SCHEMA}author> ?p . ?p <{SCHEMA}name> ?name
    OPTIONAL {{ ?p <{SCHEMA}givenName> ?given }} OPTIONAL {{ ?p <{SCHEMA}familyName> ?family }}
    OPTIONAL {{ ?p <{SCHEMA}sameAs> ?orcid FILTER(STRSTARTS(STR(?orcid), "{ORCID}")) }} }} }}"""
# The organizations of a graph's people (`?p`) and articles (`?a`, those it does not say whose they are), and
# how the graph writes them.
_ORGANIZATIONS = f"""SELECT ?g ?x ?o ?name ?label WHERE {{ GRAPH ?g {{
    {{ ?x <{SCHEMA}affiliation> ?o }} UNION {{ ?x a <{RKG}Article> ; <{SCHEMA}sourceOrganization> ?o }}
    OPTIONAL {{ ?o <{SCHEMA}name> ?name }} OPTIONAL {{ ?o <{RKG}affiliationString> ?label }} }} }}"""


def stored_before(store: GraphStore) -> bool:
    return bool(list(store.query(f"SELECT ?g WHERE {{ ?g <{RKG}sourceFormat> ?f }} LIMIT 1")))


def note_stored_mentions(store: GraphStore, people: PeopleIndex, skip: set[str]) -> None:
    """Note in `people` the mentions of every stored record but those of the graphs in `skip` (the run's own)."""
    orgs: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)  # (graph, node) -> (org IRI, written)
    for s in store.query(_ORGANIZATIONS):
        graph = s["g"].value
        if graph in skip:
            continue
        written = s["name"] or s["label"]
        orgs[graph, s["x"].value].append((s["o"].value, written.value if written is not None else ""))
    graphs: dict[str, dict[str, dict[str, Person]]] = defaultdict(lambda: defaultdict(dict))
    for s in store.query(_MENTIONS):
        graph = s["g"].value
        if graph in skip:
            continue
        person = graphs[graph][s["a"].value].setdefault(s["p"].value, Person(s["name"].value))
        person.given_name = s["given"].value if s["given"] is not None else person.given_name
        person.family_name = s["family"].value if s["family"] is not None else person.family_name
        if s["orcid"] is not None:
            person.orcid = normalize_orcid(s["orcid"].value)
    for graph, articles in graphs.items():
        people.add_stored(graph, [StoredMention(article, person_iri, person, orgs.get((graph, person_iri), []),
                                                orgs.get((graph, article), []))
                                  for article, persons in articles.items() for person_iri, person in persons.items()])


def rewritten_records(store: GraphStore, people: PeopleIndex, years: dict[str, str] | None = None, *,
                      now: datetime | None = None) -> Iterator[MappedRecord]:
    """The stored records whose mentions the run's joins give other person IRIs, or (`years`: {graph: year}) whose
    notice the run's records date earlier (`retractkg.ingest.notice_dates`), as they now map."""
    now = now or datetime.now(UTC)
    moved, years = people.moved_mentions(), years or {}
    for graph in sorted(moved.keys() | years.keys()):
        yield _rewrite(store, graph, moved.get(graph, {}), years.get(graph, ""), now)


def _rewrite(store: GraphStore, graph: str, iris: dict[str, str], year: str, now: datetime) -> MappedRecord:
    def term(node):  # noqa: ANN001, ANN202 - a pyoxigraph term
        return NamedNode(iris[node.value]) if isinstance(node, NamedNode) and node.value in iris else node

    def shortcut(predicate: str, node):  # noqa: ANN001, ANN202 - the year shortcuts, of the notice's one year
        if predicate == RKG + "year":
            return integer_literal(int(year))
        return literal(year + node.value[4:])  # rkg:yearNature: "2021 retraction" -> "2020 retraction"

    lines: set[str] = set()
    provenance: list[Quad] = []
    notice = ""
    for quad in store.quads(graph):
        if quad.subject.value == graph:
            if quad.predicate.value == RKG + "describes":
                notice = quad.object.value
            provenance.append(quad)
            continue
        if year and quad.predicate.value in (RKG + "year", RKG + "yearNature"):
            lines.add(f"{quad.subject} {quad.predicate} {shortcut(quad.predicate.value, quad.object)}")
            continue
        lines.add(f"{term(quad.subject)} {quad.predicate} {term(quad.object)}")
    ordered = sorted(lines)
    content_hash = hashlib.sha256(ntriples_document(ordered)).hexdigest()
    kept = []
    for quad in provenance:
        if quad.predicate.value == RKG + "contentHash":
            kept.append(f"{quad.subject} {quad.predicate} {literal(content_hash)}")
        elif quad.predicate.value == PROV + "generatedAtTime":
            kept.append(f"{quad.subject} {quad.predicate} "
                        f"{literal(now.isoformat(timespec='seconds'), XSD + 'dateTime')}")
        else:
            kept.append(f"{quad.subject} {quad.predicate} {quad.object}")
    suffix = f" <{graph}> .\n"
    nquads = (suffix.join([*ordered, *kept]) + suffix).encode()
    return MappedRecord(graph, notice, content_hash, nquads, len(ordered) + len(kept))


def unnamed_people_evidence(store: GraphStore) -> list[str]:
    """The evidence graphs of people no record names any more: joined into others, their records withdrawn, or
    their records read again under another article (`retractkg.ingest.identity`), whichever run stored them."""
    return sorted({s["g"].value for s in store.query(f"""SELECT DISTINCT ?g WHERE {{
        GRAPH ?g {{ ?p <{RKG}identityEvidence> ?e }} FILTER NOT EXISTS {{ ?a <{SCHEMA}author> ?p }} }}""")})
