"""The labelled notices every evaluation scores against, and how they are split and counted.

Shared by `evaluate_extraction.py` (per-split reason, nature and identifier scores) and
`evaluate_reasons.py` (cross-validated and unseen reason scores), so both read the same notices the same way.
"rw-db-dev" is a second development split: curated reasons from the Retraction Watch database for shared notice
texts that no other split holds, read from a small derived file (`rw_db_labels.py` writes it).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
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
RECORDS = "rw-records"
UNSEEN_EXPORTS = (EXPORT, RECORDS)
DB_DEV = "rw-db-dev"
DEV_SPLITS = ("dev", DB_DEV)  # what rules and calibration may be developed on; every other split is unseen
# Notice id -> curated reasons, derived from the Retraction Watch database (`rw_db_labels.py`); absent until a
# copy of the database has been joined to the shared notices.
DB_LABELS = Path(__file__).with_name("data") / "rw_db_dev.json"
MIN_BODY_WORDS = 10  # the shortest labelled notice in reasons-dev.jsonl has 19
_EXPORT_FILE = "dciudadr_rw_website_export_600.txt"
# Retraction Watch records with curated reasons that ingest reads: the website scrape, the COVID-19 subset. (The
# re-shaped 2025 sample is no format ingest reads; its notice DOIs reach one shared text, the scrape's too.)
_RECORD_FILES = ("brian_collins_rw_website_scrape_retraction_notices.parquet", "rw_covid19_subset_dev_rawformat.csv")


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


@dataclass(frozen=True)
class NoticeText:
    """A shared PubMed Central notice body with the notice's identifiers."""

    text_id: str  # the PMC id: one notice however many identifiers and containers lead to it
    text: str
    ids: frozenset[str]  # "doi:…", "pmid:…", "pmc:…"
    articles: frozenset[str] = frozenset()  # the retracted article's identifiers, in the same form


def notice_texts(shared: Path) -> list[NoticeText]:
    """Every shared PubMed Central notice body: the plain-text body where there is one, else the body of its
    JATS XML (both are the same `<p>` text of the same notice)."""
    texts: dict[str, NoticeText] = {}

    def add(ids: dict[str, str | None], text: str, articles: set[str]) -> None:
        text_id = "pmc:" + (ids.get("pmc") or "").removeprefix("PMC")
        if text_id not in texts:
            texts[text_id] = NoticeText(text_id, text, frozenset(identifier_keys(ids.items())), frozenset(articles))

    for side in sorted((shared / "data" / "notices" / "pmc").glob("*.json")):
        meta = json.loads(side.read_text(encoding="utf-8"))
        add({"pmc": meta.get("notice_pmcid"), "doi": meta.get("notice_doi"), "pmid": meta.get("notice_pmid")},
            side.with_suffix(".txt").read_text(encoding="utf-8"),
            identifier_keys((a.get("id_type"), a.get("id")) for a in meta.get("retracted_article") or []))
    for side in sorted((shared / "data" / "jats").glob("*.json")):
        meta = json.loads(side.read_text(encoding="utf-8"))
        # A file the source cut short can leave only a heading ("Scientific Reports", "Retraction to:") as
        # its body: nothing a curator or a reader could take a reason from.
        if len((meta.get("body_text") or "").split()) >= MIN_BODY_WORDS:
            retracted = [a for a in meta.get("related_articles") or []
                         if a.get("related_article_type") in (None, "retracted-article")]
            add(meta.get("ids") or {}, meta["body_text"],
                identifier_keys((a.get("ext_link_type"), a.get("href")) for a in retracted))
    return list(texts.values())


def identifier_keys(pairs: Iterable[tuple[str | None, str | None]]) -> set[str]:
    """"kind:value" keys ("doi:…" normalised, "pmid:…", "pmc:…" without its prefix) of (kind, value) pairs; other
    kinds and empty values are left out."""
    out = set()
    for kind, value in pairs:
        kind = {"pubmed": "pmid", "pmcid": "pmc"}.get(kind or "", kind)
        value = normalize_doi(value or "") if kind == "doi" else (value or "").removeprefix("PMC")
        if value and kind in ("doi", "pmid", "pmc"):
            out.add(f"{kind}:{value}")
    return out


def labelled_notices(shared: Path, db_labels: Path | None = DB_LABELS) -> Iterator[tuple[str, str, str, set[str]]]:
    """(key, split, notice text, curated reasons) of every labelled notice, each notice once.

    reasons-dev.jsonl, split dev / held-out by `split_of`; then, for the shared notice texts it does not hold,
    two unseen sets: "rw-export", the website export's reasons joined by the notice's DOI or PubMed ID, and
    "rw-records", the retractions of the Retraction Watch records ingest reads (website scrape, COVID-19
    subset) joined the same way. (Joining by the retracted article's DOI or PubMed ID instead finds no
    notice more: of the 91 texts it reaches, 76 are in reasons-dev.jsonl and the rest are joined already.)
    Last, "rw-db-dev": the notices of `db_labels` (see `rw_db_labels.py`) that none of those holds, so the
    unseen splits are the same with or without it.
    """
    texts = {t.text_id: t for t in notice_texts(shared)}
    used: set[str] = set()
    for key, split, text, labels, text_id in labelled_texts(shared, list(texts.values())):
        used.add(text_id)
        yield key, split, text, labels
    for entry in db_dev_entries(db_labels):
        hit = texts.get(entry["notice"])
        if hit is None or hit.text_id in used or not entry["reasons"]:
            continue
        used.add(hit.text_id)
        yield entry.get("doi") or hit.text_id, DB_DEV, hit.text, set(entry["reasons"])


def labelled_texts(shared: Path, texts: list[NoticeText]) -> Iterator[tuple[str, str, str, set[str], str]]:
    """`labelled_notices` without "rw-db-dev", each with the id of the shared text it holds ("" if none)."""
    by_id = {i: t for t in texts for i in t.ids}
    used: set[str] = set()
    for key, text, labels, ids in _reasons_dev(shared):
        held = {by_id[i].text_id for i in ids if i in by_id}
        used |= held
        yield key, split_of(key), text, labels, min(held, default="")
    candidates = [(EXPORT, ids, labels) for ids, labels in _export_labels(shared)]
    candidates += [(RECORDS, ids, labels) for ids, labels in _record_labels(shared)]
    for split, ids, labels in candidates:
        hit = next((by_id[i] for i in ids if i in by_id), None)
        if hit is None or not labels or hit.text_id in used:
            continue
        used.add(hit.text_id)
        key = next((i for i in sorted(hit.ids) if i.startswith("doi:")), hit.text_id)
        yield key.removeprefix("doi:"), split, hit.text, labels, hit.text_id


def db_dev_entries(path: Path | None) -> list[dict]:
    """The notices of a derived Retraction Watch database file ([] when there is none): each a dict with
    "notice" (the shared text's id), "doi", "publisher" and "reasons"."""
    if path is None or not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["notices"]
    except (json.JSONDecodeError, KeyError, TypeError) as e:
        raise ValueError(f"{path}: not a derived Retraction Watch database file: {e}") from e
    for number, entry in enumerate(entries, 1):
        reasons = entry.get("reasons") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not isinstance(entry.get("notice"), str) \
                or not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
            raise ValueError(f"{path}: notice {number}: needs \"notice\" (text) and \"reasons\" (a list of text)")
    return entries


def reason_rows(shared: Path) -> Iterator[tuple[str, str, set[str]]]:
    """(split key, notice text, curated concepts) for every notice of reasons-dev.jsonl."""
    for key, text, labels, _ in _reasons_dev(shared):
        yield key, text, labels


def export_rows(shared: Path, exclude: set[str]) -> Iterator[tuple[str, str, set[str]]]:
    """(key, notice text, curated reasons) of the unseen notices joined from the website exports whose DOI is
    not in `exclude` (see `labelled_notices`)."""
    for key, split, text, labels in labelled_notices(shared):
        if split in UNSEEN_EXPORTS and normalize_doi(key) not in exclude:
            yield key, text, labels


def _reasons_dev(shared: Path) -> Iterator[tuple[str, str, set[str], list[str]]]:
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
            ids = ["pmc:" + Path(row["pmc_notice_file"]).stem.removeprefix("PMC")]
            ids += [f"doi:{normalize_doi(row['notice_doi'])}"] if row.get("notice_doi") else []
            ids += [f"pmid:{row['notice_pmid']}"] if row.get("notice_pmid") else []
            yield key, row["notice_text"], labels, ids


def _export_labels(shared: Path) -> Iterator[tuple[list[str], set[str]]]:
    """(notice identifiers, curated reasons) of the website export's records.

    The export's records run over several tab-separated lines: a record starts with the title and the
    original paper's date; column 2 of its lines holds "+reason"s; the line with two PubMed IDs and the line
    with two DOIs have the original paper's and the notice's.
    """
    path = shared / "data" / "retraction-watch" / _EXPORT_FILE
    if not path.exists():
        return
    records: list[tuple[list[str], set[str]]] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[2:]:
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) > 4 and cols[0] and re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", cols[3]):
            records.append(([], set()))
        if not records:
            continue
        ids, reasons = records[-1]
        if len(cols) > 1 and cols[1].startswith("+"):
            reasons.add(cols[1][1:])
        if len(cols) > 4 and normalize_doi(cols[4]):
            ids.insert(0, "doi:" + normalize_doi(cols[4]))
        elif len(cols) > 4 and re.fullmatch(r"[1-9]\d{0,8}", cols[4]) and re.fullmatch(r"\d+", cols[3]):
            ids.append("pmid:" + cols[4])
    yield from records


def _record_labels(shared: Path) -> Iterator[tuple[list[str], set[str]]]:
    """(notice identifiers, curated reasons) of every retraction in the Retraction Watch record files, read by
    their ingest readers."""
    from retractkg.ingest.model import Nature
    from retractkg.ingest.pipeline import read_records
    from retractkg.ingest.report import IngestReport

    folder = shared / "data" / "retraction-watch"
    paths = [folder / name for name in _RECORD_FILES if (folder / name).exists()]
    for record in read_records(paths, IngestReport()):
        notice = record.notice
        if notice.nature is not Nature.RETRACTION or not notice.reasons:
            continue
        ids = identifier_keys([("doi", notice.doi), ("pmid", notice.pmid)])
        yield sorted(ids), {claim.label for claim in notice.reasons}
