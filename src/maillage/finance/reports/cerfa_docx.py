"""The funder report as a Word document (python-docx), in the house style shared with the impact
report (`core.docx`): Word's own heading styles, bordered tables whose header rows repeat,
page numbers in the footer.

Order: the header (who, what, period, amounts), the charges and the products (planned, actual,
ratio, variance; the contributions in kind below the totals), the explanations of the
variances, the funding plan, the qualitative part (the indicators the funder requires), the
findings of the checks, the signature block, then the detail of every line as an annex.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt, RGBColor

from maillage.core import docx as word

from . import cerfa_layout as layout
from .cerfa import Report

CONTENT_TYPE = word.DOCX_CONTENT_TYPE
TOTAL_FILL = "F1F3F5"
WARNING_FILL = "FFF3CD"
WARNING_TEXT = RGBColor(0x8A, 0x5A, 0x00)
LINE_WIDTHS = (7.4, 2.6, 2.6, 1.8, 2.6)


def _setup(document, report: Report, language: str) -> None:
    properties = document.core_properties
    properties.title = word.clean_text(f"{layout.title()} · {report.agreement.reference}")
    properties.subject = word.clean_text(report.agreement.title)
    properties.author = word.clean_text(report.agreement.workspace.name)
    properties.language = language
    if report.generated_at:
        properties.created = report.generated_at
    word.set_language(document, language)
    document.styles["Normal"].font.size = Pt(10)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        style = document.styles[name]
        word.set_font(style, word.FONT)
        if name != "Normal":
            style.font.color.rgb = RGBColor.from_string(word.NAVY)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2.2)
    header = section.header.paragraphs[0]
    header.text = word.clean_text(f"{layout.title()} · {report.agreement.reference}")
    header.runs[0].font.size = Pt(8)
    header.runs[0].font.color.rgb = word.MUTED
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = footer.add_run(f"{word.clean_text(report.agreement.workspace.name)} · {_('Page')} ")
    run.font.size = Pt(8)
    word.add_field(footer, "PAGE")
    footer.add_run(" / ").font.size = Pt(8)
    word.add_field(footer, "NUMPAGES")


def _cover(document, report: Report) -> None:
    kicker = document.add_paragraph().add_run(
        word.clean_text(report.agreement.workspace.name).upper()
    )
    kicker.font.size = Pt(9)
    kicker.font.color.rgb = word.MUTED
    document.add_heading(word.clean_text(layout.title()), level=0)
    subtitle = document.add_paragraph().add_run(
        word.clean_text(f"{report.agreement.reference} – {report.agreement.title}")
    )
    subtitle.font.size = Pt(13)
    table = document.add_table(rows=0, cols=2)
    for fact in [
        *layout.header(report),
        layout.Fact(_("Generated on"), layout.generated_at(report)),
    ]:
        row = table.add_row()
        word.write_cell(row.cells[0], fact.label, colour=word.MUTED)
        word.write_cell(row.cells[1], fact.text, bold=fact.amount is not None)
    word.fit_columns(table, (5.5, 11.5))
    document.add_paragraph()


def _side(document, heading: str, rows: list[layout.Row]) -> None:
    document.add_heading(heading, level=1)
    table = word.add_data_table(
        document,
        [_("Line"), _("Planned"), _("Actual"), _("%"), _("Variance")],
        [
            [
                row.line.label,
                layout.money(row.line.planned),
                layout.money(row.line.actual),
                row.ratio,
                row.variance,
            ]
            for row in rows
        ],
        numeric=(1, 2, 3, 4),
        widths=LINE_WIDTHS,
    )
    for row, cells in zip(rows, table.rows[1:], strict=True):
        if row.kind == "sub":
            cells.cells[0].paragraphs[0].paragraph_format.left_indent = Cm(0.5)
        for cell in cells.cells:
            if row.kind == "total":
                word.shade_cell(cell, TOTAL_FILL)
            elif row.missing_explanation:
                word.shade_cell(cell, WARNING_FILL)
            for run in cell.paragraphs[0].runs:
                run.bold = row.kind == "total"
                run.italic = row.kind == "in_kind"
                if row.kind == "sub":
                    run.font.size = Pt(9)


def _explanations(document, report: Report) -> None:
    document.add_heading(_("Explanation of the variances"), level=1)
    word.add_muted(document, layout.threshold_note(report))
    lines = layout.explanations(report)
    if not lines:
        document.add_paragraph(_("No line differs from its planned amount beyond the threshold."))
        return
    for line in lines:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True
        paragraph.paragraph_format.space_after = Pt(2)
        label = paragraph.add_run(word.clean_text(line.label))
        label.bold = True
        figures = paragraph.add_run(
            word.clean_text(
                f" · {_('planned')} {layout.money(line.planned)}, {_('actual')} "
                f"{layout.money(line.actual)} ({layout.percent(line.ratio)})"
            )
        )
        figures.font.color.rgb = word.MUTED
        figures.font.size = Pt(9)
        if line.explanation:
            text = document.add_paragraph(word.clean_text(line.explanation))
            text.paragraph_format.left_indent = Cm(0.4)
        else:
            missing = document.add_paragraph().add_run(_("No explanation given yet."))
            missing.italic = True
            missing.font.color.rgb = WARNING_TEXT


def _funding(document, report: Report) -> None:
    document.add_heading(_("Funding plan"), level=1)
    word.add_muted(
        document,
        _(
            "Direct eligible costs of the action over the eligible period, by category: the share "
            "charged to each agreement and what is left to the association."
        ),
    )
    plan = layout.funding_plan(report)
    if not plan.rows:
        document.add_paragraph(_("No eligible cost in the period yet."))
        return
    columns = len(plan.headers)
    first = 5.0
    widths = [first] + [(word.TEXT_WIDTH_CM - first) / (columns - 1)] * (columns - 1)
    table = word.add_data_table(
        document,
        plan.headers,
        [[values[0], *(layout.money(v) for v in values[1:])] for values in plan.rows]
        + [[plan.total[0], *(layout.money(v) for v in plan.total[1:])]],
        numeric=tuple(range(1, columns)),
        widths=widths,
    )
    for cell in table.rows[-1].cells:
        word.shade_cell(cell, TOTAL_FILL)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for reference, description in layout.other_agreements(report):
        word.add_muted(document, f"{reference}: {description}")


def _indicators(document, report: Report) -> None:
    document.add_heading(_("Qualitative part: the indicators the funder requires"), level=1)
    rows = layout.indicator_rows(report)
    if not rows:
        document.add_paragraph(_("The agreement requires no indicator."))
        return
    word.add_data_table(
        document,
        [_("Indicator"), _("Actual"), _("Target"), _("Progress"), _("Status")],
        [
            [
                f"{row.code} · {row.name}",
                row.actual,
                row.target,
                row.progress or "—",
                layout.status_label(row.status),
            ]
            if row.quantitative
            else [
                f"{row.code} · {row.name}",
                row.text or _("No observation in the period."),
                "",
                "",
                "",
            ]
            for row in rows
        ],
        numeric=(1, 2, 3),
        widths=(6.2, 3, 3, 2, 2.8),
    )


def _findings(document, report: Report, links: layout.Links) -> None:
    if not report.findings:
        return
    document.add_heading(_("Findings of the checks"), level=1)
    for finding in report.findings:
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(word.clean_text(finding.message))
        amount = paragraph.add_run(f" ({_('at stake')}: {layout.money(finding.amount)})")
        amount.bold = True
        for item in finding.items:
            line = document.add_paragraph()
            line.paragraph_format.left_indent = Cm(1)
            url = links.absolute(item.url)
            if url.startswith("http"):
                word.add_hyperlink(line, url, item.label)
            else:
                line.add_run(word.clean_text(item.label)).font.size = Pt(9)


def _signature(document) -> None:
    document.add_heading(_("Certification"), level=1)
    document.add_paragraph(layout.certification())
    table = document.add_table(rows=2, cols=2)
    word.write_cell(table.rows[0].cells[0], _("Done at"), colour=word.MUTED)
    word.write_cell(table.rows[0].cells[1], _("On"), colour=word.MUTED)
    word.write_cell(
        table.rows[1].cells[0], _("Name and role of the legal representative"), colour=word.MUTED
    )
    word.write_cell(table.rows[1].cells[1], _("Signature"), colour=word.MUTED)
    for row in table.rows:
        row.height = Cm(1.6)
    word.fit_columns(table, (8.5, 8.5))


def _detail(document, report: Report, sensitive: bool, links: layout.Links) -> None:
    rows = [row for row in layout.all_rows(report, sensitive=sensitive, links=links) if row.items]
    if not rows:
        return
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading(_("Annex: detail of the lines"), level=1)
    word.add_muted(document, _("The items behind each line; their amounts add up to the line."))
    if not sensitive:
        word.add_muted(
            document,
            _(
                "Hourly rates and amounts of staff time are shown only to members allowed to see "
                "salaries; the lines' totals include them."
            ),
        )
    for row in rows:
        document.add_heading(
            f"{word.clean_text(row.line.label)} · {layout.money(row.line.actual)}", level=2
        )
        if row.time_items:
            headers = [_("Person"), _("Dates"), _("Hours")]
            widths = [7, 5, 5]
            if sensitive:
                headers += [_("Hourly rate"), _("Amount")]
                widths = [5, 4, 2.6, 2.6, 2.8]
            word.add_data_table(
                document,
                headers,
                [
                    [item.drill.label, item.dates, layout.hours(item.drill.hours)]
                    + (
                        [layout.money(item.drill.rate), layout.money(item.drill.amount)]
                        if item.shows_money
                        else []
                    )
                    for item in row.time_items
                ],
                numeric=tuple(range(2, len(headers))),
                widths=widths,
            )
        if row.ledger_items:
            word.add_data_table(
                document,
                [
                    _("Date"),
                    _("Journal"),
                    _("Document"),
                    _("Account"),
                    _("Label"),
                    _("Share"),
                    _("Amount"),
                ],
                [
                    [
                        item.dates,
                        item.drill.journal,
                        item.drill.piece_ref,
                        item.drill.account,
                        item.drill.label,
                        layout.percent(item.drill.share),
                        layout.money(item.drill.amount),
                    ]
                    for item in row.ledger_items
                ],
                numeric=(5, 6),
                widths=(2.2, 1.5, 2.3, 1.8, 4.4, 2.1, 2.7),
            )


def render_docx(report: Report, *, sensitive: bool, language: str, base_url: str = "") -> bytes:
    """The document's bytes, its texts in `language`."""
    links = layout.Links(report.agreement.workspace, base_url)
    with layout.in_language(language):
        document = Document()
        _setup(document, report, language)
        _cover(document, report)
        charges, products = layout.sides(report, sensitive=sensitive)
        _side(document, _("Charges"), charges)
        _side(document, _("Products"), products)
        word.add_muted(document, layout.in_kind_note())
        balance = document.add_paragraph()
        balance.add_run(f"{_('Balance (products − charges)')}: ").bold = True
        balance.add_run(
            f"{_('planned')} {layout.money(report.planned_balance)}, "
            f"{_('actual')} {layout.money(report.balance)}"
        )
        _explanations(document, report)
        _funding(document, report)
        _indicators(document, report)
        _findings(document, report, links)
        _signature(document)
        _detail(document, report, sensitive, links)
        buffer = io.BytesIO()
        document.save(buffer)
    return buffer.getvalue()
