"""The evaluation tab (seed 004): the upfront fit check, the evaluation rounds scored by each
member on the three dimensions, and their history.

Workspace members write everything. A guest (a partner company…) writes only its own member's
side: its fit expectations and its scores in a round (`@guest_can_write` + `access`); it cannot
create, edit or delete rounds."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from maillage.core.exceptions import StaleObjectError
from maillage.core.form_flow import create_from_form, delete_record, update_from_form
from maillage.core.forms import add_service_error
from maillage.workspaces.access import deny, guest_can_write, require_member
from maillage.workspaces.models import Role

from .. import access
from ..choices import Dimension
from ..forms.evaluations import EvaluationForm, FitForm, ScoreForm
from ..models import Evaluation, EvaluationScore, FitExpectation, Partnership
from ..selectors import evaluations as selectors
from ..services import evaluations as services


def _tab_url(workspace_slug, partnership, anchor="") -> str:
    url = reverse("partnerships:evaluations", args=[workspace_slug, partnership.pk])
    return f"{url}#{anchor}" if anchor else url


def _writable_ids(request, partnership, members) -> set[int]:
    """The members whose side the user may write: all of them, or a guest's own."""
    if access.is_guest(request):
        return {access.guest_member(request, partnership).pk}
    return {m.pk for m in members}


def _side_member(request, partnership, member_pk):
    """The member whose side is written: 404 if not of this partnership, 403 for a guest
    writing another member's side (and for any role below member that is not a guest)."""
    member = get_object_or_404(
        partnership.members.select_related("actor"), pk=member_pk, workspace=request.workspace
    )
    if not access.is_guest(request) and not request.membership.has_role(Role.MEMBER):
        deny(request, "role below member")
    access.require_side(request, partnership, member)
    return member


def evaluations(request, workspace_slug, pk):
    partnership = access.get_partnership(request, pk, queryset=_partnerships())
    members = selectors.members_of(partnership)
    writable = _writable_ids(request, partnership, members) if members else set()
    fit_lines, fit_summary = selectors.fit_grid(partnership, members, writable)
    rounds = selectors.evaluation_rounds(partnership, members, writable)
    latest = next((r for r in reversed(rounds) if r.average is not None), None)
    return render(
        request,
        "partnerships/evaluations.html",
        {
            "partnership": partnership,
            "members": members,
            "dimensions": selectors.DIMENSIONS,
            "fit_lines": fit_lines,
            "fit_summary": fit_summary,
            "rounds": list(reversed(rounds)),
            "latest": latest,
            "chart": selectors.history_chart(partnership, rounds),
            "is_guest": access.is_guest(request),
            "can_manage": request.membership.has_role(Role.MEMBER),
        },
    )


def _partnerships():
    return Partnership.objects.select_related("kind")


def _save_rows(request, forms, save) -> tuple[bool, int]:
    """Validate every dimension's form, then `save(rows)`; errors go to the right form."""
    if request.method != "POST":
        return False, 200
    valid = [form.is_valid() for form in forms]  # every form, so that every error shows
    if not all(valid):
        return False, 200
    by_dimension = {form.dimension.value: form for form in forms}
    try:
        save([form.row() for form in forms])
    except StaleObjectError as error:
        add_service_error(forms[0], error)
        return False, 409
    except services.RowError as error:
        add_service_error(by_dimension.get(error.dimension, forms[0]), error)
        return False, 200
    return True, 200


def _errors(forms) -> dict:
    return {
        "has_errors": any(form.errors for form in forms),
        "top_errors": [error for form in forms for error in form.non_field_errors()],
    }


# --- fit check -------------------------------------------------------------------------------


@guest_can_write  # a guest states only its own member's expectations (access.require_side)
def fit_edit(request, workspace_slug, pk, member_pk):
    partnership = access.get_partnership(request, pk, queryset=_partnerships())
    member = _side_member(request, partnership, member_pk)
    stored = {
        e.dimension: e
        for e in FitExpectation.objects.filter(partnership=partnership, member=member)
    }
    data = request.POST if request.method == "POST" else None
    forms = [FitForm(data, dimension=d, stored=stored.get(d.value)) for d in Dimension]
    saved, status = _save_rows(
        request,
        forms,
        lambda rows: services.fit_save(
            partnership, member, rows, user=request.user, request=request
        ),
    )
    if saved:
        messages.success(
            request, _("Expectations of %(member)s saved.") % {"member": member.actor.name}
        )
        return redirect(_tab_url(workspace_slug, partnership, "fit"))
    return render(
        request,
        "partnerships/fit_form.html",
        {"partnership": partnership, "member": member, "forms": forms, **_errors(forms)},
        status=status,
    )


# --- rounds ----------------------------------------------------------------------------------


def _evaluation(partnership, evaluation_pk) -> Evaluation:
    return get_object_or_404(
        Evaluation.objects.filter(partnership=partnership, workspace=partnership.workspace),
        pk=evaluation_pk,
    )


@require_member
def evaluation_create(request, workspace_slug, pk):
    partnership = access.get_partnership(request, pk, queryset=_partnerships())
    form = EvaluationForm(request.POST or None, initial={"version": 1})
    evaluation = create_from_form(request, form, services.evaluation_create, partnership)
    if evaluation is not None:
        messages.success(
            request,
            _("Evaluation “%(title)s” recorded: each member can now score it.")
            % {"title": evaluation.title},
        )
        return redirect(_tab_url(workspace_slug, partnership, f"round-{evaluation.pk}"))
    return render(
        request,
        "partnerships/evaluation_form.html",
        {"partnership": partnership, "form": form, "evaluation": None},
    )


@require_member
def evaluation_edit(request, workspace_slug, pk, evaluation_pk):
    partnership = access.get_partnership(request, pk, queryset=_partnerships())
    evaluation = _evaluation(partnership, evaluation_pk)
    form = EvaluationForm(request.POST or None, instance=evaluation)
    saved, status = update_from_form(
        request, form, services.evaluation_update, evaluation, _("Evaluation saved.")
    )
    if saved:
        return redirect(_tab_url(workspace_slug, partnership, f"round-{evaluation.pk}"))
    return render(
        request,
        "partnerships/evaluation_form.html",
        {"partnership": partnership, "form": form, "evaluation": evaluation},
        status=status,
    )


@require_member
def evaluation_delete(request, workspace_slug, pk, evaluation_pk):
    partnership = access.get_partnership(request, pk, queryset=_partnerships())
    evaluation = _evaluation(partnership, evaluation_pk)
    if request.method == "POST":
        deleted = _("Evaluation “%(title)s” deleted.") % {"title": evaluation.title}
        delete_record(request, services.evaluation_delete, evaluation, deleted)
        return redirect(_tab_url(workspace_slug, partnership, "rounds"))
    return render(
        request,
        "partnerships/evaluation_confirm_delete.html",
        {
            "partnership": partnership,
            "evaluation": evaluation,
            "score_count": evaluation.scores.count(),
        },
    )


# --- scores ----------------------------------------------------------------------------------


@guest_can_write  # a guest scores only for its own member (access.require_side)
def evaluation_scores(request, workspace_slug, pk, evaluation_pk, member_pk):
    partnership = access.get_partnership(request, pk, queryset=_partnerships())
    evaluation = _evaluation(partnership, evaluation_pk)
    member = _side_member(request, partnership, member_pk)
    stored = {
        s.dimension: s
        for s in EvaluationScore.objects.filter(
            evaluation=evaluation, member=member
        ).prefetch_related("indicators")
    }
    data = request.POST if request.method == "POST" else None
    forms = [
        ScoreForm(data, dimension=d, stored=stored.get(d.value), workspace=request.workspace)
        for d in Dimension
    ]

    saved, status = _save_rows(
        request,
        forms,
        lambda rows: services.member_scores_save(
            evaluation, member, rows, user=request.user, request=request
        ),
    )
    if saved:
        messages.success(
            request,
            _("Scores of %(member)s for “%(title)s” saved.")
            % {"member": member.actor.name, "title": evaluation.title},
        )
        return redirect(_tab_url(workspace_slug, partnership, f"round-{evaluation.pk}"))
    return render(
        request,
        "partnerships/score_form.html",
        {
            "partnership": partnership,
            "evaluation": evaluation,
            "member": member,
            "forms": forms,
            **_errors(forms),
        },
        status=status,
    )


urlpatterns = [
    path("<int:pk>/evaluation/", evaluations, name="evaluations"),
    path("<int:pk>/evaluation/fit/<int:member_pk>/", fit_edit, name="fit_edit"),
    path("<int:pk>/evaluation/new/", evaluation_create, name="evaluation_create"),
    path(
        "<int:pk>/evaluation/<int:evaluation_pk>/edit/",
        evaluation_edit,
        name="evaluation_edit",
    ),
    path(
        "<int:pk>/evaluation/<int:evaluation_pk>/delete/",
        evaluation_delete,
        name="evaluation_delete",
    ),
    path(
        "<int:pk>/evaluation/<int:evaluation_pk>/scores/<int:member_pk>/",
        evaluation_scores,
        name="evaluation_scores",
    ),
]
