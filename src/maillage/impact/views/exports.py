"""Downloads of the impact module: indicators, targets and measurements as CSV or XLSX.

Each export writes the columns of the matching import (`impact.importers`), headed by the
import columns' labels, with the values the import reads (codes, "actor:12", "2025-Q1",
"Gender: Women=12"), so that an export imports back unchanged. Text cells are protected from
formula injection by `core.exports` (the import removes the protecting quote again); values stay
numeric cells. `?indicator=<id>` narrows an export to one indicator.

CSV is streamed; rows are read by pages (`EXPORT_CHUNK`) with querysets built in the view,
inside the workspace's scope, so that the response can be consumed after the view returned.
Any member may export, guests included (they read the same figures on the pages). Each export
writes one audit event.
"""

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from django.http import Http404
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from maillage.core import audit
from maillage.core import exports as core_exports
from maillage.core.exports import Kind
from maillage.core.sdg import mask_to_goals
from maillage.workspaces.access import get_in_workspace

from .. import periods
from ..importers import indicator_columns, measurement_columns, target_columns
from ..models import (
    BreakdownCategory,
    Indicator,
    Measurement,
    MeasurementBreakdown,
    SdgTarget,
    Target,
)

EXPORT_CHUNK = 1000


def plain_decimal(value: Decimal | None) -> Decimal | None:
    """12.5000 → 12.5, 120.0000 → 120: the value as people write it (exactly)."""
    if value is None:
        return None
    normalized = value.normalize()
    return normalized.quantize(Decimal(1)) if normalized.as_tuple().exponent > 0 else normalized


def _number_text(value: Decimal) -> str:
    text = f"{plain_decimal(value):f}"
    return text.replace(".", ",") if (get_language() or "").startswith("fr") else text


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _columns(import_columns, values: dict, kinds: dict) -> list[core_exports.Column]:
    """One export column per import column, headed by the import column's label."""
    return [
        core_exports.Column(
            values.get(column.name, column.name),
            str(column.label),
            kind=kinds.get(column.name, Kind.TEXT),
        )
        for column in import_columns
    ]


# --- indicators --------------------------------------------------------------------------------


def indicator_table_columns() -> list[core_exports.Column]:
    return _columns(
        indicator_columns(),
        {
            "ratio_as_percentage": lambda r: _yes_no(r["ratio_as_percentage"]),
            "is_archived": lambda r: _yes_no(r["is_archived"]),
            "decimal_places": "decimal_places",
        },
        {"decimal_places": Kind.NUMBER},
    )


def indicator_records(workspace, queryset) -> list[dict]:
    """The indicators as dicts (a workspace has a few hundred at most: read at once)."""
    indicators = list(queryset.prefetch_related("sdg_targets", "dimensions").order_by("code", "id"))
    positions = {}
    if any(i.sdg_targets.all() for i in indicators):
        positions = {
            code: i for i, code in enumerate(SdgTarget.objects.values_list("code", flat=True))
        }
    records = []
    for indicator in indicators:
        targets = sorted(indicator.sdg_targets.all(), key=lambda t: positions.get(t.code, 0))
        records.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "definition": indicator.definition,
                "kind": indicator.kind,
                "unit": indicator.unit,
                "direction": indicator.direction,
                "aggregation": indicator.aggregation,
                "frequency": indicator.frequency,
                "ratio_as_percentage": indicator.ratio_as_percentage,
                "decimal_places": indicator.decimal_places,
                "method": indicator.method,
                "external_codes": " | ".join(indicator.external_code_list),
                "sdg_goals": ", ".join(str(g) for g in mask_to_goals(indicator.sdg_goals)),
                "sdg_targets": "; ".join(t.code for t in targets),
                "dimensions": "; ".join(d.name for d in indicator.dimensions.all()),
                "is_archived": indicator.is_archived,
            }
        )
    return records


# --- targets and measurements ------------------------------------------------------------------


def _pages(queryset, indicator_ids: list[int], chunk_size: int) -> Iterator[list]:
    """The records of each indicator in turn (by code), by pages of `chunk_size` in id order:
    a constant number of queries per page, never the whole table in memory."""
    for indicator_id in indicator_ids:
        last = 0
        while True:
            page = list(queryset.filter(indicator_id=indicator_id, pk__gt=last)[:chunk_size])
            if not page:
                break
            yield page
            last = page[-1].pk


def _indicators(workspace, indicator):
    queryset = Indicator.objects.filter(workspace=workspace)
    if indicator is not None:
        queryset = queryset.filter(pk=indicator.pk)
    return list(queryset.order_by("code", "id").values_list("id", flat=True))


def _row(record) -> dict:
    indicator = record.indicator
    return {
        "indicator": indicator.code,
        "subject": record.tracked.subject_ref,
        "period": periods.period_key(indicator.frequency, record.period_start, record.period_end),
        "value": plain_decimal(record.value),
    }


def target_table_columns() -> list[core_exports.Column]:
    return _columns(target_columns(), {}, {"value": Kind.NUMBER})


def target_records(workspace, *, indicator=None, chunk_size: int = EXPORT_CHUNK) -> Iterator[dict]:
    ids = _indicators(workspace, indicator)
    queryset = (
        Target.objects.filter(workspace=workspace)
        .select_related("indicator", "tracked")
        .order_by("pk")
    )

    def generate() -> Iterator[dict]:
        for page in _pages(queryset, ids, chunk_size):
            for target in page:
                yield {**_row(target), "text": target.text, "note": target.note}

    return generate()


def measurement_table_columns() -> list[core_exports.Column]:
    return _columns(
        measurement_columns(),
        {},
        {
            "value": Kind.NUMBER,
            "numerator": Kind.NUMBER,
            "denominator": Kind.NUMBER,
            "measured_on": Kind.DATE,
        },
    )


def measurement_records(
    workspace, *, indicator=None, chunk_size: int = EXPORT_CHUNK
) -> Iterator[dict]:
    """The measurements with their breakdowns written as the import reads them."""
    ids = _indicators(workspace, indicator)
    categories = {
        category.pk: category
        for category in BreakdownCategory.objects.filter(workspace=workspace).select_related(
            "dimension"
        )
    }
    queryset = (
        Measurement.objects.filter(workspace=workspace)
        .select_related("indicator", "tracked")
        .order_by("pk")
    )
    breakdowns = MeasurementBreakdown.objects.filter(workspace=workspace).order_by()

    def order(category):
        dimension = category.dimension
        return (dimension.position, dimension.name, category.position, category.name)

    def generate() -> Iterator[dict]:
        for page in _pages(queryset, ids, chunk_size):
            parts = defaultdict(list)
            for measurement_id, category_id, value in breakdowns.filter(
                measurement_id__in=[m.pk for m in page]
            ).values_list("measurement_id", "category_id", "value"):
                parts[measurement_id].append((categories[category_id], value))
            for measurement in page:
                written = "; ".join(
                    f"{category.dimension.name}: {category.name}={_number_text(value)}"
                    for category, value in sorted(
                        parts.get(measurement.pk, ()), key=lambda part: order(part[0])
                    )
                )
                yield {
                    **_row(measurement),
                    "status": measurement.status,
                    "numerator": plain_decimal(measurement.numerator),
                    "denominator": plain_decimal(measurement.denominator),
                    "text_value": measurement.text_value,
                    "narrative": measurement.narrative,
                    "evidence_url": measurement.evidence_url,
                    "measured_on": measurement.measured_on,
                    "breakdowns": written,
                }

    return generate()


# --- views -----------------------------------------------------------------------------------

EXPORTS = {
    # kind: (file name, sheet title, columns, records)
    "indicators": (
        "impact-indicators",
        lambda: _("Indicators"),
        indicator_table_columns,
        lambda workspace, indicator: indicator_records(
            workspace,
            Indicator.objects.filter(
                workspace=workspace, **({"pk": indicator.pk} if indicator else {})
            ),
        ),
    ),
    "targets": (
        "impact-targets",
        lambda: _("Targets"),
        target_table_columns,
        lambda workspace, indicator: target_records(workspace, indicator=indicator),
    ),
    "measurements": (
        "impact-measurements",
        lambda: _("Measurements"),
        measurement_table_columns,
        lambda workspace, indicator: measurement_records(workspace, indicator=indicator),
    ),
}


def _indicator_filter(request):
    """The indicator of `?indicator=<id>`, looked up in the workspace (a foreign id: 404)."""
    value = request.GET.get("indicator", "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return get_in_workspace(Indicator, request, pk=int(value))


def _export(request, kind: str, file_format: str):
    name, title, columns, records = EXPORTS[kind]
    workspace = request.workspace
    indicator = _indicator_filter(request)
    audit.record(
        audit.Action.OTHER,
        user=request.user,
        workspace=workspace,
        request=request,
        object_repr=_("Export of the impact %(kind)s (%(format)s)")
        % {"kind": title().lower(), "format": file_format},
        changes={
            "export": f"impact_{kind}",
            "format": file_format,
            "indicator": indicator and indicator.pk,
        },
    )
    filename = f"{name}-{workspace.slug}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    rows = records(workspace, indicator)
    if file_format == "csv":
        return core_exports.csv_response(filename, columns(), rows)
    return core_exports.xlsx_response(filename, columns(), rows, sheet_title=title())


def _view(kind: str, file_format: str):
    @require_safe
    def view(request, workspace_slug):
        return _export(request, kind, file_format)

    view.__name__ = f"export_{kind}_{file_format}"
    view.__doc__ = f"The workspace's impact {kind} as {file_format.upper()}."
    return view


urlpatterns = [
    path(
        f"exports/{kind}.{file_format}",
        _view(kind, file_format),
        name=f"export_{kind}_{file_format}",
    )
    for kind in EXPORTS
    for file_format in ("csv", "xlsx")
]
