"""Crossref: a REST API work (`message`) with `update-to`/`updated-by`, and update-record dumps (JSONL).

- A work with `update-to` is a notice: each entry names an article it updates, with the update
  type (retraction, correction, ...). Entries of different types make one notice each.
- A work with `updated-by` is an article: each entry names a notice about it, with its type, date
  and, for Retraction Watch's assertions (`source: retraction-watch`), the Retraction Watch record id.
- A JSON Lines file of update records (the open-retractions dump: `{"record": {"identifier":
  {"doi": article}, "updates": [{"identifier": {"doi": notice}, "type": ...}], "title", "journal",
  "publisher", "timestamp"}}`), streamed line by line. Its title, journal and publisher are those of
  the updating work (the notice); its record timestamp is the date of the update.

Update types are spelled inconsistently across deposits and years (`expression_of_concern`,
`expression-of-concern`, `err`, `Retraction`, `retration`, ...): `nature_of` maps every spelling seen
to a `Nature`; an unknown type is kept as unclassified with a warning. The generic correction types
(correction, erratum, err) also carry many retractions, withdrawals and expressions of concern: where
the notice's title names one of those, the title's nature is kept, with a warning.

A REST response is one JSON document and is read whole (the API returns at most 1,000 works per
page); JSON Lines dumps of any size are read one line at a time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from retractkg.ingest.errors import IngestError
from retractkg.ingest.iris import normalize_doi, normalize_orcid
from retractkg.ingest.model import Article, Journal, Nature, Notice, Organization, Person, SourceRecord
from retractkg.ingest.nature import title_nature
from retractkg.ingest.sources import RecordStream, open_binary

FORMAT = "crossref"
DUMP_FORMAT = "crossref-updates"  # the JSON Lines dump: its own source, replaced as a whole

_NATURES = {
    "retraction": Nature.RETRACTION, "retration": Nature.RETRACTION, "retracted": Nature.RETRACTION,
    "partial_retraction": Nature.PARTIAL_RETRACTION,
    "withdrawal": Nature.WITHDRAWAL, "withdrawn": Nature.WITHDRAWAL,
    "removal": Nature.REMOVAL, "removed": Nature.REMOVAL,
    "expression_of_concern": Nature.EXPRESSION_OF_CONCERN,
    "correction": Nature.CORRECTION, "corrigendum": Nature.CORRECTION, "erratum": Nature.CORRECTION,
    "err": Nature.CORRECTION, "corrected_article": Nature.CORRECTION, "correction_forward": Nature.CORRECTION,
    "addendum": Nature.CORRECTION, "clarification": Nature.CORRECTION,
    "reinstatement": Nature.REINSTATEMENT,
}
# Crossmark types that are not notices about the article's standing: kept, but unclassified.
_NOT_NOTICES = {"new_version", "new_edition", "publisher_note", "comment", "note_discuss", "print",
                "correspondence"}


def nature_of(update_type: str) -> Nature | None:
    """The nature of a Crossref update type in any of its spellings; None if the type is unknown."""
    key = re.sub(r"[\s-]+", "_", update_type.strip().lower())
    if key in _NOT_NOTICES:
        return Nature.UNCLASSIFIED
    return _NATURES.get(key)


def sniff(head: bytes, path: Path) -> bool:
    """A JSON object (or JSON Lines of objects) with Crossref update metadata."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not text.startswith(b"{"):
        return False
    return (b'"update-to"' in text or b'"updated-by"' in text
            or (b'"updates"' in text and b'"identifier"' in text)
            or (b'"message-type"' in text and b'"work' in text))


def parse(path: Path) -> Iterator[SourceRecord]:
    return RecordStream(_records(path))


def _records(path: Path) -> Iterator[SourceRecord | IngestError]:
    source = str(path)
    with open_binary(path) as f:
        first = f.readline()
        try:
            head = json.loads(first)
        except ValueError:
            head = None
        if isinstance(head, dict):  # one JSON object per line
            yield from _lines(head, f, source)
            return
        try:
            document = json.loads(first + f.read())
        except (ValueError, UnicodeDecodeError) as e:
            raise IngestError(source, f"not JSON: {e}") from e
    yield from _document(document, source)


def _lines(first: dict, rest, source: str) -> Iterator[SourceRecord | IngestError]:
    number = 1
    yield from _object(first, source, f"line {number}")
    for raw in rest:
        number += 1
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except ValueError as e:
            yield IngestError(source, f"not a JSON object: {e}", location=f"line {number}")
            continue
        yield from _object(obj, source, f"line {number}")


def _object(obj, source: str, location: str) -> Iterator[SourceRecord | IngestError]:
    if not isinstance(obj, dict):
        yield IngestError(source, "not a JSON object", location=location)
    elif isinstance(obj.get("record"), dict):
        yield from _update_record(obj["record"], source, location)
    elif "updates" in obj and "identifier" in obj:  # one update record, unwrapped
        yield from _update_record(obj, source, location)
    else:
        yield from _document(obj, source, location)


def _document(document, source: str, location: str = "") -> Iterator[SourceRecord | IngestError]:
    """A REST response (`{"message": ...}`), a bare work, or a work list."""
    if not isinstance(document, dict):
        raise IngestError(source, "not a Crossref work: the JSON is not an object", location=location)
    if "updates" in document and "identifier" in document:
        yield from _update_record(document, source, location or "record")
        return
    message = document.get("message", document)
    if isinstance(message, dict) and isinstance(message.get("items"), list):  # message-type work-list
        for number, work in enumerate(message["items"], 1):
            yield from _work(work, source, f"{location + ', ' if location else ''}item {number}")
        return
    yield from _work(message, source, location or "message")


def _work(work, source: str, location: str) -> Iterator[SourceRecord | IngestError]:
    if not isinstance(work, dict):
        yield IngestError(source, "a work that is not a JSON object", location=location)
        return
    # "work_DOI" is how a wrapped `updated-by` fragment names its work.
    doi = normalize_doi(str(work.get("DOI") or work.get("work_DOI") or ""))
    location = f"{location}, DOI {doi}" if doi else location
    update_to, updated_by = work.get("update-to") or [], work.get("updated-by") or []
    if not (update_to or updated_by):
        yield IngestError(source, "a Crossref work with neither update-to nor updated-by: not a notice",
                          location=location, record_key=doi)
        return
    if update_to:
        yield from _notice_side(work, doi, update_to, source, location)
    if updated_by:
        yield from _article_side(work, doi, updated_by, source, location)


def _notice_side(work: dict, doi: str, updates: list, source: str, location: str
                 ) -> Iterator[SourceRecord | IngestError]:
    """The work is the notice; `update-to` names the articles, grouped by update type."""
    groups: dict[Nature, list[Article]] = {}
    warnings: list[str] = []
    dates: dict[Nature, str] = {}
    title = _first(work.get("title"))
    for entry in updates:
        nature = _entry_nature(entry, source, location, warnings, title=title)
        target = normalize_doi(str(entry.get("DOI") or ""))
        if not target:
            warnings.append(f"{source}:{location}: an update-to entry without a DOI: left out")
            continue
        groups.setdefault(nature, []).append(Article(doi=target))
        dates.setdefault(nature, _date(entry.get("updated")))
    organizations: list[Organization] = []
    authors = _authors(work, organizations)
    for nature, articles in groups.items():
        notice = Notice(
            title=title, doi=doi, nature=nature,
            date=_published(work) or dates.get(nature, ""),
            journal=_journal(work), publisher=str(work.get("publisher") or ""), license=_license(work),
            url=_url(work), language=str(work.get("language") or ""),
            articles=articles, authors=authors, organizations=organizations)
        key = doi if len(groups) == 1 else f"{doi}#{nature.value}"
        yield SourceRecord(notice=notice, source=source, format=FORMAT, record_key=key, location=location,
                           warnings=warnings)


def _article_side(work: dict, doi: str, updates: list, source: str, location: str
                  ) -> Iterator[SourceRecord | IngestError]:
    """The work is the article; each `updated-by` entry is a notice about it."""
    organizations: list[Organization] = []
    article = Article(title=_first(work.get("title")), doi=doi, journal=_journal(work),
                      date=_published(work), volume=str(work.get("volume") or ""),
                      issue=str(work.get("issue") or ""), pages=str(work.get("page") or ""),
                      article_number=str(work.get("article-number") or ""),
                      url=_url(work), authors=_authors(work, organizations), organizations=organizations)
    for entry in updates:
        warnings: list[str] = []
        nature = _entry_nature(entry, source, location, warnings)
        notice_doi = normalize_doi(str(entry.get("DOI") or ""))
        record_ids = {}
        if str(entry.get("source") or "") == "retraction-watch" and entry.get("record-id"):
            record_ids["retraction-watch"] = str(entry["record-id"])
        notice = Notice(doi=notice_doi, nature=nature, date=_date(entry.get("updated")), articles=[article],
                        record_ids=record_ids)
        key = f"{doi}/updated-by/{notice_doi or nature.value}"
        yield SourceRecord(notice=notice, source=source, format=FORMAT, record_key=key, location=location,
                           warnings=warnings)


def _update_record(record: dict, source: str, location: str) -> Iterator[SourceRecord | IngestError]:
    """One record of the open-retractions dump: an article and the notices that update it."""
    identifier = record.get("identifier") or {}
    article_doi = normalize_doi(str(identifier.get("doi") or "")) if isinstance(identifier, dict) else ""
    if not article_doi:
        yield IngestError(source, "an update record without the updated article's DOI", location=location)
        return
    location = f"{location}, DOI {article_doi}"
    journal = Journal(name=str(record.get("journal") or ""), publisher=str(record.get("publisher") or ""))
    title = _first(record.get("title"))
    for entry in record.get("updates") or []:
        warnings: list[str] = []
        nature = _entry_nature(entry, source, location, warnings, title=title)
        notice_ids = entry.get("identifier") or {}
        notice_doi = normalize_doi(str(notice_ids.get("doi") or "")) if isinstance(notice_ids, dict) else ""
        notice = Notice(title=title, doi=notice_doi, nature=nature,
                        date=_from_timestamp(record.get("timestamp")), journal=journal,
                        publisher=journal.publisher, articles=[Article(doi=article_doi)])
        yield SourceRecord(notice=notice, source=source, format=DUMP_FORMAT,
                           record_key=f"{article_doi} {notice_doi or nature.value}", location=location,
                           warnings=warnings)


def _entry_nature(entry, source: str, location: str, warnings: list[str], *, title: str = "") -> Nature:
    """The nature of one update; `title` is the notice's own title, where the record has it.

    Publishers deposit many retractions, withdrawals and expressions of concern with the generic
    types correction, erratum or err ("Retraction statement: ...", typed erratum; about 1,200 of the
    open-retractions dump). Where the notice's title names one of those natures, the title wins.
    """
    update_type = str(entry.get("type") or "") if isinstance(entry, dict) else ""
    nature = nature_of(update_type)
    if nature is None:
        warnings.append(f"{source}:{location}: unknown update type {update_type!r}: kept as unclassified")
        return Nature.UNCLASSIFIED
    titled = title_nature(title) if nature is Nature.CORRECTION else None
    if titled is not None and titled is not Nature.CORRECTION:
        warnings.append(f"{source}:{location}: update type {update_type!r}, but the title says "
                        f"{titled.value} ({title[:80]!r}): kept as {titled.value}")
        return titled
    return nature


def _first(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return " ".join(str(value or "").split())


def _journal(work: dict) -> Journal:
    issns = [str(i) for i in work.get("ISSN") or [] if re.fullmatch(r"\d{4}-\d{3}[\dX]", str(i))]
    return Journal(name=_first(work.get("container-title")), issn=issns, publisher=str(work.get("publisher") or ""))


def _url(work: dict) -> str:
    url = str(work.get("URL") or "")
    return url if re.match(r"https?://\S+$", url) else ""


def _license(work: dict) -> str:
    """The licence of the version of record (a text-mining licence is not the work's licence)."""
    for licence in work.get("license") or []:
        if isinstance(licence, dict) and licence.get("content-version") in ("vor", "unspecified"):
            url = str(licence.get("URL") or "")
            if re.match(r"https?://\S+$", url) and "tdm" not in url:
                return url
    return ""


def _published(work: dict) -> str:
    for key in ("published-online", "published-print", "published", "issued"):
        date = _date(work.get(key))
        if date:
            return date
    return ""


def _date(value) -> str:
    """ISO date from Crossref's `{"date-parts": [[2013, 2, 26]]}`, as precisely as given."""
    if not isinstance(value, dict):
        return ""
    parts = value.get("date-parts") or [[]]
    parts = parts[0] if parts and isinstance(parts[0], list) else []
    try:
        numbers = [int(p) for p in parts[:3] if p is not None]
    except (TypeError, ValueError):
        return ""
    if not numbers or not 1000 <= numbers[0] <= 9999:
        return ""
    if len(numbers) == 1 or not 1 <= numbers[1] <= 12:
        return f"{numbers[0]:04d}"
    if len(numbers) == 2:
        return f"{numbers[0]:04d}-{numbers[1]:02d}"
    try:
        return datetime(numbers[0], numbers[1], numbers[2]).date().isoformat()
    except ValueError:
        return f"{numbers[0]:04d}-{numbers[1]:02d}"


def _from_timestamp(value) -> str:
    """The UTC date of a Crossref timestamp (milliseconds since 1970)."""
    try:
        return datetime.fromtimestamp(int(value) / 1000, UTC).date().isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        return ""


def _authors(work: dict, organizations: list[Organization]) -> list[Person]:
    people = []
    known: dict[str, int] = {}
    for author in work.get("author") or []:
        if not isinstance(author, dict):
            continue
        given, family = str(author.get("given") or "").strip(), str(author.get("family") or "").strip()
        name = " ".join(p for p in (given, family) if p) or str(author.get("name") or "").strip()
        if not name:
            continue
        person = Person(name=name, given_name=given, family_name=family)
        person.orcid = normalize_orcid(str(author.get("ORCID") or ""))
        for affiliation in author.get("affiliation") or []:
            written = " ".join(str(affiliation.get("name") or "").split()) if isinstance(affiliation, dict) else ""
            if not written:
                continue
            if written not in known:
                known[written] = len(organizations)
                organizations.append(Organization(name=written))
            person.affiliations.append(known[written])
        people.append(person)
    return people
