"""PDF and HTML notices through the CLI and the Python API.

The PDF is typeset at test time from the seed text with fpdf2: superscript markers become real
raised glyphs, so pypdf extracts them glued to the names ("Guo2*") and wraps the byline and the
affiliations over lines, as with publishers' PDFs. The HTML pages are a PLOS-style page with
citation_* tags and JSON-LD (tests/fixtures, CC BY notice) and a Springer-style page built here
from the seed's own facts.
"""

from __future__ import annotations

import gzip
import html
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fpdf import FPDF

from retractkg.config import Settings
from retractkg.ingest.errors import IngestError
from retractkg.ingest.model import Nature, Stance
from retractkg.ingest.readers.html_notice import parse as parse_html
from retractkg.ingest.readers.pdf_notice import parse as parse_pdf
from retractkg.ingest.sources import detect
from retractkg.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "ingest" / "demo" / "bmc_jnanobiotech_retraction_note_2024.txt"
PLOS_PAGE = ROOT / "ingest" / "demo" / "plos_one_expression_of_concern_2022.html"  # a demo notice, CC BY 4.0
RETRACTKG = str(Path(sys.executable).with_name("retractkg"))
NOTICE_DOI = "10.1186/s12951-024-02589-z"
ARTICLE_DOI = "10.1186/s12951-022-01520-8"
PREFIXES = """
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX schema: <http://schema.org/>
PREFIX rkg: <https://w3id.org/retractkg/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""
_MARK = re.compile(r"\^\{([^}]*)\}|([⁰¹²³⁴⁵⁶⁷⁸⁹]+)")
_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def typeset_pdf(text: str, out: Path) -> Path:
    """The notice text as a one-page PDF, markers raised as superscripts, with Springer-like metadata."""
    pdf = FPDF()
    pdf.set_title("Retraction Note: Copper-based metal organic framework")
    pdf.set_subject(f"Journal of Nanobiotechnology, doi:{NOTICE_DOI}")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in text.replace("**", "").split("\n"):
        position = 0
        for m in _MARK.finditer(line):
            pdf.write(5, line[position:m.start()])
            pdf.char_vpos = "SUP"
            pdf.write(5, (m.group(1) or m.group(2)).translate(_SUPERSCRIPT_DIGITS))
            pdf.char_vpos = "LINE"
            position = m.end()
        pdf.write(5, line[position:])
        pdf.ln(5)
    pdf.output(str(out))
    return out


@pytest.fixture(scope="module")
def seed_pdf(tmp_path_factory) -> Path:
    return typeset_pdf(SEED.read_text(encoding="utf-8"), tmp_path_factory.mktemp("pdf") / "notice.pdf")


def ingest(tmp_path: Path, *paths: Path) -> Path:
    store = tmp_path / "store"
    result = subprocess.run([RETRACTKG, "ingest", *map(str, paths), "--store", str(store), "--quiet"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return store


def select(store: Path, sparql: str) -> list[dict[str, str]]:
    with open_store(Settings(store_path=store)) as opened:
        solutions = opened.query(PREFIXES + sparql)
        names = [v.value for v in solutions.variables]
        return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]


# -- PDF --------------------------------------------------------------------------------------------

def test_pdf_is_detected_by_content_not_name(seed_pdf, tmp_path):
    renamed = tmp_path / "notice.bin"
    renamed.write_bytes(seed_pdf.read_bytes())
    assert detect(renamed).name == "pdf"


def test_pdf_title_block_authors_and_affiliations(seed_pdf):
    (record,) = list(parse_pdf(seed_pdf))
    notice = record.notice
    assert record.format == "pdf"
    assert notice.title.startswith("Retraction Note: Copper-based metal organic framework impedes")
    assert notice.title.endswith("platelets blockade")  # the title wrapped over two lines is joined
    assert (notice.doi, notice.date, notice.nature) == (NOTICE_DOI, "2024-05-31", Nature.RETRACTION)
    (article,) = notice.articles
    assert (article.doi, article.volume, article.article_number) == (ARTICLE_DOI, "20", "313")
    assert len(article.authors) == 13 and article.authors[8].name == "Jinjin Shi"  # its marker wrapped a line
    assert len(article.organizations) == 5
    by_name = {p.name: p for p in article.authors}
    orgs = article.organizations
    assert [orgs[i].name for i in by_name["Pilei Si"].affiliations] == [
        "Department of Breast Surgery, Henan Provincial People's Hospital, People's Hospital of Zhengzhou "
        "University, People's Hospital of Henan University",  # wrapped over two lines in the PDF
        "Henan Provincial Engineering Research Center of Breast Cancer Precise Prevention and Treatment"]
    assert [orgs[i].marker for i in by_name["Junjie Liu"].affiliations] == ["1", "4"]
    assert by_name["Xingming Guo"].corresponding and by_name["Xingming Guo"].email == "guoxm@cqu.edu.cn"
    assert {p.stance for p in article.authors} == {Stance.AGREES}
    assert set(notice.affected_items) == {"Fig. 3m", "Fig. 4c", "Fig. 4g", "Fig. 7c", "Fig. 7h", "Fig. 7j"}


def test_pdf_evidence_offsets_index_the_stored_text(seed_pdf, tmp_path):
    store = ingest(tmp_path, seed_pdf)
    text = select(store, "SELECT ?t WHERE { ?n cito:retracts ?a ; schema:text ?t }")[0]["t"]
    rows = select(store, """SELECT ?exact ?start ?end WHERE {
        ?n rkg:reasonAssignment/oa:hasTarget/oa:hasSelector ?q , ?p .
        ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end }""")
    assert rows
    assert {r["exact"] for r in rows} == {text[int(r["start"]):int(r["end"])] for r in rows}
    assert select(store, f"SELECT ?n WHERE {{ ?n schema:sameAs <https://doi.org/{NOTICE_DOI}> }}")


@pytest.mark.parametrize("content", [b"%PDF-1.4\nthis is not a PDF body", b"%PDF-"])
def test_broken_pdf_is_an_error_naming_the_file(tmp_path, content):
    path = tmp_path / "broken.pdf"
    path.write_bytes(content)
    with pytest.raises(IngestError) as raised:
        list(parse_pdf(path))
    assert str(path) in str(raised.value)


def test_pdf_without_text_is_an_error(tmp_path):
    pdf = FPDF()
    pdf.add_page()
    path = tmp_path / "scanned.pdf"
    pdf.output(str(path))
    with pytest.raises(IngestError, match="no extractable text"):
        list(parse_pdf(path))


# -- HTML -------------------------------------------------------------------------------------------

def test_plos_page_metadata_first_then_prose():
    (record,) = list(parse_html(PLOS_PAGE))
    notice = record.notice
    assert notice.nature is Nature.EXPRESSION_OF_CONCERN
    assert (notice.doi, notice.date, notice.journal.name, notice.journal.issn, notice.publisher) == (
        "10.1371/journal.pone.0278502", "2022-11-28", "PLOS ONE", ["1932-6203"], "Public Library of Science")
    assert notice.license == "http://creativecommons.org/licenses/by/4.0/"
    assert notice.url == "https://journals.plos.org/plosone/article?id=10.1371/journal.pone.0278502"
    assert [p.name for p in notice.authors] == ["The PLOS ONE Editors"]
    (article,) = notice.articles
    assert (article.doi, article.pmid) == ("10.1371/journal.pone.0179536", "28604812")
    assert article.title.startswith("Prognostic value of programmed cell death ligand 1 expression")
    assert "window.dataLayer" not in notice.text and "Share this article" not in notice.text


def test_expression_of_concern_page_never_retracts(tmp_path):
    store = ingest(tmp_path, PLOS_PAGE)
    assert not select(store, "SELECT ?n WHERE { ?n cito:retracts ?a }")
    rows = select(store, """SELECT ?n WHERE { ?n rkg:expressesConcernAbout ?a .
        ?a schema:sameAs <https://doi.org/10.1371/journal.pone.0179536> ,
                         <https://pubmed.ncbi.nlm.nih.gov/28604812/> }""")
    assert len(rows) == 1


def springer_page(seed_text: str) -> str:
    """A Springer-style notice page: citation_* tags (authors each followed by their institutions) and
    the notice prose, assembled from the seed's own statements."""
    authors = [("Sijie Wang", [0]), ("Na Yin", [0]), ("Yongjuan Li", [4]), ("Xingming Guo", [1]),
               ("Pilei Si", [2, 3]), ("Junjie Liu", [0, 3])]
    institutions = ["School of Pharmaceutical Sciences, Zhengzhou University, Zhengzhou 450001, China",
                    "College of Bioengineering, Chongqing University, Chongqing, People's Republic of China",
                    "Department of Breast Surgery, Henan Provincial People's Hospital, Zhengzhou, Henan 450003, China",
                    "Henan Provincial Engineering Research Center of Breast Cancer Precise Prevention and Treatment, "
                    "Zhengzhou, Henan 450003, China",
                    "Academy of Medical Sciences, Zhengzhou University, Zhengzhou 450052, China"]
    meta = [("citation_title", "Retraction Note: Copper-based metal organic framework impedes triple-negative "
             "breast cancer metastasis via local estrogen deprivation and platelets blockade"),
            ("citation_journal_title", "Journal of Nanobiotechnology"), ("citation_publisher", "BioMed Central"),
            ("citation_publication_date", "2024/05/31"), ("citation_doi", NOTICE_DOI),
            ("citation_article_type", "Retraction Note"), ("citation_issn", "1477-3155")]
    for name, affiliation_indexes in authors:
        meta.append(("citation_author", name))
        meta.extend(("citation_author_institution", institutions[i]) for i in affiliation_indexes)
    tags = "\n".join(f'<meta name="{k}" content="{html.escape(v)}">' for k, v in meta)
    body = seed_text.split("https://doi.org/10.1186/s12951-022-01520-8", 1)[1].split("*Correspondence:")[0]
    paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>\n" for p in body.split("\n\n") if p.strip())
    return (f"<!DOCTYPE html><html lang='en'><head><title>Retraction Note</title>{tags}</head><body>"
            f"<nav>Journal of Nanobiotechnology · Articles · Submit</nav><main><article>"
            f"<div class='c-article-body'>{paragraphs}</div></article></main><footer>© 2024 BioMed Central</footer>"
            f"</body></html>")


def test_springer_page_authors_and_affiliations_come_from_meta_tags(tmp_path):
    path = tmp_path / "notice.html"
    path.write_text(springer_page(SEED.read_text(encoding="utf-8")), encoding="utf-8")
    assert detect(path).name == "html"
    (record,) = list(parse_html(path))
    notice = record.notice
    assert (notice.nature, notice.doi, notice.date, notice.publisher) == (
        Nature.RETRACTION, NOTICE_DOI, "2024-05-31", "BioMed Central")
    (article,) = notice.articles
    assert article.doi == ARTICLE_DOI
    assert article.title.startswith("Copper-based metal organic framework")
    by_name = {p.name: [article.organizations[i].name for i in p.affiliations] for p in article.authors}
    assert by_name["Pilei Si"] == ["Department of Breast Surgery, Henan Provincial People's Hospital",
                                   "Henan Provincial Engineering Research Center of Breast Cancer Precise "
                                   "Prevention and Treatment"]
    countries = {o.name: o.country for o in article.organizations}
    assert countries["College of Bioengineering, Chongqing University"] == "People's Republic of China"
    assert {p.stance for p in article.authors} == {Stance.AGREES}
    for claim in notice.reasons:
        for span in claim.evidence:
            assert notice.text[span.start:span.end] == span.exact


@pytest.mark.parametrize("written, read", [
    ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("0000000218250097", "0000-0002-1825-0097"),
    ("https://orcid.org/0000-0002-1825-0098", ""),  # a wrong check digit: not an ORCID iD
])
def test_a_page_gives_an_authors_orcid_in_any_written_form_and_only_a_valid_one(tmp_path, written, read):
    """In meta tags and in JSON-LD alike, read as every other source's (`normalize_orcid`)."""
    head = ("<meta name='citation_title' content='Retraction Note: Effects of light on leaves'>"
            "<meta name='citation_doi' content='10.1000/notice.1'>")
    text = "<body><article><h1>Retraction Note</h1><p>The authors have retracted this article because the " \
           "data are unreliable. All authors agree with this retraction.</p></article></body>"
    meta = ("<meta name='citation_author' content='Josiah Carberry'>"
            f"<meta name='citation_author_orcid' content='{written}'>")
    ld = ('<script type="application/ld+json">{"@type": "ScholarlyArticle", "headline": "Retraction Note", '
          f'"author": [{{"@type": "Person", "name": "Josiah Carberry", "sameAs": "https://orcid.org/{written.split("/")[-1]}"}}]}}'
          "</script>")
    for name, page in (("meta.html", head + meta), ("ld.html", head + ld)):
        path = tmp_path / name
        path.write_text(f"<html><head>{page}</head>{text}</html>", encoding="utf-8")
        (record,) = list(parse_html(path))
        people = [p for work in (record.notice, *record.notice.articles) for p in work.authors]
        assert [p.orcid for p in people if p.name == "Josiah Carberry"] == [read], name


def test_page_that_is_not_html_enough_is_an_error(tmp_path):
    path = tmp_path / "blank.html"
    path.write_text("<html><head></head><body><nav>menu</nav></body></html>", encoding="utf-8")
    with pytest.raises(IngestError) as raised:
        list(parse_html(path))
    assert str(path) in str(raised.value)


def test_page_article_type_tells_the_kind_when_the_title_does_not(tmp_path):
    path = tmp_path / "eoc.html"
    path.write_text(
        "<html><head><meta name='citation_title' content='Effects of light on leaves'>"
        "<meta name='citation_article_type' content='Expression of Concern'>"
        "<meta name='citation_authors' content='Wang, Sijie; Yin, Na'></head><body><article>"
        "<p>The journal has been made aware of concerns about the images in Figure 2. An investigation is "
        "ongoing.</p></article></body></html>", encoding="utf-8")
    (record,) = list(parse_html(path))
    assert record.notice.nature is Nature.EXPRESSION_OF_CONCERN
    assert record.notice.title == "Effects of light on leaves"
    # A notice titled as its article, which the page's article type says the title does not name: the title is
    # the article's, and so its label ("Expression of concern: Effects of light on leaves").
    (article,) = record.notice.articles
    assert [p.name for p in article.authors] == ["Sijie Wang", "Na Yin"]
    assert article.title == "Effects of light on leaves" and not (article.doi or article.pmid)


def test_gzipped_pdf_and_page_are_read(seed_pdf, tmp_path):
    pdf = tmp_path / "notice.pdf.gz"
    pdf.write_bytes(gzip.compress(seed_pdf.read_bytes()))
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress(PLOS_PAGE.read_bytes()))
    assert (detect(pdf).name, detect(page).name) == ("pdf", "html")
    assert next(parse_pdf(pdf)).notice.articles[0].doi == ARTICLE_DOI
    assert next(parse_html(page)).notice.doi == "10.1371/journal.pone.0278502"
