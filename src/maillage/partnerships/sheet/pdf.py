"""The partnership sheet as a PDF: `partnerships/sheet/print.html` laid out by WeasyPrint on
numbered A4 pages, like the impact report (`impact.reports.render_pdf`): the page needs nothing
from outside, and WeasyPrint may fetch nothing but data: URLs."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from maillage.impact.reports import css_string

from .model import Sheet, in_language

CONTENT_TYPE = "application/pdf"


def render_print_html(sheet: Sheet) -> str:
    with in_language(sheet.language):
        title = f"{_('Partnership sheet')} · {sheet.name}"
        return render_to_string(
            "partnerships/sheet/print.html",
            {
                "document": sheet,
                "title": title,
                "css": {
                    "header": css_string(title),
                    "workspace": css_string(sheet.workspace),
                    "page": css_string(_("Page")),
                },
            },
        )


def render_pdf(sheet: Sheet) -> bytes:
    from weasyprint import HTML  # imported on use: loading it takes a moment
    from weasyprint.urls import URLFetcher

    html = render_print_html(sheet)
    fetcher = URLFetcher(allowed_protocols=["data"])
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
