"""An engagement: the workspace's list, create / edit / delete, its overview page (organisations,
people, steering committee members, milestones, budget vs time spent), its dimensions and its
steering committee (meetings, decisions and arbitrations, action items, suggested calendar).

Every lookup goes through the workspace (`access.get_engagement`) and then the engagement: a
child of another engagement is a 404. Members write; guests read."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maillage.core.exceptions import StaleObjectError
from maillage.core.form_flow import (
    create_from_form,
    delete_from_form,
    delete_record,
    edit_or_delete,
    error_text,
    posted_version,
    update_from_form,
)
from maillage.workspaces.access import require_member

from ..access import get_engagement
from ..choices import ActionStatus
from ..forms.engagements import (
    ActionItemForm,
    CommitteeMemberForm,
    DimensionForm,
    EngagementForm,
    MeetingForm,
    MilestoneForm,
    OrganisationForm,
    OutcomeForm,
    TimeSpentForm,
)
from ..models import (
    CommitteeActionItem,
    CommitteeMeeting,
    CommitteeMember,
    CommitteeOutcome,
    Dimension,
    EngagementMilestone,
    EngagementOrganisation,
    TimeSpent,
)
from ..selectors import committee as committee_selectors
from ..selectors import engagements as selectors
from ..services import committee as committee_services
from ..services import engagements as services

PAGE_SIZE = 20


def _language(request) -> str:
    preferred = getattr(request.user, "language", "") or translation.get_language() or "fr"
    return "en" if preferred.startswith("en") else "fr"


def _engagement_url(request, engagement, anchor: str = "") -> str:
    url = reverse("diagnostics:engagement", args=[request.workspace.slug, engagement.pk])
    return f"{url}#{anchor}" if anchor else url


def _child_page(request, engagement, template_context, *, status=200, active="overview"):
    return render(
        request,
        "diagnostics/engagement_child_form.html",
        {"engagement": engagement, "active": active, **template_context},
        status=status,
    )


# --- the list and the engagement -------------------------------------------------------------


def engagement_list(request, workspace_slug):
    page = Paginator(selectors.engagements_for_list(request.workspace), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = selectors.with_budget(page.object_list)
    return render(request, "diagnostics/engagement_list.html", {"page_obj": page})


@require_member
def engagement_create(request, workspace_slug):
    today = timezone.localdate()
    form = EngagementForm(
        request.POST or None,
        initial={"version": 1, "start_date": today, "budget_days": 25, "budget_amount": 25000},
    )
    engagement = create_from_form(
        request,
        form,
        services.engagement_create,
        workspace=request.workspace,
        language=_language(request),
    )
    if engagement is not None:
        messages.success(
            request,
            _(
                "Engagement “%(title)s” created with its seven dimensions, four scenarios, six "
                "criteria and three milestones."
            )
            % {"title": engagement.title},
        )
        return redirect(_engagement_url(request, engagement))
    return render(
        request,
        "diagnostics/engagement_form.html",
        {"form": form, "engagement": None},
    )


def engagement_detail(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    time_page = Paginator(selectors.time_spent(engagement), 25).get_page(
        request.GET.get("time_page")
    )
    return render(
        request,
        "diagnostics/engagement_detail.html",
        {
            "engagement": engagement,
            "organisations": list(selectors.organisations(engagement)),
            "members": list(selectors.committee_members(engagement)),
            "milestones": selectors.milestones(engagement),
            "budget": selectors.budget(engagement),
            "time_page": time_page,
            "counts": selectors.section_counts(engagement),
            "organisation_form": OrganisationForm(workspace=request.workspace),
        },
    )


@require_member
def engagement_edit(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    form = EngagementForm(request.POST or None, instance=engagement)
    saved, status = update_from_form(
        request, form, services.engagement_update, engagement, _("Engagement saved.")
    )
    if saved:
        return redirect(_engagement_url(request, engagement))
    return render(
        request,
        "diagnostics/engagement_form.html",
        {"form": form, "engagement": engagement},
        status=status,
    )


@require_member
def engagement_delete(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    if request.method == "POST":
        deleted = _("Engagement “%(title)s” deleted.") % {"title": engagement.title}
        if delete_record(request, services.engagement_delete, engagement, deleted):
            return redirect("diagnostics:home", workspace_slug=workspace_slug)
        return redirect(_engagement_url(request, engagement))
    return render(
        request,
        "diagnostics/engagement_confirm_delete.html",
        {"engagement": engagement, "counts": selectors.section_counts(engagement)},
    )


# --- organisations involved ------------------------------------------------------------------


@require_member
@require_POST
def organisation_add(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    form = OrganisationForm(request.POST, workspace=request.workspace)
    link = create_from_form(request, form, services.organisation_add, engagement)
    if link is None:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        messages.success(request, _("%(name)s is involved.") % {"name": link.actor.name})
    return redirect(_engagement_url(request, engagement, "organisations"))


@require_member
@require_POST
def organisation_remove(request, workspace_slug, pk, organisation_pk):
    engagement = get_engagement(request, pk)
    link = get_object_or_404(
        EngagementOrganisation.objects.select_related("actor"),
        engagement=engagement,
        pk=organisation_pk,
    )
    removed = _("%(name)s removed.") % {"name": link.actor.name}
    delete_from_form(request, services.organisation_remove, link, removed)
    return redirect(_engagement_url(request, engagement, "organisations"))


# --- the engagement's simple children: members, milestones, time spent -----------------------

CHILDREN = {
    # key: model, form, services prefix, anchor, titles, messages
    "member": (
        CommitteeMember,
        CommitteeMemberForm,
        "committee_member",
        "members",
        (
            gettext_lazy("Add a steering committee member"),
            gettext_lazy("Edit the steering committee member"),
        ),
    ),
    "milestone": (
        EngagementMilestone,
        MilestoneForm,
        "milestone",
        "milestones",
        (gettext_lazy("Add a milestone"), gettext_lazy("Edit the milestone")),
    ),
    "time": (
        TimeSpent,
        TimeSpentForm,
        "time_spent",
        "budget",
        (gettext_lazy("Record time spent"), gettext_lazy("Edit the time spent")),
    ),
}


def _child_form(key, request, *args, **kwargs):
    form_class = CHILDREN[key][1]
    if form_class is CommitteeMemberForm:
        kwargs["workspace"] = request.workspace
    return form_class(*args, **kwargs)


def _child_create(key):
    _model, _form, prefix, anchor, titles = CHILDREN[key]

    @require_member
    def view(request, workspace_slug, pk):
        engagement = get_engagement(request, pk)
        initial = {"version": 1}
        if key == "time":
            initial["spent_on"] = timezone.localdate()
        form = _child_form(key, request, request.POST or None, initial=initial)
        record = create_from_form(request, form, getattr(services, f"{prefix}_create"), engagement)
        if record is not None:
            messages.success(request, _("Saved."))
            return redirect(_engagement_url(request, engagement, anchor))
        return _child_page(
            request,
            engagement,
            {
                "form": form,
                "title": titles[0],
                "back": _engagement_url(request, engagement, anchor),
            },
        )

    view.__name__ = f"{prefix}_create"
    return view


def _child_edit(key):
    model, _form, prefix, anchor, titles = CHILDREN[key]

    @require_member
    def view(request, workspace_slug, pk, child_pk):
        engagement = get_engagement(request, pk)
        record = get_object_or_404(model, engagement=engagement, pk=child_pk)
        form = _child_form(key, request, request.POST or None, instance=record)
        done, conflict, status = edit_or_delete(
            request,
            form,
            record,
            update=getattr(services, f"{prefix}_update"),
            delete=getattr(services, f"{prefix}_delete"),
            saved=_("Saved."),
            deleted=_("Deleted."),
            version_field=form.add_prefix("version"),
            refused_status=400,
        )
        back = _engagement_url(request, engagement, anchor)
        if done:
            return redirect(back)
        if conflict and status == 409:
            form = _child_form(key, request, instance=record)
        return _child_page(
            request,
            engagement,
            {
                "form": form,
                "title": titles[1],
                "record": record,
                "conflict": conflict,
                "back": back,
            },
            status=status,
        )

    view.__name__ = f"{prefix}_edit"
    return view


member_create, member_edit = _child_create("member"), _child_edit("member")
milestone_create, milestone_edit = _child_create("milestone"), _child_edit("milestone")
time_create, time_edit = _child_create("time"), _child_edit("time")


# --- dimensions ------------------------------------------------------------------------------


def dimension_list(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    return render(
        request,
        "diagnostics/dimension_list.html",
        {
            "engagement": engagement,
            "dimensions": list(selectors.dimensions(engagement)),
            "form": DimensionForm(initial={"version": 1}),
        },
    )


def _dimensions_url(request, engagement) -> str:
    return reverse("diagnostics:dimensions", args=[request.workspace.slug, engagement.pk])


@require_member
def dimension_create(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    form = DimensionForm(request.POST or None, initial={"version": 1})
    dimension = create_from_form(request, form, services.dimension_create, engagement)
    if dimension is not None:
        messages.success(request, _("Dimension “%(name)s” added.") % {"name": dimension.name})
        return redirect(_dimensions_url(request, engagement))
    return _child_page(
        request,
        engagement,
        {"form": form, "title": _("Add a dimension"), "back": _dimensions_url(request, engagement)},
    )


@require_member
def dimension_edit(request, workspace_slug, pk, dimension_pk):
    engagement = get_engagement(request, pk)
    dimension = get_object_or_404(Dimension, engagement=engagement, pk=dimension_pk)
    form = DimensionForm(request.POST or None, instance=dimension)
    done, conflict, status = edit_or_delete(
        request,
        form,
        dimension,
        update=services.dimension_update,
        delete=services.dimension_delete,
        saved=_("Dimension saved."),
        deleted=_("Dimension deleted."),
        version_field=form.add_prefix("version"),
        refused_status=400,
    )
    back = _dimensions_url(request, engagement)
    if done:
        return redirect(back)
    if conflict and status == 409:
        form = DimensionForm(instance=dimension)
    return _child_page(
        request,
        engagement,
        {
            "form": form,
            "title": _("Edit the dimension"),
            "record": dimension,
            "conflict": conflict,
            "back": back,
            "delete_confirm": _("Delete this dimension and its interview guide questions?"),
        },
        status=status,
    )


@require_member
@require_POST
def dimension_move(request, workspace_slug, pk, dimension_pk):
    engagement = get_engagement(request, pk)
    dimension = get_object_or_404(Dimension, engagement=engagement, pk=dimension_pk)
    try:
        services.dimension_move(
            dimension,
            "up" if request.POST.get("direction") == "up" else "down",
            user=request.user,
            expected_version=posted_version(request),
            request=request,
        )
    except StaleObjectError as error:
        messages.error(request, str(error))
    return redirect(_dimensions_url(request, engagement) + f"#dimension-{dimension.pk}")


# --- steering committee ----------------------------------------------------------------------


def _committee_url(request, engagement, anchor: str = "") -> str:
    url = reverse("diagnostics:committee", args=[request.workspace.slug, engagement.pk])
    return f"{url}#{anchor}" if anchor else url


def _meeting_url(request, meeting, anchor: str = "") -> str:
    url = reverse(
        "diagnostics:committee_meeting",
        args=[request.workspace.slug, meeting.engagement_id, meeting.pk],
    )
    return f"{url}#{anchor}" if anchor else url


def committee(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    meetings = list(committee_selectors.meetings(engagement))
    for meeting in meetings:
        committee_selectors.flag_overdue(meeting.action_items.all())
    planned, unmatched = committee_selectors.suggested_calendar(engagement, meetings)
    open_items = committee_selectors.open_action_items(engagement)
    return render(
        request,
        "diagnostics/committee.html",
        {
            "engagement": engagement,
            "meetings": meetings,
            "planned": planned,
            "unmatched": unmatched,
            "calendar": committee_selectors.calendar_summary(planned),
            "open_items": open_items,
            "overdue_count": sum(1 for item in open_items if item.overdue),
            "members": list(selectors.committee_members(engagement)),
        },
    )


@require_member
def committee_meeting_create(request, workspace_slug, pk):
    engagement = get_engagement(request, pk)
    initial = {"version": 1, "held_on": timezone.localdate()}
    if request.GET.get("kind"):
        initial["kind"] = request.GET["kind"]
    if request.method == "GET" and not request.GET.get("kind"):
        initial["kind"] = "monthly" if engagement.committee_meetings.exists() else "kick_off"
    names = [m.name for m in selectors.committee_members(engagement)]
    if names:
        initial["attendees"] = "\n".join(names)
    form = MeetingForm(request.POST or None, initial=initial)
    meeting = create_from_form(request, form, committee_services.meeting_create, engagement)
    if meeting is not None:
        messages.success(request, _("Meeting recorded: add its decisions and action items."))
        return redirect(_meeting_url(request, meeting))
    return render(
        request,
        "diagnostics/committee_meeting_form.html",
        {"engagement": engagement, "form": form, "meeting": None},
    )


def _meeting(engagement, meeting_pk):
    return get_object_or_404(CommitteeMeeting, engagement=engagement, pk=meeting_pk)


def committee_meeting(request, workspace_slug, pk, meeting_pk):
    engagement = get_engagement(request, pk)
    meeting = _meeting(engagement, meeting_pk)
    items = committee_selectors.flag_overdue(list(meeting.action_items.order_by("due_on", "id")))
    return render(
        request,
        "diagnostics/committee_meeting.html",
        {
            "engagement": engagement,
            "meeting": meeting,
            "outcomes": list(meeting.outcomes.order_by("id")),
            "items": items,
            "outcome_form": OutcomeForm(initial={"version": 1}, prefix="outcome"),
            "item_form": ActionItemForm(initial={"version": 1}, prefix="item"),
            "statuses": ActionStatus.choices,
        },
    )


@require_member
def committee_meeting_edit(request, workspace_slug, pk, meeting_pk):
    engagement = get_engagement(request, pk)
    meeting = _meeting(engagement, meeting_pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    done, conflict, status = edit_or_delete(
        request,
        form,
        meeting,
        update=committee_services.meeting_update,
        delete=committee_services.meeting_delete,
        saved=_("Meeting saved."),
        deleted=_("Meeting deleted."),
        version_field=form.add_prefix("version"),
        refused_status=400,
    )
    if done == "deleted":
        return redirect(_committee_url(request, engagement, "meetings"))
    if done:
        return redirect(_meeting_url(request, meeting))
    if conflict:
        form = MeetingForm(instance=meeting)
    return render(
        request,
        "diagnostics/committee_meeting_form.html",
        {"engagement": engagement, "form": form, "meeting": meeting, "conflict": conflict},
        status=status,
    )


def _meeting_child(kind):
    """Create / edit views for a meeting's outcomes ("outcome") and action items ("item")."""
    if kind == "outcome":
        model, form_class, create, update, delete = (
            CommitteeOutcome,
            OutcomeForm,
            committee_services.outcome_create,
            committee_services.outcome_update,
            committee_services.outcome_delete,
        )
        titles = (
            gettext_lazy("Add a decision or an arbitration"),
            gettext_lazy("Edit the decision or arbitration"),
        )
        anchor = "outcomes"
    else:
        model, form_class, create, update, delete = (
            CommitteeActionItem,
            ActionItemForm,
            committee_services.action_item_create,
            committee_services.action_item_update,
            committee_services.action_item_delete,
        )
        titles = (gettext_lazy("Add an action item"), gettext_lazy("Edit the action item"))
        anchor = "actions"

    @require_member
    def create_view(request, workspace_slug, pk, meeting_pk):
        engagement = get_engagement(request, pk)
        meeting = _meeting(engagement, meeting_pk)
        form = form_class(request.POST or None, initial={"version": 1}, prefix=kind)
        record = create_from_form(request, form, create, meeting)
        if record is not None:
            messages.success(request, _("Saved."))
            return redirect(_meeting_url(request, meeting, anchor))
        return _child_page(
            request,
            engagement,
            {"form": form, "title": titles[0], "back": _meeting_url(request, meeting, anchor)},
            active="committee",
        )

    @require_member
    def edit_view(request, workspace_slug, pk, child_pk):
        engagement = get_engagement(request, pk)
        record = get_object_or_404(
            model.objects.select_related("meeting"), meeting__engagement=engagement, pk=child_pk
        )
        form = form_class(request.POST or None, instance=record, prefix=kind)
        done, conflict, status = edit_or_delete(
            request,
            form,
            record,
            update=update,
            delete=delete,
            saved=_("Saved."),
            deleted=_("Deleted."),
            version_field=form.add_prefix("version"),
            refused_status=400,
        )
        back = _meeting_url(request, record.meeting, anchor)
        if done:
            return redirect(back)
        if conflict and status == 409:
            form = form_class(instance=record, prefix=kind)
        return _child_page(
            request,
            engagement,
            {
                "form": form,
                "title": titles[1],
                "record": record,
                "conflict": conflict,
                "back": back,
            },
            status=status,
            active="committee",
        )

    return create_view, edit_view


outcome_create, outcome_edit = _meeting_child("outcome")
item_create, item_edit = _meeting_child("item")


@require_member
@require_POST
def item_status(request, workspace_slug, pk, child_pk):
    engagement = get_engagement(request, pk)
    item = get_object_or_404(
        CommitteeActionItem.objects.select_related("meeting"),
        meeting__engagement=engagement,
        pk=child_pk,
    )
    try:
        committee_services.action_item_set_status(
            item,
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
            % {"title": item.title, "status": item.get_status_display().lower()},
        )
    target = request.POST.get("next", "")
    if not (target.startswith("/") and not target.startswith("//")):
        target = _committee_url(request, engagement, "actions")
    return redirect(target)


urlpatterns = [
    path("", engagement_list, name="home"),
    path("new/", engagement_create, name="engagement_create"),
    path("<int:pk>/", engagement_detail, name="engagement"),
    path("<int:pk>/edit/", engagement_edit, name="engagement_edit"),
    path("<int:pk>/delete/", engagement_delete, name="engagement_delete"),
    path("<int:pk>/organisations/add/", organisation_add, name="organisation_add"),
    path(
        "<int:pk>/organisations/<int:organisation_pk>/remove/",
        organisation_remove,
        name="organisation_remove",
    ),
    path("<int:pk>/committee-members/new/", member_create, name="committee_member_create"),
    path(
        "<int:pk>/committee-members/<int:child_pk>/edit/",
        member_edit,
        name="committee_member_edit",
    ),
    path("<int:pk>/milestones/new/", milestone_create, name="milestone_create"),
    path("<int:pk>/milestones/<int:child_pk>/edit/", milestone_edit, name="milestone_edit"),
    path("<int:pk>/time/new/", time_create, name="time_create"),
    path("<int:pk>/time/<int:child_pk>/edit/", time_edit, name="time_edit"),
    path("<int:pk>/dimensions/", dimension_list, name="dimensions"),
    path("<int:pk>/dimensions/new/", dimension_create, name="dimension_create"),
    path("<int:pk>/dimensions/<int:dimension_pk>/edit/", dimension_edit, name="dimension_edit"),
    path("<int:pk>/dimensions/<int:dimension_pk>/move/", dimension_move, name="dimension_move"),
    path("<int:pk>/committee/", committee, name="committee"),
    path("<int:pk>/committee/new/", committee_meeting_create, name="committee_meeting_create"),
    path("<int:pk>/committee/<int:meeting_pk>/", committee_meeting, name="committee_meeting"),
    path(
        "<int:pk>/committee/<int:meeting_pk>/edit/",
        committee_meeting_edit,
        name="committee_meeting_edit",
    ),
    path(
        "<int:pk>/committee/<int:meeting_pk>/outcomes/new/",
        outcome_create,
        name="committee_outcome_create",
    ),
    path(
        "<int:pk>/committee-outcomes/<int:child_pk>/edit/",
        outcome_edit,
        name="committee_outcome_edit",
    ),
    path(
        "<int:pk>/committee/<int:meeting_pk>/actions/new/",
        item_create,
        name="committee_action_create",
    ),
    path(
        "<int:pk>/committee-actions/<int:child_pk>/edit/",
        item_edit,
        name="committee_action_edit",
    ),
    path(
        "<int:pk>/committee-actions/<int:child_pk>/status/",
        item_status,
        name="committee_action_status",
    ),
]
