"""The funder report as a workbook (openpyxl), three sheets:

- "Compte rendu" ("Financial report"): the header, then the charges and the products in the
  form's order with planned, actual, ratio, variance and explanation; the totals; the
  contributions in kind below them; then the indicators and the findings;
- "Détail" ("Detail"): every drill-down item with its line, adding up to the line;
- "Plan de financement" ("Funding plan"): per eligible category, this funder, each other
  agreement and the association's own funds.

Amounts are numbers in euro format (never text), ratios percentages; every text cell is made
safe from formula injection (`core.exports.neutralise`, stored as a string). The sheets' names
are the same words whatever the catalogue says, so that a funder's macro finds them.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from maillage.core.exports import HOURS_NUMBER_FORMAT, MONEY_NUMBER_FORMAT, neutralise

from . import cerfa_layout as layout
from .cerfa import Report

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT_FORMAT = "0.0%"
SHARE_FORMAT = '0.00" %"'

SHEETS = {
    "fr": ("Compte rendu", "Détail", "Plan de financement"),
    "en": ("Financial report", "Detail", "Funding plan"),
}

NAVY = "123C5A"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14, color=NAVY)
HEADING = Font(bold=True, size=12, color=NAVY)
MUTED = Font(italic=True, color="6C757D")
HEADER_FILL = PatternFill("solid", fgColor="EAF0F5")
TOTAL_FILL = PatternFill("solid", fgColor="F1F3F5")
WARNING_FILL = PatternFill("solid", fgColor="FFF3CD")
TOP = Border(top=Side(style="thin", color="6C757D"))
WRAP = Alignment(wrap_text=True, vertical="top")


def _text(sheet, row: int, column: int, value, *, font=None, fill=None, alignment=None):
    """A text cell that no spreadsheet will evaluate."""
    cell = sheet.cell(row=row, column=column)
    if value is None or value == "":
        return cell
    text = neutralise(str(value))
    cell.value = text
    if text.startswith("'") or text in ERROR_CODES:
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _number(sheet, row: int, column: int, value, number_format=MONEY_NUMBER_FORMAT, **style):
    cell = sheet.cell(row=row, column=column)
    if value is None:
        return cell
    cell.value = value
    cell.number_format = number_format
    for name, attribute in style.items():
        if attribute is not None:
            setattr(cell, name, attribute)
    return cell


def _widths(sheet, widths) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _header_row(sheet, row: int, headers) -> None:
    for column, header in enumerate(headers, start=1):
        _text(sheet, row, column, header, font=BOLD, fill=HEADER_FILL)


# --- "Compte rendu" ----------------------------------------------------------------------------


def _main_sheet(sheet, report: Report, sensitive: bool) -> None:
    _widths(sheet, (52, 16, 16, 10, 16, 60))
    _text(sheet, 1, 1, layout.title(), font=TITLE)
    row = 3
    for fact in layout.header(report):
        _text(sheet, row, 1, fact.label, font=BOLD)
        if fact.amount is not None:
            _number(sheet, row, 2, fact.amount)
        else:
            _text(sheet, row, 2, fact.text)
        row += 1
    _text(sheet, row, 1, _("Generated on"), font=BOLD)
    _text(sheet, row, 2, layout.generated_at(report))
    row += 2
    charges, products = layout.sides(report, sensitive=sensitive)
    for heading, rows in ((_("Charges"), charges), (_("Products"), products)):
        _text(sheet, row, 1, heading, font=HEADING)
        row += 1
        _header_row(
            sheet,
            row,
            [
                _("Line"),
                _("Planned"),
                _("Actual"),
                _("Actual / planned"),
                _("Variance"),
                _("Explanation of the variance"),
            ],
        )
        row += 1
        for item in rows:
            row = _line_row(sheet, row, item)
        row += 1
    _text(sheet, row, 1, layout.in_kind_note(), font=MUTED)
    row += 1
    _text(sheet, row, 1, layout.threshold_note(report), font=MUTED)
    row += 2
    _text(sheet, row, 1, _("Balance (products − charges)"), font=BOLD)
    _number(sheet, row, 2, report.planned_balance)
    _number(sheet, row, 3, report.balance)
    row += 2
    row = _indicators(sheet, row, report)
    _findings(sheet, row, report)
    sheet.freeze_panes = "B3"


def _line_row(sheet, row: int, item: layout.Row) -> int:
    line = item.line
    fill, font, label_font = None, None, None
    if item.kind == "total":
        fill, font, label_font = TOTAL_FILL, BOLD, BOLD
    elif item.missing_explanation:
        fill = WARNING_FILL
    if item.kind == "in_kind":
        label_font = MUTED
    label = _text(sheet, row, 1, line.label, font=label_font, fill=fill)
    if item.kind == "sub":
        label.alignment = Alignment(indent=2)
    _number(sheet, row, 2, line.planned, font=font, fill=fill)
    _number(sheet, row, 3, line.actual, font=font, fill=fill)
    if line.ratio is not None:
        _number(sheet, row, 4, line.ratio / 100, PERCENT_FORMAT, font=font, fill=fill)
    _number(sheet, row, 5, line.variance, font=font, fill=fill)
    explanation = _("Explanation needed") if item.missing_explanation else line.explanation
    _text(sheet, row, 6, explanation, alignment=WRAP, fill=fill)
    if item.kind == "total":
        for column in range(1, 7):
            sheet.cell(row=row, column=column).border = TOP
    return row + 1


def _indicators(sheet, row: int, report: Report) -> int:
    _text(sheet, row, 1, _("Qualitative part: the indicators the funder requires"), font=HEADING)
    row += 1
    indicators = layout.indicator_rows(report)
    if not indicators:
        _text(sheet, row, 1, _("The agreement requires no indicator."), font=MUTED)
        return row + 2
    _header_row(sheet, row, [_("Indicator"), _("Actual"), _("Target"), _("Progress"), _("Status")])
    row += 1
    for indicator in indicators:
        _text(sheet, row, 1, f"{indicator.code} · {indicator.name}")
        if indicator.quantitative:
            _text(sheet, row, 2, indicator.actual)
            _text(sheet, row, 3, indicator.target)
            _text(sheet, row, 4, indicator.progress)
            _text(sheet, row, 5, layout.status_label(indicator.status))
        else:
            _text(
                sheet, row, 2, indicator.text or _("No observation in the period."), alignment=WRAP
            )
        row += 1
    return row + 1


def _findings(sheet, row: int, report: Report) -> int:
    _text(sheet, row, 1, _("Findings of the checks"), font=HEADING)
    row += 1
    if not report.findings:
        _text(sheet, row, 1, _("The checks found nothing on this agreement."), font=MUTED)
        return row + 1
    _header_row(sheet, row, [_("Finding"), _("Amount at stake")])
    row += 1
    for finding in report.findings:
        _text(sheet, row, 1, finding.message, alignment=WRAP)
        _number(sheet, row, 2, finding.amount)
        row += 1
    return row


# --- "Détail" ----------------------------------------------------------------------------------


DETAIL_WIDTHS = (8, 40, 12, 12, 30, 10, 12, 10, 16, 12, 12, 14)


def _detail_sheet(sheet, report: Report, sensitive: bool) -> None:
    _widths(sheet, DETAIL_WIDTHS)
    _header_row(
        sheet,
        1,
        [
            _("Line"),
            _("Line label"),
            _("From"),
            _("To"),
            _("Person or label"),
            _("Hours"),
            _("Hourly rate"),
            _("Journal"),
            _("Supporting document"),
            _("Account"),
            _("Share (%)"),
            _("Amount"),
        ],
    )
    row = 2
    for item in layout.all_rows(report, sensitive=sensitive):
        for entry in item.items:
            drill = entry.drill
            _text(sheet, row, 1, item.line.key)
            _text(sheet, row, 2, item.line.label)
            _number(sheet, row, 3, drill.date, "dd/mm/yyyy")
            _number(sheet, row, 4, drill.end, "dd/mm/yyyy")
            _text(sheet, row, 5, drill.label)
            if entry.is_time:
                _number(sheet, row, 6, drill.hours, HOURS_NUMBER_FORMAT)
                if entry.shows_money:
                    _number(sheet, row, 7, drill.rate)
            else:
                _text(sheet, row, 8, drill.journal)
                _text(sheet, row, 9, drill.piece_ref)
                _text(sheet, row, 10, drill.account)
                _number(sheet, row, 11, drill.share, SHARE_FORMAT)
            if entry.shows_money:
                _number(sheet, row, 12, drill.amount)
            row += 1
    if not sensitive:
        _text(
            sheet,
            row + 1,
            1,
            _(
                "Hourly rates and amounts of staff time are shown only to members allowed to see "
                "salaries; the lines' totals include them."
            ),
            font=MUTED,
        )
    sheet.freeze_panes = "A2"


# --- "Plan de financement" ---------------------------------------------------------------------


def _funding_sheet(sheet, report: Report) -> None:
    plan = layout.funding_plan(report)
    _widths(sheet, [40] + [18] * (len(plan.headers) - 1))
    _header_row(sheet, 1, plan.headers)
    row = 2
    for values in plan.rows:
        _text(sheet, row, 1, values[0])
        for column, value in enumerate(values[1:], start=2):
            _number(sheet, row, column, value)
        row += 1
    _text(sheet, row, 1, plan.total[0], font=BOLD, fill=TOTAL_FILL)
    for column, value in enumerate(plan.total[1:], start=2):
        _number(sheet, row, column, value, font=BOLD, fill=TOTAL_FILL)
    row += 2
    for reference, description in layout.other_agreements(report):
        _text(sheet, row, 1, reference, font=BOLD)
        _text(sheet, row, 2, description)
        row += 1
    _text(
        sheet,
        row + 1,
        1,
        _(
            "Direct eligible costs of the action over the eligible period, by category: the share "
            "charged to each agreement and what is left to the association."
        ),
        font=MUTED,
    )
    sheet.freeze_panes = "B2"


def render_xlsx(report: Report, *, sensitive: bool, language: str) -> bytes:
    """The workbook's bytes, its texts in `language`."""
    with layout.in_language(language):
        workbook = Workbook()
        names = SHEETS.get(language, SHEETS["en"])
        main = workbook.active
        main.title = names[0]
        _main_sheet(main, report, sensitive)
        _detail_sheet(workbook.create_sheet(names[1]), report, sensitive)
        _funding_sheet(workbook.create_sheet(names[2]), report)
        properties = workbook.properties
        properties.title = layout.title()
        properties.creator = report.agreement.workspace.name[:255]
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()
