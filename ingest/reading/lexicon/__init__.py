"""Word lists and patterns a curator reviews, kept as data beside the code that reads notices.

Each file holds one piece of knowledge, once: `name_particles.txt` (words that belong to a family
name) and `publishers.tsv` (how a notice names its publisher). Comment lines start with `#`.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _lines(name: str) -> list[str]:
    text = (HERE / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def name_particles() -> frozenset[str]:
    """Lower-case words kept with the family name ("van", "dos", "bin")."""
    return frozenset(line.strip() for line in _lines("name_particles.txt"))


@cache
def publishers() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, publisher's name) in the order they are tried."""
    rows = [line.split("\t") for line in _lines("publishers.tsv")]
    return tuple((re.compile(pattern), name) for pattern, name in rows)
