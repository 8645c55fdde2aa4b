"""The finance dashboard: reporting deadlines due (overdue ones first, in red), agreements
ending soon, the year's amounts granted and received, the projects running."""

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.navigation import sections

from ..selectors import agreements as selectors

#: What each section of the module is for, on the dashboard's links.
PURPOSES = {
    "projects": _("Project sheets and their multi-year budgets, planned vs actual."),
    "agreements": _("Amounts, eligible rules, keys, instalments and reporting deadlines."),
    "funders": _("Who brings resources, and the resources outside agreements."),
    "people": _("Staff and volunteers, contracts and hourly costs."),
    "time": _("Hours per person, day and project."),
    "ledger": _("The accounting entries (FEC) and their assignment to projects."),
    "checks": _("Double funding, rates, periods and hours checked."),
    "model": _("The resource mix and the socio-economic model."),
    "settings": _("Productive hours, account mapping, variance threshold."),
}


def finance_home(request, workspace_slug):
    workspace = request.workspace
    today = timezone.localdate()
    deadlines = selectors.deadlines_due(workspace, today)
    running = selectors.projects_running(workspace, today)
    years = selectors.agreement_years(workspace)
    chosen = request.GET.get("year", "")
    year = int(chosen) if chosen.isdigit() and int(chosen) in years else today.year
    return render(
        request,
        "finance/home.html",
        {
            "today": today,
            "overdue": [row for row in deadlines if row.overdue],
            "upcoming": [row for row in deadlines if not row.overdue],
            "due_count": len(deadlines),
            "horizon": selectors.DEADLINE_HORIZON_DAYS,
            "ending": list(selectors.agreements_ending(workspace, today)),
            "ending_horizon": selectors.ENDING_HORIZON_DAYS,
            "figures": selectors.year_figures(workspace, year),
            "years": years,
            "running": list(running[:10]),
            "running_count": running.count(),
            "sections": [
                {**s, "purpose": PURPOSES.get(s["key"], "")}
                for s in sections("finance", workspace)
                if s["key"] != "dashboard"
            ],
        },
    )


urlpatterns = [
    path("", finance_home, name="home"),
]
