"""One date for a notice that sources date differently (two Retraction Watch rows giving one notice DOI two
dates): the earliest, a date known to the month or the year alone counting as the last day it may be ("2020"
and "2020-05-03" give "2020-05-03"; "2019" and "2020-01-05" give "2019"), equal keys by the least value.

Each record's graph keeps the date its source states (`schema:datePublished`: provenance); ingest states the
year of this one date as `rkg:year` and `rkg:yearNature` in every record of the notice, and lists, search
facets and pages show it. Ingest and the API both decide it here, below both, importing nothing of ours.
"""

from __future__ import annotations

from collections.abc import Iterable


def date_key(value: str) -> str:
    """What dates are compared by: the ISO date, its unknown month and day read as the latest ("2020-99-99")."""
    day = value.strip()[:10]
    return day + "-99-99"[len(day) - 4:] if len(day) < 10 else day


def earliest(dates: Iterable[str]) -> str:
    """The notice's one date among those its sources give ("" for none)."""
    return min(dates, key=lambda value: (date_key(value), value), default="")
