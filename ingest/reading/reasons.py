"""Reasons for a notice, as Retraction Watch taxonomy concepts, each with the sentence that supports it.

An interpretable lexicon: every rule is a regular expression over one sentence, written from how
notices phrase a reason ("the peer-review process was inappropriately influenced", "overlap between
panels"), and names the reason in the current Retraction Watch wording. A reason is kept with every
sentence that supports it, so a reader sees why it was assigned. Publisher boilerplate (licences,
neutrality notes) is never read, and a rule states nothing where the table's scope cues govern its match:
a negation ("no evidence of misconduct"), a denial ("allegations ... were unfounded"), or a sentence about
no article in particular ("the journal takes allegations seriously"). A reason stated only under a hedge
("the authors may have made an error") is kept as a possible reason, never asserted. When a notice
states that the article is retracted and gives no reason at all, it is labelled "Notice - Limited or No
Information", as Retraction Watch's curators do.

The rules are data: `reason_rules.toml` (label, patterns, required and excluding context, strength,
example sentences), read by `reason_table.py`; this module only applies them. A few reasons follow from
others found where a Retraction Watch definition makes them follow (the table's [[implication]]s: an ORI
investigation is an official investigation of misconduct); they quote the same evidence with a lower
confidence. Measure every change with `retractkg evaluate`.
"""

from __future__ import annotations

import re

from retractkg.ingest.model import ReasonClaim, Span
from retractkg.ingest.reading import calibration, reason_table
from retractkg.ingest.reading.prose import Sentence, statements

TABLE = reason_table.load()
RULES = TABLE.rules
CALIBRATION = calibration.load()

# What an error can have done (wrong results), rather than where it was: beside only these, "an error" is read as
# an error in the data (read_reasons).
_WHAT_AN_ERROR_DID = frozenset({"Error in Results and/or Conclusions", "Unreliable Results and/or Conclusions",
                                "Concerns/Issues about Results and/or Conclusions", "Results Not Reproducible",
                                "Doing the Right Thing"})
_RETRACTING = re.compile(r"\bretract|\bwithdr[ae]w", re.I)
_AN_ERROR = TABLE.unruled["unplaced_error"]
_CAUSE = TABLE.unruled["cause"]
_REQUEST = TABLE.unruled["request"]

# An apology "for the error" names no error of its own: it refers to the one the notice states.
_APOLOGY = re.compile(r"\b(?:apolog(?:i[sz]|ies\b|y\b)|regret)", re.I)
_JOURNAL_ERRORS = ("Error by Journal/Publisher", "Duplication of Content through Error by Journal/Publisher")

# A sentence that says the article is retracted (or withdrawn) and nothing more.
_BARE_NOTICE = re.compile(r"\b(?:retract\w*|withdraw\w*)\b", re.I)
# What happened to the article, not why: curators add "limited information" to it (P = 0.61, export sample 2025).
_NOT_A_CAUSE = frozenset({"Removed"})
# A euphemism is the notice describing what it never names (Retraction Watch's definition): a notice that says
# "plagiarism" anywhere has no euphemism for it, whatever another sentence calls the copying.
_NAMED = {"Euphemisms for Plagiarism": re.compile(r"\bplagi", re.I)}
# Longer than this, a notice without a recognised reason most likely states one in words the rules miss.
_SHORT_NOTICE = 400
# A reference to the article or to others ("Calo WA, Ortiz AP. <title>. Int J Prev Med 2014;5:849-56.") or a
# signature ("Editor, Trop Parasitol") states nothing: it does not make a notice long. A reference is its
# citation, its author list and the sentence before the citation (its title).
_CITATION = re.compile(r"\b(?:19|20)\d\d\s*[;:,]\s*\d|\b\d+\s*\(\s*\d+\s*\)\s*:\s*\d|\b\d+\s*:\s*[A-Z]?\d+\s*[-–]\s*\d"
                       r"|\bdoi\b|\bPMID\b|\bet\s+al\b|^\W*(?:Chief\s+)?Editor\b", re.I)
_AUTHOR_LIST = re.compile(r"(?:[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*\s+[A-Z]{1,3}(?:,\s*|\.?\s*$))+$")
# A reference that opens with its author list ("Sabour S. Obesity predictors ...: A common mistake. J Res Med Sci.
# 2014;19:80"): its title is another work's words, and a problem it names is not this notice's reason.
_REFERENCE_START = re.compile(r"^\W*(?:[A-Z][\w’'-]+\s+[A-Z]{1,3}(?:,\s+|\.\s+|\s+et\s+al\.?\s+))+(?=[A-Z])")


def find_reasons(text: str) -> list[ReasonClaim]:
    """Reasons stated in a notice, each with the sentences that support it, in order of first evidence.

    Confidences are calibrated probabilities (`calibration.py`); reasons below the precision-first threshold
    are kept, marked `tentative`: the graph offers them as possible reasons, never as `rkg:reason`.
    """
    return CALIBRATION.apply(read_reasons(text))


def read_reasons(text: str) -> list[ReasonClaim]:
    """As `find_reasons`, with each reason's strength (rule table) as its confidence, before calibration; None for
    a reason no rule reads ("limited information": the notice states no reason), which has no strength."""
    found: dict[str, ReasonClaim] = {}
    order: dict[str, int] = {}
    kept = statements(text)
    unspecified_error: Sentence | None = None
    for sentence in _own_words(kept):
        if (unspecified_error is None and _AN_ERROR.search(reason_table.blank(TABLE.terms, sentence.text))
                and not _APOLOGY.search(sentence.text)):
            unspecified_error = sentence
        for rule, hedged in TABLE.readings(sentence.text):
            for label in rule.reasons:
                _support(found, order, label, sentence, rule.strength, hedged=hedged)
    retracting = any(_RETRACTING.search(s.text) for s in kept)
    if retracting and unspecified_error is not None and not (found.keys() - _WHAT_AN_ERROR_DID):
        # "We found an error ..." without saying where (wrong results are what it did, not where it was):
        # curators read an error in the data. Beside another reason (a duplicate submission, an error of the
        # journal's), "the mistake" is that one. No rule reads it, so it has no strength: its confidence is its own
        # record on the development notices (calibration.Calibration.probability), never a typed number.
        _support(found, order, "Error in Data", unspecified_error, None)
    for euphemism, named in _NAMED.items():
        if euphemism in found and any(named.search(s.text) for s in kept):
            del found[euphemism]
    _add_implied(found, order)
    stated = _stated(kept)
    if (not (found.keys() - _NOT_A_CAUSE) and sum(len(s.text) for s in stated) <= _SHORT_NOTICE
            and not any(_CAUSE.search(_REQUEST.sub(" ", s.text)) for s in stated)):
        # Retraction Watch: "minimal information as to the cause": no sentence states one, not even one the rules
        # do not read (reason_rules.toml [unruled] cause; who asked for the retraction is no cause).
        bare = next((s for s in kept if _BARE_NOTICE.search(s.text)), None)
        if bare is not None:
            # No rule reads it, so it has no strength: its confidence is its own record on the development
            # notices, calibrated as every other reason's is (calibration.Calibration.probability).
            _support(found, order, "Notice - Limited or No Information", bare, None)
    return sorted(found.values(), key=lambda claim: order[claim.label])


def _own_words(kept: tuple[Sentence, ...]) -> list[Sentence]:
    """The sentences of a notice less the titles of the references in it (a title after its author list, before or
    with its citation): another work's words."""
    citations = [bool(_CITATION.search(s.text)) for s in kept]

    def reference(i: int) -> bool:
        authors = _REFERENCE_START.match(kept[i].text) or (i > 0 and _AUTHOR_LIST.match(kept[i - 1].text))
        return bool(authors and any(citations[i:i + 3]))  # the journal's name may come between title and citation
    return [s for i, s in enumerate(kept) if not reference(i)]


def _stated(kept: tuple[Sentence, ...]) -> list[Sentence]:
    """The sentences of a notice that state something: all but references and signatures."""
    citations = [bool(_CITATION.search(s.text)) for s in kept]
    return [s for i, s in enumerate(kept)
            if not (citations[i] or (i + 1 < len(kept) and citations[i + 1]) or _AUTHOR_LIST.match(s.text))]


def _add_implied(found: dict[str, ReasonClaim], order: dict[str, int]) -> None:
    """The reasons the definitions make follow from those found (the table's [[implication]]s, in order)."""
    for implication in TABLE.implications:
        source = next((found[label] for label in implication.sources if label in found), None)
        if (source is None or implication.implied in found or any(label in found for label in implication.unless)
                or (implication.companions and not any(label in found for label in implication.companions))):
            continue
        found[implication.implied] = ReasonClaim(implication.implied, list(source.evidence),
                                                 round((source.confidence or 0) * implication.share, 3),
                                                 hedged=source.hedged, implied_by=source.label)
        order[implication.implied] = order[source.label]


def _support(found: dict[str, ReasonClaim], order: dict[str, int], label: str, sentence: Sentence,
             confidence: float | None, *, hedged: bool = False) -> None:
    claim = found.get(label)
    span = Span(sentence.start, sentence.end, sentence.text)
    if claim is None:
        found[label] = ReasonClaim(label, [span], confidence, hedged=hedged)
        order[label] = sentence.start
        return
    claim.hedged = claim.hedged and hedged  # one sentence stating it plainly is enough
    if span not in claim.evidence:
        claim.evidence.append(span)
        # Independent sentences saying the same thing make the reason more certain.
        claim.confidence = round(1 - (1 - (claim.confidence or 0)) * (1 - (confidence or 0) * 0.5), 3)
