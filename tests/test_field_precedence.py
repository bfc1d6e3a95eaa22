"""Field values of a text notice are candidates; `ingest/reading/field_precedence.toml` decides, and
`explain_notice` tells why a value won and which lost."""

from __future__ import annotations

from pathlib import Path

from retractkg.ingest.model import Article, Notice
from retractkg.ingest.readers.text_notice import explain_notice, normalize, read_notice, read_text
from retractkg.ingest.reading.candidates import SOURCE, precedence

DEMO = Path(__file__).resolve().parents[1] / "ingest" / "demo"
SEED = DEMO / "bmc_jnanobiotech_retraction_note_2024.txt"
CITATION_TITLE = DEMO / "bmc_jbiomedsci_retraction_note_2024.txt"


def text_of(path: Path) -> str:
    return normalize(read_text(path, 5_000_000))


def test_every_field_ranks_each_strategy_once_and_a_source_above_what_its_text_suggests():
    for field, strategies in precedence().items():
        assert len(set(strategies)) == len(strategies), field
        assert SOURCE in strategies, field


def test_an_explicit_pointer_to_the_original_beats_the_doi_of_the_header_citation():
    """The seed's header cites the article with its DOI; "The original article can be found online at ..."
    says it outright: both are candidates, the pointer ranks first."""
    text = text_of(SEED)
    decision = explain_notice(text)["article.doi"]
    assert decision.winner.strategy == "original_at"
    assert decision.winner.value == "10.1186/s12951-022-01520-8"
    assert "header_lines" in [c.strategy for c in decision.losers]
    assert "10.1186/s12951-022-01520-8" in text[decision.winner.at:decision.winner.at + 60].lower()  # where read
    assert read_notice(text).articles[0].doi == decision.winner.value


def test_a_title_that_is_a_citation_is_withdrawn_with_its_reason():
    text = text_of(CITATION_TITLE)
    decision = explain_notice(text)["notice.title"]
    assert [c.strategy for c, _ in decision.withdrawn] == ["title_block"]
    assert "citation" in decision.withdrawn[0][1]
    assert (decision.winner.value if decision.winner else "") == read_notice(text).title


def test_a_page_s_metadata_is_a_candidate_ranked_like_the_others():
    """What the page's metadata gave (`source`) wins over the layout's title, and loses the DOI to the notice's
    explicit pointer, as the table ranks them."""
    text = ("Retraction Note: A study of things\n\nThe authors have retracted this article because the data are "
            "unreliable. The original article can be found online at https://doi.org/10.1234/real.5678.")
    metadata = Notice(title="Retraction Note to: A study of things", articles=[Article(doi="10.1234/metadata")])
    decisions = explain_notice(text, metadata)
    assert decisions["notice.title"].winner.strategy == SOURCE
    assert [c.strategy for c in decisions["notice.title"].losers] == ["title_block"]
    assert decisions["article.doi"].winner.strategy == "original_at"
    assert decisions["article.doi"].winner.value == "10.1234/real.5678"
    assert [(c.strategy, c.value) for c in decisions["article.doi"].losers] == [(SOURCE, "10.1234/metadata")]


def test_every_demo_notice_reads_the_same_through_its_explanation():
    for path in sorted(DEMO.glob("*.txt")):
        text = text_of(path)
        notice = read_notice(text)
        for field, decision in explain_notice(text).items():
            if field.startswith("notice.") and decision.winner:
                owner = notice
                for step in field.split(".")[1:-1]:
                    owner = getattr(owner, step)
                assert getattr(owner, field.rsplit(".", 1)[1]) == decision.winner.value, (path.name, field)
