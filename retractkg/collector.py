"""Building large, long-lived indexes without Python's cycle collector walking them again and again.

The identity pre-pass (`ingest.pipeline.people_of`) builds millions of small objects (mentions, keys, evidence
sets) that all live on; so does a rebuild of the search index (`store.text_index.rebuild`: every statement it
reads, as pairs of strings, and the dictionaries joined from them). Each full collection walks every one of them,
and full collections come each time the old objects grow by a quarter: on the full-size export, 15 of them plus
600 middle ones were a quarter of the pre-pass's CPU time, and 15 plus 545 cost the index rebuild 2.9 s. They
hold no reference cycles, so nothing is lost by not looking for cycles while they are built; once built,
collection is as it was.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def without_cycle_collection(build: Callable[P, R]) -> Callable[P, R]:
    """`build` run with the cycle collector off (reference counting still frees what it drops), then restored
    as it was, also when `build` raises."""

    @functools.wraps(build)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return build(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return run
