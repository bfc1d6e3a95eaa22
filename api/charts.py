"""Charts drawn by the server as inline SVG: readable with no script (the pages' policy runs none inline
and loads nothing from elsewhere), accessible (`role="img"` with a title and a description, and the same
numbers as a table beside each chart), and printed with thousands separators.

This module lays the chart out (positions, colours, the text of every label); `templates/_charts.html`
writes it as SVG. The counts come from the per-notice statistics (`retractkg.store.notice_statistics`).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 12, 34
# Natures in the order a reader expects them stacked; others follow in order of size.
NATURE_ORDER = ("Retraction", "Expression of concern", "Correction", "Reinstatement")
PALETTE = ("#b3261e", "#e8a33d", "#3f7fbf", "#5b9a58", "#8e6bb8", "#7a7a7a", "#c2185b", "#00897b")


def thousands(n: int) -> str:
    return f"{n:,}"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass
class Chart:
    """A chart laid out: shapes, axis labels, legend, and the same data as a table."""
    id: str
    title: str
    description: str
    width: int
    height: int
    rects: list[Rect] = field(default_factory=list)
    labels: list[Text] = field(default_factory=list)
    gridlines: list[float] = field(default_factory=list)  # heights of horizontal lines, from LEFT to width - RIGHT
    legend: list[tuple[str, str]] = field(default_factory=list)  # (color, label)
    table_head: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)


def _nice_top(value: int) -> int:
    """The axis maximum: the value rounded up to 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _series_order(names: set[str]) -> list[str]:
    return [n for n in NATURE_ORDER if n in names] + sorted(names - set(NATURE_ORDER))


def stacked_by_year(chart_id: str, title: str, counts: list[tuple[str, str, int]]) -> Chart | None:
    """Notices per year, each year's bar stacked by series (nature): `counts` are (year, series, notices).
    None when there is nothing to draw."""
    by_year: dict[str, dict[str, int]] = defaultdict(dict)
    for year, series, n in counts:
        if year.isdigit() and n:
            by_year[year][series] = by_year[year].get(series, 0) + n
    if not by_year:
        return None
    first, last = int(min(by_year)), int(max(by_year))
    years = [str(y) for y in range(first, last + 1)]
    series = _series_order({s for values in by_year.values() for s in values})
    colors = dict(zip(series, itertools.cycle(PALETTE), strict=False))
    totals = {y: sum(by_year.get(y, {}).values()) for y in years}
    top = _nice_top(max(totals.values()))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(years)
    bar = max(slot * 0.8, 1.0)
    peak = max(totals, key=lambda y: totals[y])
    grand = sum(totals.values())
    chart = Chart(chart_id, title, f"{thousands(grand)} notices from {first} to {last}; the most, "
                                   f"{thousands(totals[peak])}, in {peak}. Bars are stacked by "
                                   f"{'nature' if len(series) > 1 else series[0]}: " + ", ".join(series) + ".",
                  WIDTH, HEIGHT, legend=[(colors[s], s) for s in series],
                  table_head=["Year", *series, "Total"])
    for i, year in enumerate(years):
        x = LEFT + i * slot + (slot - bar) / 2
        base = TOP + plot_h
        for s in series:
            n = by_year.get(year, {}).get(s, 0)
            if not n:
                continue
            h = plot_h * n / top
            base -= h
            chart.rects.append(Rect(round(x, 2), round(base, 2), round(bar, 2), round(h, 2), colors[s],
                                    f"{year}: {thousands(n)} × {s}"))
        if totals[year]:
            chart.table_rows.append([year, *(thousands(by_year[year].get(s, 0)) for s in series),
                                     thousands(totals[year])])
    every = max(1, -(-len(years) // 12))  # at most about 12 year labels
    for i, year in enumerate(years):
        # The last year is always labelled; a periodic label too close before it would overlap it.
        if i == len(years) - 1 or (i % every == 0 and len(years) - 1 - i >= every):
            chart.labels.append(Text(round(LEFT + i * slot + slot / 2, 2), HEIGHT - BOTTOM + 16, year))
    for fraction in (0, 0.5, 1):
        y = round(TOP + plot_h * (1 - fraction), 2)
        chart.gridlines.append(y)
        chart.labels.append(Text(LEFT - 6, y + 4, thousands(int(top * fraction)), anchor="end"))
    return chart


def ranked_bars(chart_id: str, title: str, counts: list[tuple[str, int]], *, what: str = "notices") -> Chart | None:
    """Horizontal bars of (label, count), most first, as given. None when there is nothing to draw."""
    counts = [(label, n) for label, n in counts if n]
    if not counts:
        return None
    row, label_w, right = 22, 260, 70
    height = TOP + row * len(counts) + 8
    top = max(n for _, n in counts)
    plot_w = WIDTH - label_w - right
    leader, most = counts[0]
    chart = Chart(chart_id, title, f"{len(counts)} bars, longest first; the first, {leader}, has "
                                   f"{thousands(most)} {what}.", WIDTH, height,
                  table_head=["", what.capitalize()])
    for i, (label, n) in enumerate(counts):
        y = TOP + i * row
        w = max(plot_w * n / top, 1.0)
        chart.rects.append(Rect(label_w, y + 3, round(w, 2), row - 6, PALETTE[0], f"{label}: {thousands(n)} {what}"))
        short = label if len(label) <= 40 else label[:39] + "…"
        chart.labels.append(Text(label_w - 6, y + row / 2 + 4, short, anchor="end"))
        chart.labels.append(Text(round(label_w + w + 4, 2), y + row / 2 + 4, thousands(n), anchor="start"))
        chart.table_rows.append([label, thousands(n)])
    return chart
