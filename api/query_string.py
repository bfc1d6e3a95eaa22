"""A URL query string's parameters, as `urllib.parse.parse_qsl(raw.decode("latin-1"), keep_blank_values=True)`
gives them, read faster for the lookups' hot path (`api/sparql.py`, `SparqlLookups`).

A SPARQL query in a URL is mostly %-escapes, and the standard library decodes them one at a time in Python
(a fifth of a lookup's time in the app's process). Here the whole value is decoded at once in C: `%XX`
becomes the `\\xXX` escape that `codecs.escape_decode` reads. That holds only for a string of ASCII without
backslashes (no other escape can then arise) and well-formed escapes (else `escape_decode` raises);
anything else takes the standard library's way, so the result is the same for every input.

Bytes are searched with `find`, not `in`: `b"%" in part` first tries the needle as an integer, and the
TypeError it raises and drops cost each test more than the search itself.
"""

from __future__ import annotations

import codecs
from urllib.parse import parse_qsl


def query_parameters(raw: bytes) -> list[tuple[str, str]]:
    """The (name, value) pairs of a raw query string, blank values kept, in order."""
    if not raw.isascii() or raw.find(b"\\") >= 0:
        return _standard(raw)
    pairs = []
    try:
        for field in raw.split(b"&"):
            if field:
                name, _, value = field.partition(b"=")
                pairs.append((_unquote(name), _unquote(value)))
    except ValueError:  # a '%' without two hex digits, which the standard library keeps as it is
        return _standard(raw)
    return pairs


def _unquote(part: bytes) -> str:
    if part.find(b"%") < 0 and part.find(b"+") < 0:
        return part.decode("ascii")
    decoded, _ = codecs.escape_decode(part.replace(b"+", b" ").replace(b"%", b"\\x"))
    return decoded.decode("utf-8", "replace")


def _standard(raw: bytes) -> list[tuple[str, str]]:
    return parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
