"""How many requests of one costly kind run at once (searches, pages drawn from the whole graph, feed
pages, dumps): beyond that, 429 with Retry-After at once rather than a queue, so that a flood of one
kind never holds the threads and query processes every other request needs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from fastapi import Request

from retractkg.api.errors import ProblemError


@dataclass
class Slots:
    what: str  # plural, for the message: "searches"
    size: int
    retry_after: int = 2
    _free: threading.BoundedSemaphore = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._free = threading.BoundedSemaphore(self.size)

    def take(self) -> None:
        """Take a slot, or raise the 429 problem; give it back with `release`."""
        if not self._free.acquire(blocking=False):
            raise ProblemError(429, "overloaded", f"{self.size} {self.what} are running already; retry later",
                               headers={"Retry-After": str(self.retry_after)})

    def release(self) -> None:
        self._free.release()

    @contextmanager
    def held(self) -> Iterator[None]:
        self.take()
        try:
            yield
        finally:
            self.release()


def default_slots() -> dict[str, Slots]:
    """The app's limits, made once in `create_app`."""
    return {"search": Slots("searches", 4), "page": Slots("pages drawn from the whole graph", 8),
            "feed": Slots("change feed pages", 8), "dump": Slots("dumps", 2, retry_after=30)}


def slots(request: Request, kind: str) -> Slots:
    return request.app.state.route_slots[kind]
