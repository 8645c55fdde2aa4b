"""Possible duplicates: the list of pairs, "not a duplicate", and the merge page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.exceptions import StaleObjectError
from maillage.core.forms import add_service_error
from maillage.core.sdg import sdg_label
from maillage.workspaces.access import get_in_workspace, require_member

from ..duplicates import duplicate_dismiss, duplicate_scan
from ..forms_duplicates import MergeForm
from ..merge import CHOOSABLE_FIELDS, CHOOSABLE_LABELS, actor_merge, conflicts
from ..models import Actor, NetworkHeadQualification, Relation
from .network_heads import actor_url

PAGE_LIMIT = 50


def duplicate_list(request, workspace_slug):
    after = request.GET.get("after", "")[:300]
    scan = duplicate_scan(request.workspace, limit=PAGE_LIMIT, after=after)
    return render(
        request,
        "ecosystem/duplicates.html",
        {"scan": scan, "after": after, "limit": PAGE_LIMIT},
    )


def _next_or(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@require_member
@require_POST
def duplicate_dismiss_view(request, workspace_slug, first, second):
    a = get_in_workspace(Actor, request, pk=first)
    b = get_in_workspace(Actor, request, pk=second)
    if a.pk == b.pk:
        raise Http404
    duplicate_dismiss(first=a, second=b, user=request.user, request=request)
    messages.success(
        request,
        _("“%(first)s” and “%(second)s” will no longer be flagged as possible duplicates.")
        % {"first": a, "second": b},
    )
    return redirect(_next_or(request, reverse("ecosystem:duplicates", args=[workspace_slug])))


# --- merge ---------------------------------------------------------------------------------------


def _display(actor: Actor, name: str) -> str:
    if name == "profile":
        return actor.get_profile_display()
    if name == "level":
        return actor.get_level_display()
    if name == "territory":
        territory = actor.territory
        return str(territory) if territory else ""
    if name == "coordinates":
        return f"{actor.latitude}, {actor.longitude}" if actor.has_coordinates else ""
    return getattr(actor, name) or ""


def _facts(actor: Actor) -> dict:
    """What the merge unites, shown side by side (not chosen: both are kept)."""
    qualification = NetworkHeadQualification.objects.filter(actor=actor).first()
    return {
        "aliases": actor.alias_list,
        "missions": actor.mission_labels,
        "themes": [str(t) for t in actor.themes.all()],
        "audiences": [str(a) for a in actor.audiences.all()],
        "sdgs": [sdg_label(n) for n in actor.sdg_list],
        "notes": actor.notes,
        "contacts": actor.contacts.count(),
        "relations": Relation.objects.filter(source=actor).count()
        + Relation.objects.filter(target=actor).count(),
        "qualification": qualification,
        "last_verified_on": actor.last_verified_on,
        "link": actor_url(actor.workspace.slug, actor.pk),
    }


def _rows(keep: Actor, other: Actor, form: MergeForm) -> list[dict]:
    rows = []
    conflicting = set(form.conflicts)
    for name in CHOOSABLE_FIELDS:
        keep_value, other_value = _display(keep, name), _display(other, name)
        if not keep_value and not other_value:
            continue
        if name in conflicting:
            outcome = "choose"
        elif keep_value == other_value:
            outcome = "same"
        elif keep_value:
            outcome = "keep"
        else:
            outcome = "other"
        rows.append(
            {
                "name": name,
                "label": CHOOSABLE_LABELS[name],
                "keep": keep_value,
                "other": other_value,
                "outcome": outcome,
                "field": form[name] if name in conflicting else None,
                "chosen": (form[name].value() or "keep") if name in conflicting else "",
            }
        )
    return rows


@require_member
def merge(request, workspace_slug, keep, other):
    actors = Actor.objects.select_related("commune", "epci", "department", "region")
    keep_actor = get_in_workspace(actors, request, pk=keep)
    other_actor = get_in_workspace(actors, request, pk=other)
    if keep_actor.pk == other_actor.pk:
        raise Http404
    form = MergeForm(
        request.POST or None,
        keep=keep_actor,
        other=other_actor,
        conflicts=conflicts(keep_actor, other_actor),
    )
    if request.method == "POST" and form.is_valid():
        name = other_actor.name
        try:
            actor_merge(
                keep=keep_actor,
                other=other_actor,
                user=request.user,
                choices=form.choices(),
                request=request,
                keep_version=form.cleaned_data["keep_version"],
                other_version=form.cleaned_data["other_version"],
            )
        except (ValidationError, StaleObjectError) as error:
            add_service_error(form, error)
            keep_actor.refresh_from_db()
            other_actor = get_in_workspace(actors, request, pk=other)
        else:
            messages.success(
                request,
                _(
                    "“%(other)s” was merged into “%(keep)s”: its relations, contacts and history "
                    "now belong to it."
                )
                % {"other": name, "keep": keep_actor},
            )
            return redirect(
                actor_url(workspace_slug, keep_actor.pk)
                or reverse("ecosystem:duplicates", args=[workspace_slug])
            )
    return render(
        request,
        "ecosystem/duplicates_merge.html",
        {
            "keep": keep_actor,
            "other": other_actor,
            "form": form,
            "rows": _rows(keep_actor, other_actor, form),
            "keep_facts": _facts(keep_actor),
            "other_facts": _facts(other_actor),
        },
    )


urlpatterns = [
    path("duplicates/", duplicate_list, name="duplicates"),
    path(
        "duplicates/<int:first>/<int:second>/dismiss/",
        duplicate_dismiss_view,
        name="duplicate_dismiss",
    ),
    path("duplicates/merge/<int:keep>/<int:other>/", merge, name="merge"),
]
