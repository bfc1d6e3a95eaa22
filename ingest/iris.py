"""Deterministic IRIs for the data: the same thing described by any source gets the same IRI.

Layout under the configured base (303 Cool-URI style, see README "IRIs"):
  id/article/{doi}            an article with a DOI (DOI lower-cased, kept readable)
  id/article/{doi}/work/{hash}  one of the works records give a shared DOI (a supplement's), by title
  id/article/pmid/{pmid}      ... else by PMID, PMCID, or a hash of its citation
  id/notice/{doi}             a retraction with a DOI of its own (two notices about one article stay two);
  id/notice/{kind}/{doi}      ... another kind of notice (concern, correction, reinstatement, notice)
  id/notice/{kind}/{article-key}   a notice without one, about one identified article, unless other
                              records give the only notice of its kind about that article a DOI
  id/journal/issn/{issn}      a journal with an ISSN, by its smallest; id/journal/{hash} one known by name only
  id/person/{hash}, id/org/{hash}, id/publisher/{hash}
  graph/{format}/{hash}       the named graph of one source record
Nodes that only exist inside one resource (authorships, evidence) are hash IRIs of that resource.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from urllib.parse import quote

from retractkg.ingest.model import Article, Nature, Notice
from retractkg.ingest.reading.lexicon import legal_forms, publishers
from retractkg.ontology.identifiers import RECENT, normalize_issn, notice_text_hash, stable_hash

# Defined with the shared identifiers; named here too for code that still imports them from iris.
from retractkg.ontology.identifiers import fold as fold  # noqa: E402
from retractkg.ontology.identifiers import normalize_doi as normalize_doi  # noqa: E402
from retractkg.ontology.identifiers import normalize_orcid as normalize_orcid  # noqa: E402

_DOI_SAFE = "/:;()@!$&'*+,=-._~"
_DOI_PLAIN = re.compile(r"[A-Za-z0-9/:;()@!$&'*+,=._~-]*")  # what `quote(..., safe=_DOI_SAFE)` leaves as it is

# Natures that describe the same event from different sources share a notice IRI: every retracting
# nature (`Nature.retracts`) is a "retraction" notice.
_NOTICE_KIND = {
    **{nature: "retraction" for nature in Nature if nature.retracts},
    Nature.EXPRESSION_OF_CONCERN: "concern",
    Nature.CORRECTION: "correction",
    Nature.REINSTATEMENT: "reinstatement",
    Nature.UNCLASSIFIED: "notice",
}


# The natures each notice kind covers (the inverse of `_NOTICE_KIND`).
NOTICE_NATURES: dict[str, list[Nature]] = {}
for _nature, _kind in _NOTICE_KIND.items():
    NOTICE_NATURES.setdefault(_kind, []).append(_nature)


@lru_cache(maxsize=RECENT)
def name_key(name: str) -> str:
    """A journal's, publisher's or organization's name as compared: `fold`ed, "&" read as "and", a leading
    "The" dropped ("The Lancet" and "Lancet", "Taylor & Francis" and "Taylor and Francis" are one), and an
    abbreviation the name gives of itself dropped ("PNAS: Proceedings of the National Academy of Sciences …",
    "Proceedings of the National Academy of Sciences … (PNAS)" and the name alone are one)."""
    folded = fold(_without_own_abbreviation(name).replace("&", " and "))
    return folded[4:] if folded.startswith("the ") else folded


# An abbreviation in capitals, written before a colon or in brackets: "JAMA: Journal of …", "… Medicine (JCMM)".
_OWN_ABBREVIATION = re.compile(r"^(?P<lead>[A-Z][A-Z&]{1,9}):\s+|\s*\((?P<inner>[A-Z][A-Z&]{1,9})\)")


def _without_own_abbreviation(name: str) -> str:
    """`name` without the abbreviations of itself that it carries: each one's letters are initials of the name's
    words, in order, the first the first word's (after "The"), so "(BBA)" goes from "Biochimica et Biophysica
    Acta (BBA)" but "(ISOBM)" stays in "Tumor Biology … Official Journal of the International Society …"."""
    for match in reversed(list(_OWN_ABBREVIATION.finditer(name))):
        rest = name[:match.start()] + " " + name[match.end():]
        if _initials_of(match.group("lead") or match.group("inner"), rest):
            name = rest.strip()
    return name


def _initials_of(abbreviation: str, name: str) -> bool:
    initials = [word[0] for word in fold(name).split()]
    if initials[:1] == ["t"] and len(initials) > 1:
        initials = initials[1:]  # "The Quarterly Journal of Experimental Psychology (QJEP)"
    letters = [c for c in abbreviation.lower() if c.isalpha()]
    if not initials or not letters or letters[0] != initials[0]:
        return False
    remaining = iter(initials[1:])
    return all(letter in remaining for letter in letters[1:])  # a subsequence: "of", "the", "and" skipped


@lru_cache(maxsize=RECENT)
def name_hash(name: str, *qualifiers: str) -> str:
    """`stable_hash` of a name's `name_key` (with qualifiers such as a country), remembered for recent names."""
    return stable_hash(name_key(name), *qualifiers)


@cache
def _legal_form() -> re.Pattern[str]:
    """Trailing legal-form words (`lexicon/legal_forms.txt`) of a `name_key`, however many follow one another."""
    forms = sorted({name_key(form) for form in legal_forms()}, key=len, reverse=True)
    alternatives = "|".join(map(re.escape, forms))
    return re.compile(rf"(?: (?:{alternatives}))+$")


@lru_cache(maxsize=RECENT)
def publisher_key(name: str) -> str:
    """A publisher's name as compared: its `name_key` without a trailing legal form ("Hindawi Limited", "MDPI AG"
    and "Elsevier B.V." are "hindawi", "mdpi" and "elsevier"), unless that is all the name is."""
    key = name_key(name)
    return _legal_form().sub("", key) or key


@cache
def _curated_publishers() -> dict[str, str]:
    return {publisher_key(spelling): p.name for p in publishers() for spelling in (p.name, *p.spellings)}


IMPRINT_SEPARATOR = " - "  # "Parent - Imprint", as Retraction Watch writes an imprint (`lexicon/publishers.tsv`)


def _imprint(name: str) -> tuple[str, str]:
    """(parent as written, imprint's curated name) of a name written "Parent - Imprint" whose imprint the curated
    list names and whose whole it does not; ("", "") otherwise."""
    parent, separator, imprint = name.partition(IMPRINT_SEPARATOR)
    if not separator or not parent.strip():
        return "", ""
    curated = _curated_publishers()
    found = curated.get(publisher_key(imprint))
    if found is None or publisher_key(name) in curated:
        return "", ""
    return parent.strip(), found


def publisher_name(name: str) -> str:
    """The name the curated publisher list (`lexicon/publishers.tsv`) gives a spelling of it ("PLoS": "Public
    Library of Science") or, written "Parent - Imprint", of its imprint ("Springer - Biomed Central (BMC)":
    "BioMed Central"), else the name as given: the spellings of one publisher are one publisher."""
    curated = _curated_publishers().get(publisher_key(name))
    return curated if curated is not None else (_imprint(name)[1] or name)


def publisher_parent(name: str) -> str:
    """The parent a publisher name written "Parent - Imprint" gives its imprint, as written ("Springer"), else ""."""
    return _imprint(name)[0]


def doi_path(doi: str) -> str:
    """A DOI as an IRI path: characters an IRI cannot hold (a few old DOIs have "<", ">" or "#") are
    percent-encoded. Nearly every DOI has none, which one match tells for a fraction of `quote`'s cost."""
    return doi if _DOI_PLAIN.fullmatch(doi) else quote(doi, safe=_DOI_SAFE)


def article_key(article: Article, *, known: bool = True) -> str:
    """The path that identifies an article: its DOI if any (or, with `known`, the DOI other records give
    it, and under a DOI several works share the work's title hash: a graph's IRI must not depend on either),
    else PMID, PMCID, or its citation."""
    doi = article.doi or (article.known_doi if known else "")
    if doi:
        return f"{doi_path(doi)}/work/{article.work}" if article.work and known else doi_path(doi)
    if article.pmid:
        return f"pmid/{article.pmid}"
    if article.pmcid:
        return f"pmc/{article.pmcid.upper()}"
    citation = [article.journal.name, article.date or article.year, article.volume, article.issue,
                article.pages or article.article_number]
    if not any(citation[1:]):
        citation = [article.title or article.citation or article.known_by_notice]
    return "h/" + stable_hash(*citation)


def notice_of(notice: Notice, *, known: bool = True) -> str:
    """`{kind}/{article key}`: what names a notice about one article when it has no DOI of its own."""
    return f"{_NOTICE_KIND[notice.nature]}/{article_key(notice.articles[0], known=known)}"


class Minter:
    """Mints every data IRI under one base; the vocabulary's IRIs are fixed in `retractkg.ontology`."""

    def __init__(self, base: str) -> None:
        self.base = base

    def article(self, article: Article) -> str:
        return f"{self.base}id/article/{article_key(article)}"

    def notice(self, notice: Notice, *, known: bool = True) -> str:
        """A notice with a DOI of its own is that DOI's resource, so two notices about one article stay two;
        one named by its article alone takes the DOI other records give the only notice of its kind about
        that article (`known`; `known=False` ignores them: a graph's IRI must not depend on them), else the
        kind and article, so sources with and without the notice's DOI meet on one resource."""
        doi = notice.own_doi or (notice.known_doi if known else "")
        if doi:  # a retraction is its DOI's; other kinds say theirs (sources give one DOI to two kinds of notice)
            kind = _NOTICE_KIND[notice.nature]
            return f"{self.base}id/notice/{'' if kind == 'retraction' else kind + '/'}{doi_path(doi)}"
        if len(notice.articles) == 1:
            return f"{self.base}id/notice/{notice_of(notice, known=known)}"
        if notice.pmid:
            return f"{self.base}id/notice/pmid/{notice.pmid}"
        return f"{self.base}id/notice/h/{notice_text_hash(notice)}"

    def person(self, article_iri: str, name: str, orcid: str = "") -> str:
        # Without an ORCID a name only identifies a person within one article's byline.
        if orcid:
            return f"{self.base}id/person/orcid/{orcid}"
        return f"{self.base}id/person/{stable_hash(article_iri, name)}"

    def organization(self, name: str, country: str = "", ror: str = "") -> str:
        """By ROR ID where the source gives one, else by normalised name and country."""
        if ror:
            return f"{self.base}id/org/ror/{ror.lower()}"
        return f"{self.base}id/org/{name_hash(name, country)}"

    def journal(self, name: str, issn: list[str]) -> str:
        """By ISSN, else by normalised name. Alone, for one record: which ISSNs and names are one journal's is
        decided over all records (`retractkg.ingest.periodicals`)."""
        numbers = sorted(number for number in map(normalize_issn, issn) if number)
        if numbers:
            return f"{self.base}id/journal/issn/{numbers[0]}"
        return f"{self.base}id/journal/{name_hash(name) if name else 'issn/' + sorted(issn)[0].upper()}"

    def publisher(self, name: str) -> str:
        """By normalised name without a legal form (`publisher_key`), a spelling `lexicon/publishers.tsv` lists read
        as the publisher's name there."""
        return f"{self.base}id/publisher/{stable_hash(publisher_key(publisher_name(name)))}"

    def graph(self, format: str, key: str) -> str:
        return f"{self.base}graph/{format}/{stable_hash(key)}"
