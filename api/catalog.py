"""Lists for people browsing the graph: notices by reason, by journal, by year, and search by DOI,
title or author. Plain SPARQL over the union graph, so any `GraphStore` answers them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

from retractkg.formats import sparql_prologue
from retractkg.ontology.identifiers import normalize_doi
from retractkg.store import GraphStore

PAGE_SIZE = 50
# What puts a notice (?notice) in a journal, publisher, country or subject (?x): the notice itself or, as
# Retraction Watch states it, the article it is about. Pages, lists and SPARQL count the same notices.
IN_JOURNAL = ("{ ?notice schema:isPartOf ?x } UNION "
              "{ ?notice cito:updates/schema:isPartOf/schema:isPartOf?/schema:isPartOf? ?x }")
BY_PUBLISHER = ("{ ?notice schema:publisher ?x } UNION { ?notice schema:isPartOf/schema:publisher ?x } UNION "
                "{ ?notice cito:updates/schema:isPartOf/schema:isPartOf?/schema:isPartOf?/schema:publisher ?x }")
OF_COUNTRY = "?notice cito:updates/schema:countryOfOrigin ?x"
OF_SUBJECT = "?notice cito:updates/schema:keywords ?x"
PREFIXES = sparql_prologue("schema", "cito", "rkg", "skos", "rdfs")


@dataclass(frozen=True)
class Count:
    iri: str
    label: str
    count: int


@dataclass(frozen=True)
class NoticeRow:
    iri: str
    title: str
    date: str
    nature: str
    journal: str
    article: str
    article_title: str


@dataclass(frozen=True)
class Hit:
    iri: str
    kind: str  # "notice", "article" or "person"
    label: str
    detail: str


def _str(solution, name: str) -> str:
    value = solution[name]
    return value.value if value is not None else ""


def _literal(text: str) -> str:
    return str(Literal(text))


class Catalog:
    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def reasons(self) -> list[Count]:
        result = self.store.query(PREFIXES + """
            SELECT ?reason (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?n) AS ?count) WHERE {
              ?n rkg:reason ?reason . OPTIONAL { ?reason skos:prefLabel ?l }
            } GROUP BY ?reason ORDER BY DESC(?count) ?label""")
        return [Count(_str(s, "reason"), _str(s, "label"), int(_str(s, "count"))) for s in result]

    def journals(self, page: int = 1) -> list[Count]:
        """Journals by the notices about their articles (or published in them), most first."""
        return self._counts(IN_JOURNAL, page, kind="?x a schema:Periodical")

    def publishers(self, page: int = 1) -> list[Count]:
        return self._counts(BY_PUBLISHER, page)

    def countries(self, page: int = 1) -> list[Count]:
        return self._counts(OF_COUNTRY, page, named=False)

    def subjects(self, page: int = 1) -> list[Count]:
        return self._counts(OF_SUBJECT, page, named=False)

    def _counts(self, where: str, page: int, *, kind: str = "", named: bool = True) -> list[Count]:
        """The page of `?x` by the notices `where` puts in them, most first; `kind` restricts `?x`.

        Counted on distinct (notice, ?x) pairs before anything else is joined, and named only for the page:
        journals and publishers are restated by every record that mentions them, so joining their types and
        names into the count multiplied its rows by thousands (the journal list ran for minutes on 8,000 records).
        """
        counted = f"""{{ SELECT ?x (COUNT(?notice) AS ?count) WHERE {{
              {{ SELECT DISTINCT ?notice ?x WHERE {{ ?notice a rkg:Notice . {where} }} }}
              {f"FILTER EXISTS {{ {kind} }}" if kind else ""}
            }} GROUP BY ?x ORDER BY DESC(?count) ?x LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE} }}"""
        if named:
            query = f"""SELECT ?x ?count (MIN(?n) AS ?label) WHERE {{ {counted} ?x schema:name ?n }}
                GROUP BY ?x ?count ORDER BY DESC(?count) ?label"""
        else:
            query = f"SELECT ?x ?count (STR(?x) AS ?label) WHERE {{ {counted} }} ORDER BY DESC(?count) ?label"
        result = self.store.query(PREFIXES + query)
        return [Count(_str(s, "x"), _str(s, "label"), int(_str(s, "count"))) for s in result]

    def years(self) -> list[Count]:
        result = self.store.query(PREFIXES + """
            SELECT ?year (COUNT(DISTINCT ?n) AS ?count) WHERE {
              ?n a rkg:Notice ; schema:datePublished ?d BIND(SUBSTR(STR(?d), 1, 4) AS ?year)
            } GROUP BY ?year ORDER BY DESC(?year)""")
        return [Count(_str(s, "year"), _str(s, "year"), int(_str(s, "count"))) for s in result]

    def notices(self, *, reason: str = "", journal: str = "", publisher: str = "", country: str = "",
                subject: str = "", year: str = "", page: int = 1) -> list[NoticeRow]:
        """Notices with one reason, in one journal, of one publisher, country or subject (through the article
        they are about, as `journals` counts them) or of one year, newest first."""
        where = "?n a rkg:Notice ."
        if reason:
            where = f"?n rkg:reason {NamedNode(reason)} ."
        elif journal or publisher:
            pattern = IN_JOURNAL if journal else BY_PUBLISHER
            value = NamedNode(journal or publisher)
            where = "?n a rkg:Notice . " + pattern.replace("?notice", "?n").replace("?x", str(value))
        elif country or subject:
            pattern = OF_COUNTRY if country else OF_SUBJECT
            where = "?n a rkg:Notice . " + pattern.replace("?notice", "?n").replace("?x", _literal(country or subject))
        elif year:
            if not re.fullmatch(r"\d{4}", year):
                return []
            where = f'?n a rkg:Notice ; schema:datePublished ?d FILTER(STRSTARTS(STR(?d), "{year}"))'
        return self._rows(where, page)

    def _rows(self, where: str, page: int) -> list[NoticeRow]:
        # Page first, then read the page's rows; names of shared nodes (journals) are read in the
        # notice's own graphs, since thousands of records restate them.
        dated = "" if "?d" in where else "OPTIONAL { ?n schema:datePublished ?d }"
        result = self.store.query(PREFIXES + f"""
            SELECT ?n (MIN(?t) AS ?title) (SAMPLE(?d) AS ?date) (SAMPLE(?nl) AS ?nature)
                   (SAMPLE(?jn) AS ?journal) (SAMPLE(?a) AS ?article) (SAMPLE(?at) AS ?articleTitle) WHERE {{
              {{ SELECT DISTINCT ?n ?d WHERE {{ {where} {dated} }}
                 ORDER BY DESC(?d) ?n LIMIT {PAGE_SIZE} OFFSET {(max(page, 1) - 1) * PAGE_SIZE} }}
              OPTIONAL {{ ?n schema:name ?name }} OPTIONAL {{ ?n rdfs:label ?label }}
              BIND(COALESCE(?name, ?label) AS ?t)  # the source's title, else the label naming the article
              OPTIONAL {{ ?n rkg:nature/skos:prefLabel ?nl }}
              OPTIONAL {{ GRAPH ?g {{ ?n schema:isPartOf ?j . ?j schema:name ?jn }} }}
              OPTIONAL {{ GRAPH ?h {{ ?n cito:updates ?a OPTIONAL {{ ?a schema:name ?at }}
                                      OPTIONAL {{ ?a schema:isPartOf/schema:isPartOf?/schema:name ?jn }} }} }}
            }} GROUP BY ?n ORDER BY DESC(?date) ?n""")
        return [NoticeRow(_str(s, "n"), _str(s, "title"), _str(s, "date"), _str(s, "nature"), _str(s, "journal"),
                          _str(s, "article"), _str(s, "articleTitle")) for s in result]

    def by_doi(self, text: str) -> list[Hit]:
        """The notices and articles of a DOI written in any form (words are searched in the text index,
        `retractkg.store.text_index`); [] when `text` is no DOI."""
        doi = normalize_doi(text.strip())
        if not doi:
            return []
        result = self.store.query(PREFIXES + f"""
            SELECT ?x ?kind (MIN(?t) AS ?label) WHERE {{
              ?x rkg:doi {_literal(doi)} .
              {{ ?x a rkg:Notice BIND("notice" AS ?kind) OPTIONAL {{ ?x schema:name ?name }}
                 OPTIONAL {{ ?x rdfs:label ?l }} BIND(COALESCE(?name, ?l) AS ?t) }}
              UNION {{ ?x a rkg:Article BIND("article" AS ?kind) OPTIONAL {{ ?x schema:name ?t }} }}
            }} GROUP BY ?x ?kind""")
        return [Hit(_str(s, "x"), _str(s, "kind"), _str(s, "label"), doi) for s in result]

    def totals(self) -> dict[str, int]:
        result = self.store.query(PREFIXES + """
            SELECT ?nature (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?n) AS ?count) WHERE {
              ?n rkg:nature ?nature OPTIONAL { ?nature skos:prefLabel ?l }
            } GROUP BY ?nature ORDER BY DESC(?count)""")
        return {_str(s, "label") or _str(s, "nature"): int(_str(s, "count")) for s in result}
