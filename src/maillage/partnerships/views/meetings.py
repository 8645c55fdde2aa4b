"""The meetings and decisions log of a partnership, its action items, and the workspace's page
of every open action item. Guests of a shared partnership read everything here, write nothing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.exceptions import StaleObjectError
from maillage.core.form_flow import create_from_form, edit_or_delete, error_text, posted_version
from maillage.workspaces.access import require_member

from ..access import get_partnership, is_guest, visible_partnerships
from ..forms.meetings import ActionFilterForm, ActionItemForm, DecisionForm, MeetingForm
from ..models import ActionItem, Meeting, MeetingDecision
from ..selectors import meetings as selectors
from ..services import meetings as services

PAGE_SIZE = 20
ACTIONS_PAGE_SIZE = 50
OPEN_ACTIONS_SHOWN = 50


def _meetings_url(workspace_slug, partnership) -> str:
    return reverse("partnerships:meetings", args=[workspace_slug, partnership.pk])


def _meeting_url(workspace_slug, meeting) -> str:
    return reverse(
        "partnerships:meeting", args=[workspace_slug, meeting.partnership_id, meeting.pk]
    )


def _meeting(partnership, meeting_pk) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("ritual", "partnership"),
        partnership=partnership,
        pk=meeting_pk,
    )


def _safe_next(request, fallback: str) -> str:
    """Go back to the page the form was posted from, if it is one of ours."""
    target = request.POST.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else fallback


# --- the log ---------------------------------------------------------------------------------


def meeting_list(request, workspace_slug, pk):
    partnership = get_partnership(request, pk)
    page = Paginator(selectors.meetings_for_partnership(partnership), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.with_decisions_and_actions(page.object_list)
    actions = list(selectors.open_actions(partnership)[: OPEN_ACTIONS_SHOWN + 1])
    return render(
        request,
        "partnerships/meeting_list.html",
        {
            "partnership": partnership,
            "page_obj": page,
            "open_actions": actions[:OPEN_ACTIONS_SHOWN],
            "more_actions": len(actions) > OPEN_ACTIONS_SHOWN,
            "overdue_count": sum(1 for action in actions if action.overdue),
            "statuses": ActionItem.Status.choices,
        },
    )


@require_member
def meeting_create(request, workspace_slug, pk):
    partnership = get_partnership(request, pk)
    form = MeetingForm(request.POST or None, partnership=partnership, initial={"version": 1})
    meeting = create_from_form(request, form, services.meeting_create, partnership)
    if meeting is not None:
        messages.success(request, _("Meeting recorded: add its decisions and actions."))
        return redirect(_meeting_url(workspace_slug, meeting))
    return render(
        request,
        "partnerships/meeting_form.html",
        {"partnership": partnership, "form": form, "meeting": None},
    )


def meeting_detail(request, workspace_slug, pk, meeting_pk):
    partnership = get_partnership(request, pk)
    meeting = _meeting(partnership, meeting_pk)
    return render(
        request,
        "partnerships/meeting_detail.html",
        {
            "partnership": partnership,
            "meeting": meeting,
            "decisions": list(selectors.meeting_decisions(meeting)),
            "actions": list(selectors.meeting_actions(meeting)),
            "decision_form": DecisionForm(initial={"version": 1}, prefix="decision"),
            "action_form": ActionItemForm(
                partnership=partnership,
                initial={"version": 1, "meeting": meeting.pk},
                prefix="action",
            ),
            "statuses": ActionItem.Status.choices,
        },
    )


@require_member
def meeting_edit(request, workspace_slug, pk, meeting_pk):
    partnership = get_partnership(request, pk)
    meeting = _meeting(partnership, meeting_pk)
    form = MeetingForm(request.POST or None, instance=meeting, partnership=partnership)
    done, conflict, status = edit_or_delete(
        request,
        form,
        meeting,
        update=services.meeting_update,
        delete=services.meeting_delete,
        saved=_("Meeting saved."),
        deleted=_("Meeting deleted."),
    )
    if done == "deleted":
        return redirect(_meetings_url(workspace_slug, partnership))
    if done:
        return redirect(_meeting_url(workspace_slug, meeting))
    if conflict:
        form = MeetingForm(instance=meeting, partnership=partnership)
    return render(
        request,
        "partnerships/meeting_form.html",
        {"partnership": partnership, "form": form, "meeting": meeting, "conflict": conflict},
        status=status,
    )


# --- decisions -------------------------------------------------------------------------------


@require_member
def decision_create(request, workspace_slug, pk, meeting_pk):
    partnership = get_partnership(request, pk)
    meeting = _meeting(partnership, meeting_pk)
    form = DecisionForm(request.POST or None, initial={"version": 1}, prefix="decision")
    decision = create_from_form(request, form, services.decision_create, meeting)
    if decision is not None:
        messages.success(request, _("Decision added."))
        return redirect(_meeting_url(workspace_slug, meeting) + "#decisions")
    return render(
        request,
        "partnerships/meeting_child_form.html",
        {
            "partnership": partnership,
            "meeting": meeting,
            "form": form,
            "title": _("Add a decision"),
        },
        status=200 if request.method == "GET" else 400,
    )


@require_member
def decision_edit(request, workspace_slug, pk, decision_pk):
    partnership = get_partnership(request, pk)
    decision = get_object_or_404(
        MeetingDecision.objects.select_related("meeting"), partnership=partnership, pk=decision_pk
    )
    meeting = decision.meeting
    back = _meeting_url(workspace_slug, meeting) + "#decisions"
    form = DecisionForm(request.POST or None, instance=decision)
    done, conflict, status = edit_or_delete(
        request,
        form,
        decision,
        update=services.decision_update,
        delete=services.decision_delete,
        saved=_("Decision saved."),
        deleted=_("Decision deleted."),
    )
    if done:
        return redirect(back)
    if conflict:
        form = DecisionForm(instance=decision)
    return render(
        request,
        "partnerships/meeting_child_form.html",
        {
            "partnership": partnership,
            "meeting": meeting,
            "form": form,
            "record": decision,
            "conflict": conflict,
            "title": _("Edit the decision"),
        },
        status=status,
    )


# --- action items ----------------------------------------------------------------------------


@require_member
def action_create(request, workspace_slug, pk):
    partnership = get_partnership(request, pk)
    meeting_id = request.GET.get("meeting", "")
    initial = {"version": 1}
    if meeting_id.isdigit():
        initial["meeting"] = int(meeting_id)
    form = ActionItemForm(
        request.POST or None, partnership=partnership, initial=initial, prefix="action"
    )
    action = create_from_form(request, form, services.action_create, partnership)
    if action is not None:
        messages.success(request, _("Action item added."))
        if action.meeting_id:
            return redirect(_meeting_url(workspace_slug, action.meeting) + "#actions")
        return redirect(_meetings_url(workspace_slug, partnership) + "#actions")
    return render(
        request,
        "partnerships/action_form.html",
        {"partnership": partnership, "form": form, "action": None},
    )


def _action(partnership, action_pk) -> ActionItem:
    return get_object_or_404(
        ActionItem.objects.select_related("meeting"), partnership=partnership, pk=action_pk
    )


@require_member
def action_edit(request, workspace_slug, pk, action_pk):
    partnership = get_partnership(request, pk)
    action = _action(partnership, action_pk)
    back = (
        _meeting_url(workspace_slug, action.meeting)
        if action.meeting_id
        else _meetings_url(workspace_slug, partnership)
    ) + "#actions"
    form = ActionItemForm(
        request.POST or None, instance=action, partnership=partnership, prefix="action"
    )
    done, conflict, status = edit_or_delete(
        request,
        form,
        action,
        update=services.action_update,
        delete=services.action_delete,
        saved=_("Action item saved."),
        deleted=_("Action item deleted."),
        version_field="action-version",
    )
    if done:
        return redirect(back)
    if conflict:
        form = ActionItemForm(instance=action, partnership=partnership, prefix="action")
    return render(
        request,
        "partnerships/action_form.html",
        {"partnership": partnership, "form": form, "action": action, "conflict": conflict},
        status=status,
    )


@require_member
@require_POST
def action_status(request, workspace_slug, pk, action_pk):
    """The quick status buttons of the lists; back to the page they were on."""
    partnership = get_partnership(request, pk)
    action = _action(partnership, action_pk)
    try:
        services.action_set_status(
            action,
            request.POST.get("status", ""),
            user=request.user,
            expected_version=posted_version(request),
            request=request,
        )
    except StaleObjectError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("“%(title)s”: %(status)s.")
            % {"title": action.title, "status": action.get_status_display().lower()},
        )
    return redirect(_safe_next(request, _meetings_url(workspace_slug, partnership) + "#actions"))


# --- the workspace's action items ------------------------------------------------------------


def action_items(request, workspace_slug):
    partnerships = visible_partnerships(request)
    form = ActionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.action_items_for_list(
        request.workspace,
        partnerships=partnerships if is_guest(request) else None,
        status=filters.get("status") or "",
        overdue=bool(filters.get("overdue")),
        owner=(filters.get("owner") or "").strip(),
        partnership_id=filters.get("partnership"),
        partnership_name=(filters.get("partnership_name") or "").strip(),
    )
    only = None
    if filters.get("partnership"):
        only = partnerships.filter(pk=filters["partnership"]).values_list("name", flat=True).first()
    page = Paginator(queryset, ACTIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "partnerships/action_items.html",
        {
            "form": form,
            "page_obj": page,
            "filtered": any(filters.values()) if filters else False,
            "only_partnership": only,
            "statuses": ActionItem.Status.choices,
        },
    )


urlpatterns = [
    path("actions/", action_items, name="action_items"),
    path("<int:pk>/meetings/", meeting_list, name="meetings"),
    path("<int:pk>/meetings/new/", meeting_create, name="meeting_create"),
    path("<int:pk>/meetings/<int:meeting_pk>/", meeting_detail, name="meeting"),
    path("<int:pk>/meetings/<int:meeting_pk>/edit/", meeting_edit, name="meeting_edit"),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/decisions/new/",
        decision_create,
        name="meeting_decision_create",
    ),
    path(
        "<int:pk>/meeting-decisions/<int:decision_pk>/edit/",
        decision_edit,
        name="meeting_decision_edit",
    ),
    path("<int:pk>/actions/new/", action_create, name="action_create"),
    path("<int:pk>/actions/<int:action_pk>/edit/", action_edit, name="action_edit"),
    path("<int:pk>/actions/<int:action_pk>/status/", action_status, name="action_status"),
]
