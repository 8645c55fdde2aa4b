"""The partnership sheet: one document that tells a partnership, in French or in English.

`build_sheet(partnership, language)` reads everything the sheet shows (`selectors.py`, a fixed
number of queries whatever the number of members, meetings, risks or entries) and lays it out
as text in `language` (`Sheet`, a plain dataclass). `docx.render_docx(sheet)` and
`pdf.render_pdf(sheet)` write that model; neither reads the database.
"""

from .model import LANGUAGES, Sheet, build_sheet, language_or_default

__all__ = ["LANGUAGES", "Sheet", "build_sheet", "language_or_default"]
