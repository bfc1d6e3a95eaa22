"""Score what retractkg understands of notice prose against human labels and source metadata.

    .venv/bin/python -m retractkg.evaluate_extraction [--shared ../shared] [--details] [--json]
    retractkg evaluate [--shared ../shared] [--details] [--json]

Three measures, each split into a development part and a held-out part (and, for reasons, the
cross-validated and pooled-unseen figures of `evaluate_reasons.py`):
- reasons: micro precision / recall / F1 of `find_reasons` against the Retraction Watch curators' reasons
  in `data/notices/reasons-dev.jsonl`, compared as concepts (`reason_iri`), so the older and current
  wordings of the taxonomy count as the same reason;
- nature: accuracy of `classify_nature` on every notice whose nature a source states (pages sidecars,
  PubMed Central JATS `article-type`, Europe PMC retraction set). JATS says "retraction" for withdrawals
  too, so "retracting" accuracy accepts retraction/withdrawal/removal there; "strict" does not; "body only"
  is the retracting accuracy from the body without the title, as for a text or PDF notice whose title is lost;
- retracted-article identifier: DOI or PMID of the retracted article found by the text parser
  (`retractkg.ingest.readers.text_notice.parse`) against the sidecar's, on the notices whose text states that
  DOI or PMID (PMC bodies often do not); "pending" while that parser is missing;
- retracted-article volume+page: volume and first page (or article number) of the retracted article found by
  the same parser against the PubMed Central sidecar's, on the notices whose text states both (the two numbers
  as whole tokens within a short span of each other); "journal found" is the share of those notices whose
  retracted article was given any journal name.

Merge measures (`merges`), precision first, on the shared data as a whole (identity rules are not tuned
per notice, so there is no held-out part):
- people: the Retraction Watch files (raw-format COVID-19 subset, the re-shaped sample, the website scrape)
  resolved as ingest resolves them (`retractkg.ingest.people`). Every pair of author mentions of one name
  (as written, folded) on two different articles is labelled: one person when the two articles share a
  co-author (what the field counts as the same author), two when they share nothing at all (no co-author,
  no institution); pairs sharing an institution only are left unlabelled. Recall is the share of one-person
  pairs joined; false merges are estimated as the name-alike pairs sharing nothing that were joined anyway
  (only a chain of other evidence can join them), and precision is joined one-person pairs over those plus
  the false merges;
- journals: every pair of PubMed Central JATS notices whose ISSNs overlap is one journal, every pair whose
  ISSNs are disjoint two: precision and recall of one periodical IRI per journal, resolved as ingest resolves
  them (`retractkg.ingest.periodicals`: ISSN first, then name).

The split is fixed by a hash of each notice's DOI (or file name): 30% is held out. Tune on the dev part
only; `--details` lists dev errors and never held-out ones. Two more independent reason sets take the
curators' reasons for the shared PubMed Central notices (plain-text or JATS bodies) that are not in
reasons-dev.jsonl, joined by the notice's DOI or PubMed ID: "rw-export" from the Retraction Watch website export
in `data/retraction-watch/` (`dciudadr_rw_website_export_600.txt`), "rw-records" from the records ingest reads
there (the website scrape, the COVID-19 subset). Never used for tuning. "rw-db-dev" is a second development
set: the Retraction Watch database's reasons for shared notice texts no other set holds (`rw_db_labels.py`).
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from retractkg import evaluate_reasons
from retractkg.evaluation_data import (
    DB_DEV,
    DEFAULT_SHARED,
    DEV_SPLITS,
    SPLITS,
    UNSEEN_EXPORTS,
    Counts,
    concept,
    labelled_notices,
    split_of,
)
from retractkg.ingest.mapping import RecordMapper
from retractkg.ingest.model import Nature
from retractkg.ingest.reading.nature import classify_nature
from retractkg.ingest.reading.reasons import find_reasons
from retractkg.ontology.identifiers import fold, normalize_doi
from retractkg.ontology.reasons import reason_iri

REASON_SPLITS = (*SPLITS, *UNSEEN_EXPORTS, DB_DEV)

# Not the retracting natures (`Nature.retracts`, which include partial retraction): what a source's coarse
# "retraction" (JATS article-type) may stand for, so that a withdrawal read from its text counts as right.
_COARSE_RETRACTION = {Nature.RETRACTION, Nature.WITHDRAWAL, Nature.REMOVAL}


@dataclass
class Accuracy:
    right: int = 0
    total: int = 0
    lenient_right: int = 0
    not_retracting: int = 0  # notices whose source nature does not retract (corrections, EoCs, ...)
    shown_retracting: int = 0  # ... that were classified as retracting: the failure users complain about

    def value(self, lenient: bool = False) -> float:
        return (self.lenient_right if lenient else self.right) / self.total if self.total else 0.0

    def add(self, right: bool) -> None:
        """One more notice of a measure with no lenient reading."""
        self.total += 1
        self.right += right
        self.lenient_right += right


@dataclass
class Merges:
    """Pairs of mentions labelled one thing (`same`) or two (`apart`), and how many of each were joined."""

    same: int = 0
    same_joined: int = 0
    apart: int = 0
    apart_joined: int = 0  # the false merges

    def precision(self) -> float:
        joined = self.same_joined + self.apart_joined
        return self.same_joined / joined if joined else 1.0

    def recall(self) -> float:
        return self.same_joined / self.same if self.same else 0.0

    def add(self, same: bool, joined: bool) -> None:
        if same:
            self.same += 1
            self.same_joined += joined
        else:
            self.apart += 1
            self.apart_joined += joined


@dataclass
class Report:
    reasons: dict[str, Counts] = field(default_factory=lambda: {s: Counts() for s in REASON_SPLITS})
    nature: dict[str, Accuracy] = field(default_factory=lambda: {s: Accuracy() for s in SPLITS})
    nature_body_only: dict[str, Accuracy] = field(default_factory=lambda: {s: Accuracy() for s in SPLITS})
    identifiers: dict[str, Accuracy] | None = None
    volume_page: dict[str, Accuracy] | None = None
    journal_found: dict[str, Accuracy] | None = None
    details: list[str] = field(default_factory=list)
    unknown_labels: set[str] = field(default_factory=set)
    merges: dict[str, Merges] = field(default_factory=dict)  # "people", "journals"

    def as_dict(self) -> dict:
        out: dict = {"reasons": {}, "nature": {}, "identifiers": None, "volume_page": None}
        for s in REASON_SPLITS:
            p, r, f = self.reasons[s].prf()
            out["reasons"][s] = {"precision": p, "recall": r, "f1": f, "notices": self.reasons[s].notices}
        for s in SPLITS:
            n, body = self.nature[s], self.nature_body_only[s]
            out["nature"][s] = {"strict": n.value(), "retracting": n.value(lenient=True), "notices": n.total,
                                "non_retractions": n.not_retracting,
                                "non_retractions_shown_retracting": n.shown_retracting,
                                "body_only": body.value(lenient=True),
                                "body_only_non_retractions_shown_retracting": body.shown_retracting}
            if self.identifiers is not None:
                i = self.identifiers[s]
                out["identifiers"] = out["identifiers"] or {}
                out["identifiers"][s] = {"accuracy": i.value(), "notices": i.total}
            if self.volume_page is not None and self.journal_found is not None:
                v = self.volume_page[s]
                out["volume_page"] = out["volume_page"] or {}
                out["volume_page"][s] = {"accuracy": v.value(), "journal_found": self.journal_found[s].value(),
                                         "notices": v.total}
        out["merges"] = {kind: {"precision": m.precision(), "recall": m.recall(), "same_pairs": m.same,
                                "apart_pairs": m.apart, "false_merges": m.apart_joined}
                         for kind, m in self.merges.items()}
        return out

    def table(self) -> str:
        rows = [("measure", *REASON_SPLITS)]
        for name, index in (("reason precision", 0), ("reason recall", 1), ("reason F1", 2)):
            rows.append((name, *(f"{self.reasons[s].prf()[index]:.3f}" if self.reasons[s].notices else "-"
                                 for s in REASON_SPLITS)))
        rows.append(("  notices with reasons", *(str(self.reasons[s].notices) for s in REASON_SPLITS)))
        rows.append(("nature accuracy (retracting)", *(f"{self.nature[s].value(lenient=True):.3f}" for s in SPLITS)))
        rows.append(("nature accuracy (strict)", *(f"{self.nature[s].value():.3f}" for s in SPLITS)))
        rows.append(("nature accuracy (body only)",
                     *(f"{self.nature_body_only[s].value(lenient=True):.3f}" for s in SPLITS)))
        rows.append(("  notices with a known nature", *(str(self.nature[s].total) for s in SPLITS)))
        rows.append(("non-retractions shown retracting",
                     *(f"{self.nature[s].shown_retracting}/{self.nature[s].not_retracting}" for s in SPLITS)))
        rows.append(("  ... from the body only",
                     *(f"{self.nature_body_only[s].shown_retracting}/{self.nature_body_only[s].not_retracting}"
                       for s in SPLITS)))
        if self.identifiers is None:
            rows.append(("retracted-article id accuracy", "pending", "pending"))
        else:
            rows.append(("retracted-article id accuracy", *(f"{self.identifiers[s].value():.3f}" for s in SPLITS)))
            rows.append(("  notices stating the id", *(str(self.identifiers[s].total) for s in SPLITS)))
        if self.volume_page is not None and self.journal_found is not None:
            rows.append(("retracted-article volume+page accuracy",
                         *(f"{self.volume_page[s].value():.3f}" for s in SPLITS)))
            rows.append(("  ... journal found", *(f"{self.journal_found[s].value():.3f}" for s in SPLITS)))
            rows.append(("  notices stating volume and page", *(str(self.volume_page[s].total) for s in SPLITS)))
        for kind, m in self.merges.items():
            rows.append((f"{kind} merge precision", f"{m.precision():.3f}"))
            rows.append((f"{kind} merge recall", f"{m.recall():.3f}"))
            rows.append(("  pairs one / two (false merges)", f"{m.same}/{m.apart} ({m.apart_joined})"))
        columns = len(rows[0])
        rows = [(*r, *[""] * (columns - len(r))) for r in rows]
        widths = [max(len(r[i]) for r in rows) for i in range(columns)]
        lines = ["  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(r))
                 for r in rows]
        lines.insert(1, "-" * len(lines[0]))
        return "\n".join(lines)


# -- the data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownNotice:
    key: str  # DOI or file name: decides the split
    path: Path
    title: str
    text: str
    nature: Nature
    nature_is_coarse: bool  # the source says "retraction" for every retracting nature
    article_doi: str = ""
    article_pmid: str = ""
    article_volume: str = ""
    article_page: str = ""  # first page or article number


_PAGE_NATURES = (("expression", Nature.EXPRESSION_OF_CONCERN), ("correction", Nature.CORRECTION),
                 ("partial", Nature.PARTIAL_RETRACTION), ("withdraw", Nature.WITHDRAWAL),
                 ("reinstat", Nature.REINSTATEMENT), ("retraction", Nature.RETRACTION))


def known_notices(shared: Path) -> Iterator[KnownNotice]:
    """Every notice whose nature a source states, with the retracted article's id where known."""
    notices = shared / "data" / "notices"
    for side in sorted((notices / "pages").glob("*.json")):
        meta = json.loads(side.read_text(encoding="utf-8"))
        kind = meta.get("notice_type", "").lower()
        nature = next((n for word, n in _PAGE_NATURES if kind.startswith(word)), None)
        if nature is None:
            continue
        text_path = side.with_suffix(".txt")
        yield KnownNotice(meta.get("notice_doi") or meta.get("notice_doi_from_url") or side.stem, text_path, "",
                          text_path.read_text(encoding="utf-8"), nature, False,
                          normalize_doi(meta.get("retracted_article_doi") or meta.get("subject_article_doi") or ""),
                          meta.get("subject_article_pmid", ""))
    jats = shared / "data" / "jats"
    for side in sorted((notices / "pmc").glob("*.json")):
        meta = json.loads(side.read_text(encoding="utf-8"))
        xml = jats / Path(meta.get("jats_file", "")).name
        if xml.exists() and 'article-type="retraction"' not in xml.read_text(encoding="utf-8", errors="replace")[:4000]:
            continue  # the JATS does not call it a retraction: its nature is not known here
        doi, pmid, volume, page = "", "", "", ""
        for related in meta.get("retracted_article", []):
            if related.get("id_type") == "doi" and related.get("id"):
                doi = normalize_doi(related["id"])
            elif related.get("id_type") == "pubmed" and related.get("id"):
                pmid = related["id"]
            if related.get("vol") and related.get("page") and not volume:
                volume, page = related["vol"].strip(), related["page"].strip()
        text_path = side.with_suffix(".txt")
        yield KnownNotice(meta.get("notice_doi") or side.stem, text_path, meta.get("notice_title") or "",
                          text_path.read_text(encoding="utf-8"), Nature.RETRACTION, True, doi, pmid,
                          volume, page)
    for side in sorted((notices / "europepmc_2023").glob("*.json")):
        meta = json.loads(side.read_text(encoding="utf-8"))
        text_path = side.with_suffix(".txt")
        yield KnownNotice(meta.get("pmid") or side.stem, text_path, "", text_path.read_text(encoding="utf-8"),
                          Nature.RETRACTION, True)


# -- scoring -----------------------------------------------------------------------------------------


def evaluate(shared: Path = DEFAULT_SHARED, *, details: bool = False) -> Report:
    report = Report()
    for key, split, text, labels in labelled_notices(shared):
        gold = {concept(label) for label in labels}
        report.unknown_labels |= {label for label in labels if reason_iri(label) is None}
        found = {concept(claim.label) for claim in find_reasons(text) if not claim.tentative}
        counts = report.reasons[split]
        counts.notices += 1
        counts.tp += len(gold & found)
        counts.fp += len(found - gold)
        counts.fn += len(gold - found)
        if details and split in DEV_SPLITS and gold != found:
            report.details.append(f"reasons {key}: missed {concept_slugs(gold - found)}; "
                                  f"extra {concept_slugs(found - gold)}")

    parse = _text_parser()
    if parse is not None:
        report.identifiers = {s: Accuracy() for s in SPLITS}
        report.volume_page = {s: Accuracy() for s in SPLITS}
        report.journal_found = {s: Accuracy() for s in SPLITS}
    for notice in known_notices(shared):
        split = split_of(notice.key)
        predicted, _ = classify_nature(notice.title, notice.text)
        _tally(report.nature[split], notice, predicted)
        _tally(report.nature_body_only[split], notice, classify_nature("", notice.text)[0])
        if details and split == "dev" and predicted is not notice.nature:
            report.details.append(f"nature {notice.path.name}: {predicted.value} (source: {notice.nature.value})")
        id_stated, volume_page_stated = _stated_in_text(notice), _volume_page_stated(notice)
        if parse is None or not (id_stated or volume_page_stated):
            continue
        articles = _articles(parse, notice)  # parsed once for both measures
        if id_stated:
            hit = _identifier_found(articles, notice)
            report.identifiers[split].add(hit)
            if details and split == "dev" and not hit:
                expected = notice.article_doi or notice.article_pmid
                report.details.append(f"identifier {notice.path.name}: expected {expected}")
        if volume_page_stated:
            hit = any(_volume_page(a) == (notice.article_volume, notice.article_page.lower()) for a in articles)
            report.volume_page[split].add(hit)
            report.journal_found[split].add(any(a.journal.name for a in articles))
            if details and split == "dev" and not hit:
                found = "; ".join(f"{a.journal.name or '-'} {'/'.join(_volume_page(a))}" for a in articles) or "-"
                report.details.append(f"volume+page {notice.path.name}: expected "
                                      f"{notice.article_volume}/{notice.article_page}, found {found}")
    evaluate_merges(shared, report)
    return report


PEOPLE_SOURCES = ("rw_covid19_subset_dev_rawformat.csv", "mdpi_sprint_retraction_watch_etl_sampled.csv",
                  "brian_collins_rw_website_scrape_retraction_notices.parquet")
MAX_ARTICLES_PER_NAME = 50  # a name on more articles than this is left out (its pairs are its square)


def evaluate_merges(shared: Path, report: Report) -> None:
    """Person and journal merge precision and recall (see the module's docstring for the labels)."""
    from retractkg.ingest.people import PeopleIndex, mention_key, person_name
    from retractkg.ingest.periodicals import Periodicals
    from retractkg.ingest.pipeline import IngestReport, read_records
    from retractkg.ingest.shared_dois import SharedDois

    mapper = RecordMapper("https://w3id.org/retractkg/")
    folder = shared / "data" / "retraction-watch"
    records = list(read_records([folder / name for name in PEOPLE_SOURCES if (folder / name).exists()],
                                IngestReport()))
    people, shared_dois = PeopleIndex(mapper.mint), SharedDois(mapper.mint)  # as ingest reads them
    for record in records:
        people.add(record, mapper.graph_iri(record))
        shared_dois.add(record)
    shared_dois.resolve()
    people.resolve(shared_dois.shared)
    # folded name -> article -> (person, co-authors' folded names, institutions)
    mentions: dict[str, dict[str, tuple[str, set[str], set[str]]]] = {}
    for record in records:
        shared_dois.complete(record)
        for article in record.notice.articles:
            key = mention_key(article)
            names = {fold(p.name) for p in article.authors}
            institutions = {fold(o.name) for o in article.organizations}
            for person in article.authors:
                if person_name(person) is None:
                    continue
                iri = people.iri(article, person) or f"{key} {fold(person.name)}"
                mentions.setdefault(fold(person.name), {})[key] = (iri, names - {fold(person.name)}, institutions)
    merged = report.merges["people"] = Merges()
    for articles in mentions.values():
        if len(articles) > MAX_ARTICLES_PER_NAME:
            continue
        found = sorted(articles.values())
        for i, (one, co_one, inst_one) in enumerate(found):
            for other, co_other, inst_other in found[i + 1:]:
                if co_one & co_other:
                    merged.add(True, one == other)
                elif not inst_one & inst_other:
                    merged.add(False, one == other)

    journals = report.merges["journals"] = Merges()
    seen = []
    periodicals = Periodicals(mapper.mint)
    jats = list(read_records([shared / "data" / "jats"], IngestReport()))
    for record in jats:
        periodicals.add(record)
    periodicals.resolve()
    for record in jats:
        journal = record.notice.journal
        if journal.issn:
            seen.append((set(journal.issn), periodicals.journal(journal.name, journal.issn)[0]))
    for i, (issn, iri) in enumerate(seen):
        for other_issn, other_iri in seen[i + 1:]:
            journals.add(bool(issn & other_issn), iri == other_iri)


def _tally(acc: Accuracy, notice: KnownNotice, predicted: Nature) -> None:
    acc.total += 1
    acc.right += predicted is notice.nature
    acc.lenient_right += predicted is notice.nature or (
        notice.nature_is_coarse and notice.nature in _COARSE_RETRACTION and predicted in _COARSE_RETRACTION)
    if not notice.nature.retracts:
        acc.not_retracting += 1
        acc.shown_retracting += predicted.retracts


def _text_parser():
    """The text parser's public `parse(path)`, or None while it does not exist yet."""
    try:
        module = importlib.import_module("retractkg.ingest.readers.text_notice")
    except Exception as e:  # noqa: BLE001 - missing or broken mid-development: identifiers are "pending"
        print(f"evaluate: text parser unavailable ({type(e).__name__}: {e}); identifier accuracy pending",
              file=sys.stderr)
        return None
    return getattr(module, "parse", None)


def _stated_in_text(notice: KnownNotice) -> bool:
    """Only an identifier the notice text states can be found in it (PMC bodies often omit it)."""
    lower = notice.text.lower()
    return bool((notice.article_doi and notice.article_doi in lower)
                or (notice.article_pmid and notice.article_pmid in notice.text))


def _volume_page_stated(notice: KnownNotice) -> bool:
    """The text writes the volume and the first page as whole numbers close together ("2003;4:130-135",
    "pages 435-439, volume 7"): a number that only occurs far from the other is not taken as stated."""
    if not (notice.article_volume and notice.article_page):
        return False
    def at(token: str) -> list[int]:
        return [m.start() for m in re.finditer(rf"(?<![\w.]){re.escape(token)}(?![\w])", notice.text, re.I)]
    volumes = at(notice.article_volume)
    return any(0 < abs(p - v) <= 80 for p in at(notice.article_page) for v in volumes)


def _volume_page(article) -> tuple[str, str]:
    first = re.split(r"\s*-\s*", article.pages or "", maxsplit=1)[0] or article.article_number or ""
    return (article.volume or "").strip(), first.strip().lower()


def _articles(parse, notice: KnownNotice) -> list:
    try:
        return [article for record in parse(notice.path) for article in record.notice.articles]
    except Exception:  # noqa: BLE001 - a parser failure is a miss here, not a crash of the evaluation
        return []


def _identifier_found(articles: list, notice: KnownNotice) -> bool:
    for article in articles:
        if notice.article_doi and normalize_doi(article.doi or "") == notice.article_doi:
            return True
        if notice.article_pmid and article.pmid == notice.article_pmid:
            return True
    return False


def concept_slugs(concepts: set[str]) -> str:
    return ", ".join(sorted(c.rsplit("/", 1)[-1] for c in concepts)) or "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder")
    parser.add_argument("--details", action="store_true", help="list development-split errors")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not (args.shared / "data" / "notices" / "reasons-dev.jsonl").exists():
        print(f"evaluate: no data/notices/reasons-dev.jsonl under {args.shared}", file=sys.stderr)
        return 2
    report = evaluate(args.shared, details=args.details)
    reasons = evaluate_reasons.evaluate(args.shared)
    if args.json:
        print(json.dumps({**report.as_dict(), "reasons_unseen": reasons.as_dict()}, indent=2))
    else:
        print(report.table())
        print()
        print(reasons.table())
        if report.unknown_labels:
            print(f"\ncurated labels the taxonomy does not resolve: {', '.join(sorted(report.unknown_labels))}")
        for line in report.details:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
