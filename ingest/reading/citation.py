"""Citations of the retracted article as notices write them, parsed into their parts.

Handles the shapes publishers use in notice headers and reference lists:
  "Journal of Biomedical Science (2014) 21:19"            BMC/Springer: year, volume:article-number
  "Mol Med (2012) 18:250–259"                              ... volume:pages
  "Exp Ther Med 5:711–717, 2013"                           journal volume:pages, year
  "Biochimie. 2023 Jan;204:171."  "Lancet 1998; 351: 637-641"   Vancouver / PubMed
  "PLoS ONE 12(6): e0179536"                               journal volume(issue): e-locator
  "Vol. 196, No. 10, November 18, 2002. Pages 1291–1305."  volume/issue/date/pages, no journal
  "In PLoS Computational Biology, volume 3, issue 3"       spelled out
  "Scientific Reports, published online 13 January 2021"   journal and date only
  "Korean Journal of Radiology (2003;4:130-135)"           journal (year;volume:pages)
  "Mol. Biol. Cell [2004] 15, 4522–4531"                   journal [year] volume, pages
  "J. Clin. Biochem. Nutr. 2007, 41(2), 132–138"           journal year, volume(issue), pages
  "Volume 446 (issue 1), 2012, pp. 23–36"                  volume first, no journal
  "pages 435-439, volume 7, issue 3, in the Journal of X"  pages first, parts in any order (Medknow)
  "Annals of Dermatology in Volume 23, Number Supplementary 1"
Every pattern is anchored or bounded so that matching stays linear on long text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from retractkg.ingest.model import Article
from retractkg.ingest.reading.written_dates import iso_date
from retractkg.ontology.identifiers import PMID_IN_TEXT, normalize_doi

DASHES = "‐‑‒–—−-"  # hyphen-minus last so it is literal inside a character class
_RANGE = rf"[A-Za-z]?\d+[A-Za-z]?(?:\s*[{DASHES}]\s*[A-Za-z]?\d+[A-Za-z]?)?"
_JOURNAL = r"(?P<journal>[A-Z][\w&.'’()-]*(?:[ ]+(?:[A-Za-z&][\w&.'’-]*))*?)"
DOI_IN_TEXT = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|\bdoi:?\s*|\b)(10\.\d{4,9}/[^\s\"<>]+)", re.I)

_YEAR = r"(?:19|20)\d\d"
_SHAPES = [re.compile(p) for p in (
    # Korean Journal of Radiology (2003;4:130-135) ; Korean Journal of Urology [1] (2000;41:885-91)
    rf"^{_JOURNAL}(?:\s*\[\d{{1,2}}\])?\s*\((?P<year>{_YEAR})\s*;\s*(?P<volume>\d+)(?:\s*\((?P<issue>[^()]{{1,12}})\))?"
    rf"\s*:\s*(?P<loc>{_RANGE})\)",
    # Journal of Biomedical Science (2014) 21:19 ; Mol Med (2012) 18(3):250–259
    rf"^{_JOURNAL}\s*\((?P<year>(?:19|20)\d\d)\)\s*(?P<volume>\d+)(?:\s*\((?P<issue>[^()]{{1,12}})\))?"
    rf"\s*:\s*(?P<loc>{_RANGE})",
    # PLoS ONE 12(6): e0179536 ; Exp Ther Med 5:711–717, 2013
    rf"^{_JOURNAL}[ ,]+(?P<volume>\d+)(?:\s*\((?P<issue>[^()]{{1,12}})\))?\s*:\s*(?P<loc>{_RANGE})"
    rf"(?:[.,;]\s*(?P<year>(?:19|20)\d\d)\b)?",
    # Journal of Cellular Biochemistry 120, no. 3 (2019): 1234–1245 (Wiley, Chicago style)
    rf"^{_JOURNAL},?\s+(?P<volume>\d+),?\s+no\.\s*(?P<issue>[\w{DASHES}]+)\s+\((?P<year>(?:19|20)\d\d)\)\s*:\s*"
    rf"(?P<loc>{_RANGE})",
    # Int. J. Mol. Sci. 2019, 20, 1234 (MDPI): year, volume, article number
    rf"^{_JOURNAL}\s+(?P<year>(?:19|20)\d\d),\s*(?P<volume>\d+)(?:\s*\((?P<issue>[^()]{{1,12}})\))?,\s*(?P<loc>{_RANGE})"
    r"(?![\d:])",
    # Dis. Model. Mech. 8, 1155-1166. (The Company of Biologists): volume, pages, nothing after
    rf"^{_JOURNAL}\s+(?P<volume>\d+),\s*(?P<loc>\d+\s*[{DASHES}]\s*\d+)\.?(?:\s|$)",
    # British Journal of Cancer (2005) 92, 942–948 (Nature Publishing Group); Mol. Biol. Cell [2004] 15, 4522–4531
    rf"^{_JOURNAL}\s*[(\[](?P<year>(?:19|20)\d\d)[)\]]\s*(?P<volume>\d+)(?:\s*\((?P<issue>[^()]{{1,12}})\))?,\s*"
    rf"(?P<loc>{_RANGE})",
    # J. Oral Biosci. 60 (2018) 1–10 (Elsevier)
    rf"^{_JOURNAL}\s+(?P<volume>\d+)\s*\((?P<year>(?:19|20)\d\d)\)\s*(?P<loc>{_RANGE})(?![\d:])",
    # J Exp Clin Cancer Res 38, 189 (2019)
    rf"^{_JOURNAL}\s+(?P<volume>\d+),\s*(?P<loc>{_RANGE})\s*\((?P<year>(?:19|20)\d\d)\)",
    # Clinical Epigenetics 2012, 4:9 (BioMed Central before 2015)
    rf"^{_JOURNAL}\s+(?P<year>(?:19|20)\d\d),\s*(?P<volume>\d+)(?:\s*\((?P<issue>[^()]{{1,12}})\))?\s*:\s*"
    rf"(?P<loc>{_RANGE})",
    # Biochimie. 2023 Jan;204:171. ; Lancet 1998; 351: 637-641 ; J Biol Chem. 2010 May 7;285(19):1-9
    rf"^{_JOURNAL}[.,]?\s+(?P<date>(?P<year>(?:19|20)\d\d)(?:\s+[A-Z][a-z]{{2,8}}\.?(?:-[A-Z][a-z]{{2,8}}\.?)?"
    r"(?:\s+\d{1,2})?)?)\s*;\s*"
    rf"(?P<volume>\d+)(?:\s*\((?P<issue>[^()]{{1,12}})\))?\s*:\s*(?P<loc>{_RANGE})",
)]
# Something every shape has near its start: "(2014)", "21:19", "2013;", "Vol.", "published online", "92, 942".
_CITATION_HINT = re.compile(
    r"[(\[]\d{4}[)\];]|\d\)?\s*[:;]|\b(?:19|20)\d\d(?:\s*[;,.]|\s+[A-Z][a-z]{2})|\bvol|published\s+online|\d,\s*\d"
    r"|\bpages?\s+[A-Z]?\d", re.I)
_VOL_NO = re.compile(
    rf"\bVol(?:ume|\.)?\s*(?P<volume>\d+)(?:,?\s*(?:No\.?|Issue|Number)\s*(?P<issue>[\w{DASHES}]+))?"
    rf"(?:,(?!\s*(?:Pages?|pp?\.)\s*\d)\s*(?P<date>[^.;]{{4,30}}?\d{{4}}))?[.,;]?\s*(?:(?:Pages?|pp?\.)\s*:?\s*"
    rf"(?P<loc>{_RANGE}))?",
    re.I,
)
_SPELLED = re.compile(
    r"^(?:In\s+)?(?P<journal>(?-i:[A-Z])[^,;:“”\"?]{2,80}?),\s*(?:(?P<date>[A-Z][a-z]+\.?\s+(?:\d{1,2},?\s+)?\d{4}),\s*)?"
    r"vol(?:ume|\.)\s*(?P<volume>\d+)(?:,\s*(?:issue|no\.?|number)\s*(?P<issue>\w+))?"
    rf"(?:,\s*(?:pp?\.?|pages?)\s*(?P<loc>{_RANGE})|,\s*Article\s+ID\s+(?P<aid>\w+))?"
    r"(?:,\s*\d+\s+pages)?(?:,\s*(?P<year>(?:19|20)\d\d)\b)?", re.I)
_VOLUME_FIRST = re.compile(  # Portland: "Volume 394 (2006), pp. 379–387", "Volume 446 (issue 1), 2012, pp. 23–36"
    rf"^Vol(?:ume|\.)?\s*(?P<volume>\d+)\s*\((?:(?P<year>{_YEAR})|[Ii]ssue\s+(?P<issue>[\w{DASHES}]+))\)"
    rf"(?:,\s*(?P<year2>{_YEAR}))?,\s*(?:pp?\.|[Pp]ages?)\s*(?P<loc>{_RANGE})")
_PART = r"[\w&.'’-]+"
# Medknow: "published in pages 286–288, issue 5, vol. 19 in Indian Journal ...", "on pages 435-439, volume 7,
# issue 3, in the Journal of ...", "Annals of Maxillofacial Surgery on pages 272-277, issue 2, volume 6".
_PAGES_FIRST = re.compile(
    r"^(?:(?P<journal_before>[A-Z][^,;:\[\]“”\"()]{2,80}?)\s+)?[,:]?\s*(?:(?:on|in)\s+)?(?i:pages?|pp\.?)\s*"
    rf"(?P<loc>{_RANGE})"
    r"(?:,?\s*(?:and\s+)?(?:(?i:issue|no\.?|number)\s+(?P<issue>\d+(?:\s+and\s+\d+)?)(?:\s*\([^()]{0,40}\))?"
    r"|(?i:vol(?:ume|\.)?)\s*(?P<volume>\d+)|(?i:supplement)\s+\d+(?:\s*-\s*Part\s+[IVX\d]+)?"
    rf"|(?P<date>[A-Z][a-z]+\.?,?\s+{_YEAR})|(?P<year>{_YEAR})))+"
    r"(?:,?\s*(?:of|in)\s+(?:the\s+)?[“\"]?(?P<journal>[A-Z][^,;:\[\]“”\"()]{2,100}?)"
    r"(?=[”\"]?\s*(?:\[\d|[,.;]|$|\s+(?:is|was|has|have|as)\b)))?")
_JOURNAL_IN_VOLUME = re.compile(  # "Annals of Dermatology in Volume 23, Number Supplementary 1, published ..."
    r"^(?P<journal>[A-Z][^,;:()]{2,80}?)\s+in\s+Vol(?:ume|\.)\s*(?P<volume>\d+)"
    r"(?:,\s*(?:Number|Issue|No\.?)\s+(?P<issue>(?:Supplement(?:ary)?\s+)?\w+))?")
_PUBLISHED = re.compile(r"(?i:published|printed|appeared|issued)(?:\s+online)?$")
_ONLINE = re.compile(r"^(?P<journal>[A-Z][^,;:()]{2,80}?),?\s+published\s+online\s+(?P<date>[^.;]{6,30})", re.I)


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?|Spring|Summer|Autumn|Fall|Winter"
# What a journal group can take that is no journal: a date ("October-December 2011;1(3):177-181", the issue of a
# journal named before the bracket) or a title's last sentence before the journal ("... Premature Infants. Open
# Journal of Cardiovascular Surgery. 2014;7:1-4", taken from an "in" inside the title): a full word, after a word
# not abbreviated, ends a sentence there. Abbreviated journals ("J. Clin. Biochem. Nutr.", "Blood Cells Mol. Dis.",
# "Acta Biochim. Pol.") stop on a shortened word, which ends otherwise.
_NOT_A_JOURNAL = re.compile(
    rf"^(?:{_MONTH})(?:\s*[/{DASHES}]\s*(?:{_MONTH}))*$|[^.\s]\s+[A-Z]?[a-z-]{{3,}}(?:s|y|e|ion|ing|ed)\.\s+[A-Z]")


def find_dois(text: str) -> list[tuple[str, int, int]]:
    """Every DOI written in `text` (bare, lower-cased) with the offsets of its written form."""
    found = []
    for m in DOI_IN_TEXT.finditer(text):
        written = _balanced(m.group(1)).rstrip(".,;:'\"’”]")
        written = _GLUED_WORD.sub("", written)
        doi = normalize_doi(written)
        if doi:
            found.append((doi, m.start(), m.start(1) + len(written)))
    return found


# Text that lost its line breaks glues the next sentence to a DOI: "10.1186/1472-6882-13-222The Editor".
_GLUED_WORD = re.compile(r"(?<=\d)[A-Z][a-z]{1,12}$")


def _balanced(doi: str) -> str:
    """Cut a DOI at the first ")" that closes a parenthesis opened before it ("(DOI: 10.x/y)Since")."""
    depth = 0
    for i, char in enumerate(doi):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return doi[:i]
    return doi


# What a citation gives an article besides its journal and the citation as written.
CITATION_FIELDS = ("year", "date", "volume", "issue", "pages", "article_number", "doi", "pmid")


@dataclass
class Citation:
    journal: str = ""
    year: str = ""
    date: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    article_number: str = ""
    doi: str = ""
    pmid: str = ""
    written: str = ""

    def apply(self, article: Article) -> None:
        """Fill the article's empty fields from this citation (what a better source set is kept)."""
        if self.journal and not article.journal.name:
            article.journal.name = self.journal
        for name in CITATION_FIELDS:
            if getattr(self, name) and not getattr(article, name):
                setattr(article, name, getattr(self, name))
        if self.written and not article.citation:
            article.citation = self.written


def _locator(citation: Citation, loc: str | None) -> None:
    if not loc:
        return
    loc = re.sub(rf"\s*[{DASHES}]\s*", "-", loc.strip())
    if "-" in loc:
        citation.pages = loc
    else:
        citation.article_number = loc


def _clean_journal(name: str | None) -> str:
    name = (name or "").strip(" .,;:")
    return re.sub(r"^(?:In|See)\s+", "", name)


def parse_citation(written: str) -> Citation | None:
    """The parts of a citation that starts `written`, or None if it is not a citation we know."""
    text = " ".join(written[:600].split())[:400]
    if not _CITATION_HINT.search(text, 0, 200):
        return None  # most lines tried are prose: one cheap test before the anchored shapes
    for pattern in _SHAPES:
        m = pattern.match(text)
        if m:
            g = m.groupdict()
            journal = _clean_journal(g["journal"])
            if len(journal.split()) > 12 or _journal_tail(journal) != journal or _NOT_A_JOURNAL.search(journal):
                continue  # prose before the name: "The article published in J. Clin. Biochem. Nutr. 2007, 41(2)"
            citation = Citation(journal=journal, year=g.get("year") or "", volume=g["volume"],
                                issue=(g.get("issue") or "").strip(), written=text[:m.end()].strip())
            if g.get("date"):
                citation.date = iso_date(g["date"])
            _locator(citation, g["loc"])
            break
    else:
        citation = _spelled_out(text)
        if citation is None:
            return None
    for doi, _, _ in find_dois(text):
        citation.doi = doi
        break
    pmid = PMID_IN_TEXT.search(text)
    if pmid:
        citation.pmid = pmid.group(1)
    if not citation.year and citation.date:
        citation.year = citation.date[:4]
    return citation


def _spelled_out(text: str) -> Citation | None:
    m = _VOLUME_FIRST.match(text) or _PAGES_FIRST.match(text)
    if m and m["volume"]:
        g = m.groupdict()
        citation = Citation(journal=_clean_journal(g.get("journal") or g.get("journal_before")), volume=m["volume"],
                            issue=m["issue"] or "", year=m["year"] or g.get("year2") or "",
                            date=iso_date(g.get("date") or ""), written=text[:m.end()].strip())
        _locator(citation, m["loc"])
        return citation
    m = _SPELLED.match(text)
    if m:
        citation = Citation(journal=_clean_journal(m["journal"]), volume=m["volume"], issue=m["issue"] or "",
                            date=iso_date(m["date"] or ""), year=m["year"] or "", article_number=m["aid"] or "",
                            written=text[:m.end()])
        _locator(citation, m["loc"])
        return citation
    m = _ONLINE.match(text)
    if m and iso_date(m["date"]):
        return Citation(journal=_clean_journal(m["journal"]), date=iso_date(m["date"]), written=text[:m.end()])
    m = _JOURNAL_IN_VOLUME.match(text)
    if m and not _PUBLISHED.match(m["journal"]):  # "(Published in Volume 12, Issue 3, ...)": a later anchor
        return Citation(journal=_clean_journal(m["journal"]), volume=m["volume"], issue=m["issue"] or "",
                        written=text[:m.end()])
    m = _VOL_NO.match(text)
    if m and (m["issue"] or m["loc"]):
        citation = Citation(volume=m["volume"], issue=m["issue"] or "", written=text[:m.end()].strip())
        if m["date"]:
            citation.date = iso_date(m["date"])
        _locator(citation, m["loc"])
        return citation
    return None


# Where a citation can start inside prose: after "published in (the journal)", "in", an opening bracket, a closing
# quote, "et al.,", an author's initials ("Do DV. Clinical Ophthalmology. 2015;9:1049"), a sentence, a date, a
# label's colon; or at a line start. The empty line-start alternative comes last so that the others win there.
_PROSE_ANCHOR = re.compile(
    r"\bpublished\s+(?:(?:in|on)\b\s*:?\s*(?:the\s+(?:journal\s+)?)?)?|\bin\s+(?:the\s+)?|[\[(]\s*|[”\"],?\s+"
    r"|\bet\s+al\.?,?\s+|\b[A-Z]{2,3}\.\s+|[a-z]{3}\.\s+(?=[A-Z])|(?:19|20)\d\d,\s+(?=[A-Z])|:\s+|^", re.M)
# The numbers every citation shape has: "4:130", "2003;4", "15, 4522–", "pages 435", "Volume 23", "[2004]".
_PROSE_CORE = re.compile(
    rf"\d\)?\s*[:;]\s*[A-Za-z]?\d|\d\)?,\s*[A-Za-z]?\d+\s*[{DASHES}]|\b(?i:pages?|pp\.)\s*[A-Za-z]?\d"
    r"|\b(?i:vol(?:ume|\.))\s*\d|[(\[](?:19|20)\d\d[)\]]")
_CONNECTORS = {"of", "and", "the", "in", "for", "on", "de", "la", "et", "&", "y", "di", "der", "und", "des", "du",
               "npj"}


def written_length(written: str, normalized: str) -> int:
    """How many characters of `written` the whitespace-normalised citation `normalized` covers."""
    m = re.match(r"\s+".join(map(re.escape, normalized.split())), written)
    return m.end() if m else len(written)


def _journal_tail(name: str) -> str:
    """The journal-like end of a name the lazy journal group took too much of: "This paper duplicates Ann Surg"
    -> "Ann Surg". Journal words are capitalised ("PLoS ONE", "mBio" too) or connectors ("of", "and")."""
    words = name.split()
    keep = len(words)
    while keep > 0 and (words[keep - 1][:1].isupper() or words[keep - 1].lower() in _CONNECTORS
                        or re.match(r"[a-z][A-Z]", words[keep - 1])):
        keep -= 1
    tail = words[keep:]
    while tail and tail[0].lower() in _CONNECTORS:
        tail = tail[1:]
    return " ".join(tail)


def find_citations(text: str, window: int = 200) -> list[tuple[Citation, int, int]]:
    """Every citation with a volume, pages or article number written inside prose, with its offsets in `text`,
    in order and not overlapping ("published in Korean Journal of Radiology (2003;4:130-135) is ...")."""
    cores = [m.start() for m in _PROSE_CORE.finditer(text)]
    found: list[tuple[Citation, int, int]] = []
    if not cores:
        return found
    covered = 0
    for anchor in _PROSE_ANCHOR.finditer(text):
        start = anchor.end()
        while start < len(text) and text[start].isspace():
            start += 1
        index = bisect_left(cores, start)
        if start < covered or index == len(cores) or cores[index] - start > window:
            continue
        paragraph_end = text.find("\n\n", start)
        chunk = text[start:paragraph_end if paragraph_end >= 0 else len(text)][:400]
        citation = parse_citation(chunk)
        if citation is None or not (citation.volume or citation.pages or citation.article_number) \
                or len(citation.journal) > 120:
            continue
        before_journal = citation.written.split(citation.journal, 1)[0] if citation.journal else ""
        if re.sub(r"^(?:In|See)\s+", "", before_journal).strip() and not re.search(r"\d", before_journal):
            continue  # prose taken for the journal's first words ("This duplicates ... ASAIO J"): a later anchor

        end = start + written_length(chunk, citation.written)
        found.append((citation, start, end))
        covered = end
    return found


_REF_AUTHOR = r"(?:[A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+)*\s+[A-Z]{1,4}|[A-Z]{1,3}\s+[A-Z][\w'’-]+)"  # "Li J" or "J Li"
_REFERENCE = re.compile(
    rf"^(?:\[?\d{{1,3}}[.\]]\s+|-\s+)?(?P<authors>{_REF_AUTHOR}(?:,\s*{_REF_AUTHOR}){{0,40}}(?:,?\s*et\s+al)?)"
    rf"(?:\.\s+|\s*\((?:19|20)\d\d[a-z]?\)\.?\s+)(?P<title>[^\n]{{10,400}}?[.?!])\s+(?P<cite>[A-Z][^\n]{{3,300}})$")


@dataclass
class Reference:
    """A reference as Vancouver/PubMed styles write it: "Moazzam MS, Ahmed SM. Title. J Emerg ... 2010;3:300."."""

    authors: list[str]
    title: str
    citation: Citation


_AUTHOR_YEAR_REFERENCE = re.compile(
    r"^(?P<authors>[A-Z][^()]{2,600}?)\.\s+(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+)?"
    r"(?P<year>(?:19|20)\d\d)[a-z]?\.\s+(?P<title>[^\n]{10,400}?[.?!])\s+(?P<cite>[A-Z][^\n]{3,300})$")


_INVERTED_AUTHOR = r"[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)*,\s(?:[A-Z]\.-?\s?)+"
_SEMICOLON_REFERENCE = re.compile(  # MDPI: "Smith, J.; Doe, A.B. Title. Int. J. Mol. Sci. 2019, 20, 1234."
    rf"^(?P<authors>{_INVERTED_AUTHOR}(?:;\s*{_INVERTED_AUTHOR}){{0,40}}(?:;?\s*et\s+al\.)?)\s*"
    r"(?P<title>[A-Z][^\n]{9,400}?[.?!])\s+(?P<cite>[A-Z][^\n]{3,300})$")


def parse_reference(written: str) -> Reference | None:
    """Authors, title and citation of a one-line reference, or None if `written` is not one."""
    written = " ".join(written.split())[:1200]
    semicolons = _SEMICOLON_REFERENCE.match(written)
    if semicolons:
        citation = parse_citation(semicolons["cite"])
        if citation and (citation.volume or citation.pages or citation.article_number):
            authors = [f"{initials.strip()} {family}" for family, initials in
                       re.findall(r"([A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)*),\s((?:[A-Z]\.-?\s?)+)", semicolons["authors"])]
            return Reference(authors, semicolons["title"].rstrip("."), citation)
    m = _REFERENCE.match(written) or _AUTHOR_YEAR_REFERENCE.match(written)
    if not m:
        return None
    citation = parse_citation(m["cite"])
    if citation is None or not (citation.volume or citation.pages or citation.article_number):
        return None
    written_authors = re.sub(r",?\s*et\s+al$", "", m["authors"])
    inverted = re.findall(r"([A-Z][\w'’-]+),\s+((?:[A-Z]\.\s?-?)+)", written_authors)  # "Kiehntopf, M., F. Herrmann"
    if inverted and m.re is _AUTHOR_YEAR_REFERENCE:
        first = f"{inverted[0][1].strip()} {inverted[0][0]}"
        rest = written_authors.split(",", 2)[2] if written_authors.count(",") >= 2 else ""
        authors = [first] + [a.strip() for a in re.split(r",\s*(?:and\s+)?|\s+and\s+", rest) if a.strip(" .")]
    else:
        authors = [a.strip() for a in re.split(r",\s*", written_authors) if a.strip()]
    authors = [a.strip("*†‡ ") for a in authors if a.strip("*†‡ ")]  # corresponding-author stars
    if not citation.year and m.groupdict().get("year"):
        citation.year = m["year"]
    return Reference(authors, m["title"].rstrip("."), citation)


_QUOTED_REFERENCE = re.compile(
    r"^(?:\[?\d{1,3}[.\]]\s+)?(?P<authors>[^“\"]{3,600}?),\s*[“\"](?P<title>[^”\"]{10,400}?)[,.]?[”\"],?\s*(?P<cite>.+)$")


def parse_quoted_reference(written: str) -> Reference | None:
    """"A. Smith, B. Jones, “Title,” Journal 12, no. 3 (2019): 45–56, https://doi.org/..." (Wiley notices)."""
    m = _QUOTED_REFERENCE.match(" ".join(written.split())[:1500])
    if not m:
        return None
    citation = parse_citation(m["cite"])
    if citation is None or not (citation.volume or citation.pages or citation.article_number):
        return None
    authors = [a.strip() for a in re.split(r",\s*(?:and\s+)?|\s+and\s+", m["authors"]) if a.strip()]
    return Reference(authors, m["title"].strip(), citation)
