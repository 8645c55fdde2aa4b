"""The partnership sheet as a download: DOCX or PDF, in French or English (`?lang=fr|en`,
default the user's language). Guests download the sheet of a partnership shared with them."""

import io

from django.http import FileResponse
from django.urls import path

from maillage.core.exports import content_disposition

from .. import access
from ..sheet import build_sheet, language_or_default
from ..sheet import docx as sheet_docx
from ..sheet import pdf as sheet_pdf


def _download(request, pk, extension: str):
    # Reads only: every member of the workspace, guests included, may download; a guest gets
    # 404 for a partnership not shared with it (`access.get_partnership`).
    partnership = access.get_partnership(request, pk)
    language = language_or_default(request.GET.get("lang"), request.user)
    sheet = build_sheet(partnership, language)
    if extension == "docx":
        content, content_type = sheet_docx.render_docx(sheet), sheet_docx.CONTENT_TYPE
    else:
        content, content_type = sheet_pdf.render_pdf(sheet), sheet_pdf.CONTENT_TYPE
    response = FileResponse(io.BytesIO(content), content_type=content_type)
    response["Content-Disposition"] = content_disposition(sheet.filename(extension))
    response["Content-Language"] = language
    response["X-Content-Type-Options"] = "nosniff"
    return response


def sheet_docx_view(request, workspace_slug, pk):
    return _download(request, pk, "docx")


def sheet_pdf_view(request, workspace_slug, pk):
    return _download(request, pk, "pdf")


urlpatterns = [
    path("<int:pk>/sheet.docx", sheet_docx_view, name="sheet_docx"),
    path("<int:pk>/sheet.pdf", sheet_pdf_view, name="sheet_pdf"),
]
