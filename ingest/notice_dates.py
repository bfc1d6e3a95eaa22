"""One date per notice when its records give it different dates (`retractkg.ontology.dates`: the earliest).

Two Retraction Watch rows gave one Research Square notice DOI the dates 2020-11-16 and 2021-07-15: each record
stated its own `rkg:year`, so the notice was listed under both years, with its later date. Each record's graph
still states the date its source gives (`schema:datePublished`); the year every record of the notice states as
`rkg:year` and `rkg:yearNature` is that of the one date.

Like shared DOIs and journals, this is decided over every record of the run, noted before any is mapped (`add`),
and the dates stored records give the same notices (`learn_stored`), whatever the order records are read. Which
notice a record names may rest on DOIs other records give (a row naming its notice by its article alone): such
records are kept without their long fields and placed once those DOIs are known (`resolve`). Stored records of
earlier runs that state another year of a run's notice get the new one (`moved_years`), as stored records get the
person IRIs the run's joins change: their files need not be in the run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace

from retractkg.ingest.iris import Minter
from retractkg.ingest.model import SourceRecord
from retractkg.ontology import RKG, SCHEMA
from retractkg.ontology.dates import earliest
from retractkg.store import GraphStore


class NoticeDates:
    """The one date of each notice a run's records date."""

    def __init__(self, minter: Minter) -> None:
        self.minter = minter
        self._dates: dict[str, set[str]] = defaultdict(set)  # notice IRI -> the dates the run's records give it
        self._placed_later: list[SourceRecord] = []  # records whose notice's IRI rests on DOIs other records give
        self._stored: list[tuple[str, str, str, str]] = []  # (graph, notice, date, year) of earlier runs' records
        self._chosen: dict[str, str] = {}  # notice IRI -> its date, where records give it two (decided by `resolve`)

    def add(self, record: SourceRecord) -> None:
        notice = record.notice
        if not notice.date:
            return
        if notice.own_doi or len(notice.articles) != 1:  # its IRI is its own: `Minter.notice` learns nothing for it
            self._dates[self.minter.notice(notice, known=False)].add(notice.date)
            return
        articles = [replace(a, authors=[], organizations=[], subjects=[], countries=[]) for a in notice.articles]
        self._placed_later.append(replace(record, notice=replace(notice, text="", reasons=[], authors=[],
                                                                 organizations=[], articles=articles)))

    def learn_stored(self, store: GraphStore, skip: set[str]) -> None:
        """The dates and years stored records but those of the graphs in `skip` (the run's own) give notices."""
        for s in store.query(f"""SELECT ?g ?n ?d ?y WHERE {{ GRAPH ?g {{ ?n a <{RKG}Notice> ;
                <{SCHEMA}datePublished> ?d OPTIONAL {{ ?n <{RKG}year> ?y }} }} }}"""):
            graph = s["g"].value
            if graph not in skip:
                self._stored.append((graph, s["n"].value, s["d"].value, s["y"].value if s["y"] is not None else ""))

    def resolve(self, completions: Sequence[Callable[[SourceRecord], None]]) -> None:
        """Place the records kept for later (each completed by `completions`, as ingest completes it), and decide
        the date of every notice the run's records and the store's date differently."""
        for record in self._placed_later:
            for complete in completions:
                complete(record)
            self._dates[self.minter.notice(record.notice)].add(record.notice.date)
        self._placed_later.clear()
        # Only the run's notices: the date of any other is as the store has it.
        self._stored = [row for row in self._stored if row[1] in self._dates]
        for _, notice, date, _ in self._stored:
            self._dates[notice].add(date)
        self._chosen = {notice: earliest(dates) for notice, dates in self._dates.items() if len(dates) > 1}
        self._dates.clear()

    def date(self, notice: str, given: str) -> str:
        """The date of a notice (its IRI) whose record gives it `given`."""
        return self._chosen.get(notice, given)

    def moved_years(self) -> dict[str, str]:
        """Stored records of earlier runs stating another year of one of the run's notices than its date's:
        {graph: the year}."""
        moved = {graph: year for graph, notice, date, stated in self._stored
                 if (year := self.date(notice, date)[:4]) != stated}
        self._stored.clear()
        return moved
