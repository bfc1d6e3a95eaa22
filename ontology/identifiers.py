"""Identifiers both sides share: how a DOI is written bare, how names are compared, how hashes are keyed,
and where a source's record or a work is found on the web (`source_links.json`).

Ingest mints IRIs from them (`retractkg.ingest.iris`) and states where each record is published, the
API looks records up by them and links out with them, and the vocabulary builder folds labels with
them; so they live here, below both, and import nothing of ours.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

_WORD = re.compile(r"[a-z0-9]+")
_DOI_PREFIX = re.compile(r"^(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_BARE_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
PMID = r"\d{5,9}"  # a PubMed id as notices write it
PMID_IN_TEXT = re.compile(rf"\bPMID\s*:?\s*({PMID})\b", re.I)  # "PMID: 12345678" anywhere in prose

# A notice's label that names its article only by an identifier ("Retraction of: 10.1016/…", "… PMID 123"):
# what a record that knew no title writes (`retractkg.ingest.mapping.notice_label`).
_NAMED_BY_IDENTIFIER = re.compile(r": (?:10\.\d{4,9}/\S+|PMID \d+|PMC\d+)$")


def preferred_labels(labels: list[str]) -> list[str]:
    """Of a notice's labels (one a record), those naming its article by title or citation, in their order;
    all of them when every one names it by an identifier alone; one of those that differ only in case, accents
    or punctuation (sources write one title "Folic Acid …" and "folic acid …"). Pages, lists and search show
    these."""
    by_title = [label for label in labels if not _NAMED_BY_IDENTIFIER.search(label)]
    shown: dict[str, str] = {}
    for label in by_title or labels:
        shown.setdefault(fold(label), label)
    return list(shown.values())


def untitled_work_label(citation: str, doi: str, pmid: str) -> str:
    """What names a work with no title, as its notice's label names it (`ingest.mapping.notice_label`): the
    citation a notice gives ("Scientific Reports, published online 13 January 2021"), else an identifier whole,
    never an IRI segment ("etm.2016.2977") or a hash; "" when it has none of them."""
    if citation:
        return " ".join(citation.split())
    return f"doi:{doi}" if doi else f"PMID {pmid}" if pmid else ""


# Names recur: a journal, publisher or institution in record after record, an article's IRI in the
# hash of each of its authors. Each cache holds at most this many entries (a few MB).
RECENT = 1 << 15


def normalize_doi(doi: str) -> str:
    """Bare lower-case DOI from any of its written forms, or "" if it is not one."""
    doi = doi.strip().strip(".,;:").strip()
    doi = _DOI_PREFIX.sub("", doi)
    return doi.lower() if _BARE_DOI.match(doi) else ""


_ISSN = re.compile(r"^\s*(\d{4})-?(\d{3}[\dX])\s*$", re.I)


def normalize_issn(text: str) -> str:
    """`1234-567X` from an ISSN in any written form, or "" when it is not one."""
    found = _ISSN.match(text)
    return f"{found.group(1)}-{found.group(2).upper()}" if found else ""


@lru_cache(maxsize=RECENT)
def fold(text: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive form for comparing names (remembered for recent ones)."""
    if text.isascii():  # the common case, and the same result: NFKD leaves ASCII as it is
        return " ".join(_WORD.findall(text.lower()))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(_WORD.findall(text))


def stable_hash(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(map(fold, parts)).encode()).hexdigest()[:16]


class _Written(Protocol):
    title: str
    date: str
    text: str


def notice_text_hash(notice: _Written) -> str:
    """What a notice that gives no identifier of its own is known by: its title, date and opening text."""
    return stable_hash(notice.title, notice.date, notice.text[:500])


_ORCID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])", re.I)


def normalize_orcid(text: str) -> str:
    """The ORCID iD in any written form ("https://orcid.org/0000-…", "0000000179841889"), hyphenated, or "" when
    there is none or its check digit (ISO 7064 11,2) is wrong."""
    found = _ORCID.search(text or "")
    if not found:
        return ""
    digits = "".join(found.groups()).upper()
    total = 0
    for digit in digits[:-1]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    if digits[-1] != ("X" if check == 10 else str(check)):
        return ""
    return "-".join(found.groups()).upper()


# -- where records and works are published (source_links.json) -------------------------------------

SOURCE_LINKS_FILE = Path(__file__).resolve().parent / "source_links.json"


@dataclass(frozen=True)
class LinkOut:
    """A place a work can be looked up elsewhere: its label for people and the URL for one identifier."""

    label: str
    url: str


@cache
def _source_links() -> dict:
    return json.loads(SOURCE_LINKS_FILE.read_text(encoding="utf-8"))


@cache
def _record_rules() -> dict[str, tuple[re.Pattern[str], str]]:
    return {fmt: (re.compile(rule["key"]), rule["url"]) for fmt, rule in _source_links()["records"].items()
            if not fmt.startswith("_") and "url" in rule}


def record_url(format: str, record_key: str) -> str:
    """Where a source publishes the record of this key (its prov:wasDerivedFrom), or ""."""
    rule = _record_rules().get(format)
    found = rule[0].match(record_key) if rule else None
    return rule[1].format(key=found.group(0)) if found else ""


def source_label(format: str) -> str:
    """A source format's name for people ("Retraction Watch database export"); the format itself if unlisted."""
    return _source_links()["records"].get(format, {}).get("label", format)


def record_id_link(record_id: str) -> LinkOut:
    """A notice's rkg:recordId (`retraction-watch:35394`) for people, with where its record is published
    ("" where the source has no page per record)."""
    source, _, key = record_id.partition(":")
    rule = _source_links()["record_ids"].get(source)
    if rule is None or not key:
        return LinkOut(record_id, "")
    return LinkOut(f"{rule['label']} {key}", rule["url"].format(id=_in_url(key)) if "url" in rule else "")


def links_out(**identifiers: str) -> list[LinkOut]:
    """Where a work with these identifiers (`doi=`, `pmid=`, `pmcid=`, as stored) is looked up elsewhere."""
    table = _source_links()["links_out"]
    return [LinkOut(link["label"], link["url"].format(id=_in_url(value)))
            for kind, value in identifiers.items() if value for link in table.get(kind, ())]


def _in_url(value: str) -> str:
    """An identifier as it goes into a URL: what a URL would read otherwise (`#`, `?`, spaces) escaped."""
    return quote(value, safe="/:;()[]@!$'*+,=-._~")
