"""Which resource a request path names, and which path of this server serves an IRI.

What a resource's document holds is `retractkg.descriptions`, shared with the CLI's JSON-LD export.
"""

from __future__ import annotations

import re

from retractkg.config import Settings
from retractkg.descriptions import REACH, VOCABULARY_KINDS, Resolved
from retractkg.ontology import VOCAB


def resolve(path: str, settings: Settings) -> Resolved:
    """Map the path after /id/ (or /doc/) to an IRI: vocabulary concepts live under the fixed
    vocabulary namespace, everything else under the configured data base."""
    segment = path.split("/", 1)[0]
    if segment in VOCABULARY_KINDS:
        return Resolved(f"{VOCAB}id/{path}", "scheme" if segment == "scheme" else "concept", True)
    kind = segment
    if segment in ("article", "notice"):
        path = doi_case(path)
    if segment == "journal" and path.count("/") > 1:
        kind = "journal"  # a volume or issue: reached the same way, up its isPartOf chain
    elif segment == "publisher":
        kind = "other"
    return Resolved(f"{settings.base}id/{path}", kind if kind in REACH else "other", False)


_DOI_KEY = re.compile(r"^((?:article|notice)/(?:[a-z-]+/)?)(10\.[^/]+/.*)$")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def doi_case(path: str) -> str:
    """An article's or notice's path whose key is a DOI, with the DOI lower-cased as minted: DOIs are
    case-insensitive, so `/id/article/10.1186/S12951-…` is the one resource. Percent escapes stay upper-case."""
    found = _DOI_KEY.match(path)
    if not found:
        return path
    return found.group(1) + _ESCAPE.sub(lambda m: m.group(0).upper(), found.group(2).lower())


def local_path(iri: str, settings: Settings) -> str | None:
    """The path on this server that serves `iri`'s document, or None when it is not ours."""
    if iri.startswith(VOCAB + "id/"):
        rest = iri[len(VOCAB) + 3:]
        if rest.split("/", 1)[0] in VOCABULARY_KINDS:
            return "/doc/" + rest
    if iri.startswith(VOCAB + "ontology"):
        return "/ontology" + iri[len(VOCAB) + len("ontology"):]
    if iri.startswith(settings.base + "id/"):
        return "/doc/" + iri[len(settings.base) + 3:]
    if iri.startswith(settings.base):
        return "/" + iri[len(settings.base):]
    return None
