"""The workspace's own lists: themes, audiences and relation types."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.exceptions import StaleObjectError
from maillage.core.forms import add_service_error
from maillage.core.services import tenant_create, tenant_update
from maillage.workspaces.access import get_in_workspace, require_manager

from .. import services
from ..forms import AudienceTermForm, RelationTypeForm, TermForm
from ..models import Audience, RelationType, Theme

TERM_KINDS = {
    "themes": (Theme, TermForm, gettext_lazy("Themes")),
    "audiences": (Audience, AudienceTermForm, gettext_lazy("Audiences")),
}


def lists_overview(request, workspace_slug):
    workspace = request.workspace
    themes = Theme.objects.filter(workspace=workspace).annotate(uses=Count("actors"))
    audiences = Audience.objects.filter(workspace=workspace).annotate(uses=Count("actors"))
    return render(
        request,
        "ecosystem/settings.html",
        {
            "term_sections": [
                (
                    "themes",
                    TERM_KINDS["themes"][2],
                    list(themes),
                    TermForm(prefix="themes", initial={"version": 1}),
                ),
                (
                    "audiences",
                    TERM_KINDS["audiences"][2],
                    list(audiences),
                    AudienceTermForm(prefix="audiences", initial={"version": 1}),
                ),
            ],
            "relation_types": RelationType.objects.filter(workspace=workspace).annotate(
                uses=Count("relations")
            ),
        },
    )


@require_manager
def term_create(request, workspace_slug, kind):
    model, form_class, _label = _term_kind(kind)
    form = form_class(request.POST or None, prefix=kind, initial={"version": 1})
    if request.method == "POST" and form.is_valid():
        try:
            term = tenant_create(
                model,
                workspace=request.workspace,
                user=request.user,
                request=request,
                **form.changes(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("“%(name)s” added.") % {"name": term.name})
            return redirect("ecosystem:settings", workspace_slug=workspace_slug)
    return render(request, "ecosystem/term_form.html", {"form": form, "term": None, "kind": kind})


@require_manager
def term_edit(request, workspace_slug, kind, pk):
    model, form_class, _label = _term_kind(kind)
    term = get_in_workspace(model, request, pk=pk)
    form = form_class(request.POST or None, instance=term, prefix=kind)
    if request.method == "POST":
        if "delete" in request.POST:
            services.term_delete(term, user=request.user, request=request)
            messages.success(request, _("“%(name)s” deleted.") % {"name": term.name})
            return redirect("ecosystem:settings", workspace_slug=workspace_slug)
        if form.is_valid():
            try:
                tenant_update(
                    term,
                    user=request.user,
                    expected_version=form.expected_version,
                    request=request,
                    **form.changes(),
                )
            except (ValidationError, StaleObjectError) as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("ecosystem:settings", workspace_slug=workspace_slug)
    return render(
        request,
        "ecosystem/term_form.html",
        {"form": form, "term": term, "kind": kind, "uses": term.actors.count()},
    )


@require_manager
def relation_type_edit(request, workspace_slug, pk=None):
    relation_type = get_in_workspace(RelationType, request, pk=pk) if pk else None
    form = RelationTypeForm(request.POST or None, instance=relation_type, initial={"version": 1})
    if request.method == "POST":
        try:
            if relation_type is not None and "delete" in request.POST:
                services.relation_type_delete(relation_type, user=request.user, request=request)
                messages.success(request, _("“%(name)s” deleted.") % {"name": relation_type.name})
                return redirect("ecosystem:settings", workspace_slug=workspace_slug)
            if form.is_valid():
                if relation_type is None:
                    tenant_create(
                        RelationType,
                        workspace=request.workspace,
                        user=request.user,
                        request=request,
                        **form.changes(),
                    )
                else:
                    tenant_update(
                        relation_type,
                        user=request.user,
                        expected_version=form.expected_version,
                        request=request,
                        **form.changes(),
                    )
                messages.success(request, _("Saved."))
                return redirect("ecosystem:settings", workspace_slug=workspace_slug)
        except (ValidationError, StaleObjectError) as error:
            add_service_error(form, error)
    return render(
        request,
        "ecosystem/relation_type_form.html",
        {
            "form": form,
            "relation_type": relation_type,
            "uses": relation_type.relations.count() if relation_type else 0,
        },
    )


def _term_kind(kind):
    return TERM_KINDS[kind]


urlpatterns = [
    path("settings/", lists_overview, name="settings"),
    path("settings/relation-types/new/", relation_type_edit, name="relation_type_create"),
    path("settings/relation-types/<int:pk>/", relation_type_edit, name="relation_type_edit"),
    path("settings/themes/new/", term_create, {"kind": "themes"}, name="theme_create"),
    path("settings/themes/<int:pk>/", term_edit, {"kind": "themes"}, name="theme_edit"),
    path("settings/audiences/new/", term_create, {"kind": "audiences"}, name="audience_create"),
    path("settings/audiences/<int:pk>/", term_edit, {"kind": "audiences"}, name="audience_edit"),
]
