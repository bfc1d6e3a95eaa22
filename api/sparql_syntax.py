"""Syntax errors a person can act on: the line and column of the problem, that line with a caret under
it, and the engine's expectation without its character classes.

The engine (pyoxigraph's SPARQL parser) reports `error at LINE:COLUMN: expected one of ...`, where the
list spells out Unicode ranges of the grammar: a missing `PREFIX` reads as a wall of them. Here an
undeclared prefix is named instead, and other expectations keep their keywords only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from retractkg.api.sparql_text import TOKEN

_AT = re.compile(r"error at (\d+):(\d+):?\s*(.*)", re.DOTALL)
# A character class of the grammar, as the engine prints it: ['a' ..= 'z' | '_'] (quoted characters may be `]`).
_CHARACTER_CLASS = re.compile(r"\[(?:'(?:[^'\\]|\\.)*'|[^\]'])*\]")


def locate_syntax_error(query: str, message: str, predeclared: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    """The problem's `detail` and its extension members (`line`, `column`, `excerpt`) for an engine message
    about `query` (positions already in the user's lines); without a position, the message as it is."""
    found = _AT.search(message)
    if found is None:
        return f"SPARQL syntax error: {message}", {}
    line, column, expected = int(found.group(1)), int(found.group(2)), found.group(3)
    explanation = _readable(expected)
    if "Prefix not found" in expected:
        undeclared = _undeclared_prefix(query, predeclared)
        if undeclared is not None:
            name, line, column = undeclared
            explanation = (f"the prefix {name}: is not declared; add PREFIX {name}: <...> "
                           f"(declared here without PREFIX: {', '.join(p + ':' for p in predeclared)})")
    lines = query.splitlines() or [""]
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    excerpt = f"{text}\n{' ' * (max(column, 1) - 1)}^"
    detail = f"SPARQL syntax error: error at {line}:{column} (line {line}, column {column}): {explanation}"
    return detail, {"line": line, "column": column, "excerpt": excerpt}


def _readable(expected: str) -> str:
    kept = [part.strip() for part in _CHARACTER_CLASS.sub("", expected).removeprefix("expected").split(",")]
    words = [part.removeprefix("one of").strip() for part in kept]
    words = [w for w in words if w and w != "Prefix not found"]
    return f"expected {', '.join(words)}" if words else "unexpected character here"


def _undeclared_prefix(query: str, predeclared: Mapping[str, str]) -> tuple[str, int, int] | None:
    """The first prefixed name whose prefix neither the query nor the endpoint declares, with its line and column."""
    declared = set(predeclared)
    after_prefix = False
    for match in TOKEN.finditer(query):
        kind, text = match.lastgroup, match.group()
        if kind == "word":
            after_prefix = text.upper() == "PREFIX"
            continue
        if kind == "pname" and not text.startswith("_:"):
            name = text.partition(":")[0]
            if after_prefix:
                declared.add(name)
            elif name not in declared:
                before = query[:match.start()]
                return name, before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1
        after_prefix = False
    return None
