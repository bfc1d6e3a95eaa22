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

from retractkg.config import DEFAULT_LIMITS, ReadLimits
from retractkg.ingest.errors import IngestError
from retractkg.ingest.model import Article, Journal, Nature, Notice, Organization, Person, SourceRecord
from retractkg.ingest.readers.affiliations import Affiliations
from retractkg.ingest.readers.bounded import STREAM_ERRORS, Lines, LineTooLong
from retractkg.ingest.readers.json_fields import Shape, check
from retractkg.ingest.readers.streams import RecordStream, open_binary
from retractkg.ingest.reading.nature import title_nature
from retractkg.ingest.reading.notice_prose import prose_of_markup, read_prose
from retractkg.ontology.identifiers import normalize_doi, normalize_orcid

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


# The fields this reader uses and their JSON types (`retractkg.ingest.json_fields`): a record with any
# other type is an error naming the field, never a value read as its repr.
_DATE: Shape = {"date-parts": [["number"]]}
_UPDATE: Shape = {"DOI": "text", "type": "text", "updated": _DATE, "source": "text", "record-id": "id"}
WORK: Shape = {
    "DOI": "text", "work_DOI": "text", "title": "texts", "container-title": "texts", "ISSN": ["text"],
    "publisher": "text", "URL": "text", "language": "text", "volume": "text", "issue": "text", "page": "text",
    "article-number": "text", "license": [{"URL": "text", "content-version": "text"}],
    "author": [{"given": "text", "family": "text", "name": "text", "ORCID": "text", "affiliation": [{"name": "text"}]}],
    "published-online": _DATE, "published-print": _DATE, "published": _DATE, "issued": _DATE,
    "update-to": [_UPDATE], "updated-by": [_UPDATE],
}
UPDATE_RECORD: Shape = {
    "identifier": {"doi": "text"}, "updates": [{"identifier": {"doi": "text"}, "type": "text"}],
    "title": "texts", "journal": "text", "publisher": "text", "timestamp": "id",
}


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


def parse(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[SourceRecord]:
    return RecordStream(_records(path, limits))


def _records(path: Path, limits: ReadLimits) -> Iterator[SourceRecord | IngestError]:
    source = str(path)
    document_limit = limits.record_bytes * limits.DOCUMENT_SCALE
    with open_binary(path) as f:
        try:
            first = f.readline(document_limit + 1)
        except STREAM_ERRORS as e:
            raise IngestError(source, f"not a readable gzip file: {e}") from e
        try:
            head = json.loads(first)
        except ValueError:
            head = None
        if isinstance(head, dict):  # one JSON object per line
            yield from _lines(head, Lines(f, source, limits.record_bytes, bytes), source, limits.field_chars)
            return
        try:
            rest = f.read(document_limit + 1 - len(first))
        except STREAM_ERRORS as e:
            raise IngestError(source, f"not a readable gzip file: {e}") from e
        if len(first) + len(rest) > document_limit:
            raise IngestError(source, f"a JSON document larger than {document_limit:,} bytes "
                              "(RETRACTKG_MAX_RECORD_BYTES times 20): not read")
        try:
            document = json.loads(first + rest)
        except (ValueError, UnicodeDecodeError) as e:
            raise IngestError(source, f"not JSON: {e}") from e
    yield from _document(document, source, limits.field_chars)


def _lines(first: dict, rest: Lines[bytes], source: str, max_chars: int) -> Iterator[SourceRecord | IngestError]:
    yield from _object(first, source, "line 1", max_chars)
    while True:
        try:
            line = rest.next_line()
        except StopIteration:
            return
        except LineTooLong as e:
            yield IngestError(source, f"{e}: skipped", location=f"line {e.number + 1}")
            continue
        number = line.number + 1  # the first line was read before
        if not line.text.strip():
            continue
        try:
            obj = json.loads(line.text)
        except ValueError as e:
            yield IngestError(source, f"not a JSON object: {e}", location=f"line {number}")
            continue
        yield from _object(obj, source, f"line {number}", max_chars)


def _object(obj, source: str, location: str, max_chars: int) -> Iterator[SourceRecord | IngestError]:
    if not isinstance(obj, dict):
        yield IngestError(source, "not a JSON object", location=location)
    elif isinstance(obj.get("record"), dict):
        yield from _update_record(obj["record"], source, location, max_chars)
    elif "updates" in obj and "identifier" in obj:  # one update record, unwrapped
        yield from _update_record(obj, source, location, max_chars)
    else:
        yield from _document(obj, source, max_chars, location)


def _document(document, source: str, max_chars: int, location: str = "") -> Iterator[SourceRecord | IngestError]:
    """A REST response (`{"message": ...}`), a bare work, or a work list."""
    if not isinstance(document, dict):
        raise IngestError(source, "not a Crossref work: the JSON is not an object", location=location)
    if "updates" in document and "identifier" in document:
        yield from _update_record(document, source, location or "record", max_chars)
        return
    message = document.get("message", document)
    if isinstance(message, dict) and isinstance(message.get("items"), list):  # message-type work-list
        for number, work in enumerate(message["items"], 1):
            yield from _work(work, source, f"{location + ', ' if location else ''}item {number}", max_chars)
        return
    yield from _work(message, source, location or "message", max_chars)


def _work(work, source: str, location: str, max_chars: int) -> Iterator[SourceRecord | IngestError]:
    if not isinstance(work, dict):
        yield IngestError(source, "a work that is not a JSON object", location=location)
        return
    # "work_DOI" is how a wrapped `updated-by` fragment names its work.
    written = work.get("DOI") or work.get("work_DOI")
    doi = normalize_doi(written) if isinstance(written, str) else ""
    location = f"{location}, DOI {doi}" if doi else location
    try:
        check(work, WORK, max_chars)
    except ValueError as e:  # FieldTypeError, FieldTooLong
        yield IngestError(source, str(e), location=location, record_key=doi)
        return
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
            articles=articles, authors=authors, organizations=organizations,
            text=prose_of_markup(str(work.get("abstract") or "")))
        read_prose(notice)  # a notice deposited with its text as the abstract: reasons, actors, stances
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


def _update_record(record: dict, source: str, location: str, max_chars: int) -> Iterator[SourceRecord | IngestError]:
    """One record of the open-retractions dump: an article and the notices that update it."""
    try:
        check(record, UPDATE_RECORD, max_chars)
    except ValueError as e:  # FieldTypeError, FieldTooLong
        yield IngestError(source, str(e), location=location)
        return
    article_doi = normalize_doi((record.get("identifier") or {}).get("doi") or "")
    if not article_doi:
        yield IngestError(source, "an update record without the updated article's DOI", location=location)
        return
    location = f"{location}, DOI {article_doi}"
    journal = Journal(name=str(record.get("journal") or ""), publisher=str(record.get("publisher") or ""))
    title = _first(record.get("title"))
    for entry in record.get("updates") or []:
        warnings: list[str] = []
        nature = _entry_nature(entry, source, location, warnings, title=title)
        notice_doi = normalize_doi((entry.get("identifier") or {}).get("doi") or "")
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
    affiliations = Affiliations(organizations)
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
            person.affiliations.append(affiliations.index(written))
        people.append(person)
    return people
