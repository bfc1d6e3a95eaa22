"""Why does the reader assert reasons the curators did not give? False positives counted by cause.

    .venv/bin/python benchmarks/reason_false_positives.py [--shared ../shared] [--show]

Every reason asserted and not curated is put in the first cause that fits it:
- fallback: "Notice - Limited or No Information", asserted because no rule read a reason;
- unspecified error: "Error in Data" read from an error the notice does not place (reasons.py);
- implied: added by an [[implication]] of the rule table, not read;
- negation/hedge: its evidence sentence holds a negation or hedge word the scope cues did not apply;
- allegation: its evidence sentence reports a claim as someone's (alleged, raised, questioned);
- another work: its evidence sentence names another article or publication than the retracted one;
- sibling: the curators gave another reason of its family (reason_families.toml) instead;
- another family: the curators gave reasons of other families only;
- nothing curated: the curators gave no reason the reader could have read (only attribution reasons).
Development notices are scored cross-validated by publisher, as `retractkg evaluate` scores them, and `--show`
lists each with its sentence; unseen notices (issue 12: never tuned on) are counted by cause only.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from retractkg import evaluate_reasons as er
from retractkg.evaluation_data import DEFAULT_SHARED, DEV_SPLITS, concept, labelled_notices
from retractkg.ingest.reading import calibration
from retractkg.ingest.reading.reasons import read_reasons

CAUSES = ("fallback", "unspecified error", "implied", "negation/hedge", "allegation", "another work", "sibling",
          "another family", "nothing curated")
# Words that negate or doubt a claim, whether or not the table's scope cues apply to them.
_NEGATION_HEDGE = re.compile(r"\b(?:no|not|never|neither|nor|without|unable|may|might|could|whether|if|unclear|"
                             r"possibl[ey]|potential(?:ly)?|likely|appear(?:s|ed)?\s+to|seem(?:s|ed)?\s+to)\b", re.I)
# A claim reported as someone's, not found: an allegation, a concern raised.
_ALLEGATION = re.compile(r"\b(?:alleg\w*|suspect\w*|claim\w*|raised|reported|brought\s+to|drew|questions?|"
                         r"complain\w*)\b", re.I)
# Another work than the retracted one: what is said may be about it.
_ANOTHER_WORK = re.compile(r"\b(?:another|other|previous(?:ly)?|earlier|prior|later|subsequent)\s+(?:\w+\s+){0,2}"
                           r"(?:articles?|papers?|publications?|stud(?:y|ies)|works?|manuscripts?|reports?|datasets?)"
                           r"|\[\d+\]", re.I)


def cause(label: str, sentence: str, claim_strength: float | None, implied: bool, gold: set[str],
          family: dict[str, str]) -> str:
    c = concept(label)
    if label == "Notice - Limited or No Information":
        return "fallback"
    if label == "Error in Data" and claim_strength is None:
        return "unspecified error"
    if implied:
        return "implied"
    if _NEGATION_HEDGE.search(sentence):
        return "negation/hedge"
    if _ALLEGATION.search(sentence):
        return "allegation"
    if _ANOTHER_WORK.search(sentence):
        return "another work"
    if any(family.get(g) == family.get(c) for g in gold):
        return "sibling"
    if any(family.get(g) != "attribution" for g in gold):
        return "another family"
    return "nothing curated"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--show", action="store_true", help="list each development false positive")
    args = parser.parse_args()
    table, _ = er.families()
    names = {iri: label for label, iri in er._pref_labels().items()}
    claims = {key: {concept(c.label): c for c in read_reasons(text) if not c.hedged}
              for key, _, text, _ in labelled_notices(args.shared)}
    notices = er.scored_notices(args.shared)
    dev = [n for n in notices if n.split in DEV_SPLITS]
    unseen = [n for n in notices if n.split in er.UNSEEN]
    cal = calibration.load()
    rows = {"dev (cross-validated)": [pair for fold in er.cross_predicted(dev) for pair in fold],
            "unseen": [(n, n.predicted(cal, cal.threshold)) for n in unseen]}
    for name, pairs in rows.items():
        counts: Counter[str] = Counter()
        by_reason: Counter[str] = Counter()
        for n, found in pairs:
            family = {c: er.family_of(c, table, names) for c in n.gold | found}
            for c in sorted(found - n.gold):
                claim = claims[n.key][c]
                why = cause(claim.label, claim.evidence[0].exact, _strength(n, c), claim.implied_by is not None,
                            n.gold, family)
                counts[why] += 1
                by_reason[family[c]] += 1
                if args.show and name.startswith("dev"):
                    print(f"[{why}] {claim.label}  <- {n.key}\n    {claim.evidence[0].exact[:300]}\n"
                          f"    curated: {sorted(names.get(g, g) for g in n.gold)}")
        print(f"{name}: {sum(counts.values())} false positives on {len(pairs)} notices")
        for why in CAUSES:
            print(f"  {why:<18} {counts[why]:>3}")
        print("  by family: " + ", ".join(f"{f} {k}" for f, k in by_reason.most_common()))


def _strength(n: er.Scored, c: str) -> float | None:
    return n.found[c][1]


if __name__ == "__main__":
    main()
