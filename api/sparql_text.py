"""What the endpoint reads from a query's text before the engine runs it: SERVICE, and the FROM dataset.

The text is cut into the terminals of the SPARQL 1.1 grammar (section 19.8) that can hide other text:
IRIs, the four kinds of strings, comments (to the end of a line: LF or CR), and prefixed names whose
local part may hold `\\`-escapes (PN_LOCAL_ESC, such as `ex:a\\#b` or `ex:a\\'b`) and `%xx`. Whatever
is left is keywords, variables and punctuation. A SERVICE keyword anywhere outside those terminals
refuses the query. This is the readable refusal; what makes federation impossible is that queries
run in processes that cannot open a network socket (`retractkg.api.query_worker`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from urllib.parse import urljoin

_PN_CHARS_BASE = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d" \
                 "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
_PN_CHARS = _PN_CHARS_BASE + "_0-9\u00b7\u0300-\u036f\u203f-\u2040-"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"

TOKEN = re.compile(
    r'(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\')'
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r'|(?P<comment>#[^\r\n]*)'
    r'|(?P<var>[?$][' + _PN_CHARS + r']+)'
    # PNAME_NS / PNAME_LN (and blank node labels, `_:b`): the local part may hold escapes and %xx.
    r'|(?P<pname>(?:[' + _PN_CHARS_BASE + r'](?:[' + _PN_CHARS + r'.]*[' + _PN_CHARS + r'])?)?:'
    r'(?:(?:[' + _PN_CHARS + r':]|' + _PLX + r')(?:[' + _PN_CHARS + r'.:]|' + _PLX + r')*)?)'
    r'|(?P<word>[A-Za-z_][A-Za-z_0-9]*)',
    re.DOTALL,
)


def tokens(query: str) -> Iterator[tuple[str, str]]:
    """(kind, text) of each terminal that matters here, in order; punctuation and numbers are skipped."""
    for match in TOKEN.finditer(query):
        kind = match.lastgroup
        assert kind is not None
        yield kind, match.group()


def uses_service(query: str) -> bool:
    """True if the query has a SERVICE clause (federation would make this server fetch remote data)."""
    # A keyword token is its letters as written: a text without them has none (cutting a point lookup
    # into tokens cost a tenth of its answer's time).
    if "service" not in query.lower():
        return False
    return any(kind == "word" and text.upper() == "SERVICE" for kind, text in tokens(query))


class UnreadableDataset(ValueError):
    """A FROM clause names its graph with a prefix the query does not declare."""


def from_dataset(query: str, base_iri: str,
                 predeclared: Mapping[str, str] | None = None) -> tuple[list[str], list[str]] | None:
    """The graphs of the query's own FROM and FROM NAMED clauses, as absolute IRIs; None without any.

    Prefixed names are expanded with the query's PREFIX declarations (else the endpoint's
    `predeclared` ones) and relative IRIs resolved against its BASE (else `base_iri`), as the engine does.
    """
    if "from" not in query.lower():  # as in `uses_service`: no FROM keyword without its letters
        return None
    found: tuple[list[str], list[str]] = ([], [])
    prefixes: dict[str, str] = dict(predeclared or {})
    base = base_iri
    words = [(kind, text) for kind, text in tokens(query) if kind != "comment"]
    for i, (kind, text) in enumerate(words):
        if kind != "word":
            continue
        keyword = text.upper()
        following = words[i + 1:i + 4]
        if keyword == "BASE" and following and following[0][0] == "iri":
            base = urljoin(base, following[0][1][1:-1])
        elif keyword == "PREFIX" and len(following) >= 2 and following[0][0] == "pname" and following[1][0] == "iri":
            prefixes[following[0][1].rstrip(":")] = urljoin(base, following[1][1][1:-1])
        elif keyword == "FROM" and following:
            named = following[0][0] == "word" and following[0][1].upper() == "NAMED"
            target = following[1] if named and len(following) > 1 else following[0]
            found[1 if named else 0].append(_graph_iri(target, prefixes, base))
    return found if found[0] or found[1] else None


def _graph_iri(token: tuple[str, str], prefixes: dict[str, str], base: str) -> str:
    kind, text = token
    if kind == "iri":
        return urljoin(base, text[1:-1])
    if kind == "pname":
        prefix, _, local = text.partition(":")
        if prefix not in prefixes:
            raise UnreadableDataset(f"FROM names a graph with the undeclared prefix {prefix!r}:")
        return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    raise UnreadableDataset(f"FROM is not followed by a graph IRI (found {text!r})")
