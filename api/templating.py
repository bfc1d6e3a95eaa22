"""The Jinja environment of every HTML page (pages, error pages, the SPARQL page): one set of templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
                        autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def render(template: str, **context: Any) -> bytes:
    """A page of the site: `base.html`'s header and footer around the template's `main` block."""
    context.setdefault("citation", [])
    context.setdefault("alternates", [])
    context.setdefault("iri", "")
    context.setdefault("json_ld", "")
    context.setdefault("charts", [])
    return TEMPLATES.get_template(template).render(**context).encode()
