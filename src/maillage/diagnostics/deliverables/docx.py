"""A deliverable as a Word document: the partnership sheet's layout (`maillage.core.docx`,
Word's heading styles, repeated table headers, numbered pages), with the deliverable's title."""

import io

from django.utils.translation import gettext as _
from docx import Document as WordDocument

from maillage.core import docx as word
from maillage.partnerships.sheet.docx import write_section

from .model import Document, in_language

CONTENT_TYPE = word.DOCX_CONTENT_TYPE


def render_docx(document: Document) -> bytes:
    with in_language(document.language):
        out = WordDocument()
        word.setup_document(
            out,
            title=f"{document.title} · {document.name}",
            author=document.workspace,
            language=document.language,
        )
        word.add_cover_title(
            out, kicker=document.workspace, title=document.title, subtitle=document.name
        )
        word.add_muted(out, document.subtitle)
        word.add_muted(out, _("Generated on %(date)s") % {"date": document.generated_display})
        for section in document.sections:
            write_section(out, section, 1)
        buffer = io.BytesIO()
        out.save(buffer)
    return buffer.getvalue()
