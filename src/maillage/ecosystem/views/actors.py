"""The registry's actors: searchable list, detail, create, edit, verify, delete, history and
their contacts."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.exceptions import StaleObjectError
from maillage.core.forms import add_service_error
from maillage.workspaces.access import get_in_workspace, require_member

from .. import selectors, services
from ..forms import ActorForm, ContactForm
from ..models import Actor, Contact
from ..search import ActorFilters, filters_from_request, search_actors

PAGE_SIZE = 25


def actor_list(request, workspace_slug):
    workspace = request.workspace
    form, filters = filters_from_request(request, workspace)
    try:
        page_number = int(request.GET.get("page", 1))
    except ValueError:
        page_number = 1
    page = search_actors(
        workspace,
        filters,
        page=page_number,
        per_page=PAGE_SIZE,
        queryset=selectors.actors_for_list(workspace),
    )
    return render(
        request,
        "ecosystem/actor_list.html",
        {
            "form": form,
            "filters": filters,
            "page_obj": page,
            "actors": page.actors,
            "has_filters": not filters.is_empty,
            "query_string": request.GET.urlencode(),
            "advanced_open": any(
                request.GET.get(name)
                for name in (
                    "mission",
                    "theme",
                    "audience",
                    "sdg",
                    "network_head",
                    "unverified_days",
                    "territory",
                )
            ),
            "territory_label": selectors.territory_label(filters.territory),
            "territory_choices": selectors.territory_choices(),
            "territory_is_listed": filters.territory.startswith(("region:", "department:")),
        },
    )


def actor_suggest(request, workspace_slug):
    """`<option>`s "Name #id" for a datalist: the actors matching `q` (or any other parameter,
    so that an input can send its own name), best first."""
    query = request.GET.get("q") or next(iter(request.GET.values()), "")
    page = search_actors(request.workspace, ActorFilters(q=query[:100]), per_page=15)
    return render(request, "ecosystem/actor_options.html", {"actors": page.actors})


@require_member
def actor_create(request, workspace_slug):
    workspace = request.workspace
    form = ActorForm(request.POST or None, workspace=workspace, initial={"version": 1})
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            actor = services.actor_create(
                workspace=workspace, user=request.user, request=request, **changes
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("“%(name)s” added to the registry.") % {"name": actor})
            return redirect("ecosystem:actor", workspace_slug=workspace.slug, pk=actor.pk)
    return render(request, "ecosystem/actor_form.html", {"form": form, "actor": None})


def actor_detail(request, workspace_slug, pk):
    actor = get_in_workspace(selectors.actor_for_detail(request.workspace), request, pk=pk)
    return render(request, "ecosystem/actor_detail.html", selectors.actor_page(actor))


@require_member
def actor_edit(request, workspace_slug, pk):
    actor = get_in_workspace(Actor, request, pk=pk)
    form = ActorForm(request.POST or None, instance=actor, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        try:
            services.actor_update(
                actor,
                user=request.user,
                expected_version=form.expected_version,
                request=request,
                **form.changes(),
            )
        except (ValidationError, StaleObjectError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Changes to “%(name)s” saved.") % {"name": actor})
            return redirect("ecosystem:actor", workspace_slug=workspace_slug, pk=actor.pk)
    return render(request, "ecosystem/actor_form.html", {"form": form, "actor": actor})


@require_member
@require_POST
def actor_verify(request, workspace_slug, pk):
    actor = get_in_workspace(Actor, request, pk=pk)
    services.actor_mark_verified(actor, user=request.user, request=request)
    messages.success(
        request, _("“%(name)s” marked as verified today by you.") % {"name": actor.name}
    )
    return redirect("ecosystem:actor", workspace_slug=workspace_slug, pk=actor.pk)


@require_member
def actor_delete(request, workspace_slug, pk):
    actor = get_in_workspace(Actor, request, pk=pk)
    if request.method == "POST":
        try:
            services.actor_delete(actor, user=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("ecosystem:actor", workspace_slug=workspace_slug, pk=actor.pk)
        messages.success(request, _("“%(name)s” deleted.") % {"name": actor.name})
        return redirect("ecosystem:home", workspace_slug=workspace_slug)
    return render(
        request,
        "ecosystem/actor_confirm_delete.html",
        {"actor": actor, "counts": selectors.actor_dependents(actor)},
    )


def actor_history(request, workspace_slug, pk):
    actor = get_in_workspace(Actor, request, pk=pk)
    return render(
        request,
        "ecosystem/actor_history.html",
        {"actor": actor, "events": selectors.actor_history(actor)[:200]},
    )


# --- contacts ------------------------------------------------------------------------------


@require_member
def contact_create(request, workspace_slug, pk):
    actor = get_in_workspace(Actor, request, pk=pk)
    form = ContactForm(request.POST or None, initial={"version": 1})
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ContactForm.Meta.fields}
        try:
            services.contact_create(actor=actor, user=request.user, request=request, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Contact added."))
            return redirect(_contacts_anchor(workspace_slug, actor.pk))
    return render(
        request, "ecosystem/contact_form.html", {"form": form, "actor": actor, "contact": None}
    )


@require_member
def contact_edit(request, workspace_slug, pk):
    contact = get_in_workspace(Contact.objects.select_related("actor"), request, pk=pk)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST":
        if "delete" in request.POST:
            services.contact_delete(contact, user=request.user, request=request)
            messages.success(request, _("Contact deleted."))
            return redirect(_contacts_anchor(workspace_slug, contact.actor_id))
        if form.is_valid():
            try:
                services.contact_update(
                    contact,
                    user=request.user,
                    expected_version=form.expected_version,
                    request=request,
                    **form.changes(),
                )
            except (ValidationError, StaleObjectError) as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Contact saved."))
                return redirect(_contacts_anchor(workspace_slug, contact.actor_id))
    return render(
        request,
        "ecosystem/contact_form.html",
        {"form": form, "actor": contact.actor, "contact": contact},
    )


def _contacts_anchor(workspace_slug: str, actor_id: int) -> str:
    url = reverse("ecosystem:actor", kwargs={"workspace_slug": workspace_slug, "pk": actor_id})
    return f"{url}#contacts"


urlpatterns = [
    path("", actor_list, name="home"),
    path("actors/new/", actor_create, name="actor_create"),
    path("actors/suggest/", actor_suggest, name="actor_suggest"),
    path("actors/<int:pk>/", actor_detail, name="actor"),
    path("actors/<int:pk>/edit/", actor_edit, name="actor_edit"),
    path("actors/<int:pk>/verify/", actor_verify, name="actor_verify"),
    path("actors/<int:pk>/delete/", actor_delete, name="actor_delete"),
    path("actors/<int:pk>/history/", actor_history, name="actor_history"),
    path("actors/<int:pk>/contacts/new/", contact_create, name="contact_create"),
    path("contacts/<int:pk>/", contact_edit, name="contact_edit"),
]
