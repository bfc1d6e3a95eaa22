"""Figures, tables and supplementary items a notice names as affected, normalised ("Fig. 3m", "Table 2").

Lists are read as written: "Figs. 4c, 7h and 7j", "Figs. 3m and 4c and g and 7c" (the bare "g" is a
panel of the figure before it), "Figs. 3A-F" (a range of panels). Items that belong to another work
("Figure 2a of a previous article [1]", "Fig. 2B" inside a parenthesised citation) are left out.
"""

from __future__ import annotations

import re

_KEY = re.compile(
    r"\b(?P<supp>(?:Supplementary|Suppl\.|Supplemental|Supporting(?:\s+Information)?)\s+)?"
    r"(?P<word>Fig(?:ure)?s?\.?|Tables?|Movies?|Videos?)(?=\s*\(?S?\d)", re.I)
_PLOS_KEY = re.compile(r"\b(?P<num>S\d+)\s+(?P<word>Fig|Table|File|Dataset|Video|Movie)\b")
_ITEM = re.compile(r"\s*\(?(?P<num>S?\d{1,3})(?![\d.]\d)(?P<panels>(?:[A-Za-z](?:\s*[-–]\s*[A-Za-z])?(?![A-Za-z]))"
                   r"(?:\s*,\s*[A-Za-z](?![A-Za-z])(?!\s*\d))*)?\)?")
_SEPARATOR = re.compile(r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*/\s*)")
_BARE_PANEL = re.compile(r"\(?(?P<panel>[A-Za-z])\)?(?=\s*(?:[,;.)]|and\b|&|$))")
_FOREIGN = re.compile(
    r"\s*(?:of|in|from)\s+(?:(?:a|an|the|another|their|our|this)\s+)?(?:previous|earlier|prior|other|another|"
    r"different|article|paper|publication|study|manuscript|\[\d|ref)", re.I)
_COUNTED = re.compile(
    r"\s+(?:other\s+)?(?:panels?|images?|figures?|times|authors?|days|weeks|cases|samples|of\s+the)\b")
_CITATION_BEFORE = re.compile(r"\bdoi\b(?:(?!\.\s)[^()\n])*$", re.I)
_NORMAL_WORD = {"fig": "Fig.", "figure": "Fig.", "figs": "Fig.", "figures": "Fig.", "table": "Table",
                "tables": "Table", "movie": "Movie", "movies": "Movie", "video": "Video", "videos": "Video"}


def _panels(written: str) -> list[str]:
    panels: list[str] = []
    for part in re.split(r"\s*,\s*", written.strip()):
        m = re.fullmatch(r"([A-Za-z])\s*[-–]\s*([A-Za-z])", part)
        if m and m[1].islower() == m[2].islower() and 0 < ord(m[2]) - ord(m[1]) <= 12:
            panels.extend(chr(c) for c in range(ord(m[1]), ord(m[2]) + 1))
        elif part:
            panels.append(part)
    return panels


def _read_list(text: str, pos: int) -> tuple[list[tuple[str, str]], int]:
    """(number, panel) items of the list starting at `pos`, and where the list ends."""
    items: list[tuple[str, str]] = []
    m = _ITEM.match(text, pos)
    while m:
        number = m["num"]
        panels = _panels(m["panels"] or "")
        items.extend((number, p) for p in panels or [""])
        pos = m.end()
        while True:
            sep = _SEPARATOR.match(text, pos)
            if not sep:
                return items, pos
            bare = _BARE_PANEL.match(text, sep.end())
            if bare and items and items[-1][1] and items[-1][1].islower() == bare["panel"].islower():
                items.append((items[-1][0], bare["panel"]))
                pos = bare.end()
                continue
            break
        m = _ITEM.match(text, sep.end())
        if m and (not m.group().strip() or _COUNTED.match(text, m.end())):
            break  # "Figure 2a and 1 panel": a count, not a figure
    return items, pos


def affected_items(text: str) -> list[str]:
    """The items named in `text`, normalised and in natural order, each once."""
    found: dict[str, tuple] = {}
    for key in _KEY.finditer(text):
        if _CITATION_BEFORE.search(text, max(0, key.start() - 120), key.start()):
            continue
        items, end = _read_list(text, key.end())
        if not items or _FOREIGN.match(text, end):
            continue
        word = _NORMAL_WORD.get(key["word"].lower().rstrip("."), "Fig.")
        prefix = "Supplementary " if key["supp"] else ""
        for number, panel in items:
            found.setdefault(f"{prefix}{word} {number}{panel}", (prefix, word, _natural(number), panel))
    for key in _PLOS_KEY.finditer(text):
        found.setdefault(f"{key['num']} {key['word']}", ("S", key["word"], _natural(key["num"]), ""))
    return sorted(found, key=found.__getitem__)


def _natural(number: str) -> tuple[str, int]:
    digits = re.sub(r"\D", "", number)
    return (re.sub(r"\d", "", number), int(digits) if digits else 0)
