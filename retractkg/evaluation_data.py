"""The labelled notices every evaluation scores against, and how they are split and counted.

Shared by `evaluate_extraction.py` (per-split reason, nature and identifier scores) and
`evaluate_reasons.py` (cross-validated and unseen reason scores), so both read the same notices the same way.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from retractkg.ontology.identifiers import fold, normalize_doi
from retractkg.ontology.reasons import reason_iri

_CHECKOUT = Path(__file__).resolve().parents[1]
# ../shared next to the source checkout; installed from a wheel, ../shared from the working folder.
DEFAULT_SHARED = (_CHECKOUT.parent if (_CHECKOUT / "pyproject.toml").exists() else Path.cwd().parent) / "shared"
HELD_OUT_PERCENT = 30
SPLITS = ("dev", "held-out")
EXPORT = "rw-export"
_EXPORT_FILE = "dciudadr_rw_website_export_600.txt"


def split_of(key: str) -> str:
    """'held-out' for a fixed 30% of notices, by a hash of their DOI or file name."""
    digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()
    return "held-out" if int(digest, 16) % 100 < HELD_OUT_PERCENT else "dev"


def concept(label: str) -> str:
    """A reason's concept IRI; a label the taxonomy does not know stays its own (folded) concept."""
    return reason_iri(label) or "unknown:" + fold(label)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    notices: int = 0

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def reason_rows(shared: Path) -> Iterator[tuple[str, str, set[str]]]:
    """(split key, notice text, curated concepts) for every labelled notice."""
    path = shared / "data" / "notices" / "reasons-dev.jsonl"
    with path.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{line_no}: not JSON: {e}") from e
            labels = {label for labelling in row["labels"] for label in labelling["reasons"]}
            key = row.get("notice_doi") or row["pmc_notice_file"]
            yield key, row["notice_text"], labels


def export_rows(shared: Path, exclude: set[str]) -> Iterator[tuple[str, str, set[str]]]:
    """(notice DOI, PMC notice text, curated reasons) from the website export, for notices not in `exclude`.

    The export's records run over several tab-separated lines: a record starts with the title and the
    original paper's date; column 2 of its lines holds "+reason"s; the line with two DOIs has the
    original paper's and the notice's.
    """
    path = shared / "data" / "retraction-watch" / _EXPORT_FILE
    if not path.exists():
        return
    by_notice_doi: dict[str, set[str]] = {}
    record: dict | None = None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[2:]:
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) > 4 and cols[0] and re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", cols[3]):
            record = {"reasons": set(), "dois": []}
        if record is None:
            continue
        if len(cols) > 1 and cols[1].startswith("+"):
            record["reasons"].add(cols[1][1:])
        if len(cols) > 4 and normalize_doi(cols[4]):
            by_notice_doi[normalize_doi(cols[4])] = record["reasons"]
    for side in sorted((shared / "data" / "notices" / "pmc").glob("*.json")):
        meta = json.loads(side.read_text(encoding="utf-8"))
        doi = normalize_doi(meta.get("notice_doi") or "")
        if doi and doi in by_notice_doi and doi not in exclude and by_notice_doi[doi]:
            yield doi, side.with_suffix(".txt").read_text(encoding="utf-8"), by_notice_doi[doi]
