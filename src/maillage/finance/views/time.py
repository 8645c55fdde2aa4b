"""Time: the weekly grid of a person (HTMX cell by cell, or the whole week without JavaScript)
and the monthly timesheet to sign (PDF).

The grid's cells are named `h_<project>_<agreement or 0>_<yyyymmdd>`, with `v_…` the version of
the entry the cell shows (optimistic locking per cell) and `o_…` the value shown, so that a whole
week submitted without JavaScript only saves the cells the user changed."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillage.core.money import format_hours
from maillage.workspaces.access import get_in_workspace, require_member

from .. import timesheet
from ..forms.time import parse_cell_name, parse_hours, parse_week
from ..models import FundingAgreement, Person, Project
from ..selectors import time as selectors
from ..services import time as services
from ..services.time import CellChange, CellToken


def _monday(request, data) -> date:
    for name in ("week", "date"):
        monday = parse_week(data.get(name, ""))
        if monday is not None:
            return monday
    return selectors.monday_of(timezone.localdate())


def _chosen_person(request, data) -> Person | None:
    pk = data.get("person", "")
    if pk.isdigit():
        return get_in_workspace(Person, request, pk=int(pk))
    return selectors.default_person(request.workspace, request.user)


def _extra_rows(request, projects, agreements) -> tuple[list, str]:
    """The rows asked for in the query (`row=12_5`, and the picker's `project` / `agreement`),
    checked against the pickers' choices; and the key of the row just added."""
    by_project = {p.pk: p for p in projects}
    by_agreement = {a.pk: a for a in agreements}
    wanted = list(request.GET.getlist("row"))
    added = ""
    project = request.GET.get("project", "")
    if project.isdigit():
        agreement = request.GET.get("agreement", "")
        added = f"{project}_{agreement if agreement.isdigit() else 0}"
        wanted.append(added)
    rows = []
    for text in dict.fromkeys(wanted):
        project_id, _sep, agreement_id = text.partition("_")
        if not project_id.isdigit() or not (agreement_id or "0").isdigit():
            continue
        project = by_project.get(int(project_id))
        agreement = by_agreement.get(int(agreement_id or 0))
        if project is None or (int(agreement_id or 0) and agreement is None):
            continue
        if agreement is not None and project.pk not in agreement.project_ids:
            messages.error(
                request,
                _("%(agreement)s does not fund %(project)s: choose one of its projects.")
                % {"agreement": agreement.reference, "project": project.code},
            )
            added = ""
            continue
        rows.append((project, agreement))
    return rows, added


def _grid_context(request, grid, *, people, projects, agreements, extra_keys=()):
    return {
        "grid": grid,
        "person": grid.person,
        "people": people,
        "projects": projects,
        "agreements": agreements,
        "extra_keys": list(extra_keys),
        "today_week": selectors.iso_week(selectors.monday_of(timezone.localdate())),
        "cell_url": reverse(
            "finance:time_cell",
            kwargs={"workspace_slug": request.workspace.slug, "pk": grid.person.pk},
        ),
    }


def time_week(request, workspace_slug):
    """The week of a person: GET shows it; POST (the grid's form, without JavaScript) saves
    every changed cell, then shows the week again (with the cells it refused, if any)."""
    data = request.POST if request.method == "POST" else request.GET
    person = _chosen_person(request, data)
    if person is None:
        return render(request, "finance/time_week.html", {"grid": None})
    monday = _monday(request, data)
    projects = selectors.picker_projects(request.workspace)
    agreements = selectors.picker_agreements(request.workspace)
    people = selectors.grid_people(request.workspace, person)
    if request.method == "POST":
        if not request.membership.can_write:  # the middleware already refuses guests
            raise Http404
        return _save_week(request, person, monday, people, projects, agreements)
    extra, added = _extra_rows(request, projects, agreements)
    grid = selectors.week_grid(person, monday, extra_rows=extra)
    if added:
        project_id, _sep, agreement_id = added.partition("_")
        row = grid.row_of(int(project_id), int(agreement_id) or None)
        if row is not None:
            row.cells[0].autofocus = True
    context = _grid_context(
        request,
        grid,
        people=people,
        projects=projects,
        agreements=agreements,
        extra_keys=[f"{p.pk}_{a.pk if a else 0}" for p, a in extra],
    )
    if not grid.rows:
        latest = selectors.latest_day_with_hours(person)
        if latest is not None:
            context["latest_monday"] = selectors.monday_of(latest)
            context["latest_week"] = selectors.iso_week(context["latest_monday"])
    return render(request, "finance/time_week.html", context)


def _save_week(request, person, monday, people, projects, agreements):
    sunday = monday + timedelta(days=6)
    grid = selectors.week_grid(person, monday)
    submitted = {}
    for name in request.POST:
        parsed = parse_cell_name(name)
        if parsed is not None and monday <= parsed[2] <= sunday:
            submitted[name] = parsed
    project_ids = {p for p, _a, _d in submitted.values()}
    agreement_ids = {a for _p, a, _d in submitted.values() if a}
    found_projects = {
        p.pk: p for p in Project.objects.filter(workspace=request.workspace, pk__in=project_ids)
    }
    found_agreements = {
        a.pk: a
        for a in FundingAgreement.objects.filter(workspace=request.workspace, pk__in=agreement_ids)
    }
    changes, errors, typed, extra = [], {}, {}, []
    for name, (project_id, agreement_id, day) in submitted.items():
        project = found_projects.get(project_id)
        agreement = found_agreements.get(agreement_id) if agreement_id else None
        if project is None or (agreement_id and agreement is None):
            continue
        if (project, agreement) not in extra:
            extra.append((project, agreement))
        text = request.POST.get(name, "")
        original = request.POST.get("o" + name[1:], "")
        if text.strip() == original.strip():
            continue  # untouched
        typed[name] = text
        try:
            hours = parse_hours(text)
            expected = CellToken.parse(request.POST.get("v" + name[1:], ""))
        except ValidationError as error:
            errors[name] = _first_message(error)
            continue
        except ValueError:
            return HttpResponseBadRequest()
        cell = grid.cell(project_id, agreement_id, day)
        changes.append(
            CellChange(
                key=name,
                project=project,
                agreement=agreement,
                day=day,
                hours=hours,
                expected=expected,
                stored=cell.hours if cell is not None else None,
            )
        )
    outcome = services.time_week_save(
        workspace=request.workspace,
        user=request.user,
        person=person,
        changes=changes,
        request=request,
    )
    conflicts = {}
    saved = 0
    for key, result in outcome.items():
        if isinstance(result, ValidationError):
            errors[key] = _first_message(result)
        elif result.conflict:
            conflicts[key] = result
        else:
            saved += int(result.changed)
            typed.pop(key, None)
    query = urlencode({"person": person.pk, "week": selectors.iso_week(monday)})
    url = reverse("finance:time_week", kwargs={"workspace_slug": request.workspace.slug})
    if not errors and not conflicts:
        messages.success(
            request,
            ngettext(
                "Week saved: %(count)s cell changed.", "Week saved: %(count)s cells changed.", saved
            )
            % {"count": saved},
        )
        return redirect(f"{url}?{query}")
    grid = selectors.week_grid(person, monday, extra_rows=extra)
    for row in grid.rows:
        for cell in row.cells:
            if cell.name in conflicts:
                cell.conflict = True
                cell.error = _conflict_message(cell.hours)
            elif cell.name in errors:
                cell.error = errors[cell.name]
                cell.text = typed.get(cell.name)
    messages.error(
        request,
        _(
            "Some cells were not saved: see the messages in the grid. The other changes "
            "(%(count)s) were saved."
        )
        % {"count": saved},
    )
    context = _grid_context(request, grid, people=people, projects=projects, agreements=agreements)
    return render(request, "finance/time_week.html", context)


def _first_message(error: ValidationError) -> str:
    """The message to show in a cell: the hours' one, else the agreement's, else the first."""
    if hasattr(error, "error_dict"):
        for name in ("hours", "agreement"):
            if name in error.error_dict:
                return ValidationError(error.error_dict[name]).messages[0]
    return error.messages[0]


def _conflict_message(current) -> str:
    if current:
        return _(
            "Changed meanwhile by someone else: now %(hours)s. Your value was not saved; type "
            "it again to replace theirs."
        ) % {"hours": format_hours(current)}
    return _(
        "Cleared meanwhile by someone else. Your value was not saved; type it again to "
        "replace theirs."
    )


@require_POST
@require_member
def time_cell(request, workspace_slug, pk):
    """Save one cell (HTMX): answers the cell and, out of band, the totals; 409 on a conflict
    (the cell shows the current value), 422 when the value is refused."""
    person = get_in_workspace(Person, request, pk=pk)
    name = request.htmx.trigger_name if request.htmx else None
    if not name:
        names = [n for n in request.POST if n.startswith("h_")]
        name = names[0] if len(names) == 1 else ""
    parsed = parse_cell_name(name)
    if parsed is None:
        return HttpResponseBadRequest()
    project_id, agreement_id, day = parsed
    project = get_in_workspace(Project, request, pk=project_id)
    agreement = (
        get_in_workspace(FundingAgreement, request, pk=agreement_id) if agreement_id else None
    )
    text = request.POST.get(name, "")
    status, error, conflict, typed = 200, "", False, None
    try:
        expected = CellToken.parse(request.POST.get("v" + name[1:], ""))
    except ValueError:
        return HttpResponseBadRequest()
    try:
        hours = parse_hours(text)
        result = services.time_cell_save(
            workspace=request.workspace,
            user=request.user,
            person=person,
            project=project,
            agreement=agreement,
            day=day,
            hours=hours,
            expected=expected,
            request=request,
        )
    except ValidationError as exc:
        status, typed, error = 422, text, _first_message(exc)
    else:
        if result.conflict:
            status, conflict = 409, True
            error = _conflict_message(result.entry.hours if result.entry else None)
    grid = selectors.week_grid(person, selectors.monday_of(day), extra_rows=[(project, agreement)])
    cell = grid.cell(project.pk, agreement_id, day)
    cell.error, cell.conflict, cell.text = error, conflict, typed
    response = render(
        request,
        "finance/_time_cell_response.html",
        {
            "grid": grid,
            "cell": cell,
            "row": grid.row_of(project.pk, agreement_id),
            "cell_url": request.path,
            "can_write": True,
        },
        status=status,
    )
    return response


# --- the timesheet ----------------------------------------------------------------------------


def timesheet_pdf(request, workspace_slug, pk, year, month):
    """The month's timesheet of a person, to sign (PDF, in the page's language)."""
    person = get_in_workspace(Person, request, pk=pk)
    if not (1 <= month <= 12 and 1990 <= year <= 2100):
        raise Http404
    sheet = selectors.month_timesheet(person, year, month)
    content = timesheet.render_pdf(sheet, workspace=request.workspace)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = timesheet.content_disposition(sheet)
    return response


urlpatterns = [
    path("time/", time_week, name="time_week"),
    path("time/people/<int:pk>/cell/", time_cell, name="time_cell"),
    path(
        "people/<int:pk>/timesheet/<int:year>/<int:month>/",
        timesheet_pdf,
        name="timesheet_pdf",
    ),
]
