"""Look up Retraction Watch reason concepts by label, in either edition of the taxonomy's wording."""

from __future__ import annotations

from functools import cache

from pyoxigraph import NamedNode, RdfFormat, parse

from retractkg.ontology import REASONS_FILE, SKOS
from retractkg.ontology.identifiers import fold


@cache
def _concepts_by_label() -> dict[str, str]:
    labels = {NamedNode(SKOS + "prefLabel"), NamedNode(SKOS + "altLabel"), NamedNode(SKOS + "hiddenLabel")}
    found: dict[str, str] = {}
    with REASONS_FILE.open("rb") as f:
        for triple in parse(f, RdfFormat.TURTLE):
            if triple.predicate in labels:
                found.setdefault(fold(triple.object.value), triple.subject.value)
    return found


def reason_iri(label: str) -> str | None:
    """The concept for a reason label as Retraction Watch writes it (`+` prefix, case, dashes ignored)."""
    return _concepts_by_label().get(fold(label.lstrip("+")))


def reason_labels() -> dict[str, str]:
    """Every known label form (folded) with its concept IRI."""
    return dict(_concepts_by_label())
