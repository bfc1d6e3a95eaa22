"""Plain-text notices from many publishers, through the Python API and the CLI: layout, citations,
stances, affected items, errors; and every shared development notice read without a crash."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from retractkg.config import Settings
from retractkg.ingest.errors import IngestError
from retractkg.ingest.model import Nature, Stance
from retractkg.ingest.readers.text_notice import parse, read_notice
from retractkg.ingest.reading.affected_items import affected_items
from retractkg.ingest.reading.affiliation import split_affiliation
from retractkg.ingest.reading.author_stances import stated_stances
from retractkg.ingest.reading.citation import find_citations, find_dois, parse_citation
from retractkg.ingest.sources import detect
from retractkg.store import open_store

ROOT = Path(__file__).resolve().parents[1]
NOTICES = ROOT.parent / "shared" / "data" / "notices"
PAGES = NOTICES / "pages"
RETRACTKG = str(Path(sys.executable).with_name("retractkg"))
needs_shared = pytest.mark.skipif(not NOTICES.exists(), reason="../shared is not checked out beside the repo")


def notice_of(name: str):
    (record,) = list(parse(PAGES / name))
    return record.notice


def stances(notice) -> dict[str, Stance]:
    return {p.name: p.stance for a in notice.articles for p in a.authors if p.stance}


# -- citations, dates, affiliations, items -----------------------------------------------------------

@pytest.mark.parametrize(("written", "expected"), [
    ("Journal of Biomedical Science (2014) 21:19",
     {"journal": "Journal of Biomedical Science", "year": "2014", "volume": "21", "article_number": "19"}),
    ("Mol Med (2012) 18:250–259 https://doi.org/10.2119/molmed.2011.00389",
     {"journal": "Mol Med", "year": "2012", "volume": "18", "pages": "250-259", "doi": "10.2119/molmed.2011.00389"}),
    ("Vol. 196, No. 10, November 18, 2002. Pages 1291–1305.",
     {"volume": "196", "issue": "10", "date": "2002-11-18", "pages": "1291-1305"}),
    ("Exp Ther Med 5:711–717, 2013; DOI: 10.3892/etm.2012.868",
     {"journal": "Exp Ther Med", "volume": "5", "pages": "711-717", "year": "2013", "doi": "10.3892/etm.2012.868"}),
    ("Biochimie. 2023 Jan;204:171.", {"journal": "Biochimie", "date": "2023-01", "volume": "204"}),
    ("Lancet 1998; 351: 637-641", {"journal": "Lancet", "year": "1998", "volume": "351", "pages": "637-641"}),
    ("PLoS ONE 12(6): e0179536", {"journal": "PLoS ONE", "volume": "12", "issue": "6", "article_number": "e0179536"}),
    ("J Exp Clin Cancer Res 38, 189 (2019)", {"journal": "J Exp Clin Cancer Res", "volume": "38", "year": "2019"}),
    ("Scientific Reports, published online 13 January 2021", {"journal": "Scientific Reports", "date": "2021-01-13"}),
    ("Korean Journal of Radiology (2003;4:130-135) is", {"journal": "Korean Journal of Radiology", "year": "2003",
                                                         "volume": "4", "pages": "130-135"}),
    ("Mol. Biol. Cell [2004] 15, 4522–4531; published", {"journal": "Mol. Biol. Cell", "year": "2004", "volume": "15",
                                                        "pages": "4522-4531"}),
    ("J. Clin. Biochem. Nutr. 2007, 41(2), 132–138 was", {"journal": "J. Clin. Biochem. Nutr", "year": "2007",
                                                         "volume": "41", "issue": "2", "pages": "132-138"}),
    ("Indian J Dermatol. 2013 Jan-Feb; 58(1): 85 (http", {"journal": "Indian J Dermatol", "date": "2013-01",
                                                         "volume": "58", "issue": "1", "article_number": "85"}),
    ("Volume 446 (issue 1), 2012, pp. 23–36", {"volume": "446", "issue": "1", "year": "2012", "pages": "23-36"}),
    ("Volume 394 (2006), pp. 379–387", {"volume": "394", "year": "2006", "pages": "379-387"}),
    ("pages 435-439, volume 7, issue 3, in the Journal of Neurosciences in Rural Practice has been retracted",
     {"journal": "Journal of Neurosciences in Rural Practice", "volume": "7", "issue": "3", "pages": "435-439"}),
    ("pages S171-S176, Issue 6 (Supplement 2, January, 2013), vol. 55 of Indian Journal of Psychiatry[1] is",
     {"journal": "Indian Journal of Psychiatry", "volume": "55", "issue": "6", "pages": "S171-S176"}),
    ("pages S131-132, Supplement 2-Part I, Vol. 4, 2014 of Journal of Pharmacy and Bioallied Sciences[1], is",
     {"journal": "Journal of Pharmacy and Bioallied Sciences", "volume": "4", "year": "2014", "pages": "S131-132"}),
    ("Annals of Maxillofacial Surgery on pages 272-277, issue 2, volume 6,[1] is",
     {"journal": "Annals of Maxillofacial Surgery", "volume": "6", "issue": "2", "pages": "272-277"}),
    ("Annals of Dermatology in Volume 23, Number Supplementary 1, published",
     {"journal": "Annals of Dermatology", "volume": "23", "issue": "Supplementary 1"}),
])
def test_citations_parse_into_parts(written, expected):
    citation = parse_citation(written)
    assert citation is not None
    assert {key: getattr(citation, key) for key in expected} == expected


def test_prose_is_not_a_citation():
    assert parse_citation("The Editors-in-Chief have retracted this article after concerns were raised.") is None
    # prose before a journal's name is not part of it (the prose reader finds the citation after "published in")
    assert parse_citation("This is a duplicate of research which was published in ASAIO J 2005;51:30–6") is None


# Sentences of PubMed Central notices (CC BY), the PMC id of each beside it. Most also cite a second work, the
# source of the duplicated or plagiarised text: that one must never be taken for the retracted article.
@pytest.mark.parametrize(("text", "expected"), [
    ('The article "Small Cell Carcinoma of the Urinary Bladder: CT and MR Imaging Findings" by Jong Chul Kim, Kie '
     "Hwan Kim, and Seungeun Jung, published in Korean Journal of Radiology (2003;4:130-135) is for the most part "
     'identical to an article by Jong Chul Kim, entitled "CT features of bladder small cell carcinoma" published in '
     "Clinical Imaging (2004;28:201-205).",  # PMC2667590
     ("Korean Journal of Radiology", "2003", "4", "", "130-135", "")),
    ("Jung KH, Roh JK\n\nFrom the Department of Neurology, Seoul National University Hospital, Seoul, Republic of "
     "Korea\n\nWe are retracting our review article [J Clin Neurol 2008;4:139-147], because it was noted that several "
     "expressions of this article were identical to those of previously published paper without the proper citation "
     "[Stroke 2008;39:2158-2165].",  # PMC3391623
     ("J Clin Neurol", "2008", "4", "", "139-147", "")),
    ("This article [Zou et al., Journal of Cardiothoracic Surgery 2011, 6:69] has been retracted at the request of "
     "the Editor [1].",  # PMC3310716
     ("Journal of Cardiothoracic Surgery", "2011", "6", "", "", "69")),
    ("The article published in J. Clin. Biochem. Nutr. 2007, 41(2), 132–138 was withdrawn by the Editors on August "
     "9, 2010, because it was not original work.",  # PMC2966939
     ("J. Clin. Biochem. Nutr", "2007", "41", "2", "132-138", "")),
    ("On September 30, 2011, Annals of Dermatology in Volume 23, Number Supplementary 1, published a case report by "
     "Go JW, et al. on the basal cell nevus syndrome1. In fact, however, the same case had already been reported by "
     "Moon MS, et al.",  # PMC3346927
     ("Annals of Dermatology", "", "23", "Supplementary 1", "", "")),
    ("The article entitled “Assessment of intracranial metastases from neuroendocrine tumors/carcinoma” published on "
     "pages 435-439, volume 7, issue 3, in the Journal of Neurosciences in Rural Practice has been retracted on the "
     "request of the author.",  # PMC5402520
     ("Journal of Neurosciences in Rural Practice", "", "7", "3", "435-439", "")),
    ("It has been brought to the attention of the Editor-in-Chief that the article entitled “6-0 nylon versus 6-0 "
     "vicrylrapide in chieloplasty” published in Annals of Maxillofacial Surgery on pages 272-277, issue 2, volume "
     "6,[1] is a duplicate of a paper that has already been published on pages 83-86, issue 2, volume 3 as "
     "“Comparative analysis of 6-0 nylon and 6-0 vicrylrapide in congenital unilateral cleft lip repair” in Journal "
     "of Cleft Lip Palate and Craniofacial Anomalies.[2]",  # PMC5502508
     ("Annals of Maxillofacial Surgery", "", "6", "2", "272-277", "")),
    ("The following article is being retracted due to duplicate publications.\n\nDevi Charan Shetty: “Case series on "
     "vascular malformation and their review with regard to terminology and categorization”. published in: "
     "Contemporary Clinical Dentistry 2010,1:259-262.",  # PMC3636837
     ("Contemporary Clinical Dentistry", "2010", "1", "", "259-262", "")),
    # a Vancouver reference in the prose: the journal is what follows the title's last sentence (PMC4251060)
    ("The authors retract their article, Albayrak G, Aykut K, Karacelikon M, et al. Bedside Surgery to Treat Patent "
     "Ductus Arteriosus in Low-Birth-Weight Premature Infants. Open Journal of Cardiovascular Surgery. 2014;7:1–4. "
     "doi:10.4137/OJCS.S16156, on the basis of non-compliance with IRB requirements at their institution.",
     ("Open Journal of Cardiovascular Surgery", "2014", "7", "", "1-4", "")),
])
def test_the_retracted_articles_citation_is_read_from_the_prose(text, expected):
    (article,) = read_notice(text).articles
    assert (article.journal.name, article.year, article.volume, article.issue, article.pages,
            article.article_number) == expected


def test_published_in_volume_is_no_journal_and_pages_are_no_date():
    ((citation, _, _),) = find_citations("The authors have retracted this article (Published in Volume 12, Issue 3, "
                                         "Pages 45-67, March 2019) because of image duplication.")
    assert (citation.journal, citation.volume, citation.issue, citation.pages) == ("", "12", "3", "45-67")


@pytest.mark.parametrize("text", [
    # the only citation is the earlier work this one duplicates (PMC5628974, shortened)
    "The following article from The Korean Journal of Thoracic and Cardiovascular Surgery, “Effect of pulsatile "
    "versus nonpulsatile blood flow on renal tissue perfusion in extracorporeal circulation [1],” has been retracted."
    "\n\nThis is a duplicate publication of the same research which was published in ASAIO J 2005;51:30–6 as “The "
    "effects of pulsatile flow upon renal tissue perfusion during cardiopulmonary bypass [2].”",
    "This article has been retracted: it copies large parts of a paper previously published in Ann Surg "
    "2010;5:100-105.",
    # two works named, neither said to be the retracted one (PMC4898413, shortened)
    "A reader has highlighted the extensive similarities between:\n\n1) Ahmed Ghaleb, Arjang Khorasani, and Devanand "
    "Mangar. Postdural Puncture Headache. Anesthesiol Res Pract. 2010; 2010: 102967.\n\nAnd\n\n2) Ghaleb A, "
    "Khorasani A, and Mangar D. Post-dural puncture headache. Int J Gen Med 2012:5 45–51.",
    # the work the material came from, named "the following published article" (PMC5080483)
    "Journal of Pregnancy has retracted the article titled “Antenatal Steroid Therapy for Fetal Lung Maturation and "
    "the Subsequent Risk of Childhood Asthma: A Longitudinal Analysis” [1]. The article was found to contain a "
    "substantial amount of material from the following published article by the same authors: D. Pole, C. A. "
    "Mustard, T. To, J. Beyene, and A. C. Allen, “Antenatal steroid therapy for fetal lung maturation: is there an "
    "association with childhood asthma?” Journal of Asthma, vol. 46, no. 1, pp. 47–52, 2009.",
    "This paper has been retracted because it reuses data from Smith et al. (Lancet 2010;375:100-110).",
    "This article has been retracted: it copies large parts of a paper by the same group in Acta Biochim. Pol. "
    "2010;57:1-5.",
    # the other journal's issue, whose month range is no journal name (PMC3793570)
    "The article; “Full-mouth rehabilitation of a patient with severe attrition using the Hobo Twin-Stage "
    "Procedure” has been published in Journal of Contemporary Clinical Dentistry (Jan-Mar-2012-Vol.3-Issue-1) as "
    "well as in International Journal of Prosthodontics and Restorative Dentistry (October-December "
    "2011;1(3):177-181 Issue). Hence the Editorial Team has retracted the article from Contemporary Clinical "
    "Dentistry.",
])
def test_a_cited_work_that_is_not_the_retracted_one_is_not_taken_for_it(text):
    for article in read_notice(text).articles:
        assert (article.volume, article.pages, article.article_number) == ("", "", ""), article


def test_the_retracted_articles_quoted_title_is_taken_before_the_copied_works():
    """"The article “...”" opens the notice, whatever its case; the work it copied is named "entitled" later."""
    text = ("The article, “Neutrophil extracellular traps: Their role in periodontal disease.” published in J Indian "
            "Soc Periodontol 2014;18:693-7[1] is being retracted due to plagiarism. It has been found that the article "
            "contains several sections copied from an earlier article entitled, “Neutrophil extracellular traps as a "
            "new paradigm in innate immunity: Friend or foe?” Periodontol 2000 2013; 63:165-97.[2]")  # PMC4439617
    (article,) = read_notice(text).articles
    assert article.title == "Neutrophil extracellular traps: Their role in periodontal disease"


def test_dois_are_cut_where_the_source_glued_text_to_them():
    text = "(DOI: 10.1080/21623945.2018.1551688)Since publication ... 10.1186/1472-6882-13-222The Editor"
    assert [doi for doi, _, _ in find_dois(text)] == ["10.1080/21623945.2018.1551688", "10.1186/1472-6882-13-222"]


@pytest.mark.parametrize(("written", "parts"), [
    ("Karolinska Institutet, SE-171 77 Stockholm, Sweden",
     ("Karolinska Institutet", "Stockholm", "SE-171 77", "Sweden")),
    ("Stanford University, Stanford, CA 94305, USA", ("Stanford University", "Stanford", "94305", "USA")),
    ("Department of Physics, University of Oxford, Oxford OX1 3PU, UK",
     ("Department of Physics, University of Oxford", "Oxford", "OX1 3PU", "UK")),
])
def test_affiliations_split_into_organisation_and_address(written, parts):
    org = split_affiliation(written)
    assert (org.name, org.locality, org.postal_code, org.country) == parts


def test_affected_items_read_lists_and_leave_out_other_works():
    assert affected_items("errors in Figs. 4c, 7h and 7j; also Figs. 3m and 4c\n\nand g and 7c.") == [
        "Fig. 3m", "Fig. 4c", "Fig. 4g", "Fig. 7c", "Fig. 7h", "Fig. 7j"]
    assert affected_items("overlapping panels in Figs. 3A-C and Table 2") == [
        "Fig. 3A", "Fig. 3B", "Fig. 3C", "Table 2"]
    text = ("7 panels in Figure 2a appear to be the same as panels in Figure 2a of a previous article [1] "
            "(Med Sci Monit, 2018; 24: 5874-5880 DOI: 10.12659/MSM.909682, Fig. 2B)")
    assert affected_items(text) == ["Fig. 2a"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Author John Smith agrees with this retraction.", [("John Smith", Stance.AGREES)]),
    ("Co-author Dr. Jane Doe did not respond.", [("Jane Doe", Stance.NO_RESPONSE)]),
    ("Corresponding Author Wang Li did not respond to correspondence from the editors.",
     [("Wang Li", Stance.NO_RESPONSE)]),
    ("Senior author Professor Jane Doe agrees with the retraction.", [("Jane Doe", Stance.AGREES)]),
    # the authors named, not every author
    ("The authors John Smith and Jane Doe disagree with this retraction.",
     [("John Smith", Stance.DISAGREES), ("Jane Doe", Stance.DISAGREES)]),
    ("Neither Jane Doe nor John Smith agrees with this retraction.",
     [("Jane Doe", Stance.DISAGREES), ("John Smith", Stance.DISAGREES)]),
])
def test_who_a_stance_is_stated_for_and_which(text, expected):
    assert [(s.name, s.stance) for s in stated_stances(text)] == expected


# -- real notices from the web -------------------------------------------------------------------

@needs_shared
def test_per_author_stances_as_stated():
    notice = notice_of("springer_jbs_s12929-024-01066-x.txt")
    assert stances(notice) == {
        "Giorgio Ivan Russo": Stance.AGREES,
        "Alessandra Bitto": Stance.DISAGREES, "Giuseppe Morgia": Stance.DISAGREES,
        "Letteria Minutoli": Stance.NO_RESPONSE, "Herbert Marini": Stance.NO_RESPONSE,
        "Natasha Irrera": Stance.NO_RESPONSE, "Salvatore Arena": Stance.NO_RESPONSE,
        "Sebastiano Cimino": Stance.NO_RESPONSE,
        "Mariagrazia Rinaldi": Stance.UNREACHABLE, "Gabriele Pizzino": Stance.UNREACHABLE,
        "Domenica Altavilla": Stance.DECEASED, "Francesco Squadrito": Stance.DECEASED,
    }
    for person in notice.articles[0].authors:
        span = person.stance_evidence
        assert notice.text[span.start:span.end] == span.exact


@needs_shared
def test_citation_header_gives_the_retracted_article():
    article = notice_of("springer_jbs_s12929-024-01066-x.txt").articles[0]
    assert (article.journal.name, article.year, article.volume, article.article_number) == (
        "Journal of Biomedical Science", "2014", "21", "19")
    article = notice_of("springer_molmed_s10020-020-00264-1.txt").articles[0]
    assert (article.doi, article.volume, article.pages) == ("10.2119/molmed.2011.00389", "18", "250-259")
    article = notice_of("bmc_neurosci_PMC11484371.txt").articles[0]
    assert article.doi == "10.1186/1471-2202-13-115"


@needs_shared
def test_scientific_reports_stances_and_citation():
    notice = notice_of("nature_scirep_s41598-022-15749-8.txt")
    assert stances(notice) == {"Nasrullah Khan": Stance.DISAGREES, "Muhammad Aslam": Stance.DISAGREES,
                               "P. Jeyadurga": Stance.NO_RESPONSE, "S. Balamurali": Stance.NO_RESPONSE}
    assert notice.articles[0].date == "2021-01-13"


@needs_shared
def test_expression_of_concern_and_correction_are_not_retractions():
    eoc = notice_of("plosone_eoc_0278502.txt")
    assert eoc.nature is Nature.EXPRESSION_OF_CONCERN
    assert (eoc.doi, eoc.date) == ("10.1371/journal.pone.0278502", "2022-11-28")
    (article,) = eoc.articles
    assert (article.doi, article.pmid) == ("10.1371/journal.pone.0179536", "28604812")
    assert notice_of("bmc_correction_s12864-017-3482-3.txt").nature is Nature.CORRECTION


@needs_shared
def test_page_notices_publishers_and_journals():
    assert notice_of("elsevier_biochimie_pmid36623910.txt").publisher == "Elsevier"
    assert notice_of("frontiers_endocrinology_via_rw_blog.txt").journal.name == "Frontiers in Endocrinology"
    assert notice_of("hindawi_mpe_2021_5547762.txt").journal.name == "Mathematical Problems in Engineering"
    assert notice_of("bmc_neurosci_PMC11484371.txt").publisher == "Springer Nature"


@needs_shared
def test_text_without_line_breaks_still_yields_the_article():
    (record,) = list(parse(NOTICES / "europepmc_2023" / "MED37189206.txt"))
    article = record.notice.articles[0]
    assert (article.journal.name, article.volume, article.article_number, article.year, article.doi) == (
        "J Exp Clin Cancer Res", "38", "189", "2019", "10.1186/s13046-019-1193-0")
    assert record.notice.reasons, "the masked citation must not hide the prose"


@needs_shared
def test_every_shared_notice_reads_with_exact_evidence():
    files = sorted([*PAGES.glob("*.txt"), *(NOTICES / "pmc").glob("*.txt"),
                    *(NOTICES / "europepmc_2023").glob("*.txt")])
    assert len(files) > 300
    for path in files:
        (record,) = list(parse(path))
        notice = record.notice
        spans = [s for claim in notice.reasons for s in claim.evidence]
        spans += [p.stance_evidence for a in notice.articles for p in a.authors if p.stance_evidence]
        for span in spans:
            assert notice.text[span.start:span.end] == span.exact, path.name


@needs_shared
def test_pmc_sidecar_dois_are_found_when_the_text_states_them():
    agree = disagree = 0
    for sidecar in sorted((NOTICES / "pmc").glob("*.json")):
        expected = (json.loads(sidecar.read_text()).get("retracted_article") or [{}])[0]
        if expected.get("id_type") != "doi" or not expected.get("id"):
            continue
        (record,) = list(parse(sidecar.with_suffix(".txt")))
        found = record.notice.articles[0].doi if record.notice.articles else ""
        if found:
            agree += found == expected["id"].lower()
            disagree += found != expected["id"].lower()
    assert agree >= 10 and disagree == 0


def test_licence_footer_and_publishers_note_are_not_reasons():
    text = ("Retraction Note: A study of things\n\nThe Editors have retracted this article because of duplicated "
            "images in Fig. 2.\n\nPublisher's Note\n\nSpringer Nature remains neutral with regard to jurisdictional "
            "claims in published maps and institutional affiliations.\n\n© The Author(s) 2024. Open Access This "
            "article is licensed under a Creative Commons Attribution 4.0 International License.")
    notice = read_notice(text)
    quoted = [s.exact for claim in notice.reasons for s in claim.evidence]
    assert quoted and not [q for q in quoted if "neutral" in q or "Creative Commons" in q]
    assert notice.license == "http://creativecommons.org/licenses/by/4.0/"
    assert notice.publisher == "Springer Nature"


# -- bad input -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"), (b"   \n\n  ", "empty"), (b"\x00\x01\x02binary\x00", "binary"), (b"12 34 56\n", "no prose"),
])
def test_unreadable_text_is_an_error_naming_the_file(tmp_path, content, message):
    path = tmp_path / "notice.txt"
    path.write_bytes(content)
    with pytest.raises(IngestError) as raised:
        list(parse(path))
    assert str(path) in str(raised.value) and message in str(raised.value)


def test_cli_reports_bad_files_and_keeps_what_is_stored(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Retraction Note: Journal of Biomedical Science (2014) 21:19\n\nThe Editor-in-Chief retracted "
                    "this article because of duplicated gels in Figure 1.\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    store = tmp_path / "store"
    result = subprocess.run([RETRACTKG, "ingest", str(good), str(empty), "--store", str(store), "--quiet"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert str(empty) in result.stderr
    with open_store(Settings(store_path=store)) as opened:
        assert bool(opened.query("ASK { ?n <http://purl.org/spar/cito/retracts> ?a }"))


def test_a_notice_naming_nothing_is_kept_with_a_warning_and_validates_with_a_remark(tmp_path):
    body = tmp_path / "body.txt"  # a PubMed Central body: "this article [1]", and no reference list
    body.write_text("The publisher has retracted this article [1] because it was republished in error [2] due to "
                    "technical reasons. The publisher apologizes to the authors and readers for the error.\n",
                    encoding="utf-8")
    store = tmp_path / "store"
    result = subprocess.run([RETRACTKG, "ingest", str(body), "--store", str(store), "--quiet"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert f"warning: {body}: names no article it concerns" in result.stderr
    checked = subprocess.run([RETRACTKG, "validate", "--store", str(store), "--quiet"],
                             capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.startswith("Conforms, with remarks: 1 warning(s)")
    assert "links at least one article" in checked.stdout


def test_an_article_named_only_through_its_authors_stances_is_kept_as_this_notices_article(tmp_path):
    """"X and Y disagree with this retraction" with no citation: the article is the notice's own, not merged
    with another notice's unnamed article, and the stances are stored (iitbhu_idr_2127, shortened)."""
    paths = []
    for name, authors in (("a.txt", "Pallab Bhattacharya, Sudip Paul and Ranjana Patnaik"), ("b.txt", "John Smith")):
        paths.append(tmp_path / name)
        paths[-1].write_text("The Editors-in-Chief have retracted this article because panels in Figure 2a appear "
                             f"to be the same as panels of a previous article [1]. {authors} disagree with this "
                             "retraction.\n", encoding="utf-8")
    store = tmp_path / "store"
    result = subprocess.run([RETRACTKG, "ingest", *map(str, paths), "--store", str(store), "--quiet"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "names no article" not in result.stderr, result.stderr
    with open_store(Settings(store_path=store)) as opened:
        rows = {(row["n"].value, row["name"].value, row["stance"].value) for row in opened.query("""
            SELECT ?n ?name ?stance WHERE {
              ?n <http://purl.org/spar/cito/retracts> ?a . ?a <http://schema.org/author> ?p .
              ?p <http://schema.org/name> ?name .
              ?s <https://w3id.org/retractkg/ontology#agent> ?p ;
                 <https://w3id.org/retractkg/ontology#stanceValue> ?stance }""")}
    disagrees = "https://w3id.org/retractkg/id/stance/disagrees"
    assert {(name, stance) for _, name, stance in rows} == {
        ("Pallab Bhattacharya", disagrees), ("Sudip Paul", disagrees), ("Ranjana Patnaik", disagrees),
        ("John Smith", disagrees)}
    assert len({notice for notice, _, _ in rows}) == 2  # one article per notice


def test_structured_content_is_not_sniffed_as_a_text_notice(tmp_path):
    for name, content in (("a.json", '{"notice": "Retraction"}'), ("b.xml", "<?xml version='1.0'?><article/>"),
                          ("c.csv", "doi,title,date\n10.1/x,A,2020\n10.1/y,B,2021\n")):
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        with contextlib.suppress(IngestError):  # no reader claims it: also not taken for a notice
            assert detect(path).name != "text", name


ELSEVIER_STYLE = """Journal of Oral Biosciences 65 (2023) 171
Retraction notice to “Effect of things on stuff in mice” [J. Oral Biosci. 60 (2018) 1–10]
Ningning Sun a, Libo Sun b,*
a Department of Oral and Maxillofacial Surgery, China Medical University, Shenyang, 110002, China
b Department of Stomatology, Southwest Medical University, Luzhou, Sichuan, 646000, China
This article has been retracted at the request of the Editor-in-Chief. The journal found duplication of images in
Figs. 2A and 5C.
* Corresponding author. E-mail address: sun@example.org (L. Sun).
"""


def test_elsevier_layout_letter_markers_and_bracketed_citation():
    notice = read_notice(ELSEVIER_STYLE)
    (article,) = notice.articles
    assert article.title == "Effect of things on stuff in mice"
    assert (article.journal.name, article.volume, article.year, article.pages) == ("J. Oral Biosci", "60", "2018",
                                                                                 "1-10")
    assert notice.journal.name == "Journal of Oral Biosciences"  # the page header cites the notice itself
    sun, libo = article.authors
    assert [article.organizations[i].name for i in libo.affiliations] == [
        "Department of Stomatology, Southwest Medical University"]
    assert (libo.corresponding, libo.email, sun.corresponding) == (True, "sun@example.org", False)
    assert article.organizations[1].region == "Sichuan" and article.organizations[1].postal_code == "646000"
    assert notice.affected_items == ["Fig. 2A", "Fig. 5C"]


def test_demo_folder_ingests_and_validates(tmp_path):
    store = tmp_path / "store"
    ingested = subprocess.run([RETRACTKG, "ingest", "--demo", "--store", str(store), "--quiet"],
                              capture_output=True, text=True, timeout=300)
    assert ingested.returncode == 0, ingested.stderr
    assert "SOURCES.md" not in ingested.stdout
    validated = subprocess.run([RETRACTKG, "validate", "--store", str(store)], capture_output=True, text=True,
                               timeout=300)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    with open_store(Settings(store_path=store)) as opened:
        natures = {row["n"].value for row in opened.query(
            "SELECT ?n WHERE { ?x <https://w3id.org/retractkg/ontology#nature> ?n }")}
    assert natures == {"https://w3id.org/retractkg/id/nature/retraction",
                       "https://w3id.org/retractkg/id/nature/expression-of-concern"}


@needs_shared
def test_reference_line_introduced_as_retracted_wins_over_the_duplicate_it_names():
    (record,) = list(parse(NOTICES / "pmc" / "PMC4248516.txt"))
    article = record.notice.articles[0]
    assert (article.journal.name, article.volume, article.pages, article.doi) == (
        "Indian J Dermatol", "54", "229-36", "10.4103/0019-5154.55630")
    assert [(p.given_name, p.family_name) for p in article.authors] == [("MH", "Ezzat"), ("KY", "Shaheen")]


@needs_shared
def test_original_doi_beats_the_notices_own_header_citation():
    (record,) = list(parse(NOTICES / "pmc" / "PMC3519205.txt"))
    article = record.notice.articles[0]
    assert (article.doi, article.volume, article.year, article.pages) == (
        "10.4103/0973-029x.86678", "15", "2011", "272-7")


@needs_shared
def test_a_reference_list_entry_is_not_taken_for_the_article_without_the_notices_pointer():
    (record,) = list(parse(NOTICES / "pmc" / "PMC3655198.txt"))
    assert not [a for a in record.notice.articles if a.journal.name == "Avian Pathol"]


@pytest.mark.parametrize(("sentence", "stance"), [
    ("The authors have been notified and agree with the retraction.", Stance.AGREES),
    ("All the named authors agree to this retraction.", Stance.AGREES),
    ("The article has been retracted by agreement between the authors and the journal.", Stance.AGREES),
    ("The author considers the retraction to be unwarranted and therefore does not agree to the statement.",
     Stance.DISAGREES),
    ("We were unable to contact the authors of the article, despite our best efforts.", Stance.UNREACHABLE),
])
def test_stances_stated_for_all_authors(sentence, stance):
    notice = read_notice(f"Retraction Note: Journal of Things (2019) 4:17\n\n{sentence}\n")
    assert {p.stance for p in notice.articles[0].authors} <= {stance}
    assert [(s.name, s.stance) for s in stated_stances(sentence)] == [("", stance)]


def test_initials_name_authors_of_a_known_byline_only():
    text = ("Retraction Note: Copper and zinc\n\nJun Xu¹, Mei Hua Zhang¹\n\n¹ Department of Chemistry, Zhengzhou "
            "University, Zhengzhou 450001, China\n\nThe Editors retract this article.JX and MHZ did not agree with the "
            "retraction. SW did not respond.\n")
    notice = read_notice(text)
    authors = notice.articles[0].authors
    assert [(p.name, p.stance) for p in authors] == [("Jun Xu", Stance.DISAGREES), ("Mei Hua Zhang", Stance.DISAGREES)]
    assert authors[0].stance_evidence.exact == "JX and MHZ did not agree with the retraction."


def test_a_label_above_an_unprefixed_title_tells_the_kind():
    notice = read_notice("EXPRESSION OF CONCERN\n\nThe journal has been made aware of concerns about the images in "
                         "Figure 2. An investigation is ongoing.")
    assert notice.nature is Nature.EXPRESSION_OF_CONCERN


@needs_shared
def test_a_notice_listing_several_articles_yields_each():
    (record,) = list(parse(NOTICES / "pmc" / "PMC3249713.txt"))
    assert [(a.doi, a.pmid) for a in record.notice.articles] == [
        ("10.4103/0974-2727.72152", "21346899"), ("10.4103/0974-2727.72153", "21346900")]
    assert record.notice.articles[1].title.startswith("Prevalence of Pseudomonas aeruginosa")
    assert [p.name for p in record.notice.articles[1].authors] == [
        "K Prabhat Ranjan", "Neelima Ranjan", "Satish K Bansal", "DR Arora"]


def test_vancouver_reference_authors_are_family_name_first():
    notice = read_notice("The following article is retracted because of duplicate publication:\n\n"
                         "Moazzam MS, Ahmed SM, Bano S. Traumatic haemorrhage of occult phaeochromocytoma in a patient "
                         "with septic shock. J Emerg Trauma Shock 2010;3:300.\n")
    (article,) = notice.articles
    assert (article.journal.name, article.year, article.volume, article.article_number) == (
        "J Emerg Trauma Shock", "2010", "3", "300")
    assert [(p.family_name, p.given_name) for p in article.authors] == [("Moazzam", "MS"), ("Ahmed", "SM"),
                                                                      ("Bano", "S")]


def test_marked_affiliation_known_by_its_address_alone():
    notice = read_notice("Retraction Note: Light and leaves\n\nAnne Martin¹, Paul Durand²\n\n¹CNRS UMR 5086, Lyon, "
                         "France\n²Sorbonne Université, Paris, France\n\nThe Editors have retracted this article.")
    (article,) = notice.articles
    assert [(o.marker, o.name, o.locality, o.country) for o in article.organizations] == [
        ("1", "CNRS UMR 5086", "Lyon", "France"), ("2", "Sorbonne Université", "Paris", "France")]
    assert [p.affiliations for p in article.authors] == [[0], [1]]


def test_wiley_notice_quotes_the_article_in_its_title():
    notice = read_notice(
        "RETRACTION: A. Smith, B. Jones, and C. Lee, “Effects of light on leaf growth,” Journal of Cellular "
        "Biochemistry 120, no. 3 (2019): 1234–1245, https://doi.org/10.1002/jcb.27895.\n\nThe above article, "
        "published online on 5 March 2019 in Wiley Online Library (wileyonlinelibrary.com), has been retracted by "
        "agreement between the journal Editor-in-Chief, Christian Behl; and John Wiley & Sons Ltd.")
    (article,) = notice.articles
    assert (article.title, article.journal.name, article.volume, article.issue, article.pages, article.doi) == (
        "Effects of light on leaf growth", "Journal of Cellular Biochemistry", "120", "3", "1234-1245",
        "10.1002/jcb.27895")
    assert article.date == "2019-03-05"
    assert [p.name for p in article.authors] == ["A. Smith", "B. Jones", "C. Lee"]
    assert notice.publisher == "Wiley"
    assert all(p.stance is None for p in article.authors)  # the agreement is the editor's and the publisher's


def test_taylor_and_francis_labelled_fields():
    notice = read_notice(
        "Statement of Retraction\n\nWe, the Editors and Publisher of Cogent Medicine, have retracted the following "
        "article:\n\nArticle title: The effect of exercise on blood pressure in adults\nAuthors: Smith, J., "
        "Jones, K. and Lee, C.\nJournal: Cogent Medicine\nBibliometrics: Volume 6, Number 1, pages: 1-10\n"
        "DOI: http://dx.doi.org/10.1080/2331205X.2019.1234567\n\nFollowing publication, significant concerns were "
        "raised about the integrity of the data.")
    (article,) = notice.articles
    assert (article.title, article.journal.name, article.volume, article.issue, article.pages, article.doi) == (
        "The effect of exercise on blood pressure in adults", "Cogent Medicine", "6", "1", "1-10",
        "10.1080/2331205x.2019.1234567")
    assert [p.name for p in article.authors] == ["J. Smith", "K. Jones", "C. Lee"]
    assert notice.nature is Nature.RETRACTION


def test_a_sentence_after_retraction_colon_is_prose_not_a_title():
    text = ("Retraction: Due to the authors' negligence during the preparation of this manuscript, the data in "
            "Figure 2 has been duplicated from another study and the article is retracted.\n")
    notice = read_notice(text)
    assert notice.title == ""
    assert notice.affected_items == ["Fig. 2"]  # the sentence stays prose, read for what it says


@needs_shared
def test_author_year_reference_in_the_title_line():
    (record,) = list(parse(NOTICES / "pmc" / "PMC2198959.txt"))
    (article,) = record.notice.articles
    assert (article.journal.name, article.year, article.volume, article.pages) == ("J. Exp. Med", "1995", "181",
                                                                                  "793-798")
    assert [p.name for p in article.authors] == ["M. Kiehntopf", "F. Herrmann", "M.A. Brach"]
    (record,) = list(parse(NOTICES / "pmc" / "PMC5329833.txt"))
    (article,) = record.notice.articles
    assert (article.year, article.volume, article.pages, article.doi) == ("2015", "10", "337-381",
                                                                          "10.1515/med-2015-0067")
    assert article.authors[0].name == "Hu Yine"


def test_mdpi_notice_cites_the_article_in_its_title():
    notice = read_notice("Retraction: Smith, J.; Doe, A.B. Effects of light on leaf growth. Int. J. Mol. Sci. 2019, "
                         "20, 1234\n\nThe journal retracts the article cited above. Following publication, concerns "
                         "were brought to the attention of the editorial office regarding the validity of the data.")
    (article,) = notice.articles
    assert (article.title, article.journal.name, article.year, article.volume, article.article_number) == (
        "Effects of light on leaf growth", "Int. J. Mol. Sci", "2019", "20", "1234")
    assert [p.name for p in article.authors] == ["J. Smith", "A.B. Doe"]


HINDAWI_STYLE = """Retracted: Application of Deep Learning in Sports Training Evaluation

Computational Intelligence and Neuroscience

Received 12 Sept 2023; Accepted 12 Sept 2023; Published 13 Sept 2023

Copyright © 2023 Computational Intelligence and Neuroscience. This is an open access article distributed under the
Creative Commons Attribution License, which permits unrestricted use, distribution, and reproduction in any medium.

Computational Intelligence and Neuroscience has retracted the article titled “Application of Deep Learning in Sports
Training Evaluation” [1] due to concerns that the peer review process has been compromised.

References

[1] S. Pang, “Application of Deep Learning in Sports Training Evaluation,” Computational Intelligence and
Neuroscience, vol. 2022, Article ID 7174405, 10 pages, 2022.
"""


def test_hindawi_layout_reference_one_and_received_published_line():
    notice = read_notice(HINDAWI_STYLE)
    assert (notice.date, notice.journal.name) == ("2023-09-13", "Computational Intelligence and Neuroscience")
    (article,) = notice.articles
    assert (article.title, article.volume, article.article_number, article.year) == (
        "Application of Deep Learning in Sports Training Evaluation", "2022", "7174405", "2022")
    assert [p.name for p in article.authors] == ["S. Pang"]


FRONTIERS_STYLE = """RETRACTION
published: 11 January 2022
doi: 10.3389/fendo.2021.812345

Retraction: Overexpression of microRNA-216a-3p Accelerates the Inflammatory Response in Cardiomyocytes

Frontiers Editorial Office

A Retraction of the Original Research Article
Overexpression of microRNA-216a-3p Accelerates the Inflammatory Response in Cardiomyocytes
by Zhang, Y., Li, X., and Wang, Z. (2020). Front. Endocrinol. 11:572938. doi: 10.3389/fendo.2020.572938

The journal and Chief Editors retract the 27 November 2020 article cited above.
"""


def test_frontiers_layout_own_doi_above_and_the_article_below():
    notice = read_notice(FRONTIERS_STYLE)
    assert (notice.doi, notice.date) == ("10.3389/fendo.2021.812345", "2022-01-11")
    (article,) = notice.articles
    assert (article.doi, article.journal.name, article.volume, article.article_number, article.year, article.date) == (
        "10.3389/fendo.2020.572938", "Front. Endocrinol", "11", "572938", "2020", "2020-11-27")
    assert [p.name for p in article.authors] == ["Y. Zhang", "X. Li", "Z. Wang"]
