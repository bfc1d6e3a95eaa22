"""The Jinja environment of every HTML page (pages, error pages, the SPARQL page): one set of templates."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
                        autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def grouped(facts: Iterable[tuple[str, Any]]) -> list[tuple[str, list[Any]]]:
    """(name, value) facts as (name, values), in order: a page names "Volume" once for a journal's volumes."""
    return [(name, [value for _, value in group]) for name, group in groupby(facts, key=itemgetter(0))]


TEMPLATES.filters["grouped"] = grouped


def render(template: str, **context: Any) -> bytes:
    """A page of the site: `base.html`'s header and footer around the template's `main` block."""
    context.setdefault("citation", [])
    context.setdefault("alternates", [])
    context.setdefault("iri", "")
    context.setdefault("json_ld", "")
    context.setdefault("charts", [])
    return TEMPLATES.get_template(template).render(**context).encode()
