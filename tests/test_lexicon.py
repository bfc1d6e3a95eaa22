"""The word lists and patterns curators review (`ingest/reading/lexicon/`) are what the readers use."""

from __future__ import annotations

import tomllib

import pytest

from retractkg.ingest.model import Role
from retractkg.ingest.reading.actors import roles_in
from retractkg.ingest.reading.lexicon import FURNITURE_PLACES, HERE, page_furniture, publishers
from retractkg.ingest.reading.notice_facts import publisher_named
from retractkg.ingest.reading.prose import statements


def furniture_rows() -> list[dict]:
    return tomllib.loads((HERE / "page_furniture.toml").read_text(encoding="utf-8"))["furniture"]


def test_every_furniture_pattern_says_where_it_applies_and_sentence_patterns_carry_their_cues():
    rows = furniture_rows()
    assert rows
    for row in rows:
        assert row["where"] and set(row["where"]) <= set(FURNITURE_PLACES), row
        if "sentence" in row["where"]:
            assert row.get("cues") and all(cue == cue.lower() for cue in row["cues"]), row


@pytest.mark.parametrize("sentence", [
    "This article is licensed under a Creative Commons Attribution 4.0 International License.",
    "Springer Nature remains neutral with regard to jurisdictional claims in published maps.",
    "© The Author(s) 2024.",
    "Published online: 31 May 2024",
])
def test_a_boilerplate_sentence_of_the_table_is_never_a_statement(sentence):
    text = f"The authors have retracted this article because the data are unreliable. {sentence}"
    kept = [s.text for s in statements(text)]
    assert kept == ["The authors have retracted this article because the data are unreliable."]


def test_each_furniture_place_has_its_own_expression():
    assert page_furniture("line-start").match("Keywords: retraction")
    assert not page_furniture("line-start").match("The keywords: retraction")  # anchored at the line's start
    assert page_furniture("line").search("Open Access This article is licensed under a Creative Commons licence")
    assert not page_furniture("sentence").search("Keywords: retraction")


@pytest.mark.parametrize("publisher", [p for p in publishers() if p.actor], ids=lambda p: p.name)
def test_a_publisher_the_list_names_as_an_actor_is_read_as_the_publisher(publisher):
    """The actor reader's publisher names come from `publishers.tsv`: each listed one is a publisher acting."""
    assert any(Role.PUBLISHER in roles_in(f"The {written}") for written in (publisher.name, *publisher.cues))


@pytest.mark.parametrize(("furniture", "name"), [
    ("Copyright © 2020 Elsevier B.V. All rights reserved.", "Elsevier"),
    ("Published by PLOS. This is an open access article.", "Public Library of Science"),
    ("Springer Nature remains neutral with regard to jurisdictional claims.", "Springer Nature"),
])
def test_a_notice_names_its_publisher_in_its_furniture(furniture, name):
    assert publisher_named(f"The article has been retracted.\n{furniture}") == name
