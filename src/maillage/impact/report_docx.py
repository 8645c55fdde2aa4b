"""The impact report as a Word document (python-docx), laid out from the same report model as
the page and the PDF (`impact.reports`).

Word does not take SVG: charts go in as PNG images drawn by the same code
(`core.charts.Chart.png`), each followed by its caption and the table of its figures. The SDG
grid is a table whose cells are shaded in the goals' colours. Headings use Word's own styles
(Title, Heading 1–3), so the navigation pane and a table of contents work; table header rows
repeat on every page, and the footer numbers the pages.
"""

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .reports import WRITING, IndicatorSection, ProgressCallback, Report, in_language

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

NAVY = "123C5A"
HEADER_FILL = "EAF0F5"
BORDER = "C9D3DD"
MUTED = RGBColor(0x6C, 0x75, 0x7D)
LINK = "0B5CAD"
FADED_FILL = "F1F3F5"
FADED_TEXT = "495057"
STATUS_COLOURS = {
    "met": RGBColor(0x0A, 0x6B, 0x3D),
    "behind": RGBColor(0xB0, 0x3A, 0x2E),
    "not_measured": RGBColor(0x8A, 0x93, 0x9C),
}
TEXT_WIDTH_CM = 17  # A4 less two margins of 2 cm
KEEP_TOGETHER_ROWS = 15  # a table this short never breaks across pages
FONT = "Arial"  # on every Word; LibreOffice reads it as the metric-compatible Liberation Sans
CHART_WIDTH = Cm(16)
CHART_DPI = 130
SDG_COLUMNS = 6


def _clean(text) -> str:
    """Text without the control characters XML cannot hold (typed narratives may carry some)."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(text or ""))


# --- low-level helpers ---------------------------------------------------------------------


def _shade(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill.lstrip("#"))
    properties.append(shading)


def _borders(table, colour: str = BORDER) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "4")
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), colour)
        borders.append(element)
    properties.append(borders)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _keep_row_together(row) -> None:
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))


def _write(cell, text, *, bold=False, colour: RGBColor | None = None, size=None, align=None):
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(_clean(text))
    run.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    if size is not None:
        run.font.size = size
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _table(
    document,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    widths: Sequence[float] | None = None,
):
    """A bordered table with a shaded header row repeated on each page."""
    table = document.add_table(rows=1, cols=len(headers))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table)
    header = table.rows[0]
    _repeat_header(header)
    for index, text in enumerate(headers):
        cell = header.cells[index]
        _shade(cell, HEADER_FILL)
        _write(
            cell,
            text,
            bold=True,
            colour=RGBColor.from_string(NAVY),
            align=WD_ALIGN_PARAGRAPH.RIGHT if index in numeric else None,
        )
    for values in rows:
        row = table.add_row()
        _keep_row_together(row)
        for index, text in enumerate(values):
            _write(
                row.cells[index],
                text,
                align=WD_ALIGN_PARAGRAPH.RIGHT if index in numeric else None,
            )
    _fit(table, widths or _even(len(headers)))
    if len(table.rows) <= KEEP_TOGETHER_ROWS:
        _keep_together(table)
    document.add_paragraph()
    return table


def _even(columns: int) -> list[float]:
    """Column widths filling the text width, the first column twice as wide as the others."""
    unit = TEXT_WIDTH_CM / (columns + 1)
    return [2 * unit] + [unit] * (columns - 1) if columns > 1 else [TEXT_WIDTH_CM]


def _fit(table, widths: Sequence[float]) -> None:
    """Column widths in cm, on the grid (LibreOffice reads it) and on each cell (Word does)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for index, width in enumerate(widths):
            row.cells[index].width = Cm(width)


def _keep_together(table) -> None:
    """Keep a short table on one page: each row's paragraphs keep with the next row."""
    for row in table.rows[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def _hyperlink(paragraph, url: str, text: str) -> None:
    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), LINK)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(colour)
    properties.append(underline)
    run.append(properties)
    content = OxmlElement("w:t")
    content.text = _clean(text)
    content.set(qn("xml:space"), "preserve")
    run.append(content)
    link.append(run)
    paragraph._p.append(link)


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word computes when it lays the document out."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = instruction
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(code)
    run._r.append(end)


def _font(style, name: str) -> None:
    """The font for every script (python-docx's `font.name` leaves the theme's for some)."""
    style.font.name = name
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), name)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attribute), None)


def _language(document, language: str) -> None:
    tag = {"fr": "fr-FR", "en": "en-GB"}.get(language, language)
    properties = document.styles["Normal"].element.get_or_add_rPr()
    element = OxmlElement("w:lang")
    element.set(qn("w:val"), tag)
    properties.append(element)


def _caption(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(_clean(text))
    run.italic = True
    run.font.size = Pt(8.5)
    run.font.color.rgb = MUTED


def _chart(document, chart) -> None:
    if chart is None or chart.drawing is None:
        return
    document.add_picture(io.BytesIO(chart.png(dpi=CHART_DPI)), width=CHART_WIDTH)
    picture = document.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True
    _caption(document, chart.title)


def _muted(document, text: str) -> None:
    run = document.add_paragraph().add_run(_clean(text))
    run.font.size = Pt(8.5)
    run.font.color.rgb = MUTED


# --- the document ----------------------------------------------------------------------------


def _setup(document, report: Report) -> None:
    properties = document.core_properties
    properties.title = _clean(f"{report.title} · {report.subject.label} · {report.period_label}")
    properties.subject = _clean(report.subject_label)
    properties.author = _clean(report.workspace)
    properties.language = report.language
    properties.created = report.generated_at
    _language(document, report.language)
    normal = document.styles["Normal"]
    normal.font.size = Pt(10)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        style = document.styles[name]
        _font(style, FONT)
        if name != "Normal":
            style.font.color.rgb = RGBColor.from_string(NAVY)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    section.top_margin = section.bottom_margin = Cm(2.2)
    header = section.header.paragraphs[0]
    header.text = _clean(f"{report.title} · {report.subject.label} · {report.period_label}")
    header.runs[0].font.size = Pt(8)
    header.runs[0].font.color.rgb = MUTED
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = footer.add_run(f"{_clean(report.workspace)} · {_('Page')} ")
    run.font.size = Pt(8)
    _field(footer, "PAGE")
    footer.add_run(" / ").font.size = Pt(8)
    _field(footer, "NUMPAGES")


def _cover(document, report: Report) -> None:
    kicker = document.add_paragraph().add_run(_clean(report.workspace).upper())
    kicker.font.size = Pt(9)
    kicker.font.color.rgb = MUTED
    document.add_heading(_clean(report.title), level=0)
    subtitle = document.add_paragraph().add_run(
        _clean(f"{report.subject.label} · {report.period_label}")
    )
    subtitle.font.size = Pt(14)
    table = document.add_table(rows=0, cols=2)
    for label, value in (
        (_("Workspace"), report.workspace),
        (_("Subject"), report.subject_label),
        (_("Period"), report.period_range),
        (_("Generated on"), report.generated_at_display),
    ):
        row = table.add_row()
        _write(row.cells[0], label, colour=MUTED)
        _write(row.cells[1], value)
    _fit(table, (4, 13))
    document.add_paragraph()


def _summary(document, report: Report) -> None:
    document.add_heading(_("Summary"), level=1)
    items = report.summary.items
    table = document.add_table(rows=2, cols=len(items))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table)
    for index, (label, count, key) in enumerate(items):
        _write(
            table.rows[0].cells[index],
            str(count),
            bold=True,
            size=Pt(18),
            colour=STATUS_COLOURS.get(key, RGBColor.from_string(NAVY)),
            align=WD_ALIGN_PARAGRAPH.CENTER,
        )
        _write(table.rows[1].cells[index], label, size=Pt(8.5), align=WD_ALIGN_PARAGRAPH.CENTER)
    document.add_paragraph()
    if not report.indicators:
        _muted(document, _("No indicator is followed for this subject."))
        return
    rows = []
    for section in report.indicators:
        if section.is_quantitative:
            figures = [section.actual, _target(section), section.progress or "—"]
        else:
            figures = [_("Qualitative"), "", ""]
        rows.append([section.title, *figures, section.status_label])
    _table(
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
    document.add_heading(_clean(section.title), level=1)
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
        _write(row.cells[0], label, colour=MUTED)
        _write(row.cells[1], value)
    _fit(table, (5, 12))
    document.add_paragraph()

    headers = [_("Actual"), _("Target")]
    values = [section.actual, _target(section)]
    if section.is_quantitative:
        headers.append(_("Progress"))
        values.append(section.progress or "—")
    headers.append(_("Status"))
    values.append(section.status_label)
    key = _table(document, headers, [values], widths=[TEXT_WIDTH_CM / len(headers)] * len(headers))
    status_cell = key.rows[1].cells[len(values) - 1]
    colour = STATUS_COLOURS.get(section.status)
    for run in status_cell.paragraphs[0].runs:
        run.bold = True
        if colour is not None:
            run.font.color.rgb = colour

    if section.periods:
        document.add_heading(_("Per period"), level=2)
        _chart(document, section.chart)
        _table(
            document,
            [_("Period"), _("Actual"), _("Target"), _("Progress")],
            [[p.label, p.actual, p.target, p.progress or "—"] for p in section.periods],
            numeric=(1, 2, 3),
        )
    for breakdown in section.breakdowns:
        document.add_heading(_("By %(dimension)s") % {"dimension": breakdown.dimension}, level=2)
        _table(
            document,
            [breakdown.dimension, report.period_label],
            [list(row) for row in breakdown.rows],
            numeric=(1,),
        )
        _chart(document, breakdown.chart)
    if section.observations:
        document.add_heading(_("Observations"), level=2)
        for observation in section.observations:
            _muted(document, f"{observation.subject} · {observation.period}")
            document.add_paragraph(_clean(observation.text))
    if section.narratives:
        document.add_heading(_("Narratives"), level=2)
        for narrative in section.narratives:
            source = f"{narrative.subject} · {narrative.period}"
            if narrative.by:
                source += f" · {narrative.by}"
            _muted(document, source)
            paragraph = document.add_paragraph(_clean(narrative.text))
            paragraph.paragraph_format.left_indent = Cm(0.4)
    if section.evidence:
        document.add_heading(_("Evidence"), level=2)
        _evidence_table(document, section.evidence, with_indicator=False)


def _evidence_table(document, evidence, *, with_indicator: bool) -> None:
    headers = [_("Document"), _("Subject"), _("Period"), _("Recorded by")]
    if with_indicator:
        headers.insert(0, _("Indicator"))
    widths = (4, 4.5, 3, 2.3, 3.2) if with_indicator else (6, 3.5, 2.5, 5)
    table = _table(
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
            _hyperlink(paragraph, item.url, item.name)
        else:
            paragraph.add_run(_clean(item.name))


def _sdg(document, report: Report) -> None:
    if not report.sdg_chart:
        return
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading(_("Contribution to the Sustainable Development Goals"), level=1)
    rows = report.sdg_rows
    table = document.add_table(rows=-(-len(rows) // SDG_COLUMNS), cols=SDG_COLUMNS)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _borders(table, "FFFFFF")
    for index, row in enumerate(rows):
        cell = table.rows[index // SDG_COLUMNS].cells[index % SDG_COLUMNS]
        active = row.count > 0
        _shade(cell, row.goal.colour if active else FADED_FILL)
        ink = RGBColor.from_string((row.goal.text_colour if active else FADED_TEXT).lstrip("#"))
        _write(cell, str(row.goal.number), bold=True, size=Pt(16), colour=ink)
        name = cell.add_paragraph().add_run(_clean(row.goal.name))
        name.font.size, name.font.color.rgb = Pt(7.5), ink
        count = cell.add_paragraph().add_run(
            ngettext("%(count)s indicator", "%(count)s indicators", row.count)
            % {"count": row.count}
            if active
            else _("No indicator")
        )
        count.font.size, count.font.color.rgb, count.bold = Pt(8), ink, active
    _fit(table, [TEXT_WIDTH_CM / SDG_COLUMNS] * SDG_COLUMNS)
    _caption(document, report.sdg_chart.title)
    _table(
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
