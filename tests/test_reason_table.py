"""The reason rule table (ingest/reading/reason_rules.toml): its examples are its tests (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from retractkg.ingest.reading import reason_table
from retractkg.ingest.reading.prose import statements
from retractkg.ingest.reading.reasons import CALIBRATION, TABLE, find_reasons, read_reasons
from retractkg.ontology.reasons import reason_iri

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
RULES = TABLE.rules
EXAMPLES = [pytest.param(rule, example, id=f"rule{rule.number}-{i}")
            for rule in RULES for i, example in enumerate(rule.examples)]
COUNTEREXAMPLES = [pytest.param(rule, example, id=f"rule{rule.number}-{i}")
                   for rule in RULES for i, example in enumerate(rule.counterexamples)]


def test_the_table_is_whole():
    assert len(RULES) > 100
    assert all(rule.examples for rule in RULES)
    assert [label for rule in RULES for label in rule.reasons if reason_iri(label) is None] == []


@pytest.mark.parametrize(("rule", "example"), EXAMPLES)
def test_every_example_is_found(rule, example):
    assert rule.fires(example)
    assert rule in TABLE.matching(example)
    # ... and the reader gives its reasons, quoting the example.
    claims = {claim.label: claim for claim in find_reasons(example)}
    for label in rule.reasons:
        if label == "Euphemisms for Plagiarism" and "plagi" in example.lower():
            continue  # a notice naming plagiarism has no euphemism for it (reasons.py, _NAMED)
        assert label in claims, (label, sorted(claims))
        assert claims[label].evidence[0].exact in example


@pytest.mark.parametrize(("rule", "example"), COUNTEREXAMPLES)
def test_no_counterexample_is_found(rule, example):
    assert not rule.fires(example)
    assert rule not in TABLE.matching(example)


@pytest.mark.skipif(not SHARED.exists(), reason="../shared is not present")
def test_no_prefilter_blocks_a_match_its_pattern_makes():
    """The anchors the reader uses to skip rules are derived from the patterns: over every sentence of every
    shared notice, the rules it runs find exactly what every rule run on every sentence finds."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "data" / "notices").glob("*/*.txt"))]
    sentences = {s.text for text in texts for s in statements(text)}
    assert len(sentences) > 1500
    fired = 0
    for sentence in sentences:
        everything = [rule for rule in RULES if rule.fires(sentence)]
        assert TABLE.matching(sentence) == everything, sentence
        fired += len(everything)
    assert fired > 500


def test_a_rule_without_a_hand_kept_keyword_is_still_found():
    # The old gate of this rule demanded "discrepanc"; its pattern also reads "data availability ... inconsistent".
    sentence = "The data availability statement was not consistent with the data provided."
    assert "Concerns/Issues about Data" in {claim.label for claim in find_reasons(sentence)}


def test_a_broken_table_names_the_file_and_the_rule(tmp_path):
    table = tmp_path / "rules.toml"
    table.write_text('[[rule]]\nreasons = ["Paper Mill"]\nstrength = 0.8\npatterns = [\'paper\\s+mill\']\n'
                     'examples = ["A paper mill produced it."]\n\n'
                     '[[rule]]\nreasons = ["Hoax Paper"]\nstrength = 0.8\npatterns = [\'hoax(\']\n'
                     'examples = ["A hoax."]\n', encoding="utf-8")
    with pytest.raises(reason_table.RuleTableError, match=rf"{table}: rule 2 \(Hoax Paper\): error"):
        reason_table.load(table)
    table.write_text('[[rule]]\nreasons = ["Hoax Paper"]\nstrength = 0.8\npatterns = [\'{NOPE}\']\n'
                     'examples = ["A hoax."]\n', encoding="utf-8")
    with pytest.raises(reason_table.RuleTableError, match="rule 1 .*unknown block"):
        reason_table.load(table)


def test_a_broken_implication_or_scope_cue_names_the_file(tmp_path):
    table = tmp_path / "rules.toml"
    rule = '[[rule]]\nreasons = ["Paper Mill"]\nstrength = 0.8\npatterns = [\'paper\\s+mill\']\nexamples = ["x"]\n'
    table.write_text(rule + '[[implication]]\nfrom = "Paper Mill"\nimplies = "Hoax Paper"\nshare = 0.5\n'
                     'evidence = "none"\n', encoding="utf-8")
    with pytest.raises(reason_table.RuleTableError, match=rf"{table}: implication 1: `from` is a list"):
        reason_table.load(table)
    table.write_text('[scope]\nhedge = [\'may(\']\n' + rule, encoding="utf-8")
    with pytest.raises(reason_table.RuleTableError, match=rf"{table}: \[scope\] hedge: error"):
        reason_table.load(table)


def test_every_implication_says_which_definition_makes_it():
    assert TABLE.implications
    for implication in TABLE.implications:
        assert reason_iri(implication.implied) is not None
        assert all(reason_iri(label) is not None for label in (*implication.sources, *implication.companions))
        assert implication.evidence


@pytest.mark.skipif(not SHARED.exists(), reason="../shared is not present")
def test_no_confidence_is_hand_picked():
    """Issue 12: a reason's strength before calibration is a rule's strength in the table, or none at all (a reason
    no rule reads: an unplaced error, limited information), never a number typed in the reader; the published
    confidence is the calibration of that (CALIBRATION.probability)."""
    table = {(label, rule.strength) for rule in RULES for label in rule.reasons}
    texts = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "data" / "notices").glob("*/*.txt"))]
    unruled = 0
    for text in texts:
        for claim in read_reasons(text):
            if claim.implied_by or len(claim.evidence) > 1:
                continue  # computed from a source's strength or from several sentences'
            assert claim.confidence is None or (claim.label, claim.confidence) in table, (claim.label, text[:80])
            unruled += claim.confidence is None
    assert unruled > 0
    text = "We discovered a serious error after publication, and we therefore retract this article."
    read = {c.label: c.confidence for c in read_reasons(text)}
    assert "Error in Data" in read and read["Error in Data"] is None
    published = {c.label: c.confidence for c in find_reasons(text)}
    assert published["Error in Data"] == round(CALIBRATION.probability("Error in Data", None), 3)
