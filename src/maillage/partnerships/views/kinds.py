"""The workspace's list of partnership kinds (partnerships:kinds): add, rename, reorder, delete
(refused while a partnership has the kind)."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from maillage.core.form_flow import create_from_form, delete_record, update_from_form
from maillage.workspaces.access import get_in_workspace, require_manager, require_member

from ..forms.partnerships import KindForm
from ..models import PartnershipKind
from ..services import kinds as services


def _kinds(workspace):
    return list(
        PartnershipKind.objects.filter(workspace=workspace)
        .annotate(used=Count("partnerships"))
        .order_by("position", "name")
    )


@require_member
def kinds(request, workspace_slug):
    """The list, with the add form (managers)."""
    workspace = request.workspace
    services.kinds_ensure_defaults(workspace)
    form = None
    if request.membership.has_role("manager"):
        form = KindForm(None, initial={"version": 1})
    return render(
        request, "partnerships/kind_list.html", {"kinds": _kinds(workspace), "form": form}
    )


@require_manager
def kind_create(request, workspace_slug):
    workspace = request.workspace
    form = KindForm(request.POST or None, initial={"version": 1})
    kind = create_from_form(request, form, services.kind_create, workspace=workspace)
    if kind is not None:
        messages.success(request, _("Kind “%(name)s” added.") % {"name": kind.name})
        return redirect("partnerships:kinds", workspace_slug=workspace_slug)
    return render(
        request, "partnerships/kind_list.html", {"kinds": _kinds(workspace), "form": form}
    )


@require_manager
def kind_edit(request, workspace_slug, pk):
    kind = get_in_workspace(PartnershipKind, request, pk=pk)
    form = KindForm(request.POST or None, instance=kind)
    saved, status = update_from_form(request, form, services.kind_update, kind, _("Kind saved."))
    if saved:
        return redirect("partnerships:kinds", workspace_slug=workspace_slug)
    return render(
        request,
        "partnerships/kind_form.html",
        {"form": form, "kind": kind, "used": kind.partnerships.count()},
        status=status,
    )


@require_manager
def kind_delete(request, workspace_slug, pk):
    kind = get_in_workspace(PartnershipKind, request, pk=pk)
    if request.method == "POST":
        deleted = _("Kind “%(name)s” deleted.") % {"name": kind.name}
        if not delete_record(request, services.kind_delete, kind, deleted):
            return redirect("partnerships:kind_edit", workspace_slug=workspace_slug, pk=kind.pk)
    return redirect("partnerships:kinds", workspace_slug=workspace_slug)


urlpatterns = [
    path("kinds/", kinds, name="kinds"),
    path("kinds/new/", kind_create, name="kind_create"),
    path("kinds/<int:pk>/edit/", kind_edit, name="kind_edit"),
    path("kinds/<int:pk>/delete/", kind_delete, name="kind_delete"),
]
