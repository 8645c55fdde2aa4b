"""The seven deliverables of a diagnostic (`choices.Deliverable`), in French or in English.

`build(engagement, kind, language)` reads what the deliverable shows (`selectors.py`, a fixed
number of queries) and lays it out as text (`model.Document`, sections of the partnership
sheet's `Section`/`Table`); `docx.render_docx(document)` and `pdf.render_pdf(document)` write it
and read no database. See docs/diagnostics/deliverables-and-api.md.
"""

from .model import LANGUAGES, Document, build, language_or_default

__all__ = ["LANGUAGES", "Document", "build", "language_or_default"]
