"""Staff and volunteers: the list, a person's page (contracts, hours by month and project),
create, edit, deactivate; contracts; the finance settings.

Salaries, hourly costs and every amount derived from one person's rate are shown and editable
only to members with `Membership.can_view_sensitive` (`sees_salaries`); the others get the
contract's kind, dates and weekly hours, and forms without salary fields."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.exceptions import StaleObjectError
from maillage.core.form_flow import create_from_form, save_form, update_from_form
from maillage.workspaces.access import deny, get_in_workspace, require_manager, require_member

from .. import costs
from ..forms.people import FinanceSettingsForm, PersonForm, contract_form_class
from ..models import Contract, Person
from ..selectors import people as selectors
from ..services import people as services

PAGE_SIZE = 50


def _sees(request) -> bool:
    return services.sees_salaries(request.membership)


def people_list(request, workspace_slug):
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    active = request.GET.get("active", "1")
    if active not in ("1", "0", "all"):
        active = "1"
    people = selectors.people_for_list(request.workspace, kind=kind, active=active, query=query)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/people_list.html",
        {
            "page_obj": page,
            "query": query,
            "kind": kind,
            "active": active,
            "kinds": Person.Kind.choices,
            "filtered": bool(query or kind or active != "1"),
        },
    )


@require_member
def person_create(request, workspace_slug):
    form = PersonForm(request.POST or None, initial={"version": 1, "kind": Person.Kind.EMPLOYEE})
    person = create_from_form(request, form, services.person_create, workspace=request.workspace)
    if person is not None:
        if person.is_volunteer:
            text = _("%(name)s added. Their hours are entered in the time grid.")
        elif _sees(request):
            text = _("%(name)s added. Add their contract to compute their hourly cost.")
        else:
            text = _("%(name)s added. A member allowed to see salaries adds their contract.")
        messages.success(request, text % {"name": person.full_name})
        return redirect("finance:person", workspace_slug=workspace_slug, pk=person.pk)
    return render(request, "finance/person_form.html", {"form": form, "person": None})


def person_detail(request, workspace_slug, pk):
    person = get_in_workspace(Person, request, pk=pk)
    sees = _sees(request)
    settings = costs.get_settings(request.workspace)
    contracts = selectors.contract_rows(person, settings) if not person.is_volunteer else []
    hours = selectors.person_hours_by_month(person)
    today = timezone.localdate()
    return render(
        request,
        "finance/person_detail.html",
        {
            "person": person,
            "sees_salaries": sees,
            "contracts": contracts,
            "hours": hours,
            "settings": settings,
            "today": today,
            "shows_amounts": sees or person.is_volunteer,
        },
    )


@require_member
def person_edit(request, workspace_slug, pk):
    person = get_in_workspace(Person, request, pk=pk)
    form = PersonForm(request.POST or None, instance=person)
    saved, _status = update_from_form(request, form, services.person_update, person, _("Saved."))
    if saved:  # a refusal, stale or not, is shown on the form with a 200
        return redirect("finance:person", workspace_slug=workspace_slug, pk=person.pk)
    return render(request, "finance/person_form.html", {"form": form, "person": person})


@require_POST
@require_member
def person_active(request, workspace_slug, pk):
    """Deactivate (`active=0`) or reactivate (`active=1`) a person."""
    person = get_in_workspace(Person, request, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.person_set_active(
            person,
            user=request.user,
            active=active,
            expected_version=int(request.POST.get("version") or person.version),
            request=request,
        )
    except (StaleObjectError, ValidationError) as error:
        messages.error(
            request, str(error) if isinstance(error, StaleObjectError) else error.messages[0]
        )
    else:
        if active:
            messages.success(request, _("%(name)s is active again.") % {"name": person.full_name})
        else:
            messages.success(
                request,
                _(
                    "%(name)s is deactivated: they leave the list and the time grid; their "
                    "hours and contracts stay."
                )
                % {"name": person.full_name},
            )
    return redirect("finance:person", workspace_slug=workspace_slug, pk=person.pk)


# --- contracts ---------------------------------------------------------------------------------


@require_member
def contract_create(request, workspace_slug, pk):
    person = get_in_workspace(Person, request, pk=pk)
    if not _sees(request):
        deny(
            request,
            "contract without salary permission",
            _("Only members allowed to see salaries may add a contract."),
        )
    if person.is_volunteer:
        messages.error(request, _("Only an employee has contracts; a volunteer has a rate."))
        return redirect("finance:person", workspace_slug=workspace_slug, pk=person.pk)
    form_class = contract_form_class(True)
    form = form_class(request.POST or None, initial={"version": 1})
    created = create_from_form(
        request,
        form,
        services.contract_create,
        workspace=request.workspace,
        person=person,
        membership=request.membership,
    )
    if created is not None:
        messages.success(request, _("Contract added."))
        return redirect("finance:person", workspace_slug=workspace_slug, pk=person.pk)
    return render(
        request,
        "finance/contract_form.html",
        {"form": form, "person": person, "contract": None, "sees_salaries": True},
    )


@require_member
def contract_edit(request, workspace_slug, pk):
    contract = get_in_workspace(Contract.objects.select_related("person"), request, pk=pk)
    sees = _sees(request)
    form = contract_form_class(sees)(request.POST or None, instance=contract)
    saved, _status = update_from_form(
        request,
        form,
        services.contract_update,
        contract,
        _("Contract saved."),
        membership=request.membership,
    )
    if saved:
        return redirect("finance:person", workspace_slug=workspace_slug, pk=contract.person_id)
    return render(
        request,
        "finance/contract_form.html",
        {"form": form, "person": contract.person, "contract": contract, "sees_salaries": sees},
    )


@require_member
def contract_delete(request, workspace_slug, pk):
    contract = get_in_workspace(Contract.objects.select_related("person"), request, pk=pk)
    if not _sees(request):
        deny(
            request,
            "contract deletion without salary permission",
            _("Only members allowed to see salaries may delete a contract."),
        )
    person = contract.person
    if request.method == "POST":
        try:
            services.contract_delete(
                contract,
                user=request.user,
                expected_version=int(request.POST.get("version") or contract.version),
                membership=request.membership,
                request=request,
            )
        except (StaleObjectError, PermissionDenied) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Contract deleted."))
        return redirect("finance:person", workspace_slug=workspace_slug, pk=person.pk)
    return render(
        request,
        "finance/contract_confirm_delete.html",
        {
            "contract": contract,
            "person": person,
            "hours": selectors.overlapping_entries(contract),
        },
    )


# --- settings ----------------------------------------------------------------------------------


@require_manager
def finance_settings(request, workspace_slug):
    instance = costs.get_settings(request.workspace)
    form = FinanceSettingsForm(request.POST or None, instance=instance)

    def write(**changes):
        services.finance_settings_save(
            workspace=request.workspace,
            user=request.user,
            expected_version=form.expected_version,
            request=request,
            **changes,
        )

    saved, _status = save_form(request, form, write, _("Finance settings saved."))
    if saved:
        return redirect("finance:settings", workspace_slug=workspace_slug)
    return render(
        request, "finance/settings.html", {"form": form, "saved": instance.pk is not None}
    )


urlpatterns = [
    path("people/", people_list, name="people"),
    path("people/new/", person_create, name="person_create"),
    path("people/<int:pk>/", person_detail, name="person"),
    path("people/<int:pk>/edit/", person_edit, name="person_edit"),
    path("people/<int:pk>/active/", person_active, name="person_active"),
    path("people/<int:pk>/contracts/new/", contract_create, name="contract_create"),
    path("contracts/<int:pk>/edit/", contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/delete/", contract_delete, name="contract_delete"),
    path("settings/", finance_settings, name="settings"),
]
