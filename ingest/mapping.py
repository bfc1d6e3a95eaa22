"""The one place that turns the notice model into triples of the retractkg ontology.

Each `SourceRecord` becomes one named graph: the statements its source makes, plus PROV-O
provenance about the graph itself. Statements use schema.org, CiTO and FaBiO terms directly
wherever they fit, so the data answers plain queries without inference; `rkg:` terms cover
the rest (see ontology/retractkg.ttl for their alignment).

Terms are written straight in N-Triples syntax (`Term`), not as pyoxigraph objects: a full
Retraction Watch export is millions of triples, and building, printing (for the content hash)
and re-reading objects cost more than everything else. IRIs are still checked by pyoxigraph,
so what the mapping accepts is what the store accepts; `MappedRecord.quads` parses on demand.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from retractkg import __version__
from retractkg.ingest.iris import RECENT, Minter, doi_path, fold, publisher_parent
from retractkg.ingest.model import Article, Nature, Notice, Organization, Person, SourceRecord, Span
from retractkg.ingest.ntriples import escape
from retractkg.ingest.periodical_graphs import SOFTWARE_IRI, Descriptions
from retractkg.jsonld import canonical_double
from retractkg.ontology import (
    CITO,
    FABIO,
    NATURE,
    OA,
    PROV,
    RDF,
    RDFS,
    RKG,
    ROLE,
    SCHEMA,
    STANCE,
    XSD,
)
from retractkg.ontology.identifiers import normalize_issn, record_url
from retractkg.ontology.reasons import reason_iri

if TYPE_CHECKING:
    from retractkg.ingest.notice_dates import NoticeDates
    from retractkg.ingest.people import PeopleIndex
    from retractkg.ingest.periodicals import Periodicals


class MappingError(ValueError):
    """The record cannot be expressed in the ontology (a value is malformed)."""


class Term(str):
    """An RDF term in N-Triples syntax: `<iri>` or a literal such as `"2024"^^<...#gYear>`."""

    __slots__ = ()

    @property
    def value(self) -> str:
        """The IRI of an IRI term (without its angle brackets)."""
        return self[1:-1]


def iri(value: str) -> Term:
    """An IRI term; pyoxigraph checks it, so a malformed IRI fails the record, not the store write."""
    try:
        NamedNode(value)
    except ValueError as e:
        raise MappingError(f"not a valid IRI: {value!r} ({e})") from e
    return Term(f"<{value}>")


@lru_cache(maxsize=1024)
def integer_literal(number: int) -> Term:
    """An xsd:integer literal; author positions are the same few numbers in every record."""
    return literal(str(number), INTEGER)


@lru_cache(maxsize=RECENT)
def recurring_iri(value: str) -> Term:
    """`iri` of an IRI that recurs across records (a journal, publisher, organization): checked once."""
    return iri(value)


def probability_literal(value: float) -> Term:
    """A confidence as an xsd:double in canonical form, rounded to three places: a double so that JSON-LD
    carries it as a JSON number (a decimal cannot be one), canonical so that a store keeping lexical
    forms holds what documents show."""
    return literal(canonical_double(round(value, 3)), DOUBLE)


def literal(text: str, datatype: str | None = None) -> Term:
    """A literal term: a plain string, or typed with the datatype IRI given."""
    quoted = '"' + escape(text) + '"'
    return Term(quoted if datatype is None else f"{quoted}^^<{datatype}>")


class Namespace:
    """The terms of one namespace as attributes (`schema.name`), each made once: the mapping reads
    millions of them, and an attribute costs less than a call."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix

    def __getattr__(self, local: str) -> Term:  # the first use of a term only; then it is an attribute
        term = iri(self._prefix + local)
        setattr(self, local, term)
        return term

    def __call__(self, local: str) -> Term:
        """A term whose name is a value (a nature, a role, a stance)."""
        return getattr(self, local)


schema, rkg, cito, fabio, prov, oa, rdfs = map(Namespace, (SCHEMA, RKG, CITO, FABIO, PROV, OA, RDFS))
nature_term, role_term, stance_term = map(Namespace, (NATURE, ROLE, STANCE))
A = iri(RDF + "type")
SOFTWARE = iri(SOFTWARE_IRI)
INTEGER, DOUBLE, BOOLEAN, DATETIME = (XSD + t for t in ("integer", "double", "boolean", "dateTime"))

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


@dataclass(frozen=True)
class MappedRecord:
    """A record's triples: `content_hash` decides whether anything changed, `nquads` is what is stored."""

    graph: str
    notice: str
    content_hash: str
    nquads: bytes  # the record's named graph as N-Quads (UTF-8)
    quad_count: int  # lines in `nquads` (counting them again would cost ~10 µs a record)
    # Its statements of the predicates the mapper notes (`RecordMapper.note`), flat: subject, predicate, object, ...
    noted: tuple[str, ...] = ()

    @property
    def quads(self) -> list[Quad]:
        return list(parse(self.nquads, RdfFormat.N_QUADS))


def date_literal(value: str) -> Term:
    """An ISO date typed as precisely as it is known: xsd:date, xsd:gYearMonth or xsd:gYear."""
    value = value.strip()
    for pattern, datatype in ((r"\d{4}-\d{2}-\d{2}", "date"), (r"\d{4}-\d{2}", "gYearMonth"), (r"\d{4}", "gYear")):
        if re.fullmatch(pattern, value):
            return literal(value, XSD + datatype)
    raise MappingError(f"not an ISO 8601 date, year-month or year: {value!r}")


def doi_iri(doi: str) -> Term:
    return iri("https://doi.org/" + doi_path(doi.lower()))


def ntriples_document(sorted_lines: list[str]) -> bytes:
    """The sorted N-Triples document of a record's triples (its lines without " ."), whose hash says whether
    the record changed.

    Sorting the lines before their " ." is appended gives the same order: no line is another line
    followed by a space or a control character (an IRI ends with ">", a literal with its quote, datatype
    or language tag).
    """
    return (" .\n".join(sorted_lines) + " .").encode() if sorted_lines else b""


class _Graph:
    """Collects the triples of one record (deduplicated, order kept for readable dumps)."""

    def __init__(self, source_tag: str = "", noting: frozenset[str] | None = None) -> None:
        # Each triple as its N-Triples line without the closing " .". Subjects and predicates are IRIs,
        # which hold no space, so equal lines are equal triples; and the line is made once, not again
        # for the content hash and again for the N-Quads.
        self.lines: dict[str, None] = {}
        # Nodes that quote one source's text (annotations, stances) carry this tag in their hash IRI:
        # two sources of one notice quote different texts at different offsets.
        self.source_tag = source_tag
        # The predicates (as terms) whose triples are noted, each once ({line: (s, p, o)}), an object as its term
        # or, a plain string literal, as the string itself (the search index's values, `RunStatements`).
        self.noting = noting
        self.noted: dict[str, tuple[str, str, str]] = {}

    def add(self, s: Term, p: Term, o: Term | str | None) -> None:
        """`o` is a term, or a plain string for a string literal ("" and None add nothing)."""
        if o is None:
            return
        value = o
        if o.__class__ is not Term:
            if not o:
                return
            o = '"' + escape(o) + '"'  # a plain string literal, without the cost of a Term
        line = " ".join((s, p, o))  # an f-string would format each Term (a str subclass) anew
        self.lines[line] = None
        if self.noting is not None and p in self.noting:
            self.noted[line] = (s, p, value if value.__class__ is Term or value.__class__ is str else str(value))


class RecordMapper:
    """Maps source records to named graphs under one base IRI."""

    def __init__(self, base: str) -> None:
        iri(base)  # so that an IRI minted under it from a hash needs no check of its own (`_minted`)
        self.mint = Minter(base)
        # Which author mentions of the run are one person (`retractkg.ingest.people`); None: each article's own.
        self.people: PeopleIndex | None = None
        # Which journal and publisher each record names, and their names (`retractkg.ingest.periodicals`); None:
        # each record's own (by ISSN, else name).
        self.periodicals: Periodicals | None = None
        # Each notice's one date where its records give it several (`retractkg.ingest.notice_dates`); None: each
        # record's own.
        self.notice_dates: NoticeDates | None = None
        # Each journal's and publisher's description, stated in a graph of its own (`periodical_graphs`).
        self.descriptions = Descriptions(base)
        # The triples describing a recurring journal, publisher or organization, made once: {key: (node, lines,
        # noted)}.
        self._described: dict[tuple[str, ...], tuple[Term, dict[str, None], dict[str, tuple[str, str, str]]]] = {}
        self._noting: frozenset[str] | None = None

    def note(self, predicates: Iterable[str]) -> None:
        """From now on, each `MappedRecord` carries its statements of these predicates (`MappedRecord.noted`)."""
        self._noting = frozenset(iri(p) for p in predicates)
        self._described.clear()  # blocks made before noted nothing

    def graph_iri(self, record: SourceRecord) -> str:
        """The named graph a record is stored in: by its key in the source, else by its notice and, for a notice
        without a DOI of its own, the PubMed Central or PubMed id it has (two such notices about one article, as a
        sidecar names them, are two records, not one written over the other)."""
        if record.record_key:
            return self.mint.graph(record.format, record.record_key)
        key, notice = self.mint.notice(record.notice, known=False), record.notice
        own = "" if notice.own_doi else notice.pmcid or notice.pmid
        return self.mint.graph(record.format, f"{key} {own}" if own else key)

    def map(self, record: SourceRecord, *, now: datetime | None = None) -> MappedRecord:
        graph = iri(self.graph_iri(record))
        g = _Graph(source_tag=hashlib.sha1(graph.value.encode()).hexdigest()[:8], noting=self._noting)
        notice_iri = iri(self.mint.notice(record.notice))
        self._notice(g, notice_iri, record.notice)
        try:
            lines = sorted(g.lines)
            content_hash = hashlib.sha256(ntriples_document(lines)).hexdigest()
            provenance = _Graph()
            self._provenance(provenance, graph, notice_iri, record, content_hash, now or datetime.now(UTC))
            # The same sorted lines with the graph put in, joined once more: a fifth of the cost of putting
            # the graph into the hashed document with bytes.replace.
            suffix = f" {graph} .\n"
            nquads = (suffix.join([*lines, *provenance.lines]) + suffix).encode()
        except UnicodeEncodeError as e:
            raise MappingError(f"text that is not valid Unicode: {e}") from e
        return MappedRecord(graph.value, notice_iri.value, content_hash, nquads, len(g.lines) + len(provenance.lines),
                            tuple(itertools.chain.from_iterable(g.noted.values())))

    # -- the notice -------------------------------------------------------------------------

    def _notice(self, g: _Graph, n: Term, notice: Notice) -> None:
        g.add(n, A, rkg.Notice)
        g.add(n, A, schema.ScholarlyArticle)
        for cls in _NOTICE_CLASSES[notice.nature]:
            g.add(n, A, rkg(cls))
        if notice.nature.retracts:
            g.add(n, A, fabio.RetractionNotice)
        g.add(n, rkg.nature, nature_term(notice.nature.value))
        if notice.nature_confidence is not None:
            g.add(n, rkg.natureConfidence, probability_literal(notice.nature_confidence))
        g.add(n, schema.name, notice.title)
        g.add(n, rdfs.label, notice_label(notice))
        if notice.date:
            g.add(n, schema.datePublished, date_literal(notice.date))
        self._identifiers(g, n, notice.own_doi, notice.pmid, notice.pmcid)  # some sources repeat the article's DOI
        if notice.url:
            g.add(n, schema.url, iri(notice.url))
        if notice.license:
            g.add(n, schema.license, iri(notice.license))
        g.add(n, schema.text, notice.text)
        g.add(n, schema.inLanguage, notice.language)
        g.add(n, rkg.note, notice.notes)
        if notice.paywalled is not None:
            g.add(n, rkg.paywalled, literal(str(notice.paywalled).lower(), BOOLEAN))
        for source, record_id in sorted(notice.record_ids.items()):
            g.add(n, rkg.recordId, f"{source}:{record_id}")
        for url in notice.coverage:
            g.add(n, schema.subjectOf, web_iri(url))
        journal = self._journal(g, notice.journal.name, notice.journal.issn, notice.journal.publisher)
        g.add(n, schema.isPartOf, journal)
        publisher = notice.publisher or notice.journal.publisher
        if publisher:
            g.add(n, schema.publisher, self._publisher(g, publisher))
        for role in notice.retracted_by:
            g.add(n, rkg.retractedBy, role_term(role.value))
        for role in notice.requested_by:
            g.add(n, rkg.requestedBy, role_term(role.value))
        for item in notice.affected_items:
            g.add(n, rkg.affectedItem, item)
        notice_orgs = [self._organization(g, org) for org in notice.organizations]
        # A signatory who is an author of the article is that author (`PeopleIndex.signatory`), not a second person.
        signed = self.mint.notice(notice, known=False) if notice.authors and self.people is not None else ""
        for person in notice.authors:
            author = self.people.signatory(signed, person) if signed else None
            g.add(n, schema.author, self._person(g, n.value, person, notice_orgs, known=author))
        for claim in notice.reasons:
            concept = reason_iri(claim.label)
            if concept is None:
                raise MappingError(f"not a Retraction Watch reason: {claim.label!r}")
            concept_node = _concept(concept)
            # A tentative reason (below the precision-first threshold) is offered, not asserted: plain
            # queries of rkg:reason see only the reasons the reader is sure enough of.
            g.add(n, rkg.possibleReason if claim.tentative else rkg.reason, concept_node)
            if not claim.evidence and claim.confidence is None:
                # Nothing to say beyond rkg:reason (a curated database's labels): an annotation would
                # only repeat it, in seven triples per reason of every row of a Retraction Watch export.
                continue
            assignment = iri(f"{n.value}#reason-{concept.rsplit('/', 1)[-1]}-{g.source_tag}")
            g.add(n, rkg.reasonAssignment, assignment)
            g.add(assignment, A, rkg.ReasonAssignment)
            g.add(assignment, A, oa.Annotation)
            g.add(assignment, oa.motivatedBy, oa.classifying)
            g.add(assignment, oa.hasBody, concept_node)
            if claim.confidence is not None:
                g.add(assignment, rkg.confidence, probability_literal(claim.confidence))
            if claim.tentative:
                g.add(assignment, rkg.tentative, literal("true", BOOLEAN))
            if not claim.evidence:
                g.add(assignment, oa.hasTarget, n)  # a confidence about the notice as a whole
            for i, span in enumerate(claim.evidence, 1):
                g.add(assignment, oa.hasTarget, self._quote(g, n, f"{assignment.value}-{i}", span, notice.text))
        authors: list[Term] = []  # of its articles, for the `rkg:articleAuthor` shortcut
        for index, article in enumerate(notice.articles):
            a = self._article(g, article, authors)
            self._link(g, n, a, notice.nature)
            for position, person in enumerate(article.authors, 1):
                if person.stance is None:
                    continue
                stance = iri(f"{n.value}#stance-{index + 1}-{position}-{g.source_tag}")
                g.add(n, rkg.authorStance, stance)
                g.add(stance, A, rkg.AuthorStance)
                g.add(stance, rkg.agent, self._person_iri(a.value, article, person))
                g.add(stance, rkg.stanceValue, stance_term(person.stance.value))
                if person.stance_evidence:
                    g.add(stance, rkg.evidence,
                          self._quote(g, n, f"{stance.value}-evidence", person.stance_evidence, notice.text))
        self._shortcuts(g, n, notice, authors)

    def _shortcuts(self, g: _Graph, n: Term, notice: Notice, authors: list[Term]) -> None:
        """What the notice reaches by longer paths in this record, stated on it once more (ontology/retractkg.ttl
        says which path each shortcut stands for): counting notices per year, journal, publisher, country,
        subject or author then reads one triple a notice, with no property path, type join or date cast."""
        date = self.notice_dates.date(n.value, notice.date) if self.notice_dates is not None else notice.date
        if date:  # the notice's one date's, whatever its records give (its own stays its schema:datePublished)
            year = int(date.strip()[:4])
            g.add(n, rkg.year, integer_literal(year))
            # Year and nature as one value: counting notices per year and nature then reads one triple a
            # notice, not a join of two (which Oxigraph makes per record restating the notice).
            g.add(n, rkg.yearNature, f"{year} {notice.nature.value}")
        # A journal's publishers as this record states them: the notice's own journal may be the article's
        # (one IRI) and name the publisher that the article's citation leaves out.
        publishers: dict[Term, list[Term]] = {}
        for journal in (notice.journal, *(article.journal for article in notice.articles)):
            if journal.name or journal.issn:
                found = publishers.setdefault(self._journal(g, journal.name, journal.issn, journal.publisher), [])
                if journal.publisher:
                    found.append(self._publisher(g, journal.publisher))
        for article in notice.articles:
            journal = article.journal
            if journal.name or journal.issn:
                j = self._journal(g, journal.name, journal.issn, journal.publisher)
                g.add(n, rkg.articleJournal, j)
                for publisher in publishers[j]:
                    g.add(n, rkg.articlePublisher, publisher)
            for country in article.countries:
                g.add(n, rkg.articleCountry, country)
            for subject in article.subjects:
                g.add(n, rkg.articleSubject, subject)
        for person in authors:
            g.add(n, rkg.articleAuthor, person)

    def _link(self, g: _Graph, n: Term, a: Term, nature: Nature) -> None:
        g.add(n, cito.updates, a)
        g.add(a, cito.isUpdatedBy, n)
        if nature.retracts:
            g.add(n, cito.retracts, a)
            g.add(a, cito.isRetractedBy, n)
        elif nature is Nature.CORRECTION:
            g.add(n, cito.corrects, a)
            g.add(a, cito.isCorrectedBy, n)
        elif nature is Nature.EXPRESSION_OF_CONCERN:
            g.add(n, rkg.expressesConcernAbout, a)
        elif nature is Nature.REINSTATEMENT:
            g.add(n, rkg.reinstates, a)

    def _quote(self, g: _Graph, source: Term, target_iri: str, span: Span, text: str) -> Term:
        """A Web Annotation target: the notice text, selected by quote and by position."""
        if text and text[span.start:span.end] != span.exact:
            raise MappingError(f"evidence offsets {span.start}-{span.end} do not select {span.exact!r}")
        target = iri(target_iri)
        g.add(target, A, oa.SpecificResource)
        g.add(target, oa.hasSource, source)
        selector = iri(target_iri + "-quote")
        g.add(target, oa.hasSelector, selector)
        g.add(selector, A, oa.TextQuoteSelector)
        g.add(selector, oa.exact, span.exact)
        if text:
            g.add(selector, oa.prefix, text[max(0, span.start - 32):span.start])
            g.add(selector, oa.suffix, text[span.end:span.end + 32])
        position = iri(target_iri + "-position")
        g.add(target, oa.hasSelector, position)
        g.add(position, A, oa.TextPositionSelector)
        g.add(position, oa.start, literal(str(span.start), INTEGER))
        g.add(position, oa.end, literal(str(span.end), INTEGER))
        return target

    # -- the article and its parts -----------------------------------------------------------

    def _article(self, g: _Graph, article: Article, authors: list[Term]) -> Term:
        """The article's triples; its authors' nodes are appended to `authors`."""
        a = iri(self.mint.article(article))
        g.add(a, A, rkg.Article)
        g.add(a, A, schema.ScholarlyArticle)
        if article.journal.name or article.journal.issn:
            g.add(a, A, fabio.JournalArticle)
        g.add(a, schema.name, article.title)
        if article.work:  # one of the works records give a shared DOI (`retractkg.ingest.shared_dois`)
            g.add(a, rkg.doi, article.doi)
            g.add(a, schema.isPartOf, self._shared_doi(g, a, article.doi))
        self._identifiers(g, a, "" if article.work else article.doi, article.pmid, article.pmcid)
        if article.url:
            g.add(a, schema.url, iri(article.url))
        if article.date or article.year:
            g.add(a, schema.datePublished, date_literal(article.date or article.year))
        g.add(a, schema.pagination, article.pages)
        if "-" in article.pages:
            start, end = article.pages.split("-", 1)
            g.add(a, schema.pageStart, start.strip())
            g.add(a, schema.pageEnd, end.strip())
        g.add(a, rkg.articleNumber, article.article_number)
        for genre in article.article_type.split(";"):
            g.add(a, schema.genre, genre.strip())
        g.add(a, rkg.citation, article.citation)
        for subject in article.subjects:
            g.add(a, schema.keywords, subject)
        for country in article.countries:  # a name as written; schema.org accepts text for a Country
            g.add(a, schema.countryOfOrigin, country)
        g.add(a, schema.isPartOf, self._container(g, article))
        orgs = [self._organization(g, org) for org in article.organizations]
        linked = {index for person in article.authors for index in person.affiliations}
        for index, org in enumerate(orgs):
            if index not in linked:  # the source lists affiliations without saying whose they are
                g.add(a, schema.sourceOrganization, org)
        position = 0
        article_iri = a.value
        for person in article.authors:
            p = self._person(g, article_iri, person, orgs, article)
            g.add(a, schema.author, p)
            authors.append(p)
            if not person.in_byline:
                continue
            position += 1
            authorship = _fragment(article_iri, f"author-{position}")
            g.add(a, rkg.authorship, authorship)  # an rkg:Authorship by the property's range: not stated, as
            # it would be one quad in twelve of a Retraction Watch export
            g.add(authorship, rkg.agent, p)
            g.add(authorship, rkg.position, integer_literal(position))
            if person.corresponding:
                g.add(authorship, rkg.isCorresponding, literal("true", BOOLEAN))
        return a

    def _shared_doi(self, g: _Graph, work: Term, doi: str) -> Term:
        """The resource of a DOI several works share: it keeps the DOI's `schema:sameAs`, so a DOI lookup finds
        it and the works it lists (`schema:hasPart`), not one of them."""
        shared = iri(self.mint.article(Article(doi=doi)))
        g.add(shared, A, schema.CreativeWork)
        g.add(shared, rdfs.label, literal(_label_words()["_shared_doi"].format(doi=doi.lower())))
        self._identifiers(g, shared, doi, "", "")
        g.add(shared, schema.hasPart, work)
        return shared

    def _identifiers(self, g: _Graph, node: Term, doi: str, pmid: str, pmcid: str) -> None:
        if doi:
            g.add(node, schema.sameAs, doi_iri(doi))
            g.add(node, rkg.doi, doi.lower())
        if pmid:
            g.add(node, schema.sameAs, iri(f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"))
            g.add(node, rkg.pmid, pmid)
        if pmcid:
            pmcid = pmcid.upper()
            g.add(node, schema.sameAs, iri(f"https://www.ncbi.nlm.nih.gov/pmc/articles/{pmcid}/"))
            g.add(node, rkg.pmcid, pmcid)

    def _container(self, g: _Graph, article: Article) -> Term | None:
        """The innermost of issue, volume and journal that is known; each is part of the next."""
        journal = article.journal
        if not (journal.name or journal.issn):
            return None
        container = self._journal(g, journal.name, journal.issn, journal.publisher)
        if article.volume:
            volume = iri(f"{container.value}/volume/{_path_safe(article.volume)}")
            g.add(volume, A, schema.PublicationVolume)
            g.add(volume, schema.volumeNumber, article.volume)
            g.add(volume, schema.isPartOf, container)
            container = volume
        if article.issue:
            issue = iri(f"{container.value}/issue/{_path_safe(article.issue)}")
            g.add(issue, A, schema.PublicationIssue)
            g.add(issue, schema.issueNumber, article.issue)
            g.add(issue, schema.isPartOf, container)
            container = issue
        return container

    def _recurring(self, g: _Graph, key: tuple[str, ...], describe: Callable[[_Graph], Term]) -> Term:
        """A journal, publisher or organization that recurs across records: the triples `describe` adds are
        made once and copied into each record's graph (an organization is eight calls of `add` otherwise)."""
        found = self._described.get(key)
        if found is None:
            block = _Graph(noting=self._noting)
            if len(self._described) >= RECENT:
                self._described.clear()
            found = self._described[key] = (describe(block), block.lines, block.noted)
        g.lines.update(found[1])
        if found[2]:
            g.noted.update(found[2])
        return found[0]

    def _journal(self, g: _Graph, name: str, issn: list[str], publisher: str) -> Term | None:
        if not (name or issn):
            return None
        return self._recurring(g, ("journal", name, publisher, *issn),
                               lambda block: self._describe_journal(block, name, issn, publisher))

    def _describe_journal(self, g: _Graph, name: str, issn: list[str], publisher: str) -> Term:
        """The journal's IRI; its description (names, ISSNs, publishers) is noted for the graph of its own
        (`retractkg.ingest.periodical_graphs`), not stated in the record's."""
        if self.periodicals is not None:
            journal, known_as = self.periodicals.journal(name, issn)
        else:
            journal, known_as = self.mint.journal(name, issn), name
        j = iri(journal)
        publisher_iri = self._publisher(g, publisher).value if publisher else ""
        self.descriptions.journal(journal, known_as, name, [normalize_issn(number) or number for number in issn],
                                  publisher_iri)
        return j

    def _publisher(self, g: _Graph, name: str) -> Term:
        return self._recurring(g, ("publisher", name), lambda block: self._describe_publisher(block, name))

    def _describe_publisher(self, g: _Graph, name: str) -> Term:
        if self.periodicals is not None:
            publisher, known_as = self.periodicals.publisher(name)
        else:
            publisher, known_as = self.mint.publisher(name), name
        parent = publisher_parent(name)  # an imprint's, written "Parent - Imprint"
        self.descriptions.publisher(publisher, known_as, name, self._publisher(g, parent).value if parent else "")
        return iri(publisher)

    def _person_iri(self, article_iri: str, article: Article | None, person: Person) -> Term:
        """By ORCID; else the person the run's evidence joins this mention to; else this article's."""
        if person.orcid:
            return iri(self.mint.person(article_iri, person.name, person.orcid))
        joined = self.people.iri(article, person) if self.people is not None and article is not None else None
        return _minted(joined or self.mint.person(article_iri, person.name))

    def _person(self, g: _Graph, article_iri: str, person: Person, orgs: list[Term] | None = None,
                article: Article | None = None, *, known: str | None = None) -> Term:
        p = _minted(known) if known else self._person_iri(article_iri, article, person)
        g.add(p, A, schema.Person)
        g.add(p, schema.name, person.name)
        if person.given_name or person.family_name or person.email:  # most sources give a name only
            g.add(p, schema.givenName, person.given_name)
            g.add(p, schema.familyName, person.family_name)
            g.add(p, schema.email, person.email)
        if person.orcid:
            g.add(p, schema.sameAs, iri(f"https://orcid.org/{person.orcid}"))
        for index in person.affiliations:
            if orgs is None or not 0 <= index < len(orgs):
                raise MappingError(f"{person.name}: affiliation index {index} has no organization")
            g.add(p, schema.affiliation, orgs[index])
        return p

    def _organization(self, g: _Graph, org: Organization) -> Term:
        key = ("org", org.name, org.label, org.street, org.locality, org.region, org.postal_code, org.country, org.ror)
        return self._recurring(g, key, lambda block: self._describe_organization(block, org))

    def _describe_organization(self, g: _Graph, org: Organization) -> Term:
        o = iri(self.mint.organization(org.name or org.label, org.country, org.ror))
        g.add(o, A, schema.Organization)
        g.add(o, schema.name, org.name)
        if org.label and fold(org.label) != fold(org.name):
            g.add(o, rkg.affiliationString, org.label)
        if org.ror:
            g.add(o, schema.sameAs, iri(f"https://ror.org/{org.ror}"))
        if any((org.street, org.locality, org.region, org.postal_code, org.country)):
            address = iri(o.value + "#address")
            g.add(o, schema.address, address)
            g.add(address, A, schema.PostalAddress)
            g.add(address, schema.streetAddress, org.street)
            g.add(address, schema.addressLocality, org.locality)
            g.add(address, schema.addressRegion, org.region)
            g.add(address, schema.postalCode, org.postal_code)
            g.add(address, schema.addressCountry, org.country)
        return o

    # -- provenance ---------------------------------------------------------------------------

    def _provenance(self, g: _Graph, graph: Term, notice: Term, record: SourceRecord,
                    content_hash: str, now: datetime) -> None:
        g.add(graph, A, rkg.SourceRecord)
        g.add(graph, A, prov.Entity)
        g.add(graph, rkg.describes, notice)
        g.add(graph, rkg.contentHash, content_hash)
        g.add(graph, rkg.sourceFormat, record.format)
        g.add(graph, rkg.recordKey, record.record_key)
        if _URL.match(record.source):
            g.add(graph, prov.wasDerivedFrom, iri(record.source))
        else:  # a file: its name under the folder given, not the ingesting machine's path
            g.add(graph, rkg.sourceFile, record.source_name or Path(record.source).name)
            url = record_url(record.format, record.record_key)
            if url:
                g.add(graph, prov.wasDerivedFrom, web_iri(url))
        g.add(graph, prov.generatedAtTime, literal(now.isoformat(timespec="seconds"), DATETIME))
        # The software and its version, on the graph itself: an ingest activity node per record would
        # only repeat the source (prov:used) and the time, in three more quads a record.
        g.add(graph, prov.wasAttributedTo, SOFTWARE)
        g.add(graph, rkg.softwareVersion, __version__)


def web_iri(url: str) -> Term:
    """An IRI for a URL as a source wrote it: characters an IRI cannot hold are percent-encoded."""
    url = url.strip()
    try:
        return recurring_iri(url)  # a news post or database page is cited by many notices
    except MappingError:
        return iri(quote(url, safe=":/?#@!$&'()*+,;=%~"))


def _minted(value: str) -> Term:
    """An IRI minted from parts that cannot make it invalid, such as a hash under the checked base: half a
    million author nodes in a full export need no check each."""
    return Term(f"<{value}>")


def _fragment(resource: str, local: str) -> Term:
    """`{resource}#{local}`, a node described in the resource's document. Valid as it is when the resource's
    IRI has no fragment of its own; under a base ending in "#" it has one, and the check refuses it."""
    value = f"{resource}#{local}"
    return iri(value) if "#" in resource else _minted(value)


@cache
def _concept(concept: str) -> Term:
    return iri(concept)


_URL = re.compile(r"^[a-z][a-z0-9+.-]*:[^ ]*$", re.I)
_DATA = Path(__file__).resolve().parent


@cache
def _label_words() -> dict:
    return json.loads((_DATA / "notice_labels.json").read_text(encoding="utf-8"))


def notice_label(notice: Notice) -> str:
    """A notice's human label (`notice_labels.json`): its nature, then what it is about ("Retraction of: ‹title›"),
    so that no page, list or feed shows a notice by an IRI segment or a hash."""
    words = _label_words()
    prefix = words[notice.nature.value]
    about = [a.title or a.citation or a.doi or a.known_doi or (a.pmid and f"PMID {a.pmid}") or a.pmcid
             for a in notice.articles]
    about = [" ".join(text.split()) for text in about if text]
    if not about:
        title = " ".join(notice.title.split())
        if title:  # a notice naming no article: its title, which mostly says what it is, else after the nature
            said = fold(title).startswith(tuple(words["_titles_that_say_what_they_are"]))
            return title if said else prefix + title
        # What tells such notices apart: their journal, identifier and date, else the words they open with.
        identifier = notice.own_doi or (notice.pmid and f"PMID {notice.pmid}") or notice.pmcid
        told = [" ".join(part.split()) for part in (notice.journal.name, identifier, notice.date) if part]
        if not told and notice.text.strip():
            opening, count = notice.text.split(), words["_opening_words"]
            told = [f"“{' '.join(opening[:count])}{'…' if len(opening) > count else ''}”"]
        return words["_no_article"].format(prefix=prefix, identifier=", ".join(told)).replace(" ()", "")
    more = words["_more_articles"].format(count=len(about) - 1) if len(about) > 1 else ""
    return prefix + about[0] + more


def _path_safe(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", value.strip()) or "x"


