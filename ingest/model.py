"""The one notice model every source parser returns and the RDF mapping consumes.

Parsers fill in what their source states and leave the rest empty; they never mint IRIs or
touch RDF (that is `retractkg.ingest.mapping`'s job), so every source lands in the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from pyoxigraph import NamedNode, RdfFormat, parse

from retractkg.ontology import NATURE, SCHEMES_FILE, SKOS


class Nature(StrEnum):
    """What a notice does to the article, aligned with Retraction Watch natures and Crossref update types."""

    RETRACTION = "retraction"
    PARTIAL_RETRACTION = "partial-retraction"
    WITHDRAWAL = "withdrawal"
    REMOVAL = "removal"
    EXPRESSION_OF_CONCERN = "expression-of-concern"
    CORRECTION = "correction"
    REINSTATEMENT = "reinstatement"
    UNCLASSIFIED = "unclassified"

    @property
    def retracts(self) -> bool:
        """Only retraction and the natures the nature scheme puts under it (`ontology/schemes.ttl`,
        skos:narrower) take the article out of the record, and so yield `cito:retracts`."""
        return self in _RETRACTING


def _retracting() -> frozenset[Nature]:
    """Retraction and its narrower natures, as the nature scheme states them (read once, at import)."""
    retraction = NamedNode(NATURE + Nature.RETRACTION.value)
    with SCHEMES_FILE.open("rb") as f:
        narrower = {t.object.value[len(NATURE):] for t in parse(f, RdfFormat.TURTLE)
                    if t.subject == retraction and t.predicate.value == SKOS + "narrower"}
    return frozenset({Nature.RETRACTION, *(Nature(value) for value in narrower)})


_RETRACTING = _retracting()


class Stance(StrEnum):
    """An author's stated position on the notice."""

    AGREES = "agrees"
    DISAGREES = "disagrees"
    NO_RESPONSE = "no-response"
    UNREACHABLE = "unreachable"
    DECEASED = "deceased"


class Role(StrEnum):
    """Who retracted (or asked for) the retraction, as notices name them."""

    EDITOR = "editor"
    EDITOR_IN_CHIEF = "editor-in-chief"
    EDITORIAL_BOARD = "editorial-board"
    PUBLISHER = "publisher"
    JOURNAL = "journal"
    AUTHORS = "authors"
    INSTITUTION = "institution"
    THIRD_PARTY = "third-party"


@dataclass(frozen=True)
class Span:
    """A quote of the notice text with its character offsets (`text[start:end] == exact`)."""

    start: int
    end: int
    exact: str


@dataclass
class Organization:
    """An affiliation as written; `name` is the organisation part, the address split out where stated."""

    name: str
    label: str = ""  # the whole affiliation string as written, if it differs from name
    street: str = ""
    locality: str = ""  # city
    region: str = ""
    postal_code: str = ""
    country: str = ""
    ror: str = ""  # bare ROR id, e.g. "05t99sp05"
    marker: str = ""  # the superscript marker in the source ("1", "2"), used only while parsing


@dataclass
class Person:
    name: str
    given_name: str = ""
    family_name: str = ""
    orcid: str = ""  # bare ORCID iD, e.g. "0000-0002-1825-0097"
    email: str = ""
    corresponding: bool = False
    affiliations: list[int] = field(default_factory=list)  # indexes into Article.organizations
    stance: Stance | None = None
    stance_evidence: Span | None = None
    # False for a person the source names (e.g. in a stance sentence) without giving the byline:
    # such a person is an author of the article but has no known position in its author order.
    in_byline: bool = True


@dataclass
class Journal:
    name: str = ""
    issn: list[str] = field(default_factory=list)
    publisher: str = ""


@dataclass
class Article:
    """The work a notice is about."""

    title: str = ""
    doi: str = ""  # bare, lower-cased: "10.1186/s12951-022-01520-8"
    pmid: str = ""
    pmcid: str = ""  # "PMC1234567"
    url: str = ""
    journal: Journal = field(default_factory=Journal)
    year: str = ""
    date: str = ""  # ISO 8601, possibly only "YYYY" or "YYYY-MM"
    volume: str = ""
    issue: str = ""
    pages: str = ""  # "903-912"
    article_number: str = ""  # e-locator such as "313" or "e0278502"
    article_type: str = ""  # as the source says, e.g. "Research Article"; several ";"-separated
    subjects: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # of the authors' affiliations, when not tied to one
    authors: list[Person] = field(default_factory=list)  # in byline order
    organizations: list[Organization] = field(default_factory=list)
    citation: str = ""  # the citation as written in the notice
    # The DOI other records give an article this record names by PMID or PMCID alone: it keys the
    # article's IRI (so every source meets on one resource) but is not stated as this record's.
    known_doi: str = ""
    # What keys an article its notice names by nothing else ("this article", with its authors' stances):
    # the notice itself, so the article is the one this notice is about and no other notice's.
    known_by_notice: str = ""
    # Which work this is under a DOI that records give to works of different titles and authors (a
    # conference supplement's DOI given to each of its abstracts): its folded title's hash, keying its own
    # IRI under the DOI's (`retractkg.ingest.shared_dois`); "" for an article that is its DOI's resource.
    work: str = ""


@dataclass
class ReasonClaim:
    """One reason assigned to a notice: the label is the Retraction Watch wording (either edition)."""

    label: str
    evidence: list[Span] = field(default_factory=list)
    confidence: float | None = None
    # Read from text with a confidence below the precision-first threshold: kept, with its evidence, as a
    # possible reason (rkg:possibleReason, rkg:tentative), never asserted as rkg:reason.
    tentative: bool = False
    # Stated only under a hedge ("the authors may have made an error"): a possible reason whatever its confidence.
    hedged: bool = False
    # The reason found that a Retraction Watch definition makes this one follow from (reason_rules.toml's
    # [[implication]]): this one is no surer than that one (`calibration.Calibration.apply`).
    implied_by: str | None = None


@dataclass
class Notice:
    """A retraction notice (or expression of concern, correction, ...) and everything it states."""

    title: str = ""
    doi: str = ""
    pmid: str = ""
    pmcid: str = ""
    url: str = ""
    nature: Nature = Nature.UNCLASSIFIED
    nature_confidence: float | None = None
    date: str = ""  # ISO 8601, possibly only "YYYY" or "YYYY-MM"
    journal: Journal = field(default_factory=Journal)
    publisher: str = ""
    license: str = ""  # an IRI
    text: str = ""  # the notice's body as ingested; evidence offsets point into it
    language: str = ""
    articles: list[Article] = field(default_factory=list)
    retracted_by: list[Role] = field(default_factory=list)
    requested_by: list[Role] = field(default_factory=list)
    reasons: list[ReasonClaim] = field(default_factory=list)
    affected_items: list[str] = field(default_factory=list)  # "Fig. 3m", "Table 2", "Supplementary Fig. S1"
    authors: list[Person] = field(default_factory=list)  # the notice's own signatories, if any
    organizations: list[Organization] = field(default_factory=list)  # their affiliations (Person.affiliations)
    notes: str = ""
    paywalled: bool | None = None
    record_ids: dict[str, str] = field(default_factory=dict)  # e.g. {"retraction-watch": "51234"}
    coverage: list[str] = field(default_factory=list)  # URLs of reports about it (Retraction Watch posts)
    # The notice's own DOI as other records give it, for a record that names the notice by its article
    # alone (the only notice of its kind about that article with a DOI): it keys the notice's IRI only,
    # as `Article.known_doi` does an article's.
    known_doi: str = ""

    @property
    def own_doi(self) -> str:
        """The notice's DOI, unless the source merely repeats its article's DOI there (some exports do)."""
        return self.doi if self.doi and all(a.doi != self.doi for a in self.articles) else ""


@dataclass
class SourceRecord:
    """One record of one source, as parsed: the unit that becomes one named graph."""

    notice: Notice
    source: str  # file path or URL the record came from
    format: str  # e.g. "text", "pdf", "html", "retraction-watch-csv", "jats", "pubmed", "crossref"
    record_key: str = ""  # identifies the record within the source (row id, PMID); "" for one-record files
    location: str = ""  # where in the source, for error messages ("line 42")
    warnings: list[str] = field(default_factory=list)  # what the parser could not read but went on without
    # The file's name relative to the folder given to ingest (its own name for a file given alone): what
    # the graph says it came from, since the local path would publish the ingesting machine's layout.
    source_name: str = ""


# Long by nature, and bounded as a whole by the record limit: a notice's body text and quotes from it.
_UNBOUNDED = {"text", "exact"}


def oversized_value(notice: Notice, limit: int) -> str:
    """What is wrong with the first text value longer than `limit` characters ("" if none is).

    A title, a name or a cell of 50 MB is damage, not data: it is an error for its record, so no
    reader can store it (or spend the memory of mapping it) whatever the source. Called for every
    record, so it walks the model's attributes in one loop rather than one call per value.
    """
    pending: list[tuple[str, object]] = [("notice", notice)]
    while pending:
        path, value = pending.pop()
        for name, item in vars(value).items():
            kind = type(item)
            if kind is str:
                if len(item) > limit and name not in _UNBOUNDED:
                    return f"{path}.{name} is {len(item):,} characters long, above the limit of {limit:,} " \
                           "(RETRACTKG_MAX_FIELD_CHARS)"
            elif kind is list:
                for number, element in enumerate(item):
                    if type(element) is str:
                        if len(element) > limit:
                            return f"{path}.{name}[{number}] is {len(element):,} characters long, above the " \
                                   f"limit of {limit:,} (RETRACTKG_MAX_FIELD_CHARS)"
                    elif hasattr(element, "__dataclass_fields__"):
                        pending.append((f"{path}.{name}[{number}]", element))
            elif hasattr(item, "__dataclass_fields__"):
                pending.append((f"{path}.{name}", item))
    return ""
