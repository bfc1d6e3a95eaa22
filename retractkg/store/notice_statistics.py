"""Per-notice statistics beside the search index: one row per notice and the facet values it has.

Browse lists, home counts, search facets and `/api/notices` count and filter notices by nature, reason,
year, journal, publisher, country and subject. Over the graph each such count reaches through the
article, its issue and volume to the periodical, per request: seconds on the full-size graph. Here it
is an indexed lookup (the counts of every value are kept) or a GROUP BY over the notices matched.

The tables live in the search index's SQLite file and are written in the same rebuild
(`retractkg.store.text_index.rebuild`), so they are kept in step the same way (`KeptIndex`). They are
read from any `GraphStore` with the SPARQL patterns of `FACETS`, the one definition of what puts a
notice in a journal or publisher: the SPARQL equivalent of a count uses the same pattern.

Notice ids follow the listing order (newest date first, then IRI): a page of any list is a range of
the `(term, notice)` key, never a sort.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import NamedNode

from retractkg.ontology import CITO, RDF, RDFS, RKG, SCHEMA, SKOS
from retractkg.ontology.dates import earliest
from retractkg.ontology.identifiers import preferred_labels, untitled_work_label
from retractkg.store.base import GraphStore

PREFIXES = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in
                   (("schema", SCHEMA), ("cito", CITO), ("rkg", RKG), ("skos", SKOS), ("rdfs", RDFS)))
# What puts a notice (?notice) in a journal, publisher, country or subject (?x): the notice itself or, as
# Retraction Watch states it, the article it is about. Pages, lists, facets and SPARQL count the same notices.
IN_JOURNAL = ("{ ?notice schema:isPartOf ?x } UNION "
              "{ ?notice cito:updates/schema:isPartOf/schema:isPartOf?/schema:isPartOf? ?x }")
BY_PUBLISHER = ("{ ?notice schema:publisher ?x } UNION { ?notice schema:isPartOf/schema:publisher ?x } UNION "
                "{ ?notice cito:updates/schema:isPartOf/schema:isPartOf?/schema:isPartOf?/schema:publisher ?x }")
OF_COUNTRY = "?notice cito:updates/schema:countryOfOrigin ?x"
OF_SUBJECT = "?notice cito:updates/schema:keywords ?x"
CLASSES_READ = (RKG + "Notice", SCHEMA + "Periodical")  # the classes the statistics tell things apart by
# Predicates with a few IRIs as objects (concepts), read one object at a time (`GraphScan._read_by_object`).
FEW_OBJECTS = (RKG + "nature", RKG + "reason")
SORT_KEY_DIGITS = 15  # `/api/notices` pages by the SHA-1 of the IRI (api/works.py)


@dataclass(frozen=True)
class Facet:
    """One way of grouping notices: `where` puts ?notice in ?x; `kind` restricts ?x; `named` by what."""
    where: str
    kind: str = ""
    named: str = "name"  # "name" (schema:name), "concept" (skos:prefLabel) or "value" (the value itself)


FACETS: dict[str, Facet] = {
    "nature": Facet("?notice rkg:nature ?x", named="concept"),
    "reason": Facet("?notice rkg:reason ?x", named="concept"),
    "year": Facet("?notice rkg:year ?y BIND(STR(?y) AS ?x)", named="value"),  # the year of its one date
    "journal": Facet(IN_JOURNAL, kind="?x a schema:Periodical"),
    "publisher": Facet(BY_PUBLISHER),
    "country": Facet(OF_COUNTRY, named="value"),
    "subject": Facet(OF_SUBJECT, named="value"),
}

SCHEMA_SQL = """
CREATE TABLE notice (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, sort_key TEXT NOT NULL, label TEXT NOT NULL,
    title TEXT NOT NULL, date TEXT NOT NULL, doi TEXT NOT NULL, nature TEXT NOT NULL, article TEXT NOT NULL,
    article_title TEXT NOT NULL, article_doi TEXT NOT NULL, journal TEXT NOT NULL, publisher TEXT NOT NULL);
CREATE INDEX notice_by_key ON notice (sort_key, iri);
CREATE TABLE term (id INTEGER PRIMARY KEY, facet TEXT NOT NULL, value TEXT NOT NULL, label TEXT NOT NULL,
    notices INTEGER NOT NULL, UNIQUE (facet, value));
CREATE INDEX term_by_count ON term (facet, notices DESC, label);
CREATE TABLE notice_term (term INTEGER NOT NULL, notice INTEGER NOT NULL, PRIMARY KEY (term, notice)) WITHOUT ROWID;
"""
# Made once the rows are in (sorted once, not kept in order row by row).
INDEX_SQL = "CREATE INDEX notice_terms ON notice_term (notice, term)"
# Notices per year and nature: over every notice it is kept (the home page's chart), over the notices of one
# journal or publisher it is counted (a few thousand rows at most).
YEAR_NATURE = """SELECT y.value, n.label, count(*) FROM {notices}
    JOIN notice_term ny ON ny.notice = {notice} JOIN term y ON y.id = ny.term AND y.facet = 'year'
    JOIN notice_term nn ON nn.notice = {notice} JOIN term n ON n.id = nn.term AND n.facet = 'nature'
    {where} GROUP BY y.value, n.label"""


class GraphScan:
    """The statements of one predicate at a time over the union of the graphs (each predicate read once per
    rebuild, and shared with the text index), joined here in memory. Plain scans of one predicate cost a few
    seconds on the full-size graph; the joins of `FACETS` run as SPARQL over the same graph took minutes."""

    def __init__(self, store: GraphStore, classes: Iterable[str] = ()) -> None:
        self.store = store
        # rdf:type is read for these classes only: over every class it was the longest scan of a rebuild
        # (11.5 s of 63 s of CPU on the full-size graph).
        self.classes = sorted({*classes, *CLASSES_READ})
        self._pairs: dict[str, list[tuple[str, str]]] = {}
        self._statements: dict[str, list[tuple[str, str]]] = {}
        self._objects: dict[str, dict[str, set[str]]] = {}

    def pairs(self, predicate: str) -> list[tuple[str, str]]:
        """(subject, object) of every statement with this predicate, in the store's order (of rdf:type, the
        statements of `classes` only), each once however many graphs state it.

        Once: records restate what they link (an article's title in each of its notices' graphs), and the union
        of the graphs yields every copy, 3.5 times as many rows as distinct ones for schema:name. The copies of
        a statement come together (the index is ordered by predicate, object, subject, then graph), so keeping
        the first of each leaves the order of the others, and so the first or last value seen, unchanged: the
        statements already read give the same pairs as reading them again would (`dict` keeps first places)."""
        if predicate not in self._pairs:
            stated = self._statements.pop(predicate, None)
            self._pairs[predicate] = (list(dict.fromkeys(stated)) if stated is not None
                                      else self._read(predicate, "DISTINCT "))
        return self._pairs[predicate]

    def statements(self, predicate: str) -> list[tuple[str, str]]:
        """`pairs` with a statement as many times as graphs state it, where that count shows (a list of
        authors, as the search index words them, repeats an author that two records state); kept until its
        `pairs` are asked for."""
        if predicate not in self._statements:
            self._statements[predicate] = self._read(predicate, "")
        return self._statements[predicate]

    def _read(self, predicate: str, distinct: str) -> list[tuple[str, str]]:
        if predicate == RDF + "type":
            return self._read_by_object(predicate, distinct, self.classes)
        if predicate in FEW_OBJECTS:
            objects = [row[0] for row in self.store.query(f"SELECT DISTINCT ?o WHERE {{ ?s <{predicate}> ?o }}")]
            if all(isinstance(o, NamedNode) for o in objects):  # a literal matches by value on some servers
                return self._read_by_object(predicate, distinct, [o.value for o in objects])
        # By position: looking a variable up by name costs a third of the scan.
        return [(row[0].value, row[1].value) for row in
                self.store.query(f"SELECT {distinct}?s ?o WHERE {{ ?s <{predicate}> ?o }}")]

    def _read_by_object(self, predicate: str, distinct: str, objects: Sequence[str]) -> list[tuple[str, str]]:
        """The statements of each object in turn, so that the store spells out only their subjects: decoding
        a term is most of a scan's cost (rdf:type, 752,452 pairs of the full-size graph: 6.0 s of CPU as one
        scan, 5.2 s by class). Objects in the store's order give the one scan's order (`pairs`)."""
        found: list[tuple[str, str]] = []
        for iri in objects:
            found += [(row[0].value, iri) for row in
                      self.store.query(f"SELECT {distinct}?s WHERE {{ ?s <{predicate}> <{iri}> }}")]
        return found

    def untitled_works(self) -> dict[str, str]:
        """The label of each article without a title (`untitled_label`): a search lists it by its citation or
        identifier, not its IRI."""
        found: dict[str, tuple[set[str], set[str], set[str]]] = defaultdict(lambda: (set(), set(), set()))
        for row in self.store.query(f"""SELECT ?a ?citation ?doi ?pmid WHERE {{ ?a a <{RKG}Article>
                FILTER NOT EXISTS {{ ?a <{SCHEMA}name> ?name }} OPTIONAL {{ ?a <{RKG}citation> ?citation }}
                OPTIONAL {{ ?a <{RKG}doi> ?doi }} OPTIONAL {{ ?a <{RKG}pmid> ?pmid }} }}"""):
            values = found[row[0].value]
            for kept, value in zip(values, (row[1], row[2], row[3]), strict=True):
                if value is not None:
                    kept.add(value.value)
        return untitled_labels(found)

    def objects(self, predicate: str) -> dict[str, set[str]]:
        """{subject: its objects} of one predicate."""
        if predicate not in self._objects:
            found: dict[str, set[str]] = defaultdict(set)
            for subject, value in self.pairs(predicate):
                found[subject].add(value)
            self._objects[predicate] = found
        return self._objects[predicate]


def untitled_labels(works: dict[str, tuple[Iterable[str], Iterable[str], Iterable[str]]]) -> dict[str, str]:
    """{work: its label} of works without a title, from their (citations, DOIs, PubMed IDs): each the smallest
    one, so that the order the values come in changes nothing (works with none of them are left out)."""
    found = {work: untitled_work_label(*(min(vs, default="") for vs in values)) for work, values in works.items()}
    return {work: label for work, label in found.items() if label}


def _facet_values(scan: GraphScan, notices: Iterable[str]) -> dict[str, dict[str, set[str]]]:
    """{facet: {notice: values}}, as the patterns of `FACETS` put notices in values (tests/test_facets.py
    checks them against those patterns and SPARQL written apart)."""
    part_of, updates = scan.objects(SCHEMA + "isPartOf"), scan.objects(CITO + "updates")
    publishers, types = scan.objects(SCHEMA + "publisher"), scan.objects(RDF + "type")
    natures, reasons, years = scan.objects(RKG + "nature"), scan.objects(RKG + "reason"), scan.objects(RKG + "year")
    countries, subjects = scan.objects(SCHEMA + "countryOfOrigin"), scan.objects(SCHEMA + "keywords")

    def containers(article: str) -> set[str]:  # schema:isPartOf/schema:isPartOf?/schema:isPartOf?
        first = part_of.get(article, set())
        second = {p for node in first for p in part_of.get(node, ())}
        return first | second | {p for node in second for p in part_of.get(node, ())}

    values: dict[str, dict[str, set[str]]] = {facet: {} for facet in FACETS}
    for notice in notices:
        articles = updates.get(notice, set())
        held = set().union(*(containers(a) for a in articles)) if articles else set()
        journals = part_of.get(notice, set()) | held
        found = {
            "nature": natures.get(notice, set()),
            "reason": reasons.get(notice, set()),
            "year": {str(y) for y in years.get(notice, ())},
            "journal": {j for j in journals if SCHEMA + "Periodical" in types.get(j, ())},
            "publisher": publishers.get(notice, set()).union(
                *(publishers.get(j, ()) for j in part_of.get(notice, set()) | held)),
            "country": set().union(*(countries.get(a, ()) for a in articles)) if articles else set(),
            "subject": set().union(*(subjects.get(a, ()) for a in articles)) if articles else set(),
        }
        for facet, vs in found.items():
            vs = {v for v in vs if v}
            if vs:
                values[facet][notice] = vs
    return values


def _labels(scan: GraphScan, values: Iterable[str], named: str) -> dict[str, str]:
    """The label of each value: its smallest schema:name, its smallest skos:prefLabel, or itself."""
    if named == "value":
        return {v: v for v in values}
    names = scan.objects(SCHEMA + "name" if named == "name" else SKOS + "prefLabel")
    return {v: min(names.get(v, ()), default="") or v for v in values}


def sort_key(iri: str) -> str:
    """The key `/api/notices` orders its pages by (SPARQL's SHA1 is lower-case hex, as here)."""
    return hashlib.sha1(iri.encode()).hexdigest()[:SORT_KEY_DIGITS]


def write(connection: sqlite3.Connection, scan: GraphScan) -> dict[str, int]:
    """Fill the statistics tables from the graph; the id of each notice (its place in listing order)."""
    types = scan.objects(RDF + "type")
    notices = sorted(n for n, ts in types.items() if RKG + "Notice" in ts)
    read = {p: scan.objects(p) for p in (RDFS + "label", SCHEMA + "name", SCHEMA + "datePublished", RKG + "doi",
                                         CITO + "updates")}
    facts = {n: {p: sorted(objects.get(n, ())) for p, objects in read.items()} for n in notices}
    values = _facet_values(scan, notices)
    labels = {name: _labels(scan, {v for vs in values[name].values() for v in vs}, facet.named)
              for name, facet in FACETS.items()}
    titles, dois = scan.objects(SCHEMA + "name"), scan.objects(RKG + "doi")
    articles = {a: (min(titles.get(a, ()), default=""), min(dois.get(a, ()), default=""))
                for props in facts.values() for a in props[CITO + "updates"]}

    def newest(notice: str) -> str:  # its one date, when sources date it differently
        return earliest(facts[notice].get(SCHEMA + "datePublished", []))

    order = sorted(notices, key=newest, reverse=True)  # newest first, then by IRI (the sort is stable)
    ids = {notice: number for number, notice in enumerate(order, 1)}

    def first_label(facet: str, notice: str) -> str:
        named = sorted(labels[facet][v] for v in values[facet].get(notice, ()))
        return named[0] if named else ""

    def row(notice: str) -> tuple:
        props = facts[notice]
        one = {p: vs[0] for p, vs in props.items() if vs}
        article = one.get(CITO + "updates", "")
        article_title, article_doi = articles.get(article, ("", ""))
        # Lists show the notice's label ("Retraction of: ‹title›"), not a source's own title, which may say
        # nothing ("RETRACTION NOTICE") or be a citation; the source's title where there is no label.
        title = next(iter(preferred_labels(props.get(RDFS + "label", []))), "") or one.get(SCHEMA + "name") \
            or article_title
        return (ids[notice], notice, sort_key(notice), title or notice, title, newest(notice), one.get(RKG + "doi", ""),
                first_label("nature", notice), article, article_title, article_doi, first_label("journal", notice),
                first_label("publisher", notice))

    connection.executescript(SCHEMA_SQL)
    connection.executemany("INSERT INTO notice VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", map(row, order))
    term_id = 0
    for name in FACETS:
        members: dict[str, list[int]] = defaultdict(list)
        for notice, vs in values[name].items():
            for v in vs:
                members[v].append(ids[notice])
        for value, notices in sorted(members.items()):  # terms numbered by value, not by set order
            term_id += 1
            connection.execute("INSERT INTO term VALUES (?, ?, ?, ?, ?)",
                               (term_id, name, value, labels[name][value], len(notices)))
            connection.executemany("INSERT INTO notice_term VALUES (?, ?)", ((term_id, n) for n in sorted(notices)))
    connection.execute(INDEX_SQL)
    connection.execute("CREATE TABLE year_nature (year TEXT, nature TEXT, notices INTEGER)")
    connection.execute("INSERT INTO year_nature " + YEAR_NATURE.format(notices="notice a", notice="a.id", where=""))
    return ids



@dataclass(frozen=True)
class Count:
    facet: str
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class NoticeRow:
    """A notice as lists and exports show it (one value of each field; every facet value in `terms`)."""
    id: int
    iri: str
    label: str
    title: str
    date: str
    doi: str
    nature: str
    article: str
    article_title: str
    article_doi: str
    journal: str
    publisher: str


ROW_COLUMNS = "id, iri, label, title, date, doi, nature, article, article_title, article_doi, journal, publisher"


class Selection:
    """A set of notices as SQL: those with every one of some facet values (and matching some words, see
    `text_index.TextIndex`); `sql` selects their ids, with `params`."""

    def __init__(self, sql: str, params: tuple = ()) -> None:
        self.sql = sql  # selects one column, `id`
        self.params = params


class NoticeStatistics:
    """Read side, over a connection to the index file (`TextIndex` hands out one per thread)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def counts(self, facet: str, *, limit: int = 50, offset: int = 0) -> list[Count]:
        """The values of a facet by the notices they have, most first (then by label)."""
        rows = self.connection.execute(
            "SELECT value, label, notices FROM term WHERE facet = ? ORDER BY notices DESC, label, value "
            "LIMIT ? OFFSET ?", (facet, limit, offset))
        return [Count(facet, *row) for row in rows]

    def all_counts(self, facet: str) -> list[Count]:
        return self.counts(facet, limit=-1)

    def term(self, facet: str, values: Iterable[str]) -> list[int]:
        """The ids of these values of a facet (the ones known)."""
        values = list(values)
        marks = ", ".join("?" * len(values))
        return [row[0] for row in self.connection.execute(
            f"SELECT id FROM term WHERE facet = ? AND value IN ({marks})", (facet, *values))] if values else []

    def terms(self, ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
        """(facet, value, label) of term ids."""
        ids = list(ids)
        found: dict[int, tuple[str, str, str]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            found.update((row[0], row[1:]) for row in self.connection.execute(
                f"SELECT id, facet, value, label FROM term WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
        return found

    def with_terms(self, terms: list[int]) -> Selection:
        """The notices with every one of these terms (all notices for none)."""
        if not terms:
            return Selection("SELECT id FROM notice")
        return Selection(" INTERSECT ".join(["SELECT notice AS id FROM notice_term WHERE term = ?"] * len(terms)),
                         tuple(terms))

    def rows(self, selection: Selection, *, limit: int, offset: int = 0) -> list[NoticeRow]:
        """A page of the selected notices in listing order (newest first)."""
        query = (f"SELECT {ROW_COLUMNS} FROM notice WHERE id IN ({selection.sql}) ORDER BY id LIMIT ? OFFSET ?")
        return [NoticeRow(*row) for row in self.connection.execute(query, (*selection.params, limit, offset))]

    def keyset_page(self, groups: list[list[int]], after: str | None, limit: int) -> list[str]:
        """The IRIs of notices with a term of every group, ordered by (sort key, IRI), after the notice `after`."""
        where, params = [], []
        if groups:
            where.append("id IN (" + " INTERSECT ".join(
                f"SELECT notice FROM notice_term WHERE term IN ({', '.join('?' * len(g))})" for g in groups) + ")")
            params += [t for g in groups for t in g]
        if after:
            key = sort_key(after)
            where.append("(sort_key > ? OR (sort_key = ? AND iri > ?))")
            params += [key, key, after]
        condition = f"WHERE {' AND '.join(where)}" if where else ""
        return [row[0] for row in self.connection.execute(
            f"SELECT iri FROM notice {condition} ORDER BY sort_key, iri LIMIT ?", (*params, limit))]

    def rows_by_id(self, ids: list[int]) -> dict[int, NoticeRow]:
        found: dict[int, NoticeRow] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            found.update((row[0], NoticeRow(*row)) for row in self.connection.execute(
                f"SELECT {ROW_COLUMNS} FROM notice WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
        return found

    def count(self, selection: Selection) -> int:
        return self.connection.execute(f"SELECT count(*) FROM ({selection.sql})", selection.params).fetchone()[0]

    def overall_facet_counts(self, *, top: int) -> dict[str, list[Count]]:
        """The same over every notice: kept, not counted."""
        return {facet: self.counts(facet, limit=top) for facet in FACETS}

    def by_year_and_nature(self, facet: str = "", value: str = "") -> list[tuple[str, str, int]]:
        """(year, nature label, notices) of every notice, or of those with one facet value."""
        if not facet:
            return list(self.connection.execute("SELECT year, nature, notices FROM year_nature"))
        return list(self.connection.execute(
            YEAR_NATURE.format(notices="notice_term a", notice="a.notice", where="WHERE a.term = ?"),
            self.term(facet, [value])[:1] or [0]))

    def values_of(self, ids: list[int]) -> dict[int, dict[str, list[str]]]:
        """Every facet label of each notice: {id: {facet: sorted labels}} (for exports)."""
        found: dict[int, dict[str, list[str]]] = {i: defaultdict(list) for i in ids}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for notice, facet, label in self.connection.execute(
                    "SELECT nt.notice, t.facet, t.label FROM notice_term nt JOIN term t ON t.id = nt.term "
                    f"WHERE nt.notice IN ({', '.join('?' * len(chunk))}) ORDER BY t.label", chunk):
                found[notice][facet].append(label)
        return found
