"""Bar charts drawn on the server as inline SVG (no script, no chart library): the geometry of grouped vertical
bars, one group per report line, one bar per figure, every bar a link to the list behind it.

The values are the core's figures as they are (a count, or a rate's percentage to 2 decimals); nothing is
counted here. A rate with an empty denominator (N/A) draws no bar but a marked ``N/A`` that still links.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sohoa.supervision.indicators import Figure
from sohoa.supervision.stats import StatsLine

WIDTH, HEIGHT = 620, 180
"""The drawing's size in px (two charts side by side on a 1366 px screen)."""
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 14, 34
"""Margins around the plot: the value axis on the left, the line labels below."""
MAX_BAR = 48
"""Widest bar, in px (a single line does not fill the chart with three slabs)."""
CHAR_WIDTH = 6
"""Rough width of one character of the 11 px labels, px."""
MIN_LABEL = 44
"""Narrowest group, in px, that gets its own label under it (else every n-th one)."""


@dataclass(frozen=True)
class Bar:
    """One bar (or one N/A mark) and where it leads."""

    x: float
    """Left edge, px."""
    y: float
    """Top edge, px."""
    width: float
    """Width, px."""
    height: float
    """Height, px (at least 2 so that a zero stays visible and focusable)."""
    series: int
    """Index of the figure in the chart's legend (the bar's colour)."""
    figure: str
    """The figure's name (:data:`sohoa.supervision.stats.FIGURES`)."""
    line: str
    """The line's period label."""
    group: str
    """The line's group value; empty when not grouped."""
    shown: str
    """The value drawn, as printed: the count in a chart of counts (``3``), the percentage in a chart of rates
    (``27.27``, ``N/A``)."""
    label: str
    """What it is, for the tooltip and screen readers: ``Trễ hạn, 2026-11: 3 (27.27 %)``."""
    href: str
    """The list of dossiers behind it."""
    value_above: bool
    """Whether the printed value fits above the bar."""


@dataclass(frozen=True)
class Chart:
    """A whole chart, ready to draw."""

    id: str
    """Element id."""
    title: str
    """Heading (Vietnamese)."""
    legend: tuple[str, ...]
    """Name of each figure, in series order."""
    bars: tuple[Bar, ...]
    """Every bar."""
    ticks: tuple[tuple[float, str], ...]
    """(y, label) of the value axis."""
    groups: tuple[tuple[float, str], ...]
    """(centre x, label) of the line labels shown."""
    baseline: float
    """y of the zero line."""
    width: int = WIDTH
    """Drawing width."""
    height: int = HEIGHT
    """Drawing height."""


def _value(figure: Figure, percent: bool) -> Decimal | None:
    if not percent:
        return Decimal(figure.count)
    return figure.percent


def _scale(top: Decimal, percent: bool) -> tuple[float, tuple[float, ...]]:
    """The axis maximum and its tick values: 0-100 for percentages, a round step above the largest count."""
    if percent:
        return 100.0, (0.0, 25.0, 50.0, 75.0, 100.0)
    largest = max(float(top), 1.0)
    step = 10 ** math.floor(math.log10(largest))
    for factor in (1, 2, 5, 10):
        if largest / (step * factor) <= 5:
            step *= factor
            break
    ceiling = step * math.ceil(largest / step)
    return ceiling, tuple(step * i for i in range(int(round(ceiling / step)) + 1))


def bar_chart(chart_id: str, title: str, lines: Sequence[StatsLine], series: Sequence[tuple[str, str]],
              line_label: Callable[[StatsLine], str], href: Callable[[StatsLine, str], str],
              percent: bool = False) -> Chart:
    """Grouped bars of the figures `series` ((name, Vietnamese label) pairs) of every line."""
    values = [[_value(line.figures[name], percent) for name, _ in series] for line in lines]
    top = max((value for row in values for value in row if value is not None), default=Decimal(0))
    ceiling, tick_values = _scale(top, percent)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    band = plot_width / max(len(lines), 1)
    bar_width = min(band * 0.8 / len(series), MAX_BAR)
    inset = (band - bar_width * len(series)) / 2
    bars: list[Bar] = []
    for index, (line, row) in enumerate(zip(lines, values, strict=True)):
        for number, ((name, label), value) in enumerate(zip(series, row, strict=True)):
            x = LEFT + index * band + inset + number * bar_width
            figure = line.figures[name]
            shown = figure.shown if percent else str(figure.count)
            height = 2.0 if value is None else max(2.0, float(value) / ceiling * plot_height)
            unit = " %" if percent and value is not None else ""
            if not percent and figure.of is not None:
                unit = f" ({figure.shown}{' %' if figure.percent is not None else ''})"
            bars.append(Bar(x=round(x, 1), y=round(baseline - height, 1), width=round(max(bar_width - 1, 1), 1),
                            height=round(height, 1), series=number, figure=name, line=line.period,
                            group=line.group or "", shown=shown,
                            label=f"{label}, {line_label(line)}: {shown}{unit}", href=href(line, name),
                            value_above=bar_width >= 16 or value is None and bar_width >= 12))
    widest = max((len(line_label(line)) * CHAR_WIDTH + 8 for line in lines), default=MIN_LABEL)
    every = max(1, math.ceil(max(widest, MIN_LABEL) / band))
    groups = tuple((round(LEFT + (i + 0.5) * band, 1), line_label(line)) for i, line in enumerate(lines) if i % every == 0)
    ticks = tuple((round(baseline - t / ceiling * plot_height, 1), f"{t:g}") for t in tick_values)
    return Chart(id=chart_id, title=title, legend=tuple(label for _, label in series), bars=tuple(bars), ticks=ticks,
                 groups=groups, baseline=baseline)


__all__ = ["Bar", "Chart", "bar_chart"]
