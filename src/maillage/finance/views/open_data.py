"""Open-data downloads: the grants received as 360Giving JSON, the projects as IATI XML.

Any member of the workspace, guests included, may download them (they hold what the finance
pages show, no personal data); each download writes one audit event. With nothing to publish
(no grant awarded, no project), the page says so instead of sending a file the standards
would reject (both need at least one record).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from maillage.core import audit
from maillage.core.exports import content_disposition

from ..open_data import giving360, iati

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
XML_CONTENT_TYPE = "application/xml; charset=utf-8"


def _filename(request, stem: str, extension: str) -> str:
    return f"{stem}-{request.workspace.slug}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _audit(request, kind: str) -> None:
    audit.record(
        audit.Action.OTHER,
        user=request.user,
        workspace=request.workspace,
        request=request,
        object_repr=_("Open-data export (%(format)s)") % {"format": kind},
        changes={"export": kind},
    )


def _nothing(request, message: str):
    messages.warning(request, message)
    return redirect("finance:socio_economic_model", workspace_slug=request.workspace.slug)


@require_safe
def export_360giving(request, workspace_slug):
    document = giving360.package(request.workspace)
    if not document["grants"]:
        return _nothing(
            request,
            _("No grant to publish yet: 360Giving lists agreements signed or closed."),
        )
    _audit(request, "360Giving")
    response = HttpResponse(giving360.dumps(document), content_type=JSON_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        _filename(request, "360giving-grants", "json")
    )
    return response


@require_safe
def export_iati(request, workspace_slug):
    if not iati.projects(request.workspace).exists():
        return _nothing(request, _("No project to publish yet: IATI lists the projects."))
    _audit(request, "IATI")
    response = HttpResponse(iati.activities(request.workspace), content_type=XML_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        _filename(request, "iati-activities", "xml")
    )
    return response


urlpatterns = [
    path("open-data/360giving.json", export_360giving, name="export_360giving"),
    path("open-data/iati-activities.xml", export_iati, name="export_iati"),
]
