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
PREFIXES = sparql_prologue("schema", "cito", "rkg", "skos")


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
        result = self.store.query(PREFIXES + f"""
            SELECT ?journal (SAMPLE(?n) AS ?label) (COUNT(DISTINCT ?notice) AS ?count) WHERE {{
              ?notice a rkg:Notice ; schema:isPartOf ?journal . ?journal schema:name ?n
            }} GROUP BY ?journal ORDER BY DESC(?count) ?label LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}""")
        return [Count(_str(s, "journal"), _str(s, "label"), int(_str(s, "count"))) for s in result]

    def years(self) -> list[Count]:
        result = self.store.query(PREFIXES + """
            SELECT ?year (COUNT(DISTINCT ?n) AS ?count) WHERE {
              ?n a rkg:Notice ; schema:datePublished ?d BIND(SUBSTR(STR(?d), 1, 4) AS ?year)
            } GROUP BY ?year ORDER BY DESC(?year)""")
        return [Count(_str(s, "year"), _str(s, "year"), int(_str(s, "count"))) for s in result]

    def notices(self, *, reason: str = "", journal: str = "", year: str = "", page: int = 1) -> list[NoticeRow]:
        """Notices with one reason, in one journal or of one year, newest first."""
        where = "?n a rkg:Notice ."
        if reason:
            where = f"?n rkg:reason {NamedNode(reason)} ."
        elif journal:
            where = f"?n a rkg:Notice ; schema:isPartOf {NamedNode(journal)} ."
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
            SELECT ?n (SAMPLE(?t) AS ?title) (SAMPLE(?d) AS ?date) (SAMPLE(?nl) AS ?nature)
                   (SAMPLE(?jn) AS ?journal) (SAMPLE(?a) AS ?article) (SAMPLE(?at) AS ?articleTitle) WHERE {{
              {{ SELECT DISTINCT ?n ?d WHERE {{ {where} {dated} }}
                 ORDER BY DESC(?d) ?n LIMIT {PAGE_SIZE} OFFSET {(max(page, 1) - 1) * PAGE_SIZE} }}
              OPTIONAL {{ ?n schema:name ?t }}
              OPTIONAL {{ ?n rkg:nature/skos:prefLabel ?nl }}
              OPTIONAL {{ GRAPH ?g {{ ?n schema:isPartOf ?j . ?j schema:name ?jn }} }}
              OPTIONAL {{ GRAPH ?h {{ ?n cito:updates ?a OPTIONAL {{ ?a schema:name ?at }}
                                      OPTIONAL {{ ?a schema:isPartOf/schema:isPartOf?/schema:name ?jn }} }} }}
            }} GROUP BY ?n ORDER BY DESC(?date) ?n""")
        return [NoticeRow(_str(s, "n"), _str(s, "title"), _str(s, "date"), _str(s, "nature"), _str(s, "journal"),
                          _str(s, "article"), _str(s, "articleTitle")) for s in result]

    def search(self, text: str, *, limit: int = PAGE_SIZE) -> list[Hit]:
        """By DOI (exact, any written form), else by words of a title or an author's name."""
        text = text.strip()
        if not text:
            return []
        doi = normalize_doi(text)
        if doi:
            result = self.store.query(PREFIXES + f"""
                SELECT ?x ?kind (SAMPLE(?t) AS ?label) WHERE {{
                  ?x rkg:doi {_literal(doi)} .
                  {{ ?x a rkg:Notice BIND("notice" AS ?kind) }} UNION {{ ?x a rkg:Article BIND("article" AS ?kind) }}
                  OPTIONAL {{ ?x schema:name ?t }}
                }} GROUP BY ?x ?kind""")
            return [Hit(_str(s, "x"), _str(s, "kind"), _str(s, "label"), doi) for s in result]
        words = [w for w in re.findall(r"\w+", text.lower()) if len(w) > 1][:6]
        if not words:
            return []
        filters = " && ".join(f"CONTAINS(LCASE(STR(?name)), {_literal(w)})" for w in words)
        result = self.store.query(PREFIXES + f"""
            SELECT ?x ?kind (SAMPLE(?name) AS ?label) (SAMPLE(?w) AS ?detail) WHERE {{
              {{ ?x a rkg:Notice ; schema:name ?name BIND("notice" AS ?kind)
                 OPTIONAL {{ ?x schema:datePublished ?w }} }}
              UNION {{ ?x a rkg:Article ; schema:name ?name BIND("article" AS ?kind)
                       OPTIONAL {{ ?x schema:isPartOf+/schema:name ?w }} }}
              UNION {{ ?x a schema:Person ; schema:name ?name BIND("person" AS ?kind)
                       OPTIONAL {{ ?work schema:author ?x ; schema:name ?w }} }}
              FILTER({filters})
            }} GROUP BY ?x ?kind ORDER BY ?kind ?label LIMIT {limit}""")
        return [Hit(_str(s, "x"), _str(s, "kind"), _str(s, "label"), _str(s, "detail")) for s in result]

    def totals(self) -> dict[str, int]:
        result = self.store.query(PREFIXES + """
            SELECT ?nature (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?n) AS ?count) WHERE {
              ?n rkg:nature ?nature OPTIONAL { ?nature skos:prefLabel ?l }
            } GROUP BY ?nature ORDER BY DESC(?count)""")
        return {_str(s, "label") or _str(s, "nature"): int(_str(s, "count")) for s in result}
