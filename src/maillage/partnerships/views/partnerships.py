"""A partnership: create, overview, edit, delete; its members; the guests it is shared with."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.form_flow import create_from_form, delete_record, update_from_form
from maillage.core.forms import add_service_error
from maillage.workspaces.access import get_in_workspace, require_manager, require_member

from ..access import get_partnership, is_guest
from ..choices import STAGE_HELP
from ..forms.partnerships import MemberForm, PartnershipForm, ShareForm
from ..lifecycle import gate_label
from ..models import Partnership, PartnershipGuest, PartnershipMember
from ..selectors import partnerships as selectors
from ..services import kinds as kind_services
from ..services import partnerships as services


def _overview(request, partnership):
    return redirect(
        "partnerships:partnership", workspace_slug=request.workspace.slug, pk=partnership.pk
    )


@require_member
def partnership_create(request, workspace_slug):
    workspace = request.workspace
    kind_services.kinds_ensure_defaults(workspace)
    form = PartnershipForm(
        request.POST or None,
        workspace=workspace,
        initial={"version": 1, "coordinator": request.user.pk},
    )
    partnership = create_from_form(request, form, services.partnership_create, workspace=workspace)
    if partnership is not None:
        messages.success(
            request,
            _("Partnership “%(name)s” created at 01 Meet. Add its members.")
            % {"name": partnership.name},
        )
        return _overview(request, partnership)
    return render(
        request, "partnerships/partnership_form.html", {"form": form, "partnership": None}
    )


def partnership_detail(request, workspace_slug, pk):
    partnership = get_partnership(
        request, pk, queryset=Partnership.objects.select_related("kind", "coordinator")
    )
    guest = is_guest(request)
    return render(
        request,
        "partnerships/partnership_detail.html",
        {
            "partnership": partnership,
            "members": selectors.members(partnership),
            "guests": [] if guest else selectors.guests(partnership),
            "decisions": selectors.latest_decisions(partnership),
            "sections": selectors.section_counts(partnership, workspace_slug),
            "projects": [] if guest else selectors.projects(partnership),
            "gate": gate_label(partnership.stage),
            "stage_help": STAGE_HELP[partnership.stage],
            "member_form": None
            if guest
            else MemberForm(workspace=request.workspace, initial={"version": 1}),
            "share_form": ShareForm(partnership=partnership)
            if request.membership.has_role("manager")
            else None,
            "is_guest": guest,
            "today": timezone.localdate(),
        },
    )


@require_member
def partnership_edit(request, workspace_slug, pk):
    partnership = get_partnership(request, pk)
    form = PartnershipForm(request.POST or None, instance=partnership, workspace=request.workspace)
    saved, status = update_from_form(
        request, form, services.partnership_update, partnership, _("Partnership saved.")
    )
    if saved:
        return _overview(request, partnership)
    return render(
        request,
        "partnerships/partnership_form.html",
        {"form": form, "partnership": partnership},
        status=status,
    )


@require_member
def partnership_delete(request, workspace_slug, pk):
    partnership = get_partnership(request, pk)
    if request.method == "POST":
        deleted = _("Partnership “%(name)s” deleted.") % {"name": partnership.name}
        if delete_record(request, services.partnership_delete, partnership, deleted):
            return redirect("partnerships:home", workspace_slug=workspace_slug)
        return _overview(request, partnership)
    return render(
        request,
        "partnerships/partnership_confirm_delete.html",
        {
            "partnership": partnership,
            "decision_count": partnership.decisions.count(),
            "projects": selectors.projects(partnership),
        },
    )


# --- members ---------------------------------------------------------------------------------


@require_member
def member_add(request, workspace_slug, pk):
    partnership = get_partnership(request, pk)
    form = MemberForm(request.POST or None, workspace=request.workspace, initial={"version": 1})
    member = create_from_form(request, form, services.member_add, partnership)
    if member is not None:
        messages.success(
            request,
            _("%(actor)s is now a member (%(role)s, %(side)s).")
            % {
                "actor": member.actor.name,
                "role": member.get_role_display(),
                "side": member.get_side_display(),
            },
        )
        return _overview(request, partnership)
    return render(
        request,
        "partnerships/member_form.html",
        {"form": form, "partnership": partnership, "member": None},
    )


def _member(request, pk) -> PartnershipMember:
    member = get_in_workspace(PartnershipMember.objects.select_related("actor"), request, pk=pk)
    # A member of a partnership the user cannot see is a 404 too.
    member.partnership = get_partnership(request, member.partnership_id)
    return member


@require_member
def member_edit(request, workspace_slug, pk):
    member = _member(request, pk)
    form = MemberForm(request.POST or None, instance=member, workspace=request.workspace)
    saved, status = update_from_form(
        request, form, services.member_update, member, _("Member saved.")
    )
    if saved:
        return _overview(request, member.partnership)
    return render(
        request,
        "partnerships/member_form.html",
        {
            "form": form,
            "partnership": member.partnership,
            "member": member,
            "usage": services.member_usage(member),
        },
        status=status,
    )


@require_member
def member_remove(request, workspace_slug, pk):
    member = _member(request, pk)
    if request.method != "POST":
        return redirect("partnerships:member_edit", workspace_slug=workspace_slug, pk=member.pk)
    removed = _("%(actor)s is no longer a member.") % {"actor": member.actor.name}
    if delete_record(request, services.member_remove, member, removed):
        return _overview(request, member.partnership)
    return redirect("partnerships:member_edit", workspace_slug=workspace_slug, pk=member.pk)


# --- guests ----------------------------------------------------------------------------------


@require_manager
def guest_share(request, workspace_slug, pk):
    partnership = get_partnership(request, pk)
    form = ShareForm(request.POST or None, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            share = services.guest_share(
                partnership,
                user=request.user,
                request=request,
                membership=form.cleaned_data["membership"],
                member=form.cleaned_data["member"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Shared with %(guest)s, speaking for %(actor)s.")
                % {"guest": share.membership.user, "actor": share.member.actor.name},
            )
            return _overview(request, partnership)
    return render(
        request, "partnerships/guest_form.html", {"form": form, "partnership": partnership}
    )


@require_manager
def guest_unshare(request, workspace_slug, pk):
    share = get_in_workspace(
        PartnershipGuest.objects.select_related("membership__user"), request, pk=pk
    )
    partnership = get_partnership(request, share.partnership_id)
    if request.method == "POST":
        services.guest_unshare(share, user=request.user, request=request)
        messages.success(
            request,
            _("%(guest)s no longer sees this partnership.") % {"guest": share.membership.user},
        )
    return _overview(request, partnership)


urlpatterns = [
    path("new/", partnership_create, name="partnership_create"),
    path("<int:pk>/", partnership_detail, name="partnership"),
    path("<int:pk>/edit/", partnership_edit, name="partnership_edit"),
    path("<int:pk>/delete/", partnership_delete, name="partnership_delete"),
    path("<int:pk>/members/new/", member_add, name="member_add"),
    path("members/<int:pk>/edit/", member_edit, name="member_edit"),
    path("members/<int:pk>/remove/", member_remove, name="member_remove"),
    path("<int:pk>/guests/new/", guest_share, name="guest_share"),
    path("guests/<int:pk>/remove/", guest_unshare, name="guest_unshare"),
]
