"""Is this paper retracted? Works looked up by DOI or PMID, and notices listed by facet, as small JSON.

The answers follow OpenAlex and Crossref in spirit (`is_retracted`, the notices with their reasons), so
a reference manager or a script needs no SPARQL. Every lookup is a few bounded SELECTs through
`GraphStore.query` (the embedded store runs them in killable query processes, a remote store answers
them itself): identifiers go in VALUES lists of at most `BATCH` entries, never one query per entry.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode

from retractkg.formats import sparql_prologue
from retractkg.ontology import CITO, NATURE, RDFS, REASON, RKG, SCHEMA
from retractkg.ontology.dates import earliest
from retractkg.ontology.identifiers import normalize_doi
from retractkg.store import GraphStore
from retractkg.store.text_index import TextIndex

BATCH = 200  # identifiers per VALUES list
MAX_PER_PAGE = 200
MAX_NAMED = 20  # journals or publishers one name may stand for
PREFIXES = sparql_prologue("schema", "cito", "rkg", "skos", "rdfs")
PMID = re.compile(r"^(?:pmid:\s*)?(\d{1,9})$", re.I)
PUBMED = "https://pubmed.ncbi.nlm.nih.gov/"
STATUS_OF = {CITO + "retracts": "retracted", CITO + "corrects": "corrected",
             RKG + "expressesConcernAbout": "expression_of_concern", RKG + "reinstates": "reinstated"}
NOTICE_FACTS = (RKG + "nature", SCHEMA + "datePublished", RKG + "doi", RDFS + "label", SCHEMA + "name",
                CITO + "updates", RKG + "reason")
SLUG = re.compile(r"^[a-z0-9-]{1,80}$")


class BadParameter(ValueError):
    """A filter or cursor that cannot be used; the message names it."""


@dataclass
class NoticeSummary:
    id: str
    nature: str = ""
    nature_label: str = ""
    date: str = ""
    doi: str = ""
    label: str = ""
    reasons: list[dict[str, str]] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"id": self.id, "nature": self.nature, "nature_label": self.nature_label, "date": self.date or None,
                "doi": self.doi or None, "label": self.label or None, "reasons": self.reasons,
                "concerns": self.concerns}


@dataclass
class Work:
    """What the graph knows about one identifier: the article (or notice) it names and its notices."""
    query: str
    id: str
    kind: str  # "article" or "notice"
    title: str
    notices: list[NoticeSummary]
    statuses: set[str]
    # The works of a DOI that records give to several (a supplement's DOI given to each of its abstracts), each
    # with its own notices: the DOI's resource holds none of its own.
    works: list[Work] = field(default_factory=list)

    def as_json(self) -> dict:
        found = {"query": self.query, "id": self.id, "type": self.kind, "title": self.title or None,
                 "is_retracted": "retracted" in self.statuses, "is_corrected": "corrected" in self.statuses,
                 "has_expression_of_concern": "expression_of_concern" in self.statuses,
                 "is_reinstated": "reinstated" in self.statuses,
                 "notices": [n.as_json() for n in self.notices]}
        if self.works:
            found["works"] = [{k: v for k, v in work.as_json().items() if k != "query"} for work in self.works]
        return found


def identifier_iri(text: str) -> str | None:
    """The `schema:sameAs` IRI of a DOI (any written form) or PMID, or None if `text` is neither."""
    doi = normalize_doi(text)
    if doi:
        return "https://doi.org/" + doi
    found = PMID.match(text.strip())
    return f"{PUBMED}{int(found.group(1))}/" if found else None


def _values(iris: Iterable[str]) -> str:
    return " ".join(str(NamedNode(i)) for i in iris)


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), BATCH):
        yield items[start:start + BATCH]


def _text(solution, name: str) -> str:
    value = solution[name]
    return value.value if value is not None else ""


class Works:
    def __init__(self, store: GraphStore, index: TextIndex | None = None) -> None:
        self.store = store
        self.index = index  # the statistics `notices` filters by

    def lookup(self, identifiers: Sequence[str]) -> dict[str, Work]:
        """The works named by these `schema:sameAs` IRIs (see `identifier_iri`), by IRI; unknown ones are absent."""
        named: dict[str, set[str]] = {}
        for chunk in _chunks(sorted(set(identifiers))):
            for s in self.store.query(PREFIXES + f"""
                SELECT DISTINCT ?id ?thing WHERE {{ VALUES ?id {{ {_values(chunk)} }} ?thing schema:sameAs ?id }}"""):
                named.setdefault(_text(s, "id"), set()).add(_text(s, "thing"))
        facts = self.properties(sorted(set().union(*named.values())), (SCHEMA + "name", RKG + "nature"))
        things: dict[str, tuple[str, str, bool]] = {}  # identifier -> (thing, title, is a notice)
        for key, candidates in named.items():
            # The article before a notice stated with the same DOI, then the first IRI: the same answer each time.
            thing = min(candidates, key=lambda t: (RKG + "nature" in facts[t], t))
            things[key] = (thing, min(facts[thing].get(SCHEMA + "name", [""])), RKG + "nature" in facts[thing])
        articles = sorted({thing for thing, _, is_notice in things.values() if not is_notice})
        parts = self.parts(articles)
        part_titles = self.properties(sorted({w for ws in parts.values() for w in ws}), (SCHEMA + "name",))
        articles = sorted({*articles, *part_titles})
        updates: dict[str, list[tuple[str, str]]] = {}  # article -> (notice, status)
        for chunk in _chunks(articles):
            for s in self.store.query(PREFIXES + f"""
                SELECT DISTINCT ?thing ?notice ?rel WHERE {{
                  VALUES ?thing {{ {_values(chunk)} }}
                  ?notice cito:updates ?thing .
                  OPTIONAL {{ VALUES ?rel {{ {_values(STATUS_OF)} }} ?notice ?rel ?thing }}
                }}"""):
                updates.setdefault(_text(s, "thing"), []).append(
                    (_text(s, "notice"), STATUS_OF.get(_text(s, "rel"), "")))
        notice_iris = {n for pairs in updates.values() for n, _ in pairs}
        notice_iris |= {thing for thing, _, is_notice in things.values() if is_notice}
        summaries = self.summaries(sorted(notice_iris))

        def article(key: str, thing: str, title: str) -> Work:
            pairs = sorted(set(updates.get(thing, [])))
            notices = sorted((summaries[n] for n in {n for n, _ in pairs}), key=lambda n: (n.date, n.id))
            return Work(key, thing, "article", title, notices, {status for _, status in pairs if status})

        works: dict[str, Work] = {}
        for key, (thing, title, is_notice) in things.items():
            if is_notice:
                works[key] = Work(key, thing, "notice", title, [summaries[thing]], set())
                continue
            works[key] = article(key, thing, title)
            works[key].works = [article(key, part, min(part_titles[part].get(SCHEMA + "name", [""])))
                                for part in parts.get(thing, [])]
        return works

    def parts(self, things: Sequence[str]) -> dict[str, list[str]]:
        """The works of each DOI resource that several works share (`schema:hasPart`), sorted."""
        found: dict[str, set[str]] = {}
        for chunk in _chunks(things):
            for s in self.store.query(PREFIXES + f"""SELECT DISTINCT ?thing ?part WHERE {{
                VALUES ?thing {{ {_values(chunk)} }} ?thing schema:hasPart ?part }}"""):
                found.setdefault(_text(s, "thing"), set()).add(_text(s, "part"))
        return {thing: sorted(parts) for thing, parts in found.items()}

    def properties(self, subjects: Sequence[str], predicates: Sequence[str]) -> dict[str, dict[str, list[str]]]:
        """The distinct values of these predicates for each subject, sorted.

        One row per distinct statement: OPTIONALs side by side would multiply each other, and once more
        for every record graph that restates a statement (a notice in 50 records: millions of rows)."""
        found: dict[str, dict[str, set[str]]] = {iri: {} for iri in subjects}
        # A branch per predicate: with `VALUES ?p` the store scans each predicate's statements (1.7 s for 25
        # notices at 20,000), with constants it looks each subject up (4 ms).
        branches = " UNION ".join(f"{{ ?s {NamedNode(p)} ?o BIND({NamedNode(p)} AS ?p) }}" for p in predicates)
        for chunk in _chunks(subjects):
            for s in self.store.query(PREFIXES + f"""
                SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?s {{ {_values(chunk)} }} {branches} }}"""):
                found[_text(s, "s")].setdefault(_text(s, "p"), set()).add(_text(s, "o"))
        return {iri: {p: sorted(values) for p, values in props.items()} for iri, props in found.items()}

    def labels(self, concepts: Sequence[str]) -> dict[str, str]:
        """The English preferred label of each concept (nature, reason)."""
        labels: dict[str, str] = {}
        for chunk in _chunks(concepts):
            for s in self.store.query(PREFIXES + f"""
                SELECT DISTINCT ?c ?label WHERE {{
                  VALUES ?c {{ {_values(chunk)} }} ?c skos:prefLabel ?label FILTER(LANGMATCHES(LANG(?label), "en"))
                }}"""):
                labels.setdefault(_text(s, "c"), _text(s, "label"))
        return labels

    def summaries(self, notices: Sequence[str]) -> dict[str, NoticeSummary]:
        """Nature, date, DOI, label, reasons and the articles concerned of each notice, by IRI."""
        facts = self.properties(notices, NOTICE_FACTS)
        labels = self.labels(sorted({c for props in facts.values() for p in (RKG + "nature", RKG + "reason")
                                     for c in props.get(p, ())}))
        found = {}
        for iri, props in facts.items():
            def first(*predicates: str, props=props) -> str:
                return next((props[p][0] for p in predicates if p in props), "")
            nature = first(RKG + "nature")
            reasons = [{"id": r, "label": labels.get(r, "")} for r in props.get(RKG + "reason", ())]
            found[iri] = NoticeSummary(
                iri, nature, labels.get(nature, ""), earliest(props.get(SCHEMA + "datePublished", [])),
                first(RKG + "doi"),
                first(RDFS + "label", SCHEMA + "name"), sorted(reasons, key=lambda r: r["label"]),
                props.get(CITO + "updates", []))
        return found

    def notices(self, filters: dict[str, str], cursor: str | None,
                per_page: int) -> tuple[list[NoticeSummary], str | None]:
        """One page of notices matching the filters, after `cursor`; and the next page's cursor.

        The matches are read from the per-notice statistics (`retractkg.store.notice_statistics`): every
        filter is an indexed lookup of its values' notices, intersected. Pages follow a fixed order: the first
        15 hex digits of the SHA-1 of the notice IRI, then the IRI (a keyset kept in the statistics' index).
        """
        if self.index is None:
            raise BadParameter("no statistics to filter notices by: run `retractkg index`")
        statistics = self.index.statistics()
        groups = []
        for name, value in sorted(filters.items()):
            if not value:
                continue
            terms = statistics.term(name, self._values(name, value))
            if not terms:
                return [], None
            groups.append(terms)
        after = decode_cursor(cursor) if cursor else None
        page = statistics.keyset_page(groups, after, per_page + 1)
        following = encode_cursor(page[per_page - 1]) if len(page) > per_page else None
        page = page[:per_page]
        summaries = self.summaries(page)
        return [summaries[iri] for iri in page], following

    def _values(self, name: str, value: str) -> list[str]:
        """The statistics' values one filter stands for: a slug's concept, a name's journals or publishers,
        a country in the common spellings of its name."""
        if name in ("nature", "reason"):
            if not SLUG.match(value):
                raise BadParameter(f"{name} {value!r}: use the slug of its IRI, such as 'retraction' or "
                                   "'error-in-image'")
            return [(NATURE if name == "nature" else REASON) + value]
        if name == "year":
            if not re.fullmatch(r"\d{4}", value):
                raise BadParameter(f"year {value!r}: four digits")
            return [value]
        if name == "country":
            return spellings(value)
        if name in ("journal", "publisher"):
            if value.startswith(("http://", "https://")):
                return [value]
            return self.named(value)
        raise BadParameter(f"no filter {name!r}")

    def named(self, name: str) -> list[str]:
        """The journals or publishers (anything) with this name, as written or in a common case: resolved
        first, since a query that joins names with notices is planned from the notices (seconds at 20,000)."""
        return [_text(s, "x") for s in self.store.query(PREFIXES + f"""
            SELECT DISTINCT ?x WHERE {{ VALUES ?name {{ {_spellings(name)} }} ?x schema:name ?name }}
            LIMIT {MAX_NAMED}""")]


def encode_cursor(iri: str) -> str:
    return base64.urlsafe_b64encode(iri.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        return base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as e:
        raise BadParameter(f"cursor {cursor!r} is not one this API gave out") from e


def spellings(name: str) -> list[str]:
    """A name as given and in lower, upper and title case: an exact match is an index lookup, where comparing
    case-folded names reads every name in the graph (a minute for one publisher at 20,000 records)."""
    return list(dict.fromkeys([name, name.lower(), name.upper(), name.title(), name.capitalize()]))


def _spellings(name: str) -> str:
    """`spellings` as SPARQL literals."""
    return " ".join(str(Literal(v)) for v in spellings(name))
