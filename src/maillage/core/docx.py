"""The house style of the Word documents (python-docx) the modules write: the impact report,
the funder report, the partnership sheet. A4 portrait, Arial, Word's own heading styles in navy
(navigation pane, table of contents), bordered tables whose shaded header row repeats on each
page, charts as PNG (Word does not take SVG) with their caption, numbered pages.

Import it as a module, `from maillage.core import docx as word`, then `word.add_data_table(...)`;
it offers:

- the document: `setup_document` (properties, styles, A4 page, header and numbered footer),
  `set_font` (a style's font for every script), `set_language`, `add_field` (PAGE, NUMPAGES);
- blocks: `add_cover_title`, `add_facts` (label/value pairs), `add_data_table` (bordered,
  header row repeated), `add_chart` (PNG and caption), `add_caption`, `add_muted` (a small grey
  paragraph), `add_hyperlink`;
- table cells: `write_cell`, `shade_cell`, `set_borders`, `fit_columns` (widths in cm);
- `clean_text`: text without the control characters XML cannot hold;
- the constants: `DOCX_CONTENT_TYPE`, `FONT`, `NAVY`, `MUTED`, `HEADER_FILL`, `BORDER`, `LINK`,
  `TEXT_WIDTH_CM`, `CHART_WIDTH`, `CHART_DPI`, `KEEP_TOGETHER_ROWS`.
"""

import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

NAVY = "123C5A"
HEADER_FILL = "EAF0F5"
BORDER = "C9D3DD"
MUTED = RGBColor(0x6C, 0x75, 0x7D)
LINK = "0B5CAD"
TEXT_WIDTH_CM = 17  # A4 less two margins of 2 cm
KEEP_TOGETHER_ROWS = 15  # a table this short never breaks across pages
FONT = "Arial"  # on every Word; LibreOffice reads it as the metric-compatible Liberation Sans
CHART_WIDTH = Cm(16)
CHART_DPI = 130


def clean_text(text) -> str:
    """Text without the control characters XML cannot hold (typed narratives may carry some)."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(text or ""))


def shade_cell(cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill.lstrip("#"))
    properties.append(shading)


def set_borders(table, colour: str = BORDER) -> None:
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


def write_cell(cell, text, *, bold=False, colour: RGBColor | None = None, size=None, align=None):
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(clean_text(text))
    run.bold = bold
    if colour is not None:
        run.font.color.rgb = colour
    if size is not None:
        run.font.size = size
    if align is not None:
        paragraph.alignment = align
    return paragraph


def add_data_table(
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
    set_borders(table)
    header = table.rows[0]
    _repeat_header(header)
    for index, text in enumerate(headers):
        cell = header.cells[index]
        shade_cell(cell, HEADER_FILL)
        write_cell(
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
            write_cell(
                row.cells[index],
                text,
                align=WD_ALIGN_PARAGRAPH.RIGHT if index in numeric else None,
            )
    fit_columns(table, widths or _even(len(headers)))
    if len(table.rows) <= KEEP_TOGETHER_ROWS:
        _keep_together(table)
    document.add_paragraph()
    return table


def _even(columns: int) -> list[float]:
    """Column widths filling the text width, the first column twice as wide as the others."""
    unit = TEXT_WIDTH_CM / (columns + 1)
    return [2 * unit] + [unit] * (columns - 1) if columns > 1 else [TEXT_WIDTH_CM]


def fit_columns(table, widths: Sequence[float]) -> None:
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


def add_hyperlink(paragraph, url: str, text: str) -> None:
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
    content.text = clean_text(text)
    content.set(qn("xml:space"), "preserve")
    run.append(content)
    link.append(run)
    paragraph._p.append(link)


def add_field(paragraph, instruction: str) -> None:
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


def set_font(style, name: str) -> None:
    """The font for every script (python-docx's `font.name` leaves the theme's for some)."""
    style.font.name = name
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), name)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attribute), None)


def set_language(document, language: str) -> None:
    tag = {"fr": "fr-FR", "en": "en-GB"}.get(language, language)
    properties = document.styles["Normal"].element.get_or_add_rPr()
    element = OxmlElement("w:lang")
    element.set(qn("w:val"), tag)
    properties.append(element)


def add_caption(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(clean_text(text))
    run.italic = True
    run.font.size = Pt(8.5)
    run.font.color.rgb = MUTED


def add_chart(document, chart) -> None:
    if chart is None or chart.drawing is None:
        return
    document.add_picture(io.BytesIO(chart.png(dpi=CHART_DPI)), width=CHART_WIDTH)
    picture = document.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True
    add_caption(document, chart.title)


def add_muted(document, text: str) -> None:
    run = document.add_paragraph().add_run(clean_text(text))
    run.font.size = Pt(8.5)
    run.font.color.rgb = MUTED


def add_cover_title(document, *, kicker: str, title: str, subtitle: str, points=13) -> None:
    """The top of the first page: a small muted kicker in capitals, the title (Word's Title
    style), a subtitle in `points`."""
    run = document.add_paragraph().add_run(clean_text(kicker).upper())
    run.font.size = Pt(9)
    run.font.color.rgb = MUTED
    document.add_heading(clean_text(title), level=0)
    document.add_paragraph().add_run(clean_text(subtitle)).font.size = Pt(points)


def add_facts(document, facts, widths: Sequence[float]) -> None:
    """`(label, value)` pairs as a two-column table without borders, the labels muted."""
    table = document.add_table(rows=0, cols=2)
    for label, value in facts:
        row = table.add_row()
        write_cell(row.cells[0], label, colour=MUTED)
        write_cell(row.cells[1], value)
    fit_columns(table, widths)
    document.add_paragraph()


def setup_document(document, *, title: str, author: str, language: str) -> None:
    """The document's title, author and language, the styles, an A4 portrait page with `title`
    in its header and `author` and the page number (n / total) in its footer."""
    properties = document.core_properties
    properties.title = clean_text(title)
    properties.author = clean_text(author)
    properties.language = language
    set_language(document, language)
    document.styles["Normal"].font.size = Pt(10)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3"):
        style = document.styles[name]
        set_font(style, FONT)
        if name != "Normal":
            style.font.color.rgb = RGBColor.from_string(NAVY)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2.2)
    header = section.header.paragraphs[0]
    header.text = clean_text(title)
    header.runs[0].font.size = Pt(8)
    header.runs[0].font.color.rgb = MUTED
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = footer.add_run(f"{clean_text(author)} · {_('Page')} ")
    run.font.size = Pt(8)
    add_field(footer, "PAGE")
    footer.add_run(" / ").font.size = Pt(8)
    add_field(footer, "NUMPAGES")
