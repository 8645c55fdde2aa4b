"""The socio-economic model page (seed 002): the resource mix by the typology, the three
levers, and the "barycentre" of each year; with the open-data downloads."""

from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from maillage.core.charts import stacked_bar_chart

from ..models import FunderSource
from ..open_data import identity
from ..selectors import socio_economic as selectors
from .funders import typology


def _year(value: str) -> int | None:
    return int(value) if value.isdigit() and 1990 <= int(value) <= 2100 else None


def _mix_chart(model):
    series = {row.label: row.amounts for row in model.mix if row.total}
    if not series:
        return None
    return stacked_bar_chart(
        _("Resources by kind and year"),
        [str(year) for year in model.years],
        series,
        kind="money",
        category_label=_("Year"),
        chart_id="socio-economic-mix",
    )


@require_safe
def socio_economic_model(request, workspace_slug):
    workspace = request.workspace
    model = selectors.socio_economic_model(
        workspace,
        start=_year(request.GET.get("start", "")),
        end=_year(request.GET.get("end", "")),
    )
    return render(
        request,
        "finance/socio_economic.html",
        {
            "model": model,
            "chart": _mix_chart(model) if model.years else None,
            "sources": selectors.SOURCES,
            "public_source": FunderSource.PUBLIC,
            "typology": typology(),
            "organisation": identity.workspace_organisation(workspace),
            "setting_name": identity.SETTING,
            "max_years": selectors.MAX_YEARS,
        },
    )


urlpatterns = [
    path("model/", socio_economic_model, name="socio_economic_model"),
]
