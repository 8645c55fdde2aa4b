"""A deliverable as a PDF: `diagnostics/deliverables/print.html` laid out by WeasyPrint (as the
partnership sheet: nothing fetched but data: URLs)."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from maillage.impact.reports import css_string

from .model import Document, in_language

CONTENT_TYPE = "application/pdf"


def render_print_html(document: Document) -> str:
    with in_language(document.language):
        title = f"{document.title} · {document.name}"
        return render_to_string(
            "diagnostics/deliverables/print.html",
            {
                "document": document,
                "title": title,
                "css": {
                    "header": css_string(title),
                    "workspace": css_string(document.workspace),
                    "page": css_string(_("Page")),
                },
            },
        )


def render_pdf(document: Document) -> bytes:
    from weasyprint import HTML  # imported on use: loading it takes a moment
    from weasyprint.urls import URLFetcher

    html = render_print_html(document)
    fetcher = URLFetcher(allowed_protocols=["data"])
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
