from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import audit
from maillage.core.exceptions import StaleObjectError
from maillage.core.forms import add_service_error

from . import audit_export, selectors, services
from .access import (
    allowed_when_archived,
    get_in_workspace,
    record_refusal,
    require_manager,
    require_owner,
)
from .forms import InvitationForm, MembershipForm, WorkspaceCreateForm, WorkspaceSettingsForm
from .models import Invitation, Membership, Role

PAGE_SIZE = 50


def home(request):
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    memberships = selectors.workspaces_for_user(request.user, include_archived=False)
    if len(memberships) == 1:
        return redirect("workspaces:dashboard", workspace_slug=memberships[0].workspace.slug)
    return redirect("workspaces:list")


@login_required
def workspace_list(request):
    return render(
        request,
        "workspaces/list.html",
        {"memberships": selectors.workspaces_for_user(request.user)},
    )


@login_required
def workspace_create(request):
    form = WorkspaceCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        workspace = services.workspace_create(
            user=request.user, request=request, **form.cleaned_data
        )
        messages.success(request, _("Workspace “%(name)s” created.") % {"name": workspace.name})
        return redirect("workspaces:dashboard", workspace_slug=workspace.slug)
    return render(request, "workspaces/create.html", {"form": form})


def dashboard(request, workspace_slug):
    services.membership_mark_visited(membership=request.membership)
    return render(
        request,
        "workspaces/dashboard.html",
        {"figures": selectors.dashboard_figures(request.workspace)},
    )


@require_owner
@allowed_when_archived
def workspace_settings(request, workspace_slug):
    workspace = request.workspace
    form = WorkspaceSettingsForm(request.POST or None, instance=workspace)
    if request.method == "POST" and form.is_valid():
        try:
            services.workspace_update(
                workspace=workspace,
                user=request.user,
                expected_version=form.expected_version,
                request=request,
                **form.changes(),
            )
        except (ValidationError, StaleObjectError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("workspaces:settings", workspace_slug=workspace.slug)
    return render(request, "workspaces/settings.html", {"form": form})


@require_owner
@allowed_when_archived
@require_POST
def workspace_archive(request, workspace_slug):
    workspace = request.workspace
    action = request.POST.get("action")
    expected = int(request.POST.get("version") or 0)
    try:
        if action == "restore":
            services.workspace_restore(
                workspace=workspace, user=request.user, expected_version=expected, request=request
            )
            messages.success(request, _("The workspace is restored."))
        else:
            services.workspace_archive(
                workspace=workspace, user=request.user, expected_version=expected, request=request
            )
            messages.success(request, _("The workspace is archived: it is now read-only."))
    except StaleObjectError as error:
        messages.error(request, str(error))
    return redirect("workspaces:settings", workspace_slug=workspace.slug)


def _add_display_values(memberships):
    """Role label and dates of each row, computed here once rather than by template filters.

    get_role_display() and two |date filters cost ~50 µs a row, a third of the page's rendering
    (bench/RESULTS.md); the output is the same.
    """
    role_labels = dict(Role.choices)
    day_labels = {}
    for membership in memberships:
        since = timezone.localtime(membership.created_at)
        day = since.date()
        if day not in day_labels:
            day_labels[day] = date_format(since, "SHORT_DATE_FORMAT")
        membership.role_label = role_labels[membership.role]
        membership.since_iso = since.isoformat()
        membership.since_label = day_labels[day]


def member_list(request, workspace_slug):
    query = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    page = Paginator(selectors.members_of(request.workspace, query=query, role=role), PAGE_SIZE)
    page_obj = page.get_page(request.GET.get("page"))
    _add_display_values(page_obj)
    can_manage = request.membership.can_manage_members
    return render(
        request,
        "workspaces/members.html",
        {
            "page_obj": page_obj,
            "query": query,
            "role": role,
            "roles": Role.choices,
            "invitations": selectors.pending_invitations(request.workspace) if can_manage else [],
        },
    )


@require_manager
def member_invite(request, workspace_slug):
    form = InvitationForm(request.POST or None, actor=request.membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                workspace=request.workspace,
                user=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("workspaces:members", workspace_slug=workspace_slug)
    return render(request, "workspaces/invite.html", {"form": form})


@require_manager
@require_POST
def invitation_revoke(request, workspace_slug, pk):
    invitation = get_in_workspace(Invitation, request, pk=pk)
    services.invitation_revoke(invitation=invitation, user=request.user, request=request)
    messages.success(request, _("Invitation to %(email)s revoked.") % {"email": invitation.email})
    return redirect("workspaces:members", workspace_slug=workspace_slug)


@require_manager
def member_edit(request, workspace_slug, pk):
    membership = get_in_workspace(Membership.objects.select_related("user"), request, pk=pk)
    if membership.role == Role.OWNER and not request.membership.is_owner:
        record_refusal(request, "manager edits an owner")
        messages.error(request, _("Only an owner can change another owner."))
        return redirect("workspaces:members", workspace_slug=workspace_slug)
    form = MembershipForm(request.POST or None, instance=membership, actor=request.membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(
                membership=membership,
                user=request.user,
                expected_version=form.expected_version,
                request=request,
                **form.changes(),
            )
        except (ValidationError, StaleObjectError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Membership of %(user)s saved.") % {"user": membership.user}
            )
            return redirect("workspaces:members", workspace_slug=workspace_slug)
    return render(request, "workspaces/member_edit.html", {"form": form, "membership": membership})


@require_manager
@require_POST
def member_remove(request, workspace_slug, pk):
    membership = get_in_workspace(Membership.objects.select_related("user"), request, pk=pk)
    if membership.role == Role.OWNER and not request.membership.is_owner:
        record_refusal(request, "manager removes an owner")
        messages.error(request, _("Only an owner can remove another owner."))
        return redirect("workspaces:members", workspace_slug=workspace_slug)
    try:
        services.membership_remove(membership=membership, user=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(user)s removed from the workspace.") % {"user": membership.user}
        )
    if membership.user_id == request.user.pk:
        return redirect("workspaces:list")
    return redirect("workspaces:members", workspace_slug=workspace_slug)


@require_manager
def audit_log(request, workspace_slug):
    action = request.GET.get("action", "")
    if action not in audit.Action.values:
        action = ""
    user_id = request.GET.get("user", "")
    user_id = int(user_id) if user_id.isdigit() else None
    query = request.GET.get("q", "").strip()
    events = audit.events_for_workspace(
        request.workspace, action=action, user_id=user_id, query=query
    )
    if request.GET.get("format") == "csv":
        return audit_export.audit_csv_response(request.workspace, events)
    filters = {"action": action, "user": user_id or "", "q": query}
    page_obj = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workspaces/audit.html",
        {
            "page_obj": page_obj,
            "actions": audit.Action.choices,
            "action": action,
            "query": query,
            "user_filter": user_id,
            "people": selectors.members_of(request.workspace),
            "csv_query": urlencode({**{k: v for k, v in filters.items() if v}, "format": "csv"}),
        },
    )
