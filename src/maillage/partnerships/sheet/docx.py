"""The partnership sheet as a Word document (python-docx), in the idiom of the impact report:
Word's own heading styles (navigation pane, table of contents), bordered tables whose header row
repeats on each page, charts as PNG drawn by the same code as the page's SVG (`core.charts`),
numbered pages."""

import io

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from maillage.core import docx as word

from .model import Section, Sheet, in_language

CONTENT_TYPE = word.DOCX_CONTENT_TYPE
MATRIX_FILLS = {"low": "D8F0E1", "medium": "FCE8C3", "high": "F6D0CB"}


def _cover(document, sheet: Sheet) -> None:
    word.add_cover_title(
        document, kicker=sheet.workspace, title=sheet.name, subtitle=sheet.subtitle
    )
    word.add_muted(
        document,
        _("Partnership sheet generated on %(date)s") % {"date": sheet.generated_display},
    )


def _matrix(document, matrix) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(word.clean_text(matrix.title))
    run.bold = True
    run.font.color.rgb = RGBColor.from_string(word.NAVY)
    paragraph.paragraph_format.keep_with_next = True
    table = document.add_table(rows=6, cols=6)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    word.set_borders(table)
    corner = table.rows[0].cells[0]
    word.write_cell(corner, f"{matrix.likelihood_label} ↓ / {matrix.impact_label} →", size=Pt(7.5))
    for index in range(1, 6):
        word.write_cell(
            table.rows[0].cells[index], str(index), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER
        )
    for row_index, (likelihood, cells) in enumerate(matrix.rows, start=1):
        row = table.rows[row_index]
        word.write_cell(row.cells[0], str(likelihood), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        for impact, count, level in cells:
            cell = row.cells[impact]
            word.shade_cell(cell, MATRIX_FILLS[level])
            word.write_cell(
                cell, str(count) if count else "", bold=bool(count), align=WD_ALIGN_PARAGRAPH.CENTER
            )
    word.fit_columns(table, (3.5, 1.6, 1.6, 1.6, 1.6, 1.6))
    document.add_paragraph()


def write_section(document, section: Section, level: int) -> None:
    """A section of a sheet or deliverable (`sheet.model.Section`) in Word, its subsections one
    heading level down (3 at most)."""
    document.add_heading(word.clean_text(section.title), level=level)
    if section.is_empty and section.empty:
        word.add_muted(document, section.empty)
        return
    if section.facts:
        word.add_facts(document, section.facts, (4.5, 12.5))
    for text in section.paragraphs:
        document.add_paragraph(word.clean_text(text))
    if section.matrix is not None:
        _matrix(document, section.matrix)
    for caption, table in section.tables:
        if caption and caption != section.title:
            paragraph = document.add_paragraph()
            run = paragraph.add_run(word.clean_text(caption))
            run.bold = True
            paragraph.paragraph_format.keep_with_next = True
        word.add_data_table(
            document, table.headers, table.rows, numeric=table.numeric, widths=table.widths
        )
    if section.chart is not None:
        word.add_chart(document, section.chart)
    for sub in section.subsections:
        write_section(document, sub, min(level + 1, 3))


def render_docx(sheet: Sheet) -> bytes:
    """The sheet as the bytes of a .docx file, in the sheet's language."""
    with in_language(sheet.language):
        document = Document()
        word.setup_document(
            document,
            title=f"{_('Partnership sheet')} · {sheet.name}",
            author=sheet.workspace,
            language=sheet.language,
        )
        _cover(document, sheet)
        for section in sheet.sections:
            write_section(document, section, 1)
        buffer = io.BytesIO()
        document.save(buffer)
    return buffer.getvalue()
