"""Coverage matrices (seed 004): territorial level × profile and × mission, as a heat map whose
cells open the actor list, and their XLSX export. The counting is in `ecosystem.matrices`."""

import io

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from maillage.core.exports import XLSX_CONTENT_TYPE, content_disposition

from .. import selectors
from ..matrices import cell_params, coverage_matrix, describe_filters, write_matrices_xlsx
from ..search import filters_from_request

#: GET parameters of the filters hidden under "More filters" (opened when one is set).
ADVANCED_FILTERS = (
    "level",
    "profile",
    "mission",
    "audience",
    "sdg",
    "network_head",
    "unverified_days",
)


def filter_context(request, form, filters) -> dict:
    """What the shared filter fields (`ecosystem/matrices_filters.html`) need; also used by the
    map page."""
    return {
        "form": form,
        "filters": filters,
        "has_filters": not filters.is_empty,
        "territory_label": selectors.territory_label(filters.territory),
        "territory_choices": selectors.territory_choices(),
        "territory_is_listed": filters.territory.startswith(("region:", "department:")),
        "query_string": request.GET.urlencode(),
    }


def _matrix_view(matrix, list_url: str) -> dict:
    rows = []
    for row, cells, total in matrix.table():
        rows.append(
            {
                "header": row,
                "cells": [
                    {
                        "cell": cell,
                        "url": ""
                        if cell.is_gap
                        else f"{list_url}?{urlencode(cell_params(matrix, row, cell.column))}",
                    }
                    for cell in cells
                ],
                "total": total,
            }
        )
    return {"matrix": matrix, "rows": rows, "legend": matrix.heat_ranges()}


@require_GET
def matrices(request, workspace_slug):
    workspace = request.workspace
    form, filters = filters_from_request(request, workspace)
    filters.q = ""  # the matrices count every actor of the filters; the text query is the list's
    detailed = request.GET.get("columns") == "detailed"
    list_url = reverse("ecosystem:home", kwargs={"workspace_slug": workspace.slug})
    profile = coverage_matrix(workspace, filters, "profile_detailed" if detailed else "profile")
    mission = coverage_matrix(workspace, filters, "mission")
    return render(
        request,
        "ecosystem/matrices.html",
        {
            **filter_context(request, form, filters),
            "detailed": detailed,
            "described_filters": describe_filters(workspace, filters),
            "matrices": [_matrix_view(profile, list_url), _matrix_view(mission, list_url)],
            "advanced_open": any(request.GET.get(name) for name in ADVANCED_FILTERS),
        },
    )


@require_GET
def matrices_xlsx(request, workspace_slug):
    workspace = request.workspace
    _form, filters = filters_from_request(request, workspace)
    filters.q = ""
    matrices = [
        coverage_matrix(workspace, filters, kind)
        for kind in ("profile", "profile_detailed", "mission")
    ]
    buffer = io.BytesIO()  # a few kilobytes: three small tables
    write_matrices_xlsx(buffer, workspace, filters, matrices)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        f"{workspace.slug}-{_('coverage-matrices')}.xlsx"
    )
    return response


urlpatterns = [
    path("matrices/", matrices, name="matrices"),
    path("matrices/export.xlsx", matrices_xlsx, name="matrices_xlsx"),
]
