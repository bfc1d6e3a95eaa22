"""Calibrated confidence for reasons: probabilities fitted on development notices, not typed in.

A rule's strength (reason_rules.toml) is only a prior. `fit` learns, from notices curators labelled, how
often a reason found with a given strength is one the curators gave: a logistic curve over the strength
(two parameters, all reasons pooled), then each reason's own record shrunk towards that curve
(`shrink` pseudo-observations), so a reason seen rarely keeps the pooled estimate. A reason that no rule reads
(a notice stating no reason is "limited information") has no strength: its record is shrunk towards `base`, the
share of all reasons found that the curators gave. `threshold` is the
precision-first cut chosen with the fit: reasons below it are kept, with their lower confidence, and
marked tentative. The fitted numbers live in `reason_calibration.json`, written by
`python -m retractkg.evaluate_reasons --fit` (see its docstring); nothing here is hand-set but `shrink`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypeVar

from retractkg.ingest.model import ReasonClaim

K = TypeVar("K")

CALIBRATION = Path(__file__).with_name("reason_calibration.json")


@dataclass
class Calibration:
    slope: float = 1.0
    intercept: float = 0.0
    shrink: float = 4.0
    threshold: float = 0.5
    by_reason: dict[str, tuple[int, int]] = field(default_factory=dict)  # label: (found, right) in the fit data
    base: float = 0.5  # share of reasons found that curators gave, for a reason with no strength; even unfitted
    fitted_on: str = ""

    def probability(self, label: str, strength: float | None) -> float:
        """P(curators gave `label`) for a reason found at rule `strength` (None: found by no rule)."""
        if not self.fitted_on:
            return self.base if strength is None else strength  # nothing fitted: the only estimate there is
        pooled = self.base if strength is None else 1 / (1 + math.exp(-(self.slope * strength + self.intercept)))
        found, right = self.by_reason.get(record(label, strength), (0, 0))
        return (right + self.shrink * pooled) / (found + self.shrink)

    def apply(self, claims: list[ReasonClaim]) -> list[ReasonClaim]:
        """The claims with calibrated confidences (their strengths in, probabilities out), those below the
        threshold marked tentative."""
        confidences = capped({c.label: self.probability(c.label, c.confidence) for c in claims},
                             {c.label: c.implied_by for c in claims if c.implied_by})
        for claim in claims:
            claim.confidence = round(confidences[claim.label], 3)
            claim.tentative = self.tentative(claim)
        return claims

    def tentative(self, claim: ReasonClaim) -> bool:
        """Below the precision-first threshold, or stated only under a hedge: kept and published with its
        confidence, not asserted."""
        return claim.hedged or (claim.confidence or 0.0) < self.threshold

    def save(self, path: Path = CALIBRATION) -> None:
        path.write_text(json.dumps(asdict(self), indent=1, sort_keys=True) + "\n", encoding="utf-8")


def record(label: str, strength: float | None) -> str:
    """The key of a reason's record: a reason read by no rule (an error the notice does not place, read as an error
    in data) is right or wrong on its own, apart from the rules that read the same reason."""
    return label if strength is not None else f"{label} (no rule)"


def capped(probabilities: dict[K, float], implied_by: dict[K, K]) -> dict[K, float]:
    """`probabilities` with each implied reason's capped at its source's (in order, so a chain of implications is
    capped along it): a reason that follows from a possible one is possible only, however often the curators
    gave it where it was found."""
    out = dict(probabilities)
    for key, source in implied_by.items():
        if source in out and key in out:
            out[key] = min(out[key], out[source])
    return out


def load(path: Path = CALIBRATION) -> Calibration:
    """The fitted calibration; without one, confidences are the rules' strengths."""
    if not path.exists():
        return Calibration()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        data["by_reason"] = {label: tuple(pair) for label, pair in data.get("by_reason", {}).items()}
        return Calibration(**data)
    except (ValueError, TypeError) as e:
        raise ValueError(f"{path}: not a reason calibration: {e}") from e


def fit(samples: Iterable[tuple[str, float | None, bool]], *, shrink: float = 4.0, fitted_on: str = "",
        ) -> Calibration:
    """Fit on (reason label, rule strength or None, whether curators gave that reason) for every reason found."""
    data = list(samples)
    ruled = [(s, r) for _, s, r in data if s is not None]
    slope, intercept = _logistic([s for s, _ in ruled], [r for _, r in ruled])
    by_reason: dict[str, list[int]] = {}
    for label, strength, right in data:
        counts = by_reason.setdefault(record(label, strength), [0, 0])
        counts[0] += 1
        counts[1] += right
    base = sum(r for _, _, r in data) / len(data) if data else Calibration.base
    return Calibration(slope=round(slope, 4), intercept=round(intercept, 4), shrink=shrink, base=round(base, 4),
                       by_reason={k: (v[0], v[1]) for k, v in sorted(by_reason.items())}, fitted_on=fitted_on)


def _logistic(xs: list[float], ys: list[bool], ridge: float = 0.1) -> tuple[float, float]:
    """Slope and intercept of P(y | x) by Newton's method, with a small ridge penalty so it always converges."""
    a = b = 0.0
    for _ in range(50):
        ga = gb = haa = hab = hbb = 0.0
        for x, y in zip(xs, ys, strict=True):
            p = 1 / (1 + math.exp(-(a * x + b)))
            ga += (p - y) * x
            gb += p - y
            w = p * (1 - p)
            haa += w * x * x
            hab += w * x
            hbb += w
        ga += ridge * a
        haa += ridge
        hbb += 1e-9
        det = haa * hbb - hab * hab
        if det <= 0:
            break
        da, db = (hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det
        a, b = a - da, b - db
        if abs(da) + abs(db) < 1e-8:
            break
    return a, b
