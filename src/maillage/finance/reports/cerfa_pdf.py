"""The funder report as a PDF: `finance/report_print.html` laid out by WeasyPrint on A4 pages,
numbered, in the idiom of the impact report (`impact.reports.render_pdf`): the page needs
nothing from outside, and WeasyPrint may fetch nothing but data: URLs."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from maillage.impact.reports import css_string

from . import cerfa_layout as layout
from .cerfa import Report

CONTENT_TYPE = "application/pdf"


def render_print_html(report: Report, *, sensitive: bool, language: str, base_url: str = "") -> str:
    links = layout.Links(report.agreement.workspace, base_url)
    with layout.in_language(language):
        charges, products = layout.sides(report, sensitive=sensitive, links=links)
        detail = [row for row in charges + products if row.items]
        return render_to_string(
            "finance/report_print.html",
            {
                "report": report,
                "language": language,
                "sensitive": sensitive,
                "title": layout.title(),
                "facts": layout.header(report),
                "generated_at": layout.generated_at(report),
                "charges": charges,
                "products": products,
                "detail": detail,
                "explained": layout.explanations(report),
                "plan": layout.funding_plan(report),
                "other_agreements": layout.other_agreements(report),
                "indicators": layout.indicator_rows(report),
                "findings": [
                    (finding, [(item.label, links.absolute(item.url)) for item in finding.items])
                    for finding in report.findings
                ],
                "in_kind_note": layout.in_kind_note(),
                "threshold_note": layout.threshold_note(report),
                "certification": layout.certification(),
                "css": {
                    "header": css_string(f"{layout.title()} · {report.agreement.reference}"),
                    "workspace": css_string(report.agreement.workspace.name),
                    "page": css_string(_("Page")),
                },
            },
        )


def render_pdf(report: Report, *, sensitive: bool, language: str, base_url: str = "") -> bytes:
    from weasyprint import HTML  # imported on use: loading it takes a moment
    from weasyprint.urls import URLFetcher

    html = render_print_html(report, sensitive=sensitive, language=language, base_url=base_url)
    fetcher = URLFetcher(allowed_protocols=["data"])
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
