"""Funders (with the seed 002 typology) and the resources received outside agreements."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from maillage.core.form_flow import create_from_form, delete_record, try_delete, update_from_form
from maillage.workspaces.access import get_in_workspace, require_member

from ..forms.funders import FunderForm, FunderPickForm, ResourceForm
from ..models import Funder, FunderLevel, FunderSource, Resource, ResourceKind
from ..models.funding import RESOURCE_KIND_OF
from ..selectors import funders as selectors
from ..services import funders as services

PAGE_SIZE = 50


def _int(value: str) -> int | None:
    return int(value) if value and value.isdigit() else None


def typology() -> list[dict]:
    """Seed 002's table: who brings a resource × whether it pays for a service."""
    return [
        {
            "source": source,
            "with": RESOURCE_KIND_OF[(source, True)],
            "without": RESOURCE_KIND_OF[(source, False)],
        }
        for source in FunderSource
    ]


def funder_list(request, workspace_slug):
    workspace = request.workspace
    query = request.GET.get("q", "").strip()[:100]
    source = request.GET.get("source", "")
    source = source if source in FunderSource.values else ""
    level = request.GET.get("level", "")
    level = level if level in FunderLevel.values else ""
    funders = selectors.funders_for_list(workspace, source=source, level=level, query=query)
    page = Paginator(funders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/funder_list.html",
        {
            "page_obj": page,
            "query": query,
            "source": source,
            "level": level,
            "sources": FunderSource.choices,
            "levels": FunderLevel.choices,
        },
    )


@require_member
def funder_create(request, workspace_slug):
    workspace = request.workspace
    form = FunderForm(request.POST or None, workspace=workspace, initial={"version": 1})
    funder = create_from_form(request, form, services.funder_create, workspace=workspace)
    if funder is not None:
        messages.success(request, _("Funder “%(name)s” created.") % {"name": funder.name})
        return redirect("finance:funder", workspace_slug=workspace.slug, pk=funder.pk)
    return render(
        request,
        "finance/funder_form.html",
        {"form": form, "funder": None, "typology": typology()},
    )


def funder_detail(request, workspace_slug, pk):
    funder = get_in_workspace(Funder.objects.select_related("actor"), request, pk=pk)
    return render(
        request,
        "finance/funder_detail.html",
        {
            "funder": funder,
            "agreements": list(selectors.funder_agreements(funder)),
            "resources": list(funder.resources.select_related("project").order_by("-year", "pk")),
            "years": selectors.funder_totals_by_year(funder),
            "kinds": [ResourceKind(k).label for k in services.allowed_kinds(funder.source)],
        },
    )


@require_member
def funder_edit(request, workspace_slug, pk):
    funder = get_in_workspace(Funder, request, pk=pk)
    form = FunderForm(request.POST or None, instance=funder, workspace=request.workspace)
    saved, status = update_from_form(
        request, form, services.funder_update, funder, _("Funder saved.")
    )
    if saved:
        return redirect("finance:funder", workspace_slug=workspace_slug, pk=funder.pk)
    return render(
        request,
        "finance/funder_form.html",
        {"form": form, "funder": funder, "typology": typology()},
        status=status,
    )


@require_member
def funder_delete(request, workspace_slug, pk):
    funder = get_in_workspace(Funder, request, pk=pk)
    usage = services.funder_usage(funder)
    if request.method == "POST":
        deleted = _("Funder “%(name)s” deleted.") % {"name": funder.name}
        if not delete_record(request, services.funder_delete, funder, deleted):
            return redirect("finance:funder", workspace_slug=workspace_slug, pk=funder.pk)
        return redirect("finance:funders", workspace_slug=workspace_slug)
    return render(
        request,
        "finance/funder_confirm_delete.html",
        {"funder": funder, "usage": usage, "blocked": any(usage.values())},
    )


# --- resources -------------------------------------------------------------------------------


def resource_list(request, workspace_slug):
    workspace = request.workspace
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    kind = kind if kind in ResourceKind.values else ""
    years = selectors.resource_years(workspace)
    year = _int(request.GET.get("year", ""))
    year = year if year in years else None
    resources = selectors.resources_for_list(workspace, year=year, kind=kind, query=query)
    page = Paginator(resources, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/resource_list.html",
        {
            "page_obj": page,
            "query": query,
            "kind": kind,
            "kinds": ResourceKind.choices,
            "year": year,
            "years": years,
            "typology": typology(),
        },
    )


@require_member
def resource_create(request, workspace_slug):
    """Who brings it first (?funder=), then the resource: its kinds depend on the funder."""
    workspace = request.workspace
    funder_id = _int(request.GET.get("funder", ""))
    if funder_id is None:
        pick = FunderPickForm(request.GET or None, workspace=workspace)
        return render(request, "finance/resource_pick_funder.html", {"form": pick})
    funder = get_in_workspace(Funder, request, pk=funder_id)
    form = ResourceForm(
        request.POST or None, workspace=workspace, funder=funder, initial={"version": 1}
    )
    resource = create_from_form(
        request, form, services.resource_create, workspace=workspace, funder=funder
    )
    if resource is not None:
        messages.success(
            request,
            _("Resource recorded: %(kind)s, %(year)s.")
            % {"kind": resource.get_kind_display(), "year": resource.year},
        )
        return redirect("finance:funder", workspace_slug=workspace.slug, pk=funder.pk)
    return render(
        request,
        "finance/resource_form.html",
        {"form": form, "funder": funder, "resource": None, "typology": typology()},
    )


@require_member
def resource_edit(request, workspace_slug, pk):
    resource = get_in_workspace(Resource.objects.select_related("funder"), request, pk=pk)
    funder = resource.funder
    form = ResourceForm(
        request.POST or None, instance=resource, workspace=request.workspace, funder=funder
    )
    conflict = ""
    back = reverse("finance:funder", kwargs={"workspace_slug": workspace_slug, "pk": funder.pk})
    if request.method == "POST" and "delete" in request.POST:
        conflict = try_delete(request, services.resource_delete, resource, _("Resource deleted."))
        if not conflict:
            return redirect(back)
        form = ResourceForm(instance=resource, workspace=request.workspace, funder=funder)
        status = 409
    else:
        saved, status = update_from_form(
            request, form, services.resource_update, resource, _("Resource saved.")
        )
        if saved:
            return redirect(back)
    return render(
        request,
        "finance/resource_form.html",
        {
            "form": form,
            "funder": funder,
            "resource": resource,
            "typology": typology(),
            "conflict": conflict,
        },
        status=status,
    )


urlpatterns = [
    path("funders/", funder_list, name="funders"),
    path("funders/new/", funder_create, name="funder_create"),
    path("funders/<int:pk>/", funder_detail, name="funder"),
    path("funders/<int:pk>/edit/", funder_edit, name="funder_edit"),
    path("funders/<int:pk>/delete/", funder_delete, name="funder_delete"),
    path("resources/", resource_list, name="resources"),
    path("resources/new/", resource_create, name="resource_create"),
    path("resources/<int:pk>/", resource_edit, name="resource_edit"),
]
