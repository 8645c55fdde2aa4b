"""A Gantt chart: dated items → rows of bars on a date axis, grouped (pure geometry; used by
the partnerships retro-planning and the diagnostics implementation plan).

The templates (`partnerships/_gantt.html`, `diagnostics/plan_gantt.html`) draw the SVG from
what `build` returns: no inline style (the CSP forbids it), colours as presentation
attributes, a title and description for screen readers, and a data table alongside.
Milestones are grouped by work axis (in the axes' order, those without an axis last), then
ordered by start (or due) date.

Geometry: the chart spans from the first day shown (`start`, the earliest start or due date)
to the last (`end`, the latest due date), both included; a day is `day_width` units wide, so
the date `d` sits at `x(d) = label_width + (d - start).days * day_width`. A bar runs from the
left edge of its first day to the right edge of its due day: a one-day milestone (no start
date, or start = due) is one day wide, never zero, and never narrower than MIN_WIDTH units
(shifted left if needed to stay inside the chart).
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

DONE = "done"
LATE = "late"
UPCOMING = "upcoming"

#: Fill colours (WCAG AA against white text is not needed: bars carry no text).
COLOURS = {DONE: "#198754", LATE: "#b02a37", UPCOMING: "#0d6efd"}

LABEL_WIDTH = 220
CHART_WIDTH = 700
ROW_HEIGHT = 28
BAR_HEIGHT = 16
GROUP_HEIGHT = 26
AXIS_HEIGHT = 30
BOTTOM = 10
#: The narrowest bar drawn, so that a one-day milestone on a long chart stays visible.
MIN_WIDTH = 6


@dataclass
class Bar:
    name: str
    start: date
    due: date
    done_on: date | None
    owner: str
    status: str
    x: float
    width: float
    y: float
    milestone_id: int | None = None
    axis_name: str = ""

    @property
    def fill(self) -> str:
        return COLOURS[self.status]

    @property
    def text_y(self) -> float:
        return self.y + BAR_HEIGHT - 4

    @property
    def days(self) -> int:
        return (self.due - self.start).days + 1


@dataclass
class Group:
    name: str
    y: float
    bars: list[Bar] = field(default_factory=list)

    @property
    def text_y(self) -> float:
        return self.y + GROUP_HEIGHT - 8


@dataclass
class Tick:
    day: date
    x: float


@dataclass
class Gantt:
    groups: list[Group]
    start: date | None
    end: date | None
    width: int
    height: int
    today: date
    today_x: float | None
    ticks: list[Tick]
    label_width: int = LABEL_WIDTH
    axis_y: int = AXIS_HEIGHT

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def bars(self) -> list[Bar]:
        return [bar for group in self.groups for bar in group.bars]

    @property
    def chart_bottom(self) -> int:
        return self.height - BOTTOM


def status_of(due: date, done_on: date | None, today: date) -> str:
    """Done once a done date is set; late when due before today and not done; else to come."""
    if done_on is not None:
        return DONE
    if due < today:
        return LATE
    return UPCOMING


MAX_TICKS = 12


def month_starts(start: date, end: date) -> list[date]:
    """The first day of each month in [start, end] (`start` itself when none is), thinned to
    at most MAX_TICKS labels (every 2nd, 3rd… month)."""
    days = [start] if start.day == 1 else []
    current = date(start.year, start.month, 1)
    while True:
        current = current + timedelta(days=calendar.monthrange(current.year, current.month)[1])
        if current > end:
            break
        days.append(current)
    if not days:
        return [start]
    step = -(-len(days) // MAX_TICKS)
    return days[::step]


def build(milestones, today: date, *, axes=(), width: int = CHART_WIDTH) -> Gantt:
    """The chart of `milestones` (objects with name, start_date, due_date, done_on, owner,
    axis_id, pk), grouped by `axes` (objects with pk and name, in their order)."""
    milestones = list(milestones)
    if not milestones:
        return Gantt([], None, None, LABEL_WIDTH + width, AXIS_HEIGHT + BOTTOM, today, None, [])
    starts = [m.start_date or m.due_date for m in milestones]
    start = min(starts)
    end = max(m.due_date for m in milestones)
    span = (end - start).days + 1
    day_width = width / span

    def x(day: date) -> float:
        return round(LABEL_WIDTH + (day - start).days * day_width, 2)

    names = {axis.pk: axis.name for axis in axes}
    order = {axis.pk: index for index, axis in enumerate(axes)}
    by_axis: dict = {}
    for milestone in milestones:
        key = milestone.axis_id if milestone.axis_id in names else None
        by_axis.setdefault(key, []).append(milestone)
    keys = sorted(by_axis, key=lambda k: (k is None, order.get(k, 0)))

    groups = []
    y = AXIS_HEIGHT
    for key in keys:
        group = Group(names.get(key, ""), y)
        y += GROUP_HEIGHT
        rows = sorted(
            by_axis[key],
            key=lambda m: (m.start_date or m.due_date, m.due_date, m.name, m.pk or 0),
        )
        for m in rows:
            first = m.start_date or m.due_date
            group.bars.append(
                Bar(
                    name=m.name,
                    start=first,
                    due=m.due_date,
                    done_on=m.done_on,
                    owner=m.owner,
                    status=status_of(m.due_date, m.done_on, today),
                    x=x(first),
                    width=round((m.due_date - first).days + 1) * day_width,
                    y=y + (ROW_HEIGHT - BAR_HEIGHT) / 2,
                    milestone_id=m.pk,
                    axis_name=group.name,
                )
            )
            y += ROW_HEIGHT
        groups.append(group)
    right = LABEL_WIDTH + width
    for group in groups:
        for bar in group.bars:
            # A short bar stays visible (MIN_WIDTH), drawn inside the chart.
            bar.width = round(max(bar.width, MIN_WIDTH), 2)
            bar.x = round(min(bar.x, right - bar.width), 2)
    today_x = x(today) if start <= today <= end else None
    ticks = [Tick(day, x(day)) for day in month_starts(start, end)]
    return Gantt(groups, start, end, LABEL_WIDTH + width, y + BOTTOM, today, today_x, ticks)
