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
from maillage.core.forms import add_service_error
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


def _message(error) -> str:
    return " ".join(getattr(error, "messages", [str(error)]))


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
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(
                workspace=workspace, user=request.user, request=request, **form.changes()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Agreement %(reference)s recorded. Set its funding keys, instalments and "
                    "deadlines."
                )
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
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(
                agreement,
                user=request.user,
                expected_version=form.expected_version,
                request=request,
                **form.changes(),
            )
        except (ValidationError, StaleObjectError) as error:
            add_service_error(form, error)
            status = 409 if isinstance(error, StaleObjectError) else 200
        else:
            messages.success(request, _("Agreement saved."))
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
        try:
            services.agreement_delete(
                agreement,
                user=request.user,
                expected_version=_int(request.POST.get("version", "")) or agreement.version,
                request=request,
            )
        except (ValidationError, StaleObjectError) as error:
            messages.error(request, _message(error))
            return _back(workspace_slug, agreement.pk)
        messages.success(
            request, _("Agreement %(reference)s deleted.") % {"reference": agreement.reference}
        )
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


def _part_page(request, template, context, status=200):
    return render(request, f"finance/{template}", context, status=status)


@require_member
def key_create(request, workspace_slug, pk):
    agreement = get_in_workspace(FundingAgreement, request, pk=pk)
    form = FundingKeyForm(
        request.POST or None, agreement=agreement, prefix="key", initial={"version": 1}
    )
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        try:
            services.funding_key_create(
                agreement,
                user=request.user,
                project=data["project"],
                share=data["share"],
                request=request,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Funding key saved."))
            return _back(workspace_slug, agreement.pk, "keys")
    return _part_page(request, "key_form.html", {"form": form, "agreement": agreement, "key": None})


@require_member
def key_edit(request, workspace_slug, pk):
    key = get_in_workspace(
        FundingKey.objects.select_related("agreement", "project"), request, pk=pk
    )
    agreement = key.agreement
    form = FundingKeyForm(request.POST or None, instance=key, agreement=agreement, prefix="key")
    status = 200
    if request.method == "POST":
        if "delete" in request.POST:
            try:
                services.funding_key_delete(
                    key,
                    user=request.user,
                    expected_version=_int(request.POST.get("key-version", "")),
                    request=request,
                )
            except StaleObjectError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Funding key deleted."))
            return _back(workspace_slug, agreement.pk, "keys")
        if form.is_valid():
            try:
                services.funding_key_update(
                    key,
                    user=request.user,
                    expected_version=form.expected_version,
                    request=request,
                    **form.changes(),
                )
            except (ValidationError, StaleObjectError) as error:
                add_service_error(form, error)
                status = 409 if isinstance(error, StaleObjectError) else 200
            else:
                messages.success(request, _("Funding key saved."))
                return _back(workspace_slug, agreement.pk, "keys")
    return _part_page(
        request, "key_form.html", {"form": form, "agreement": agreement, "key": key}, status
    )


@require_member
def instalment_create(request, workspace_slug, pk):
    agreement = get_in_workspace(FundingAgreement, request, pk=pk)
    form = InstalmentForm(request.POST or None, prefix="instalment", initial={"version": 1})
    if request.method == "POST" and form.is_valid():
        try:
            services.instalment_create(
                agreement, user=request.user, request=request, **form.changes()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Instalment recorded."))
            return _back(workspace_slug, agreement.pk, "instalments")
    return _part_page(
        request,
        "instalment_form.html",
        {"form": form, "agreement": agreement, "instalment": None},
    )


@require_member
def instalment_edit(request, workspace_slug, pk):
    instalment = get_in_workspace(Instalment.objects.select_related("agreement"), request, pk=pk)
    agreement = instalment.agreement
    form = InstalmentForm(request.POST or None, instance=instalment, prefix="instalment")
    status = 200
    if request.method == "POST":
        if "delete" in request.POST:
            try:
                services.instalment_delete(
                    instalment,
                    user=request.user,
                    expected_version=_int(request.POST.get("instalment-version", "")),
                    request=request,
                )
            except StaleObjectError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Instalment deleted."))
            return _back(workspace_slug, agreement.pk, "instalments")
        if form.is_valid():
            try:
                services.instalment_update(
                    instalment,
                    user=request.user,
                    expected_version=form.expected_version,
                    request=request,
                    **form.changes(),
                )
            except (ValidationError, StaleObjectError) as error:
                add_service_error(form, error)
                status = 409 if isinstance(error, StaleObjectError) else 200
            else:
                messages.success(request, _("Instalment saved."))
                return _back(workspace_slug, agreement.pk, "instalments")
    return _part_page(
        request,
        "instalment_form.html",
        {"form": form, "agreement": agreement, "instalment": instalment},
        status,
    )


@require_member
def deadline_create(request, workspace_slug, pk):
    agreement = get_in_workspace(FundingAgreement, request, pk=pk)
    form = DeadlineForm(request.POST or None, prefix="deadline", initial={"version": 1})
    if request.method == "POST" and form.is_valid():
        try:
            services.deadline_create(
                agreement, user=request.user, request=request, **form.changes()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Reporting deadline added."))
            return _back(workspace_slug, agreement.pk, "deadlines")
    return _part_page(
        request, "deadline_form.html", {"form": form, "agreement": agreement, "deadline": None}
    )


@require_member
def deadline_edit(request, workspace_slug, pk):
    deadline = get_in_workspace(
        ReportingDeadline.objects.select_related("agreement"), request, pk=pk
    )
    agreement = deadline.agreement
    form = DeadlineForm(request.POST or None, instance=deadline, prefix="deadline")
    status = 200
    if request.method == "POST":
        if "delete" in request.POST:
            try:
                services.deadline_delete(
                    deadline,
                    user=request.user,
                    expected_version=_int(request.POST.get("deadline-version", "")),
                    request=request,
                )
            except StaleObjectError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Reporting deadline deleted."))
            return _back(workspace_slug, agreement.pk, "deadlines")
        if form.is_valid():
            try:
                services.deadline_update(
                    deadline,
                    user=request.user,
                    expected_version=form.expected_version,
                    request=request,
                    **form.changes(),
                )
            except (ValidationError, StaleObjectError) as error:
                add_service_error(form, error)
                status = 409 if isinstance(error, StaleObjectError) else 200
            else:
                messages.success(request, _("Reporting deadline saved."))
                return _back(workspace_slug, agreement.pk, "deadlines")
    return _part_page(
        request,
        "deadline_form.html",
        {"form": form, "agreement": agreement, "deadline": deadline},
        status,
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
            expected_version=_int(request.POST.get("version", "")),
            request=request,
        )
    except (ValidationError, StaleObjectError) as error:
        messages.error(request, _message(error))
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
