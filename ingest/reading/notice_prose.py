"""The one reading of a notice's prose, whatever container it came in.

Plain text, PDF and HTML notices (`readers/text_notice.py`), JATS bodies, PubMed abstracts and Crossref
abstracts all carry the words of the notice; what those words state (reasons with their evidence, who
retracted and who asked, the items affected, each author's stance, and the nature when the source does
not state one) must not depend on the container. Every reader hands its prose here.
"""

from __future__ import annotations

import html
import re

from retractkg.ingest.model import Article, Journal, Nature, Notice
from retractkg.ingest.reading.actors import find_actors
from retractkg.ingest.reading.affected_items import affected_items
from retractkg.ingest.reading.article_title import article_title
from retractkg.ingest.reading.author_stances import apply_stances, stated_stances
from retractkg.ingest.reading.nature import classify_nature
from retractkg.ingest.reading.reasons import find_reasons

# Markup a Crossref abstract (JATS in a string) or an HTML fragment may carry: paragraphs become blank lines.
_PARAGRAPH_END = re.compile(r"</(?:jats:)?(?:p|title|sec|div|li)\s*>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]{0,500}>")
# A heading paragraph of a structured body ("Conflicts of interest", "Retraction", "Financial support"):
# a few words with no sentence end. It names a section and states nothing.
_HEADING = re.compile(r"(?:^|(?<=\n\n))[^\S\n]*(?:[^\s.!?:;]+[^\S\n]+){0,5}[^\s.!?:;]+[^\S\n]*(?=\n\n|$)")


def prose_of_markup(written: str) -> str:
    """The text of a JATS or HTML fragment (a Crossref `abstract`), paragraphs kept as blank lines."""
    text = _TAG.sub(" ", _PARAGRAPH_END.sub("\n\n", written))
    text = html.unescape(text)
    paragraphs = (" ".join(part.split()) for part in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


def read_prose(notice: Notice, prose: str | None = None, *, article: Article | None = None,
               journal: Journal | None = None) -> Notice:
    """Fill in what the notice's words state (and the title they give its article, if it has none); `prose` is
    `notice.text` with furniture blanked out (same length), by default `notice.text` without its section
    headings (a structured body's paragraphs). With `journal`, a notice that links no article retracts the one
    its words title (a JATS notice without `related-article`), in that journal.

    A nature the source states (a JATS `article-type`, a PubMed publication type) is kept; an unclassified
    notice takes the nature its title and prose state. Stances go to the authors of `article` (default: the
    notice's one article; none when it names several or none). Evidence offsets index `notice.text`.
    """
    text = notice.text
    prose = _without_headings(text) if prose is None else prose
    if len(prose) != len(text):
        raise ValueError("prose must be notice.text with parts blanked out, of the same length")
    if journal is not None and not notice.articles and (title := article_title(notice.title, prose)):
        notice.articles = [Article(title=title, journal=Journal(name=journal.name, issn=list(journal.issn)))]
    if article is None and len(notice.articles) == 1:
        article = notice.articles[0]
    if article is not None and not article.title:  # a notice with no text may still title its article
        article.title = article_title(notice.title, prose)
    if not text.strip():
        return notice
    if notice.nature is Nature.UNCLASSIFIED:
        notice.nature, notice.nature_confidence = classify_nature(notice.title, prose)
    notice.reasons = find_reasons(prose)
    for claim in notice.reasons:  # evidence crossing masked furniture does not quote the text: dropped
        claim.evidence = [span for span in claim.evidence if text[span.start:span.end] == span.exact]
    notice.retracted_by, notice.requested_by = find_actors(prose)
    notice.affected_items = notice.affected_items or affected_items(prose)
    if article is not None:
        article.authors.extend(apply_stances(stated_stances(prose), article.authors))
    return notice



def _without_headings(text: str) -> str:
    """`text` with heading paragraphs blanked out (same length, so offsets still index `text`)."""
    return _HEADING.sub(lambda m: " " * len(m.group()), text)
