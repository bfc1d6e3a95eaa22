"""Article DOIs that records give to different works (a conference supplement's DOI given to each of its
abstracts), so that those works stay apart instead of merging into one article under the DOI.

The Retraction Watch export gives 145 abstracts of one Brain Injury supplement its DOI: keyed by DOI alone
they were one article with 145 notices and every abstract's authors. A DOI is shared when the records of one
source give it two titles (once folded) whose bylines have no family name in common; a record without a
title or a byline says nothing either way, and neither do two sources that disagree (one of them may be
wrong about the DOI; one export giving a DOI to two works means the DOI is a supplement's). Under a
shared DOI each titled work is `id/article/{doi}/work/{title hash}` (`Article.work`), `schema:isPartOf`
the DOI's own resource, which keeps the DOI's `schema:sameAs` and lists the works (`schema:hasPart`): one
DOI lookup lists them apart.

Whether a DOI is shared depends on every record that gives it, not the order they are read: the run's
records are noted before any is mapped (`add`, in the pass that reads them for people), and the store's
are read once at the start of a run into a store that holds records (`learn_stored`). Records of an
earlier run stored under the DOI's resource that a later run finds shared are read again from their files
(`outdated_graphs`), as the records `retractkg.ingest.identity` re-keys are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from retractkg.ingest.iris import Minter, fold
from retractkg.ingest.model import Article, Person, SourceRecord
from retractkg.ingest.stored_records import records_stating
from retractkg.ontology import RKG, SCHEMA
from retractkg.ontology.identifiers import stable_hash
from retractkg.store import GraphStore
from retractkg.store.base import values_lists

NAMED_RECORDS = 20  # records a warning names, of a shared DOI's


def title_key(title: str) -> str:
    """What tells one work under a shared DOI from another: a hash of its folded title."""
    return stable_hash(title)


def families(authors: Sequence[Person] | Sequence[str]) -> frozenset[str]:
    """The folded family names of a byline (persons, or names as written)."""
    found = set()
    for author in authors:
        name = author if isinstance(author, str) else (author.family_name or author.name)
        words = fold(name).split()
        if words:
            found.add(words[-1])
    return frozenset(found)


@dataclass
class _Works:
    """What records give one DOI: each title (key) with its byline's family names, and the records."""

    titles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    formats: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # title -> the formats giving it
    records: set[str] = field(default_factory=set)


class SharedDois:
    """Which article DOIs are shared by different works, from a run's records and the store's."""

    def __init__(self, minter: Minter) -> None:
        self.minter = minter
        self._dois: dict[str, _Works] = {}
        self.shared: set[str] = set()  # decided by `resolve`
        self.warnings: list[str] = []
        self._stored_shared: set[str] = set()  # DOIs the store holds as shared
        # DOIs shared now that the store holds as one article: the titles (keys) the store gives it
        self._stored_titles: dict[str, set[str]] = {}

    def add(self, record: SourceRecord) -> None:
        """Note the titled, authored works a record gives a DOI to."""
        for article in record.notice.articles:
            if article.doi and article.title:
                works = self._dois.setdefault(article.doi, _Works())
                title = title_key(article.title)
                works.titles[title].update(families(article.authors))
                works.formats[title].add(record.format)
                works.records.add(record.record_key or f"{record.source_name or record.source} {record.location}")

    def learn_stored(self, store: GraphStore) -> None:
        """What the store's records say: the DOIs stored as shared, and for each other DOI this run gives a title
        to, the title and byline of its stored resource (the store may hold another work under it)."""
        self._stored_shared = {s["doi"].value for s in store.query(
            f"SELECT DISTINCT ?doi WHERE {{ ?s <{SCHEMA}hasPart> ?w . ?w <{RKG}doi> ?doi }}")}
        candidates = {self.minter.article(Article(doi=doi)): doi for doi in self._dois
                      if doi not in self._stored_shared}
        if not candidates:
            return
        # One scan of the stored titles: a VALUES list of every DOI of an export joined to them scans the
        # store once per list.
        titled: dict[str, set[str]] = defaultdict(set)
        formats: dict[str, set[str]] = defaultdict(set)
        for s in store.query(f"SELECT ?a ?title ?format WHERE {{ GRAPH ?g {{ ?a a <{RKG}Article> ; "
                             f"<{SCHEMA}name> ?title }} ?g <{RKG}sourceFormat> ?format }}"):
            doi = candidates.get(s["a"].value)
            if doi is not None:
                titled[doi].add(title_key(s["title"].value))
                formats[doi].add(s["format"].value)
        differ = []
        for doi, titles in titled.items():
            works = self._dois[doi]
            if _within(works):  # shared anyway: what the store holds under the DOI is one of its works
                self._stored_titles[doi] = titles
            elif titles - set(works.titles) and formats[doi] & set().union(*works.formats.values()):
                differ.append(self.minter.article(Article(doi=doi)))
        bylines: dict[str, set[str]] = defaultdict(set)
        differ.sort()
        for chunk in values_lists(differ):
            for s in store.query(f"SELECT ?a ?name WHERE {{ VALUES ?a {{ {chunk} }} "
                                 f"?a <{SCHEMA}author> ?p . ?p <{SCHEMA}name> ?name }}"):
                bylines[candidates[s["a"].value]].add(s["name"].value)
        for doi, names in bylines.items():
            stored = families(sorted(names))
            if stored and all(run and run.isdisjoint(stored) for run in self._dois[doi].titles.values()):
                self._stored_titles[doi] = titled[doi]

    def resolve(self) -> None:
        """Decide which DOIs are shared, with a warning (`warnings`) for each the run gives, naming its records."""
        for doi, works in sorted(self._dois.items()):
            if not (_within(works) or doi in self._stored_shared or doi in self._stored_titles):
                continue
            self.shared.add(doi)
            named = sorted(works.records)
            more = f" and {len(named) - NAMED_RECORDS} more" if len(named) > NAMED_RECORDS else ""
            named = ", ".join(named[:NAMED_RECORDS]) + more
            titles = len(works.titles.keys() | self._stored_titles.get(doi, set()))
            self.warnings.append(f"article DOI {doi} ({titles} titles) is given to works of different titles and "
                                 "authors (a supplement's DOI given to each of its abstracts?): kept apart as works "
                                 f"under it (id/article/{{doi}}/work/…); records {named}")
        self.shared |= self._stored_shared
        self._dois.clear()

    def complete(self, record: SourceRecord) -> None:
        """Key each titled article under a shared DOI as its own work."""
        for article in record.notice.articles:
            if article.doi in self.shared and article.title:
                article.work = title_key(article.title)

    def outdated_graphs(self, store: GraphStore) -> dict[str, set[str]]:
        """Stored records of earlier runs that gave a DOI this run found shared a title, as {source file:
        graphs}: read again, their article becomes a work under the DOI."""
        iris = [self.minter.article(Article(doi=doi)) for doi in self._stored_titles]
        return records_stating(store, iris, f"?x <{SCHEMA}name> ?title")


def _within(works: _Works) -> bool:
    """Whether the run's records of one format give a DOI works of different titles whose bylines share no
    family name."""
    if len(works.titles) < 2:
        return False
    titles = [(names, works.formats[title]) for title, names in works.titles.items() if names]
    return any(one.isdisjoint(other) and formats & others for i, (one, formats) in enumerate(titles)
               for other, others in titles[i + 1:])
