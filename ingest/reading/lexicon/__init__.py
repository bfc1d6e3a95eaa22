"""Word lists and patterns a curator reviews, kept as data beside the code that reads notices.

Each file holds one piece of knowledge, once: `name_particles.txt` (words that belong to a family
name), `publishers.tsv` (how a notice names its publisher, in its furniture and as an actor in its prose),
`legal_forms.txt` (the "Ltd", "GmbH" a publisher's name may end with, which do not tell publishers apart),
`title_function_words.txt` (the words an abbreviated journal title leaves out), `notice_heading_words.txt`
(the words of a notice's own headline, which an article's title does not have)
and `page_furniture.toml` (the publisher boilerplate that states nothing, with where each pattern applies).
Comment lines start with `#`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
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
def legal_forms() -> tuple[str, ...]:
    """The legal-form words a publisher's name may end with, as written ("Ltd", "B.V.", "& Co")."""
    return tuple(line.strip() for line in _lines("legal_forms.txt"))


@cache
def title_function_words() -> frozenset[str]:
    """The words an abbreviated journal title leaves out ("of", "the", "and"), folded."""
    return frozenset(line.strip() for line in _lines("title_function_words.txt"))


@cache
def notice_heading_words() -> re.Pattern[str]:
    """Finds a word of a notice's own headline ("statement", "editors") in a title."""
    words = [re.escape(line.strip().rstrip("*")) + (r"\w*" if line.strip().endswith("*") else "")
             for line in _lines("notice_heading_words.txt")]
    return re.compile(rf"\b(?:{'|'.join(words)})\b", re.I)


@dataclass(frozen=True)
class Publisher:
    pattern: re.Pattern[str] | None  # finds the publisher in a notice's text; None: named in metadata only
    name: str
    cues: tuple[str, ...]  # one of them is in every text the pattern matches
    actor: str  # how prose names it as an agent (a case-insensitive expression), or ""
    spellings: tuple[str, ...]  # other names sources' metadata give it


@cache
def publishers() -> tuple[Publisher, ...]:
    """The publishers in the order they are tried."""
    rows = [line.split("\t") for line in _lines("publishers.tsv")]
    return tuple(Publisher(None if pattern == "-" else re.compile(pattern), name,
                           () if cues == "-" else tuple(cues.split(",")), "" if actor == "-" else actor,
                           () if spellings == "-" else tuple(spellings.split(",")))
                 for pattern, name, cues, actor, spellings in rows)


def publisher_actors() -> str:
    """An expression of every publisher's name as prose names it acting (the alternatives, in table order)."""
    return "|".join(p.actor for p in publishers() if p.actor)


FURNITURE_PLACES = ("sentence", "line", "line-start")


@cache
def _furniture_rows() -> tuple[dict, ...]:
    rows = tomllib.loads((HERE / "page_furniture.toml").read_text(encoding="utf-8"))["furniture"]
    for row in rows:
        unknown = set(row["where"]) - set(FURNITURE_PLACES)
        if unknown:
            raise ValueError(f"page_furniture.toml: pattern {row['pattern']!r} applies to unknown places {unknown}")
    return tuple(rows)


@cache
def page_furniture(where: str) -> re.Pattern[str]:
    """One expression of every furniture pattern that applies `where` ("sentence", "line", "line-start":
    anchored at the start of the text it is matched against)."""
    alternatives = "|".join(row["pattern"] for row in _furniture_rows() if where in row["where"])
    return re.compile(f"^(?:{alternatives})" if where == "line-start" else alternatives, re.I)


@cache
def furniture_cues(where: str) -> tuple[str, ...]:
    """Lower-case strings one of which every match of `page_furniture(where)` holds (a cheap test first)."""
    return tuple(dict.fromkeys(cue for row in _furniture_rows() if where in row["where"] for cue in row["cues"]))
