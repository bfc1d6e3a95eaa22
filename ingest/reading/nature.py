"""What a notice does to its article: retraction, expression of concern, correction, ...

Showing corrections and expressions of concern as retractions is the failure users complain about
most, so this classifier is conservative: it needs a statement (a title such as "Retraction Note:",
or a sentence such as "this article has been retracted") and answers UNCLASSIFIED with a low
confidence when there is none. It never falls back to RETRACTION.

Titles are the strongest evidence; the first notice word of a title wins, so "Correction to:
Retraction Note: ..." is a correction. In the body, performative sentences count ("the editors
are issuing an expression of concern", "has been withdrawn at the request of the authors"), while
mere mentions of another notice type (a correction citing "the retraction notice") count less.
"""

from __future__ import annotations

import re

from retractkg.ingest.model import Nature
from retractkg.ingest.reading.prose import sentences

# Notice kinds as titles name them. A kind counts where titles put it: at the start ("Retraction Note: ..."),
# at the end ("...: Retraction", "... [Retraction]"), or anywhere as an unambiguous phrase ("Correction to");
# a bare word inside a retracted article's own title ("... carbon dioxide removal: ...") does not count.
_TITLE = (
    (Nature.REINSTATEMENT, r"reinstat\w*|(?:withdrawal|retraction|removal|rescission)\s+of\s+(?:\w+\s+){0,2}retraction"
                           r"|retraction\s+(?:withdrawn|rescinded|reversed)|notice\s+of\s+reinstatement"),
    (Nature.EXPRESSION_OF_CONCERN, r"(?:editorial\s+)?expression\s+of\s+concern|(?:notice|statement)\s+of\s+concern"
                                   r"|\bEoC\b"),
    (Nature.PARTIAL_RETRACTION, r"partial(?:ly)?\s+retract\w*"),
    (Nature.CORRECTION, r"correction|corrigend\w*|errat\w*|addend\w*|(?:author|publisher)\s+correction|\bcorrected\b"),
    (Nature.REMOVAL, r"removal\s+notice|notice\s+of\s+removal|(?:article\s+)?removed\b|removal\b"),
    (Nature.WITHDRAWAL, r"withdrawal(?:\s+(?:note|notice|of))?|withdrawn\b|notice\s+of\s+withdrawal"),
    (Nature.RETRACTION, r"retract\w*|r[ée]traction|retractation|wycofan\w*|rückzug|retirad\w*"),
)
_KINDS = "|".join(f"(?P<{n.name}>{p})" for n, p in _TITLE)
_TITLE_START = re.compile(r"^[\W\d]*(?:(?:notice|statement)\s+of\s+|full\s+|editorial\s+|editor'?s\s+)?(?:" + _KINDS
                          + r")(?!\w)",
                          re.I)
_TITLE_END = re.compile(r"(?:^|[:.,;\-–—(\[])\s*(?:" + _KINDS + r")[\s\W]*$", re.I)
_TITLE_PHRASE = re.compile(
    r"(?P<EXPRESSION_OF_CONCERN>expression\s+of\s+concern)|(?P<PARTIAL_RETRACTION>partial\s+retraction)"
    r"|(?P<REINSTATEMENT>notice\s+of\s+reinstatement|retraction\s+(?:withdrawn|rescinded|reversed))"
    r"|(?P<CORRECTION>(?:correction|erratum|corrigendum|addendum)\s+(?:to|for)\b)"
    r"|(?P<WITHDRAWAL>withdrawal\s+notice|notice\s+of\s+withdrawal)"
    r"|(?P<RETRACTION>retraction\s+(?:note|notice|statement|announcement|of|to|for)\b|notice\s+of\s+retraction"
    r"|retracted\s+article|\[retract\w*\])", re.I)

_ARTICLE = r"(?:article|paper|manuscript|publication|study|review|letter|report|abstract|chapter|it|this|work)"

# "The supplementary file has been withdrawn from publication": a part of the article, replaced, is not withdrawn.
_NOT_A_PART = "".join(rf"(?<!\b{noun}\s)" for noun in (
    "file", "files", "figure", "figures", "table", "tables", "data", "dataset", "image", "images", "section",
    "paragraph", "sentence", "statement", "appendix", "material", "video", "erratum", "correction", "corrigendum"))

# Body statements that perform the notice (strong) or mention its kind (weak), per nature.
_BODY: dict[Nature, tuple[tuple[str, float], ...]] = {
    Nature.RETRACTION: (
        (r"\b(?:is|are|has\s+been|have\s+been|was|were|being|be|hereby|now|formally|fully|regretfully|been|stands?)\s+"
         r"(?:\w+\s+){0,2}retracted\b", 1.0),
        # "The retraction has been agreed ...": present perfect only ("the retraction was issued in error" is a
        # correction's account of a past notice), and not "no retraction has been agreed".
        (r"(?<!\bno\s)\bretraction\s+(?:has|have)\s+(?:now\s+)?been\s+(?:agreed|approved)", 0.9),
        # French and Spanish notices: "la rétraction du manuscrit", "la retractación del artículo". The phrase also
        # names a retraction an erratum corrects, so it weighs as a mention ("this retraction"), enough alone.
        (r"\br[ée]tract(?:ation|ion|aci[óo]n)\s+(?:du|de\s+la|de\s+l'|del|de)\s*(?:manuscrit|article|l'article|"
         r"art[íi]culo|manuscrito|trabajo)", 0.6),
        (r"\b(?:retract|retracts|retracting|retracted)\s+(?:[\w-]+\s+){0,4}" + _ARTICLE, 1.0),
        (r"\b(?:request(?:ed|s)?|asked\s+for|recommended|approved|agree\w*\s+(?:to|with))\s+(?:\w+\s+){0,3}"
         r"(?:the\s+|its\s+|a\s+|this\s+)?retraction", 0.9),
        (r"\bdecided\s+to\s+retract|\bwish(?:es)?\s+to\s+retract|\bmust\s+be\s+retracted"
         r"|\bretraction\s+of\s+(?:the|this|"
         r"our)\s+" + _ARTICLE, 1.0),
        (r"^\s*retraction\s+(?:of|to|note|notice)\b\s*:?|^\s*retracted\s*:", 0.8),
        # "have issued this Notice of Retraction", "decided to issue a Retraction notice"; a notice the journal
        # "will issue" (or "would", "may") is a possibility, not this one.
        (r"(?<!will\s)(?<!shall\s)(?<!would\s)(?<!could\s)(?<!might\s)(?<!may\s)(?<!should\s)"
         r"\b(?:(?:issue|issues|issuing|publish|publishes|publishing|(?:has|have)\s+(?:now\s+)?(?:issued|published))\s+"
         r"(?:a|an|this)|this|the\s+present)\s+(?:(?:notice|note|statement)\s+of\s+retraction|retraction\s+"
         r"(?:notice|note|statement))", 1.0),
        (r"\bthis\s+retraction\b", 0.6),
        (r"\b(?:marked|watermarked)\s+as\s+retracted", 0.9),
    ),
    Nature.PARTIAL_RETRACTION: (
        (r"\bpartial(?:ly)?\s+retract\w*", 1.5),
        (r"\bretract(?:s|ing|ed)?\s+(?:only\s+)?(?:fig(?:ure)?s?\.?|tables?|panels?|sections?|parts?|the\s+data\s+in|"
         r"one\s+of\s+the\s+(?:figures|tables|experiments))\b", 1.2),
    ),
    Nature.WITHDRAWAL: (
        (_ARTICLE + r"\s+(?:\w+\s+){0,3}(?:has|have|had|is|was|were|been|being)\s+(?:\w+\s+){0,2}withdrawn\b", 1.0),
        (r"\b(?:withdraw|withdrew|withdrawing)\s+(?:\w+\s+){0,2}(?:the|this|our|their|his|her)\s+" + _ARTICLE, 1.0),
        (r"\bwithdrawal\s+of\s+(?:the|this|our)\s+" + _ARTICLE, 0.9),
        (r"\b(?:was|were|has\s+been|have\s+been|is|are|being)\s+withdrawn\s+by\s+(?:the\s+)?(?:editors?|authors?|journal|"
         r"publisher|editorial|corresponding)", 1.0),
        (_NOT_A_PART + r"\b(?:was|were|has\s+been|have\s+been|is|are|being)\s+withdrawn\s+from\s+(?:publication|the\s+"
         r"(?:journal|literature|scientific\s+record|record))", 1.0),
        (r"^\s*(?:notice\s+of\s+)?withdrawal\b", 0.8),
    ),
    Nature.REMOVAL: (
        (r"\b(?:has|have)\s+been\s+(?:permanently\s+)?removed\s+(?:from|for)\s+(?:\w+\s+){0,4}(?:legal|database|"
         r"online|platform|website)", 0.8),
        (r"\b(?:article|paper|it)\s+has\s+been\s+(?:permanently\s+)?removed\b", 1.0),
    ),
    Nature.EXPRESSION_OF_CONCERN: (
        (r"\b(?:issu\w+|publish\w+|post\w+|releas\w+|is|are|this|an|these|editorial)\s+(?:\w+\s+){0,3}expressions?\s+of"
         r"\s+concern", 1.4),
        (r"\bexpressions?\s+of\s+concern\b", 0.6),
        (r"\b(?:alert|inform|notify)\s+(?:the\s+)?readers\s+(?:\w+\s+){0,3}(?:to\s+)?(?:concerns"
         r"|that\s+concerns)", 0.8),
    ),
    Nature.CORRECTION: (
        (r"\b(?:original\s+)?(?:version\s+of\s+(?:this|the)\s+)?" + _ARTICLE + r"\s+(?:\w+\s+|\[\d+\]\s+){0,8}"
         r"(?:contained|contains|included|there\s+(?:was|were|is|are))\s+(?:an?\s+|some\s+|several\s+|two\s+|\w+\s+)?"
         r"(?:errors?|mistakes?|typos?|omissions?|inaccurac\w+)", 1.0),
        (r"\bthere\s+(?:was|were)\s+(?:an?\s+)?(?:errors?|mistakes?)\s*:?\s*$", 0.8),
        (r"^\s*there\s+(?:is|are|was|were)\s+(?:an?\s+|\w+\s+)?(?:errors?|mistakes?|omissions?|typos?)\s+"
         r"(?:in|on)\b", 0.9),
        (r"\b(?:please\s+see|can\s+be\s+viewed|is\s+provided|appears?)\s+(?:\w+\s+){0,3}here\b", 0.5),
        (r"\bregret\s+(?:that\s+)?(?:\w+\s+){0,8}(?:errors?|mistakes?|incorrect\w*|omitted|missing)", 0.8),
        (r"\b(?:identified|noticed|discovered|found|reported)\s+(?:an?\s+|two\s+|several\s+|some\s+)?(?:errors?|mistakes?)"
         r"\s+in\s+(?:the\s+)?(?:fig|table|legend|author|affiliation|funding|reference|equation|abstract|title|text)",
         0.7),
        (r"\bshould\s+(?:have\s+)?read\b|\bshould\s+have\s+(?:been\s+)?(?:appeared|included|listed|stated)", 1.0),
        (r"\bha(?:s|ve)\s+(?:now\s+)?been\s+(?:corrected|updated|amended|rectified|fixed)\b", 0.8),
        (r"\b(?:the\s+)?correct(?:ed)?\s+(?:version|figure|table|value|data|affiliation|name|spelling|equation|text|"
         r"sentence|legend|wording)s?\s+(?:\w+\s+){0,3}(?:is|are|appears?|can\s+be|reads?|given|shown)", 0.9),
        (r"\b(?:incorrectly|erroneously|wrongly|mistakenly)\s+(?:\w+\s+){0,2}(?:given|shown|stated|listed|displayed|"
         r"published|presented|spelled|included|omitted|labell?ed)", 0.6),
        (r"\bapologi[sz]es?\s+for\s+(?:these|this|the|any)\s+(?:errors?|mistakes?|inconvenience)", 0.35),
        (r"\b(?:this|the\s+present)\s+(?:correction|erratum|corrigendum)\b|\bissu\w+\s+(?:a|this)\s+(?:correction|"
         r"erratum|corrigendum)", 1.2),
        (r"\bin\s+(?:the\s+|this\s+)?(?:version\s+of\s+this\s+)?article\s+(?:\w+\s+){0,6}(?:there\s+(?:was|were)|"
         r"(?:an?\s+)?errors?\s+(?:was|were|has|have))", 0.8),
        (r"\btypesetting\b", 0.4),
        # French and Spanish: "un erratum", "Corrección:", "fe de erratas", "rectificatif".
        (r"\b(?:un|une|una|el|le|la|cet|este|esta)\s+(?:erratum|corrigendum|rectificatif|fe\s+de\s+erratas|"
         r"correcci[óo]n)\b|^\s*(?:erratum|corrigendum|rectificatif|fe\s+de\s+erratas|correcci[óo]n)\s*:", 1.2),
    ),
    Nature.REINSTATEMENT: (
        (r"\breinstat\w+|\b(?:retraction|expression\s+of\s+concern)\s+(?:\w+\s+){0,3}(?:has\s+been|is|was)\s+"
         r"(?:withdrawn|rescinded|reversed|lifted|removed)", 2.0),
    ),
}
_BODY_RE = {nature: [(re.compile(p, re.I | re.M), w) for p, w in patterns] for nature, patterns in _BODY.items()}
# Cheap gates: a nature's statements are only looked for in sentences holding one of these stems.
_GATES: dict[Nature, tuple[str, ...]] = {
    Nature.RETRACTION: ("retract", "rétract"),
    Nature.PARTIAL_RETRACTION: ("retract",),
    Nature.WITHDRAWAL: ("withdr",),
    Nature.REMOVAL: ("removed",),
    Nature.EXPRESSION_OF_CONCERN: ("concern",),
    Nature.CORRECTION: ("correct", "correcc", "rectific", "error", "mistake", "typo", "omission", "inaccura", "should",
                        "errat", "corrigend", "wrongly", "apologi", "typesetting", "here", "regret"),
    Nature.REINSTATEMENT: ("reinstat", "rescind", "revers", "lifted", "withdrawn", "removed"),
}

# Sentences about publisher policy say "withdrawal" without withdrawing anything.
_POLICY = re.compile(r"policy\s+on\s+article\s+withdrawal|withdrawalpolicy|locate/withdrawal"
                     r"|(?:consent|approval|submission)\s+(?:\w+\s+){0,2}(?:has|have|was|were"
                     r"|had)\s+(?:been\s+)?withdrawn"
                     r"|withdr[ae]w\w*\s+(?:\w+\s+){0,2}(?:consent|support|submission|approval)", re.I)
# "would like to retract the article", "... the following paper", "... our paper" performs the retraction; "would
# like to retract the statement in this paper" retracts a part of it, and stays hedged.
_THE_ARTICLE = (r"(?:the|this|our|their|its|his|her)\s+(?:[\w-]+\s+)?(?:article|paper|manuscript|publication|study"
                r"|review|letter|report|chapter)\b")
# "...will decide whether the article should be retracted": a possibility, not the notice's act. Only a
# hedge governing the retraction verb counts ("could not be reproduced" elsewhere in the sentence does not).
_HEDGED = re.compile(r"\b(?:whether|if|may|might|could|would(?!\s+like\s+to\s+retract\s+" + _THE_ARTICLE
                     + r")|until|pending|consider\w*|possibl[ey])\s+"
                     r"(?:[\w,]+\s+){0,6}?(?:be\s+|been\s+)?(?:retract|withdraw)|\bnot\s+(?:\w+\s+)?(?:be|been)\s+(?:retracted|withdrawn)",
                     re.I)
_MIN_BODY = 0.5
# "An error appeared in this retraction notice": a correction of the notice, which retracts nothing itself.
_NOTICE_CORRECTED = re.compile(r"\b(?:errors?|mistakes?|typos?|inaccurac\w+)\s+(?:\w+\s+){0,3}in\s+(?:this|the|our)\s+"
                               r"(?:retraction|withdrawal|removal)\s+(?:notice|note|statement)", re.I)


def classify_nature(title: str, text: str) -> tuple[Nature, float]:
    """The nature of a notice from its title and body, with a confidence in [0, 1]."""
    titled = title_nature(title)
    body = body_scores(text)
    best = max(body, key=body.get) if body else None
    if titled is not None:
        agree = body.get(titled, 0.0)
        if titled is Nature.CORRECTION and _retraction_overrides_correction(body):
            # A notice titled "Erratum" whose body only retracts the article (seen in PMC): a retraction.
            return _retracting_choice(body), 0.7
        if titled is Nature.RETRACTION and body.get(Nature.PARTIAL_RETRACTION, 0) >= 1.2:
            return Nature.PARTIAL_RETRACTION, 0.8
        if titled is Nature.WITHDRAWAL and body.get(Nature.RETRACTION, 0) >= 1.0 \
                and body.get(Nature.WITHDRAWAL, 0) < body[Nature.RETRACTION]:
            return Nature.RETRACTION, 0.75
        return titled, 0.97 if agree >= _MIN_BODY else 0.85 if best in (titled, None) else 0.75
    if best is None or body[best] < _MIN_BODY:
        return Nature.UNCLASSIFIED, round(min(0.3, body[best] * 0.3), 3) if best else 0.0
    # The retracting natures compete as one family ("retracting Figure 3 from this article" is evidence
    # for both retraction and partial retraction); the family's best member is chosen afterwards.
    families: dict[Nature, float] = {}
    for nature, score in body.items():
        family = Nature.RETRACTION if nature.retracts else nature
        families[family] = max(families.get(family, 0.0), score)
    ranked = sorted(families.values(), reverse=True)
    winner = max(families, key=families.get)
    margin = ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0)
    if margin < 0.3:
        return Nature.UNCLASSIFIED, 0.3
    chosen = _retracting_choice(body) if winner is Nature.RETRACTION else winner
    return chosen, round(min(0.9, 0.5 + 0.2 * families[winner] + 0.1 * margin), 3)


def title_nature(title: str) -> Nature | None:
    """The nature a notice's title names, if any: at its start, its end, or as an unambiguous phrase."""
    if not title:
        return None
    m = _TITLE_START.search(title) or _TITLE_END.search(title) or _TITLE_PHRASE.search(title)
    if m is None:
        return None
    return Nature[m.lastgroup]


def body_scores(text: str) -> dict[Nature, float]:
    """Evidence for each nature in the body: the sum of matched statement weights, counting each sentence once."""
    scores: dict[Nature, float] = {}
    for sentence in sentences(text):
        s = _POLICY.sub(" ", sentence.text) if "withdr" in sentence.text.lower() else sentence.text
        lower = s.lower()
        notice_corrected = ("error" in lower or "mistake" in lower or "typo" in lower or "inaccura" in lower) \
            and _NOTICE_CORRECTED.search(s)
        if notice_corrected:
            scores[Nature.CORRECTION] = scores.get(Nature.CORRECTION, 0.0) + 1.2
        for nature, patterns in _BODY_RE.items():
            if not any(g in lower for g in _GATES[nature]) or notice_corrected and (
                    nature.retracts or nature is Nature.CORRECTION):
                continue
            weight = max((w for p, w in patterns if p.search(s)), default=0.0)
            if weight and nature.retracts and _HEDGED.search(s):
                weight *= 0.3
            if weight:
                scores[nature] = scores.get(nature, 0.0) + weight
    if Nature.CORRECTION in scores and Nature.RETRACTION in scores:
        # Retraction notices routinely mention errors; corrections rarely say "has been retracted".
        scores[Nature.CORRECTION] *= 0.5
    return scores


def _retraction_overrides_correction(body: dict[Nature, float]) -> bool:
    retracting = body.get(Nature.RETRACTION, 0) + body.get(Nature.WITHDRAWAL, 0)
    return retracting >= 1.0 and body.get(Nature.CORRECTION, 0) < 0.5


def _retracting_choice(body: dict[Nature, float]) -> Nature:
    """Retraction unless the notice only ever speaks of withdrawing (or removing) the article."""
    if body.get(Nature.PARTIAL_RETRACTION, 0) >= 1.2:
        return Nature.PARTIAL_RETRACTION
    if body.get(Nature.RETRACTION, 0) > 0:
        return Nature.RETRACTION
    if body.get(Nature.WITHDRAWAL, 0) > 0:
        return Nature.WITHDRAWAL
    return Nature.REMOVAL
