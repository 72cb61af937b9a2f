"""Geometry of server-rendered SVG charts: pure functions, the templates draw the SVG.

The pages and the PDF reports share these helpers. Widths are percentages of the chart, so
an inline SVG with a fixed height stays readable from a phone to a wide screen without
scaling its text; labels are formatted in the active language.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.money import euro

# The smallest visible bar, so that a small non-zero amount is not mistaken for nothing.
MIN_VISIBLE_PERCENT = Decimal("0.5")


@dataclass(frozen=True)
class Bar:
    """One bar: its label line on top (label left, value right), the bar below it."""

    label: str
    value: Decimal
    value_label: str
    css_class: str
    text_y: int  # baseline of the label line
    y: int  # top of the bar
    x: str  # SVG attributes, percentages of the chart's width: "0%", "42.50%"
    width: str
    height: int
    percent: Decimal  # of the largest value, 0–100


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int


def _percent(value: Decimal, largest: Decimal) -> Decimal:
    if largest <= 0 or value <= 0:
        return Decimal(0)
    share = value * 100 / largest
    return max(share, MIN_VISIBLE_PERCENT).quantize(Decimal("0.01"))


def horizontal_bars(
    items: Sequence[tuple[str, Decimal, str]],
    *,
    formatter: Callable[[Decimal], str] = euro,
    label_height: int = 22,
    bar_height: int = 18,
    gap: int = 16,
) -> BarChart:
    """Bars for ``items`` (label, value, CSS class), the largest value filling the width.

    Negative values (a net of reversals can be) draw no bar but keep their label.
    """
    largest = max((value for _label, value, _css in items), default=Decimal(0))
    bars = []
    top = 0
    for label, value, css_class in items:
        percent = _percent(value, largest)
        bars.append(
            Bar(
                label=label,
                value=value,
                value_label=formatter(value),
                css_class=css_class,
                text_y=top + label_height - 6,
                y=top + label_height,
                # SVG attributes, not display text: always a dot as the decimal separator.
                x="0%",
                width=f"{percent:.2f}%",
                height=bar_height,
                percent=percent,
            )
        )
        top += label_height + bar_height + gap
    return BarChart(bars=bars, height=max(top - gap, 0))
