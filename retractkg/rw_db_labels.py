"""Derive the "rw-db-dev" split: the Retraction Watch database's curated reasons for shared notice texts that
no other evaluation split holds (issue 12: more labelled notices to develop rules on, outside the unseen set).

    python -m retractkg.rw_db_labels DATABASE.csv --source "gitlab.com/crossref/retraction-watch-data" \\
        --commit COMMIT [--shared ../shared] [-o retractkg/data/rw_db_dev.json]

DATABASE.csv is a copy of the database as Crossref publishes it (columns Record ID, …, RetractionDOI,
RetractionPubMedID, OriginalPaperDOI, OriginalPaperPubMedID, RetractionNature, Reason, …), read by ingest's own
Retraction Watch reader. A retraction joins a shared notice text by the notice's DOI or PubMed ID, else by the
retracted article's DOI or PubMed ID when the text names no other notice identifier. Texts in reasons-dev.jsonl
(dev and held-out) or in the unseen export splits are left out, so the pooled unseen figure is unchanged. Only
the join is written (text id, identifiers, publisher, record id, reasons) with the database's provenance: never
the database, never the texts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from retractkg.evaluation_data import (
    DB_LABELS,
    DEFAULT_SHARED,
    NoticeText,
    identifier_keys,
    labelled_texts,
    notice_texts,
)

# What Crossref says of the release (its announcement, https://doi.org/10.13003/c23rw1d9, 2023-09-12): the
# database "acquired by Crossref and made an open public resource"; the file is published at
# gitlab.com/crossref/retraction-watch-data. Stated beside the derived data so a reader can check its terms.
LICENCE = ("Retraction Watch database, acquired by Crossref from the Center for Scientific Integrity and released as "
           "an open public resource (https://doi.org/10.13003/c23rw1d9); see the release's own terms at "
           "https://gitlab.com/crossref/retraction-watch-data")


def derive(database: Path, shared: Path, errors: list[str] | None = None) -> tuple[list[dict], Counter[str]]:
    """The derived entries, and how the database's retractions fared ("joined", "unseen or dev", "no text").
    Records the reader cannot read are added to `errors`, and the rest is still derived from (a real copy has
    a few); a file of which no record can be read is a `ValueError`."""
    texts = notice_texts(shared)
    taken = {text_id for *_, text_id in labelled_texts(shared, texts)}
    by_id = {i: t for t in texts for i in t.ids}
    by_article: dict[str, list[NoticeText]] = {}
    for t in texts:
        for i in t.articles:
            by_article.setdefault(i, []).append(t)
    entries: dict[str, dict] = {}
    tally: Counter[str] = Counter()
    for record_key, notice_ids, article_ids, publisher, reasons in _retractions(database, errors):
        hit, joined_by = next(((by_id[i], "notice " + i.split(":")[0]) for i in notice_ids if i in by_id),
                              (None, ""))
        if hit is None:
            hit, joined_by = next(((t, "retracted article " + i.split(":")[0]) for i in article_ids
                                   for t in by_article.get(i, ()) if _consistent(t, notice_ids)), (None, ""))
        if hit is None:
            tally["no shared text"] += 1
        elif hit.text_id in taken:
            tally["text in reasons-dev.jsonl or an unseen split"] += 1
        elif hit.text_id in entries:
            entries[hit.text_id]["reasons"] = sorted(set(entries[hit.text_id]["reasons"]) | reasons)
            tally["another record of a joined text"] += 1
        else:
            doi = next((i.removeprefix("doi:") for i in sorted(hit.ids) if i.startswith("doi:")), "")
            entries[hit.text_id] = {"notice": hit.text_id, "doi": doi, "publisher": publisher,
                                    "record": record_key, "joined_by": joined_by, "reasons": sorted(reasons)}
            tally["joined"] += 1
    return sorted(entries.values(), key=lambda e: e["notice"]), tally


def _consistent(text: NoticeText, notice_ids: set[str]) -> bool:
    """Joined by its article, a text must not name a notice identifier of another kind's value: an article can
    have several notices (a correction, then a retraction), and the record names its own."""
    return not any(i.split(":")[0] == j.split(":")[0] and i != j for i in notice_ids for j in text.ids)


def _retractions(database: Path, errors: list[str] | None) -> Iterator[tuple[str, set[str], set[str], str, set[str]]]:
    """(record id, notice ids, retracted article ids, publisher, reasons) of each retraction with reasons."""
    from retractkg.ingest.model import Nature
    from retractkg.ingest.pipeline import read_records
    from retractkg.ingest.report import IngestReport

    report = IngestReport()
    read = 0
    for record in read_records([database], report):
        read += 1
        notice = record.notice
        if notice.nature is not Nature.RETRACTION or not notice.reasons:
            continue
        articles = set().union(*(identifier_keys([("doi", a.doi), ("pmid", a.pmid)]) for a in notice.articles))
        publisher = notice.publisher or notice.journal.publisher or next(
            (a.journal.publisher for a in notice.articles if a.journal.publisher), "")
        yield (record.record_key, identifier_keys([("doi", notice.doi), ("pmid", notice.pmid)]), articles, publisher,
               {claim.label for claim in notice.reasons})
    if report.errors and not read:
        raise ValueError(f"{database}: no record could be read: {report.errors[0]}")
    if errors is not None:
        errors.extend(map(str, report.errors))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path, help="a copy of the Retraction Watch database CSV")
    parser.add_argument("--source", required=True, help="where the copy came from (repository or address)")
    parser.add_argument("--commit", default="", help="the source's commit or release date")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder")
    parser.add_argument("-o", "--output", type=Path, default=DB_LABELS, help="the derived file to write")
    args = parser.parse_args(argv)
    unread: list[str] = []
    try:
        entries, tally = derive(args.database, args.shared, unread)
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    for error in unread:
        print(f"warning: not read, so not joined: {error}", file=sys.stderr)
    digest = hashlib.sha256(args.database.read_bytes()).hexdigest()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps({
        "about": "Curated Retraction Watch reasons of shared PubMed Central notice texts that no other evaluation "
                 "split holds: the rw-db-dev development split (retractkg/rw_db_labels.py).",
        "source": {"database": args.database.name, "from": args.source, "commit": args.commit, "sha256": digest},
        "licence": LICENCE,
        "notices": entries}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(entries)} new labelled notices written to {args.output}"
          + (f" ({len(unread)} records of the database could not be read)" if unread else ""))
    for what, count in tally.most_common():
        print(f"  retractions with reasons, {what}: {count}")
    for publisher, count in Counter(e["publisher"] or "(none)" for e in entries).most_common():
        print(f"  {publisher}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
