"""Field values of a notice as candidates, and one precedence table that decides between them.

Several readings of a notice can give one field a value: the page's metadata, the title block, a
"Citation:" line, an explicit "original article is available at" pointer, a reference the notice cites as
"this article [1]"... Each reading *proposes* a candidate (field, value, strategy, offset in the text);
`field_precedence.toml` ranks the strategies of each field, strongest first, and the field holds the
strongest candidate proposed so far. A reading may also *withdraw* a field's candidates, with its reason
("the title is a citation of the notice, not a title"). `Fields.explain()` tells, per field, which candidate
won and which lost, and why.

The notice and article objects always hold the current winners, so a reading that looks at a field
("no DOI yet?") sees the value the table has chosen so far.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from retractkg.ingest.model import Article, Notice

TABLE = Path(__file__).with_name("field_precedence.toml")
SOURCE = "source"  # what the notice held before its text was read (a page's metadata): a strategy like the others


@dataclass(frozen=True)
class Candidate:
    field: str
    value: Any
    strategy: str
    at: int | None = None  # offset in the notice's text where the reading found it, when it has one
    detail: str = ""


@dataclass
class Decision:
    """One field: the candidate that won (None: no value), the ones that lost, and the ones withdrawn."""

    field: str
    winner: Candidate | None
    losers: list[Candidate] = field(default_factory=list)
    withdrawn: list[tuple[Candidate, str]] = field(default_factory=list)


@cache
def precedence() -> dict[str, tuple[str, ...]]:
    """Per field, its strategies from the strongest; every strategy that proposes a field must be listed."""
    data = tomllib.loads(TABLE.read_text(encoding="utf-8"))
    return {name: tuple(strategies) for name, strategies in data["fields"].items()}


class Fields:
    """The candidates of one notice's fields; the notice and its article hold the winners."""

    def __init__(self, notice: Notice, article: Article) -> None:
        self._roots = {"notice": notice, "article": article}
        self._ranks = {name: {s: i for i, s in enumerate(order)} for name, order in precedence().items()}
        self._candidates: dict[str, list[Candidate]] = {}
        self._withdrawn: dict[str, list[tuple[Candidate, str]]] = {}
        for name in self._ranks:
            value = self._get(name)
            if value:
                self._candidates[name] = [Candidate(name, value, SOURCE)]

    @property
    def notice(self) -> Notice:
        return self._roots["notice"]

    @property
    def article(self) -> Article:
        return self._roots["article"]

    def propose(self, name: str, value: Any, strategy: str, at: int | None = None, detail: str = "") -> None:
        """A candidate for field `name`; the field then holds the strongest one (the earliest of equals)."""
        if not value:
            return
        ranks = self._ranks[name]
        if strategy not in ranks:
            raise KeyError(f"{TABLE.name}: strategy {strategy!r} is not ranked for field {name!r}")
        found = self._candidates.setdefault(name, [])
        found.append(Candidate(name, value, strategy, at, detail))
        self._set(name, min(found, key=lambda c: ranks[c.strategy]).value)

    def withdraw(self, name: str, reason: str) -> None:
        """Every candidate of `name` so far is set aside (the field is empty until another is proposed)."""
        self._withdrawn.setdefault(name, []).extend((c, reason) for c in self._candidates.pop(name, []))
        self._set(name, [] if isinstance(self._get(name), list) else "")

    def explain(self) -> dict[str, Decision]:
        """Per field with any candidate, the winner first, then the losers in order of precedence."""
        decisions = {}
        for name in self._ranks:
            found = sorted(self._candidates.get(name, []), key=lambda c: self._ranks[name][c.strategy])
            withdrawn = self._withdrawn.get(name, [])
            if found or withdrawn:
                decisions[name] = Decision(name, found[0] if found else None, found[1:], withdrawn)
        return decisions

    def _owner(self, name: str) -> tuple[Any, str]:
        root, *path, attribute = name.split(".")
        owner = self._roots[root]
        for step in path:
            owner = getattr(owner, step)
        return owner, attribute

    def _get(self, name: str) -> Any:
        owner, attribute = self._owner(name)
        return getattr(owner, attribute)

    def _set(self, name: str, value: Any) -> None:
        owner, attribute = self._owner(name)
        setattr(owner, attribute, value)
