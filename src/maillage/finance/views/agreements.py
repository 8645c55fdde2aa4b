"""Funding agreements: the list, the agreement's page with its funding keys, instalments and
reporting deadlines, and their create, edit and delete pages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.exceptions import StaleObjectError
from maillage.core.form_flow import (
    create_from_form,
    delete_from_form,
    delete_record,
    error_text,
    posted_version,
    update_from_form,
)
from maillage.workspaces.access import get_in_workspace, require_member

from ..forms.agreements import AgreementForm, DeadlineForm, FundingKeyForm, InstalmentForm
from ..models import (
    CostCategory,
    Funder,
    FundingAgreement,
    FundingKey,
    Instalment,
    Project,
    ReportingDeadline,
)
from ..selectors import agreements as selectors
from ..services import agreements as services

PAGE_SIZE = 50


def _int(value: str) -> int | None:
    return int(value) if value and value.isdigit() else None


def _choice(request, name, queryset):
    pk = _int(request.GET.get(name, ""))
    return queryset.filter(pk=pk).first() if pk else None


def _back(workspace_slug, agreement_id, anchor=""):
    url = reverse(
        "finance:agreement", kwargs={"workspace_slug": workspace_slug, "pk": agreement_id}
    )
    return redirect(f"{url}#{anchor}" if anchor else url)


def agreement_list(request, workspace_slug):
    workspace = request.workspace
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    status = status if status in FundingAgreement.Status.values else ""
    funders = Funder.objects.filter(workspace=workspace).order_by("name")
    projects = Project.objects.filter(workspace=workspace).order_by("code")
    funder = _choice(request, "funder", funders)
    project = _choice(request, "project", projects)
    years = selectors.agreement_years(workspace)
    year = _int(request.GET.get("year", ""))
    year = year if year in years else None
    agreements = selectors.agreements_for_list(
        workspace, funder=funder, status=status, year=year, project=project, query=query
    )
    page = Paginator(agreements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/agreement_list.html",
        {
            "page_obj": page,
            "query": query,
            "status": status,
            "statuses": FundingAgreement.Status.choices,
            "funder": funder,
            "funders": funders,
            "project": project,
            "projects": projects,
            "year": year,
            "years": years,
            "today": timezone.localdate(),
        },
    )


@require_member
def agreement_create(request, workspace_slug):
    workspace = request.workspace
    initial = {"version": 1, "eligible_categories": ["60", "61", "62", "64"]}
    funder = _choice(request, "funder", Funder.objects.filter(workspace=workspace))
    if funder is not None:
        initial["funder"] = funder.pk
        initial["kind"] = "subsidy" if funder.is_public else initial.get("kind")
    project = _choice(request, "project", Project.objects.filter(workspace=workspace))
    if project is not None:
        initial["projects"] = [project.pk]
        initial["start_date"], initial["end_date"] = project.start_date, project.end_date
    form = AgreementForm(request.POST or None, workspace=workspace, initial=initial)
    agreement = create_from_form(request, form, services.agreement_create, workspace=workspace)
    if agreement is not None:
        messages.success(
            request,
            _("Agreement %(reference)s recorded. Set its funding keys, instalments and deadlines.")
            % {"reference": agreement.reference},
        )
        return redirect("finance:agreement", workspace_slug=workspace.slug, pk=agreement.pk)
    return render(request, "finance/agreement_form.html", {"form": form, "agreement": None})


def agreement_detail(request, workspace_slug, pk):
    agreement = get_in_workspace(FundingAgreement.objects.select_related("funder"), request, pk=pk)
    instalments = list(agreement.instalments.all())
    received = sum((i.amount for i in instalments), selectors.ZERO)
    keys = selectors.agreement_keys(agreement)
    today = timezone.localdate()
    return render(
        request,
        "finance/agreement_detail.html",
        {
            "agreement": agreement,
            "categories": [CostCategory(c).label for c in agreement.eligible_categories],
            "indicators": list(agreement.required_indicators.order_by("code")),
            "keys": keys,
            "unkeyed": [row.project for row in keys if row.key is None],
            "key_form": FundingKeyForm(agreement=agreement, prefix="key"),
            "instalments": instalments,
            "received": received,
            "over_received": received > agreement.amount_granted,
            "received_percent": (
                min(100, int(received * 100 / agreement.amount_granted))
                if agreement.amount_granted
                else 0
            ),
            "instalment_form": InstalmentForm(prefix="instalment", initial={"received_on": today}),
            "deadlines": selectors.deadline_rows(agreement.deadlines.all(), today),
            "deadline_form": DeadlineForm(prefix="deadline"),
        },
    )


@require_member
def agreement_edit(request, workspace_slug, pk):
    agreement = get_in_workspace(FundingAgreement, request, pk=pk)
    form = AgreementForm(request.POST or None, instance=agreement, workspace=request.workspace)
    saved, status = update_from_form(
        request, form, services.agreement_update, agreement, _("Agreement saved.")
    )
    if saved:
        return _back(workspace_slug, agreement.pk)
    return render(
        request,
        "finance/agreement_form.html",
        {"form": form, "agreement": agreement},
        status=status,
    )


@require_member
def agreement_delete(request, workspace_slug, pk):
    agreement = get_in_workspace(FundingAgreement, request, pk=pk)
    usage = services.agreement_usage(agreement)
    if request.method == "POST":
        deleted = _("Agreement %(reference)s deleted.") % {"reference": agreement.reference}
        if not delete_record(request, services.agreement_delete, agreement, deleted):
            return _back(workspace_slug, agreement.pk)
        return redirect("finance:agreements", workspace_slug=workspace_slug)
    return render(
        request,
        "finance/agreement_confirm_delete.html",
        {
            "agreement": agreement,
            "usage": usage,
            "blocked": usage["time_entries"] or usage["ledger_allocations"],
        },
    )


# --- the agreement's parts: keys, instalments, deadlines -------------------------------------
# Each part is edited on its own page, `finance/<name>_form.html`, with a form prefixed `<name>`
# (so its delete button posts `<name>-version`), and sends back to its section of the agreement.

_SECTIONS = {"key": "keys", "instalment": "instalments", "deadline": "deadlines"}


def _part_page(request, name, form, agreement, part, status=200):
    context = {"form": form, "agreement": agreement, name: part}
    return render(request, f"finance/{name}_form.html", context, status=status)


def _part_create(request, workspace_slug, name, form, agreement, create, saved):
    if create_from_form(request, form, create, agreement) is not None:
        messages.success(request, saved)
        return _back(workspace_slug, agreement.pk, _SECTIONS[name])
    return _part_page(request, name, form, agreement, None)


def _part_edit(request, workspace_slug, name, form, part, *, update, delete, saved, deleted):
    agreement = part.agreement
    if request.method == "POST" and "delete" in request.POST:
        delete_from_form(request, delete, part, deleted, version_field=f"{name}-version")
        return _back(workspace_slug, agreement.pk, _SECTIONS[name])
    done, status = update_from_form(request, form, update, part, saved)
    if done:
        return _back(workspace_slug, agreement.pk, _SECTIONS[name])
    return _part_page(request, name, form, agreement, part, status)


@require_member
def key_create(request, workspace_slug, pk):
    agreement = get_in_workspace(FundingAgreement, request, pk=pk)
    form = FundingKeyForm(
        request.POST or None, agreement=agreement, prefix="key", initial={"version": 1}
    )
    return _part_create(
        request,
        workspace_slug,
        "key",
        form,
        agreement,
        services.funding_key_create,  # the form's fields are the project and the share
        _("Funding key saved."),
    )


@require_member
def key_edit(request, workspace_slug, pk):
    key = get_in_workspace(
        FundingKey.objects.select_related("agreement", "project"), request, pk=pk
    )
    form = FundingKeyForm(request.POST or None, instance=key, agreement=key.agreement, prefix="key")
    return _part_edit(
        request,
        workspace_slug,
        "key",
        form,
        key,
        update=services.funding_key_update,
        delete=services.funding_key_delete,
        saved=_("Funding key saved."),
        deleted=_("Funding key deleted."),
    )


@require_member
def instalment_create(request, workspace_slug, pk):
    agreement = get_in_workspace(FundingAgreement, request, pk=pk)
    form = InstalmentForm(request.POST or None, prefix="instalment", initial={"version": 1})
    return _part_create(
        request,
        workspace_slug,
        "instalment",
        form,
        agreement,
        services.instalment_create,
        _("Instalment recorded."),
    )


@require_member
def instalment_edit(request, workspace_slug, pk):
    instalment = get_in_workspace(Instalment.objects.select_related("agreement"), request, pk=pk)
    form = InstalmentForm(request.POST or None, instance=instalment, prefix="instalment")
    return _part_edit(
        request,
        workspace_slug,
        "instalment",
        form,
        instalment,
        update=services.instalment_update,
        delete=services.instalment_delete,
        saved=_("Instalment saved."),
        deleted=_("Instalment deleted."),
    )


@require_member
def deadline_create(request, workspace_slug, pk):
    agreement = get_in_workspace(FundingAgreement, request, pk=pk)
    form = DeadlineForm(request.POST or None, prefix="deadline", initial={"version": 1})
    return _part_create(
        request,
        workspace_slug,
        "deadline",
        form,
        agreement,
        services.deadline_create,
        _("Reporting deadline added."),
    )


@require_member
def deadline_edit(request, workspace_slug, pk):
    deadline = get_in_workspace(
        ReportingDeadline.objects.select_related("agreement"), request, pk=pk
    )
    form = DeadlineForm(request.POST or None, instance=deadline, prefix="deadline")
    return _part_edit(
        request,
        workspace_slug,
        "deadline",
        form,
        deadline,
        update=services.deadline_update,
        delete=services.deadline_delete,
        saved=_("Reporting deadline saved."),
        deleted=_("Reporting deadline deleted."),
    )


@require_POST
@require_member
def deadline_submit(request, workspace_slug, pk):
    """Mark the deadline met today (from the agreement's page or the dashboard)."""
    deadline = get_in_workspace(
        ReportingDeadline.objects.select_related("agreement"), request, pk=pk
    )
    if deadline.submitted_on:
        messages.info(
            request,
            _("“%(label)s” was already submitted, on %(date)s.")
            % {
                "label": deadline.label,
                "date": date_format(deadline.submitted_on, "SHORT_DATE_FORMAT"),
            },
        )
        return _back(workspace_slug, deadline.agreement_id, "deadlines")
    try:
        services.deadline_submit(
            deadline,
            user=request.user,
            expected_version=posted_version(request),
            request=request,
        )
    except (ValidationError, StaleObjectError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("“%(label)s” marked as submitted today.") % {"label": deadline.label},
        )
    if request.POST.get("next") == "dashboard":
        return redirect("finance:home", workspace_slug=workspace_slug)
    return _back(workspace_slug, deadline.agreement_id, "deadlines")


urlpatterns = [
    path("agreements/", agreement_list, name="agreements"),
    path("agreements/new/", agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", agreement_detail, name="agreement"),
    path("agreements/<int:pk>/edit/", agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/delete/", agreement_delete, name="agreement_delete"),
    path("agreements/<int:pk>/keys/new/", key_create, name="funding_key_create"),
    path("funding-keys/<int:pk>/", key_edit, name="funding_key_edit"),
    path("agreements/<int:pk>/instalments/new/", instalment_create, name="instalment_create"),
    path("instalments/<int:pk>/", instalment_edit, name="instalment_edit"),
    path("agreements/<int:pk>/deadlines/new/", deadline_create, name="deadline_create"),
    path("deadlines/<int:pk>/", deadline_edit, name="deadline_edit"),
    path("deadlines/<int:pk>/submit/", deadline_submit, name="deadline_submit"),
]
