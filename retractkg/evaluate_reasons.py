"""Reason scores that say how the reader does on notices nobody tuned on (issue 12).

    retractkg evaluate [--shared ../shared]                 # prints these beside the other measures
    python -m retractkg.evaluate_reasons --fit [--shared]  # refits ingest/reading/reason_calibration.json

Notices: the curators' reasons of `reasons-dev.jsonl` (split dev / held-out by a hash of the DOI) and of the
Retraction Watch website export ("rw-export") and records ("rw-records": the website scrape and the COVID-19
subset) for the shared notice texts reasons-dev.jsonl does not hold (`evaluation_data.labelled_notices`), and
"rw-db-dev", a second development set from the Retraction Watch database (`rw_db_labels.py`). Measures:
- cross-validated: the development notices (dev and rw-db-dev) in 5 folds by publisher (DOI prefix), the
  calibration fitted on four and scored on the fifth, so no fold's score uses a fit on its own publishers
  (the rules themselves were written from dev notices: the unseen figure below is the one that counts);
  rw-db-dev's part of it is printed on its own, since no rule was written from those notices;
- pooled unseen: held-out + rw-export + rw-records, calibration fitted on all dev notices, with a bootstrap 95% interval
  (notices resampled, 2,000 draws, fixed seed);
- full taxonomy micro P/R/F1 at the precision-first threshold and with tentative reasons too; F1 on the
  reasons a text states (leaving out the attribution family: investigations, misconduct findings and
  "limited information", which curators often take from outside the notice); F1 by family;
- a per-reason error table on the development notices (never on unseen ones), cross-validated.
Families are data: `ingest/reading/reason_families.toml`.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
import tomllib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import NamedNode, RdfFormat, parse

from retractkg.evaluation_data import (
    DB_DEV,
    DB_LABELS,
    DEFAULT_SHARED,
    DEV_SPLITS,
    UNSEEN_EXPORTS,
    Counts,
    concept,
    labelled_notices,
)
from retractkg.ingest.reading import calibration
from retractkg.ingest.reading.reasons import read_reasons
from retractkg.ontology import REASONS_FILE, SKOS
from retractkg.ontology.identifiers import normalize_doi

FAMILIES = Path(calibration.__file__).with_name("reason_families.toml")
FOLDS = 5
DRAWS = 2000
UNSEEN = ("held-out", *UNSEEN_EXPORTS)
TIE = 0.01
# Pseudo-observations pulling each reason's record towards the pooled strength curve. 2 was the best of 1, 2, 4,
# 8 and 16 cross-validated (benchmarks/reason_variants.py, 2026-12-06: F1 0.661 against 0.648 at the earlier 4,
# precision and recall both higher; 1 gave 0.667 at lower precision); chosen on that figure, so it flatters it.
SHRINK = 2.0
Fitted = Callable[["Scored"], set[str]]  # a notice's predicted concepts, by what was fitted on the others


@dataclass
class Scored:
    """One labelled notice: curated concepts, and each concept found with (label, strength)."""

    key: str
    group: str  # publisher: the DOI prefix
    split: str
    gold: set[str]
    found: dict[str, tuple[str, float | None]]  # strength None: found by no rule (calibration.Calibration)
    implied_by: dict[str, str] = field(default_factory=dict)  # concept found by implication: its source's concept

    def predicted(self, cal: calibration.Calibration, threshold: float) -> set[str]:
        probabilities = calibration.capped({c: cal.probability(label, strength)
                                            for c, (label, strength) in self.found.items()}, self.implied_by)
        return {c for c, p in probabilities.items() if p >= threshold}


@dataclass
class ReasonReport:
    cross_validated: Counts = field(default_factory=Counts)
    cross_validated_db: Counts = field(default_factory=Counts)  # its rw-db-dev notices
    folds: list[tuple[int, float]] = field(default_factory=list)  # (notices, F1) per fold
    unseen: Counts = field(default_factory=Counts)
    unseen_interval: tuple[float, float] = (0.0, 0.0)
    unseen_with_tentative: Counts = field(default_factory=Counts)
    unseen_stated: Counts = field(default_factory=Counts)
    unseen_by_family: dict[str, Counts] = field(default_factory=dict)
    threshold: float = 0.5
    errors: list[tuple[str, int, int, int]] = field(default_factory=list)  # dev: (concept, tp, fp, fn)

    def as_dict(self) -> dict:
        def prf(c: Counts) -> dict:
            p, r, f = c.prf()
            return {"precision": p, "recall": r, "f1": f, "notices": c.notices}
        return {"threshold": self.threshold, "cross_validated": prf(self.cross_validated),
                "cross_validated_rw_db_dev": prf(self.cross_validated_db),
                "folds": [{"notices": n, "f1": f} for n, f in self.folds], "unseen": prf(self.unseen),
                "unseen_f1_interval": list(self.unseen_interval),
                "unseen_with_tentative": prf(self.unseen_with_tentative), "unseen_stated": prf(self.unseen_stated),
                "unseen_by_family": {k: prf(v) for k, v in sorted(self.unseen_by_family.items())},
                "dev_errors": [{"reason": r, "tp": tp, "fp": fp, "fn": fn} for r, tp, fp, fn in self.errors]}

    def table(self) -> str:
        def prf(c: Counts) -> str:
            p, r, f = c.prf()
            return f"P {p:.3f}  R {r:.3f}  F1 {f:.3f}  ({c.notices} notices)"
        lo, hi = self.unseen_interval
        lines = [f"reasons, precision-first threshold {self.threshold:.2f} (calibrated probability)",
                 f"  cross-validated by publisher, dev + {DB_DEV} ({FOLDS} folds)  {prf(self.cross_validated)}",
                 f"    of which {DB_DEV}                            "
                 + (prf(self.cross_validated_db) if self.cross_validated_db.notices
                    else "none (no derived file: python -m retractkg.rw_db_labels)"),
                 "    per fold F1: " + ", ".join(f"{f:.2f} ({n})" for n, f in self.folds),
                 f"  pooled unseen (held-out, rw-export, records) {prf(self.unseen)}",
                 f"    F1 bootstrap 95% interval: {lo:.3f} - {hi:.3f}",
                 f"    with tentative reasons                     {prf(self.unseen_with_tentative)}",
                 f"    reasons the text states                    {prf(self.unseen_stated)}",
                 "    by family:"]
        for family, counts in sorted(self.unseen_by_family.items()):
            p, r, f = counts.prf()
            lines.append(f"      {family:<28} P {p:.3f}  R {r:.3f}  F1 {f:.3f}  (tp {counts.tp}, fp {counts.fp}, "
                         f"fn {counts.fn})")
        lines.append("  development errors by reason, cross-validated (tp, fp, fn), most errors first:")
        for name, tp, fp, fn in self.errors[:15]:
            lines.append(f"      {name:<60} {tp:>3} {fp:>3} {fn:>3}")
        return "\n".join(lines)


def families() -> tuple[list[tuple[str, re.Pattern[str]]], set[str]]:
    """(family, label expression) in order (first match wins), and the families a text need not state."""
    data = tomllib.loads(FAMILIES.read_text(encoding="utf-8"))
    return ([(f["name"], re.compile(f["labels"], re.I)) for f in data["family"]],
            {f["name"] for f in data["family"] if not f.get("stated", True)})


def family_of(concept_iri: str, table: list[tuple[str, re.Pattern[str]]], names: dict[str, str]) -> str:
    label = names.get(concept_iri, concept_iri)
    return next((name for name, expression in table if expression.search(label)), "other")


def scored_notices(shared: Path, db_labels: Path | None = DB_LABELS) -> list[Scored]:
    out = []
    for key, split, text, labels in labelled_notices(shared, db_labels):
        found: dict[str, tuple[str, float | None]] = {}
        implied_by: dict[str, str] = {}
        for claim in read_reasons(text):
            if not claim.hedged:  # a hedged reason is never asserted, whatever the calibration
                found.setdefault(concept(claim.label), (claim.label, claim.confidence))
                if claim.implied_by:
                    implied_by.setdefault(concept(claim.label), concept(claim.implied_by))
        doi = normalize_doi(key)
        out.append(Scored(key, doi.split("/", 1)[0] if doi else key, split, {concept(x) for x in labels}, found,
                          implied_by))
    return out


def samples(notices: list[Scored]) -> list[tuple[str, float | None, bool]]:
    return [(label, strength, c in n.gold) for n in notices for c, (label, strength) in n.found.items()]


def fit(notices: list[Scored], fitted_on: str, shrink: float = SHRINK) -> calibration.Calibration:
    """Calibration on `notices`, with the threshold of best cross-fold F0.5 (precision weighs twice recall)
    found by refitting on the publisher folds of `notices`, their predictions pooled, the curve smoothed."""
    cal = calibration.fit(samples(notices), fitted_on=fitted_on, shrink=shrink)
    folds = _folds(notices)
    fold_fits = {k: calibration.fit(samples([n for n in notices if folds[n.group] != k]), fitted_on="fold",
                                    shrink=shrink)
                 for k in range(FOLDS)}
    steps = [step / 100 for step in range(20, 91, 5)]
    curve = []
    for step in steps:
        counts = Counts()
        for n in notices:
            _add(counts, n.gold, n.predicted(fold_fits[folds[n.group]], step))
        p, r, _ = counts.prf()
        curve.append(1.25 * p * r / (0.25 * p + r) if p + r else 0.0)
    # A threshold is scored by its neighbourhood (the mean over it and its neighbours): a step that wins by one
    # notice on a few dozen is noise, and choosing it made each fold's threshold jump (0.4 to 0.6 across the
    # five folds, 2026-12-07; 0.4 to 0.45 smoothed). Differences under TIE are noise too: of those, the highest
    # threshold (precision first).
    windows = [curve[max(0, i - 1):i + 2] for i in range(len(curve))]
    smooth = [sum(w) / len(w) for w in windows]
    cal.threshold = max(t for f, t in zip(smooth, steps, strict=True) if f >= max(smooth) - TIE)
    return cal


def cross_validate(dev: list[Scored], fitter: Callable[[list[Scored]], Fitted] | None = None,
                   ) -> tuple[Counts, list[tuple[int, float]]]:
    """Micro counts over the dev notices, each scored by what `fitter` fitted on the other publishers' folds,
    and (notices, F1) per fold. `fitter` gives a notice's predicted concepts; by default, `fit`'s calibration
    at its threshold (benchmarks/reason_variants.py passes others)."""
    return fold_scores(cross_predicted(dev, fitter))


def fold_scores(predicted: list[list[tuple[Scored, set[str]]]], keep: Callable[[Scored], bool] = lambda n: True,
                ) -> tuple[Counts, list[tuple[int, float]]]:
    """Micro counts over the kept notices of `cross_predicted`'s folds, and (notices, F1) per fold."""
    total, per_fold = Counts(), []
    for fold in predicted:
        counts = Counts()
        for n, found in fold:
            if keep(n):
                _add(counts, n.gold, found)
                _add(total, n.gold, found)
        per_fold.append((counts.notices, counts.prf()[2]))
    return total, per_fold


def cross_predicted(dev: list[Scored], fitter: Callable[[list[Scored]], Fitted] | None = None,
                    ) -> list[list[tuple[Scored, set[str]]]]:
    """For each publisher fold, its notices with what `fitter` (default `calibrated`) fitted on the other folds
    predicts for them."""
    folds = _folds(dev)
    out = []
    for k in range(FOLDS):
        predict = (fitter or calibrated)([n for n in dev if folds[n.group] != k])
        out.append([(n, predict(n)) for n in dev if folds[n.group] == k])
    return out


def calibrated(train: list[Scored]) -> Fitted:
    """Predictions of the calibration `fit` on `train`, at its precision-first threshold."""
    cal = fit(train, fitted_on="fold")
    return lambda n: n.predicted(cal, cal.threshold)


def _folds(notices: list[Scored]) -> dict[str, int]:
    return {n.group: int(hashlib.sha256(n.group.encode()).hexdigest(), 16) % FOLDS for n in notices}


def _add(counts: Counts, gold: set[str], found: set[str], keep: Callable[[str], bool] = lambda c: True) -> None:
    gold, found = {c for c in gold if keep(c)}, {c for c in found if keep(c)}
    counts.notices += 1
    counts.tp += len(gold & found)
    counts.fp += len(found - gold)
    counts.fn += len(gold - found)


def evaluate(shared: Path = DEFAULT_SHARED, cal: calibration.Calibration | None = None,
             db_labels: Path | None = DB_LABELS) -> ReasonReport:
    notices = scored_notices(shared, db_labels)
    dev = [n for n in notices if n.split in DEV_SPLITS]
    unseen = [n for n in notices if n.split in UNSEEN]
    cal = cal or calibration.load()
    report = ReasonReport(threshold=cal.threshold)
    predicted = cross_predicted(dev)
    report.cross_validated, report.folds = fold_scores(predicted)
    report.cross_validated_db, _ = fold_scores(predicted, lambda n: n.split == DB_DEV)
    table, unstated = families()
    names = {iri: label for label, iri in _pref_labels().items()}
    for n in unseen:
        found = n.predicted(cal, cal.threshold)
        _add(report.unseen, n.gold, found)
        _add(report.unseen_with_tentative, n.gold, n.predicted(cal, 0.0))
        _add(report.unseen_stated, n.gold, found, lambda c: family_of(c, table, names) not in unstated)
        for family in {family_of(c, table, names) for c in n.gold | found}:
            _add(report.unseen_by_family.setdefault(family, Counts()), n.gold, found,
                 lambda c, family=family: family_of(c, table, names) == family)
    report.unseen_interval = _bootstrap(unseen, cal)
    errors: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for n, found in (pair for fold in predicted for pair in fold):
        for c in n.gold & found:
            errors[c][0] += 1
        for c in found - n.gold:
            errors[c][1] += 1
        for c in n.gold - found:
            errors[c][2] += 1
    report.errors = sorted(((names.get(c, c), *v) for c, v in errors.items() if v[1] + v[2]),
                           key=lambda row: (-(row[2] + row[3]), row[0]))
    return report


def _pref_labels() -> dict[str, str]:
    """Each concept's preferred label (current wording), from the reason scheme."""
    pref = NamedNode(SKOS + "prefLabel")
    with REASONS_FILE.open("rb") as f:
        return {t.object.value: t.subject.value for t in parse(f, RdfFormat.TURTLE) if t.predicate == pref}


def _bootstrap(notices: list[Scored], cal: calibration.Calibration) -> tuple[float, float]:
    rows = [(len(n.gold & (f := n.predicted(cal, cal.threshold))), len(f - n.gold), len(n.gold - f))
            for n in notices]
    if not rows:
        return 0.0, 0.0
    draw = random.Random(12)
    scores = []
    for _ in range(DRAWS):
        tp = fp = fn = 0
        for _ in rows:
            a, b, c = rows[draw.randrange(len(rows))]
            tp, fp, fn = tp + a, fp + b, fn + c
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    scores.sort()
    return scores[int(0.025 * DRAWS)], scores[int(0.975 * DRAWS) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder")
    parser.add_argument("--fit", action="store_true", help="refit the calibration on the dev notices and save it")
    args = parser.parse_args(argv)
    if args.fit:
        dev = [n for n in scored_notices(args.shared) if n.split in DEV_SPLITS]
        db = sum(n.split == DB_DEV for n in dev)
        cal = fit(dev, fitted_on=f"{len(dev) - db} dev notices of reasons-dev.jsonl and {db} of {DB_DEV}")
        cal.save()
        print(f"fitted on {len(dev)} dev notices: threshold {cal.threshold:.2f}, slope {cal.slope}, "
              f"intercept {cal.intercept}; written to {calibration.CALIBRATION}")
    print(evaluate(args.shared).table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
