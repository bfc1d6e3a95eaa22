"""Answers of the SPARQL endpoint kept in memory, so a repeated question costs a dictionary look-up.

Keyed by everything an answer depends on: the query text, the dataset, the format asked for (Accept
and `format`), and the store's state. The state is the change log's extent (count and newest change),
which every ingest advances: an answer is never served once an ingest changed the data. When the
app's store cannot change behind it (an embedded store it holds exclusively, as `retractkg serve`
does), the state is read once; otherwise it is read again for every request, a one-row aggregate.

Bounded by bytes (`max_bytes`, least recently used dropped first); answers larger than `max_answer`
are not kept. One per server process (with `--workers N`, one per worker).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

MAX_BYTES = 64 * 1024 * 1024
MAX_ANSWER = 2 * 1024 * 1024


class AnswerCache:
    def __init__(self, state: Callable[[], Hashable], *, fixed_state: bool,
                 max_bytes: int = MAX_BYTES, max_answer: int = MAX_ANSWER) -> None:
        self._read_state = state
        self._fixed = fixed_state
        self._state: Hashable | None = None
        self.max_bytes = max_bytes
        self.max_answer = max_answer
        self._answers: OrderedDict[Hashable, tuple[bytes, str]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def state(self) -> Hashable:
        """The store's state now (read once when it cannot change)."""
        if self._fixed:
            if self._state is None:
                self._state = self._read_state()
            return self._state
        return self._read_state()

    def known_state(self) -> Hashable | None:
        """The state without asking the store, when it is fixed and already read."""
        return self._state if self._fixed else None

    def get(self, key: Hashable) -> tuple[bytes, str] | None:
        with self._lock:
            found = self._answers.get(key)
            if found is not None:
                self._answers.move_to_end(key)
            return found

    def put(self, key: Hashable, body: bytes, media_type: str) -> None:
        if len(body) > min(self.max_answer, self.max_bytes):
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = (body, media_type)
            self._bytes += len(body)
            while self._bytes > self.max_bytes and self._answers:
                _, (dropped, _) = self._answers.popitem(last=False)
                self._bytes -= len(dropped)
