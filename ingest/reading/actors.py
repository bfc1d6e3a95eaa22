"""Who retracted the article and who asked for it, as notices name them.

Notices say this in a handful of shapes: an agent retracting ("The Editors-in-Chief have retracted
this article", "The Publisher and Editor regretfully retract", "Frontiers retracts"), a passive with
an agent ("retracted by the authors", "retraction was approved by the Chief Editors"), and a request
("at the request of the Editor-in-Chief and the authors", "the authors requested a retraction").
The agent phrase is read for every role it names, so "The journal and Chief Editors" gives both.
"""

from __future__ import annotations

import re

from retractkg.ingest.model import Role
from retractkg.ingest.reading.lexicon import publisher_actors
from retractkg.ingest.reading.prose import statements

# Role words, most specific first (an "Editor-in-Chief" is not also reported as an "Editor").
_ROLE_WORDS: tuple[tuple[Role, str], ...] = (
    (Role.EDITOR_IN_CHIEF, r"editors?[- ]in[- ]chief|chief\s+(?:executive\s+)?editors?|editor-?in-?chief"
                           r"|field\s+chief\s+editors?|specialty\s+chief\s+editors?|\bEiC\b"),
    (Role.EDITORIAL_BOARD, r"editorial\s+(?:board|office|team|committee)|board\s+of\s+editors"),
    (Role.EDITOR, r"(?:handling\s+|associate\s+|academic\s+|section\s+|guest\s+|managing\s+|series\s+)?editors?\b"
                  r"|editorship"),
    # A publisher by its role, by a "... Press" name, or by its name as `lexicon/publishers.tsv` lists it.
    (Role.PUBLISHER, r"publishers?\b|(?-i:\b(?!In\b)[A-Z]\w+\s+Press\b)|" + publisher_actors()),
    (Role.AUTHORS, r"(?:co-?)?authors?\b|corresponding\s+author|first\s+author|last\s+author"),
    (Role.INSTITUTION, r"universit\w+|institut\w+|hospital|medical\s+(?:center|centre|school)|college|employer"
                       r"|research\s+integrity\s+office|academy"),
    # "the Journal Editor-in-chief", "the journal's Editors": the journal qualifies another role there.
    (Role.JOURNAL, r"(?:the\s+)?journal\b(?!\s*(?:[’']s\s+)?(?:editor|editorial|office|board|polic))"),
    (Role.THIRD_PARTY, r"manufacturers?|compan(?:y|ies)|funders?|sponsors?|council|ministry|government|readers?"),
)
_ROLE_RE = [(role, re.compile(p, re.I)) for role, p in _ROLE_WORDS]

# The verb of an agent retracting; its subject is read from the words before it.
# The verb is found first (a cheap search); the words before it are then read for its subject, less the
# auxiliaries and adverbs between them ("have regretfully", "therefore").
_ACTIVE_VERB = re.compile(
    r"\b(?:retract(?:ed|s|ing)?|decided\s+to\s+retract|wish(?:es)?\s+to\s+retract|would\s+like\s+to\s+retract"
    r"|going\s+to\s+retract)\b", re.I)
_BETWEEN = re.compile(r"(?:\s*,?\s+(?:\w+ly|therefore|now|hereby|has|have|had|are|is|am|jointly|thus|hence))+\s*$",
                      re.I)
# "The Editorial Team and the Publisher have determined that the original paper should be retracted"
_DECIDED_VERB = re.compile(
    r"(?:ha(?:s|ve)\s+)?(?:therefore\s+)?(?:determined|decided|concluded|agreed)\s+(?:that\s+)?(?:[\w-]+\s+){0,5}?"
    r"(?:should|must|will|would|is\s+to|are\s+to)\s+be\s+retracted", re.I)
_PASSIVE_AUX = re.compile(r"\b(?:been|is|are|was|were|be|being|not)\s*$|[\[(]\s*$", re.I)
_AGENT_WORDS = 9
_ASKED = re.compile(r"\b(?:request\w*|ask\w*|recommend\w*|advis\w*|call\w*\s+for)\s+(?:to|that)?\s*$", re.I)
_PARENTHESES = re.compile(r"\([^()]*\)")  # "The senior author (J. Lee) and ...": initials are not sentence ends
_PASSIVE = re.compile(
    r"(?:retracted|withdrawn|retraction\s+(?:\w+\s+){0,3}(?:was|is|has\s+been)\s+approved)\s+(?:\w+\s+){0,2}?by\s+"
    r"((?:the\s+)?(?:[\w’'&-]+,?\s+){0,12}[\w’'-]+)", re.I)
_REQUEST = re.compile(
    r"(?:at\s+the\s+request\s+of|requested\s+by|on\s+(?:the\s+)?(?:request|recommendation)\s+of|following\s+a\s+request\s+"
    r"(?:from|by)|upon\s+(?:the\s+)?request\s+of|at\s+(?:the\s+)?(?:authors?|editors?)[’']?s?[’']?\s+request)\s+"
    r"((?:[\w’'-]+\s+|&\s+|,\s*){0,10}[\w’'-]+)", re.I)
_REQUESTER = re.compile(
    r"\b(?:requested|request|requests|asked\s+for|recommended|advised|called\s+for)\s+"
    r"(?:\w+\s+){0,3}?(?:the\s+|a\s+|its\s+|their\s+)?(?:retraction|withdrawal|that\s+(?:\w+\s+){0,3}"
    r"(?:should\s+be|be)\s+retracted)|\b(?:requested|asked|request|requests)\s+to\s+(?:retract|withdraw)", re.I)
_REQUEST_WORDS = ("request", "asked", "recommend", "advised", "called for")
# "We are retracting our review article", "I ... request a retraction of our paper": the authors speak.
_FIRST_PERSON = re.compile(r"\b(?:retract\w*|withdraw\w*|retraction\s+of)\s+(?:\w+\s+){0,2}?our\s+(?:\w+\s+){0,2}?"
                           r"(?:article|paper|manuscript|study|review|work|publication)", re.I)
# "Mathematical Problems in Engineering has retracted this article": a title-cased name is the journal.
_NAME = re.compile(r"^(?:[A-Z][\w’'&-]*|of|in|and|for|the|on|&)(?:\s+(?:[A-Z][\w’'&-]*|of|in|and|for|the|on|&))+$")
_NOT_AN_AGENT = re.compile(r"\b(?:not|no|neither|never|did\s+not|does\s+not|do\s+not)\b", re.I)


def find_actors(text: str) -> tuple[list[Role], list[Role]]:
    """(retracted_by, requested_by): the roles a notice names, in order of first mention."""
    retracted: list[Role] = []
    requested: list[Role] = []
    for sentence in statements(text):
        s = sentence.text
        lower = s.lower()
        if "retract" in lower:
            for m in [*_ACTIVE_VERB.finditer(s), *_DECIDED_VERB.finditer(s)]:
                before = _PARENTHESES.sub(" ", s[:m.start()])
                if (m.group().lower() == "retracted" and _PASSIVE_AUX.search(before)) or _ASKED.search(before):
                    continue
                before = _BETWEEN.sub(" ", " " + before)
                agent = _last_clause(" ".join(re.split(r"[.;:]\s", before)[-1].split()[-_AGENT_WORDS:]))
                if agent and not _NOT_AN_AGENT.search(agent):
                    _extend(retracted, roles_in(agent) or ([Role.JOURNAL] if _NAME.match(agent) else []))
        if "our" in lower and _FIRST_PERSON.search(s):
            _extend(requested if "request" in lower else retracted, [Role.AUTHORS])
        if " by " in lower:
            for m in _PASSIVE.finditer(s):
                _extend(retracted, roles_in(_first_phrase(m.group(1))))
        if any(word in lower for word in _REQUEST_WORDS):
            for m in _REQUEST.finditer(s):
                _extend(requested, roles_in(_first_phrase(m.group(1))))
            for m in _REQUESTER.finditer(s):
                before = s[:m.start()]
                agent = re.split(r"\bby\b", " ".join(before.split()[-_AGENT_WORDS:]), flags=re.I)[-1]
                agent = _last_clause(agent)
                if agent and not _NOT_AN_AGENT.search(agent):
                    _extend(requested, roles_in(agent))
    return retracted, requested


def roles_in(phrase: str) -> list[Role]:
    """Every role a noun phrase names ("The Publisher and Editor" -> publisher, editor).

    A complement introduced by "of" is not an agent ("the Editorial board of the journal" is the board).
    """
    phrase = _OF_COMPLEMENT.sub("", phrase)
    found: list[tuple[int, Role]] = []
    taken: list[tuple[int, int]] = []
    for role, pattern in _ROLE_RE:
        for m in pattern.finditer(phrase):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), role))
    return [role for _, role in sorted(found)]


_OF_COMPLEMENT = re.compile(r"\s+of\s+(?!editors\b).*$", re.I | re.S)


def _last_clause(agent: str) -> str:
    """The subject nearest the verb: drop what precedes a comma, 'that', 'which' or 'because'."""
    parts = re.split(r",|\b(?:that|which|because|after|following|when|as|since|and\s+so)\b", agent, flags=re.I)
    return parts[-1].strip() or agent


_PHRASE_END = re.compile(r"(?<![\w-])(?:because|due|as|after|following|for|(?<!editor\s)(?<!editors\s)in|on|owing|since"
                         r"|when|which|who|from|to|with)(?![\w-])", re.I)


def _first_phrase(agent: str) -> str:
    """The agent of a 'by ...' or 'request of ...': up to the next clause or preposition."""
    return _PHRASE_END.split(agent, maxsplit=1)[0]


def _extend(into: list[Role], roles: list[Role]) -> None:
    for role in roles:
        if role not in into:
            into.append(role)
