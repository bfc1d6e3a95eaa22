"""The one place that turns the notice model into triples of the retractkg ontology.

Each `SourceRecord` becomes one named graph: the statements its source makes, plus PROV-O
provenance about the graph itself. Statements use schema.org, CiTO and FaBiO terms directly
wherever they fit, so the data answers plain queries without inference; `rkg:` terms cover
the rest (see ontology/retractkg.ttl for their alignment).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from retractkg import __version__
from retractkg.ingest.iris import Minter, fold
from retractkg.ingest.model import Article, Nature, Notice, Organization, Person, SourceRecord, Span
from retractkg.ontology import (
    CITO,
    FABIO,
    NATURE,
    OA,
    PROV,
    RDF,
    RKG,
    ROLE,
    SCHEMA,
    STANCE,
    VOCAB,
    XSD,
)
from retractkg.ontology.reasons import reason_iri

SOFTWARE = NamedNode(VOCAB + "software/retractkg")


def _ns(prefix: str):
    return lambda local: NamedNode(prefix + local)


schema, rkg, cito, fabio, prov, oa = map(_ns, (SCHEMA, RKG, CITO, FABIO, PROV, OA))
A = NamedNode(RDF + "type")
INTEGER, DECIMAL, BOOLEAN, DATETIME = (NamedNode(XSD + t) for t in ("integer", "decimal", "boolean", "dateTime"))

_NOTICE_CLASSES = {
    Nature.RETRACTION: ("RetractionNotice",),
    Nature.PARTIAL_RETRACTION: ("RetractionNotice",),
    Nature.WITHDRAWAL: ("RetractionNotice",),
    Nature.REMOVAL: ("RetractionNotice",),
    Nature.EXPRESSION_OF_CONCERN: ("ExpressionOfConcern",),
    Nature.CORRECTION: ("CorrectionNotice",),
    Nature.REINSTATEMENT: ("ReinstatementNotice",),
    Nature.UNCLASSIFIED: (),
}


class MappingError(ValueError):
    """The record cannot be expressed in the ontology (a value is malformed)."""


@dataclass(frozen=True)
class MappedRecord:
    """A record's triples: `content` decides whether anything changed, `quads` is what is stored."""

    graph: str
    notice: str
    content_hash: str
    quads: list[Quad]


def date_literal(value: str) -> Literal:
    """An ISO date typed as precisely as it is known: xsd:date, xsd:gYearMonth or xsd:gYear."""
    value = value.strip()
    for pattern, datatype in ((r"\d{4}-\d{2}-\d{2}", "date"), (r"\d{4}-\d{2}", "gYearMonth"), (r"\d{4}", "gYear")):
        if re.fullmatch(pattern, value):
            return Literal(value, datatype=NamedNode(XSD + datatype))
    raise MappingError(f"not an ISO 8601 date, year-month or year: {value!r}")


def doi_iri(doi: str) -> NamedNode:
    return NamedNode("https://doi.org/" + doi.lower())


class _Graph:
    """Collects the triples of one record (deduplicated, order kept for readable dumps)."""

    def __init__(self) -> None:
        self.triples: dict[tuple, None] = {}

    def add(self, s: NamedNode, p: NamedNode, o: NamedNode | Literal | str | None) -> None:
        if o is None or o == "":
            return
        if isinstance(o, str):
            o = Literal(o)
        self.triples[(s, p, o)] = None


class RecordMapper:
    """Maps source records to named graphs under one base IRI."""

    def __init__(self, base: str) -> None:
        self.mint = Minter(base)

    def map(self, record: SourceRecord, *, now: datetime | None = None) -> MappedRecord:
        g = _Graph()
        notice_iri = NamedNode(self.mint.notice(record.notice))
        self._notice(g, notice_iri, record.notice)
        content = sorted(f"{s} {p} {o} ." for s, p, o in g.triples)
        content_hash = hashlib.sha256("\n".join(content).encode()).hexdigest()

        graph = NamedNode(self.mint.graph(record.format, record.record_key or notice_iri.value))
        self._provenance(g, graph, notice_iri, record, content_hash, now or datetime.now(UTC))
        quads = [Quad(s, p, o, graph) for s, p, o in g.triples]
        return MappedRecord(graph.value, notice_iri.value, content_hash, quads)

    # -- the notice -------------------------------------------------------------------------

    def _notice(self, g: _Graph, n: NamedNode, notice: Notice) -> None:
        g.add(n, A, rkg("Notice"))
        g.add(n, A, schema("ScholarlyArticle"))
        for cls in _NOTICE_CLASSES[notice.nature]:
            g.add(n, A, rkg(cls))
        if notice.nature.retracts:
            g.add(n, A, fabio("RetractionNotice"))
        g.add(n, rkg("nature"), NamedNode(NATURE + notice.nature.value))
        if notice.nature_confidence is not None:
            g.add(n, rkg("natureConfidence"), Literal(f"{notice.nature_confidence:.3f}", datatype=DECIMAL))
        g.add(n, schema("name"), notice.title)
        if notice.date:
            g.add(n, schema("datePublished"), date_literal(notice.date))
        article_dois = {a.doi for a in notice.articles}
        if notice.doi and notice.doi not in article_dois:  # some sources repeat the article's DOI
            self._identifiers(g, n, notice.doi, notice.pmid, notice.pmcid)
        else:
            self._identifiers(g, n, "", notice.pmid, notice.pmcid)
        if notice.url:
            g.add(n, schema("url"), NamedNode(notice.url))
        if notice.license:
            g.add(n, schema("license"), NamedNode(notice.license))
        g.add(n, schema("text"), notice.text)
        g.add(n, schema("inLanguage"), notice.language)
        g.add(n, rkg("note"), notice.notes)
        if notice.paywalled is not None:
            g.add(n, rkg("paywalled"), Literal(str(notice.paywalled).lower(), datatype=BOOLEAN))
        for source, record_id in sorted(notice.record_ids.items()):
            g.add(n, rkg("recordId"), Literal(f"{source}:{record_id}"))
        journal = self._journal(g, notice.journal.name, notice.journal.issn, notice.journal.publisher)
        g.add(n, schema("isPartOf"), journal)
        publisher = notice.publisher or notice.journal.publisher
        if publisher:
            g.add(n, schema("publisher"), self._publisher(g, publisher))
        for role in notice.retracted_by:
            g.add(n, rkg("retractedBy"), NamedNode(ROLE + role.value))
        for role in notice.requested_by:
            g.add(n, rkg("requestedBy"), NamedNode(ROLE + role.value))
        for item in notice.affected_items:
            g.add(n, rkg("affectedItem"), item)
        for person in notice.authors:
            g.add(n, schema("author"), self._person(g, n.value, person))
        for claim in notice.reasons:
            concept = reason_iri(claim.label)
            if concept is None:
                raise MappingError(f"not a Retraction Watch reason: {claim.label!r}")
            concept_node = NamedNode(concept)
            g.add(n, rkg("reason"), concept_node)
            assignment = NamedNode(f"{n.value}#reason-{concept.rsplit('/', 1)[-1]}")
            g.add(n, rkg("reasonAssignment"), assignment)
            g.add(assignment, A, rkg("ReasonAssignment"))
            g.add(assignment, A, oa("Annotation"))
            g.add(assignment, oa("motivatedBy"), oa("classifying"))
            g.add(assignment, oa("hasBody"), concept_node)
            if claim.confidence is not None:
                g.add(assignment, rkg("confidence"), Literal(f"{claim.confidence:.3f}", datatype=DECIMAL))
            if not claim.evidence:
                g.add(assignment, oa("hasTarget"), n)
            for i, span in enumerate(claim.evidence, 1):
                g.add(assignment, oa("hasTarget"), self._quote(g, n, f"{assignment.value}-{i}", span, notice.text))
        for index, article in enumerate(notice.articles):
            a = self._article(g, article)
            self._link(g, n, a, notice.nature)
            for position, person in enumerate(article.authors, 1):
                if person.stance is None:
                    continue
                stance = NamedNode(f"{n.value}#stance-{index + 1}-{position}")
                g.add(n, rkg("authorStance"), stance)
                g.add(stance, A, rkg("AuthorStance"))
                g.add(stance, rkg("agent"), NamedNode(self.mint.person(a.value, person.name, person.orcid)))
                g.add(stance, rkg("stanceValue"), NamedNode(STANCE + person.stance.value))
                if person.stance_evidence:
                    g.add(stance, rkg("evidence"),
                          self._quote(g, n, f"{stance.value}-evidence", person.stance_evidence, notice.text))

    def _link(self, g: _Graph, n: NamedNode, a: NamedNode, nature: Nature) -> None:
        g.add(n, cito("updates"), a)
        g.add(a, cito("isUpdatedBy"), n)
        if nature.retracts:
            g.add(n, cito("retracts"), a)
            g.add(a, cito("isRetractedBy"), n)
        elif nature is Nature.CORRECTION:
            g.add(n, cito("corrects"), a)
            g.add(a, cito("isCorrectedBy"), n)
        elif nature is Nature.EXPRESSION_OF_CONCERN:
            g.add(n, rkg("expressesConcernAbout"), a)
        elif nature is Nature.REINSTATEMENT:
            g.add(n, rkg("reinstates"), a)

    def _quote(self, g: _Graph, source: NamedNode, iri: str, span: Span, text: str) -> NamedNode:
        """A Web Annotation target: the notice text, selected by quote and by position."""
        if text and text[span.start:span.end] != span.exact:
            raise MappingError(f"evidence offsets {span.start}-{span.end} do not select {span.exact!r}")
        target = NamedNode(iri)
        g.add(target, A, oa("SpecificResource"))
        g.add(target, oa("hasSource"), source)
        quote = NamedNode(iri + "-quote")
        g.add(target, oa("hasSelector"), quote)
        g.add(quote, A, oa("TextQuoteSelector"))
        g.add(quote, oa("exact"), span.exact)
        if text:
            g.add(quote, oa("prefix"), text[max(0, span.start - 32):span.start])
            g.add(quote, oa("suffix"), text[span.end:span.end + 32])
        position = NamedNode(iri + "-position")
        g.add(target, oa("hasSelector"), position)
        g.add(position, A, oa("TextPositionSelector"))
        g.add(position, oa("start"), Literal(str(span.start), datatype=INTEGER))
        g.add(position, oa("end"), Literal(str(span.end), datatype=INTEGER))
        return target

    # -- the article and its parts -----------------------------------------------------------

    def _article(self, g: _Graph, article: Article) -> NamedNode:
        a = NamedNode(self.mint.article(article))
        g.add(a, A, rkg("Article"))
        g.add(a, A, schema("ScholarlyArticle"))
        if article.journal.name or article.journal.issn:
            g.add(a, A, fabio("JournalArticle"))
        g.add(a, schema("name"), article.title)
        self._identifiers(g, a, article.doi, article.pmid, article.pmcid)
        if article.url:
            g.add(a, schema("url"), NamedNode(article.url))
        if article.date or article.year:
            g.add(a, schema("datePublished"), date_literal(article.date or article.year))
        g.add(a, schema("pagination"), article.pages)
        if "-" in article.pages:
            start, end = article.pages.split("-", 1)
            g.add(a, schema("pageStart"), start.strip())
            g.add(a, schema("pageEnd"), end.strip())
        g.add(a, rkg("articleNumber"), article.article_number)
        g.add(a, schema("genre"), article.article_type)
        g.add(a, rkg("citation"), article.citation)
        for subject in article.subjects:
            g.add(a, schema("keywords"), subject)
        g.add(a, schema("isPartOf"), self._container(g, article))
        orgs = [self._organization(g, org) for org in article.organizations]
        for position, person in enumerate(article.authors, 1):
            p = self._person(g, a.value, person, orgs)
            g.add(a, schema("author"), p)
            authorship = NamedNode(f"{a.value}#author-{position}")
            g.add(a, rkg("authorship"), authorship)
            g.add(authorship, A, rkg("Authorship"))
            g.add(authorship, rkg("agent"), p)
            g.add(authorship, rkg("position"), Literal(str(position), datatype=INTEGER))
            if person.corresponding:
                g.add(authorship, rkg("isCorresponding"), Literal("true", datatype=BOOLEAN))
        return a

    def _identifiers(self, g: _Graph, node: NamedNode, doi: str, pmid: str, pmcid: str) -> None:
        if doi:
            g.add(node, schema("sameAs"), doi_iri(doi))
            g.add(node, rkg("doi"), doi.lower())
        if pmid:
            g.add(node, schema("sameAs"), NamedNode(f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"))
            g.add(node, rkg("pmid"), pmid)
        if pmcid:
            pmcid = pmcid.upper()
            g.add(node, schema("sameAs"), NamedNode(f"https://www.ncbi.nlm.nih.gov/pmc/articles/{pmcid}/"))
            g.add(node, rkg("pmcid"), pmcid)

    def _container(self, g: _Graph, article: Article) -> NamedNode | None:
        """The innermost of issue, volume and journal that is known; each is part of the next."""
        journal = article.journal
        if not (journal.name or journal.issn):
            return None
        container = self._journal(g, journal.name, journal.issn, journal.publisher)
        if article.volume:
            volume = NamedNode(f"{container.value}/volume/{_path_safe(article.volume)}")
            g.add(volume, A, schema("PublicationVolume"))
            g.add(volume, schema("volumeNumber"), article.volume)
            g.add(volume, schema("isPartOf"), container)
            container = volume
        if article.issue:
            issue = NamedNode(f"{container.value}/issue/{_path_safe(article.issue)}")
            g.add(issue, A, schema("PublicationIssue"))
            g.add(issue, schema("issueNumber"), article.issue)
            g.add(issue, schema("isPartOf"), container)
            container = issue
        return container

    def _journal(self, g: _Graph, name: str, issn: list[str], publisher: str) -> NamedNode | None:
        if not (name or issn):
            return None
        j = NamedNode(self.mint.journal(name, issn))
        g.add(j, A, schema("Periodical"))
        g.add(j, schema("name"), name)
        for number in issn:
            g.add(j, schema("issn"), number)
            g.add(j, schema("sameAs"), NamedNode(f"https://portal.issn.org/resource/ISSN/{number}"))
        if publisher:
            g.add(j, schema("publisher"), self._publisher(g, publisher))
        return j

    def _publisher(self, g: _Graph, name: str) -> NamedNode:
        p = NamedNode(self.mint.publisher(name))
        g.add(p, A, schema("Organization"))
        g.add(p, schema("name"), name)
        return p

    def _person(self, g: _Graph, article_iri: str, person: Person,
                orgs: list[NamedNode] | None = None) -> NamedNode:
        p = NamedNode(self.mint.person(article_iri, person.name, person.orcid))
        g.add(p, A, schema("Person"))
        g.add(p, schema("name"), person.name)
        g.add(p, schema("givenName"), person.given_name)
        g.add(p, schema("familyName"), person.family_name)
        g.add(p, schema("email"), person.email)
        if person.orcid:
            g.add(p, schema("sameAs"), NamedNode(f"https://orcid.org/{person.orcid}"))
        for index in person.affiliations:
            if orgs is None or not 0 <= index < len(orgs):
                raise MappingError(f"{person.name}: affiliation index {index} has no organization")
            g.add(p, schema("affiliation"), orgs[index])
        return p

    def _organization(self, g: _Graph, org: Organization) -> NamedNode:
        written = org.label or org.name
        o = NamedNode(self.mint.organization(written))
        g.add(o, A, schema("Organization"))
        g.add(o, schema("name"), org.name)
        if org.label and fold(org.label) != fold(org.name):
            g.add(o, rkg("affiliationString"), org.label)
        if org.ror:
            g.add(o, schema("sameAs"), NamedNode(f"https://ror.org/{org.ror}"))
        if any((org.street, org.locality, org.region, org.postal_code, org.country)):
            address = NamedNode(o.value + "#address")
            g.add(o, schema("address"), address)
            g.add(address, A, schema("PostalAddress"))
            g.add(address, schema("streetAddress"), org.street)
            g.add(address, schema("addressLocality"), org.locality)
            g.add(address, schema("addressRegion"), org.region)
            g.add(address, schema("postalCode"), org.postal_code)
            g.add(address, schema("addressCountry"), org.country)
        return o

    # -- provenance ---------------------------------------------------------------------------

    def _provenance(self, g: _Graph, graph: NamedNode, notice: NamedNode, record: SourceRecord,
                    content_hash: str, now: datetime) -> None:
        g.add(graph, A, rkg("SourceRecord"))
        g.add(graph, A, prov("Entity"))
        g.add(graph, rkg("describes"), notice)
        g.add(graph, rkg("contentHash"), content_hash)
        g.add(graph, rkg("sourceFormat"), record.format)
        g.add(graph, rkg("recordKey"), record.record_key)
        g.add(graph, prov("wasDerivedFrom"), _source_node(record.source))
        g.add(graph, prov("generatedAtTime"), Literal(now.isoformat(timespec="seconds"), datatype=DATETIME))
        activity = NamedNode(graph.value + "#ingest")
        g.add(graph, prov("wasGeneratedBy"), activity)
        g.add(activity, A, prov("Activity"))
        g.add(activity, prov("used"), _source_node(record.source))
        g.add(activity, prov("wasAssociatedWith"), SOFTWARE)
        g.add(activity, rkg("softwareVersion"), __version__)


def _source_node(source: str) -> NamedNode:
    if re.match(r"^[a-z][a-z0-9+.-]*:", source, re.I) and " " not in source:
        return NamedNode(source)
    return NamedNode(Path(source).resolve().as_uri())


def _path_safe(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", value.strip()) or "x"


