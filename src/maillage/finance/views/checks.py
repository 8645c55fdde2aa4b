"""The "Contrôles" page: every finding of the checks, by family, with the amount at stake."""

from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from maillage.core.exports import Column, Kind, csv_response, xlsx_response

from .. import checks


def _families(request):
    findings = checks.run_checks(request.workspace)
    return checks.by_family(findings), findings


@require_GET
def check_list(request, workspace_slug):
    families, findings = _families(request)
    return render(
        request,
        "finance/checks.html",
        {
            "families": families,
            "total_findings": len(findings),
            "total_amount": sum((f.amount for f in findings), checks.ZERO),
        },
    )


def _export_rows(families):
    for family in families:
        for finding in family["findings"]:
            yield {
                "family": str(family["label"]),
                "message": finding.message,
                "amount": finding.amount,
                "items": "; ".join(item.label for item in finding.items),
            }


def _export(request, fmt):
    families, _findings = _families(request)
    columns = [
        Column("family", _("Check"), Kind.TEXT),
        Column("message", _("Finding"), Kind.TEXT, width=80),
        Column("amount", _("Amount at stake (€)"), Kind.MONEY),
        Column("items", _("Items"), Kind.TEXT, width=60),
    ]
    filename = _("checks-%(workspace)s") % {"workspace": request.workspace.slug}
    respond = xlsx_response if fmt == "xlsx" else csv_response
    return respond(filename, columns, _export_rows(families))


@require_GET
def check_export_csv(request, workspace_slug):
    return _export(request, "csv")


@require_GET
def check_export_xlsx(request, workspace_slug):
    return _export(request, "xlsx")


urlpatterns = [
    path("checks/", check_list, name="checks"),
    path("checks/export.csv", check_export_csv, name="checks_export_csv"),
    path("checks/export.xlsx", check_export_xlsx, name="checks_export_xlsx"),
]
