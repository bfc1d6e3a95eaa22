"""Notice nature: corrections and expressions of concern are never shown as retractions."""

from __future__ import annotations

from pathlib import Path

import pytest

from retractkg.ingest.model import Nature, Role
from retractkg.ingest.reading.actors import find_actors
from retractkg.ingest.reading.nature import classify_nature

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "seed" / "000_40cc8947771e1945.txt"
PAGES = SHARED / "data" / "notices" / "pages"
needs_shared = pytest.mark.skipif(not SEED.exists(), reason="../shared is not present")


@needs_shared
def test_seed_is_a_retraction_by_the_editors_in_chief():
    text = SEED.read_text(encoding="utf-8")
    nature, confidence = classify_nature("Retraction Note: Copper-based metal organic framework", text)
    assert nature is Nature.RETRACTION and confidence >= 0.9
    assert classify_nature("", text)[0] is Nature.RETRACTION
    retracted_by, _ = find_actors(text)
    assert retracted_by == [Role.EDITOR_IN_CHIEF]


@needs_shared
def test_expression_of_concern_page_is_not_a_retraction():
    text = (PAGES / "plosone_eoc_0278502.txt").read_text(encoding="utf-8")
    assert classify_nature("", text)[0] is Nature.EXPRESSION_OF_CONCERN
    assert classify_nature("Expression of Concern: Prognostic value of programmed cell death ligand 1", text)[0] \
        is Nature.EXPRESSION_OF_CONCERN


@needs_shared
def test_correction_page_is_a_correction():
    text = (PAGES / "bmc_correction_s12864-017-3482-3.txt").read_text(encoding="utf-8")
    assert classify_nature("", text)[0] is Nature.CORRECTION
    assert classify_nature("Correction to: Comparative genomics of ...", text)[0] is Nature.CORRECTION


@pytest.mark.parametrize(("title", "text", "expected"), [
    ("Correction to: Retraction Note: A study of things", "In the Retraction Note the date was given incorrectly.",
     Nature.CORRECTION),
    ("Erratum", "The authors have decided to withdraw the paper. This paper was posted before proof review.",
     Nature.WITHDRAWAL),
    ("Retraction notice to “A study”", "This article has been retracted at the request of the Editor-in-Chief.",
     Nature.RETRACTION),
    ("Withdrawal: A study", "This article has been withdrawn at the request of the authors.", Nature.WITHDRAWAL),
    ("Statement of Retraction: A study", "", Nature.RETRACTION),
    ("Statement of Concern: A study", "", Nature.EXPRESSION_OF_CONCERN),
    ("Author Correction: A study", "", Nature.CORRECTION),
    ("", "The editors are issuing an expression of concern to alert readers.", Nature.EXPRESSION_OF_CONCERN),
    ("", "The journal issues this partial retraction of Figure 3 because the panels overlap.",
     Nature.PARTIAL_RETRACTION),
    ("Notice of reinstatement", "The retraction has been withdrawn after the investigation cleared the authors.",
     Nature.REINSTATEMENT),
    ("", "The retraction of this article has been withdrawn after the investigation cleared the authors.",
     Nature.REINSTATEMENT),
    ("", "The authors are retracting Figure 3 from this article because the panels overlap.",
     Nature.PARTIAL_RETRACTION),
    ("", "This article has been removed: please see Elsevier Policy on Article Withdrawal. This article has been "
         "removed at the request of the Editors-in-Chief because of legal concerns.", Nature.REMOVAL),
    ("", "This article has been withdrawn at the request of the author(s) and/or editor. The full Elsevier Policy "
         "on Article Withdrawal can be found at https://www.elsevier.com/locate/withdrawalpolicy.", Nature.WITHDRAWAL),
])
def test_titles_and_statements(title, text, expected):
    assert classify_nature(title, text)[0] is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("There are errors in the Funding section. The correct funding statement is: This work was funded by X.",
     Nature.CORRECTION),
    ("The authors regret that the affiliation of the second author was given incorrectly.", Nature.CORRECTION),
    ("The PLOS ONE Editors issue this Expression of Concern. PLOS will update readers on whether the article should "
     "be retracted once the institution completes its investigation.", Nature.EXPRESSION_OF_CONCERN),
    ("This article has been retracted because the results could not be reproduced.", Nature.RETRACTION),
    ("The concerns were not resolved.In light of the concerns, the PLOS ONE Editors retract this article.",
     Nature.RETRACTION),
    # Performative statements beyond "is retracted":
    ("Accordingly, the Editor-in-Chief and Publisher have issued this Notice of Retraction.", Nature.RETRACTION),
    ("The authors would like to retract the article because large portions duplicate an earlier one.",
     Nature.RETRACTION),
    ("Hence the above article stands retracted from the issue.", Nature.RETRACTION),
    ("The review has been withdrawn from publication by agreement between the author and the editor.",
     Nature.WITHDRAWAL),
    ("Nous tenons à notifier aux lecteurs la rétraction du manuscrit publié en 2015.", Nature.RETRACTION),
    # ... and what stays a possibility or a mention:
    ("The editors would retract the article if the authors cannot provide the raw data.", Nature.UNCLASSIFIED),
    ("This correction concerns the notice of retraction published last year; its date was wrong.",
     Nature.CORRECTION),
    # a correction of a retraction notice retracts nothing itself
    ("An error appeared in this retraction notice. The date of the original article should read 2019.",
     Nature.CORRECTION),
    ("The publisher regrets an error in the retraction notice published on 3 May: the title was misspelled.",
     Nature.CORRECTION),
])
def test_bodies_without_a_title(text, expected):
    assert classify_nature("", text)[0] is expected


# Statements of the kinds above that do not retract this article: a part of it, a future or refused retraction,
# a correction naming a retraction. None may be shown as a retraction.
@pytest.mark.parametrize("text", [
    "The authors would like to retract the statement in this paper that the drug is safe; the corrected sentence "
    "is below.",
    "The journal will issue a retraction notice should the institutional investigation confirm the concerns.",
    "This erratum corrects the notice of retraction published in issue 3: the retraction was issued in error and "
    "the article stands.",
    "No retraction has been agreed yet; the editors are examining the raw data with the institution.",
    "The supplementary file has been withdrawn from publication and replaced with the corrected file.",
    "Nous publions un erratum concernant la rétraction du manuscrit publiée en 2015.",
    "Corrección: la retractación del artículo publicada en 2019 contenía un error en la fecha.",
])
def test_statements_that_do_not_retract_this_article(text):
    assert classify_nature("", text)[0] not in (Nature.RETRACTION, Nature.WITHDRAWAL, Nature.PARTIAL_RETRACTION)


def test_a_word_inside_the_retracted_articles_title_is_not_the_notice_kind():
    title = "Extra corporeal carbon dioxide removal: A reliable modality in refractory hypercapnia: Retraction"
    assert classify_nature(title, "The article is being retracted.")[0] is Nature.RETRACTION
    assert classify_nature("Gamma correction of images", "Figure 1 shows the method.")[0] is Nature.UNCLASSIFIED


def test_no_evidence_is_unclassified_never_retraction():
    nature, confidence = classify_nature("", "Figure 2 shows the growth of the cells over ten days.")
    assert nature is Nature.UNCLASSIFIED and confidence < 0.5
    assert classify_nature("", "")[0] is Nature.UNCLASSIFIED


@pytest.mark.parametrize(("text", "retracted_by", "requested_by"), [
    ("The Publisher and Editor regretfully retract this article [1].", [Role.PUBLISHER, Role.EDITOR], []),
    ("This article has been retracted at the request of the Editor-in-Chief and the authors.", [],
     [Role.EDITOR_IN_CHIEF, Role.AUTHORS]),
    ("The authors have retracted this article because they could not reproduce Fig. 2.", [Role.AUTHORS], []),
    ("Hence the Editorial board of the journal has decided to retract the article.", [Role.EDITORIAL_BOARD], []),
    ("Mathematical Problems in Engineering has retracted this article.", [Role.JOURNAL], []),
    ("The corresponding author has formally requested to retract the above-titled paper.", [], [Role.AUTHORS]),
    ("The University of X advised that the publication should be retracted.", [], [Role.INSTITUTION]),
    ("The above article has been retracted by agreement between the journal Editor in Chief, Jane Roe, and John "
     "Wiley & Sons Ltd.", [Role.EDITOR_IN_CHIEF, Role.PUBLISHER], []),
    ("We, the Editors and Publisher of Journal of Things, have retracted the following article.",
     [Role.EDITOR, Role.PUBLISHER], []),
    ("The senior author (J. Lee) and the first author (S. Y. Jeong) have retracted this review article.",
     [Role.AUTHORS], []),
])
def test_actors(text, retracted_by, requested_by):
    assert find_actors(text) == (retracted_by, requested_by)
