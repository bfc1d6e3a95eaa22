"""The full-text index of the graph: notices, articles and people, searchable by words, ranked.

SQLite's FTS5 in one file beside the store (`Settings.text_index_path`): the graph is the truth and
the index is derived from it, so `rebuild` makes it anew from any store (embedded or remote) and
`retractkg ingest` calls it after every run that changed the graph (`retractkg index` rebuilds it by
hand). A search reads only the index: no request scans the graph.

Each row is one resource: its label (a notice's label, else its title; a person's name), a detail
line for result lists, and the words to find it by: titles, names of its authors, its journal, a notice's
reasons (as the reason facet names them) and its text (its first `TEXT_CHARS` characters). Ranking is FTS5's
BM25, the label weighing most.

The same file holds the per-notice statistics (`retractkg.store.notice_statistics`), written in the same
rebuild: a notice's row here has its statistics id (newest first), so words and facet values combine in
one SQL query. A search counts its matches up to `COUNT_AT_MOST`; one that matches more than `RANK_AT_MOST`
rows lists them newest first (BM25 over every match of a common word costs more than a search may), and one
that keeps more than `FACET_WINDOW` notices counts facets among the newest `FACET_WINDOW` of them, in memory
(`notice_terms`). Facet counts, and the notices of the last few searches, are kept until the index is
rebuilt.
"""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from retractkg.collector import without_cycle_collection
from retractkg.ontology import CITO, RDF, RDFS, RKG, SCHEMA, SKOS
from retractkg.ontology.dates import earliest
from retractkg.ontology.identifiers import preferred_labels
from retractkg.store import graph_statistics, notice_statistics
from retractkg.store.base import GraphStore
from retractkg.store.notice_statistics import Count, NoticeStatistics, Selection
from retractkg.store.notice_terms import NoticeTerms
from retractkg.store.run_statements import NotedScan, RunStatements

TEXT_CHARS = 20_000
# Of the tables; a file of another layout is rebuilt (2: notice statistics; 3: VoID counts; 4: reasons as words).
LAYOUT = "4"
COUNT_AT_MOST = 10_000  # beyond, a list says "10,000 or more": counting every match costs as much as ranking
# Beyond, a list is newest first: BM25 costs about 7 µs a match on this machine (35 ms for 5,000 "covid" notices).
RANK_AT_MOST = 3_000
FACET_WINDOW = 2_000  # notices a search counts facets among (the newest), when it keeps more
FACETS_KEPT = 512  # facet counts of that many searches kept per index
IDS_KEPT = 16  # the notices of that many searches kept per index (a page and its facets ask the same)
BATCH = 5_000
FTS_PENDING_BYTES = 16 << 20  # the words FTS5 holds in memory while the index is built, before writing a segment
KINDS = {RKG + "Notice": "notice", RKG + "Article": "article", SCHEMA + "Person": "person"}
# BM25 weights of the columns iri, kind, label, detail, names, body (the unindexed ones count for nothing).
WEIGHTS = (0.0, 0.0, 10.0, 0.0, 4.0, 1.0)
BM25 = f"bm25(docs, {', '.join(map(str, WEIGHTS))})"
WORD = re.compile(r"\w+", re.UNICODE)


class IndexMissing(Exception):
    """No index file yet: `retractkg index` (or an ingest) makes it."""


@dataclass(frozen=True)
class Match:
    iri: str
    kind: str
    label: str
    detail: str


def fts_query(text: str) -> str:
    """The user's words as an FTS5 query: every word must occur (as a prefix for the last one, so that a
    search box finds as one types); quoted, so nothing the user types is FTS5 syntax."""
    words = WORD.findall(text.lower())[:12]
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " AND ".join(quoted)


class TextIndex:
    """Read side: one read-only connection per thread (sqlite3 connections are not shared across threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._facets: OrderedDict[Hashable, tuple[dict[str, list[Count]], bool]] = OrderedDict()
        self._lock = threading.Lock()
        self._notice_terms: NoticeTerms | None = None
        self._kept_ids: OrderedDict[tuple[str, tuple[int, ...]], list[int]] = OrderedDict()

    def built_from(self) -> str | None:
        """The state of the store the index was built from (see `rebuild`); None without an index."""
        if not self.path.exists():
            return None
        try:
            rows = dict(self._connection().execute("SELECT key, value FROM meta WHERE key IN ('state', 'layout')"))
        except sqlite3.Error:
            return None
        # A file of an older layout (before the statistics tables) counts as no index: it is built anew.
        return rows.get("state") if rows.get("layout") == LAYOUT else None

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            if not self.path.exists():
                raise IndexMissing(f"no search index at {self.path}: run `retractkg index` to build it")
            connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.connection = connection
        return connection

    def resources(self) -> list[str]:
        """Every notice, article and person the index holds (a sitemap's bulk, read without the store)."""
        return [iri for (iri,) in self._connection().execute("SELECT iri FROM docs")]

    def statistics(self) -> NoticeStatistics:
        """The per-notice statistics kept in the same file (`retractkg.store.notice_statistics`)."""
        return NoticeStatistics(self._connection())

    def graph_statistics(self) -> graph_statistics.GraphStatistics:
        """The VoID counts of the whole graph kept in the same file (`retractkg.store.graph_statistics`)."""
        return graph_statistics.read(self._connection())

    def _notices(self) -> int:
        row = self._connection().execute("SELECT value FROM meta WHERE key = 'notices'").fetchone()
        return int(row[0]) if row else 0

    def warm(self) -> None:
        """Read the notices' facet values in the background now, not at the first search (about 1 s on the
        full-size graph)."""
        threading.Thread(target=self._terms, daemon=True, name="notice-terms").start()

    def _terms(self) -> NoticeTerms:
        """Every notice's facet values in memory (`notice_terms`), read on first use from this file."""
        with self._lock:
            if self._notice_terms is None:
                self._notice_terms = NoticeTerms(self._connection())
            return self._notice_terms

    def matching(self, query: str, terms: Sequence[int] = ()) -> Selection:
        """The notices that match the words (`fts_query`) and have every one of `terms`, as a selection whose
        ids come in listing order (newest first): FTS5 and the `notice_term` key both yield rowid order, and
        SQLite filters there, far faster than rows handed to Python one by one."""
        statistics = self.statistics()
        if not query:
            return statistics.with_terms(list(terms))
        sql = "SELECT rowid AS id FROM docs WHERE docs MATCH ? AND rowid <= ?"
        params: tuple = (query, self._notices())
        if terms:
            narrowed = statistics.with_terms(list(terms))
            sql += f" AND +rowid IN ({narrowed.sql})"
            params += narrowed.params
        return Selection(sql, params)

    def facets(self, text: str, terms: Sequence[int] = (), *,
               top: int = 10) -> tuple[dict[str, list[Count]], bool]:
        """The `top` values of each facet among the notices the search keeps, most first, and whether they
        were counted among the newest `FACET_WINDOW` of them only (counting every notice "covid" finds in
        the full-size graph takes longer than a search may). Read from the kept counts when nothing narrows
        the notices; kept per search until the index is rebuilt (a new `TextIndex`)."""
        key = (fts_query(text), tuple(sorted(terms)), top, FACET_WINDOW)
        with self._lock:
            if key in self._facets:
                self._facets.move_to_end(key)
                return self._facets[key]
        if not key[0] and not terms:
            found = self.statistics().overall_facet_counts(top=top), False
        else:
            # With values chosen, the notices the page was listed from; with words only, the page counted its
            # matches in SQLite, and the newest `FACET_WINDOW` are all facets need.
            kept = (self._kept(key[0], tuple(terms)) if terms
                    else self.notice_ids(text, at_most=FACET_WINDOW + 1))
            found = self._terms().counts(kept[:FACET_WINDOW], top=top), len(kept) > FACET_WINDOW
        with self._lock:
            self._facets[key] = found
            while len(self._facets) > FACETS_KEPT:
                self._facets.popitem(last=False)
        return found

    def _kept(self, query: str, terms: tuple[int, ...]) -> list[int]:
        """The ids of the first `COUNT_AT_MOST` notices a search keeps, in listing order: a page and its facets
        ask the same, so the last few are kept (until the index is rebuilt)."""
        key = (query, terms)
        with self._lock:
            if key in self._kept_ids:
                self._kept_ids.move_to_end(key)
                return self._kept_ids[key]
        selection = self.matching(query, terms)
        kept = [row[0] for row in self._connection().execute(
            f"SELECT id FROM ({selection.sql}) ORDER BY id LIMIT ?", (*selection.params, COUNT_AT_MOST))]
        with self._lock:
            self._kept_ids[key] = kept
            while len(self._kept_ids) > IDS_KEPT:
                self._kept_ids.popitem(last=False)
        return kept

    def notice_ids(self, text: str, terms: Sequence[int] = (), *, at_most: int) -> list[int]:
        """The ids of the notices the search keeps, in listing order (newest first), at most `at_most`."""
        selection = self.matching(fts_query(text), terms)
        return [row[0] for row in self._connection().execute(
            f"SELECT id FROM ({selection.sql}) ORDER BY id LIMIT ?", (*selection.params, at_most))]

    def search(self, text: str, *, limit: int = 50, offset: int = 0,
               terms: Sequence[int] = ()) -> tuple[int, list[Match]]:
        """(number of matches, counted up to `COUNT_AT_MOST`, and one page of them, best first). With `terms`
        (facet values, see `NoticeStatistics.term`) only notices with all of them; with no words, newest first."""
        query = fts_query(text)
        connection = self._connection()
        if terms:
            return self._search_kept(query, tuple(terms), limit, offset)
        if not query:
            return 0, []
        total = connection.execute("SELECT count(*) FROM (SELECT 1 FROM docs WHERE docs MATCH ? LIMIT ?)",
                                   (query, COUNT_AT_MOST)).fetchone()[0]
        # Past `RANK_AT_MOST`, newest first (notices by date, then articles and people): BM25 scores every match.
        rank = "rowid" if total > RANK_AT_MOST else BM25
        rows = connection.execute(f"SELECT iri, kind, label, detail FROM docs WHERE docs MATCH ? ORDER BY {rank} "
                                  "LIMIT ? OFFSET ?", (query, limit, offset)).fetchall()
        return total, [Match(*row) for row in rows]

    def _search_kept(self, query: str, terms: tuple[int, ...], limit: int, offset: int) -> tuple[int, list[Match]]:
        """`search` with facet values: only notices, counted and paged from the ids the search keeps."""
        kept = self._kept(query, terms)
        if not query or len(kept) > RANK_AT_MOST:  # newest first
            page = kept[offset:offset + limit]
            if not query:
                rows = self.statistics().rows_by_id(page)
                return len(kept), [Match(rows[i].iri, "notice", rows[i].label, rows[i].date) for i in page]
            found = {row[0]: Match(*row[1:]) for row in self._connection().execute(
                f"SELECT rowid, iri, kind, label, detail FROM docs WHERE rowid IN ({', '.join('?' * len(page))})",
                page)}
            return len(kept), [found[i] for i in page if i in found]
        rows = self._connection().execute(
            f"SELECT iri, kind, label, detail FROM docs WHERE docs MATCH ? AND +rowid IN (SELECT value FROM "
            f"json_each(?)) ORDER BY {BM25} LIMIT ? OFFSET ?", (query, json.dumps(kept), limit, offset)).fetchall()
        return len(kept), [Match(*row) for row in rows]


@without_cycle_collection  # every statement read lives until the file is written (`retractkg.collector`)
def rebuild(store: GraphStore, path: Path, *, state: str = "", run: RunStatements | None = None) -> int:
    """Make the index anew from the store (written beside, then moved over the old one); the rows written.
    `state` names the store's state it was built from (the change log's extent), for `KeptIndex`. With `run`
    (the statements a run into an empty store wrote, `run_statements`), from those instead of the store's scans:
    the same index, as each resource's one name, label, container, text and first work is chosen by value."""
    # The VoID counts are one aggregate the store evaluates without holding the GIL: on the other core while the
    # scans below are read and joined (4 s of the full-size graph's rebuild).
    with ThreadPoolExecutor(1, thread_name_prefix="void-counts") as counting:
        counts = counting.submit(graph_statistics.compute, store)
        # Each predicate read once for the words and the statistics.
        scan = (notice_statistics.GraphScan(store, KINDS) if run is None or not run.usable
                else NotedScan(store, run, KINDS))
        return _rebuild(scan, path, state, counts)


def _rebuild(scan: notice_statistics.GraphScan, path: Path, state: str,
             counts: Future[graph_statistics.GraphStatistics]) -> int:
    """`rebuild`, with the VoID counts under way beside it. Where a resource has several values, the one shown
    is chosen by value (the smallest name, the preferred label, the longest text, ...), never by the order the
    statements come in, which differs between the store and a run's own statements."""
    kinds: dict[str, str] = {}
    precedence = list(KINDS.values())  # a resource of two kinds is the first of them (a notice, then an article)
    for iri, type_iri in scan.pairs(RDF + "type"):
        kind = KINDS.get(type_iri)
        if kind and (iri not in kinds or precedence.index(kind) < precedence.index(kinds[iri])):
            kinds[iri] = kind
    names: dict[str, str] = {}
    for iri, name in scan.pairs(SCHEMA + "name"):
        if name < names.get(iri, name + "\uffff"):  # the smallest (a name is never above that)
            names[iri] = name
    given_labels: dict[str, list[str]] = defaultdict(list)
    for iri, label in scan.pairs(RDFS + "label"):
        if iri in kinds:
            given_labels[iri].append(label)
    # As pages and lists show: the first preferred one, as `notice_statistics` chooses it.
    labels = {iri: preferred_labels(sorted(found))[0] for iri, found in given_labels.items()}
    given: dict[str, list[str]] = defaultdict(list)
    for iri, date in scan.pairs(SCHEMA + "datePublished"):
        if kinds.get(iri) == "notice":
            given[iri].append(date)
    dates = {iri: earliest(values) for iri, values in given.items()}  # its one date, when sources differ
    texts: dict[str, str] = {}
    for iri, text in scan.pairs(SCHEMA + "text"):
        if iri in kinds and (len(text), text) > (len(texts.get(iri, "")), texts.get(iri, "")):  # the longest
            texts[iri] = text
    texts = {iri: text[:TEXT_CHARS] for iri, text in texts.items()}
    authors: dict[str, list[str]] = defaultdict(list)
    first_works: dict[str, str] = {}  # of each person, the smallest IRI: a title finds the work
    for work, person in scan.statements(SCHEMA + "author"):
        authors[work].append(person)
        if work < first_works.get(person, work + "\uffff"):
            first_works[person] = work
    for people in authors.values():
        people.sort()
    parents = scan.objects(SCHEMA + "isPartOf")
    updates: dict[str, list[str]] = defaultdict(list)
    for notice, article in scan.statements(CITO + "updates"):
        updates[notice].append(article)
    for articles in updates.values():
        articles.sort()

    # A notice is found by the words of its reasons too ("paper mill"), as the reason facet names them.
    reasons, reason_labels = scan.objects(RKG + "reason"), scan.objects(SKOS + "prefLabel")

    def reasons_of(notice: str) -> list[str]:
        return sorted(min(reason_labels.get(r, ()), default="") for r in reasons.get(notice, ()))

    untitled = scan.untitled_works()
    journals: dict[str, str] = {}  # a work's journal is asked for up to three times (notice and article rows)

    def journal(work: str) -> str:
        if work not in journals:
            journals[work] = _last_named(work, parents, names)
        return journals[work]

    def author_names(work: str) -> str:
        return "; ".join(names.get(p, "") for p in authors.get(work, ()))

    def row(iri: str, kind: str) -> tuple[str, str, str, str, str, str]:
        if kind == "notice":
            articles = updates.get(iri, [])
            label = labels.get(iri) or names.get(iri) or next((names[a] for a in articles if a in names), "")
            people = "; ".join(author_names(a) for a in articles)
            body = " ".join([names.get(iri, ""), *(names.get(a, "") for a in articles),
                             *(journal(a) for a in articles), *reasons_of(iri), texts.get(iri, "")])
            return iri, kind, label or iri, dates.get(iri, ""), people, body
        if kind == "article":
            label = labels.get(iri) or names.get(iri) or untitled.get(iri) or iri
            return iri, kind, label, journal(iri), author_names(iri), journal(iri)
        first_work = first_works.get(iri)  # found by name only: a title finds the work
        return iri, kind, names.get(iri) or iri, "" if first_work is None else names.get(first_work, ""), \
            names.get(iri, ""), ""

    path.parent.mkdir(parents=True, exist_ok=True)
    # One writer at a time (`retractkg index` beside a server's workers, which rebuild a stale index): each would
    # delete the other's `.building` file and move a half-written one into place. The kernel lets go of the lock
    # when its process ends, however it ends.
    with path.with_name(path.name + ".lock").open("a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _write(path, kinds, scan, row, counts, state)


def _write(path: Path, kinds: dict[str, str], scan: notice_statistics.GraphScan,
           row: Callable[[str, str], tuple[str, ...]], counts: Future[graph_statistics.GraphStatistics],
           state: str) -> int:
    """The index file written beside `path` (`.building`), then moved over it."""
    building = path.with_name(path.name + ".building")
    building.unlink(missing_ok=True)
    connection = sqlite3.connect(building)
    try:
        _bulk_writing(connection)
        connection.execute("CREATE VIRTUAL TABLE docs USING fts5(iri UNINDEXED, kind UNINDEXED, label, "
                           "detail UNINDEXED, names, body, tokenize = 'unicode61 remove_diacritics 2')")
        # FTS5 writes its pending words out as a segment each 1 MB and merges segments as they pile up; 16 MB make
        # a few large segments that 'optimize' merges once.
        connection.execute("INSERT INTO docs (docs, rank) VALUES ('hashsize', ?)", (FTS_PENDING_BYTES,))
        # A notice's row has its statistics row's id (listing order), so that words and facets combine.
        ids = notice_statistics.write(connection, scan)
        numbers = itertools.count(len(ids) + 1)
        # Articles and people by IRI: an order of the values, not of the statements read.
        rowids = {iri: ids[iri] if kinds[iri] == "notice" and iri in ids else next(numbers) for iri in sorted(kinds)}
        # In rowid order: FTS5 writes its pending words out as a segment whenever a rowid comes below the last
        # one, and merges those segments again (in the store's order, 6.4 s of CPU on the full-size graph; 1.4 s).
        rows = ((rowids[iri], *row(iri, kinds[iri])) for iri in sorted(rowids, key=rowids.__getitem__))
        connection.executemany("INSERT INTO docs (rowid, iri, kind, label, detail, names, body) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        connection.execute("INSERT INTO docs (docs) VALUES ('optimize')")
        graph_statistics.write(connection, counts.result())
        connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        connection.execute("INSERT INTO meta VALUES ('state', ?)", (state,))
        connection.execute("INSERT INTO meta VALUES ('layout', ?)", (LAYOUT,))
        connection.execute("INSERT INTO meta VALUES ('notices', ?)", (str(len(ids)),))
        connection.commit()
    finally:
        connection.close()
    with building.open("rb") as written:  # on disk before it is moved into place: SQLite no longer syncs it
        os.fsync(written.fileno())
    building.replace(path)
    return len(kinds)


def _last_named(work: str, parents: dict[str, set[str]], names: dict[str, str]) -> str:
    """The name of the last container up `schema:isPartOf` from a work (issue -> volume -> periodical): of a work
    in several (its journal's issue and a shared DOI's resource), the first by IRI that leads to a name; above
    that, each container's smallest."""
    for first in sorted(parents.get(work, ())):
        seen, node = {work}, first
        while node not in seen:
            seen.add(node)
            if node not in parents:
                if names.get(node):
                    return names[node]
                break
            node = min(parents[node])
    return ""


def _bulk_writing(connection: sqlite3.Connection) -> None:
    """A file written in one go and moved into place only once whole needs no journal and no sync: a crash
    leaves a `.building` file the next rebuild deletes (`rebuild` syncs the file before it moves it)."""
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")


def _remove_folders(folders: list[str]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


class KeptIndex:
    """The index the app searches, never older than the store: when the store's state (the change log's
    extent, which every ingest advances) is not the one the index was built from, it is rebuilt first.
    `retractkg ingest` keeps the index current, so a server finds it so; an app over a store written by
    other means (the Python API, an in-memory store) builds it on the first search after a change."""

    def __init__(self, store: GraphStore, path: Path | None, state: Callable[[], Hashable]) -> None:
        self.store = store
        self._own_folders: list[str] = []  # private index folders, removed by `close`, else with this object
        self._remove_own_folders = weakref.finalize(self, _remove_folders, self._own_folders)
        self.path = path or self._private_path()
        self.state = state
        self._index = TextIndex(self.path)
        self._built_from: str | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        """Remove the index folders this object made for itself (an index kept beside a store stays)."""
        self._remove_own_folders()

    def _private_path(self) -> Path:
        folder = tempfile.mkdtemp(prefix="retractkg-search-")
        self._own_folders.append(folder)
        return Path(folder) / "search.sqlite3"

    def current(self) -> TextIndex:
        now = str(self.state())
        with self._lock:
            if self._built_from != now:
                if self._index.built_from() != now:
                    try:
                        rebuild(self.store, self.path, state=now)
                    except OSError:  # a store folder this process may not write: an index of its own
                        self.path = self._private_path()
                        rebuild(self.store, self.path, state=now)
                    self._index = TextIndex(self.path)  # fresh connections: the file was replaced
                self._index.warm()
                self._built_from = now
            return self._index
