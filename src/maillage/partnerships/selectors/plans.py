"""Reads of the experiment plan and the MasterPlan page: a fixed number of queries whatever
the number of axes, results, milestones, rituals and roles."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from maillage.core import gantt
from maillage.impact import rollup
from maillage.impact.models import Measurement
from maillage.impact.selectors import format_value

from ..models import AxisResult, ExperimentPlan, MasterPlan, Milestone, WorkAxis


@dataclass
class ResultProgress:
    """A result with the latest measurement of its period against its target."""

    result: AxisResult
    start: date | None = None
    end: date | None = None
    actual: Measurement | None = None
    progress: rollup.Progress | None = None

    @property
    def target(self):
        return self.result.target

    @property
    def target_display(self) -> str:
        target = self.result.target
        if target is None:
            return ""
        if target.value is None:
            return target.text
        return format_value(target.value, self.result.indicator)

    @property
    def actual_display(self) -> str:
        if self.actual is None:
            return ""
        if self.actual.value is None:
            return self.actual.text_value
        return format_value(self.actual.value, self.result.indicator)

    @property
    def meter(self) -> int | None:
        """The progress as 0–100 for a <progress> bar (None when it does not read so)."""
        if self.progress is None or self.progress.percent is None:
            return None
        return max(0, min(100, int(self.progress.percent)))


@dataclass
class AxisView:
    axis: WorkAxis
    by_horizon: dict[int, list[ResultProgress]] = field(default_factory=dict)

    @property
    def three(self) -> list[ResultProgress]:
        return self.by_horizon.get(3, [])

    @property
    def six(self) -> list[ResultProgress]:
        return self.by_horizon.get(6, [])

    @property
    def columns(self) -> list[tuple[list[ResultProgress], int]]:
        return [(self.three, 3), (self.six, 6)]


def experiment_plan(partnership) -> ExperimentPlan | None:
    """The plan, with the labels of what it tests and of its tools (`test_labels`,
    `tool_labels`)."""
    plan = ExperimentPlan.objects.filter(partnership=partnership).first()
    if plan is not None:
        plan.test_labels = ExperimentPlan._meta.get_field("tests").labels(plan.tests)
        plan.tool_labels = ExperimentPlan._meta.get_field("tools").labels(plan.tools)
    return plan


def masterplan(partnership) -> MasterPlan | None:
    return MasterPlan.objects.filter(partnership=partnership).first()


def results_with_progress(partnership) -> list[ResultProgress]:
    """Each result with the latest measurement of its tracked indicator whose period ends in
    the target's period (two queries)."""
    results = list(
        AxisResult.objects.filter(partnership=partnership)
        .select_related("indicator", "target")
        .order_by("axis_id", "horizon", "id")
    )
    found = [
        ResultProgress(
            r,
            r.target.period_start if r.target else None,
            r.target.period_end if r.target else None,
        )
        for r in results
    ]
    windows = [p for p in found if p.start is not None]
    if not windows:
        return found
    measurements = (
        Measurement.objects.filter(
            tracked_id__in={p.result.target.tracked_id for p in windows},
            period_end__gte=min(p.start for p in windows),
            period_end__lte=max(p.end for p in windows),
        )
        .only("tracked_id", "period_start", "period_end", "value", "text_value")
        .order_by("period_end", "id")
    )
    by_tracked = defaultdict(list)
    for measurement in measurements:
        by_tracked[measurement.tracked_id].append(measurement)
    for item in windows:
        inside = [
            m
            for m in by_tracked[item.result.target.tracked_id]
            if item.start <= m.period_end <= item.end
        ]
        item.actual = inside[-1] if inside else None
        if item.actual is not None:
            item.progress = rollup.progress(
                item.actual.value, item.result.target.value, item.result.indicator.direction
            )
    return found


def axes_with_results(partnership) -> list[AxisView]:
    axes = list(WorkAxis.objects.filter(partnership=partnership).order_by("position", "id"))
    views = {axis.pk: AxisView(axis) for axis in axes}
    for item in results_with_progress(partnership):
        view = views.get(item.result.axis_id)
        if view is not None:
            view.by_horizon.setdefault(item.result.horizon, []).append(item)
    return [views[axis.pk] for axis in axes]


def milestones(partnership) -> list[Milestone]:
    return list(
        Milestone.objects.filter(partnership=partnership)
        .select_related("axis")
        .order_by("due_date", "id")
    )


def plans_page(partnership, today: date | None = None) -> dict:
    """Everything the plans page shows."""
    today = today or timezone.localdate()
    axes = axes_with_results(partnership)
    steps = milestones(partnership)
    return {
        "experiment": experiment_plan(partnership),
        "masterplan": masterplan(partnership),
        "axes": axes,
        "milestones": steps,
        "gantt": gantt.build(steps, today, axes=[view.axis for view in axes]),
        "rituals": list(partnership.rituals.order_by("name", "id")),
        "roles": list(partnership.governance_roles.select_related("member__actor").order_by("id")),
        "today": today,
    }
