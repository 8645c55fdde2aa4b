"""Downloads of the registry: CSV, XLSX, data·inclusion structures and HSDS organizations.

Every export honours the list's filters (the same GET parameters, `search.filters_from_request`)
and is streamed (CSV, JSON) or written in constant memory (XLSX). Any member of the workspace,
guests included, may export what they can read; contacts are never exported here. Each export
writes one audit event.
"""

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from maillage.core import audit
from maillage.core import exports as core_exports

from .. import exports
from ..models import Actor
from ..search import filter_actors, filters_from_request, query_terms, ranked_ids

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def _actors(request):
    """The filtered actors, as the list shows them (a text query keeps its ranked matches)."""
    workspace = request.workspace
    _form, filters = filters_from_request(request, workspace)
    queryset = filter_actors(workspace, filters)
    if query_terms(filters.q):
        ids, _capped = ranked_ids(workspace, filters)
        queryset = Actor.objects.filter(workspace=workspace, pk__in=ids)
    return queryset, filters


def _filename(request, extension: str) -> str:
    return f"actors-{request.workspace.slug}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _audit(request, kind: str, filters) -> None:
    audit.record(
        audit.Action.OTHER,
        user=request.user,
        workspace=request.workspace,
        request=request,
        object_repr=_("Export of the actors (%(format)s)") % {"format": kind},
        changes={"export": kind, "filters": request.GET.urlencode()[:500]},
    )


@require_safe
def export_csv(request, workspace_slug):
    queryset, filters = _actors(request)
    _audit(request, "csv", filters)
    records = exports.actor_records(request.workspace, queryset)
    return core_exports.csv_response(_filename(request, "csv"), exports.table_columns(), records)


@require_safe
def export_xlsx(request, workspace_slug):
    queryset, filters = _actors(request)
    if queryset.count() > exports.XLSX_MAX_ROWS:
        messages.error(
            request,
            _("Excel cannot hold more than %(max)s rows: narrow the filters, or export as CSV.")
            % {"max": f"{exports.XLSX_MAX_ROWS:,}".replace(",", " ")},
        )
        url = reverse("ecosystem:home", kwargs={"workspace_slug": workspace_slug})
        return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)
    _audit(request, "xlsx", filters)
    records = exports.actor_records(request.workspace, queryset)
    return core_exports.xlsx_response(
        _filename(request, "xlsx"),
        exports.table_columns(),
        records,
        sheet_title=_("Actors"),
    )


def _json_response(request, kind: str, documents) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        exports.iter_json_array(documents), content_type=JSON_CONTENT_TYPE
    )
    response["Content-Disposition"] = core_exports.content_disposition(
        f"{kind}-{request.workspace.slug}-{timezone.localdate():%Y-%m-%d}.json"
    )
    return response


@require_safe
def export_data_inclusion(request, workspace_slug):
    queryset, filters = _actors(request)
    _audit(request, "data·inclusion", filters)
    records = exports.actor_records(request.workspace, queryset)
    return _json_response(
        request,
        "structures",
        exports.data_inclusion_structures(request.workspace, records),
    )


@require_safe
def export_hsds(request, workspace_slug):
    queryset, filters = _actors(request)
    _audit(request, "HSDS", filters)
    records = exports.actor_records(request.workspace, queryset)
    return _json_response(
        request, "organizations", exports.hsds_organizations(request.workspace, records)
    )


urlpatterns = [
    path("exports/actors.csv", export_csv, name="export_csv"),
    path("exports/actors.xlsx", export_xlsx, name="export_xlsx"),
    path(
        "exports/data-inclusion/structures.json",
        export_data_inclusion,
        name="export_data_inclusion",
    ),
    path("exports/hsds/organizations.json", export_hsds, name="export_hsds"),
]
