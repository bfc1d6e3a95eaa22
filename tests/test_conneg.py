"""Content negotiation on its own, as browsers and RDF clients send Accept headers."""

from __future__ import annotations

import pytest

from retractkg.api.conneg import NotAcceptable, negotiate, parse_accept

RDF = ["text/html", "application/ld+json", "text/turtle", "application/n-triples", "application/rdf+xml"]
ALIASES = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples"}


@pytest.mark.parametrize(("accept", "expected"), [
    (None, "text/html"),
    ("*/*", "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/ld+json;profile=\"http://www.w3.org/ns/json-ld#compacted\"", "application/ld+json"),
    ("text/turtle;q=0.5, application/rdf+xml", "application/rdf+xml"),
    # a browser
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    # rdflib-style client preferring Turtle but taking anything
    ("text/turtle, application/rdf+xml;q=0.9, */*;q=0.1", "text/turtle"),
    # a wildcard subtype ranks below an exact type of the same q
    ("text/*;q=0.9, application/n-triples;q=0.9", "application/n-triples"),
    ("text/turtle;q=0, */*", "text/html"),
])
def test_negotiate_picks_the_best_offer(accept, expected):
    assert negotiate(accept, RDF) == expected


def test_format_parameter_beats_accept():
    assert negotiate("text/html", RDF, format="ttl", aliases=ALIASES) == "text/turtle"
    assert negotiate("text/html", RDF, format="application/rdf+xml", aliases=ALIASES) == "application/rdf+xml"


def test_nothing_acceptable_is_406_material():
    with pytest.raises(NotAcceptable) as caught:
        negotiate("image/png", RDF)
    assert caught.value.offered == RDF
    with pytest.raises(NotAcceptable):
        negotiate(None, RDF, format="pdf", aliases=ALIASES)
    with pytest.raises(NotAcceptable):
        negotiate("text/turtle;q=0", ["text/turtle"])


def test_malformed_parts_are_ignored():
    ranges = parse_accept("garbage, text/turtle;q=abc, application/ld+json;q=0.7")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [("text", "turtle", 0.0), ("application", "ld+json", 0.7)]
