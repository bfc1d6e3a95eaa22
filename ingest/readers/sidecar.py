"""A notice file's sidecar: the metadata a JSON object beside a text, PDF or HTML notice gives it.

A notice read from prose often states neither its own title nor which article it concerns (PubMed Central
bodies have no title block): without its sidecar it is "an article it does not name", one label for a hundred
notices. Which sidecar key gives which field is data (`sidecar_fields.toml`); each value is offered as the
weakest candidate of its field, so the notice's own text wins wherever it says something.
"""

from __future__ import annotations

import json
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from retractkg.ingest.reading.written_dates import iso_from_parts
from retractkg.ontology.identifiers import normalize_doi

TABLE = Path(__file__).with_name("sidecar_fields.toml")
STRATEGY = "sidecar"  # its rank in `reading/field_precedence.toml`: last
MAX_BYTES = 1 << 20  # a sidecar is a page of metadata; anything larger is not one


@cache
def _table() -> dict[str, Any]:
    return tomllib.loads(TABLE.read_text(encoding="utf-8"))


def sidecar_path(path: Path) -> Path:
    return path.with_suffix(".json")


def read_sidecar(path: Path) -> dict[str, Any]:
    """The sidecar object of the notice file at `path`, {} when there is none; ValueError (saying what is wrong)
    when there is one that is not a JSON object."""
    side = sidecar_path(path)
    if not side.is_file():
        return {}
    try:
        if side.stat().st_size > MAX_BYTES:
            raise ValueError(f"larger than {MAX_BYTES >> 20} MiB, not a page of metadata")
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(f"unreadable: {e}") from e
    except json.JSONDecodeError as e:
        raise ValueError(f"not JSON (line {e.lineno}, column {e.colno}: {e.msg})") from e
    if not isinstance(data, dict):
        raise ValueError(f"a JSON {type(data).__name__}, not an object")
    return data


def sidecar_of(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """What the sidecar of the notice file at `path` gives (`sidecar_candidates`), and a warning for a sidecar that
    is there but cannot be read: the notice is still read, from its own text."""
    try:
        return sidecar_candidates(read_sidecar(path)), []
    except ValueError as e:
        return [], [f"{sidecar_path(path)}: {e}; its metadata was not read"]


def sidecar_candidates(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, value) pairs the sidecar gives, each value in the form the notice model holds it."""
    table = _table()
    found: dict[str, str] = {}
    for field, keys in table["fields"].items():
        for key in keys:
            value = _value(field, data.get(key))
            if value:
                found[field] = value
                break
    for key, fields in table["identifier_lists"].items():
        items = data.get(key)
        for item in items if isinstance(items, list) else ():
            if isinstance(item, dict) and item.get("id_type") in fields:
                field = fields[item["id_type"]]
                value = _value(field, item.get("id"))
                if value and field not in found:
                    found[field] = value
    return list(found.items())


def _value(field: str, raw: Any) -> str:
    """A sidecar value as the field holds it; "" for one that is not such a value."""
    attribute = field.rsplit(".", 1)[-1]
    if attribute == "date":
        if isinstance(raw, dict):
            return iso_from_parts(*(str(raw.get(part) or "") for part in ("year", "month", "day")))
        return raw.strip() if isinstance(raw, str) and _ISO_DATE.fullmatch(raw.strip()) else ""
    if isinstance(raw, int) and attribute in ("pmid", "pmcid"):
        raw = str(raw)
    if not isinstance(raw, str):
        return ""
    raw = _NOTE.sub("", " ".join(raw.split()))
    if attribute == "doi":
        return normalize_doi(raw)
    if attribute == "pmid":
        return raw if raw.isdigit() and raw != "0" else ""
    if attribute == "pmcid":
        number = raw.upper().removeprefix("PMC")
        return f"PMC{number}" if number.isdigit() else ""
    return raw


_ISO_DATE = re.compile(r"\d{4}(?:-\d\d(?:-\d\d)?)?")
# A curator's remark after a value, in lower-case words ("Hormones and Behavior (named in text)"): not part of it,
# unlike a name's own parenthesis ("BioMed Central (BMC)", "Journal of Oncology (Cairo)").
_NOTE = re.compile(r"\s*\((?:[a-z]+\s*)+\)$")
