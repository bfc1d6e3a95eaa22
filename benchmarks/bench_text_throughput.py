"""Notices per second for the prose readers (reasons + nature + actors) and the full text parse, on one core.

    .venv/bin/python benchmarks/bench_text_throughput.py [--shared ../shared] [--rounds 3]

Input: every PubMed Central notice body in `data/notices/pmc/` (299 texts, ~80 publishers). Each
measure is the best of `--rounds` passes over all texts, in this process only (one core). Printed
against the goal (200 notices/s) and against two peers measured in the same run on the same texts:
- tokenize: `re.findall(r"\\w+")` over each text, the least any reader of the prose must do;
- map: `RecordMapper.map` of the parsed records to RDF quads, the next pipeline step after parsing
  (only when the text parser exists).
Caches are cleared between passes so that every pass reads every notice afresh.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from retractkg.ingest.reading import prose
from retractkg.ingest.reading.actors import find_actors
from retractkg.ingest.reading.nature import classify_nature
from retractkg.ingest.reading.reasons import find_reasons

DEFAULT_SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOAL = 200.0
_WORD = re.compile(r"\w+")


def understand(text: str) -> None:
    find_reasons(text)
    classify_nature("", text)
    find_actors(text)


def tokenize(text: str) -> None:
    _WORD.findall(text)


def rate(work: Callable[[str], object], texts: list[str], rounds: int) -> float:
    """Best notices/s over `rounds` passes."""
    best = float("inf")
    for _ in range(rounds):
        prose.sentences.cache_clear()
        prose.statements.cache_clear()
        start = time.perf_counter()
        for text in texts:
            work(text)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    paths = sorted((args.shared / "data" / "notices" / "pmc").glob("*.txt"))
    if not paths:
        print(f"bench: no notice texts under {args.shared}/data/notices/pmc", file=sys.stderr)
        return 2
    texts = [p.read_text(encoding="utf-8") for p in paths]
    rows: list[tuple[str, float]] = [
        ("reasons + nature + actors", rate(understand, texts, args.rounds)),
        ("  find_reasons", rate(find_reasons, texts, args.rounds)),
        ("  classify_nature", rate(lambda t: classify_nature("", t), texts, args.rounds)),
        ("  find_actors", rate(find_actors, texts, args.rounds)),
    ]
    peer_tokenize = rate(tokenize, texts, args.rounds)
    peer_map = None
    try:
        text_notice = importlib.import_module("retractkg.ingest.readers.text_notice")
    except ImportError:
        text_notice = None
    if text_notice is not None and hasattr(text_notice, "read_notice"):
        from retractkg.ingest.mapping import RecordMapper
        from retractkg.ingest.model import SourceRecord

        rows.append(("full text parse (read_notice)", rate(text_notice.read_notice, texts, args.rounds)))
        records = [SourceRecord(text_notice.read_notice(t), str(p), "text") for t, p in zip(texts, paths, strict=True)]
        mapper = RecordMapper("https://w3id.org/retractkg/")
        by_text = dict(zip(texts, records, strict=True))
        peer_map = rate(lambda t: mapper.map(by_text[t]), texts, args.rounds)
    else:
        rows.append(("full text parse", float("nan")))

    source = args.shared / "data" / "notices" / "pmc"
    print(f"{len(texts)} notices from {source}, best of {args.rounds} passes, one core")
    print(f"{'measure':34} {'notices/s':>10} {'x goal':>8} {'x tokenize':>11}" + (f" {'x map':>7}" if peer_map else ""))
    for name, value in rows:
        line = f"{name:34} {value:10.0f} {value / GOAL:8.2f} {value / peer_tokenize:11.4f}"
        if peer_map:
            line += f" {value / peer_map:7.2f}"
        print(line)
    print(f"{'peer: regex tokenize':34} {peer_tokenize:10.0f} {peer_tokenize / GOAL:8.2f}")
    if peer_map:
        print(f"{'peer: RDF mapping (RecordMapper)':34} {peer_map:10.0f} {peer_map / GOAL:8.2f}")
    print(f"goal: {GOAL:.0f} notices/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
