"""Geometry for the project page's charts, as pure functions: the templates draw the SVG.

Coordinates are in the units of each chart's ``viewBox``; nothing here queries the database or
formats text for people (the templates localise dates and numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

# The milestone timeline: a label column on the left, then the time axis.
TIMELINE_WIDTH = 960
TIMELINE_LABEL_WIDTH = 260
TIMELINE_RIGHT_PAD = 20
TIMELINE_AXIS_HEIGHT = 44
TIMELINE_ROW_HEIGHT = 28
TIMELINE_BOTTOM_PAD = 12

YEAR_LABEL_ROOM = 40  # room a year's label needs on the axis

DONE, LATE, UPCOMING = "done", "late", "upcoming"


@dataclass(frozen=True)
class Tick:
    """A line on the time axis: ``major`` at a year's start, minor at a month's (or quarter's)."""

    x: float
    day: date
    major: bool
    labelled: bool


@dataclass(frozen=True)
class TimelineRow:
    milestone: object
    state: str
    y: float  # the row's vertical centre
    bar_x: float  # the stretch of work leading to the milestone: from the previous one's due date
    bar_width: float
    due_x: float
    done_x: float | None  # where it was actually done, when that differs from the due date

    @property
    def diamond(self) -> str:
        """The marker at the due date, as SVG polygon points."""
        return diamond_points(self.due_x, self.y, 8)

    @property
    def label_y(self) -> float:
        return self.y + 4


@dataclass(frozen=True)
class Timeline:
    start: date
    end: date
    width: int
    height: int
    plot_left: int
    plot_right: int
    axis_y: int
    ticks: list[Tick]
    rows: list[TimelineRow]
    today: date
    today_x: float | None  # None when today falls outside the chart
    planned_start_x: float | None = None
    planned_end_x: float | None = None

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def plot_bottom(self) -> int:
        return self.height - TIMELINE_BOTTOM_PAD

    @property
    def year_ticks(self) -> list[Tick]:
        return [tick for tick in self.ticks if tick.major]

    @property
    def by_months(self) -> bool:
        """Whether minor ticks carry month names (short spans) rather than being bare quarters."""
        return any(tick.labelled and not tick.major for tick in self.ticks)


def diamond_points(x: float, y: float, r: float) -> str:
    return f"{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}"


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def milestone_state(milestone, today: date) -> str:
    if milestone.completed_on is not None:
        return DONE
    if milestone.due_on < today:
        return LATE
    return UPCOMING


def timeline_span(
    planned_start: date | None, planned_end: date | None, days: list[date], today: date
) -> tuple[date, date]:
    """From the month of the planned start (or the earliest date) to the end of the month of
    the planned end (or the latest date), widened to hold every milestone."""
    candidates = [d for d in days if d is not None]
    start = min([d for d in (planned_start, *candidates) if d is not None], default=today)
    end = max([d for d in (planned_end, *candidates) if d is not None], default=today)
    if end <= start:
        end = start + timedelta(days=31)
    return month_start(start), next_month(end)


def _scale(start: date, end: date, left: float, right: float):
    total = (end - start).days or 1

    def x(day: date) -> float:
        return round(left + (day - start).days * (right - left) / total, 1)

    return x


def axis_ticks(start: date, end: date, x) -> list[Tick]:
    """Year lines always, the first line labelled with its year too; month lines (each
    labelled) up to two years, quarter lines up to six, nothing finer beyond."""
    months = (end.year - start.year) * 12 + end.month - start.month
    step = 1 if months <= 24 else 3 if months <= 72 else 12
    # The first line says its year too, unless the next year's label would overlap it.
    first_year_apart = x(date(start.year + 1, 1, 1)) - x(start) >= YEAR_LABEL_ROOM
    ticks = []
    day = start
    while day <= end:
        major = day.month == 1 or (day == start and first_year_apart)
        if major or day == start or (day.month - 1) % step == 0:
            ticks.append(Tick(x=x(day), day=day, major=major, labelled=major or step == 1))
        day = next_month(day)
    return ticks


def milestone_timeline(
    milestones,
    *,
    planned_start: date | None,
    planned_end: date | None,
    today: date,
    width: int = TIMELINE_WIDTH,
) -> Timeline:
    """One row per milestone, in due order: a bar for the work leading to it (from the previous
    milestone's due date, or the project's start) and a diamond at its due date."""
    milestones = sorted(milestones, key=lambda m: (m.due_on, m.pk or 0))
    days = [m.due_on for m in milestones] + [m.completed_on for m in milestones]
    start, end = timeline_span(planned_start, planned_end, days, today)
    left, right = TIMELINE_LABEL_WIDTH, width - TIMELINE_RIGHT_PAD
    x = _scale(start, end, left, right)

    rows = []
    previous = planned_start or start
    for index, milestone in enumerate(milestones):
        y = TIMELINE_AXIS_HEIGHT + TIMELINE_ROW_HEIGHT * index + TIMELINE_ROW_HEIGHT / 2
        bar_from = min(previous, milestone.due_on)
        done_x = None
        if milestone.completed_on and milestone.completed_on != milestone.due_on:
            done_x = x(milestone.completed_on)
        rows.append(
            TimelineRow(
                milestone=milestone,
                state=milestone_state(milestone, today),
                y=y,
                bar_x=x(bar_from),
                bar_width=round(max(x(milestone.due_on) - x(bar_from), 0.0), 1),
                due_x=x(milestone.due_on),
                done_x=done_x,
            )
        )
        previous = max(previous, milestone.due_on)

    height = TIMELINE_AXIS_HEIGHT + TIMELINE_ROW_HEIGHT * max(len(rows), 1) + TIMELINE_BOTTOM_PAD
    return Timeline(
        start=start,
        end=end,
        width=width,
        height=height,
        plot_left=left,
        plot_right=right,
        axis_y=TIMELINE_AXIS_HEIGHT,
        ticks=axis_ticks(start, end, x),
        rows=rows,
        today=today,
        today_x=x(today) if start <= today <= end else None,
        planned_start_x=x(planned_start) if planned_start else None,
        planned_end_x=x(planned_end) if planned_end else None,
    )


# The indicator chart: a small line chart of the measurements between baseline and target.
CHART_WIDTH = 480
CHART_HEIGHT = 200
CHART_LEFT = 56
CHART_RIGHT = 16
CHART_TOP = 16
CHART_BOTTOM = 36


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    day: date
    value: Decimal


@dataclass(frozen=True)
class ValueTick:
    y: float
    value: Decimal


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    points: list[ChartPoint]
    baseline_y: float
    target_y: float
    value_ticks: list[ValueTick]
    start: date
    end: date
    date_ticks: list[Tick] = field(default_factory=list)

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


def _nice_step(span: Decimal) -> Decimal:
    """A round step (1, 2 or 5 times a power of ten) giving about four intervals."""
    if span <= 0:
        return Decimal(1)
    raw = span / 4
    exponent = raw.adjusted()
    power = Decimal(10) ** exponent
    for multiple in (1, 2, 5, 10):
        step = power * multiple
        if step >= raw:
            return step
    return power * 10  # pragma: no cover - the loop always returns


def value_ticks(low: Decimal, high: Decimal) -> list[Decimal]:
    step = _nice_step(high - low)
    first = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    ticks = []
    value = first
    while value <= high + step / 2 and len(ticks) < 12:
        ticks.append(value.normalize() if value else Decimal(0))
        value += step
    return ticks


def indicator_chart(
    measurements,
    *,
    baseline: Decimal,
    target: Decimal,
    baseline_on: date | None = None,
    target_on: date | None = None,
    width: int = CHART_WIDTH,
    height: int = CHART_HEIGHT,
) -> LineChart | None:
    """The measurements as a line between the baseline and target levels; None without any
    measurement (the table says so)."""
    measurements = sorted(measurements, key=lambda m: m.measured_on)
    if not measurements:
        return None
    days = [m.measured_on for m in measurements] + [d for d in (baseline_on, target_on) if d]
    start, end = min(days), max(days)
    if end <= start:
        start, end = start - timedelta(days=30), end + timedelta(days=30)
    values = [m.value for m in measurements] + [baseline, target]
    ticks = value_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]
    if high == low:
        high = low + 1

    left, right = CHART_LEFT, width - CHART_RIGHT
    top, bottom = CHART_TOP, height - CHART_BOTTOM
    x = _scale(start, end, left, right)

    def y(value: Decimal) -> float:
        return round(bottom - float((value - low) / (high - low)) * (bottom - top), 1)

    years = [
        Tick(x=x(date(year, 1, 1)), day=date(year, 1, 1), major=True, labelled=True)
        for year in range(start.year, end.year + 1)
        if date(year, 1, 1) >= start
    ]
    if not years:
        years = [Tick(x=x(start), day=start, major=True, labelled=True)]
    return LineChart(
        width=width,
        height=height,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
        points=[
            ChartPoint(x(m.measured_on), y(m.value), m.measured_on, m.value) for m in measurements
        ],
        baseline_y=y(baseline),
        target_y=y(target),
        value_ticks=[ValueTick(y(value), value) for value in ticks],
        start=start,
        end=end,
        date_ticks=years,
    )
