"""Facts a notice states in its furniture: publication date, licence, publisher, journal named in prose.

Each reader looks for the publisher's own wording ("Published online: 31 May 2024", "licensed under a
Creative Commons Attribution 4.0 International License", "Springer Nature remains neutral ...") and
returns "" when the text does not say; nothing is inferred from elsewhere.
"""

from __future__ import annotations

import re

from retractkg.ingest.reading.lexicon import publishers
from retractkg.ingest.reading.written_dates import iso_date

_PUBLISHED = re.compile(
    r"(?:^|;\s*)(?P<what>(?:First\s+)?(?:Published|Publication\s+date|Date\s+of\s+publication|Issue\s+date))(?:\s+online)?"
    r"(?:\s+on)?"
    r"\s*[:\-–]?\s*(?P<date>[^\n]{4,40})", re.I | re.M)
_CC_URL = re.compile(r"creativecommons\.org/licenses/(?P<kind>by(?:-nc)?(?:-nd|-sa)?)/(?P<version>\d\.\d)", re.I)
_CC_NAME = re.compile(
    r"Creative\s+Commons\s+(?:Attribution|CC[- ]BY)(?P<nc>[- ]+Non-?Commercial)?(?P<nd>[- ]+No-?Deriv\w*)?"
    r"(?P<sa>[- ]+Share-?Alike)?(?:\s+(?P<version>\d\.\d))?", re.I)
_CC_SHORT = re.compile(r"\bCC[- ]BY(?P<nc>-NC)?(?P<mod>-ND|-SA)?(?:\s+(?P<version>\d\.\d))?\b")
_PUBLISHED_BY = re.compile(r"\bPublished\s+by\s+(?P<name>[A-Z][\w&.' -]{2,60}?)(?:[.,;]|\s+on\s+behalf|$)", re.M)
_J = r"[A-Z][\w'’&-]*"
_JOURNAL_NAME = rf"(?P<journal>(?:The\s+)?{_J}(?:\s+(?:(?:of|and|in|for|on|&)\s+)?{_J})*)"
_JOURNAL_IN_PROSE = [re.compile(p) for p in (
    rf"(?:Editors?(?:[- ]in[- ]Chief)?|Editor\s+in\s+Chief|Chief\s+Editors?|Editorial\s+Board)\s+of\s+"
    rf"(?:the\s+journal\s+)?{_JOURNAL_NAME}",
    rf"(?:^|(?<=\n)){_JOURNAL_NAME}\s+(?:has|have)\s+retracted\s+(?:this|the)\s+article",
    rf"\bretracted\s+from\s+{_JOURNAL_NAME}\s+(?:at|by|following|because|after|due)",
    rf"\bthe\s+journal\s+{_JOURNAL_NAME}\s+(?:has|have|is|are|retract)",
)]
_ACTOR_WORDS = re.compile(r"\b(?:Editors?|Editorial|Chief|Board|Publishers?|Authors?|We|Office|Committee)\b")
_NOT_JOURNALS = {"the", "this", "our", "frontiers", "the journal", "journal"}


def publication_date(text: str) -> str:
    """The notice's own publication date from a "Published ..." line, or ""."""
    found = [(m["what"].lower().startswith("issue"), len(iso_date(m["date"])) < 10, i, iso_date(m["date"]))
             for i, m in enumerate(_PUBLISHED.finditer(text)) if iso_date(m["date"])]
    # A "Published" day beats an issue date or a mere month: the notice appeared online on that day.
    return min(found)[3] if found else ""


def license_iri(text: str) -> str:
    """The Creative Commons licence the notice is published under, as its canonical IRI, or ""."""
    for m in _CC_URL.finditer(text):
        return f"http://creativecommons.org/licenses/{m['kind'].lower()}/{m['version']}/"
    m = _CC_NAME.search(text)
    if m:
        kind = "by" + ("-nc" if m["nc"] else "") + ("-nd" if m["nd"] else "-sa" if m["sa"] else "")
        return f"http://creativecommons.org/licenses/{kind}/{m['version']}/" if m["version"] else \
            f"http://creativecommons.org/licenses/{kind}/"
    m = _CC_SHORT.search(text)
    if m:
        kind = "by" + ("-nc" if m["nc"] else "") + (m["mod"] or "").lower()
        return f"http://creativecommons.org/licenses/{kind}/{m['version'] or ''}{'/' if m['version'] else ''}"
    return ""


def publisher_named(text: str) -> str:
    """The publisher the notice names in its own boilerplate, or ""."""
    for publisher in publishers():
        # A plain substring test first: most cues are absent, and `in` is far cheaper than a regex scan.
        if publisher.pattern is not None and any(cue in text for cue in publisher.cues) \
                and publisher.pattern.search(text):
            return publisher.name
    m = _PUBLISHED_BY.search(text)
    return m["name"].strip() if m else ""


def journal_named(text: str) -> str:
    """A journal the notice's prose names as the one acting ("the Editor of Experimental and Therapeutic Medicine")."""
    for pattern in _JOURNAL_IN_PROSE:
        for m in pattern.finditer(text):
            name = m["journal"].strip()
            if name.lower() not in _NOT_JOURNALS and len(name) > 3 and not _ACTOR_WORDS.search(name):
                return name
    return ""
