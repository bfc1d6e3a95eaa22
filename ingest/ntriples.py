"""N-Triples string escaping, shared by the mapping and the people index (which writes its evidence graphs)."""

from __future__ import annotations

# N-Triples string escapes, exactly as pyoxigraph prints literals (so content hashes stay comparable).
_ESCAPES = {i: f"\\u{i:04X}" for i in (*range(0x20), 0x7F)}
_ESCAPES.update({0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r",
                 ord('"'): '\\"', ord("\\"): "\\\\"})


def escape(text: str) -> str:
    """`text` as the inside of an N-Triples string; almost all text needs no escape, which is tested first
    (three C scans cost a fraction of `str.translate`, which looks every character up in a dict)."""
    if text.isprintable() and '"' not in text and "\\" not in text:  # no control character, quote or backslash
        return text
    return text.translate(_ESCAPES)
