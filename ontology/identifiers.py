"""Identifiers both sides share: how a DOI is written bare, how names are compared, how hashes are keyed.

Ingest mints IRIs from them (`retractkg.ingest.iris`), the API looks records up by them and the
vocabulary builder folds labels with them; so they live here, below both, and import nothing of ours.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from typing import Protocol

_WORD = re.compile(r"[a-z0-9]+")
_DOI_PREFIX = re.compile(r"^(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_BARE_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
PMID = r"\d{5,9}"  # a PubMed id as notices write it
PMID_IN_TEXT = re.compile(rf"\bPMID\s*:?\s*({PMID})\b", re.I)  # "PMID: 12345678" anywhere in prose

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
