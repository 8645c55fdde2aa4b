"""Reads of the lifecycle: the decision log, the criteria a gate can weigh, and the timeline of
the stages over time."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from ..choices import STAGE_ORDER, Stage, Status
from ..models import AxisResult, ExperimentPlan, GateAttachment, GateDecision, Partnership


def decisions(partnership: Partnership):
    """The log, latest first, with criteria and attachments (three queries whatever its size)."""
    return list(
        GateDecision.objects.filter(partnership=partnership)
        .select_related("recorded_by")
        .prefetch_related("criteria", "attachments")
        .order_by("-decided_on", "-id")
    )


def gate_results(partnership: Partnership):
    """The MasterPlan's results: each is offered as a criterion at a gate."""
    return list(
        AxisResult.objects.filter(partnership=partnership)
        .select_related("axis", "indicator")
        .order_by("axis__position", "axis_id", "horizon", "id")
    )


def candidate_criteria(partnership: Partnership) -> list[str]:
    """Criteria written out and offered at a gate: the experiment plan's success criteria."""
    plan = ExperimentPlan.objects.filter(partnership=partnership).first()
    return plan.criteria_list if plan else []


def attachment(partnership: Partnership, pk: int) -> GateAttachment | None:
    return GateAttachment.objects.filter(decision__partnership=partnership, pk=pk).first()


@dataclass
class Segment:
    stage: str
    label: str
    start: datetime.date
    end: datetime.date
    status: str
    x: float = 0
    width: float = 0

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass
class Marker:
    decision: GateDecision
    x: float = 0


def timeline(partnership: Partnership, log: list[GateDecision], today=None) -> dict:
    """The stages over time, from the start (or creation) to today (or the end), with the
    decisions marked. `x`/`width` are percentages of the whole span, for the SVG."""
    today = today or timezone.localdate()
    ordered = sorted(log, key=lambda d: (d.decided_on, d.id))
    start = partnership.start_date or partnership.created_at.date()
    if ordered and ordered[0].decided_on < start:
        start = ordered[0].decided_on
    stage = ordered[0].stage_before if ordered else partnership.stage
    status = ordered[0].status_before if ordered else partnership.status
    segments: list[Segment] = []
    cursor = start
    for decision in ordered:
        if (decision.stage_after, decision.status_after) != (stage, status):
            if decision.decided_on > cursor:
                segments.append(
                    Segment(stage, Stage(stage).label, cursor, decision.decided_on, status)
                )
                cursor = decision.decided_on
            stage, status = decision.stage_after, decision.status_after
    end = today
    if status == Status.ENDED and ordered:
        end = max(ordered[-1].decided_on, cursor)
    end = max(end, cursor + datetime.timedelta(days=1))
    segments.append(Segment(stage, Stage(stage).label, cursor, end, status))
    span = max((end - start).days, 1)
    for segment in segments:
        segment.x = round(100 * (segment.start - start).days / span, 2)
        segment.width = round(100 * segment.days / span, 2)
    markers = [Marker(d, round(100 * (d.decided_on - start).days / span, 2)) for d in ordered]
    return {
        "start": start,
        "end": end,
        "segments": segments,
        "markers": markers,
        "stages": [(s, Stage(s).label) for s in STAGE_ORDER],
    }
