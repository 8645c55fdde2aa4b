"""The SDG page: which goals and targets the workspace's indicators contribute to, and with what
results over a year (the grid chart with its table, then goal by goal)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max, Min
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from maillage.core.sdg import sdg_label

from .. import charts, selectors
from ..models import Measurement, SdgTarget, Target
from ..selectors import GoalContribution, Summary


@dataclass
class GoalSection:
    """One goal the workspace contributes to, as the page shows it."""

    contribution: GoalContribution
    label: str
    targets: list[tuple[SdgTarget, list[Summary]]] = field(default_factory=list)
    direct: list[Summary] = field(default_factory=list)  # linked to the goal, no target of it

    @property
    def number(self) -> int:
        return self.contribution.number


def _years(workspace) -> list[int]:
    """The years with measurements or targets, and the current one, newest first."""
    today = timezone.localdate()
    first = last = today.year
    for model in (Measurement, Target):
        bounds = model.objects.filter(workspace=workspace).aggregate(
            first=Min("period_end"), last=Max("period_end")
        )
        if bounds["first"]:
            first = min(first, bounds["first"].year)
            last = max(last, bounds["last"].year)
    return list(range(last, first - 1, -1))


def _year(request, years: list[int]) -> int:
    value = request.GET.get("year", "")
    if value.isdigit() and int(value) in years:
        return int(value)
    return timezone.localdate().year


def goal_sections(contributions: list[GoalContribution]) -> list[GoalSection]:
    """The goals with at least one indicator: their targets with the indicators linked to each,
    then the indicators linked to the goal without one of its targets."""
    sections = []
    for contribution in contributions:
        if not contribution.count and not contribution.targets:
            continue
        through_targets = {
            summary.indicator.pk for linked in contribution.targets.values() for summary in linked
        }
        sections.append(
            GoalSection(
                contribution,
                sdg_label(contribution.number),
                list(contribution.targets.items()),
                [s for s in contribution.indicators if s.indicator.pk not in through_targets],
            )
        )
    return sections


@require_GET
def sdg(request, workspace_slug):
    workspace = request.workspace
    years = _years(workspace)
    year = _year(request, years)
    contributions = selectors.sdg_contributions(workspace, date(year, 1, 1), date(year, 12, 31))
    sections = goal_sections(contributions)
    shown = {section.number for section in sections}
    return render(
        request,
        "impact/sdg.html",
        {
            "year": year,
            "years": years,
            "chart": charts.sdg_grid(contributions, period_label=str(year)),
            "sections": sections,
            "idle_goals": [
                {"number": c.number, "label": sdg_label(c.number)}
                for c in contributions
                if c.number not in shown
            ],
            "targets_loaded": SdgTarget.objects.exists(),
        },
    )


urlpatterns = [
    path("sdg/", sdg, name="sdg"),
]
