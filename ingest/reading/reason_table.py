"""The reason rules as a curator reviews them: `reason_rules.toml`, loaded and compiled once.

Each rule names reasons, the sentence patterns that state them, optional required and excluding context,
a strength, and example sentences it must (and must not) find; the tests replay the examples. The reader
runs a rule on a sentence only if the sentence holds one of the rule's *anchors*: literal words that
every match of one of its patterns contains, derived from the patterns themselves (`_anchors`). Being
derived, an anchor can never block a match the pattern makes, unlike a hand-kept keyword list; it only
keeps the expressions off sentences they could not match, so the table reads at hundreds of notices a
second on one core.
"""

from __future__ import annotations

import re
import re._constants as sre  # noqa: PLC2701 - the parse tree of `re`, read to derive anchors
import re._parser as sre_parse  # noqa: PLC2701
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from retractkg.ingest.reading.lexicon import publisher_actors

TABLE = Path(__file__).with_name("reason_rules.toml")

# "(?:\w+\s+)" in a pattern is any one word: a possessive or hyphenated word ("the journal’s ethical policy",
# "Cincinnati Children's Hospital") is one too. Written so that it cannot backtrack.
_ANY_WORD = r"(?:\w+(?:[-’']\w+)*\s+)"
_BLOCK = re.compile(r"\{([A-Z][A-Z_]*)\}")
# A negation governs the words after it in its clause, up to a few words away.
_CLAUSE = re.compile(r"[,;:()]|\b(?:but|however|although|though|whereas|while|and|or|because|since|as|which"
                     r"|that)\b", re.I)
_SCOPE_WORDS = 5


class RuleTableError(ValueError):
    """A rule table that cannot be read: names the file and the rule."""


@dataclass(frozen=True)
class Rule:
    reasons: tuple[str, ...]
    pattern: re.Pattern[str]
    strength: float
    number: int  # position in the table, from 1: identifies the rule in calibration and errors
    requires: re.Pattern[str] | None = None
    unless: re.Pattern[str] | None = None
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    note: str = ""

    negation: re.Pattern[str] | None = None  # the table's scope cues: a match they govern states nothing
    hedge: re.Pattern[str] | None = None  # [scope] hedge; None for a rule whose reasons are doubts
    denial: re.Pattern[str] | None = None  # [scope] denial
    terms: re.Pattern[str] | None = None  # [scope] terms: blanked before the rule reads a sentence

    def fires(self, sentence: str) -> bool:
        """Whether the rule states its reasons in `sentence` (anchors aside: this is the rule itself)."""
        return self.reading(sentence) == "stated"

    def reading(self, sentence: str) -> str | None:
        """"stated" where a match states the rule's reasons, "hedged" where matches only say they may hold
        ("the authors may have made an error in the analysis"), None where none does."""
        return self.reading_blanked(blank(self.terms, sentence))

    def reading_blanked(self, sentence: str) -> str | None:
        """`reading` of a sentence whose [scope] terms are blanked already (RuleTable.readings blanks it once)."""
        if self.requires is not None and self.requires.search(sentence) is None:
            return None
        found = None
        for m in self.pattern.finditer(sentence):
            clause = _CLAUSE.split(sentence[max(0, m.start() - 120):m.start()])[-1]
            if self._negated(sentence, clause, m.start()):
                continue
            if self.hedge is None or self.hedge.search(clause) is None:
                found = "stated"
                break
            found = "hedged"
        if found is None or (self.unless is not None and self.unless.search(sentence) is not None):
            return None
        return found

    def _negated(self, sentence: str, clause: str, start: int) -> bool:
        """The match states no reason: a negation cue among the few words before it in its clause ("no
        evidence of data fabrication"), or it lies inside a denial ("allegations of plagiarism were found to
        be unfounded")."""
        return ((self.negation is not None
                 and self.negation.search(" ".join(clause.split()[-_SCOPE_WORDS:])) is not None)
                or (self.denial is not None
                    and any(d.start() <= start < d.end() for d in self.denial.finditer(sentence))))

    @cached_property
    def anchors(self) -> Anchors | None:
        """Alternatives, each a list of word sets that a match of that alternative contains a word of every
        one of (lower case); None when nothing can be derived and the rule runs on every sentence."""
        return _anchors(self.pattern, self.requires)


@dataclass(frozen=True)
class Implication:
    """A reason that a Retraction Watch definition makes follow from others found: `implied` is added, quoting
    the evidence of the first of `sources` found, at `share` of its strength, when one of `sources` is found
    (and, if `companions` are named, one of those too; if `unless` are named, none of those)."""

    sources: tuple[str, ...]
    implied: str
    share: float
    companions: tuple[str, ...] = ()
    evidence: str = ""  # the definitions' words that make the implication, and its measure
    unless: tuple[str, ...] = ()  # reasons that, found, say the implied one does not follow (another investigator)


class RuleTable:
    """The compiled table, and the one way of asking which rules a sentence states."""

    def __init__(self, rules: list[Rule], implications: list[Implication] | None = None,
                 general: re.Pattern[str] | None = None, unruled: dict[str, re.Pattern[str]] | None = None,
                 ) -> None:
        self.rules = tuple(rules)
        self.implications = tuple(implications or ())
        self.general = general  # [scope] general: a sentence about no article in particular states no reason
        self.terms = rules[0].terms if rules else None  # [scope] terms
        # [unruled]: what makes a sentence state a cause ("cause"), less who asked for the retraction ("request"),
        # and an error the notice does not place ("unplaced_error"); see reasons.py.
        self.unruled = unruled or {}
        self._always = tuple(r.number for r in self.rules if not r.anchors)
        self._by_anchor: dict[str, set[int]] = {}
        for rule in self.rules:
            for alternative in rule.anchors or ():
                for anchor in alternative[0]:
                    self._by_anchor.setdefault(anchor, set()).add(rule.number)
        words = {word for rule in self.rules for alternative in rule.anchors or () for group in alternative
                 for word in group}
        self._scan = re.compile("(?=(" + _trie_pattern(tuple(sorted(words))) + "))")
        self._prefixes = {w: frozenset(p for p in words if w.startswith(p)) for w in words}

    def matching(self, sentence: str) -> list[Rule]:
        """The rules that state their reasons in `sentence`, in table order."""
        return [rule for rule, hedged in self.readings(sentence) if not hedged]

    def readings(self, sentence: str) -> list[tuple[Rule, bool]]:
        """The rules that fire in `sentence`, in table order, each with whether it is only hedged there."""
        found: set[str] = set()
        sentence = blank(self.terms, sentence)
        for m in self._scan.finditer(sentence.lower()):
            found |= self._prefixes[m.group(1)]
        candidates = set(self._always).union(*(self._by_anchor.get(word, ()) for word in found))
        if not candidates or (self.general is not None and self.general.search(sentence)):
            return []
        out = []
        for rule in (self.rules[n - 1] for n in sorted(candidates)):
            if rule.anchors and not any(all(not group.isdisjoint(found) for group in alternative)
                                        for alternative in rule.anchors):
                continue
            reading = rule.reading_blanked(sentence)
            if reading is not None:
                out.append((rule, reading == "hedged"))
        return out


def blank(terms: re.Pattern[str] | None, sentence: str) -> str:
    """`sentence` with each of `terms` replaced by spaces: offsets stay, and no rule reads what a term names."""
    if terms is None:
        return sentence
    return terms.sub(lambda m: " " * len(m.group()), sentence)


def load(path: Path = TABLE) -> RuleTable:
    """The table at `path`; RuleTableError naming the file and rule for anything it cannot compile."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise RuleTableError(f"{path}: {e}") from e
    # {PUBLISHER} is every publisher's name as prose names it acting, from the curated list (lexicon/publishers.tsv).
    blocks: dict[str, str] = {"PUBLISHER": f"(?:{publisher_actors()})", **data.get("blocks", {})}
    scope: dict[str, re.Pattern[str] | None] = {}
    for cue in ("negation", "hedge", "denial", "general", "terms"):
        try:
            scope[cue] = _compile(data["scope"][cue], blocks) if data.get("scope", {}).get(cue) else None
        except (TypeError, ValueError, re.error) as e:
            raise RuleTableError(f"{path}: [scope] {cue}: {type(e).__name__}: {e}") from e
    doubts = tuple(data.get("scope", {}).get("doubts", ()))
    rules = []
    for number, entry in enumerate(data.get("rule", []), 1):
        where = f"{path}: rule {number} ({'; '.join(entry.get('reasons', [])) or 'no reasons'})"
        try:
            rules.append(Rule(
                reasons=tuple(entry["reasons"]), strength=float(entry["strength"]), number=number,
                pattern=_compile(entry["patterns"], blocks, word_start=True),
                requires=_compile(entry["requires"], blocks) if entry.get("requires") else None,
                unless=_compile(entry["unless"], blocks) if entry.get("unless") else None,
                examples=tuple(entry.get("examples", ())), counterexamples=tuple(entry.get("counterexamples", ())),
                note=entry.get("note", ""),
                negation=scope["negation"] if entry.get("negatable", True) else None,
                hedge=None if doubts and all(r.startswith(doubts) for r in entry["reasons"]) else scope["hedge"],
                denial=scope["denial"], terms=scope["terms"]))
        except (KeyError, TypeError, ValueError, re.error) as e:
            raise RuleTableError(f"{where}: {type(e).__name__}: {e}") from e
        if not rules[-1].reasons or not rules[-1].examples:
            raise RuleTableError(f"{where}: every rule names its reasons and gives an example sentence")
    unruled = {}
    for cue, patterns in data.get("unruled", {}).items():
        try:
            unruled[cue] = _compile(patterns, blocks)
        except (TypeError, ValueError, re.error) as e:
            raise RuleTableError(f"{path}: [unruled] {cue}: {type(e).__name__}: {e}") from e
    return RuleTable(rules, [_implication(path, number, entry)
                             for number, entry in enumerate(data.get("implication", []), 1)], scope["general"],
                     unruled)


def _implication(path: Path, number: int, entry: dict) -> Implication:
    try:
        found = Implication(sources=tuple(entry["from"]), implied=entry["implies"], share=float(entry["share"]),
                            companions=tuple(entry.get("with", ())), evidence=entry["evidence"],
                            unless=tuple(entry.get("unless", ())))
    except (KeyError, TypeError, ValueError) as e:
        raise RuleTableError(f"{path}: implication {number}: {type(e).__name__}: {e}") from e
    if isinstance(entry["from"], str) or not found.sources or not 0 < found.share <= 1 or not found.evidence:
        raise RuleTableError(f"{path}: implication {number}: `from` is a list of reasons, `share` in (0, 1], and "
                             "`evidence` says which definition makes it")
    return found


def _compile(patterns: list[str], blocks: dict[str, str], *, word_start: bool = False) -> re.Pattern[str]:
    if isinstance(patterns, str) or not patterns:
        raise TypeError("patterns are a non-empty list of strings")

    def block(m: re.Match[str]) -> str:
        if m.group(1) not in blocks:
            raise ValueError(f"unknown block {{{m.group(1)}}}")
        return blocks[m.group(1)]

    joined = "|".join(_BLOCK.sub(block, p).replace(r"(?:\w+\s+)", _ANY_WORD) for p in patterns)
    return re.compile((r"\b(?:" + joined + ")") if word_start else joined, re.I)


# -- anchors: literal text every match contains ---------------------------------------------------------------


Anchors = tuple[tuple[frozenset[str], ...], ...]


def _anchors(pattern: re.Pattern[str], requires: re.Pattern[str] | None) -> Anchors | None:
    top = list(sre_parse.parse(pattern.pattern, pattern.flags))
    # A table pattern is "\b(?:p1|p2|...)": one alternative per pattern (or one, if the table gave one).
    group = next((arg[-1] for op, arg in top if op is sre.SUBPATTERN), top)
    branch = list(group)
    alternatives = branch[0][1][1] if len(branch) == 1 and branch[0][0] is sre.BRANCH else [group]
    required = _required(sre_parse.parse(requires.pattern, requires.flags)) if requires is not None else None
    extra = (frozenset(required),) if _useful(required) else ()
    found = []
    for alternative in alternatives:
        groups = tuple(frozenset(g) for g in _conjunction(alternative) if _useful(g)) + extra
        if not groups:
            return None
        found.append(groups)
    return tuple(found)


def _useful(words: set[str] | None) -> bool:
    return bool(words) and min(map(len, words)) >= 3


def _conjunction(items) -> list[set[str]]:
    """Word sets of which a match of the sequence `items` contains a word of each."""
    groups: list[set[str]] = []
    run = ""
    for op, arg in items:
        if op is sre.LITERAL:
            run += chr(arg).lower()
            continue
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue  # zero-width: the literal run goes on
        if run:
            groups.append({run})
            run = ""
        inner = _element(op, arg)
        if inner:
            groups.append(inner)
    if run:
        groups.append({run})
    return groups


def _element(op, arg) -> set[str] | None:
    """Words of which every match of one non-literal element of a sequence contains one."""
    if op is sre.SUBPATTERN:
        return _required(arg[-1])
    if op is sre.BRANCH:
        branches = [_required(branch) for branch in arg[1]]
        return set().union(*branches) if all(branches) else None
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and arg[0] >= 1:
        return _required(arg[2])
    if op is sre.ATOMIC_GROUP:
        return _required(arg)
    return None


def _required(items) -> set[str] | None:
    """Strings of which every match of the sequence `items` contains one (the most selective set found)."""
    return max(_conjunction(items), key=lambda o: (min(map(len, o)), -len(o)), default=None)


def _trie_pattern(words: tuple[str, ...]) -> str:
    """One expression matching the longest of `words` at a position; the engine rejects most positions on
    their first character."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)
