"""The funder report of an agreement (CERFA 15059 "compte rendu financier"): the page, the
explanation of a line's variance (HTMX, members only), and the downloads (XLSX, DOCX, PDF,
JSON), all laid out from one report model (`finance.reports.cerfa.build_report`).

Salaries: a time item's hourly rate and amount are shown, on the page and in every download,
only to members with `Membership.can_view_sensitive`; the others see the person, the dates and
the hours, and every line's total.
"""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.exceptions import StaleObjectError
from maillage.core.exports import content_disposition
from maillage.core.forms import add_service_error
from maillage.workspaces.access import get_in_workspace, require_member

from ..forms.reports import ExplanationForm
from ..models import FundingAgreement
from ..reports import cerfa_docx, cerfa_json, cerfa_pdf, cerfa_xlsx
from ..reports import cerfa_layout as layout
from ..reports.cerfa import Report, build_report
from ..selectors import reports as selectors
from ..services import reports as services


def _agreement(request, pk) -> FundingAgreement:
    return get_in_workspace(
        FundingAgreement.objects.select_related("funder", "workspace"), request, pk=pk
    )


def _sensitive(request) -> bool:
    return bool(request.membership.can_view_sensitive)


def _report_url(request, agreement, anchor: str = "") -> str:
    url = reverse(
        "finance:agreement_report",
        kwargs={"workspace_slug": request.workspace.slug, "pk": agreement.pk},
    )
    return f"{url}#{anchor}" if anchor else url


def _sides(request, report: Report):
    return layout.sides(
        report,
        sensitive=_sensitive(request),
        links=layout.Links(request.workspace),
        versions=selectors.explanation_versions(report.agreement),
    )


def agreement_report(request, workspace_slug, pk):
    agreement = _agreement(request, pk)
    report = build_report(agreement)
    charges, products = _sides(request, report)
    return render(
        request,
        "finance/agreement_report.html",
        {
            "agreement": agreement,
            "report": report,
            "facts": layout.header(report),
            "charges": charges,
            "products": products,
            "missing": [row for row in charges + products if row.missing_explanation],
            "plan": layout.funding_plan(report),
            "other_agreements": layout.other_agreements(report),
            "indicators": layout.indicator_rows(report),
            "sensitive": _sensitive(request),
            "can_write": request.membership.can_write,
            "in_kind_note": layout.in_kind_note(),
            "threshold_note": layout.threshold_note(report),
            "downloads": _downloads(request, agreement),
        },
    )


def _downloads(request, agreement) -> list[tuple[str, str, str]]:
    """(label, URL, description) of each format."""
    kwargs = {"workspace_slug": request.workspace.slug, "pk": agreement.pk}
    return [
        (label, reverse(f"finance:agreement_report_{name}", kwargs=kwargs), description)
        for name, label, description in (
            ("pdf", "PDF", _("to print and sign")),
            ("docx", "Word", _("to edit")),
            ("xlsx", "Excel", _("with the detail of every line")),
            ("json", "JSON", _("for other software")),
        )
    ]


# --- explanations ----------------------------------------------------------------------------


@require_POST
@require_member
def agreement_report_explanation(request, workspace_slug, pk):
    """Save one line's explanation. With HTMX, answer the line (its <tbody>) and, out of band,
    the banner of the explanations still missing; 409 when the explanation changed meanwhile,
    422 when it is refused. Without HTMX, back to the page."""
    agreement = _agreement(request, pk)
    form = ExplanationForm(request.POST)
    status = 200
    line = request.POST.get("line", "")
    if line not in services.EXPLAINABLE_LINES:
        return HttpResponseBadRequest(_("This is not a line of the report."))
    if form.is_valid():
        try:
            services.variance_explanation_set(
                workspace=request.workspace,
                user=request.user,
                agreement=agreement,
                line=line,
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except StaleObjectError as error:
            add_service_error(form, error)
            status = 409
        except ValidationError as error:
            add_service_error(form, error)
            status = 422
    else:
        status = 422
    anchor = "line-" + line.replace(":", "-")
    if not request.htmx:
        if status == 200:
            messages.success(request, _("Explanation saved."))
        else:
            errors = [str(e) for errors in form.errors.values() for e in errors]
            messages.error(request, " ".join(errors))
        return redirect(_report_url(request, agreement, anchor))

    report = build_report(agreement)
    charges, products = _sides(request, report)
    rows = charges + products
    row = next(r for r in rows if r.line.key == line)
    context = {
        "row": row,
        "agreement": agreement,
        "can_write": True,
        "sensitive": _sensitive(request),
        "missing": [r for r in rows if r.missing_explanation],
        "saved": status == 200,
        "draft": row.line.explanation,
        "version": row.version,
        "errors": [],
    }
    if status != 200:
        context.update(
            draft=request.POST.get("text", ""),
            errors=[str(e) for errors in form.errors.values() for e in errors],
            # After a conflict, the form carries the version now stored: saving again
            # overwrites it knowingly (the page shows the stored text above the form).
            version=row.version if status == 409 else request.POST.get("version", row.version),
        )
    return render(request, "finance/_report_explanation_response.html", context, status=status)


# --- downloads -------------------------------------------------------------------------------


def _download(request, pk, extension: str):
    agreement = _agreement(request, pk)
    language = layout.language_or_default(request.GET.get("language"))
    report = layout.build(agreement, language)
    sensitive = _sensitive(request)
    base_url = request.build_absolute_uri("/").rstrip("/")
    if extension == "xlsx":
        content = cerfa_xlsx.render_xlsx(report, sensitive=sensitive, language=language)
        content_type = cerfa_xlsx.CONTENT_TYPE
    elif extension == "docx":
        content = cerfa_docx.render_docx(
            report, sensitive=sensitive, language=language, base_url=base_url
        )
        content_type = cerfa_docx.CONTENT_TYPE
    elif extension == "pdf":
        content = cerfa_pdf.render_pdf(
            report, sensitive=sensitive, language=language, base_url=base_url
        )
        content_type = cerfa_pdf.CONTENT_TYPE
    else:
        content = cerfa_json.render_json(report, sensitive=sensitive).encode()
        content_type = cerfa_json.CONTENT_TYPE
    with layout.in_language(language):
        name = layout.filename(report, extension)
    response = FileResponse(io.BytesIO(content), content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def agreement_report_xlsx(request, workspace_slug, pk):
    return _download(request, pk, "xlsx")


def agreement_report_docx(request, workspace_slug, pk):
    return _download(request, pk, "docx")


def agreement_report_pdf(request, workspace_slug, pk):
    return _download(request, pk, "pdf")


def agreement_report_json(request, workspace_slug, pk):
    return _download(request, pk, "json")


urlpatterns = [
    path("agreements/<int:pk>/report/", agreement_report, name="agreement_report"),
    path(
        "agreements/<int:pk>/report/explanation/",
        agreement_report_explanation,
        name="agreement_report_explanation",
    ),
    path("agreements/<int:pk>/report.xlsx", agreement_report_xlsx, name="agreement_report_xlsx"),
    path("agreements/<int:pk>/report.docx", agreement_report_docx, name="agreement_report_docx"),
    path("agreements/<int:pk>/report.pdf", agreement_report_pdf, name="agreement_report_pdf"),
    path("agreements/<int:pk>/report.json", agreement_report_json, name="agreement_report_json"),
]
