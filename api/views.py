"""What an HTML page shows, read from a description's triples: plain dicts for the templates.

Pages link to this server's own paths (`/doc/...`) even though the IRIs are under the configured
base, so a local server is browsable; each page also shows the IRI itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pyoxigraph import Literal, NamedNode, Triple

from retractkg.api.resources import local_path
from retractkg.config import Settings
from retractkg.ontology import CITO, DCT, OA, RDF, RDFS, RKG, SCHEMA, SKOS, XSD
from retractkg.ontology.dates import earliest
from retractkg.ontology.identifiers import links_out, preferred_labels, record_id_link, untitled_work_label

TYPE = RDF + "type"
XSD_DOUBLE = XSD + "double"
NAME_PROPERTIES = (SCHEMA + "name", SKOS + "prefLabel", RDFS + "label", DCT + "title")


class View:
    """An index of one description: subject -> predicate -> objects, with labels and local links."""

    def __init__(self, triples: Iterable[Triple], settings: Settings) -> None:
        self.settings = settings
        self.index: dict[str, dict[str, list]] = {}
        self.reverse: dict[str, dict[str, list[str]]] = {}
        for t in triples:
            self.index.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)
            if isinstance(t.object, NamedNode):
                self.reverse.setdefault(t.object.value, {}).setdefault(t.predicate.value, []).append(t.subject.value)

    def objects(self, s: str, p: str) -> list:
        return self.index.get(s, {}).get(p, [])

    def iris(self, s: str, p: str) -> list[str]:
        return sorted(o.value for o in self.objects(s, p) if isinstance(o, NamedNode))

    def subjects(self, p: str, o: str) -> list[str]:
        return sorted(self.reverse.get(o, {}).get(p, []))

    def text(self, s: str, p: str) -> str:
        literals = [o for o in self.objects(s, p) if isinstance(o, Literal)]
        english = [o for o in literals if (o.language or "en").startswith("en")]
        return (english or literals)[0].value if literals else ""

    def texts(self, s: str, p: str) -> list[str]:
        return sorted(o.value for o in self.objects(s, p) if isinstance(o, Literal))

    def types(self, s: str) -> set[str]:
        return {o.value for o in self.objects(s, TYPE)}

    def label(self, iri: str) -> str:
        for p in NAME_PROPERTIES:
            found = self.text(iri, p)
            if found:
                return found
        untitled = untitled_work_label(self.text(iri, RKG + "citation"), self.text(iri, RKG + "doi"),
                                       self.text(iri, RKG + "pmid"))
        return untitled or iri.rstrip("/").rsplit("/", 1)[-1].split("#")[-1] or iri

    def href(self, iri: str) -> str:
        return local_path(iri, self.settings) or iri

    def link(self, iri: str) -> dict[str, str]:
        return {"iri": iri, "href": self.href(iri), "label": self.label(iri)}

    def work_link(self, iri: str) -> dict[str, str]:
        """A work's link with its DOI: works of one title (a preprint's versions) are told apart by it."""
        return {**self.link(iri), "doi": self.text(iri, RKG + "doi")}

    def links(self, s: str, p: str) -> list[dict[str, str]]:
        return [self.link(o) for o in self.iris(s, p)]


def _position(view: View, authorship: str) -> int:
    try:
        return int(view.text(authorship, RKG + "position"))
    except ValueError:
        return 10**6


def container_chain(view: View, iri: str) -> dict[str, Any]:
    """Journal, volume and issue of a work, walking schema:isPartOf upwards."""
    found: dict[str, Any] = {"journal": None, "volume": "", "issue": "", "volume_link": None, "issue_link": None}
    seen: set[str] = set()
    current = view.iris(iri, SCHEMA + "isPartOf")
    while current and current[0] not in seen:
        node = current[0]
        seen.add(node)
        types = view.types(node)
        if SCHEMA + "PublicationVolume" in types:
            found["volume"] = ", ".join(view.texts(node, SCHEMA + "volumeNumber"))
            found["volume_link"] = {**view.link(node), "label": found["volume"]}
        elif SCHEMA + "PublicationIssue" in types:
            found["issue"] = ", ".join(view.texts(node, SCHEMA + "issueNumber"))
            found["issue_link"] = {**view.link(node), "label": found["issue"]}
        else:
            found["journal"] = view.link(node)
            publisher = view.iris(node, SCHEMA + "publisher")
            found["publisher"] = view.link(publisher[0]) if publisher else None
        current = view.iris(node, SCHEMA + "isPartOf")
    return found


IDENTIFIER_SITES = {"doi": "https://doi.org/", "pmid": "https://pubmed.ncbi.nlm.nih.gov/",
                    "pmcid": "https://www.ncbi.nlm.nih.gov/pmc/articles/"}


def identifiers(view: View, iri: str) -> dict[str, Any]:
    """DOI, PMID and PMCID with the links the graph states for them (schema:sameAs), where else to look the
    work up (`source_links.json`), and any other resource it is the same as."""
    same_as = view.iris(iri, SCHEMA + "sameAs")
    found: dict[str, Any] = {}
    for kind, site in IDENTIFIER_SITES.items():
        value = view.text(iri, RKG + kind)
        found[kind] = value
        found[kind + "_href"] = next((s for s in same_as if s.startswith(site)), site + value + "/" * (kind != "doi")
                                     if value else "")
    found["links_out"] = links_out(doi=found["doi"], pmid=found["pmid"], pmcid=found["pmcid"])
    shown = {found[k + "_href"] for k in IDENTIFIER_SITES}
    found["same_as"] = [s for s in same_as if s not in shown]
    return found


def number(lexical: str) -> str:
    """A stored number as people read it (a confidence "7.64E-1" is 0.764)."""
    try:
        return f"{float(lexical):g}"
    except ValueError:
        return lexical


def organization(view: View, iri: str) -> dict[str, Any]:
    places = []
    for address in view.iris(iri, SCHEMA + "address"):
        parts = [", ".join(view.texts(address, SCHEMA + p)) for p in
                 ("streetAddress", "addressLocality", "addressRegion", "postalCode", "addressCountry")]
        places.append(", ".join(p for p in parts if p))
    return {**view.link(iri), "written": view.texts(iri, RKG + "affiliationString"), "place": "; ".join(places),
            "names": view.texts(iri, SCHEMA + "name"), "same_as": view.iris(iri, SCHEMA + "sameAs")}


def person(view: View, iri: str, corresponding: bool = False) -> dict[str, Any]:
    affiliations = [organization(view, org) for org in view.iris(iri, SCHEMA + "affiliation")]
    evidence = [{"kind": view.text(e, RKG + "evidenceKind"), "value": view.text(e, RKG + "evidenceValue"),
                 "articles": [view.work_link(a) for a in view.iris(e, RKG + "joins")]}
                for e in view.iris(iri, RKG + "identityEvidence")]
    same_as = view.iris(iri, SCHEMA + "sameAs")
    return {**view.link(iri), "email": ", ".join(view.texts(iri, SCHEMA + "email")), "corresponding": corresponding,
            "emails": view.texts(iri, SCHEMA + "email"), "names": view.texts(iri, SCHEMA + "name"),
            "given_names": view.texts(iri, SCHEMA + "givenName"),
            "family_names": view.texts(iri, SCHEMA + "familyName"),
            "orcid": next((s for s in same_as if "orcid.org" in s), ""),
            "same_as": [s for s in same_as if "orcid.org" not in s],
            "affiliations": affiliations, "evidence": evidence}


def authors(view: View, work: str) -> list[dict[str, Any]]:
    """The byline in order (by authorship position), then any author without a position."""
    ordered: list[dict[str, Any]] = []
    placed: set[str] = set()
    for authorship in sorted(view.iris(work, RKG + "authorship"), key=lambda a: _position(view, a)):
        for agent in view.iris(authorship, RKG + "agent"):
            corresponding = view.text(authorship, RKG + "isCorresponding") == "true"
            ordered.append(person(view, agent, corresponding))
            placed.add(agent)
    ordered += [person(view, p) for p in view.iris(work, SCHEMA + "author") if p not in placed]
    return ordered


def notice_summary(view: View, iri: str) -> dict[str, Any]:
    nature = view.iris(iri, RKG + "nature")
    return {**view.link(iri), "date": earliest(view.texts(iri, SCHEMA + "datePublished")),
            "nature": view.label(nature[0]) if nature else "",
            "reasons": [view.link(r) for r in view.iris(iri, RKG + "reason")]}


def known_as(view: View, iri: str, label: str) -> list[str]:
    """A work's labels besides the one it is shown by; of a notice's, only those naming its article by title
    when one does (`preferred_labels`): "Retraction of: 10.1083/…" beside "Retraction of: ‹title›" says nothing."""
    return [t for t in preferred_labels(view.texts(iri, RDFS + "label")) if t != label]


def work(view: View, iri: str) -> dict[str, Any]:
    """What notices and articles both state: titles, dates, identifiers, container, web page, licence."""
    names = view.texts(iri, SCHEMA + "name")
    label = view.label(iri)
    return {
        **view.link(iri), **identifiers(view, iri), **container_chain(view, iri),
        "date": earliest(view.texts(iri, SCHEMA + "datePublished")),  # one date, when sources differ
        "dates": view.texts(iri, SCHEMA + "datePublished"),
        "other_names": [n for n in names if n != label],
        "known_as": known_as(view, iri, label),
        "urls": view.iris(iri, SCHEMA + "url"),
        "licenses": view.iris(iri, SCHEMA + "license"),
        "languages": view.texts(iri, SCHEMA + "inLanguage"),
    }


def article(view: View, iri: str) -> dict[str, Any]:
    return {
        **work(view, iri),
        "number": ", ".join(view.texts(iri, RKG + "articleNumber")),
        "pages": ", ".join(view.texts(iri, SCHEMA + "pagination")),
        "genre": "; ".join(view.texts(iri, SCHEMA + "genre")), "citations": view.texts(iri, RKG + "citation"),
        "subjects": view.texts(iri, SCHEMA + "keywords"), "countries": view.texts(iri, SCHEMA + "countryOfOrigin"),
        "institutions": [organization(view, o) for o in view.iris(iri, SCHEMA + "sourceOrganization")],
        "authors": authors(view, iri),
        "notices": [notice_summary(view, n) for n in view.iris(iri, CITO + "isUpdatedBy")],
        "retracted": bool(view.iris(iri, CITO + "isRetractedBy")),
    }


def _evidence(view: View, targets: list[str]) -> list[str]:
    quotes = []
    for target in targets:
        for selector in view.iris(target, OA + "hasSelector"):
            exact = view.text(selector, OA + "exact")
            if exact:
                quotes.append(exact)
    return quotes


def notice(view: View, iri: str) -> dict[str, Any]:
    reasons = []
    for assignment in view.iris(iri, RKG + "reasonAssignment"):
        for body in view.iris(assignment, OA + "hasBody"):
            reasons.append({**view.link(body), "confidence": number(view.text(assignment, RKG + "confidence")),
                            "tentative": view.text(assignment, RKG + "tentative") == "true",
                            "evidence": _evidence(view, view.iris(assignment, OA + "hasTarget"))})
    # A reason one source asserts is asserted, whatever another source's reader was unsure of.
    asserted = view.iris(iri, RKG + "reason")
    for reason in reasons:
        reason["tentative"] = reason["tentative"] and reason["iri"] not in asserted
    assigned = {r["iri"] for r in reasons}
    reasons += [{**view.link(r), "confidence": "", "tentative": False, "evidence": []}
                for r in asserted if r not in assigned]
    stances = []
    for stance in view.iris(iri, RKG + "authorStance"):
        agents = view.iris(stance, RKG + "agent")
        values = view.iris(stance, RKG + "stanceValue")
        stances.append({"agent": view.link(agents[0]) if agents else None,
                        "stance": view.link(values[0]) if values else None,
                        "evidence": _evidence(view, view.iris(stance, RKG + "evidence"))})
    nature = view.iris(iri, RKG + "nature")
    paywalled = view.texts(iri, RKG + "paywalled")
    return {
        **work(view, iri),
        "nature": view.link(nature[0]) if nature else None,
        "nature_confidence": number(view.text(iri, RKG + "natureConfidence")),
        "retracting": bool(view.iris(iri, CITO + "retracts")),
        "text": view.text(iri, SCHEMA + "text"), "notes": view.texts(iri, RKG + "note"),
        "paywalled": [value in ("true", "1") for value in paywalled],
        "coverage": view.iris(iri, SCHEMA + "subjectOf"),
        "publisher_link": next((view.link(p) for p in view.iris(iri, SCHEMA + "publisher")), None),
        "publishers": view.links(iri, SCHEMA + "publisher"),
        "retracted_by": view.links(iri, RKG + "retractedBy"), "requested_by": view.links(iri, RKG + "requestedBy"),
        "affected_items": view.texts(iri, RKG + "affectedItem"),
        "record_ids": [record_id_link(r) for r in view.texts(iri, RKG + "recordId")],
        "reasons": [r for r in reasons if not r["tentative"]],
        "possible_reasons": [r for r in reasons if r["tentative"]], "stances": stances,
        "signatories": [person(view, p) for p in view.iris(iri, SCHEMA + "author")],
        "articles": [article(view, a) for a in view.iris(iri, CITO + "updates")],
    }


def terms(view: View, ontology: str) -> list[dict[str, str]]:
    """The terms an ontology defines, with anchors matching their hash IRIs (`/ontology#Notice`)."""
    found = []
    for term in view.subjects(RDFS + "isDefinedBy", ontology):
        kinds = sorted(t.rsplit("#", 1)[-1] for t in view.types(term) if t.startswith("http://www.w3.org/2002/07/owl#"))
        found.append({"iri": term, "anchor": term.rsplit("#", 1)[-1], "label": view.label(term),
                      "comment": view.text(term, RDFS + "comment"), "kind": ", ".join(kinds)})
    return sorted(found, key=lambda t: (t["kind"], t["anchor"]))


# What each page's layout shows of the resource itself; any other statement about it is listed under
# "More statements", so nothing stored is hidden from people when the mapping learns a new property.
_WORK = {RDF + "type", SCHEMA + "name", RDFS + "label", SCHEMA + "datePublished", RKG + "doi", RKG + "pmid",
         RKG + "pmcid", SCHEMA + "sameAs", SCHEMA + "url", SCHEMA + "license", SCHEMA + "inLanguage",
         SCHEMA + "isPartOf", SCHEMA + "author"}
SHOWN = {
    "notice": _WORK | {SCHEMA + "text", RKG + "note", RKG + "paywalled", RKG + "recordId", SCHEMA + "subjectOf",
                       SCHEMA + "publisher", RKG + "retractedBy", RKG + "requestedBy", RKG + "affectedItem",
                       RKG + "reason", RKG + "reasonAssignment", RKG + "authorStance", RKG + "nature",
                       RKG + "natureConfidence", CITO + "updates", CITO + "retracts", CITO + "corrects",
                       RKG + "expressesConcernAbout", RKG + "reinstates"},
    "article": _WORK | {SCHEMA + "pagination", SCHEMA + "pageStart", SCHEMA + "pageEnd", RKG + "articleNumber",
                        SCHEMA + "genre", RKG + "citation", SCHEMA + "keywords", SCHEMA + "countryOfOrigin",
                        SCHEMA + "sourceOrganization", RKG + "authorship", CITO + "isUpdatedBy",
                        CITO + "isRetractedBy", CITO + "isCorrectedBy"},
    "person": {RDF + "type", SCHEMA + "name", SCHEMA + "givenName", SCHEMA + "familyName", SCHEMA + "email",
               SCHEMA + "sameAs", SCHEMA + "affiliation", RKG + "identityEvidence"},
    "organization": {RDF + "type", SCHEMA + "name", RKG + "affiliationString", SCHEMA + "sameAs", SCHEMA + "address"},
    "journal": {RDF + "type", SCHEMA + "name", SCHEMA + "issn", SCHEMA + "sameAs", SCHEMA + "publisher"},
    "publisher": {RDF + "type", SCHEMA + "name", SCHEMA + "alternateName", SCHEMA + "parentOrganization"},
}


# Not for display: a hidden label is a misspelling kept for matching ("retration"), as SKOS defines it.
NOT_SHOWN = (SKOS + "hiddenLabel",)


def properties(view: View, iri: str, shown: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Every statement about `iri` but those of the `shown` properties: all of them on pages without a
    dedicated layout, the rest on pages with one."""
    rows = []
    skip = {*shown, *NOT_SHOWN}
    for predicate, objects in sorted(view.index.get(iri, {}).items()):
        if predicate in skip:
            continue
        values = []
        for o in objects:
            if isinstance(o, NamedNode):
                values.append(view.link(o.value))
            elif o.datatype.value == XSD_DOUBLE:
                values.append({"iri": "", "href": "", "label": number(o.value)})
            elif not o.datatype.value.startswith((XSD, RDF)):  # a value of our own kind says which
                kind = o.datatype.value.rsplit("/", 1)[-1].split("#")[-1]
                values.append({"iri": "", "href": "", "label": f"{o.value} ({kind})"})
            else:
                values.append({"iri": "", "href": "", "label": o.value})
        rows.append({"predicate": predicate, "label": predicate.rsplit("/", 1)[-1].split("#")[-1],
                     "objects": sorted(values, key=lambda v: v["label"])})
    return rows
