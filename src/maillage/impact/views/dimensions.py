"""The workspace's breakdown dimensions and their categories."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from maillage.core.exceptions import StaleObjectError
from maillage.core.forms import add_service_error
from maillage.workspaces.access import get_in_workspace, require_manager

from .. import services
from ..forms import CategoryForm, DimensionForm, NewDimensionForm
from ..models import BreakdownCategory, BreakdownDimension


def dimension_list(request, workspace_slug):
    dimensions = (
        BreakdownDimension.objects.filter(workspace=request.workspace)
        .annotate(indicator_count=Count("indicators", distinct=True))
        .prefetch_related(
            Prefetch(
                "categories",
                queryset=BreakdownCategory.objects.annotate(value_count=Count("values")),
            )
        )
    )
    return render(request, "impact/dimensions.html", {"dimensions": dimensions})


@require_manager
def dimension_create(request, workspace_slug):
    form = NewDimensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dimension = services.dimension_create(
                workspace=request.workspace,
                user=request.user,
                request=request,
                name=form.cleaned_data["name"],
                categories=form.cleaned_data["categories"].splitlines(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Dimension “%(name)s” added.") % {"name": dimension.name})
            return redirect("impact:dimensions", workspace_slug=workspace_slug)
    return render(request, "impact/dimension_form.html", {"form": form, "dimension": None})


@require_manager
def dimension_edit(request, workspace_slug, pk):
    dimension = get_in_workspace(BreakdownDimension, request, pk=pk)
    form = DimensionForm(request.POST or None, instance=dimension)
    if request.method == "POST":
        if "delete" in request.POST:
            try:
                services.dimension_delete(dimension, user=request.user, request=request)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Dimension deleted."))
            return redirect("impact:dimensions", workspace_slug=workspace_slug)
        if form.is_valid():
            try:
                services.dimension_update(
                    dimension,
                    user=request.user,
                    expected_version=form.expected_version,
                    request=request,
                    **form.changes(),
                )
            except (ValidationError, StaleObjectError) as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Dimension saved."))
                return redirect("impact:dimensions", workspace_slug=workspace_slug)
    return render(request, "impact/dimension_form.html", {"form": form, "dimension": dimension})


@require_manager
def category_create(request, workspace_slug, pk):
    dimension = get_in_workspace(BreakdownDimension, request, pk=pk)
    form = CategoryForm(request.POST or None, initial={"version": 1})
    if request.method == "POST" and form.is_valid():
        try:
            services.category_create(
                workspace=request.workspace,
                user=request.user,
                request=request,
                dimension=dimension,
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Category added."))
            return redirect("impact:dimensions", workspace_slug=workspace_slug)
    return render(
        request,
        "impact/category_form.html",
        {"form": form, "dimension": dimension, "category": None},
    )


@require_manager
def category_edit(request, workspace_slug, pk):
    category = get_in_workspace(
        BreakdownCategory.objects.select_related("dimension"), request, pk=pk
    )
    form = CategoryForm(request.POST or None, instance=category)
    if request.method == "POST":
        if "delete" in request.POST:
            try:
                services.category_delete(category, user=request.user, request=request)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Category deleted."))
            return redirect("impact:dimensions", workspace_slug=workspace_slug)
        if form.is_valid():
            try:
                services.category_update(
                    category,
                    user=request.user,
                    expected_version=form.expected_version,
                    request=request,
                    **form.changes(),
                )
            except (ValidationError, StaleObjectError) as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Category saved."))
                return redirect("impact:dimensions", workspace_slug=workspace_slug)
    return render(
        request,
        "impact/category_form.html",
        {"form": form, "dimension": category.dimension, "category": category},
    )


urlpatterns = [
    path("breakdowns/", dimension_list, name="dimensions"),
    path("breakdowns/new/", dimension_create, name="dimension_create"),
    path("breakdowns/<int:pk>/", dimension_edit, name="dimension_edit"),
    path("breakdowns/<int:pk>/categories/new/", category_create, name="category_create"),
    path("categories/<int:pk>/", category_edit, name="category_edit"),
]
