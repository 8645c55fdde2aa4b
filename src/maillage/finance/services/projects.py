"""Writes of projects and their multi-year budgets: validated, atomic, audited and, for edits,
optimistically locked (`core.services`)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.exceptions import StaleObjectError
from maillage.core.services import create_child, tenant_create, tenant_delete, tenant_update
from maillage.workspaces.models import Membership

from ..models import BudgetLine, CostCategory, LedgerAllocation, Project, TimeEntry
from ..models.accounts import PRODUCT_SIDE

SUBSIDIES = CostCategory.SUBSIDIES.value

# --- projects --------------------------------------------------------------------------------


def _normalise_project(fields: dict) -> None:
    for name in ("code", "name", "objectives", "activities"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()


def _check_project(workspace, fields: dict, project: Project | None = None) -> None:
    code = fields.get("code", project.code if project else "")
    taken = Project.objects.filter(workspace=workspace, code__iexact=code)
    if project is not None:
        taken = taken.exclude(pk=project.pk)
    if code and taken.exists():
        raise ValidationError({"code": _("Another project already has this code.")})
    start = fields.get("start_date", project.start_date if project else None)
    end = fields.get("end_date", project.end_date if project else None)
    if start and end and end < start:
        raise ValidationError({"end_date": _("The end date must not be before the start date.")})
    manager = fields.get("manager")
    if (
        manager is not None
        and not Membership.objects.filter(workspace=workspace, user=manager).exists()
    ):
        raise ValidationError(
            {"manager": _("The project manager must be a member of this workspace.")}
        )
    partnership = fields.get("partnership")
    if partnership is not None and partnership.workspace_id != workspace.pk:
        raise ValidationError({"partnership": _("This partnership belongs to another workspace.")})
    if project is not None and start and end:
        outside = sorted(
            set(
                project.budget_lines.exclude(year__range=(start.year, end.year)).values_list(
                    "year", flat=True
                )
            )
        )
        if outside:
            raise ValidationError(
                {
                    "start_date" if outside[0] < start.year else "end_date": ngettext(
                        "The budget has lines in %(years)s, outside these dates: delete them "
                        "first, or keep that year in the project.",
                        "The budget has lines in %(years)s, outside these dates: delete them "
                        "first, or keep those years in the project.",
                        len(outside),
                    )
                    % {"years": ", ".join(map(str, outside))}
                }
            )


def project_create(*, workspace, user, request=None, **fields) -> Project:
    _normalise_project(fields)
    _check_project(workspace, fields)
    return tenant_create(Project, workspace=workspace, user=user, request=request, **fields)


def project_update(
    project: Project, *, user, expected_version: int | None, request=None, **changes
) -> Project:
    _normalise_project(changes)
    _check_project(project.workspace, changes, project)
    return tenant_update(
        project, user=user, expected_version=expected_version, request=request, **changes
    )


def project_usage(project: Project) -> dict[str, int]:
    """What refers to the project (what would block or go with its deletion)."""
    return {
        "agreements": project.agreements.count(),
        "time_entries": TimeEntry.objects.filter(project=project).count(),
        "ledger_allocations": LedgerAllocation.objects.filter(project=project).count(),
        "budget_lines": project.budget_lines.count(),
        "resources": project.resources.count(),
    }


def _blocking_project(usage: dict[str, int]) -> list[str]:
    parts = []
    if usage["agreements"]:
        parts.append(
            ngettext(
                "%(count)d funding agreement funds it",
                "%(count)d funding agreements fund it",
                usage["agreements"],
            )
            % {"count": usage["agreements"]}
        )
    if usage["time_entries"]:
        parts.append(
            ngettext(
                "%(count)d time entry is charged to it",
                "%(count)d time entries are charged to it",
                usage["time_entries"],
            )
            % {"count": usage["time_entries"]}
        )
    if usage["ledger_allocations"]:
        parts.append(
            ngettext(
                "%(count)d ledger line is allocated to it",
                "%(count)d ledger lines are allocated to it",
                usage["ledger_allocations"],
            )
            % {"count": usage["ledger_allocations"]}
        )
    return parts


def project_delete(project: Project, *, user, expected_version=None, request=None) -> None:
    """Delete a project nothing else refers to; its budget lines go with it."""
    parts = _blocking_project(project_usage(project))
    if parts:
        raise ValidationError(
            _(
                "This project cannot be deleted: %(reasons)s. Close or cancel it instead "
                "(Edit › Status), which keeps its history."
            )
            % {"reasons": "; ".join(parts)}
        )
    with transaction.atomic():
        for line in project.budget_lines.all():
            tenant_delete(line, user=user, request=request)
        tenant_delete(project, user=user, expected_version=expected_version, request=request)


# --- budget lines ----------------------------------------------------------------------------


def _check_line(project: Project, fields: dict, line: BudgetLine | None = None) -> None:
    category = fields.get("category", line.category if line else "")
    funder = fields.get("funder", line.funder if line else None)
    year = fields.get("year", line.year if line else None)
    if funder is not None and funder.workspace_id != project.workspace_id:
        raise ValidationError({"funder": _("This choice belongs to another workspace.")})
    if funder is not None and category and category not in PRODUCT_SIDE:
        raise ValidationError(
            {"funder": _("Only a product line names who brings it: leave the funder empty.")}
        )
    if category == SUBSIDIES and funder is None:
        raise ValidationError(
            {"funder": _("A subsidy line (74) names its funder: one line per funder.")}
        )
    if category == SUBSIDIES and year:
        same = BudgetLine.objects.filter(
            project=project, year=year, category=SUBSIDIES, funder=funder
        )
        if line is not None and line.pk:
            same = same.exclude(pk=line.pk)
        if same.exists():
            raise ValidationError(
                {
                    "funder": _(
                        "%(funder)s already has a subsidy line (74) in %(year)s: change its "
                        "amount instead."
                    )
                    % {"funder": funder, "year": year}
                }
            )


def _normalise_line(fields: dict) -> None:
    if isinstance(fields.get("label"), str):
        fields["label"] = fields["label"].strip()


def budget_line_create(project: Project, *, user, request=None, **fields) -> BudgetLine:
    _normalise_line(fields)
    _check_line(project, fields)
    return create_child(BudgetLine, "project", project, user=user, request=request, **fields)


def budget_line_update(
    line: BudgetLine, *, user, expected_version: int | None, request=None, **changes
) -> BudgetLine:
    changes.pop("project", None)
    _normalise_line(changes)
    _check_line(line.project, changes, line)
    return tenant_update(
        line, user=user, expected_version=expected_version, request=request, **changes
    )


def budget_line_delete(line: BudgetLine, *, user, expected_version=None, request=None) -> None:
    tenant_delete(line, user=user, expected_version=expected_version, request=request)


@dataclass
class BudgetRow:
    """One row of a year's budget as edited: `line` None for a new one; `delete` to remove it."""

    line: BudgetLine | None
    fields: dict
    expected_version: int | None = None
    delete: bool = False


class RowError(Exception):
    """A row of the year's budget was refused; nothing of the year was saved."""

    def __init__(self, index: int, error: Exception):
        super().__init__(str(error))
        self.index = index
        self.error = error


def budget_year_save(
    project: Project, *, user, year: int, rows: Iterable[BudgetRow], request=None
) -> dict[str, int]:
    """Create, change and delete the lines of one year of a project's budget at once: every
    row is written or none (a row that is stale or invalid raises `RowError` with its index).
    Returns the counts of lines created, changed and deleted."""
    if not project.start_date.year <= year <= project.end_date.year:
        raise ValidationError(
            _("The project runs from %(start)s to %(end)s.")
            % {"start": project.start_date.year, "end": project.end_date.year}
        )
    counts = {"created": 0, "changed": 0, "deleted": 0}
    rows = list(rows)
    with transaction.atomic():
        # Deletions first, so that a line moved to another funder can take a freed place.
        order = sorted(range(len(rows)), key=lambda i: not rows[i].delete)
        for index in order:
            row = rows[index]
            try:
                if row.line is not None and row.line.project_id != project.pk:
                    raise ValidationError(_("This line belongs to another budget."))
                if row.delete:
                    if row.line is not None:
                        budget_line_delete(
                            row.line,
                            user=user,
                            expected_version=row.expected_version,
                            request=request,
                        )
                        counts["deleted"] += 1
                elif row.line is None:
                    budget_line_create(project, user=user, request=request, year=year, **row.fields)
                    counts["created"] += 1
                else:
                    before = row.line.version
                    budget_line_update(
                        row.line,
                        user=user,
                        expected_version=row.expected_version,
                        request=request,
                        **row.fields,
                    )
                    counts["changed"] += row.line.version != before
            except (ValidationError, StaleObjectError) as error:
                raise RowError(index, error) from error
    return counts
