"""The retracted article's title as a notice's own words give it, whatever container the notice came in.

A JATS or PubMed notice links its article by DOI or PMID and rarely states the article's title in metadata,
so without this its label reads "Retraction of: 10.3892/etm.2016.2977". Its words usually do state it: in
its title ("Retraction: ‹title›", "‹title› [Retraction]", or the bare title, as Spandidos and the JCB title
their notices), in a citation opening the body ("Wang L, Jiang Y. ‹title›. Neuropsychiatr Dis Treat.
2016;12:2189–2198."), or quoted in a sentence ("our research article entitled ‘‹title›’").
"""

from __future__ import annotations

import re

from retractkg.ingest.reading.citation import parse_citation, parse_quoted_reference, parse_reference
from retractkg.ingest.reading.lexicon import notice_heading_words
from retractkg.ingest.reading.nature import title_nature
from retractkg.ingest.reading.notice_layout import TITLE_PREFIX

# Words before a citation or title that make it another work than the one the notice concerns ("plagiarized
# from", "previously published", "identical to").
ANOTHER_WORK = re.compile(
    r"(?:plagiari[sz]\w*|copied|taken|reproduced|duplicated)\s+from|original\s+(?:article|source|work|publication)"
    r"|previously\s+published|published\s+(?:earlier|previously|elsewhere)|\bsource\b|duplicate|\bduplication\s+of\b"
    r"|simultaneous"
    # "contains material from the following published article: <citation>"
    r"|\b(?:material|text|content|passages?|paragraphs?|sentences?|data|figures?|images?)\s+(?:\w+\s+){0,2}from\b"
    r"|\bre-?us(?:e|es|ed|ing)\b|\bcop(?:ies|ied|ying)\b|\bsame\s+(?:group|authors|laboratory|team)\b"
    r"|\bfrom\s+(?:the\s+)?following\s+(?:\w+\s+){0,2}(?:article|paper|publication|work)", re.I)
_EARLIER_WORK = re.compile(r"\b(?:already|also|earlier|previously|first)\s+(?:been\s+)?(?:published|reported|appeared)"
                           r"|\bidentical\s+to\b|\bsimilar\w*\s+(?:to|with|between)\b|\b(?:repeat|copy|replica)\s+of\b"
                           r"|\(\s*see\b|\bcf\.|\banother\s+(?:\w+\s+)?(?:group|laboratory|article|paper|study|journal)",
                           re.I)
_ORIGINAL_LABEL = re.compile(r"\boriginal\s+article\s*:\s*$", re.I)  # Oncotarget: "Original article: <citation>"


def another_work(before: str) -> bool:
    """Whether the words before a title or citation say it is another work (a source, an earlier paper)."""
    before = _ORIGINAL_LABEL.sub("", before)
    return bool(ANOTHER_WORK.search(before) or _EARLIER_WORK.search(before))


# "the article entitled “T”", "our research article entitled ‘T’": a closing ’ followed by a letter is an
# apostrophe inside the title ("Parkinson’s").
QUOTED_TITLE = re.compile(
    r"(?:entitled|titled|(?:the|this|our)\s+(?:(?:research|original|review)\s+)?(?:manuscript|article|paper))"
    r"\s*[,:]?\s*(?:[“\"](?P<double>[^”\"\n]{15,300})[”\"]|‘(?P<single>[^’\n]{15,300}?(?:’[a-z][^’\n]{0,300}?)*)’"
    r"(?![a-z]))", re.I)
# "‹title› [Retraction]", "‹title› – retraction", "‹title›. Corrigendum": a notice titled by its article.
_TITLE_SUFFIX = re.compile(r"(?:\s*[\[(](?:retraction|retracted|withdrawn|erratum|correction)[\])]|"
                           r"\s*[-–—.]\s*(?:retraction|retracted|corrigendum|erratum))\s*$", re.I)
# "Adyel et al. T. Foods 2013, 2, 64–75", "Hsia, T.-C., et al. T. Int. J. Mol. Sci. 2016, 17, 1289": first
# author, title, citation.
_ET_AL_REFERENCE = re.compile(r"^[A-Z][\w'’-]+(?:[\s,]+(?:[A-Z][\w'’-]+|(?:[A-Z]\.-?)+)){0,3}?,?\s+et\s+al\.?,?\s+"
                              r"(?P<title>.{10,400}?)\.\s+"
                              r"(?P<cite>[A-Z][\w.&'’\s-]{1,80}?\s+(?:19|20)\d\d\b.{0,80})$")
_SENTENCE_END = re.compile(r"\.\s+(?=[A-Z])")
_AUTHORS_ONLY = re.compile(r"\bet\s+al$")
# A bare title names an article when it is a title's length, not a heading ("Publisher's Note").
_BARE_TITLE_WORDS = 5
# ... and is no notice's own headline ("Statement from the Editors": `lexicon/notice_heading_words.txt`).


def quoted_title(prose: str) -> tuple[str, int] | None:
    """The title a sentence quotes as the article's ("the article entitled “T”"), with where it starts."""
    for m in QUOTED_TITLE.finditer(prose):
        sentence = max(prose.rfind(". ", 0, m.start()), prose.rfind("\n", 0, m.start())) + 1
        if another_work(prose[sentence:m.start()]):  # "a duplication of the article “T” by G. Bluteau"
            continue
        group = "double" if m["double"] else "single"
        return " ".join(m[group].split()).rstrip(" ."), m.start()
    return None


def title_after_prefix(notice_title: str) -> tuple[str, str]:
    """The article's title inside a notice's title after its notice words ("Retraction notice to “T” [J. X 10
    (2018) 1–9]"), and the bracketed citation that follows it ("" for either when there is none)."""
    prefix = TITLE_PREFIX.match(notice_title)
    title = notice_title[prefix.end():] if prefix else ""
    again = TITLE_PREFIX.match(title)  # "Retraction: Retraction: T"
    title = title[again.end():] if again else title
    bracketed = re.search(r"\s*\[(?P<cite>[^\[\]]{5,200})\]\s*$", title)
    cite = ""
    if bracketed:
        cite, title = bracketed["cite"], title[:bracketed.start()]
    else:  # PubMed: "Retraction: T (J Infect Dis 1993;168:336-44)."
        parenthesized = re.search(r"\s*\((?P<cite>[^()]{5,200})\)\.?\s*$", title)
        citation = parse_citation(parenthesized["cite"]) if parenthesized else None
        if citation and (citation.volume or citation.pages or citation.article_number):
            cite, title = parenthesized["cite"], title[:parenthesized.start()]
    title = title.strip().strip("“”\"‘’").strip()
    return ("" if parse_citation(title) else _title_of_reference(title)), cite


def _title_of_reference(written: str) -> str:
    """The title inside a reference to the article ("Heidari, A.; Vedad, S. T. Materials 2012, 5, 882-888.",
    "Adyel et al. T. Foods 2013, 2, 64–75"), else `written` as it is."""
    m = _ET_AL_REFERENCE.match(written)
    if m:
        citation = parse_citation(m["cite"])
        if citation and (citation.volume or citation.pages or citation.article_number):
            return m["title"]
    reference = parse_reference(written) or parse_quoted_reference(written)
    if reference:
        return reference.title
    for m in _SENTENCE_END.finditer(written):  # "T. Diabetes 2011;60:2644–2655. DOI: 10.2337/db11-0132"
        citation = parse_citation(written[m.end():])
        if citation and (citation.volume or citation.pages or citation.article_number) and m.start() >= 10:
            # "Barré B, et al. Cell Cycle 2010; 9:4795–804": authors and a citation, no title
            return "" if _AUTHORS_ONLY.search(written[:m.start()]) else written[:m.start()]
    return written


def article_title(notice_title: str, prose: str) -> str:
    """The title the notice's words give the one article it concerns, "" when they give none.

    Strongest first: the notice's title after its notice words, a quoted title, the reference that opens the
    body, the notice's title less a "[Retraction]" tag, and last a bare notice title of a title's length that
    names no kind of notice.
    """
    after_prefix, _ = title_after_prefix(notice_title)
    if after_prefix:
        return after_prefix
    quoted = quoted_title(prose)
    if quoted:
        return quoted[0]
    opening = prose.lstrip().split("\n\n", 1)[0]
    reference = parse_reference(opening) or parse_quoted_reference(opening)
    if reference:
        return reference.title
    tagged = _TITLE_SUFFIX.search(notice_title)
    if tagged:
        return _title_of_reference(notice_title[:tagged.start()].strip())
    if title_nature(notice_title) is None and len(notice_title.split()) >= _BARE_TITLE_WORDS \
            and not notice_heading_words().search(notice_title):
        return _title_of_reference(notice_title.strip())  # a notice titled by its article's reference
    return ""
