"""Relations between actors: list, add, edit, delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from maillage.core.exceptions import StaleObjectError
from maillage.core.forms import add_service_error
from maillage.workspaces.access import get_in_workspace, require_member

from .. import selectors, services
from ..forms import RelationForm
from ..models import Actor, Relation, RelationType

PAGE_SIZE = 50


def relation_list(request, workspace_slug):
    workspace = request.workspace
    relations = selectors.relations_for_list(workspace).order_by("source__name", "id")
    query = request.GET.get("q", "").strip()[:100]
    type_id = request.GET.get("type", "")
    if query:
        relations = relations.filter(
            Q(source__name__icontains=query) | Q(target__name__icontains=query)
        )
    if type_id.isdigit():
        relations = relations.filter(relation_type_id=int(type_id))
    page = Paginator(relations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ecosystem/relation_list.html",
        {
            "page_obj": page,
            "query": query,
            "type_id": int(type_id) if type_id.isdigit() else None,
            "relation_types": RelationType.objects.filter(workspace=workspace),
        },
    )


@require_member
def relation_create(request, workspace_slug):
    workspace = request.workspace
    initial = {"version": 1}
    source_id = request.GET.get("source", "")
    if source_id.isdigit():
        initial["source"] = get_in_workspace(Actor, request, pk=int(source_id)).pk
    form = RelationForm(request.POST or None, workspace=workspace, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            relation = services.relation_create(
                workspace=workspace, user=request.user, request=request, **form.changes()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Relation recorded: %(relation)s.") % {"relation": relation}
            )
            return redirect("ecosystem:actor", workspace_slug=workspace_slug, pk=relation.source_id)
    return render(request, "ecosystem/relation_form.html", {"form": form, "relation": None})


@require_member
def relation_edit(request, workspace_slug, pk):
    relation = get_in_workspace(
        Relation.objects.select_related("source", "target", "relation_type"), request, pk=pk
    )
    form = RelationForm(request.POST or None, instance=relation, workspace=request.workspace)
    if request.method == "POST":
        if "delete" in request.POST:
            services.relation_delete(relation, user=request.user, request=request)
            messages.success(request, _("Relation deleted."))
            return redirect("ecosystem:actor", workspace_slug=workspace_slug, pk=relation.source_id)
        if form.is_valid():
            try:
                services.relation_update(
                    relation,
                    user=request.user,
                    expected_version=form.expected_version,
                    request=request,
                    **form.changes(),
                )
            except (ValidationError, StaleObjectError) as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Relation saved."))
                return redirect(
                    "ecosystem:actor", workspace_slug=workspace_slug, pk=relation.source_id
                )
    return render(request, "ecosystem/relation_form.html", {"form": form, "relation": relation})


urlpatterns = [
    path("relations/", relation_list, name="relations"),
    path("relations/new/", relation_create, name="relation_create"),
    path("relations/<int:pk>/", relation_edit, name="relation_edit"),
]
