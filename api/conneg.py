"""Content negotiation, in one place for every route.

Precedence: an explicit `?format=` (a short name or a media type) beats the `Accept` header;
among `Accept` ranges the highest q wins, then the most specific range, then the server's
order of preference (the order of `offered`). Nothing acceptable -> `NotAcceptable` (406).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


class NotAcceptable(Exception):
    """No offered media type satisfies the request; carries what could have been served."""

    def __init__(self, offered: Sequence[str]) -> None:
        self.offered = list(offered)
        super().__init__("none of the acceptable media types can be served; available: " + ", ".join(offered))


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    params: tuple[tuple[str, str], ...] = ()

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*") + bool(self.params)

    def matches(self, media_type: str) -> bool:
        main, _, sub = media_type.partition("/")
        return self.type in ("*", main) and self.subtype in ("*", sub)


def parse_accept(header: str | None) -> list[MediaRange]:
    """Parse an Accept header; malformed parts are ignored, as RFC 9110 lets servers do."""
    ranges: list[MediaRange] = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        main, sub = media.split("/", 1)
        q = 1.0
        params: list[tuple[str, str]] = []
        for field in fields[1:]:
            name, _, value = field.partition("=")
            name = name.strip().lower()
            if name == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
            elif name:
                params.append((name, value.strip().strip('"')))
        ranges.append(MediaRange(main, sub, q, tuple(params)))
    return ranges


def negotiate(accept: str | None, offered: Sequence[str], *, format: str | None = None,
              aliases: Mapping[str, str] | None = None) -> str:
    """Pick the media type to send from `offered` (most preferred first)."""
    if format:
        chosen = (aliases or {}).get(format.lower(), format.lower())
        if chosen in offered:
            return chosen
        raise NotAcceptable(offered)
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0]
    best: tuple[float, int, int] | None = None
    chosen = ""
    for rank, media_type in enumerate(offered):
        matching = [r for r in ranges if r.matches(media_type)]
        if not matching:
            continue
        most_specific = max(matching, key=lambda r: r.specificity)
        if most_specific.q <= 0:
            continue
        score = (most_specific.q, most_specific.specificity, -rank)
        if best is None or score > best:
            best, chosen = score, media_type
    if not chosen:
        raise NotAcceptable(offered)
    return chosen
