"""Which ways of deciding reasons generalise? Cross-validated on the dev notices only, beside the shipped way.

    .venv/bin/python benchmarks/reason_variants.py [--shared ../shared]

Every variant is scored as `retractkg evaluate` scores the shipped reader: 5 folds by publisher, whatever is
fitted (calibration, thresholds, implications) fitted on four folds and scored on the fifth
(`evaluate_reasons.cross_validate`). Unseen notices are read only with `--unseen`
(issue 12: decide on the cross-validated figure, look at the unseen one only before and after: it prints each
variant fitted on all dev notices and scored on the pooled unseen ones). Variants:
- shipped: one calibration (strength curve, each reason shrunk towards it with 2 pseudo-observations) and one
  precision-first threshold, chosen by cross-fold F0.5;
- threshold T: the same calibration at a fixed threshold, which shows how much of a difference between two
  readers is the fitted threshold moving on a few dozen notices (compare readers at these too);
- shrink N: the same with N pseudo-observations;
- per family: a calibration and threshold fitted for each reason family (`reason_families.toml`) apart;
- learned implications: a reason the curators gave in at least 60% of the training notices where the reader
  found another (and at least 3 of them) is added beside it, at that share of its strength;
- curator bundles (issue 12): where the reader asserts A, assert B too when, on the training folds, B was given
  in at least `share` of the notices where A was (at least 3 of them): "given": of the notices curators gave A
  ("a curator who gives A also gives B"); "found": of the notices where the reader asserted A and not B;
  "corpus": of the retractions curators gave A in the 2025 export sample (`mdpi_*_sampled.csv`, labels only, at
  least 10 of them), less the scored fold's publishers (DOI prefix) and the labelled notices that are not dev;
- and a curator convention, counted on the dev labels: does a journal-led retraction (retracted by editors,
  journal or publisher, the authors neither retracting nor asking) get "Investigation by Journal/Publisher"?
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import re
from collections import Counter
from pathlib import Path

from retractkg import evaluate_reasons as er
from retractkg.evaluation_data import DEFAULT_SHARED, DEV_SPLITS, Counts, concept
from retractkg.ingest.model import Role
from retractkg.ingest.reading import calibration
from retractkg.ingest.reading.actors import find_actors
from retractkg.ontology.identifiers import normalize_doi

JOURNAL_SIDE = {Role.EDITOR, Role.EDITOR_IN_CHIEF, Role.EDITORIAL_BOARD, Role.PUBLISHER, Role.JOURNAL}


def shrunk(shrink: float):
    def fitter(train: list[er.Scored]) -> er.Fitted:
        cal = er.fit(train, fitted_on="fold", shrink=shrink)
        return lambda n: n.predicted(cal, cal.threshold)
    return fitter


def fixed(threshold: float):
    def fitter(train: list[er.Scored]) -> er.Fitted:
        cal = er.fit(train, fitted_on="fold")
        return lambda n: n.predicted(cal, threshold)
    return fitter


def per_family(train: list[er.Scored]) -> er.Fitted:
    table, _ = er.families()
    names = {iri: label for label, iri in er._pref_labels().items()}
    family = {c: er.family_of(c, table, names) for n in train for c in n.gold | n.found.keys()}

    def only(n: er.Scored, f: str) -> er.Scored:
        return dataclasses.replace(n, gold={c for c in n.gold if family.get(c) == f},
                                   found={c: v for c, v in n.found.items() if family.get(c) == f})
    cals = {f: er.fit([only(n, f) for n in train], fitted_on="fold") for f in set(family.values())}
    shared = er.fit(train, fitted_on="fold")

    def predict(n: er.Scored) -> set[str]:
        out = set()
        for c, (label, strength) in n.found.items():
            cal = cals.get(family.get(c, ""), shared)
            if cal.probability(label, strength) >= cal.threshold:
                out.add(c)
        return out
    return predict


def learned_implications(train: list[er.Scored], share: float = 0.6, least: int = 3) -> er.Fitted:
    found, both = Counter(), Counter()
    for n in train:
        for c in n.found:
            found[c] += 1
            both.update((c, g) for g in n.gold - n.found.keys())
    implied = {(a, b): k / found[a] for (a, b), k in both.items() if found[a] >= least and k / found[a] >= share}

    def widen(n: er.Scored) -> er.Scored:
        more = dict(n.found)
        for (a, b), p in implied.items():
            if a in n.found and n.found[a][1] is not None and b not in more:  # none from "no reason stated"
                more[b] = ("implied: " + b, n.found[a][1] * p)
        return dataclasses.replace(n, found=more)
    cal = er.fit([widen(n) for n in train], fitted_on="fold")
    return lambda n: widen(n).predicted(cal, cal.threshold)


def curator_bundles(share: float, among: str, least: int = 3):
    """Fitted on the training folds: B is asserted beside an asserted A where P(B | A) >= `share`, A counted among
    the notices the curators gave it ("given") or the reader asserted it ("found", B not asserted there)."""
    def fitter(train: list[er.Scored]) -> er.Fitted:
        cal = er.fit(train, fitted_on="fold")
        counted, both = Counter(), Counter()
        for n in train:
            asserted = n.predicted(cal, cal.threshold)
            for a in (n.gold if among == "given" else asserted):
                counted[a] += 1
                both.update((a, b) for b in (n.gold - {a} if among == "given" else n.gold - asserted))
        return bundled(cal, counted, both, share, least)
    return fitter


def bundled(cal: calibration.Calibration, counted: Counter, both: Counter, share: float, least: int) -> er.Fitted:
    """The reader's reasons, and beside each asserted A every B that came with A (`both`) in at least `share` of
    the `counted` notices with A, where those are `least` or more."""
    bundle = {(a, b) for (a, b), k in both.items() if counted[a] >= least and k / counted[a] >= share}

    def predict(n: er.Scored) -> set[str]:
        asserted = n.predicted(cal, cal.threshold)
        return asserted | {b for a, b in bundle if a in asserted}
    return predict


def corpus_labels(shared: Path, leave_out: set[str]) -> list[tuple[str, set[str]]]:
    """(DOI prefix, curated concepts) of each retraction in the 2025 export sample, except the notices (normalised
    DOIs) in `leave_out`. Its list cells are numpy-array reprs ("['+A' '+B'\n '+C']")."""
    path = next((shared / "data" / "retraction-watch").glob("mdpi_*_sampled.csv"), None)
    if path is None:
        return []
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as f:
        return [(row["prefix"], {concept(x) for x in re.findall(r"'\+([^']+)'", row["reason"])})
                for row in csv.DictReader(f)
                if row["retractionnature"] == "Retraction" and normalize_doi(row["retractiondoi"]) not in leave_out]


def corpus_bundles(corpus: list[tuple[str, set[str]]], share: float, least: int = 10):
    """As `curator_bundles` "given", counted on `corpus` less the publishers of the notices being scored."""
    def fitter(train: list[er.Scored]) -> er.Fitted:
        cal = er.fit(train, fitted_on="fold")
        held_out = _DEV_GROUPS - {n.group for n in train}  # the publishers of the fold being scored
        counted, both = Counter(), Counter()
        for prefix, labels in corpus:
            if prefix in held_out:
                continue
            for a in labels:
                counted[a] += 1
                both.update((a, b) for b in labels - {a})
        return bundled(cal, counted, both, share, least)
    return fitter


_DEV_GROUPS: set[str] = set()  # the publishers (DOI prefixes) of the dev notices, set by main


def journal_led_convention(shared: Path, dev_keys: set[str]) -> Counter:
    from retractkg.evaluation_data import labelled_notices

    counts: Counter = Counter()
    investigation = concept("Investigation by Journal/Publisher")
    for key, split, text, labels in labelled_notices(shared):
        if split != "dev" or key not in dev_keys:
            continue
        by, asked = find_actors(text)
        led = bool(set(by) & JOURNAL_SIDE) and Role.AUTHORS not in {*by, *asked}
        counts[("journal-led" if led else "other", investigation in {concept(x) for x in labels})] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--unseen", action="store_true",
                        help="also score each variant, fitted on all dev notices, on the pooled unseen notices")
    args = parser.parse_args()
    notices = er.scored_notices(args.shared)
    dev = [n for n in notices if n.split in DEV_SPLITS]
    unseen = [n for n in notices if n.split in er.UNSEEN] if args.unseen else []
    _DEV_GROUPS.update(n.group for n in dev)
    corpus = corpus_labels(args.shared, {normalize_doi(n.key) for n in notices if n.split not in DEV_SPLITS})
    print(f"{len(dev)} dev notices, {er.FOLDS} folds by publisher")
    print(f"{'variant':<26} {'P':>6} {'R':>6} {'F1':>6} {'F0.5':>6}" + ("   unseen P, R, F1" if unseen else ""))
    variants = {"shipped": er.calibrated, **{f"threshold {t:g}": fixed(t) for t in (0.35, 0.4, 0.45, 0.5)},
                **{f"shrink {s:g}": shrunk(s) for s in (1, 2, 8, 16)},
                "per family": per_family, "learned implications": learned_implications,
                **{f"bundles {among} {share:g}": curator_bundles(share, among)
                   for among in ("given", "found") for share in (0.4, 0.5, 0.6, 0.7)},
                **{f"bundles corpus {share:g}": corpus_bundles(corpus, share) for share in (0.5, 0.6, 0.7, 0.8)}}
    for name, fitter in variants.items():
        p, r, f = er.cross_validate(dev, fitter)[0].prf()
        f05 = 1.25 * p * r / (0.25 * p + r) if p + r else 0.0
        line = f"{name:<26} {p:6.3f} {r:6.3f} {f:6.3f} {f05:6.3f}"
        if unseen:
            predict, counts = fitter(dev), Counts()
            for n in unseen:
                er._add(counts, n.gold, predict(n))
            line += "   {:.3f} {:.3f} {:.3f}".format(*counts.prf())
        print(line)
    counts = journal_led_convention(args.shared, {n.key for n in dev})
    for kind in ("journal-led", "other"):
        given, total = counts[(kind, True)], counts[(kind, True)] + counts[(kind, False)]
        print(f"{kind} retractions given 'Investigation by Journal/Publisher' by the curators: {given} of {total}")


if __name__ == "__main__":
    main()
