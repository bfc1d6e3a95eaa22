"""How far any reader of notice text can agree with the curators: their reasons for notices with the same text.

    .venv/bin/python benchmarks/label_agreement.py [--shared ../shared] [--similarity 0.95] [--pairs]

Takes the labelled notices of `evaluate_extraction.py` (reasons-dev.jsonl and the rw-export set), pairs
those whose texts are the same up to numbers (Jaccard similarity of word 5-grams at least `--similarity`),
and scores one notice's curated reasons against its twin's, as concepts: micro precision = recall = F1.
Whatever reads only the text gives both twins one answer, so where the curators disagree with each other,
no reader can agree with both. Compare with `retractkg evaluate`'s reason F1.
"""

from __future__ import annotations

import argparse
import itertools
import re
from pathlib import Path

from retractkg.evaluate_extraction import concept_slugs
from retractkg.evaluation_data import DEFAULT_SHARED, concept, export_rows, reason_rows
from retractkg.ontology.identifiers import normalize_doi


def shingles(text: str, n: int = 5) -> set[str]:
    """The word n-grams of a text, with every number read as one: dates and volumes differ between twins."""
    words = re.findall(r"[a-z]+", re.sub(r"\d+", "0", text.lower()))
    return {" ".join(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--similarity", type=float, default=0.95, help="least Jaccard similarity of 5-grams (0-1)")
    ap.add_argument("--pairs", action="store_true", help="list each pair and both label sets")
    args = ap.parse_args()
    labelled = list(reason_rows(args.shared))
    seen = {normalize_doi(key) for key, _, _ in labelled}
    notices = [(key, shingles(text), {concept(label) for label in labels})
               for key, text, labels in [*labelled, *export_rows(args.shared, seen)]]
    agree = differ = pairs = 0
    twins: set[str] = set()
    for (key_a, grams_a, gold_a), (key_b, grams_b, gold_b) in itertools.combinations(notices, 2):
        if len(grams_a & grams_b) < args.similarity * len(grams_a | grams_b):
            continue
        twins |= {key_a, key_b}
        pairs += 1
        agree += len(gold_a & gold_b)
        differ += len(gold_a ^ gold_b)  # a reason one twin has and the other not: a miss or an extra
        if args.pairs:
            print(f"{key_a} | {key_b}\n    {concept_slugs(gold_a)}\n    {concept_slugs(gold_b)}")
    print(f"{len(notices)} labelled notices; {len(twins)} have a twin of the same text ({pairs} pairs at "
          f"similarity >= {args.similarity})")
    if agree + differ:
        print(f"curators' reasons, one twin against the other: micro F1 {2 * agree / (2 * agree + differ):.3f}")


if __name__ == "__main__":
    main()
