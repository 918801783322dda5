"""Horizontal bar charts drawn on the server as SVG (no JavaScript): the geometry only.

The template `workspace/_bar_chart.html` draws what `bar_chart` computes. Widths are integer
pixels from exact (Decimal) ratios, rounded half up; a non-zero value is never drawn as
nothing. Each series has a fill pattern as well as a colour, and every bar has its value
written beside it, so the chart reads without colour (WCAG 1.4.1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# The canvas, in SVG user units (the SVG scales to the page's width through its viewBox).
WIDTH = 760
LABEL_WIDTH = 230  # the category names, left of the bars
VALUE_WIDTH = 140  # the values, written right of each bar
BAR_SPAN = WIDTH - LABEL_WIDTH - VALUE_WIDTH
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 12
TOP = 30  # room for the legend

# One pattern per series, in order: solid, hatched, dotted (ids of the template's <pattern>s).
PATTERNS = ("solid", "hatch", "dots")


def bar_width(value: Decimal | int, maximum: Decimal | int, span: int = BAR_SPAN) -> int:
    """The bar's width in whole units: value / maximum of `span`, half up; at least 1 for a
    value above zero, 0 for zero or less (a chart of amounts never draws a negative bar)."""
    value, maximum = Decimal(value), Decimal(maximum)
    if value <= 0 or maximum <= 0:
        return 0
    width = int((value * span / maximum).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return max(1, min(width, span))


@dataclass(frozen=True, slots=True)
class Bar:
    series: str
    pattern: str
    value: Decimal | int
    text: str
    x: int
    y: int
    width: int
    height: int
    text_x: int
    text_y: int


@dataclass(frozen=True, slots=True)
class Group:
    label: str
    label_y: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True, slots=True)
class LegendItem:
    series: str
    pattern: str
    x: int


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    label_x: int
    groups: tuple[Group, ...]
    legend: tuple[LegendItem, ...]


def bar_chart(
    *,
    id: str,
    title: str,
    description: str,
    series: Sequence[str],
    categories: Sequence[tuple[str, Sequence[Decimal | int]]],
    text: Callable[[Decimal | int], str] = str,
) -> Chart:
    """A chart of `categories` [(label, one value per series)], all bars on one scale."""
    maximum = max((v for _label, values in categories for v in values), default=0)
    y = TOP
    groups = []
    for label, values in categories:
        bars = []
        top = y
        for index, (name, value) in enumerate(zip(series, values, strict=True)):
            width = bar_width(value, maximum)
            bars.append(
                Bar(
                    series=name,
                    pattern=PATTERNS[index % len(PATTERNS)],
                    value=value,
                    text=text(value),
                    x=LABEL_WIDTH,
                    y=y,
                    width=width,
                    height=BAR_HEIGHT,
                    text_x=LABEL_WIDTH + width + 6,
                    text_y=y + BAR_HEIGHT - 4,
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        middle = (top + y - BAR_GAP) // 2 + 4
        groups.append(Group(label=label, label_y=middle, bars=tuple(bars)))
        y += GROUP_GAP
    legend = tuple(
        LegendItem(series=name, pattern=PATTERNS[i % len(PATTERNS)], x=LABEL_WIDTH + i * 180)
        for i, name in enumerate(series)
    )
    return Chart(
        id=id,
        title=title,
        description=description,
        width=WIDTH,
        height=y,
        label_x=LABEL_WIDTH - 8,
        groups=tuple(groups),
        legend=legend if len(series) > 1 else (),
    )
