"""The monthly timesheet of a person, to sign: the document an EU "contrôle de service fait"
(and most public funders) asks for. One table of days (rows) × projects, with the agreement
each column's hours are charged to; totals per day, project and month; the contractual hours of
the month; boxes for the employee's and the manager's signatures and the date.

Rendered as HTML (`finance/timesheet_print.html`) in the active language, then laid out as a
PDF by WeasyPrint, which may fetch nothing (like the impact report).
"""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maillage.core.exports import content_disposition as disposition
from maillage.impact.reports import css_string

from .selectors.time import Timesheet

#: Above this many project columns the page turns to landscape.
PORTRAIT_COLUMNS = 5


def title(sheet: Timesheet) -> str:
    return _("Timesheet of %(month)s") % {"month": date_format(sheet.first_day, "F Y")}


def filename(sheet: Timesheet) -> str:
    name = slugify(sheet.person.full_name) or "person"
    return f"{slugify(_('timesheet'))}-{name}-{sheet.year}-{sheet.month:02d}.pdf"


def content_disposition(sheet: Timesheet) -> str:
    return disposition(filename(sheet), attachment=False)


def render_html(sheet: Timesheet, *, workspace) -> str:
    heading = title(sheet)
    return render_to_string(
        "finance/timesheet_print.html",
        {
            "sheet": sheet,
            "workspace": workspace,
            "title": heading,
            "language": get_language(),
            "landscape": len(sheet.columns) > PORTRAIT_COLUMNS,
            "generated_at": timezone.localtime(),
            "css": {
                "header": css_string(f"{heading} · {sheet.person.full_name}"),
                "workspace": css_string(str(workspace)),
                "page": css_string(_("Page")),
            },
        },
    )


def render_pdf(sheet: Timesheet, *, workspace) -> bytes:
    from weasyprint import HTML  # imported on use: loading it takes a moment
    from weasyprint.urls import URLFetcher

    html = render_html(sheet, workspace=workspace)
    fetcher = URLFetcher(allowed_protocols=["data"])
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
