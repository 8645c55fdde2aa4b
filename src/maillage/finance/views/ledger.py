"""The ledger: its lines (filtered, totalled, exported), a line with its entry and allocations,
allocations made by hand, the account mapping and the assignment rules. The FEC import itself
runs on the core imports pages (kind `fec`, `finance.importers.fec`)."""

from collections.abc import Iterator

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from maillage.core import audit
from maillage.core import exports as core_exports
from maillage.core.exceptions import StaleObjectError
from maillage.core.exports import Kind
from maillage.core.form_flow import (
    create_from_form,
    delete_from_form,
    posted_version,
    update_from_form,
)
from maillage.core.money import format_decimal
from maillage.workspaces.access import get_in_workspace, require_manager, require_member

from ..fec import COLUMNS
from ..forms.ledger import (
    AccountMappingForm,
    AssignmentRuleForm,
    LedgerAllocationForm,
    LedgerFilterForm,
)
from ..models import (
    AccountMapping,
    AssignmentRule,
    CostCategory,
    LedgerAllocation,
    LedgerLine,
    Project,
)
from ..selectors import ledger as selectors
from ..services import ledger as services

PAGE_SIZE = 50
EXPORT_CHUNK = 1000


def _share_of(allocations) -> object:
    return sum((a.share for a in allocations), selectors.ZERO)


# --- the list ------------------------------------------------------------------------------------


def _criteria(request):
    workspace = request.workspace
    years = selectors.years(workspace)
    form = LedgerFilterForm(request.GET, workspace=workspace, years=years)
    return form.criteria(), years


def ledger_list(request, workspace_slug):
    workspace = request.workspace
    criteria, years = _criteria(request)
    queryset = selectors.filter_lines(workspace, criteria)
    totals = selectors.totals(queryset)
    paginator = Paginator(selectors.with_allocations(queryset), PAGE_SIZE)
    paginator.count = totals["count"]  # already counted with the totals: no second COUNT
    page = paginator.get_page(request.GET.get("page"))
    rows = []
    for line in page.object_list:
        allocations = list(line.allocations.all())
        rows.append((line, allocations, _share_of(allocations)))
    return render(
        request,
        "finance/ledger_list.html",
        {
            "page_obj": page,
            "rows": rows,
            "totals": totals,
            "criteria": criteria,
            "years": years,
            "journals": selectors.journals(workspace),
            "categories": CostCategory.choices,
            "projects": list(Project.objects.filter(workspace=workspace).order_by("code", "id")),
            "export_query": request.GET.urlencode(),
        },
    )


# --- the export ----------------------------------------------------------------------------------


def export_columns() -> list[core_exports.Column]:
    labels = {name: name for name, _field in COLUMNS}
    columns = []
    for name, field_name in COLUMNS:
        kind = Kind.TEXT
        if field_name in ("entry_date", "piece_date", "lettering_date", "validation_date"):
            kind = Kind.DATE
        elif field_name in ("debit", "credit", "currency_amount"):
            kind = Kind.MONEY if field_name != "currency_amount" else Kind.NUMBER
        columns.append(core_exports.Column(f"line.{field_name}", labels[name], kind=kind))
    columns += [
        core_exports.Column(
            lambda r: r["line"].get_category_display() if r["line"].category else "",
            _("Category"),
        ),
        core_exports.Column("project_code", _("Project code")),
        core_exports.Column("project_name", _("Project")),
        core_exports.Column("agreement", _("Agreement")),
        core_exports.Column("share", _("Share of the line (%)"), kind=Kind.NUMBER),
        core_exports.Column("assigned_by", _("Assigned by")),
        core_exports.Column("line.source_name", _("File")),
    ]
    return columns


def export_records(workspace, queryset, *, chunk_size: int = EXPORT_CHUNK) -> Iterator[dict]:
    """One row per allocation of each line (a line without one: one row, no project), by pages
    of lines in id order: a constant number of queries per page."""
    # Querysets are built here, in the workspace's scope: the response is consumed later.
    queryset = queryset.order_by("pk")
    all_allocations = (
        LedgerAllocation.objects.filter(workspace=workspace)
        .select_related("project", "agreement", "rule")
        .order_by("line_id", "id")
    )
    hand, rule_word = _("by hand"), _("rule #%(position)s")

    def generate() -> Iterator[dict]:
        last = 0
        while True:
            page = list(queryset.filter(pk__gt=last)[:chunk_size])
            if not page:
                return
            last = page[-1].pk
            allocations: dict[int, list] = {}
            for allocation in all_allocations.filter(line__in=[line.pk for line in page]):
                allocations.setdefault(allocation.line_id, []).append(allocation)
            for line in page:
                found = allocations.get(line.pk)
                if not found:
                    yield {"line": line}
                    continue
                for allocation in found:
                    yield {
                        "line": line,
                        "project_code": allocation.project.code,
                        "project_name": allocation.project.name,
                        "agreement": allocation.agreement.reference
                        if allocation.agreement_id
                        else "",
                        "share": allocation.share,
                        "assigned_by": rule_word % {"position": allocation.rule.position}
                        if allocation.rule_id
                        else hand,
                    }

    return generate()


@require_safe
def ledger_export(request, workspace_slug, file_format: str):
    workspace = request.workspace
    criteria, _years = _criteria(request)
    queryset = selectors.filter_lines(workspace, criteria)
    audit.record(
        audit.Action.OTHER,
        user=request.user,
        workspace=workspace,
        request=request,
        object_repr=_("Export of the ledger (%(format)s)") % {"format": file_format},
        changes={
            "export": "finance_ledger",
            "format": file_format,
            "filter": request.GET.urlencode(),
        },
    )
    filename = f"grand-livre-{workspace.slug}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    rows = export_records(workspace, queryset)
    if file_format == "csv":
        return core_exports.csv_response(filename, export_columns(), rows)
    return core_exports.xlsx_response(filename, export_columns(), rows, sheet_title=_("Ledger"))


# --- a line and its allocations ------------------------------------------------------------------


def _line(request, pk):
    return get_in_workspace(LedgerLine, request, pk=pk)


def ledger_line(request, workspace_slug, pk):
    line = _line(request, pk)
    allocations = list(selectors.line_allocations(line))
    share = _share_of(allocations)
    fields = [
        (name, line._meta.get_field(field_name).verbose_name, getattr(line, field_name))
        for name, field_name in COLUMNS
    ]
    return render(
        request,
        "finance/ledger_line.html",
        {
            "line": line,
            "fields": fields,
            "entry_lines": list(selectors.entry_lines(line)),
            "allocations": allocations,
            "share": share,
            "over_charged": services.over_charged(share),
        },
    )


def _warn_if_over(request, line) -> None:
    share = selectors.share_total(line)
    if services.over_charged(share):
        messages.warning(
            request,
            _(
                "This line is now charged %(share)s %% in all, beyond 100 %%: the checks will "
                "report it as double funding."
            )
            % {"share": format_decimal(share, 2)},
        )


@require_member
def allocation_create(request, workspace_slug, pk):
    line = _line(request, pk)
    form = LedgerAllocationForm(
        request.POST or None,
        workspace=request.workspace,
        initial={"version": 1, "share": max(100 - selectors.share_total(line), 0) or 100},
    )
    created = create_from_form(
        request, form, services.allocation_create, workspace=request.workspace, line=line
    )
    if created is not None:
        messages.success(request, _("Line assigned."))
        _warn_if_over(request, line)
        return redirect("finance:ledger_line", workspace_slug=workspace_slug, pk=line.pk)
    return render(
        request,
        "finance/ledger_allocation_form.html",
        {"form": form, "line": line, "allocation": None, "share": selectors.share_total(line)},
    )


@require_member
def allocation_edit(request, workspace_slug, pk):
    allocation = get_in_workspace(
        LedgerAllocation.objects.select_related("line", "rule"), request, pk=pk
    )
    line = allocation.line
    form = LedgerAllocationForm(
        request.POST or None, instance=allocation, workspace=request.workspace
    )
    if request.method == "POST" and "delete" in request.POST:
        delete_from_form(request, services.allocation_delete, allocation, _("Allocation removed."))
        return redirect("finance:ledger_line", workspace_slug=workspace_slug, pk=line.pk)
    saved, status = update_from_form(
        request, form, services.allocation_update, allocation, _("Allocation saved.")
    )
    if saved:
        _warn_if_over(request, line)
        return redirect("finance:ledger_line", workspace_slug=workspace_slug, pk=line.pk)
    return render(
        request,
        "finance/ledger_allocation_form.html",
        {
            "form": form,
            "line": line,
            "allocation": allocation,
            "share": selectors.share_total(line, excluding=allocation),
        },
        status=status,
    )


# --- the account mapping -------------------------------------------------------------------------


def mapping_list(request, workspace_slug):
    workspace = request.workspace
    lines = selectors.lines(workspace)
    return render(
        request,
        "finance/ledger_mappings.html",
        {
            "mappings": list(selectors.mappings(workspace)),
            "uncategorised": lines.filter(category="").exists(),
        },
    )


@require_manager
def mapping_create(request, workspace_slug):
    form = AccountMappingForm(request.POST or None, initial={"version": 1})
    mapping = create_from_form(request, form, services.mapping_create, workspace=request.workspace)
    if mapping is not None:
        messages.success(
            request,
            _("Accounts %(prefix)s… now go to %(category)s; the ledger's lines follow.")
            % {"prefix": mapping.prefix, "category": mapping.get_category_display()},
        )
        return redirect("finance:ledger_mappings", workspace_slug=workspace_slug)
    return render(request, "finance/ledger_mapping_form.html", {"form": form, "mapping": None})


@require_manager
def mapping_edit(request, workspace_slug, pk):
    mapping = get_in_workspace(AccountMapping, request, pk=pk)
    form = AccountMappingForm(request.POST or None, instance=mapping)
    if request.method == "POST" and "delete" in request.POST:
        delete_from_form(
            request,
            services.mapping_delete,
            mapping,
            _("Mapping deleted; the ledger's lines follow."),
        )
        return redirect("finance:ledger_mappings", workspace_slug=workspace_slug)
    saved, status = update_from_form(
        request,
        form,
        services.mapping_update,
        mapping,
        _("Mapping saved; the ledger's lines follow."),
    )
    if saved:
        return redirect("finance:ledger_mappings", workspace_slug=workspace_slug)
    return render(
        request,
        "finance/ledger_mapping_form.html",
        {"form": form, "mapping": mapping},
        status=status,
    )


# --- assignment rules ----------------------------------------------------------------------------


def rule_list(request, workspace_slug):
    workspace = request.workspace
    allocations = LedgerAllocation.objects.filter(line=OuterRef("pk"))
    waiting = (
        selectors.lines(workspace)
        .filter(category__in=selectors.RULE_CATEGORIES)
        .filter(~Exists(allocations))
        .count()
    )
    return render(
        request,
        "finance/ledger_rules.html",
        {"rules": list(selectors.rules(workspace)), "waiting": waiting},
    )


@require_manager
def rule_create(request, workspace_slug):
    form = AssignmentRuleForm(
        request.POST or None, workspace=request.workspace, initial={"version": 1, "share": 100}
    )
    created = create_from_form(request, form, services.rule_create, workspace=request.workspace)
    if created is not None:
        messages.success(request, _("Rule added. Apply the rules to assign the lines it matches."))
        return redirect("finance:ledger_rules", workspace_slug=workspace_slug)
    return render(request, "finance/ledger_rule_form.html", {"form": form, "rule": None})


@require_manager
def rule_edit(request, workspace_slug, pk):
    rule = get_in_workspace(AssignmentRule, request, pk=pk)
    form = AssignmentRuleForm(request.POST or None, instance=rule, workspace=request.workspace)
    if request.method == "POST" and "delete" in request.POST:
        try:
            removed = services.rule_delete(
                rule, user=request.user, expected_version=posted_version(request), request=request
            )
        except StaleObjectError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Rule deleted with the %(count)s allocations it had made.") % {"count": removed},
            )
        return redirect("finance:ledger_rules", workspace_slug=workspace_slug)
    saved, status = update_from_form(
        request,
        form,
        services.rule_update,
        rule,
        _("Rule saved. Apply the rules to update the lines it assigns."),
    )
    if saved:
        return redirect("finance:ledger_rules", workspace_slug=workspace_slug)
    return render(
        request, "finance/ledger_rule_form.html", {"form": form, "rule": rule}, status=status
    )


@require_POST
@require_manager
def rule_move(request, workspace_slug, pk):
    rule = get_in_workspace(AssignmentRule, request, pk=pk)
    services.rule_move(
        rule, user=request.user, up=request.POST.get("direction") == "up", request=request
    )
    return redirect("finance:ledger_rules", workspace_slug=workspace_slug)


@require_POST
@require_manager
def rules_apply(request, workspace_slug):
    result = services.ledger_apply_rules(
        workspace=request.workspace, user=request.user, request=request
    )
    messages.success(request, result.message())
    return redirect("finance:ledger_rules", workspace_slug=workspace_slug)


urlpatterns = [
    path("ledger/", ledger_list, name="ledger"),
    path("ledger/export.csv", ledger_export, {"file_format": "csv"}, name="ledger_export_csv"),
    path("ledger/export.xlsx", ledger_export, {"file_format": "xlsx"}, name="ledger_export_xlsx"),
    path("ledger/lines/<int:pk>/", ledger_line, name="ledger_line"),
    path("ledger/lines/<int:pk>/assign/", allocation_create, name="ledger_allocation_create"),
    path("ledger/allocations/<int:pk>/", allocation_edit, name="ledger_allocation_edit"),
    path("ledger/accounts/", mapping_list, name="ledger_mappings"),
    path("ledger/accounts/new/", mapping_create, name="ledger_mapping_create"),
    path("ledger/accounts/<int:pk>/", mapping_edit, name="ledger_mapping_edit"),
    path("ledger/rules/", rule_list, name="ledger_rules"),
    path("ledger/rules/new/", rule_create, name="ledger_rule_create"),
    path("ledger/rules/apply/", rules_apply, name="ledger_rules_apply"),
    path("ledger/rules/<int:pk>/", rule_edit, name="ledger_rule_edit"),
    path("ledger/rules/<int:pk>/move/", rule_move, name="ledger_rule_move"),
]
