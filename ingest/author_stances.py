"""Each author's stated position on a notice: agrees, disagrees, did not respond, unreachable, deceased.

Notices state it per name ("Giorgio Ivan Russo agrees to this retraction. Alessandra Bitto and
Giuseppe Morgia disagree ...", "The Publisher was unable to contact Mariagrazia Rinaldi", "...
have passed away") or for all ("Junjie Liu has stated on behalf of all authors that they agree",
"All the authors agree to this retraction", "The authors did not respond"). Every stance keeps
the sentence that states it as evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retractkg.ingest.iris import fold
from retractkg.ingest.model import Person, Span, Stance

# A name token: a capitalised word or an initial ("P."), never a word ending a sentence ("Pizzino.").
_TOKEN = r"[A-Z](?:[a-z]?\.|[\w'’-]*[\w'’])"
_NAME = (rf"(?:(?:Dr|Prof|Professor|Mr|Mrs|Ms)\.?\s+)?{_TOKEN}"
         rf"(?:\s+(?:{_TOKEN}|van|von|de|der|da|di|del|le|la|bin|al|el))*")
_NAMES = rf"(?P<names>{_NAME}(?:\s*,\s*(?:and\s+)?{_NAME})*(?:,?\s+and\s+{_NAME})?)"
_RETRACTION = r"(?:this|the)\s+(?:retraction|notice|decision|withdrawal|expression\s+of\s+concern)"
_ALL = r"(?:All\s+(?:of\s+)?(?:the\s+)?(?:co-?)?authors|The\s+(?:co-?)?authors|Both\s+authors|The\s+author)"

# (stance, pattern, applies to everyone) in the order they are tried; "disagree" before "agree".
_PER_NAME = [
    (Stance.DISAGREES, rf"{_NAMES}\s+(?:disagrees?|do(?:es)?\s+not\s+agree|did\s+not\s+agree|ha(?:s|ve)\s+not\s+agreed"
                       rf"|object(?:s|ed)?)\s+(?:to|with)\s+{_RETRACTION}"),
    (Stance.AGREES, rf"{_NAMES}\s+(?:(?:has|have|had)\s+)?(?:agrees?|agreed|consent(?:s|ed)?)\s+(?:to|with)\s+"
                    rf"{_RETRACTION}"),
    (Stance.NO_RESPONSE, rf"{_NAMES}\s+(?:did|have|has|had)\s+not\s+(?:respond(?:ed)?|repl(?:y|ied))"),
    (Stance.UNREACHABLE, rf"(?:unable|not\s+able)\s+to\s+(?:contact|reach)\s+{_NAMES}"),
    (Stance.UNREACHABLE, rf"{_NAMES}\s+could\s+not\s+be\s+(?:reached|contacted)"),
    (Stance.DECEASED, rf"{_NAMES}\s+(?:ha(?:s|ve)\s+)?(?:since\s+)?(?:passed\s+away|died)"),
    (Stance.DECEASED, rf"{_NAMES}\s+(?:is|are|was|were)\s+deceased"),
]
_FOR_ALL = [
    (Stance.AGREES, rf"(?:{_NAME}\s+)?(?:has|have)\s+stated\s+on\s+behalf\s+of\s+all\s+(?:the\s+)?(?:co-?)?authors\s+"
                    rf"that\s+they\s+agree"),
    (Stance.DISAGREES, rf"{_ALL}\s+(?:disagree|do\s+not\s+agree|did\s+not\s+agree)\s+(?:to|with)\s+{_RETRACTION}"),
    (Stance.AGREES, rf"{_ALL}\s+(?:(?:have|had|did)\s+)?(?:agree|agreed|consented)\s+(?:to|with)\s+{_RETRACTION}"),
    (Stance.AGREES, r"with\s+the\s+agreement\s+of\s+(?:all\s+)?the\s+authors"),
    (Stance.NO_RESPONSE, rf"{_ALL}\s+(?:either\s+)?(?:did|have|has)\s+not\s+(?:respond(?:ed)?|repl(?:y|ied))"),
    (Stance.NO_RESPONSE, r"None\s+of\s+the\s+authors\s+(?:responded|replied)"),
]
_REMAINING_UNREACHABLE = re.compile(
    r"(?:unable|not\s+able)\s+to\s+(?:confirm\s+(?:current\s+)?contact\s+details|contact|reach)\s+(?:for\s+)?"
    r"the\s+remaining\s+authors")
# Each pattern runs only on text that has its keyword: most notices state no stance at all.
_PER_NAME_RE = [(stance, re.compile(p), re.compile(k)) for (stance, p), k in zip(_PER_NAME, (
    r"agree|object", r"agree|consent", r"not\s+(?:respond|repl)", r"able\s+to\s+(?:contact|reach)",
    r"could\s+not\s+be", r"passed\s+away|died", r"deceased"), strict=True)]
_FOR_ALL_RE = [(stance, re.compile(p), re.compile(k)) for (stance, p), k in zip(_FOR_ALL, (
    r"on\s+behalf", r"agree", r"agree|consent", r"agreement", r"not\s+(?:respond|repl)", r"None\s+of"), strict=True)]
_NOT_NAMES = {"the", "all", "both", "these", "those", "editor", "editors", "publisher", "journal", "authors",
              "author", "we", "they", "he", "she", "it", "this", "following", "further", "however", "editorial"}


@dataclass
class StatedStance:
    name: str  # "" when the stance is stated for all authors
    stance: Stance
    evidence: Span


def _sentence(text: str, start: int, end: int) -> Span:
    """The sentence around [start, end): from the previous full stop or paragraph break to the next one."""
    left = max([0] + [i + 2 for i in (text.rfind(". ", 0, start), text.rfind(".\n", 0, start),
                                      text.rfind("\n\n", 0, start)) if i >= 0])
    stop = _SENTENCE_END.search(text, end)
    right = stop.end() if stop else len(text)
    while left < right and text[left].isspace():
        left += 1
    return Span(left, right, text[left:right])


_SENTENCE_END = re.compile(r"\.(?=\s|$)|\n\n")


def _split_names(written: str) -> list[str]:
    names = []
    for name in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", written):
        name = re.sub(r"^(?:Dr|Prof|Professor|Mr|Mrs|Ms)\.?\s+", "", name.strip())
        tokens = name.split()
        if len(tokens) >= 2 and tokens[0].lower() not in _NOT_NAMES and not any(t.lower() in _NOT_NAMES
                                                                                  for t in tokens[-1:]):
            names.append(name)
    return names


def stated_stances(text: str) -> list[StatedStance]:
    """Every stance stated in `text`, per name or for all authors, with its sentence."""
    found: list[StatedStance] = []
    taken: list[tuple[int, int]] = []
    for stance, pattern, keyword in _PER_NAME_RE:
        if not keyword.search(text):
            continue
        for m in pattern.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            names = _split_names(m["names"])
            if names:
                taken.append((m.start(), m.end()))
                evidence = _sentence(text, m.start(), m.end())
                found.extend(StatedStance(name, stance, evidence) for name in names)
    for stance, pattern, keyword in _FOR_ALL_RE:
        if not keyword.search(text):
            continue
        for m in pattern.finditer(text):
            if not any(s <= m.start() < e for s, e in taken):
                taken.append((m.start(), m.end()))
                found.append(StatedStance("", stance, _sentence(text, m.start(), m.end())))
    for m in _REMAINING_UNREACHABLE.finditer(text):
        found.append(StatedStance("*remaining", Stance.UNREACHABLE, _sentence(text, m.start(), m.end())))
    return found


def _same_person(written: str, person: Person) -> bool:
    a, b = fold(written), fold(person.name)
    if a == b:
        return True
    ta, tb = a.split(), b.split()
    # "G. I. Russo" or "Russo GI" against "Giorgio Ivan Russo": same family name and first initial.
    return bool(ta and tb) and ta[-1] == tb[-1] and ta[0][0] == tb[0][0]


def apply_stances(stances: list[StatedStance], authors: list[Person]) -> list[Person]:
    """Set each author's stance; names not in the byline are returned as new persons (byline unknown)."""
    extra: list[Person] = []
    named = [s for s in stances if s.name and not s.name.startswith("*")]
    for stated in named:
        person = next((p for p in [*authors, *extra] if _same_person(stated.name, p)), None)
        if person is None:
            person = Person(name=stated.name)
            extra.append(person)
        if person.stance is None:
            person.stance, person.stance_evidence = stated.stance, stated.evidence
    for stated in stances:
        if not stated.name or stated.name == "*remaining":  # for all, or all not named so far
            for person in authors:
                if person.stance is None:
                    person.stance, person.stance_evidence = stated.stance, stated.evidence
    return extra
