"""Settings of the workspace's public catalogue, and its preview (managers and owners)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from maillage.core.exceptions import StaleObjectError
from maillage.core.forms import add_service_error
from maillage.workspaces.access import require_manager

from ..catalogue import catalogue_draft, catalogue_of, catalogue_save
from ..forms_catalogue import CatalogueSettingsForm
from .public import render_actor, render_index


@require_manager
def catalogue_settings(request, workspace_slug):
    catalogue = catalogue_of(request.workspace) or catalogue_draft(request.workspace)
    form = CatalogueSettingsForm(request.POST or None, instance=catalogue)
    if request.method == "POST" and form.is_valid():
        try:
            catalogue = catalogue_save(
                workspace=request.workspace,
                user=request.user,
                request=request,
                expected_version=form.expected_version,
                **form.changes(),
            )
        except (ValidationError, StaleObjectError) as error:
            add_service_error(form, error)
        else:
            if catalogue.is_published:
                messages.success(request, _("Catalogue saved: it is published."))
            else:
                messages.success(request, _("Catalogue saved: it is not published."))
            return redirect("ecosystem:catalogue_settings", workspace_slug=workspace_slug)
    saved = catalogue.pk is not None
    return render(
        request,
        "ecosystem/catalogue_settings.html",
        {
            "form": form,
            "catalogue": catalogue,
            "saved": saved,
            "public_url": request.build_absolute_uri(
                reverse("catalogue:index", args=[catalogue.slug])
            )
            if saved and catalogue.is_published
            else "",
        },
    )


def _preview_catalogue(request):
    return catalogue_of(request.workspace) or catalogue_draft(request.workspace)


@require_manager
def catalogue_preview(request, workspace_slug):
    """The public index as it looks with the saved settings, published or not."""
    return render_index(
        request,
        _preview_catalogue(request),
        base_url=reverse("ecosystem:catalogue_preview", args=[workspace_slug]),
        preview=True,
    )


@require_manager
def catalogue_preview_actor(request, workspace_slug, pk):
    return render_actor(
        request,
        _preview_catalogue(request),
        pk,
        base_url=reverse("ecosystem:catalogue_preview", args=[workspace_slug]),
        preview=True,
    )


urlpatterns = [
    path("catalogue/", catalogue_settings, name="catalogue_settings"),
    path("catalogue/preview/", catalogue_preview, name="catalogue_preview"),
    path("catalogue/preview/<int:pk>/", catalogue_preview_actor, name="catalogue_preview_actor"),
]
