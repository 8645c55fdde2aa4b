"""The impact report as a Word document (python-docx), laid out from the same report model as
the page and the PDF (`impact.reports`).

Word does not take SVG: charts go in as PNG images drawn by the same code
(`core.charts.Chart.png`), each followed by its caption and the table of its figures. The SDG
grid is a table whose cells are shaded in the goals' colours. Headings use Word's own styles
(Title, Heading 1–3), so the navigation pane and a table of contents work; table header rows
repeat on every page, and the footer numbers the pages.
"""

import io

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt, RGBColor

from maillage.core import docx as word

from .reports import WRITING, IndicatorSection, ProgressCallback, Report, in_language

FADED_FILL = "F1F3F5"
FADED_TEXT = "495057"
STATUS_COLOURS = {
    "met": RGBColor(0x0A, 0x6B, 0x3D),
    "behind": RGBColor(0xB0, 0x3A, 0x2E),
    "not_measured": RGBColor(0x8A, 0x93, 0x9C),
}
SDG_COLUMNS = 6


# --- the document ----------------------------------------------------------------------------


def _setup(document, report: Report) -> None:
    word.setup_document(
        document,
        title=f"{report.title} · {report.subject.label} · {report.period_label}",
        author=report.workspace,
        language=report.language,
    )
    document.core_properties.subject = word.clean_text(report.subject_label)
    document.core_properties.created = report.generated_at


def _cover(document, report: Report) -> None:
    word.add_cover_title(
        document,
        kicker=report.workspace,
        title=report.title,
        subtitle=f"{report.subject.label} · {report.period_label}",
        points=14,
    )
    facts = (
        (_("Workspace"), report.workspace),
        (_("Subject"), report.subject_label),
        (_("Period"), report.period_range),
        (_("Generated on"), report.generated_at_display),
    )
    word.add_facts(document, facts, (4, 13))


def _summary(document, report: Report) -> None:
    document.add_heading(_("Summary"), level=1)
    items = report.summary.items
    table = document.add_table(rows=2, cols=len(items))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    word.set_borders(table)
    for index, (label, count, key) in enumerate(items):
        word.write_cell(
            table.rows[0].cells[index],
            str(count),
            bold=True,
            size=Pt(18),
            colour=STATUS_COLOURS.get(key, RGBColor.from_string(word.NAVY)),
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
        word.write_cell(
            table.rows[1].cells[index], label, size=Pt(8.5), align=WD_ALIGN_PARAGRAPH.CENTER
        )
    document.add_paragraph()
    if not report.indicators:
        word.add_muted(document, _("No indicator is followed for this subject."))
        return
    rows = []
    for section in report.indicators:
        if section.is_quantitative:
            figures = [section.actual, _target(section), section.progress or "—"]
        else:
            figures = [_("Qualitative"), "", ""]
        rows.append([section.title, *figures, section.status_label])
    word.add_data_table(
        document,
        [_("Indicator"), _("Actual"), _("Target"), _("Progress"), _("Status")],
        rows,
        numeric=(1, 2, 3),
        widths=(6.2, 3, 3.2, 1.8, 2.8),
    )


def _target(section: IndicatorSection) -> str:
    return f"{section.target}\n{section.target_note}" if section.target_note else section.target


def _indicator(document, section: IndicatorSection, report: Report) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading(word.clean_text(section.title), level=1)
    meta = []
    if section.definition:
        meta.append((_("Definition"), section.definition))
    if section.method:
        meta.append((_("Method of measurement"), section.method))
    if section.unit:
        meta.append((_("Unit"), section.unit))
    meta.append((_("Aggregation"), section.aggregation))
    measured = section.frequency + (f" · {section.direction}" if section.direction else "")
    meta.append((_("Frequency"), measured))
    if section.goals:
        meta.append((_("Sustainable Development Goals"), ", ".join(g.label for g in section.goals)))
    table = document.add_table(rows=0, cols=2)
    for label, value in meta:
        row = table.add_row()
        word.write_cell(row.cells[0], label, colour=word.MUTED)
        word.write_cell(row.cells[1], value)
    word.fit_columns(table, (5, 12))
    document.add_paragraph()

    headers = [_("Actual"), _("Target")]
    values = [section.actual, _target(section)]
    if section.is_quantitative:
        headers.append(_("Progress"))
        values.append(section.progress or "—")
    headers.append(_("Status"))
    values.append(section.status_label)
    key = word.add_data_table(
        document, headers, [values], widths=[word.TEXT_WIDTH_CM / len(headers)] * len(headers)
    )
    status_cell = key.rows[1].cells[len(values) - 1]
    colour = STATUS_COLOURS.get(section.status)
    for run in status_cell.paragraphs[0].runs:
        run.bold = True
        if colour is not None:
            run.font.color.rgb = colour

    if section.periods:
        document.add_heading(_("Per period"), level=2)
        word.add_chart(document, section.chart)
        word.add_data_table(
            document,
            [_("Period"), _("Actual"), _("Target"), _("Progress")],
            [[p.label, p.actual, p.target, p.progress or "—"] for p in section.periods],
            numeric=(1, 2, 3),
        )
    for breakdown in section.breakdowns:
        document.add_heading(_("By %(dimension)s") % {"dimension": breakdown.dimension}, level=2)
        word.add_data_table(
            document,
            [breakdown.dimension, report.period_label],
            [list(row) for row in breakdown.rows],
            numeric=(1,),
        )
        word.add_chart(document, breakdown.chart)
    if section.observations:
        document.add_heading(_("Observations"), level=2)
        for observation in section.observations:
            word.add_muted(document, f"{observation.subject} · {observation.period}")
            document.add_paragraph(word.clean_text(observation.text))
    if section.narratives:
        document.add_heading(_("Narratives"), level=2)
        for narrative in section.narratives:
            source = f"{narrative.subject} · {narrative.period}"
            if narrative.by:
                source += f" · {narrative.by}"
            word.add_muted(document, source)
            paragraph = document.add_paragraph(word.clean_text(narrative.text))
            paragraph.paragraph_format.left_indent = Cm(0.4)
    if section.evidence:
        document.add_heading(_("Evidence"), level=2)
        _evidence_table(document, section.evidence, with_indicator=False)


def _evidence_table(document, evidence, *, with_indicator: bool) -> None:
    headers = [_("Document"), _("Subject"), _("Period"), _("Recorded by")]
    if with_indicator:
        headers.insert(0, _("Indicator"))
    widths = (4, 4.5, 3, 2.3, 3.2) if with_indicator else (6, 3.5, 2.5, 5)
    table = word.add_data_table(
        document,
        headers,
        widths=widths,
        rows=[
            [
                *([item.indicator] if with_indicator else []),
                "",
                item.subject,
                item.period,
                " · ".join(x for x in (item.by, item.on) if x),
            ]
            for item in evidence
        ],
    )
    column = 1 if with_indicator else 0
    for row, item in zip(table.rows[1:], evidence, strict=True):
        paragraph = row.cells[column].paragraphs[0]
        if item.url:
            word.add_hyperlink(paragraph, item.url, item.name)
        else:
            paragraph.add_run(word.clean_text(item.name))


def _sdg(document, report: Report) -> None:
    if not report.sdg_chart:
        return
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading(_("Contribution to the Sustainable Development Goals"), level=1)
    rows = report.sdg_rows
    table = document.add_table(rows=-(-len(rows) // SDG_COLUMNS), cols=SDG_COLUMNS)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    word.set_borders(table, "FFFFFF")
    for index, row in enumerate(rows):
        cell = table.rows[index // SDG_COLUMNS].cells[index % SDG_COLUMNS]
        active = row.count > 0
        word.shade_cell(cell, row.goal.colour if active else FADED_FILL)
        ink = RGBColor.from_string((row.goal.text_colour if active else FADED_TEXT).lstrip("#"))
        word.write_cell(cell, str(row.goal.number), bold=True, size=Pt(16), colour=ink)
        name = cell.add_paragraph().add_run(word.clean_text(row.goal.name))
        name.font.size, name.font.color.rgb = Pt(7.5), ink
        count = cell.add_paragraph().add_run(
            ngettext("%(count)s indicator", "%(count)s indicators", row.count)
            % {"count": row.count}
            if active
            else _("No indicator")
        )
        count.font.size, count.font.color.rgb, count.bold = Pt(8), ink, active
    word.fit_columns(table, [word.TEXT_WIDTH_CM / SDG_COLUMNS] * SDG_COLUMNS)
    word.add_caption(document, report.sdg_chart.title)
    word.add_data_table(
        document,
        [_("Goal"), _("Indicators"), _("Met their target"), _("Codes")],
        [
            [row.goal.label, str(row.count), str(row.met), ", ".join(row.indicators)]
            for row in report.sdg_contributed
        ],
        numeric=(1, 2),
        widths=(6, 2.5, 3, 5.5),
    )


def render_docx(report: Report, progress: ProgressCallback | None = None) -> bytes:
    """The report as the bytes of a .docx file, written in the report's language. `progress`
    is told `(WRITING, n, total)` as each indicator is written (its charts drawn as PNG)."""
    total = len(report.indicators)
    with in_language(report):
        document = Document()
        _setup(document, report)
        _cover(document, report)
        _summary(document, report)
        if progress:
            progress(WRITING, 0, total)
        for done, section in enumerate(report.indicators, start=1):
            _indicator(document, section, report)
            if progress:
                progress(WRITING, done, total)
        _sdg(document, report)
        if report.evidence:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            document.add_heading(_("Evidence"), level=1)
            _evidence_table(document, report.evidence, with_indicator=True)
        buffer = io.BytesIO()
        document.save(buffer)
    return buffer.getvalue()
