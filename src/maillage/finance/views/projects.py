"""Projects: the list, the project sheet with its multi-year budget (planned vs actual), create,
edit, delete, and the budget of a year edited line by line."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.exceptions import StaleObjectError
from maillage.core.form_flow import create_from_form, delete_record, try_delete, update_from_form
from maillage.core.forms import add_service_error
from maillage.workspaces.access import get_in_workspace, require_member

from ..forms.projects import BLANK_ROWS, BudgetLineForm, ProjectForm, budget_formset
from ..models import BudgetLine, Project
from ..selectors import agreements as agreement_selectors
from ..selectors import projects as selectors
from ..services import projects as services

PAGE_SIZE = 50


def _int(value: str) -> int | None:
    return int(value) if value and value.isdigit() else None


def project_list(request, workspace_slug):
    workspace = request.workspace
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    status = status if status in Project.Status.values else ""
    years = selectors.project_years(workspace)
    year = _int(request.GET.get("year", ""))
    year = year if year in years else None
    projects = selectors.projects_for_list(workspace, status=status, year=year, query=query)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/project_list.html",
        {
            "page_obj": page,
            "query": query,
            "status": status,
            "statuses": Project.Status.choices,
            "year": year,
            "years": years,
        },
    )


@require_member
def project_create(request, workspace_slug):
    workspace = request.workspace
    today = timezone.localdate()
    form = ProjectForm(
        request.POST or None,
        workspace=workspace,
        initial={"version": 1, "manager": request.user.pk, "start_date": today.replace(day=1)},
    )
    project = create_from_form(request, form, services.project_create, workspace=workspace)
    if project is not None:
        messages.success(
            request,
            _("Project “%(name)s” created. Enter its budget year by year.")
            % {"name": project.name},
        )
        return redirect("finance:project", workspace_slug=workspace.slug, pk=project.pk)
    return render(request, "finance/project_form.html", {"form": form, "project": None})


def project_detail(request, workspace_slug, pk):
    project = get_in_workspace(
        Project.objects.select_related("manager", "partnership"), request, pk=pk
    )
    lines = selectors.project_budget_lines(project)
    grid = selectors.budget_grid(project.years, lines, selectors.project_actuals(project))
    agreements = list(
        project.agreements.select_related("funder").order_by("-start_date", "reference")
    )
    keys = {k.agreement_id: k for k in project.funding_keys.all()}
    key_total = agreement_selectors.key_totals([project.pk]).get(project.pk)
    return render(
        request,
        "finance/project_detail.html",
        {
            "project": project,
            "grid": grid,
            "lines": lines,
            "agreements": [(a, keys.get(a.pk)) for a in agreements],
            "key_total": key_total,
            "keys_over": key_total is not None and key_total > agreement_selectors.HUNDRED,
            "resources": list(project.resources.select_related("funder").order_by("-year")),
        },
    )


@require_member
def project_edit(request, workspace_slug, pk):
    project = get_in_workspace(Project, request, pk=pk)
    form = ProjectForm(request.POST or None, instance=project, workspace=request.workspace)
    saved, status = update_from_form(
        request, form, services.project_update, project, _("Project saved.")
    )
    if saved:
        return redirect("finance:project", workspace_slug=workspace_slug, pk=project.pk)
    return render(
        request, "finance/project_form.html", {"form": form, "project": project}, status=status
    )


@require_member
def project_delete(request, workspace_slug, pk):
    project = get_in_workspace(Project, request, pk=pk)
    usage = services.project_usage(project)
    if request.method == "POST":
        deleted = _("Project “%(name)s” deleted.") % {"name": project.name}
        if not delete_record(request, services.project_delete, project, deleted):
            return redirect("finance:project", workspace_slug=workspace_slug, pk=project.pk)
        return redirect("finance:projects", workspace_slug=workspace_slug)
    blocked = usage["agreements"] or usage["time_entries"] or usage["ledger_allocations"]
    return render(
        request,
        "finance/project_confirm_delete.html",
        {"project": project, "usage": usage, "blocked": blocked},
    )


def _budget_year(request, project: Project) -> int:
    years = project.years
    year = _int(request.GET.get("year", ""))
    if year in years:
        return year
    today = timezone.localdate().year
    return today if today in years else years[0]


@require_member
def project_budget_edit(request, workspace_slug, pk):
    """The lines of one year (?year=): change, delete and add several at once; each line is
    optimistically locked and the year is saved whole or not at all."""
    project = get_in_workspace(Project, request, pk=pk)
    year = _budget_year(request, project)
    queryset = project.budget_lines.filter(year=year).select_related("funder")
    queryset = queryset.order_by("category", "label", "pk")
    # ?from=<year>: the blank rows start from another year's lines (a budget often repeats).
    source_year = _int(request.GET.get("from", ""))
    copied = []
    has_lines = queryset.exists()
    if source_year in project.years and source_year != year and not has_lines:
        copied = [
            {
                "version": 1,
                "category": line.category,
                "label": line.label,
                "funder": line.funder_id,
                "amount": line.amount,
            }
            for line in project.budget_lines.filter(year=source_year).order_by(
                "category", "label", "pk"
            )
        ]
    formset = budget_formset(len(copied) + BLANK_ROWS)(
        request.POST or None,
        queryset=queryset,
        workspace=request.workspace,
        prefix="lines",
        # Posted rows compare with blank ones, so that copied rows count as new lines.
        initial=None if request.method == "POST" else copied or None,
    )
    status = 200
    if request.method == "POST" and formset.is_valid():
        rows, row_forms = [], []
        for form in formset.forms:
            line = form.instance if form.instance.pk else None
            delete = formset._should_delete_form(form)
            if (line is None and delete) or not (delete or form.has_changed()):
                continue
            fields = (
                {}
                if delete
                else {k: form.cleaned_data[k] for k in ("category", "label", "funder", "amount")}
            )
            version = _int(str(form["version"].value() or ""))
            rows.append(services.BudgetRow(line, fields, version, delete))
            row_forms.append(form)
        try:
            counts = services.budget_year_save(
                project, user=request.user, year=year, rows=rows, request=request
            )
        except services.RowError as refused:
            add_service_error(row_forms[refused.index], refused.error)
            stale = isinstance(refused.error, StaleObjectError)
            status = 409 if stale else 200
            formset._non_form_errors = formset.error_class(
                [_("Nothing was saved: correct the line marked below, then save again.")]
            )
        except ValidationError as error:
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            total = sum(counts.values())
            if total:
                messages.success(
                    request,
                    ngettext(
                        "Budget %(year)s saved: %(count)d line created, changed or deleted.",
                        "Budget %(year)s saved: %(count)d lines created, changed or deleted.",
                        total,
                    )
                    % {"year": year, "count": total},
                )
            else:
                messages.info(request, _("Nothing to save: no line was changed."))
            url = reverse("finance:project", kwargs={"workspace_slug": workspace_slug, "pk": pk})
            return redirect(f"{url}#budget")
    return render(
        request,
        "finance/budget_form.html",
        {
            "project": project,
            "year": year,
            "formset": formset,
            "copied_from": source_year if copied else None,
            "other_years": [
                y
                for y in sorted(set(project.budget_lines.values_list("year", flat=True)))
                if y != year
            ]
            if not has_lines
            else [],
        },
        status=status,
    )


@require_member
def budget_line_edit(request, workspace_slug, pk):
    line = get_in_workspace(BudgetLine.objects.select_related("project"), request, pk=pk)
    project = line.project
    form = BudgetLineForm(request.POST or None, instance=line, workspace=request.workspace)
    conflict = ""
    back = reverse("finance:project", kwargs={"workspace_slug": workspace_slug, "pk": project.pk})
    if request.method == "POST" and "delete" in request.POST:
        conflict = try_delete(request, services.budget_line_delete, line, _("Budget line deleted."))
        if not conflict:
            return redirect(f"{back}#budget")
        form = BudgetLineForm(instance=line, workspace=request.workspace)
        status = 409
    else:
        saved, status = update_from_form(
            request, form, services.budget_line_update, line, _("Budget line saved.")
        )
        if saved:
            return redirect(f"{back}#budget")
    return render(
        request,
        "finance/budget_line_form.html",
        {"form": form, "line": line, "project": project, "conflict": conflict},
        status=status,
    )


urlpatterns = [
    path("projects/", project_list, name="projects"),
    path("projects/new/", project_create, name="project_create"),
    path("projects/<int:pk>/", project_detail, name="project"),
    path("projects/<int:pk>/edit/", project_edit, name="project_edit"),
    path("projects/<int:pk>/delete/", project_delete, name="project_delete"),
    path("projects/<int:pk>/budget/", project_budget_edit, name="project_budget"),
    path("budget-lines/<int:pk>/", budget_line_edit, name="budget_line_edit"),
]
