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

from retractkg.ingest.model import Person, Span, Stance
from retractkg.ingest.reading.lexicon import name_particles
from retractkg.ontology.identifiers import fold

# A name token: a capitalised word or an initial ("P."), never a word ending a sentence ("Pizzino.").
_TOKEN = r"[A-Z](?:[a-z]?\.|[\w'’-]*[\w'’])"
_NAME = (rf"(?:(?:Dr|Prof|Professor|Mr|Mrs|Ms)\.?\s+)?{_TOKEN}"
         rf"(?:\s+(?:{_TOKEN}|{'|'.join(sorted(name_particles(), key=lambda p: (-len(p), p)))}))*")
_NAMES = rf"(?P<names>{_NAME}(?:\s*,\s*(?:and\s+)?{_NAME})*(?:,?\s+and\s+{_NAME})?)"
_RETRACTION = (r"(?:(?:this|the)\s+(?:retraction|notice|decision|withdrawal|expression\s+of\s+concern|request|"
               r"statement)|retract(?:ion|ing)?\b)")
_ALL = (r"(?:(?:[Aa]ll|[Bb]oth)\s+(?:of\s+)?(?:the\s+)?(?:named\s+)?(?:co-?)?authors|[Tt]he\s+(?:co-?)?authors?"
        r"|[Aa]ll\s+co-?authors)")
_AGREE = r"(?:agrees?|agreed|consent(?:s|ed)?)\s+(?:to|with)\s+"
_WHO = r"(?:,?\s+who\s+[^.,;]{1,80}?,?)?"  # "The first author Zhiheng Zhou who was responsible ... agrees"

# (stance, pattern, keyword) in the order they are tried, "disagree" before "agree"; a pattern runs only on
# text that has its keyword, since most notices state no stance at all.
_PER_NAME = [
    # "Neither Jane Doe nor John Smith agrees with the retraction": both disagree (tried before "... agrees").
    (Stance.DISAGREES, rf"\b[Nn]either\s+(?P<names>{_NAME}(?:\s*,\s*{_NAME})*\s+nor\s+{_NAME}){_WHO}\s+"
                       rf"(?:(?:has|have|had)\s+)?{_AGREE}{_RETRACTION}", r"agree|consent"),
    (Stance.DISAGREES, rf"{_NAMES}{_WHO}\s+(?:disagrees?|do(?:es)?\s+not\s+agree|did\s+not\s+agree"
                       rf"|ha(?:s|ve)\s+not\s+agreed|object(?:s|ed)?)\s+(?:to|with)\s+{_RETRACTION}", r"agree|object"),
    (Stance.AGREES, rf"{_NAMES}{_WHO}\s+(?:(?:has|have|had)\s+)?{_AGREE}{_RETRACTION}", r"agree|consent"),
    (Stance.AGREES, rf"following\s+authors?\s+(?:have\s+|has\s+)?{_AGREE}[^:.]{{0,40}}:\s*{_NAMES}", r"following"),
    (Stance.DISAGREES, rf"following\s+authors?\s+(?:disagree\w*|did\s+not\s+agree|do\s+not\s+agree)\s+"
                       rf"(?:to|with)\s+[^:.]{{0,40}}:\s*{_NAMES}", r"following"),
    (Stance.NO_RESPONSE, rf"{_NAMES}\s+(?:either\s+)?(?:did|have|has|had)\s+not\s+(?:respond(?:ed)?|repl(?:y|ied))",
     r"not\s+(?:respond|repl)"),
    (Stance.UNREACHABLE, rf"(?:unable|not\s+able)\s+to\s+(?:contact|reach)\s+{_NAMES}",
     r"able\s+to\s+(?:contact|reach)"),
    (Stance.UNREACHABLE, rf"{_NAMES}\s+could\s+not\s+be\s+(?:reached|contacted)", r"could\s+not\s+be"),
    (Stance.DECEASED, rf"{_NAMES},?\s+(?:ha(?:s|ve)\s+)?(?:since\s+|sadly\s+|unfortunately\s+)?(?:passed\s+away|died)",
     r"passed\s+away|died"),
    (Stance.DECEASED, rf"{_NAMES},?\s+(?:is|are|was|were)\s+deceased", r"deceased"),
    (Stance.DECEASED, rf"\bthe\s+late\s+{_NAMES}", r"the\s+late"),
]
_FOR_ALL = [
    (Stance.AGREES, rf"(?:{_NAME}\s+)?(?:has|have)\s+stated\s+on\s+behalf\s+of\s+all\s+(?:the\s+)?(?:co-?)?"
                    rf"authors\s+that\s+they\s+agree", r"on\s+behalf"),
    (Stance.DISAGREES, rf"{_ALL}\s+(?:\w+\s+){{0,8}}?(?:disagree|do(?:es)?\s+not\s+agree|did\s+not\s+agree)\s+"
                       rf"(?:to|with)\s+{_RETRACTION}", r"agree"),
    (Stance.AGREES, rf"{_ALL}\s+(?:\w+\s+){{0,8}}?(?:(?:have|had|did)\s+)?{_AGREE}(?:the\s+)?{_RETRACTION}",
     r"agree|consent"),
    (Stance.AGREES, rf"{_ALL}\s+(?:\w+\s+){{0,6}}?{_AGREE}this\s+request", r"agree"),
    (Stance.AGREES, rf"{_ALL}\b[^.]{{0,150}}?\bthey\s+(?:all\s+)?{_AGREE}(?:the\s+)?{_RETRACTION}", r"they"),
    (Stance.AGREES, rf"{_ALL}\s+(?:\w+\s+){{0,3}}?(?:are|were)\s+in\s+agreement|\ball\s+are\s+in\s+agreement",
     r"agreement"),
    (Stance.AGREES, r"(?:with\s+the|by(?:\s+mutual)?|in)\s+agreement\s+(?:of|between|with)\s+(?:all\s+)?the\s+"
                    r"(?:co-?)?authors", r"agreement"),
    (Stance.NO_RESPONSE, rf"{_ALL}\s+(?:either\s+)?(?:did|have|has)\s+not\s+(?:respond(?:ed)?|repl(?:y|ied))",
     r"not\s+(?:respond|repl)"),
    (Stance.NO_RESPONSE, r"None\s+of\s+the\s+authors\s+(?:responded|replied)", r"None\s+of"),
    (Stance.UNREACHABLE, r"(?:unable|not\s+able)\s+to\s+(?:contact|reach)\s+(?:any\s+of\s+)?the\s+(?:co-?)?authors\b"
                         r"(?!\s+(?:of\s+the\s+(?:other|original|source)|who))", r"able\s+to"),
]
_REMAINING_UNREACHABLE = re.compile(
    r"(?:unable|not\s+able)\s+to\s+(?:confirm\s+(?:current\s+)?contact\s+details|contact|reach)\s+(?:for\s+)?"
    r"the\s+remaining\s+authors")
_PER_NAME_RE = [(stance, re.compile(p), re.compile(k)) for stance, p, k in _PER_NAME]
_FOR_ALL_RE = [(stance, re.compile(p), re.compile(k)) for stance, p, k in _FOR_ALL]
_ANY_KEYWORD = re.compile("|".join(k for _, _, k in [*_PER_NAME, *_FOR_ALL]) + r"|remaining")
_INITIALS = re.compile(r"^[A-Z]{2,4}$")  # "MHZ agreed with the retraction": an author by initials
_NOT_NAMES = {"the", "all", "both", "these", "those", "editor", "editors", "publisher", "journal", "authors",
              "author", "we", "they", "he", "she", "it", "this", "following", "further", "however", "editorial"}


@dataclass
class StatedStance:
    name: str  # "" when the stance is stated for all authors
    stance: Stance
    evidence: Span


def _sentence(text: str, start: int, end: int) -> Span:
    """The sentence around [start, end): from the previous full stop or paragraph break to the next one."""
    window = max(0, start - 1000)
    ends = [m.end() for m in _SENTENCE_START.finditer(text, window, start + 1) if m.end() <= start]
    left = ends[-1] if ends else window
    stop = _SENTENCE_END.search(text, end)
    right = stop.end() if stop else len(text)
    while left < right and text[left].isspace():
        left += 1
    return Span(left, right, text[left:right])


_SENTENCE_END = re.compile(r"\.(?=\s|$)|\n\n")
# Where a sentence may start: after a full stop and space, a paragraph break, or a full stop glued to a
# capital where the source lost its spaces ("...in the lab.JX and MHZ did not agree").
_SENTENCE_START = re.compile(r"(?<!\b[A-Z])[.!?]\s+|\n\s*\n|(?<=[a-z)\]])[.!?](?=[A-Z])")  # not after an initial


# "Author John Smith agrees", "Co-author Dr. Jane Doe did not respond", "Corresponding Author Wang Li": the role
# and title are not the name.
_ROLE_OR_TITLE = re.compile(r"^(?:(?:(?i:corresponding|senior|first|last|lead|principal)\s+)?(?:Co-?)?(?i:authors?)"
                            r"\s+)?(?:(?:Dr|Prof|Professor|Mr|Mrs|Ms)\.?\s+)?")


def _split_names(written: str) -> list[str]:
    names = []
    for name in re.split(r"\s*,\s*(?:and\s+)?|\s+(?:and|nor)\s+", written):
        name = _ROLE_OR_TITLE.sub("", name.strip())
        tokens = name.split()
        full_name = len(tokens) >= 2 and tokens[0].lower() not in _NOT_NAMES and tokens[-1].lower() not in _NOT_NAMES
        if full_name or _INITIALS.match(name):
            names.append(name)
    return names


def _matches(pattern: re.Pattern, keyword: re.Pattern, text: str) -> list[re.Match]:
    """The pattern's matches within the sentences that hold its keyword: a name list is only tried near
    the verb that gives it a stance, not from every capital letter of the notice."""
    found: dict[int, re.Match] = {}
    end = -1
    for k in keyword.finditer(text):
        if k.start() < end:
            continue  # inside the window just searched
        window = max(0, k.start() - 800)
        starts = [m.end() for m in _SENTENCE_START.finditer(text, window, k.start() + 1) if m.end() <= k.start()]
        low = starts[-1] if starts else window
        stop = _SENTENCE_END.search(text, k.end(), k.end() + 600)
        end = stop.end() if stop else min(len(text), k.end() + 600)
        for m in pattern.finditer(text, low, end):
            found.setdefault(m.start(), m)
    return [found[start] for start in sorted(found)]


def stated_stances(text: str) -> list[StatedStance]:
    """Every stance stated in `text`, per name or for all authors, with its sentence."""
    found: list[StatedStance] = []
    if not _ANY_KEYWORD.search(text):
        return found
    taken: list[tuple[int, int]] = []
    for stance, pattern, keyword in _PER_NAME_RE:
        for m in _matches(pattern, keyword, text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            names = _split_names(m["names"])
            if names:
                taken.append((m.start(), m.end()))
                evidence = _sentence(text, m.start(), m.end())
                found.extend(StatedStance(name, stance, evidence) for name in names)
    for stance, pattern, keyword in _FOR_ALL_RE:
        for m in _matches(pattern, keyword, text):
            # "The authors John Smith and Jane Doe disagree": the named ones, already taken, not all authors.
            if not any(s < m.end() and m.start() < e for s, e in taken):
                taken.append((m.start(), m.end()))
                found.append(StatedStance("", stance, _sentence(text, m.start(), m.end())))
    for m in _REMAINING_UNREACHABLE.finditer(text):
        found.append(StatedStance("*remaining", Stance.UNREACHABLE, _sentence(text, m.start(), m.end())))
    return found


def _same_person(written: str, person: Person) -> bool:
    a, b = fold(written), fold(person.name)
    if a == b:
        return True
    if _INITIALS.match(written):  # "MHZ" for "Mohammad H. Zadeh"
        return written.lower() == "".join(token[0] for token in b.split())
    ta, tb = a.split(), b.split()
    # "G. I. Russo" or "Russo GI" against "Giorgio Ivan Russo": same family name and first initial.
    return bool(ta and tb) and ta[-1] == tb[-1] and ta[0][0] == tb[0][0]


def apply_stances(stances: list[StatedStance], authors: list[Person]) -> list[Person]:
    """Set each author's stance; names not in the byline are returned as new persons (byline unknown)."""
    extra: list[Person] = []
    named = [s for s in stances if s.name and not s.name.startswith("*")]
    for stated in named:
        person = next((p for p in [*authors, *extra] if _same_person(stated.name, p)), None)
        if person is None and _INITIALS.match(stated.name):
            continue  # initials name an author only against a known byline
        if person is None:
            person = Person(name=stated.name, in_byline=False)
            extra.append(person)
        if person.stance is None:
            person.stance, person.stance_evidence = stated.stance, stated.evidence
    for stated in stances:
        if not stated.name or stated.name == "*remaining":  # for all, or all not named so far
            for person in authors:
                if person.stance is None:
                    person.stance, person.stance_evidence = stated.stance, stated.evidence
    return extra
