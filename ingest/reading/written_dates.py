"""Dates as notices write them ("31 May 2024", "November 28, 2022", "2023 Jan") to ISO 8601.

Only as much as is written is returned: "2024-05-31", "2023-01" or "2023"; nothing is guessed.
"""

from __future__ import annotations

import re

MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_MONTH = r"(?P<month>(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

# Each pattern is anchored at the start of the string it is given; order: most specific first.
_PATTERNS = [re.compile(p, re.I) for p in (
    rf"{_YEAR}-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b",
    rf"{_DAY}\s+{_MONTH},?\s+{_YEAR}\b",
    rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}\b",
    rf"{_YEAR}\s+{_MONTH}(?:\s+{_DAY})?\b",
    rf"{_MONTH},?\s+{_YEAR}\b",
    rf"{_YEAR}-(?P<m>[01]\d)\b",
    rf"{_YEAR}\b",
)]

# Anything that can start a date, to scan prose for the first one.
DATE_IN_TEXT = re.compile(
    rf"(?:{_YEAR}-[01]\d-[0-3]\d|[0-3]?\d(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?:19|20)\d\d"
    rf"|{_MONTH}\s+[0-3]?\d,?\s+(?:19|20)\d\d)".replace("(?P<year>", "(?:").replace("(?P<month>", "(?:"),
    re.I,
)


def iso_date(written: str) -> str:
    """The ISO form of the date `written` starts with, or "" if it does not start with one."""
    written = written.strip()
    for pattern in _PATTERNS:
        m = pattern.match(written)
        if not m:
            continue
        groups = m.groupdict()
        year = groups["year"]
        if groups.get("m"):
            month = int(groups["m"])
        elif groups.get("month"):
            month = MONTHS.get(groups["month"].lower()[:3], 0)
        else:
            return year
        day = groups.get("d") or groups.get("day")
        if not 1 <= month <= 12:
            return year
        if not day:
            return f"{year}-{month:02d}"
        day = int(day)
        if not 1 <= day <= 31:
            return f"{year}-{month:02d}"
        return f"{year}-{month:02d}-{day:02d}"
    return ""


def iso_from_parts(year: str, month: str, day: str) -> str:
    """A date given as year, month (a number or a name) and day elements (JATS `<pub-date>`, PubMed `<PubDate>`),
    as precisely as they give it; "" without a four-digit year."""
    if not re.fullmatch(r"\d{4}", year):
        return ""
    month = month.lower()
    number = int(month) if month.isdigit() else MONTHS.get(month[:3], 0)
    if not 1 <= number <= 12:
        return year
    if day.isdigit() and 1 <= int(day) <= 31:
        return f"{year}-{number:02d}-{int(day):02d}"
    return f"{year}-{number:02d}"
