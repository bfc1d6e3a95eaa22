"""Each notice's facet values as integers in memory, for counting the facets of a search.

A search counts facets among up to `text_index.FACET_WINDOW` notices. As a SQL join of `notice_term`
over those notices it took 100-180 ms the first time on the full-size graph (63,800 notices); here it is
a loop over small integer arrays, a few milliseconds. The arrays are read once per index file (the
`TextIndex` holding them is replaced when the file is), in one pass over the `notice_terms` index.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import chain

from retractkg.store.notice_statistics import FACETS, Count


class NoticeTerms:
    """Read-only after loading: shared by the threads of one app."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        last = connection.execute("SELECT coalesce(max(id), 0) FROM notice").fetchone()[0]
        # Compressed rows: the terms of notice i are terms[starts[i]:starts[i + 1]], in term order.
        self._starts = array("q", bytes(8 * (last + 2)))
        self._terms = array("l")
        at, previous = 0, 0
        for notice, listed in connection.execute(
                "SELECT notice, group_concat(term) FROM (SELECT notice, term FROM notice_term ORDER BY notice, term) "
                "GROUP BY notice ORDER BY notice"):
            for between in range(previous + 1, notice + 1):
                self._starts[between] = at
            self._terms.extend(map(int, listed.split(",")))
            at = len(self._terms)
            previous = notice
        for between in range(previous + 1, last + 2):
            self._starts[between] = at
        self._names = {row[0]: row[1:] for row in connection.execute(
            "SELECT id, facet, value, label FROM term")}  # id -> (facet, value, label)

    def counts(self, ids: Iterable[int], *, top: int) -> dict[str, list[Count]]:
        """The `top` values of every facet among these notices, most first (then by label, then value)."""
        starts, terms = self._starts, self._terms
        counted = Counter(chain.from_iterable(terms[starts[n]:starts[n + 1]] for n in ids))
        by_facet: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for term, n in counted.items():
            by_facet[self._names[term][0]].append((term, n))
        found: dict[str, list[Count]] = {facet: [] for facet in FACETS}
        for facet, pairs in by_facet.items():
            ranked = sorted(pairs, key=lambda p: (-p[1], self._names[p[0]][2], self._names[p[0]][1]))[:top]
            found[facet] = [Count(facet, self._names[t][1], self._names[t][2], n) for t, n in ranked]
        return found
