"""The deliverables page and its downloads: each of the seven deliverables as DOCX or PDF, in
French or English (`?kind=<choices.Deliverable>&lang=fr|en`). Reads only: guests download too;
an engagement of another workspace is a 404 (`access.get_engagement`). Generation is
synchronous (see docs/diagnostics/deliverables-and-api.md for the timings)."""

import io

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from maillage.core.exports import content_disposition

from .. import access
from ..choices import Deliverable
from ..deliverables import build, language_or_default
from ..deliverables import docx as docx_writer
from ..deliverables import pdf as pdf_writer


def deliverables(request, workspace_slug, pk):
    engagement = access.get_engagement(request, pk)
    return render(
        request,
        "diagnostics/deliverables.html",
        {
            "engagement": engagement,
            "kinds": Deliverable.choices,
            "languages": [("fr", _("In French")), ("en", _("In English"))],
        },
    )


def _download(request, pk, extension: str):
    engagement = access.get_engagement(request, pk)
    kind = request.GET.get("kind", "")
    if kind not in Deliverable.values:
        raise Http404
    language = language_or_default(request.GET.get("lang"), request.user)
    document = build(engagement, kind, language)
    if extension == "docx":
        content, content_type = docx_writer.render_docx(document), docx_writer.CONTENT_TYPE
    else:
        content, content_type = pdf_writer.render_pdf(document), pdf_writer.CONTENT_TYPE
    response = FileResponse(io.BytesIO(content), content_type=content_type)
    response["Content-Disposition"] = content_disposition(document.filename(extension))
    response["Content-Language"] = language
    response["X-Content-Type-Options"] = "nosniff"
    return response


def deliverable_docx(request, workspace_slug, pk):
    return _download(request, pk, "docx")


def deliverable_pdf(request, workspace_slug, pk):
    return _download(request, pk, "pdf")


urlpatterns = [
    path("<int:pk>/deliverables/", deliverables, name="deliverables"),
    path("<int:pk>/deliverables/docx/", deliverable_docx, name="deliverable_docx"),
    path("<int:pk>/deliverables/pdf/", deliverable_pdf, name="deliverable_pdf"),
]
