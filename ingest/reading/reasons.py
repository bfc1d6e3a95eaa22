"""Reasons for a notice, as Retraction Watch taxonomy concepts, each with the sentence that supports it.

An interpretable lexicon: every rule is a regular expression over one sentence, written from how
notices phrase a reason ("the peer-review process was inappropriately influenced", "overlap between
panels"), and names the reason in the current Retraction Watch wording. A reason is kept with every
sentence that supports it, so a reader sees why it was assigned. Publisher boilerplate (licences,
neutrality notes) is never read, and a few negations ("no evidence of misconduct") veto a rule in
their sentence. When a notice states that the article is retracted and gives no reason at all, it is
labelled "Notice - Limited or No Information", as Retraction Watch's curators do.

A rule is `_rule(labels, gate, expression, confidence, unless=...)`: `labels` are ";"-separated reasons the
phrasing states; `gate` is "|"-separated lower-case stems of which one must occur in the sentence (groups
joined by "&" must each be met), a cheap test that keeps the expressions off most sentences (the lexicon
runs at several hundred notices per second on one core). A few reasons follow from others found
(`IMPLIED`, the retraction-for-error rule, official misconduct findings); they quote the same evidence
with a lower confidence. Measure every change with `retractkg evaluate` (retractkg/evaluate_extraction.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retractkg.ingest.model import ReasonClaim, Span
from retractkg.ingest.reading.prose import Sentence, statements


@dataclass(frozen=True)
class Rule:
    labels: tuple[str, ...]  # current Retraction Watch wording; a phrasing may imply several reasons
    keys: tuple[frozenset[str], ...]  # a cheap gate before the expression: one stem of every group must occur
    pattern: re.Pattern[str]
    confidence: float
    unless: re.Pattern[str] | None = None  # the rule does not fire in a sentence matching this

    def fires(self, sentence: str, stems: set[str]) -> bool:
        """`stems`: the gate stems occurring in the sentence (see `_stems_in`)."""
        return (all(not group.isdisjoint(stems) for group in self.keys) and self.pattern.search(sentence) is not None
                and not (self.unless is not None and self.unless.search(sentence)))


# A word between the cue words of a phrasing may be a possessive ("the journal’s ethical policy", "Cincinnati
# Children's Hospital"): every "(?:\w+\s+)" of a rule reads as this (unambiguous, so it cannot backtrack).
_ANY_WORD = r"(?:\w+(?:[-’']\w+)*\s+)"


def _rule(label: str, keys: str, pattern: str, confidence: float = 0.8, unless: str | None = None) -> Rule:
    gate = tuple(frozenset(group.split("|")) for group in keys.split("&"))
    # Every phrasing starts at a word.
    pattern = pattern.replace(r"(?:\w+\s+)", _ANY_WORD)
    return Rule(tuple(label.split(";")), gate, re.compile(r"\b(?:" + pattern + ")", re.I), confidence,
                re.compile(unless, re.I) if unless else None)


# Building blocks, so that rules read like the notices they match.
_IMG = r"(?:fig(?:ure)?s?\.?|images?|(?<!review\s)panels?|micrographs?|photographs?|blots?|western\s+blots?|gels?" \
       r"|bands?|immunoblots?|loading\s+controls?|histolog\w*|flow[- ]cytometry)"
_DUP = r"(?:duplicat\w*|overlap\w*|identical|the\s+same\s+as|same\s+(?:images?|panels?|micrographs?|sources?)" \
       r"|re-?used|reus\w+|repeated|repetiti\w+|similarit\w+|similar|shared|derived\s+from\s+(?:no\s+more\s+than" \
       r"|the\s+same)" \
       r"|appeared?\s+(?:\w+\s+){0,4}in\s+(?:our|their|a|an)\s+previous|already\s+appeared|re-?published|copied)"
# A token of a list of figure panels, where a parenthesised aside counts as one ("Figures one C (let-7a and
# let-7a#), four B (...) ... were duplicated"); written so that a text splits into tokens one way only.
_TOKEN = r"(?:\([^()\n]{0,80}\)\S*\s+|[^\s(]\S*\s+|\((?![^()\n]{0,80}\))\S*\s+)"
_NEG_MISCONDUCT = r"\bno\s+(?:evidence|indication|finding|suggestion)\s+(?:\w+\s+){0,4}(?:misconduct|fabricat" \
                  r"|falsif|manipulat)" \
                  r"|\bnot\s+(?:\w+\s+){0,3}(?:misconduct|intentional|deliberate)|\bhonest\s+error"

RULES: tuple[Rule, ...] = (
    # -- peer review -----------------------------------------------------------------------
    _rule("Compromised Peer Review", "review",
          r"peer[- ]?review\w*\s+(?:process\s+)?(?:was|were|had\s+been|has\s+been)\s+(?:\w+\s+){0,3}"
          r"(?:compromised|manipulated|influenced|fake|fabricated|rigged|subverted)"
          r"|(?:fake|fabricated|false|fictitious|fraudulent|bogus)\s+(?:\w+\s+){0,3}(?:peer[- ]?)?reviewers?"
          r"|(?:fake|fabricated|false|manipulat\w+|compromised)\s+(?:the\s+)?peer[- ]?review"
          r"|false\s+information\s+(?:\w+\s+){0,4}peer[- ]?review|(?:suggested"
          r"|recommended)\s+reviewers?\s+(?:\w+\s+){0,6}"
          r"(?:fake|fabricated|false|not\s+genuine)|manipulat\w*\s+(?:of\s+)?(?:the\s+)?peer[- ]?review", 0.9,
          # A conflict of interest "compromising" review is the conflict; "manipulated or compromised peer review"
          # is one item of the publishers' list of possible indicators (curators take it for the item it is
          # about in one case of five, Retraction Watch export sample 2025).
          unless=r"interests?\b|manipulated\s+or\s+compromised\s+peer\s+review|one\s+or\s+more\s+of\s+the\s+following"),
    # The publishers' paper-mill template (Hindawi, Wiley, SAGE 2022-): "indicators of systematic manipulation of
    # the publication process", listing inappropriate citations and incoherent content.
    # Curated with Paper Mill in 63% of cases (Hindawi 2023, Retraction Watch export sample 2025).
    _rule("Investigation by Journal/Publisher;Concerns/Issues about Peer Review;Paper Mill",
          "systematic manipulation|publication process&manipulat|compromised",
          r"(?:systematic|possible)\s+manipulation\s+of\s+the\s+(?:publication|peer[- ]review)\s+process"
          r"|publication\s+process\s+(?:\w+\s+){0,3}(?:manipulated|compromised)", 0.75),
    _rule("Computer-Aided Content or Computer-Generated Content", "incoherent|meaningless|nonsensical",
          r"(?:incoherent|meaningless|nonsensical)\s+(?:\w+\s+|,\s*|and/or\s+){0,4}(?:content|text|language|phrases)",
          0.6),
    _rule("Concerns/Issues about Data", "discrepanc&data",
          r"discrepanc\w+\s+between\s+the\s+availability\s+of\s+data|data\s+availability\s+(?:\w+\s+){0,3}"
          r"(?:discrepanc|not\s+consistent|inconsisten)", 0.6),
    _rule("Breach of Policy by Author", "publication principles|in violation of",
          r"in\s+violation\s+of\s+(?:\w+[’']?s?\s+){1,4}(?:publication\s+principles|polic(?:y|ies)|guidelines)", 0.7),
    _rule("Investigation by Journal/Publisher", "found|identified|determined|confirmed|noted|observed|concluded|"
                                                "examined|reviewed|looked into|assessed&editor|journal|publisher|"
                                                "editorial|plos|frontiers|hindawi|elsevier|springer|wiley",
          r"(?:editors?(?:-in-chief)?|journal|publisher|editorial\s+(?:office|board|team)|PLOS|Frontiers|Hindawi"
          r"|Elsevier|Springer(?:\s+Nature)?|Wiley)\s+(?:\w+\s+){0,2}(?:found|identified|determined|confirmed|noted"
          r"|observed|concluded|examined|reviewed|looked\s+into|assessed)\b", 0.6,
          unless=r"\b(?:authors?|we|I)\s+(?:\w+\s+){0,2}(?:found|identified|noted|observed)"),
    _rule("Investigation by Journal/Publisher", "expert committee|duly constituted|came to the attention|"
                                                "come to the attention|brought to the attention|alerted|"
                                                "made aware&journal|editor|publisher|frontiers|plos|ieee|our",
          r"(?:review|evaluation)\s+(?:\w+\s+){0,6}by\s+a\s+duly\s+constituted\s+expert\s+committee"
          r"|(?:came|come|brought)\s+to\s+the\s+attention\s+of\s+the\s+(?:journal|editors?|publisher|editorial)"
          r"|(?:journal|editors?|publisher|editorial\s+office)\s+(?:was|were|has\s+been|have\s+been)\s+"
          r"(?:made\s+aware|alerted|informed|notified)", 0.6),
    _rule("Investigation by Third Party",
          "third part|external|sleuth|pubpeer|independent|research integrity expert",
          r"(?:concerns?|issues?|allegations?|questions?)\s+(?:\w+\s+){0,3}(?:raised|reported|flagged|brought\s+forward)\s+"
          r"(?:\w+\s+){0,2}by\s+(?:an?\s+|the\s+)?(?:third[- ]part(?:y|ies)|external|independent|sleuths?|pubpeer)"
          r"|(?:external|independent)\s+(?:\w+\s+){0,4}(?:researchers|experts|sleuths|investigators)\s+(?:\w+\s+){0,8}"
          r"(?:contribut\w+|assist\w+)\s+(?:to|in|with)\s+(?:this|the)\s+investigation", 0.65),
    _rule("Objections by Author(s)", "agree|object|disput|stand by|unwarranted|unjustified|unfair",
          r"(?:do|does|did)\s+not\s+agree\s+(?:to|with)\s+(?:this|the)\s+(?:retraction|decision|notice|statement)"
          r"|considers?\s+(?:this|the)\s+retraction\s+(?:to\s+be\s+)?(?:unwarranted|unjustified|unfair)"
          r"|disagree[sd]?\s+(?:to|with)\s+(?:this|the)\s+(?:retraction|decision|notice)"
          r"|object(?:s|ed)?\s+to\s+(?:this|the)\s+(?:retraction|decision|notice)"
          r"|(?:authors?|they)\s+(?:\w+\s+){0,2}(?:stand|stands)\s+by\s+(?:the|their|its|the\s+article[’']?s)\s+"
          r"(?:findings|results|conclusions|data|work)|dispute[sd]?\s+the\s+(?:retraction|decision|findings\s+of)",
          0.6),
    _rule("Rogue Editor", "guest edit&compromis|manipulat|in accordance|inappropriate|irregular|concern",
          r"guest[- ]edit\w*\s+(?:\w+\s+){0,12}(?:compromised|manipulated|not\s+(?:carried\s+out\s+)?in\s+accordance|"
          r"inappropriate|irregular|concerns?)|(?:compromised|manipulated|irregular)\s+(?:\w+\s+){0,12}guest[- ]edit",
          0.6),
    _rule("Concerns/Issues about Third Party Involvement", "third part&involv|agenc|service",
          r"third[- ]part(?:y|ies)\s+(?:involvement|agenc\w+|services?)"
          r"|involvement\s+of\s+(?:an?\s+)?third[- ]part(?:y|ies)", 0.6),
    _rule("Misconduct by Third Party", "third part|agenc|paper mill",
          r"third[- ]part(?:y|ies)\s+(?:\w+\s+){0,3}(?:manipulat|fabricat"
          r"|submitted\s+fake)"
          r"|(?:agency|agencies|paper\s+mill)\s+(?:\w+\s+){0,4}(?:manipulat|fabricat|falsif)", 0.7,
          # A third party manipulating peer review is curated as compromised peer review alone (Misconduct by
          # Third Party beside it in 9% of such retractions before 2018, Retraction Watch export sample 2025).
          unless=r"peer[- ]?review"),
    _rule("Paper Mill", "mill|agenc|compan",
          r"paper[- ]mills?\b|(?:third[- ]party|commercial)\s+(?:\w+\s+){0,2}(?:agenc|compan)\w*\s+"
          r"(?:\w+\s+){0,4}(?:produc|wr[io]t|sold|selling)", 0.85),
    _rule("Concerns/Issues about Peer Review", "peer review|peer-review",
          r"(?:concerns?|issues?"
          r"|irregularit\w+)\s+(?:\w+\s+){0,4}(?:the\s+)?peer[- ]review(?!\s+process\s+(?:was|were)\s+"
          r"(?:\w+\s+){0,3}compromised)|not\s+adequately\s+addressed\s+during\s+peer\s+review", 0.55),
    # -- plagiarism and duplication --------------------------------------------------------
    _rule("Plagiarism of Text", "plagi",
          r"plagiari[sz]\w*|plagiat\w*|plagiriaz\w*", 0.8,
          unless=r"(?:image|figure|data)\s+(?:\w+\s+){0,3}plagiari|plagiari\w+\s+(?:of\s+)?(?:the\s+)?"
                 r"(?:images?|figures?|data)|no\s+(?:evidence\s+of\s+)?plagiari"),
    _rule("Plagiarism of Text", "text|passage|sentence|paragraph|section|wording|expression|without",
          r"(?:text|passages?|sentences?|paragraphs?|sections?|wording|expressions?)\s+(?:\w+\s+){0,8}"
          r"(?:identical|duplicated|copied|taken|verbatim|overlap\w*|reproduced)\s+(?:\w+\s+){0,5}(?:from|with"
          r"|to|of)\s+"
          r"(?:\w+\s+){0,4}(?:other|another|previously|published|sources?|authors?|articles?|papers?|those)"
          r"|copied\s+text|(?:overlapping|duplicated|copied)\s+(?:\w+\s+){0,2}(?:text|passages?|sentences?)\s+"
          r"(?:\w+\s+){0,2}from\s+(?:an?\s+|the\s+)?(?:other|another|different)\b"
          r"|(?:large|substantial|significant|considerable)\s+(?:amount|portion|part)s?\s+of\s+(?:the\s+)?text"
          r"|without\s+(?:proper\s+|appropriate\s+|adequate\s+|due\s+)?(?:citation|attribution|acknowledg\w+"
          r"|reference)", 0.7),
    _rule("Euphemisms for Plagiarism", "from|with|without|originat|attributed&text|passage|sentence|material|content|"
                                       "portion|section|part|overlap|figure|attribution|citation|acknowledg|"
                                       "originate|attributed|permission",
          r"(?:text|passages?|sentences?|material|materials|content|portions?|sections?|parts?|overlap|figure)\s+"
          r"(?:\w+\s+){0,8}(?:duplicated|copied|taken|reproduced|identical|overlap\w*|originat\w*)\s+(?:\w+\s+){0,4}"
          r"(?:from|with|to|in)\s+(?:\w+\s+){0,4}(?:other|another|previously\s+published"
          r"|published\s+(?:articles?|papers?|work)"
          r"|(?:the\s+)?thesis|different\s+authors?|a\s+different\s+laboratory)"
          r"|without\s+(?:\w+\s+){0,3}(?:attribution|citation|acknowledg\w+|reference\s+to\s+the\s+original)"
          r"|(?:overlapping|duplicated|copied)\s+(?:\w+\s+){0,2}(?:text|passages?|sentences?|material|content)\s+"
          r"(?:\w+\s+){0,2}from\s+(?:an?\s+|the\s+)?(?:other|another|different)\b"
          r"|(?:did\s+not\s+originate|not\s+duly\s+attributed|without\s+(?:his|her"
          r"|their)\s+knowledge\s+or\s+permission)",
          0.6, unless=r"plagiari|same\s+authors?|their\s+(?:own\s+)?previous|our\s+previous"
                      r"|(?:published|written|authored)\s+by\s+the\s+authors"),
    _rule("Plagiarism of/in Article", "plagi|copied|taken|entirety|whole",
          r"(?:article|paper|study|manuscript)\s+(?:\w+\s+){0,6}(?:was|is|were|has\s+been)\s+(?:\w+\s+){0,2}"
          r"(?:plagiari[sz]ed|copied|taken)\s+(?:\w+\s+){0,3}from|(?:copied|plagiari[sz]ed|taken)\s+(?:\w+\s+){0,3}"
          r"(?:in\s+(?:its|their)\s+entirety|as\s+a\s+whole)", 0.7),
    # Notices saying only "contains material from another publication" are curated either way (text or article).
    _rule("Euphemisms for Plagiarism;Plagiarism of Text;Plagiarism of/in Article", "material|content",
          r"contains?\s+(?:\w+\s+){0,4}materials?,?\s+(?:[\w,]+\s+){0,3}(?:from|taken\s+from)\s+(?:\w+\s+){0,3}"
          r"(?:other|another|the\s+paper|publications?|following|published|an?\s+article|(?:the\s+|a\s+)?"
          r"(?:dissertation|thesis))"
          r"|origin\s+of\s+(?:a\s+)?majority\s+of\s+the\s+content", 0.65, unless=r"plagiari|same\s+authors"),
    _rule("Plagiarism of Image", "image|figure|photograph|micrograph|data",
          r"plagiari\w*\s+(?:\w+\s+){0,8}(?:figures|images|photographs|micrographs)\b"
          r"|(?:images?|figures?|photographs?|micrographs?)\s+(?:\w+\s+){0,8}(?:plagiari|did\s+not\s+originate"
          r"|taken\s+from"
          r"\s+(?:\w+\s+){0,3}(?:other|another|different)|(?:without|not)\s+(?:\w+\s+){0,3}(?:attributed|permission))"
          r"|used\s+(?:figures?|images?|photographs?)\s+from\s+(?:a|an|the)\s+previously\s+published"
          r"|(?:figures?|images?|data)\s+(?:\w+\s+){0,8}similar\s+to\s+(?:\w+\s+){0,3}(?:published\s+)?(?:data"
          r"|images?)\s+"
          r"from\s+a\s+different\s+laborator", 0.65),
    _rule("Duplication of/in Article", "duplicate|already|previously|simultaneous|redundant|dual|double|twice&"
                                       "publi|submi|duplicate",
          r"duplicate\s+(?:publication|submission|article|paper)|submitted\s+to\s+two\s+(?:\w+\s+)?journals"
          r"|(?:(?:has|had|have|was|were|is)\s+(?:already|previously|simultaneously)\s+(?:been\s+)?"
          r"|(?:already|previously|simultaneously)\s+been\s+)(?:published|submitted)\s+(?:\w+\s+){0,4}(?:in|to|elsewhere)"
          r"|(?:is|was)\s+a\s+duplicate\s+of|published\s+(?:\w+,?\s+){0,2}simultaneously"
          r"|(?:redundant|dual|double)\s+publication|published\s+(?:\w+\s+){0,2}(?:twice|in\s+two\s+journals)", 0.7,
          unless=r"plagiari|text\s+that|other\s+authors|another\s+group|different\s+laborator|published\s+in\s+error"
                 r"|republished\s+in\s+error"),
    # Overlap with earlier work is the whole article's duplication only where the notice names no part that
    # overlaps: "expressions identical to", "overlap with a figure and text" are curated as those parts.
    _rule("Duplication of/in Article", "overlap|identical&publi|work|article|paper",
          r"overlap\s+(?:\w+\s+){0,8}(?:already|previously)\s+(?:appeared|been\s+published)"
          r"|(?:overlap|identical)\s+(?:\w+\s+){0,6}(?:previously\s+published|(?:their|our|own)\s+(?:previous"
          r"|earlier)\s+(?:work|article|paper|publication))|substantial(?:ly)?\s+(?:\w+\s+){0,3}overlap\w*\s+with\s+"
          r"(?:\w+\s+){0,3}(?:previously|published|article|paper)", 0.7,
          unless=r"plagiari|other\s+authors|another\s+group|different\s+laborator|\b(?:text|sections?|passages?"
                 r"|sentences?|paragraphs?|expressions?|wording|figures?|images?|panels?|data)\b"),
    _rule("Euphemisms for Duplication", "overlap|appeared",
          r"(?:extensive|substantial|significant|considerable"
          r"|large)\s+overlap\s+(?:\w+\s+){0,8}(?:previously\s+)?published"
          r"|overlap\s+with\s+(?:a\s+|an\s+)?(?:figure|text|previously|their|our|published)"
          r"|(?:also\s+)?appeared,?\s+(?:\w+\s+){0,6}in\s+(?:our|their)\s+previous\s+publication", 0.55,
          unless=r"duplicat|plagiari"),
    _rule("Duplication of Text", "text|section|passage|paragraph|duplicity",
          r"(?:text|sections?|passages?|paragraphs?)\s+(?:\w+\s+){0,6}(?:duplicated|overlap\w*|duplicity)"
          r"|(?:duplicat\w+|duplicity)\s+(?:of\s+)?(?:the\s+)?text|overlapping\s+text"
          r"|overlap\s+(?:with|of)\s+(?:\w+\s+){0,3}text\s+(?:\w+\s+){0,3}(?:previously|published|article|paper)"
          r"|text\s+that\s+has\s+been\s+duplicated",
          0.6, unless=r"plagiari"),
    _rule("Duplication of/in Image", "fig|image|panel|micrograph|photograph|blot|gel|band|loading control|histolog|"
                                     "cytometry|duplication&duplicat|overlap|identical|same|used|reus|repeat|similar|"
                                     "shared|derived|appear|published|copied",
          rf"{_IMG}\s+(?:{_TOKEN}|[\d,;&()–-]+(?=\w)){{0,14}}{_DUP}"
          rf"|{_DUP}\s+(?:\w+\s+|[\d,;&()–-]+\s*){{0,6}}{_IMG}"
          r"|(?:improper|inappropriate)\s+(?:\w+\s+){0,3}(?:replication|duplication)\s+of\s+(?:figures?|images?)"
          r"|data\s+duplication", 0.75,
          unless=r"\bnot\s+(?:been\s+)?(?:duplicat|reused)|\b(?:text|tables?)\s+(?:only|alone)"),
    _rule("Duplication of Data", "duplicat|replicat|shared|identical",
          r"duplicat\w+\s+data|data\s+duplication|data\s+(?:\w+\s+){0,6}(?:duplicated|shared\s+with|identical)"
          r"|(?:improper|inappropriate)\s+replication\s+of|featured\s+duplicated", 0.6),
    _rule("Concerns/Issues about Image", "fig|image|panel|micrograph|photograph|blot|gel|band|loading control|"
                                         "histolog|cytometry|background",
          r"(?:concerns?|questions?|issues?|anomal\w+|irregularit\w+|inconsistenc\w+|problems?)\s+(?:\w+\s+){0,5}"
          rf"(?:{_IMG}|figures?|data\s+presented\s+in\s+figs?)|image\s+integrity|{_IMG}\s+(?:\w+\s+){{0,4}}"
          r"(?:anomal\w+|irregularit\w+|inconsistenc\w+|concerns?)"
          r"|background\s+(?:\w+\s+){0,2}(?:inconsistenc\w+|features?|patterns?)", 0.65),
    _rule("Manipulation of Images", "manipul|splic|edited|alter|modif|tamper|beautif|flip|rotat|revers|stretch|"
                                    "contrast&image|fig|panel|blot|band|trace|spectra|contrast|revers",
          r"(?:images?|figures?|panels?|blots?|bands?|traces?|spectra)\s+(?:\w+\s+){0,6}(?:manipulat\w+|spliced|edited|"
          r"altered|modified|tampered|beautif\w+|flipped|rotated|reversed|stretched)"
          r"|(?:manipulat\w+|splic\w+|alter\w+|tamper\w+)\s+(?:\w+\s+){0,4}(?:images?|figures?|panels?|blots?|bands?)"
          r"|contrast\s+changes|have\s+been\s+reversed", 0.7, unless=_NEG_MISCONDUCT),
    _rule("Falsification/Fabrication of Image", "fabricat|falsif",
          r"(?:fabricat\w+|falsif\w+)\s+(?:\w+\s+){0,3}(?:images?|figures?)|(?:figures?|images?)\s+(?:\w+\s+){0,4}"
          r"(?:fabricat\w+|falsif\w+)|figure\s+fabrication", 0.75, unless=_NEG_MISCONDUCT),
    _rule("Falsification/Fabrication of Data", "fabricat|falsif",
          r"(?:fabricat\w+|falsif\w+)\s+(?:\w+\s+){0,4}(?:data|results?|experiments?|values?|measurements?)"
          r"|(?:data|results?)\s+(?:\w+\s+){0,4}(?:fabricat\w+|falsif\w+)|fabrication\s+of\s+data|(?:fabricated"
          # ... but not a thing made ("PLGA scaffolds fabricated by salt fusion technique", "fabricated using").
          r"|falsified)\b(?!\s+(?:using|via|through|with|from|on|onto)\b)"
          r"(?!\s+by\s+(?:\w+[\s-]+){0,3}(?:techniques?|methods?|process\w*|printing|lithography|deposition|fusion"
          r"|casting|spinning|sintering|etching|coating|synthesis|assembly)\b)",
          0.75, unless=_NEG_MISCONDUCT + r"|fabricated\s+details\s+of\s+(?:potential\s+)?(?:peer\s+)?reviewers|"
                                         r"(?:fake|fabricated)\s+(?:\w+\s+)?reviewers?"),
    _rule("Manipulation of Data", "manipul",
          r"data\s+manipulation|manipulat\w+\s+(?:of\s+)?(?:the\s+)?data|data\s+(?:\w+\s+){0,3}(?:were|was"
          r"|had\s+been)\s+"
          r"manipulated", 0.7, unless=_NEG_MISCONDUCT),
    _rule("Manipulation of Results", "manipul",
          r"manipulat\w+\s+(?:of\s+)?(?:the\s+)?results|results\s+(?:were|was|had\s+been)\s+manipulated", 0.6,
          unless=_NEG_MISCONDUCT),
    # -- data, results, errors -----------------------------------------------------------------
    _rule("Concerns/Issues about Data", "data&concern|question|doubt|issue|quer|inconsisten|irregular|anomal|"
                                        "discrepan|accuracy|validity|integrity|reliab|realiab|provenance|"
                                        "confidence|repetition|problem",
          r"(?:concerns?|questions?|doubts?|issues?|queries|inconsistenc\w+|irregularit\w+|anomal\w+|discrepanc\w+)\s+"
          r"(?:\w+\s+){0,6}(?:the\s+|some\s+of\s+the\s+|underlying\s+)?(?:raw\s+)?data\b"
          r"|(?:accuracy|validity|integrity|reliability|realiability|provenance)\s+of\s+(?:\w+\s+){0,3}data"
          r"|data\s+(?:\w+\s+){0,2}(?:integrity|reliability|realiability|validity)\s+(?:issues?|concerns?)"
          r"|no\s+longer\s+have\s+confidence\s+in\s+(?:\w+\s+){0,4}data"
          r"|(?:unlikely|unexpected)\s+(?:repetitions|similarities)\s+in\s+the\s+data|(?:anomalies|problems)\s+with\s+the\s+data",
          0.65),
    _rule("Unreliable Data", "data",
          r"data\s+(?:\w+\s+){0,6}(?:are|is|were|was|be)\s+(?:therefore\s+|now\s+|deemed\s+|considered\s+)?"
          r"(?:unreliable|not\s+reliable|invalid|not\s+valid|compromised|questionable)"
          r"|(?:reliability|validity)\s+of\s+the\s+data\s+(?:\w+\s+){0,6}(?:questioned|doubt|compromised)"
          r"|called\s+into\s+question\s+the\s+reliability\s+of\s+the\s+data"
          r"|unreliable\s+data|cannot\s+(?:be\s+)?(?:rel[yi]\w*|trust\w*)\s+(?:\w+\s+){0,3}data", 0.7),
    _rule("Error in Data", "error|mistake|inaccura|incorrect|erroneous|wrong|mixed up|mix up|mislabel|misclassif|"
                           "miscalculat|shift|bug|swapped|switched",
          r"(?:errors?|mistakes?|inaccurac\w+|mix-?ups?)\s+(?:\w+\s+){0,5}(?:in|of|with|during)\s+(?:the\s+)?"
          r"(?:\w+\s+){0,2}(?:data|dataset|database|values|measurements|calculations?|numbers|sample\s+sizes?|samples"
          r"|quantification|sequenc\w+|label+ing|spreadsheets?|files|records|entries|cohort)"
          r"|(?:data|values|measurements|numbers|samples|labels)\s+(?:\w+\s+){0,4}(?:was|were|are|is|had\s+been)\s+"
          r"(?:\w+\s+){0,2}(?:incorrect|erroneous|wrong|inaccurate|swapped|switched|mixed\s+up"
          r"|incorrectly\s+(?:entered|recorded|calculated|assigned|labell?ed|reported)"
          r"|mislabel\w+|misclassif\w+|miscalculat\w+)|data\s+errors|erroneous\s+data|incorrect\s+data"
          r"|misclassification|miscalculat\w+|spreadsheet\s+error"
          r"|(?:bug|error)\s+in\s+(?:\w+\s+){0,3}(?:script|code|software|program)", 0.65),
    _rule("Error in Analyses", "error|mistake|flaw|incorrect|erroneous|wrong|bug|artifact",
          r"(?:errors?|mistakes?|flaws?)\s+(?:\w+\s+){0,4}(?:in|of)\s+(?:the\s+)?(?:\w+\s+){0,2}(?:statistical\s+)?"
          r"(?:analys[ie]s|statistics|calculations?|computations?|modell?ing|coding)"
          r"|(?:statistical|analytical|analysis|coding|calculation)\s+errors?"
          r"|incorrect(?:ly)?\s+(?:\w+\s+){0,2}analy[sz]"
          r"|(?:analys[ie]s|statistics)\s+(?:\w+\s+){0,4}(?:was|were)\s+(?:\w+\s+){0,2}(?:incorrect|flawed"
          r"|erroneous|wrong)"
          r"|(?:bug|error)\s+in\s+(?:\w+\s+){0,3}(?:script|code|software|program)|pcr\s+artifact", 0.6),
    _rule("Error in Methods", "error|mistake|flaw|incorrect|erroneous|wrong|inappropriate|invalid|identif|bug|"
                              "improper|unsuitable",
          r"(?:errors?|mistakes?|flaws?)\s+(?:\w+\s+){0,4}(?:in|of)\s+(?:the\s+)?(?:\w+\s+){0,2}"
          r"(?:methods?|methodology|experimental\s+design|protocols?|procedures?|genotyping|identification|assays?)"
          r"|(?:methods?|methodology|experimental\s+design|protocol)\s+(?:\w+\s+){0,4}(?:was|were|is)\s+(?:\w+\s+){0,2}"
          r"(?:flawed|incorrect|erroneous|wrong|inappropriate|invalid)|mis-?identif\w+|technical\s+errors?"
          r"|(?:bug|error)\s+in\s+(?:\w+\s+){0,3}(?:script|code|software|program)|methodological\s+(?:error|flaw)s?"
          r"|(?:undisclosed|inadvertent)\s+errors?\s+in\s+(?:\w+\s+){0,3}(?:design|genotyping)"
          r"|(?:inappropriate|incorrect|wrong|improper|unsuitable)\s+(?:selection|choice|use)\s+(?:\w+\s+){0,3}of\s+"
          r"(?:the\s+)?(?:\w+\s+){0,2}(?:cells?|cell\s+(?:lines?|types?)|models?|controls?|assays?|methods?|techniques?"
          r"|animals?|strains?|samples?|statistical\s+tests?)\b", 0.6,
          unless=r"(?:editorial|publication|production)\s+process|typesetting|by\s+the\s+(?:journal|publisher)"
                 r"|duplicity|duplication\s+of\s+(?:the\s+)?(?:article|publication)|duplicate\s+publication"),
    _rule("Error in Materials", "wrong|incorrect|mislabel|misidentif|not correct|pure",
          r"(?:wrong|incorrect|mislabel\w+|misidentified)\s+(?:\w+\s+){0,2}(?:reagents?|antibod\w+|plasmids?"
          r"|constructs?"
          r"|strains?|compounds?|samples?|primers?|mice|animals?|plants?)"
          r"|(?:reagents?|antibod\w+|plasmids?|constructs?|strains?|compounds?|transgenic\s+plants?)\s+(?:\w+\s+){0,6}"
          r"(?:were|was)\s+(?:\w+\s+){0,2}(?:not\s+correct|incorrect|wrong|mislabel\w+|not\s+(?:the\s+)?pure|impure)",
          0.6),
    _rule("Contamination of Cell Lines/Tissues", "contaminat|misidentif|authentication",
          r"(?:cell\s+lines?|cells|tissues?|cultures?)\s+(?:\w+\s+){0,6}(?:contaminat\w+|misidentif\w+"
          r"|cross-contaminat\w+)"
          r"|(?:contaminat\w+|misidentif\w+)\s+(?:\w+\s+){0,3}(?:cell\s+lines?|cells|cultures?)"
          r"|authentication\s+of\s+the\s+cell",
          0.8),
    _rule("Contamination of Materials", "contaminat",
          r"(?:reagents?|samples?|compounds?|solutions?|materials?|antibod\w+)\s+(?:\w+\s+){0,4}(?:were"
          r"|was)\s+contaminated",
          0.7),
    _rule("Error in Image", "error|mistake|mistakenly|inadvertently|incorrect|wrong|erroneous|unintended|mislabel",
          r"(?:errors?|mistakes?)\s+(?:\w+\s+){0,3}(?:in|of|with)\s+(?:the\s+)?(?:figs?\.?|figures?|images?|panels?)"
          r"|(?:figs?\.?|figures?|images?|panels?)\s+(?:[\w,]+\s+){0,8}(?:mistakenly|inadvertently|incorrectly"
          r"|erroneously)"
          r"|(?:incorrect|wrong|erroneous)\s+(?:\w+\s+){0,1}(?:figs?\.?|figures?|images?|panels?)"
          r"|unintended\s+duplicate\s+image|mislabel\w+\s+of\s+the\s+[xy][- ]axis", 0.65),
    _rule("Error in Text", "error|mistake|typesetting",
          r"(?:errors?|mistakes?)\s+(?:\w+\s+){0,3}in\s+(?:the\s+)?(?:text|wording|typesetting)"
          r"|typesetting\s+errors?", 0.5),
    _rule("Error in Results and/or Conclusions", "invalid|incorrect|not valid|wrong|erroneous|false|not supported|"
                                                 "no longer|unsupported|inaccurate|flawed|error|mistake|"
                                                 "retract the conclusion|cannot be supported|invalidat|not correct|"
                                                 "elements|aspects|parts",
          r"(?:conclusions?|results?|findings?|claims?)\s+(?:\w+\s+|[(),]\s*){0,10}(?:is|are|was|were"
          r"|be)\s+(?:\w+\s+){0,3}"
          r"(?:invalid|incorrect|not\s+valid|wrong|erroneous|false|not\s+supported|no\s+longer\s+(?:\w+\s+)?(?:valid"
          r"|supported|significant|different|correct)"
          r"|unsupported|inaccurate|flawed)|(?:errors?|mistakes?)\s+(?:\w+\s+){0,3}(?:in"
          r"|of)\s+(?:the\s+)?(?:results|conclusions?)"
          r"|retract\s+the\s+conclusion|(?:conclusion|results?)\s+(?:\w+\s+){0,4}(?:not\s+supported"
          r"|cannot\s+be\s+supported)"
          r"|invalidat\w+\s+(?:\w+\s+){0,3}(?:results|conclusions?|findings)|(?:results|conclusions?|findings)\s+"
          r"(?:\w+\s+){0,4}(?:have|has|had)\s+been\s+invalidated|(?:is|are)\s+therefore\s+(?:not\s+correct|invalid)"
          r"|(?:errors?|mistakes?)\s+(?:\w+\s+){0,6}(?:affect\w*|led\s+to|changes?\s+in)\s+(?:\w+\s+){0,4}"
          r"(?:results|conclusions?|findings)|(?:elements|aspects|parts|claims)\s+of\s+the\s+(?:\w+\s+){0,2}"
          r"(?:paper|article|study|report)\s+(?:\w+\s+){0,4}(?:are|were|is|was)\s+(?:\w+\s+)?(?:incorrect|false|wrong)"
          # "our original conclusion that <a long statement of it> is incorrect"
          r"|(?:original|main|major|central|principal|primary|key)\s+(?:conclusions?|findings?|claims?)\s+that\s+"
          r"[^.]{0,300}?\b(?:is|are|was|were)\s+(?:now\s+)?(?:incorrect|invalid|not\s+valid|wrong|false|not\s+correct"
          r"|unsupported|not\s+supported)"
          r"|(?:results?|findings?|conclusions?)\s+(?:presented|shown|reported|described)\s+in\s+[^.]{0,60}?\b"
          r"(?:are|is|were|was)\s+(?:therefore\s+)?(?:not\s+valid|invalid|incorrect|wrong|erroneous)",
          0.65),
    _rule("Concerns/Issues about Results and/or Conclusions", "result|conclusion|finding|validity|rationale|"
                                                              "soundness|question",
          r"(?:concerns?|questions?|doubts?|issues?|controvers\w+|dispute)\s+(?:\w+\s+){0,8}(?:results?"
          r"|conclusions?|findings"
          r"|validity|rationale|scientific\s+soundness|soundness)|(?:validity|soundness)\s+of\s+(?:\w+\s+){0,4}"
          r"(?:results|conclusions?|findings|article|study)|call\s+into\s+question\s+the\s+(?:validity|article)", 0.55),
    _rule("Unreliable Results and/or Conclusions", "confidence|unreliable|not reliable|relied|questionable|"
                                                   "validity|reliability|rigor|rigour|reliable",
          r"no\s+longer\s+(?:has|have)\s+confidence\s+in\s+(?:\w+\s+|[’'])*?(?:results?|conclusions?|findings|"
          r"integrity|soundness|reliability|article|study|work|paper|figures)"
          r"|(?:results?|conclusions?|findings|work|article)\s+(?:\w+\s+){0,4}(?:are|is|be"
          r"|were)\s+(?:therefore\s+|now\s+)?"
          r"(?:unreliable|not\s+reliable|cannot\s+be\s+relied|questionable)|cannot\s+be\s+relied\s+upon"
          r"|(?:affected|undermine[sd]?|compromise[sd]?)\s+the\s+(?:validity|reliability)\s+of\s+the\s+(?:article|results"
          r"|findings|conclusions|study)|lack\s+of\s+rigou?r|no\s+longer\s+(?:be\s+)?(?:considered\s+)?reliable"
          r"|(?:do|does)\s+not\s+have\s+confidence\s+in\s+(?:\w+\s+){0,4}(?:conclusions|results|findings|figures)"
          r"|unreliable\s+(?:results|conclusions|findings)", 0.7),
    _rule("Results Not Reproducible", "reproduc|replicat|repeat|confirmed",
          r"(?:unable|not\s+able|failed|could\s+not|cannot|can\s+not|were\s+not\s+able)\s+(?:to\s+)?(?:\w+\s+){0,2}"
          r"(?:reproduc\w+|replicat\w+|repeat)|(?:not|non-?|ir)\s*reproducib\w+|could\s+not\s+be\s+(?:reproduced"
          r"|replicated|"
          r"repeated|confirmed)|failed\s+(?:\w+\s+){0,2}replicat\w+|lack\s+of\s+reproducibility", 0.8),
    # -- investigations and misconduct ----------------------------------------------------------
    _rule("Investigation by Journal/Publisher", "investigat|inquiry|review|assessment|evaluation|analysis|checks|"
                                                "discovered|found|complaints&journal|publisher|editor|frontiers|plos|"
                                                "we |investigat|checks",
          r"(?:journal|publisher|editors?|editorial\s+(?:board|office|team)|frontiers|plos|we)\s+(?:\w+\s+){0,3}"
          r"(?:conducted|carried\s+out|performed|initiated|undertook|launched|opened)\s+(?:an?\s+|its\s+|their\s+)?"
          r"(?:\w+\s+){0,2}(?:investigation|inquiry|review|assessment|evaluation|analysis)"
          r"|(?:investigation|inquiry|checks?|review|assessment)\s+(?:\w+\s+){0,2}by\s+(?:the\s+)?(?:journal|publisher|"
          r"editors?|editorial)|(?:internal|editorial|publisher'?s?)\s+(?:investigation|review|inquiry|assessment)"
          r"|post-publication\s+review|(?:lengthy|further|subsequent|an)\s+investigation\s+by\s+the\s+editors"
          r"|(?:after|following)\s+(?:having\s+)?investigat\w+\s+(?:this|the)\s+matter|(?:journal|publisher)\s+"
          r"(?:has\s+)?(?:investigated|discovered|found)|further\s+checks\s+by\s+the\s+publisher"
          r"|(?:investigation|review),?\s+(?:\w+\s+){0,4}conducted\s+in\s+accordance\s+with\s+\w+[’']?\s+polic"
          r"|publisher\s+has\s+discovered|complaints?\s+(?:protocol|procedure)", 0.7,
          unless=r"departmental|our\s+(?:own\s+)?(?:lab|laboratory|group|team)\b"),  # the authors' own inquiry
    _rule("Investigation by Company/Institution", "investigation|inquiry|enquiry|panel|committee|review|"
                                                  "integrity office|institution&univers|institut|hospital|medical|"
                                                  "college|school|research cent|employer|academy",
          r"(?:universit\w+|institut\w+|hospital|medical\s+(?:center|centre|school)|college|school\s+of\s+medicine|"
          r"research\s+cent\w+|employer|academy)\s*(?:'s|’s)?\s+(?:\w+\s+){0,5}(?:investigation|inquiry|enquiry"
          r"|review\s+panel|"
          r"committee|panel|review\s+board|integrity\s+office)"
          r"|(?:investigation|inquiry|enquiry|review|committee|panel)\s+(?:\w+\s+){0,3}(?:by|at|of|from)\s+(?:the\s+)?"
          r"(?:\d\w*\s+)?(?:\w+\s+){0,4}(?:universit\w+|institut\w+|hospital|medical\s+(?:center|centre)|college|"
          r"school\s+of\s+medicine)|informed\s+by\s+the\s+authors[’']?\s+institution|institutional\s+(?:investigation|"
          r"inquiry|review)|internal\s+review\s+committee\s+at", 0.75,
          # An institutional review board agreeing to a retraction has investigated nothing.
          unless=r"\binstitutional\s+review\s+boards?\b[^.]{0,80}?\b(?:agree|approve|support)"),
    _rule("Investigation by ORI", "research integrity|ori",
          r"office\s+of\s+research\s+integrity|\bORI\b", 0.85),
    _rule("Investigation by Third Party", "council|fitness to practi|national|ministry|government|funding|committee|"
                                          "judgment|judgement|finding|ruling|review panel",
          r"(?:general\s+medical\s+council|fitness\s+to\s+practi[sc]e|national\s+(?:\w+\s+){0,3}(?:council"
          r"|agency|commission)"
          r"|ministry|government|funding\s+(?:agency|body)|research\s+council|(?:ethics\s+committee"
          r"|committee)\s+of\s+the\s+"
          r"(?:\w+\s+){0,4}(?:council|association|society|academy)|research\s+ethics\s+committee\s+of\s+the)"
          r"(?:\s+\w+){0,8}\s+(?:investigation|inquiry|judgment|found|confirmed|concluded|has\s+carried\s+out"
          r"|carried\s+out)"
          r"|(?:judgment|judgement|finding|ruling)\s+of\s+the\s+(?:\w+\s+){0,4}(?:council|panel|court|tribunal)"
          r"|(?:evaluated|investigated)\s+by\s+a\s+review\s+panel\s+at", 0.7),
    _rule("Misconduct - Official Investigation(s) and/or Finding(s)", "misconduct|fabricat|falsif|manipul|plagiar|"
                                                                      "improper|false",
          r"(?:investigation|inquiry|committee|panel|review|council|ORI)\s+(?:\w+\s+){0,8}(?:found|concluded"
          r"|determined|"
          r"confirmed|established|identified)\s+(?:\w+\s+){0,10}(?:misconduct|fabricat\w+|falsif\w+|manipulat\w+|"
          r"plagiari\w+|improper|false)|finding\s+of\s+(?:research\s+|scientific\s+)?misconduct"
          r"|(?:found|confirmed)\s+(?:\w+\s+){0,3}(?:guilty|responsible)\s+of\s+(?:\w+\s+){0,2}misconduct", 0.7,
          unless=_NEG_MISCONDUCT),
    _rule("Misconduct by Author", "misconduct|fabricat|falsif|manipul",
          r"(?:author|authors|he|she|they)\s+(?:\w+\s+){0,4}(?:admitted|confessed|committed"
          r"|engaged\s+in)\s+(?:\w+\s+){0,6}"
          r"(?:misconduct|fabricat\w+|falsif\w+|manipulat\w+)|(?:scientific|research)\s+misconduct"
          r"|authors?[’']?s?[’']?\s+misconduct"
          r"|misconduct\s+(?:by|of|on\s+the\s+part\s+of)\s+(?:\w+\s+){0,3}(?:author|authors|dr|prof)"
          r"|(?:fabricated|falsified)\s+(?:\w+\s+){0,3}by\s+(?:the\s+)?(?:\w+\s+)?(?:author|authors)"
          r"|(?:he|she|they)\s+(?:had\s+)?(?:fabricated|falsified)|guilty\s+of\s+(?:\w+\s+)?misconduct", 0.7,
          unless=_NEG_MISCONDUCT + r"|potential\s+scientific\s+misconduct|possible\s+misconduct|alleged"),
    _rule("Euphemisms for Misconduct", "misconduct",
          r"(?:potential|possible|suspected|alleged|allegations?\s+of)\s+(?:scientific\s+"
          r"|research\s+)?misconduct", 0.55),
    _rule("Ethical Violations by Author", "ethic",
          r"un-?ethical\s+(?:behaviou?rs?|conduct|practices?)|ethical\s+(?:violations?|misconduct|breach\w*|lapses?)"
          r"|(?:breach|violation|infringement)\s+of\s+(?:\w+\s+){0,3}(?:ethics|ethical\s+(?:standards|principles"
          r"|norms))"
          r"|publication\s+ethics\s+(?:violation|breach)", 0.65),
    _rule("Breach of Policy by Author", "polic|should not have been accepted",
          r"(?:breach|violation|violat\w+|contravenes?|contravention)\s+(?:\w+\s+){0,5}polic(?:y|ies)"
          r"|(?:does|did)\s+not\s+(?:meet|comply\s+with)\s+(?:\w+\s+){0,4}(?:polic|standards\s+of\s+editorial)"
          r"|should\s+not\s+have\s+been\s+accepted", 0.6, unless=r"policy\s+on\s+article\s+withdrawal"),
    # -- authorship, consent, approvals ----------------------------------------------------------
    _rule("Concerns/Issues about Authorship/Affiliation", "authorship|affiliation|author list|listed as|part of the",
          r"(?:dispute|disagreement|concerns?|issues?|problems?|irregularit\w+)\s+(?:\w+\s+){0,4}"
          r"(?:authorship|affiliation)"
          r"|authorship\s+(?:\w+\s+){0,2}(?:dispute|issues?|concerns?|is\s+not\s+genuine|change)"
          r"|added\s+to\s+the\s+(?:authorship|author\s+list)\s+without"
          r"|should\s+not\s+have\s+been\s+listed\s+as\s+an?\s+author"
          r"|not\s+(?:be\s+)?(?:a\s+)?part\s+of\s+the\s+(?:treating\s+|research\s+)?team"
          r"|authorship\s+of\s+the\s+paper", 0.65),
    _rule("False/Forged Authorship", "aware|knowledge|authorship|without|any part of",
          r"(?:unaware|not\s+aware|without\s+(?:the\s+)?(?:\w+\s+)?knowledge)\s+(?:\w+\s+){0,4}(?:submission|"
          # (Authorship that "is not genuine" is undeserved authorship: a concern about it, not forged names.)
          r"authorship|listed\s+as\s+(?:an?\s+)?(?:co-?)?authors?)|forged\s+authorship"
          r"|(?:unaware|not\s+aware)\s+that\s+(?:\w+\s+){0,2}names?\s+(?:had\s+been|have\s+been|were|was)\s+"
          r"(?:used|added|included|listed)"
          r"|(?:names?|identit\w+)\s+(?:\w+\s+){0,3}(?:used|added)\s+without\s+(?:\w+\s+){0,2}(?:knowledge"
          r"|consent|permission)"
          r"|did\s+not\s+(?:conduct|participate\s+in|contribute\s+to)\s+any\s+part\s+of\s+(?:this"
          r"|the)\s+research", 0.65),
    _rule("False/Forged Affiliation", "affiliation",
          r"false\s+(?:information\s+(?:about|on|regarding)\s+)?(?:the\s+)?(?:author[’']?s?[’']?\s+)?affiliations?"
          r"|affiliations?\s+(?:\w+\s+){0,4}(?:false|fabricated|not\s+genuine|incorrect)", 0.7),
    _rule("Lack of Approval from Author", "author",
          r"without\s+(?:the\s+)?(?:knowledge|consent|approval|agreement|permission)\s+of\s+(?:\w+\s+){0,2}"
          r"(?:co-?authors?|other\s+authors|all\s+authors)|co-?authors?\s+(?:\w+\s+){0,3}(?:did\s+not|had\s+not)\s+"
          r"(?:approve|agree|consent|see)"
          r"|not\s+all\s+(?:\w+\s+){0,2}(?:co-?)?authors\s+(?:had\s+)?(?:agreed|approved|consented)", 0.65),
    _rule("Lack of Approval from Third Party", "without|permission",
          r"without\s+(?:\w+\s+){0,2}(?:knowledge|consent|approval|agreement|permission)\s+(?:of|from)\s+(?:the\s+)?"
          r"(?:\w+\s+){0,3}(?:sponsor|funder|company|hospital|institution|laboratory|supervisor|group|owner"
          r"|investigators?)"
          r"|permissions?\s+(?:\w+\s+){0,8}(?:were|was)\s+(?:also\s+)?not\s+(?:taken|obtained|sought|granted)", 0.6),
    _rule("Lack of IRB/IACUC Approval and/or Compliance", "ethic|irb|iacuc|institutional review board",
          r"(?:ethic\w*|IRB|IACUC|institutional\s+review\s+board)\s+(?:\w+\s+){0,3}(?:approval|oversight"
          r"|clearance|permission)"
          r"\s+(?:\w+\s+){0,4}(?:not|never|lack\w*|without|absent|missing|incorrect|inaccurate|duplicated)"
          r"|(?:not|never|failed\s+to|without|lack\w*\s+of|no)\s+(?:\w+\s+){0,4}(?:ethic\w*|IRB"
          r"|IACUC)\s+(?:\w+\s+){0,2}"
          r"(?:approval|oversight|clearance|committee)|(?:duplicated|false|fake|forged)\s+(?:\w+\s+){0,3}(?:IRB"
          r"|ethics|institutional\s+review\s+board)\s+(?:\(IRB\)\s+)?"
          r"(?:\w+\s+){0,2}(?:number|approval)|(?:approved|approval)[”’'\"]?\s+by\s+the\s+(?:local\s+)?ethics"
          r"\s+committee\s+"
          r"(?:\w+\s+){0,6}false|(?:ethic\w*|IRB)\s+(?:approval\s+)?(?:number|statement)\s+(?:\w+\s+){0,6}"
          r"(?:incorrect|inaccurate|false|invalid)|did\s+not\s+receive\s+(?:\w+\s+){0,4}ethic\w*\s+approval", 0.8),
    _rule("Informed/Patient Consent - None/Withdrawn", "consent|patient",
          r"(?:patient|informed|parental|participant"
          r"|written)\S*\s+(?:\w+\s+){0,2}consent\s+(?:\w+\s+){0,4}(?:not|never|"
          r"withdrawn|lack\w*|without|absent|missing)|(?:withdrawn|withdrew|without|lack\w*\s+of|no|not\s+obtained)\s+"
          r"(?:\w+\s+){0,3}(?:patient|informed|their|her|his|parental)\s+consent"
          r"|patient\s+has\s+withdrawn\s+(?:\w+\s+)?consent"
          r"|(?:issues?|concerns?|problems?|questions?)\s+(?:\w+\s+){0,4}(?:informed|patient|participant|parental)\s+"
          r"consent"
          r"|identifiable\s+(?:images?|photographs?|information|details)\s+of\s+(?:the\s+|a\s+)?patients?"
          r"|permissions?\s+from\s+the\s+(?:\w+\s+)?patients?\s+(?:\w+\s+){0,6}not\s+(?:taken|obtained)", 0.8),
    _rule("Conflict of Interest", "interest",
          r"(?:undeclared|undisclosed|competing|conflicts?\s+of)\s+(?:\w+\s+){0,2}interests?", 0.8,
          unless=r"\bno\s+(?:\w+\s+){0,2}(?:competing|conflicts?)\s+(?:of\s+)?interests?|declare[sd]?\s+(?:that\s+)?"
                 r"(?:\w+\s+){0,2}no\b|nothing\s+to\s+declare"),
    _rule("Original Data and/or Images not Provided and/or not Available", "data|image|request",
          r"(?:not\s+able|unable|failed|could\s+not|did\s+not|were\s+not\s+able|cannot)\s+(?:to\s+)?(?:\w+\s+){0,3}"
          r"(?:provide|supply|produce|fulfil\w*|locate|furnish)\s+(?:\w+\s+){0,4}(?:raw|original|underlying"
          r"|primary|source)?"
          r"\s*(?:data|images?|request)|(?:lack|absence)\s+of\s+(?:the\s+)?(?:raw|original)\s+data"
          r"|(?:raw|original|underlying)\s+data\s+(?:\w+\s+){0,4}(?:not\s+(?:be\s+)?(?:available|provided"
          r"|located|found)|"
          r"(?:were|was)\s+lost|no\s+longer\s+(?:available|exist))", 0.7),
    _rule("Author Unresponsive", "respon|repl|answer|reached",
          r"(?:authors?|corresponding\s+author|they)\s+(?:\w+\s+){0,2}(?:did\s+not|has\s+not|have\s+not|failed\s+to|"
          r"could\s+not|either\s+did\s+not)\s+(?:\w+\s+){0,1}(?:respond|reply|replied|responded|answer)"
          r"|unable\s+to\s+receive\s+any\s+response|(?:no|without)\s+(?:any\s+)?(?:response"
          r"|reply)\s+from\s+the\s+authors"
          r"|could\s+not\s+be\s+reached|has\s+not\s+responded", 0.6,
          unless=r"this\s+retraction|the\s+retraction|retraction\s+notice|wording|correspondence\s+(?:from|relating)"),
    # -- the journal's own doing -----------------------------------------------------------------
    _rule("Error by Journal/Publisher", "in error|by error|by mistake|inadvertent|accident|mistaken|erroneous|"
                                        "s error|s mistake|error by|mistake by|error on|mistake on|proof|"
                                        "editorial process|production process|publication process|administrative|"
                                        "technical error|apologis|apologiz",
          r"(?:published|accepted)\s+(?:\w+\s+){0,2}(?:in\s+error|by\s+(?:mistake|error)|inadvertently|accidentally"
          r"|erroneously)|(?:administrative|production|technical|clerical)\s+(?:error|mistake)s?\s+(?:\w+\s+){0,3}"
          r"(?:by|at|of|in)\s+(?:the\s+)?(?:journal|publisher|editorial|production)"
          r"|(?:inadvertently|accidentally|mistakenly|erroneously)\s+(?:\w+\s+){0,2}published"
          r"|(?:journal|publisher|editorial|production)[’']?s?\s+(?:\w+\s+){0,2}(?:error|mistake)"
          r"|(?:error|mistake)\s+(?:\w+\s+){0,2}(?:by|on\s+the\s+part\s+of)\s+(?:the\s+)?(?:journal|publisher"
          r"|editorial)"
          r"|(?:published|posted)\s+(?:\w+\s+){0,4}before\s+(?:\w+\s+){0,8}proofs?"
          r"|errors?\s+(?:during|in)\s+the\s+(?:editorial|publication|production|typesetting)\s+process"
          r"|(?:publisher|journal)\s+apologi[sz]es\s+for\s+(?:these|this|the)\s+(?:errors?|mistakes?)", 0.7,
          unless=r"republished\s+in\s+error|published\s+twice"),
    _rule("Duplication of Content through Error by Journal/Publisher", "republished|published twice|error|mistake&"
                                                                       "publi|duplic|error|mistake",
          r"republished\s+in\s+error|published\s+twice\s+(?:\w+\s+){0,3}(?:error|mistake)|(?:duplicate|second)\s+"
          r"(?:publication|copy)\s+(?:\w+\s+){0,4}(?:error|mistake)\s+(?:by|of)\s+the\s+(?:journal|publisher)"
          # "Technical errors (during the editorial process) resulted in duplicity of publication": in notices a
          # technical error that duplicates an article is the journal's.
          r"|(?:technical|editorial|administrative)\s+errors?,?\s+(?:\w+\s+){0,6}(?:duplicity|duplication"
          r"|duplicate)", 0.75),
    _rule("Removed", "removed|no longer available|taken down|deleted",
          r"(?:contents?|article|text|full\s+text|images?)\s+(?:\w+\s+){0,4}(?:removed"
          r"|no\s+longer\s+(?:be\s+)?available|"
          r"taken\s+down|deleted)|removed\s+from\s+(?:the\s+)?(?:online|website|platform|database)", 0.6,
          unless=r"patient\s+image\s+will\s+also"),
    _rule("Legal Reasons and/or Threats", "legal|lawsuit|court|defamat|libel",
          r"legal\s+(?:reasons?|advice|review|threats?|action|grounds|concerns?|issues?)|lawsuit|court\s+order"
          r"|(?:defamat|libel)\w*", 0.7),
    _rule("Copyright Claims", "copyright|intellectual property|infring",
          r"copyright\s+(?:\w+\s+){0,3}(?:infring\w+|violat\w+|claims?|holder|owner)|infring\w+\s+(?:\w+\s+){0,3}"
          r"(?:copyright|intellectual\s+property)|intellectual\s+property", 0.7),
    _rule("Taken from Dissertation/Thesis", "thesis|dissertation", r"(?:thesis|dissertation)\b", 0.5,
          unless=r"(?:his|her|their|own|author[’']?s)\s+(?:\w+\s+)?(?:thesis|dissertation)"),
    _rule("Salami Slicing", "salami|same cohort|same dataset|same data set|overlapping cohort|overlapping data",
          r"salami|(?:same|overlapping)\s+(?:\w+\s+){0,2}(?:cohort|dataset"
          r"|data\s+set)\s+(?:\w+\s+){0,4}"
          r"(?:separate|another|multiple)\s+(?:publication|paper)s?", 0.6),
    _rule("Hoax Paper", "hoax|sting", r"\bhoax\b|\bsting\s+operation", 0.8),
    _rule("Computer-Aided Content or Computer-Generated Content", "scigen|mathgen|generated|tortured|chatgpt|"
                                                                  "language model",
          r"SCIgen|Mathgen|randomly\s+generated|computer[- ]generated|tortured\s+phrases"
          r"|(?:generative\s+)?AI[- ]generated"
          r"|ChatGPT|large\s+language\s+model", 0.8),
    _rule("Concerns/Issues about Referencing/Attributions", "citation|reference|cited",
          r"citation\s+(?:manipulation|stacking|cartel|pushing)|(?:inappropriate|excessive"
          r"|irrelevant)\s+(?:\w+\s+){0,2}"
          r"(?:citations?|references?|self-citation)|(?:references?|citations?)\s+(?:\w+\s+|\d+\s+){0,6}(?:were|was)\s+"
          r"(?:cited|given|listed)\s+(?:\w+\s+)?(?:incorrect\w*|wrong\w*)", 0.65),
    _rule("Cites Retracted Work", "retracted",
          r"cit(?:es|ed|ing)\s+(?:\w+\s+){0,3}retracted\s+(?:work|articles?|papers?"
                                  r"|studies)", 0.8),
    _rule("Nonpayment of Fees and/or Refusal to Pay", "pay|unpaid",
          r"(?:non-?payment|refus\w+\s+to\s+pay|failed\s+to\s+pay|did\s+not\s+pay"
          r"|unpaid)\s+(?:\w+\s+){0,3}(?:fees?|charges?|APC)?",
          0.8),
    _rule("Not Presented at Conference", "presented",
          r"not\s+(?:\w+\s+){0,2}presented\s+at\s+the\s+(?:conference|meeting"
                                         r"|congress)", 0.8),
    _rule("Retract and Replace", "replace", r"retract(?:ed|ion)?\s+and\s+replace|replaced\s+(?:by"
                                 r"|with)\s+a\s+corrected\s+version", 0.8),
    _rule("Withdrawn to Publish in Different Journal", "withdraw",
          r"withdraw\w*\s+(?:\w+\s+){0,6}(?:to|in\s+order\s+to)\s+(?:publish|submit)\s+(?:\w+\s+){0,3}(?:another"
          r"|a\s+different|"
          r"other)\s+journal", 0.8),
    _rule("Concerns/Issues about Human Subject Welfare", "patients|participants|human subjects|unethical",
          r"(?:harm|risk|welfare|safety)\s+(?:\w+\s+){0,3}(?:to\s+)?(?:patients|participants|human\s+subjects)"
          r"|unethical\s+(?:\w+\s+){0,2}trial", 0.5),
    _rule("Concerns/Issues about Animal Welfare", "animal",
          r"animal\s+welfare|(?:ethics|ethical)\s+approval\s+(?:\w+\s+){0,6}animal|animal\s+(?:\w+\s+){0,3}without\s+"
          r"(?:\w+\s+){0,2}approval", 0.45),
    _rule("Miscommunication with/by Author", "miscommunication",
          r"miscommunication\s+(?:\w+\s+){0,3}(?:authors?|co-?authors?)|(?:authors?|co-?authors?)\s+(?:\w+\s+){0,3}"
          r"miscommunication", 0.7),
    _rule("Miscommunication with/by Journal/Publisher", "miscommunication",
          r"miscommunication\s+(?:\w+\s+){0,3}(?:journal|publisher|editor)", 0.7),
    _rule("Objections by Third Party", "concern|complaint|objection",
          r"(?:raised|made)\s+(?:\w+\s+){0,2}(?:concerns?|complaints?"
          r"|objections?)\s+that\s+(?:\w+\s+){0,4}(?:work|article)"
          r"\s+(?:was|is)\s+based\s+on|(?:manufacturers?|compan\w+|sponsors?)\s+raised\s+concerns", 0.5),
    _rule("Complaints about Author", "complaint",
          r"formal\s+complaint|complaints?\s+(?:about|against)\s+(?:the\s+)?authors?", 0.5),
    _rule("Upgrade/Update of Prior Notice(s)", "previous|earlier|prior",
          r"(?:replaces?|supersedes?|updates?|follows?\s+up)\s+(?:\w+\s+){0,3}(?:the\s+)?(?:previous|earlier|prior)\s+"
          r"(?:expression\s+of\s+concern|correction|erratum|notice)", 0.7),
    # -- plainer wordings of the reasons above (seen in notices of many small publishers) -------------------
    _rule("Misconduct by Author", "misconduct",
          r"(?:retract\w*|withdraw\w*)\s+(?:\w+\s+){0,6}(?:due\s+to|because\s+of|owing\s+to|for)\s+"
          r"(?:\w+\s+){0,2}misconduct", 0.6,
          unless=_NEG_MISCONDUCT + r"|potential|possible|alleged|suspected|allegations?"),
    _rule("Falsification/Fabrication of Data", "reality|never|forg",
          r"not\s+(?:been\s+)?(?:conducted|performed|carried\s+out|done)\s+in\s+reality"
          r"|(?:study|experiments?|trial|research|survey|work)\s+(?:\w+\s+){0,4}(?:was|were|had)\s+never\s+(?:been\s+)?"
          r"(?:conducted|performed|carried\s+out|done)"
          r"|forg(?:ery|ed)\s+(?:of\s+)?(?:the\s+)?data|data\s+(?:\w+\s+){0,3}(?:were|was|had\s+been)\s+forged", 0.7),
    _rule("Original Data and/or Images not Provided and/or not Available", "missing|lost|found|located|retrieved",
          r"(?:original|raw|primary|underlying)\s+(?:\w+\s+){0,2}(?:data|images?|films?|blots?|records|gels)\s+"
          r"(?:\w+\s+){0,3}(?:(?:were|was|are|is)\s+(?:\w+\s+)?(?:missing|lost)"
          r"|(?:could\s+not|cannot|can\s+not)\s+be\s+(?:found|located|retrieved))", 0.65),
    _rule("Plagiarism of Text", "unreferenced|unattributed|uncited|unacknowledged",
          r"(?:unreferenced|unattributed|uncited|unacknowledged)\s+(?:\w+\s+){0,2}(?:text|re-?use|passages?|material"
          r"|content|copying|overlap)", 0.7),
    # "Duplicity" is how several journals name duplication.
    _rule("Duplication of Text", "duplicity", r"duplicity\s+(?:of|in)\s+(?:the\s+)?(?:\w+\s+)?text", 0.6),
    _rule("Duplication of/in Article", "duplicity",
          r"duplicity\s+(?:of|in)\s+(?:the\s+)?(?:content|article|publication|paper)", 0.6),
    _rule("Error in Data", "data&accurate|complete|correct",
          r"data\s+(?:\w+\s+){0,3}(?:is|are|was|were)\s+not\s+(?:\w+\s+){0,2}(?:accurate|complete|correct)\b", 0.6),
    _rule("Error by Journal/Publisher", "administrative", r"administrative\s+(?:error|mistake|oversight)", 0.6),
    _rule("Copyright Claims", "ownership|rights",
          r"(?:ownership|rights?)\s+(?:of|to|over)\s+(?:the\s+)?(?:\w+\s+)?(?:data|dataset|images?|materials?|figures?)"
          r"|(?:do|does|did)\s+not\s+(?:have|own|hold)\s+(?:\w+\s+){0,2}(?:ownership|rights?)\b", 0.6),
    _rule("Error in Results and/or Conclusions", "incorrect|invalid|not valid|wrong|false|not correct|unsupported|"
                                                 "not supported&conclusion|finding|claim",
          r"(?:original|main|major|central|principal|primary|key)\s+(?:conclusions?|findings?|claims?)\b"
          r"[^.]{0,300}?\b(?:is|are|was|were)\s+(?:now\s+)?(?:incorrect|invalid|not\s+valid|wrong|false|not\s+correct"
          r"|unsupported|not\s+supported)", 0.65),
    _rule("Duplication of/in Article", "identical|same|repeat|duplication|journals|same time|simultaneous|"
                                       "same authors",
          r"(?:is|are|was|were)\s+(?:\w+\s+){0,5}identical\s+to\s+(?:an?|the)\s+(?:\w+\s+){0,2}(?:article|paper"
          r"|publication|study)|(?:two|both)\s+(?:studies|articles|papers)\s+(?:are|were)\s+(?:\w+\s+)?the\s+same"
          r"|(?:is|was)\s+(?:a|the)\s+repeat\s+of"
          r"|(?:levels?|amount|degree)\s+of\s+duplication\s+(?:with|between)\s+(?:a|an|the)\s+(?:\w+\s+){0,2}(?:previously\s+)?"
          r"published|(?:was|is)\s+a\s+duplication\s+of\s+(?:the|an?)\s+(?:\w+\s+){0,2}(?:article|paper|publication)"
          r"\b(?![’']s)"
          r"|submitted\s+(?:\w+\s+){0,3}to\s+two\s+(?:\w+\s+)?journals"
          r"|submitted\s+(?:\w+\s+){0,8}(?:at\s+the\s+same\s+time|simultaneously)"
          r"|materials?\s+from\s+(?:\w+\s+){0,6}by\s+the\s+same\s+authors?", 0.6,
          unless=r"other\s+authors|different\s+authors|another\s+group|plagiari"),
    _rule("Copyright Claims", "copyright",
          r"copyright\s+(?:issues?|disputes?|concerns?|problems?|reasons?)", 0.65),
    _rule("Plagiarism of Text", "plagi", r"plagi[ée]\w*", 0.7),
    _rule("Lack of Approval from Author", "without|approval|agreement|consent",
          r"without\s+(?:the\s+)?(?:prior\s+)?(?:knowledge|consent|approval|agreement|permission)(?:\s+(?:and|or)\s+"
          r"(?:knowledge|consent|approval|agreement|permission))?\s+of\s+(?:\w+\s+){0,3}(?:co-?authors?|other\s+authors"
          r"|all\s+(?:the\s+)?authors|corresponding\s+author|senior\s+author)", 0.65),
    _rule("Lack of Approval from Third Party", "agreement|consent|approval|permission&collaborator|colleague",
          r"(?:failed\s+to|did\s+not|without)\s+(?:obtain\w*\s+)?(?:the\s+)?(?:agreement|consent|approval|permission)\s+"
          r"(?:of|from)\s+(?:\w+\s+){0,3}(?:collaborators|colleagues|co-?workers)", 0.6),
    # -- what authors write when retracting for their own error --------------------------------------------
    _rule("Contamination of Materials", "contaminat",
          r"contamination\s+of\s+(?:the\s+)?(?:\w+\s+){0,3}(?:proteins?|reagents?|samples?|compounds?|antibod\w+"
          r"|materials?|plasmids?|preparations?|stocks?|solutions?|media|medium|batch\w*)\b", 0.65),
    _rule("Contamination of Cell Lines/Tissues", "contaminat",
          r"contaminat\w+\s+(?:\w+\s+){0,8}(?:cell\s+lines?|cultures?)\b", 0.7),
    _rule("Error in Analyses", "incorrect|wrong|inappropriate|erroneous|flawed|improper&statistic",
          r"(?:incorrect|wrong|inappropriate|erroneous|flawed|improper)(?:ly)?\s+(?:\w+\s+)?(?:applied\s+)?"
          r"statistic(?:al|s)", 0.6),
    _rule("Error in Methods", "incorrect|wrong|inappropriate|erroneous|flawed|improper&method|protocol|procedure",
          r"(?:incorrect|wrong|erroneous|flawed|improper)\s+(?:\w+\s+)?(?:methods?|methodology|protocols?"
          r"|procedures?)\s+(?:was|were|had\s+been)\s+(?:used|applied|employed|followed)", 0.6),
    _rule("Error in Data", "incorrectly|error|mistake",
          r"(?:was|were|had\s+been)\s+(?:\w+\s+)?(?:assigned|identified|determined|recorded|calculated|measured"
          r"|labell?ed|entered|transcribed|quantified)\s+incorrectly"
          r"|(?:errors?|mistakes?)\s+(?:were|was)\s+(?:\w+\s+)?made\s+in\s+(?:determining|measuring|calculating"
          r"|quantif\w+|recording|entering|collecting)", 0.6),
    _rule("Author Unresponsive", "contact|reach|locate",
          r"(?:unable|not\s+able|could\s+not|cannot|failed|have\s+not\s+been\s+able)\s+to\s+(?:contact|reach"
          r"|locate)\b", 0.6),
    # The whole work said to be plagiarized ("it was found to be plagiarized from an article titled ...").
    _rule("Plagiarism of/in Article", "plagi",
          r"(?:it|which|article|paper|manuscript|study)\s+(?:\w+\s+){0,2}(?:was|is|has\s+been|had\s+been)\s+"
          r"(?:\w+\s+){0,3}plagiari[sz]ed\s+(?:\w+\s+){0,2}from|(?:was|were|has\s+been)\s+found\s+to\s+be\s+"
          r"plagiari[sz]ed\b", 0.65,
          unless=r"\b(?:parts?|portions?|sections?|passages?|sentences?|paragraphs?|text|figures?|images?|data)\b"),
    _rule("Retract and Replace", "republi|replace",
          r"retraction\s+and\s+republication|retracted\s+and\s+republished|(?:republished|replaced)\s+(?:\w+\s+){0,3}"
          r"(?:with|by|as)\s+(?:a|the)\s+(?:\w+\s+){0,2}(?:corrected|revised)\s+(?:version|article)"
          r"|(?:corrected|revised)\s+(?:version|article)\s+(?:\w+\s+){0,4}(?:replaces|has\s+replaced"
          r"|will\s+replace)", 0.75),
    _rule("Results Not Reproducible", "reproduc|replicat|repeat|verified|confirmed",
          r"inability\s+to\s+(?:\w+\s+)?(?:reproduce|replicate|repeat)"
          r"|attempts?\s+to\s+(?:reproduce|replicate|repeat)\s+(?:\w+\s+){0,6}(?:were|was|have\s+been|has\s+been)\s+"
          r"(?:unsuccessful|not\s+successful|failed)"
          r"|attempt(?:ed|s)?\s+to\s+(?:reproduce|replicate|repeat)\b[^.;]{0,120}?\b(?:could\s+not|cannot|failed"
          r"|unable|unsuccessful|were\s+not|was\s+not)\b"
          r"|(?:could|can)\s*not\s+be\s+independently\s+(?:verified|confirmed|reproduced|replicated)", 0.75),
    _rule("Error in Materials", "specific",
          r"(?:antibod\w+|reagents?|primers?|probes?)\s+(?:\w+\s+){0,3}(?:was|were|is|are)\s+not\s+specific"
          r"|non-?specific\s+(?:\w+\s+)?(?:antibod\w+|primers?|probes?)", 0.6),
    # Elsevier's template for an article withdrawn (taken off the platform) without a stated cause.
    _rule("Removed", "and/or editor",
          r"withdrawn\s+at\s+the\s+request\s+of\s+the\s+authors?(?:\(s\))?\s+and/or\s+(?:the\s+)?editor", 0.55),
    _rule("Doing the Right Thing", "discovered|noticed|detected|realized|realised|became aware|found",
          r"(?:authors?|we|I)\s+(?:\w+\s+){0,2}(?:discovered|noticed|detected|realized|realised|became\s+aware"
          r"|found)\s+"
          r"(?:\w+\s+){0,6}(?:errors?|mistakes?|bug|problem)", 0.45),
)

# Reasons that curators assign together with another one (Retraction Watch export sample of 2025,
# data/retraction-watch/mdpi_..._sampled.csv: P(implied | reason) >= 0.79), kept only where the pair is
# one finding seen twice: compromised peer review and a paper mill are found by the journal's investigation,
# and a paper mill's output is unreliable. The implied reason quotes the same evidence, less confidently.
_OFFICIAL = "Misconduct - Official Investigation(s) and/or Finding(s)"
IMPLIED: dict[str, tuple[tuple[str, float], ...]] = {
    "Compromised Peer Review": (("Investigation by Journal/Publisher", 0.87),),
    "Rogue Editor": (("Investigation by Journal/Publisher", 0.89), ("Compromised Peer Review", 0.88)),
    "Paper Mill": (("Investigation by Journal/Publisher", 0.88), ("Investigation by Third Party", 0.88),
                   ("Unreliable Results and/or Conclusions", 0.8)),
    # Concerns the journal itself raises or receives are what its investigation found (P >= 0.88).
    "Concerns/Issues about Peer Review": (("Investigation by Journal/Publisher", 0.98),),
    "Computer-Aided Content or Computer-Generated Content": (("Investigation by Journal/Publisher", 0.98),),
    "Concerns/Issues about Referencing/Attributions": (("Investigation by Journal/Publisher", 0.93),),
    # The Office of Research Integrity publishes findings of misconduct by a named researcher (P >= 0.91).
    "Investigation by ORI": ((_OFFICIAL, 0.96), ("Misconduct by Author", 0.91)),
    # An official finding of misconduct is the institution's finding about its researcher (P >= 0.91).
    _OFFICIAL: (("Misconduct by Author", 0.91), ("Investigation by Company/Institution", 0.92)),
    # Contaminated or misidentified cells invalidate the findings built on them (P = 0.80).
    "Contamination of Cell Lines/Tissues": (("Unreliable Results and/or Conclusions", 0.8),),
}
# Misconduct stated together with an investigation is an official finding of misconduct.
_MISCONDUCT = ("Misconduct by Author", "Falsification/Fabrication of Data", "Falsification/Fabrication of Image")
_INVESTIGATIONS = ("Investigation by Company/Institution", "Investigation by ORI", "Investigation by Third Party")

# An article retracted for an error is one whose results are in error and no longer reliable: that is why it
# is retracted (curators co-assign these about half the time or more). Not for corrections, whose errors
# are mended.
_ERRORS = ("Error in Data", "Error in Methods", "Error in Analyses", "Error in Materials",
           "Error in Results and/or Conclusions")
_WHAT_AN_ERROR_DID = frozenset({"Error in Results and/or Conclusions", "Unreliable Results and/or Conclusions",
                                "Concerns/Issues about Results and/or Conclusions", "Results Not Reproducible",
                                "Doing the Right Thing"})
_ERROR_CONSEQUENCES = (("Unreliable Results and/or Conclusions", 0.5),)
# An error in how the work was analysed, in an article retracted for it, is an error in its results
# (P = 0.51 after an error in analyses, same export sample); data found
# unreliable make the results unreliable (P = 0.44).
RETRACTION_IMPLIED: dict[str, tuple[tuple[str, float], ...]] = {
    "Error in Analyses": (("Error in Results and/or Conclusions", 0.51),),
    "Unreliable Data": (("Unreliable Results and/or Conclusions", 0.44),),
}
_RETRACTING = re.compile(r"\bretract|\bwithdr[ae]w", re.I)
_AN_ERROR = re.compile(r"\b(?:an?|the|this|these|several|some|two|three|multiple|serious|major|critical|honest|"
                       r"inadvertent|unintentional|unintended|technical|systematic)\s+(?:\w+\s+)?(?:errors?|mistakes?)\b"
                       r"|\berroneous\b", re.I)

# An apology "for the error" names no error of its own: it refers to the one the notice states.
_APOLOGY = re.compile(r"\b(?:apologi[sz]e|regret)", re.I)
_JOURNAL_ERRORS = ("Error by Journal/Publisher", "Duplication of Content through Error by Journal/Publisher")

# A sentence that says the article is retracted (or withdrawn) and nothing more.
_BARE_NOTICE = re.compile(r"\b(?:retract\w*|withdraw\w*)\b", re.I)
_NO_REASON_CONFIDENCE = 0.4
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


# Every gate stem, found in one scan of a sentence by an expression shaped as a trie of the stems (the
# engine then rejects most positions on their first character). The scan is a lookahead, so matches may
# overlap; each match is the longest stem at its position, and the stems it begins with are credited too.
# Only the rules whose first gate group a sentence meets are tried.
_ALL_STEMS = tuple(sorted({stem for rule in RULES for group in rule.keys for stem in group}))
_RULES_BY_STEM: dict[str, set[int]] = {}
for _index, _r in enumerate(RULES):
    for _stem in _r.keys[0]:
        _RULES_BY_STEM.setdefault(_stem, set()).add(_index)


def _trie_pattern(words: tuple[str, ...]) -> str:
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


_STEM_SCAN = re.compile("(?=(" + _trie_pattern(_ALL_STEMS) + "))")
_STEMS_STARTING = {stem: frozenset(s for s in _ALL_STEMS if stem.startswith(s)) for stem in _ALL_STEMS}


def _stems_in(text: str) -> set[str]:
    folded = " ".join(text.lower().replace("-", " ").split())
    stems: set[str] = set()
    for m in _STEM_SCAN.finditer(folded):
        if m.group(1):
            stems |= _STEMS_STARTING[m.group(1)]
    return stems


def find_reasons(text: str) -> list[ReasonClaim]:
    """Reasons stated in a notice, each with the sentences that support it, in order of first evidence."""
    found: dict[str, ReasonClaim] = {}
    order: dict[str, int] = {}
    kept = statements(text)
    unspecified_error: Sentence | None = None
    for sentence in kept:
        if unspecified_error is None and _AN_ERROR.search(sentence.text) and not _APOLOGY.search(sentence.text):
            unspecified_error = sentence
        stems = _stems_in(sentence.text)
        candidates = set().union(*(_RULES_BY_STEM.get(stem, ()) for stem in stems))
        for index in sorted(candidates):
            rule = RULES[index]
            if rule.fires(sentence.text, stems):
                for label in rule.labels:
                    _support(found, order, label, sentence, rule.confidence)
    retracting = any(_RETRACTING.search(s.text) for s in kept)
    if retracting and unspecified_error is not None and not (found.keys() - _WHAT_AN_ERROR_DID):
        # "We found an error ..." without saying where (wrong results are what it did, not where it was):
        # curators read an error in the data. Beside another reason (a duplicate submission, an error of the
        # journal's), "the mistake" is that one.
        _support(found, order, "Error in Data", unspecified_error, 0.4)
    for euphemism, named in _NAMED.items():
        if euphemism in found and any(named.search(s.text) for s in kept):
            del found[euphemism]
    _add_implied(found, order, retracting=retracting)
    if not (found.keys() - _NOT_A_CAUSE) and _stated_length(kept) <= _SHORT_NOTICE:
        bare = next((s for s in kept if _BARE_NOTICE.search(s.text)), None)
        if bare is not None:
            _support(found, order, "Notice - Limited or No Information", bare, _NO_REASON_CONFIDENCE)
    return sorted(found.values(), key=lambda claim: order[claim.label])


def _stated_length(kept: tuple[Sentence, ...]) -> int:
    """How much of a notice states something: its length without references and signatures."""
    citations = [bool(_CITATION.search(s.text)) for s in kept]
    return sum(len(s.text) for i, s in enumerate(kept)
               if not (citations[i] or (i + 1 < len(kept) and citations[i + 1]) or _AUTHOR_LIST.match(s.text)))


def _add_implied(found: dict[str, ReasonClaim], order: dict[str, int], *, retracting: bool) -> None:
    errors = [found[label] for label in _ERRORS if label in found]
    if retracting and errors:
        source = errors[0]
        for other, probability in _ERROR_CONSEQUENCES:
            if other not in found:
                found[other] = ReasonClaim(other, list(source.evidence),
                                           round((source.confidence or 0) * probability, 3))
                order[other] = order[source.label]
    for label, implied in (*IMPLIED.items(), *(RETRACTION_IMPLIED.items() if retracting else ())):
        claim = found.get(label)
        if claim is None:
            continue
        for other, probability in implied:
            if other not in found:
                found[other] = ReasonClaim(other, list(claim.evidence), round((claim.confidence or 0) * probability, 3))
                order[other] = order[label]
    misconduct = [found[label] for label in _MISCONDUCT if label in found]
    if misconduct and _OFFICIAL not in found and any(label in found for label in _INVESTIGATIONS):
        source = misconduct[0]
        found[_OFFICIAL] = ReasonClaim(_OFFICIAL, list(source.evidence), round((source.confidence or 0) * 0.8, 3))
        order[_OFFICIAL] = order[source.label]


def _support(found: dict[str, ReasonClaim], order: dict[str, int], label: str, sentence: Sentence,
             confidence: float) -> None:
    claim = found.get(label)
    span = Span(sentence.start, sentence.end, sentence.text)
    if claim is None:
        found[label] = ReasonClaim(label, [span], confidence)
        order[label] = sentence.start
        return
    if span not in claim.evidence:
        claim.evidence.append(span)
        # Independent sentences saying the same thing make the reason more certain.
        claim.confidence = round(1 - (1 - (claim.confidence or 0)) * (1 - confidence * 0.5), 3)
