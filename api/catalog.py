"""Lists for people browsing the graph: notices by reason, journal, publisher, country, subject and year,
with their counts, and lookup by DOI.

Counts and lists read the per-notice statistics kept beside the search index
(`retractkg.store.notice_statistics`): indexed lookups, never an aggregate over the graph per request. They
are built from the graph with SPARQL patterns (`notice_statistics.FACETS`), so they count what SPARQL counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import Literal

from retractkg.formats import sparql_prologue
from retractkg.ontology.identifiers import normalize_doi, preferred_labels
from retractkg.store import GraphStore
from retractkg.store.text_index import TextIndex

PAGE_SIZE = 50
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
    def __init__(self, store: GraphStore, index: TextIndex) -> None:
        self.store = store
        self.index = index

    def reasons(self) -> list[Count]:
        return self._counts("reason", 1, every=True)

    def journals(self, page: int = 1) -> list[Count]:
        """Journals by the notices about their articles (or published in them), most first."""
        return self._counts("journal", page)

    def publishers(self, page: int = 1) -> list[Count]:
        return self._counts("publisher", page)

    def countries(self, page: int = 1) -> list[Count]:
        return self._counts("country", page)

    def subjects(self, page: int = 1) -> list[Count]:
        return self._counts("subject", page)

    def _counts(self, facet: str, page: int, *, every: bool = False) -> list[Count]:
        statistics = self.index.statistics()
        found = (statistics.all_counts(facet) if every
                 else statistics.counts(facet, limit=PAGE_SIZE, offset=(max(page, 1) - 1) * PAGE_SIZE))
        return [Count(c.value, c.label, c.count) for c in found]

    def years(self) -> list[Count]:
        counts = self.index.statistics().all_counts("year")
        return [Count(c.value, c.label, c.count) for c in sorted(counts, key=lambda c: c.value, reverse=True)]

    def notices(self, *, nature: str = "", reason: str = "", journal: str = "", publisher: str = "",
                country: str = "", subject: str = "", year: str = "", page: int = 1) -> list[NoticeRow]:
        """Notices of one nature, with one reason, in one journal, of one publisher, country or subject (through
        the article they are about, as `journals` counts them) or of one year, newest first."""
        statistics = self.index.statistics()
        chosen = [(facet, value) for facet, value in (("nature", nature), ("reason", reason), ("journal", journal),
                                                      ("publisher", publisher), ("country", country),
                                                      ("subject", subject), ("year", year)) if value]
        terms = [t for facet, value in chosen for t in statistics.term(facet, [value])]
        if len(terms) < len(chosen):
            return []
        rows = statistics.rows(statistics.with_terms(terms), limit=PAGE_SIZE,
                               offset=(max(page, 1) - 1) * PAGE_SIZE)
        return [NoticeRow(r.iri, r.title, r.date, r.nature, r.journal, r.article, r.article_title) for r in rows]

    def by_doi(self, text: str) -> list[Hit]:
        """The notices and articles of a DOI written in any form (words are searched in the text index,
        `retractkg.store.text_index`); [] when `text` is no DOI."""
        doi = normalize_doi(text.strip())
        if not doi:
            return []
        # The DOI in each branch: joined outside the union, the store evaluated the union over every notice and
        # article first (5-10 s on the whole shared data, a 503 past the time limit; 1 ms so).
        result = self.store.query(PREFIXES + f"""
            SELECT DISTINCT ?x ?kind ?label ?name WHERE {{
              {{ ?x rkg:doi {_literal(doi)} ; a rkg:Notice BIND("notice" AS ?kind)
                 OPTIONAL {{ ?x rdfs:label ?label }} OPTIONAL {{ ?x schema:name ?name }} }}
              UNION {{ ?x rkg:doi {_literal(doi)} ; a rkg:Article BIND("article" AS ?kind)
                       OPTIONAL {{ ?x schema:name ?name }} }}
            }}""")
        found: dict[tuple[str, str], tuple[set[str], set[str]]] = {}
        for s in result:
            labels, names = found.setdefault((_str(s, "x"), _str(s, "kind")), (set(), set()))
            labels.update([_str(s, "label")] if s["label"] else [])
            names.update([_str(s, "name")] if s["name"] else [])
        # A notice by its label, as lists show it (`preferred_labels`); an article, or a notice without one, by name.
        return [Hit(iri, kind, next(iter(preferred_labels(sorted(labels))), min(names, default="")), doi)
                for (iri, kind), (labels, names) in found.items()]

    def timeline(self, facet: str = "", value: str = "") -> list[tuple[str, str, int]]:
        """(year, nature label, notices) of every notice, or of one journal, publisher or reason (an IRI)."""
        return self.index.statistics().by_year_and_nature(facet, value)

    def totals(self) -> list[Count]:
        """Notices by nature, most first."""
        return self._counts("nature", 1, every=True)
