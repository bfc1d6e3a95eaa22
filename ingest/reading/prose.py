"""Sentences of a notice with their offsets, less the publisher boilerplate that is never a statement.

The reason, nature and actor finders all read a notice sentence by sentence and quote the sentence
as evidence, so they share one splitter: offsets always index the original text (`text[s:e]`), and
sentence ends that are really abbreviations ("Figs. 4c", "et al.", "Dr.", initials) are not splits.
A blank line is a split unless the next paragraph continues in lower case (a PDF page-break artefact,
as in the seed notice's "Figs. 3m and 4c\\n\\nand g and 7c").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from retractkg.ingest.model import Span
from retractkg.ingest.reading.lexicon import furniture_cues, page_furniture

_ABBREVIATIONS = {
    "fig", "figs", "al", "dr", "prof", "no", "nos", "vol", "vols", "eg", "ie", "vs", "mr", "mrs", "ms", "st",
    "ref", "refs", "approx", "cf", "jr", "sr", "inc", "ltd", "co", "pp", "p", "eq", "eqs", "suppl", "dept",
    "univ", "ed", "eds", "sec", "ch", "resp", "etc", "tab", "tabs", "ca", "viz", "corp", "med", "sci",
}

# A candidate end: terminal punctuation (optionally closing quotes/brackets) then space, or a line break.
# Also "...the same time.In light of..." (a word, a stop and a capitalised word glued: sources that lost spaces).
_BOUNDARY = re.compile(r"[.!?][\"”’')\]]*(?=\s)|(?<=[a-z)\]])[.!?](?=[A-Z][a-z])|\n[ \t]*\n"
                       r"|\n(?=[ \t]*(?:[-•*]|\d+[.)]\s))")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?[\"”’')\]]*$")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str

    def span(self) -> Span:
        return Span(self.start, self.end, self.text)


@lru_cache(maxsize=32)
def sentences(text: str) -> tuple[Sentence, ...]:
    """Split `text` into trimmed sentences whose offsets index `text` exactly.

    Cached: the reason, nature and actor finders each read the same notice.
    """
    found: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if m.group().startswith((".", "!", "?")):
            if not _ends_sentence(text, m.start(), end):
                continue
        elif _continues_in_lower_case(text, end):
            continue
        _add(found, text, start, end)
        start = end
    _add(found, text, start, len(text))
    return tuple(found)


def _ends_sentence(text: str, dot: int, end: int) -> bool:
    if text[dot] != ".":
        return True
    if dot >= 2 and text[dot - 2] == ".":  # "e.g.", "i.e.", "U.S."
        return False
    before = _WORD_BEFORE.search(text, max(0, dot - 20), dot + 1)
    if before:
        word = before.group(1)
        if word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper()):
            return False
    nxt = re.match(r"\s+(\S)", text[end:end + 8])
    return not (nxt and (nxt.group(1).islower() or nxt.group(1) in ",;:"))


def _continues_in_lower_case(text: str, end: int) -> bool:
    nxt = re.match(r"\s*(\S)", text[end:end + 40])
    return bool(nxt and nxt.group(1).islower())


def _add(found: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    left = len(chunk) - len(chunk.lstrip())
    right = len(chunk.rstrip())
    if right > left:
        found.append(Sentence(start + left, start + right, chunk[left:right]))


_BOILERPLATE = page_furniture("sentence")
_BOILERPLATE_CUES = furniture_cues("sentence")  # most sentences are cleared without the expression


def is_boilerplate(sentence: str) -> bool:
    """Licence, copyright and neutrality text that publishers attach to every notice (`lexicon/page_furniture.toml`)."""
    lower = sentence.lower()
    return any(w in lower for w in _BOILERPLATE_CUES) and bool(_BOILERPLATE.search(sentence))


@lru_cache(maxsize=32)
def statements(text: str) -> tuple[Sentence, ...]:
    """The sentences of a notice that can carry a statement (boilerplate left out)."""
    return tuple(s for s in sentences(text) if not is_boilerplate(s.text))
