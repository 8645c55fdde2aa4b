"""Action items: status rules (done on), owners, overdue, the workspace page and its filters."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.partnerships.models import ActionItem
from maillage.partnerships.services import meetings as services
from tests.factories import (
    ActionItemFactory,
    MeetingFactory,
    PartnershipFactory,
    PartnershipGuestFactory,
    PartnershipMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
Status = ActionItem.Status
TODAY = timezone.localdate()


def create(partnership, **fields):
    fields.setdefault("title", "Préparer l'atelier")
    fields.setdefault("owner", "Paul")
    with scope(workspace=partnership.workspace):
        return services.action_create(partnership, user=UserFactory(), **fields)


def set_status(action, status, **extra):
    with scope(workspace=action.workspace):
        return services.action_update(
            action, user=UserFactory(), expected_version=action.version, status=status, **extra
        )


def test_done_sets_done_on_and_reopening_clears_it():
    action = create(PartnershipFactory())
    assert (action.status, action.done_on) == (Status.OPEN, None)
    set_status(action, Status.DONE)
    assert action.done_on == TODAY
    set_status(action, Status.IN_PROGRESS)
    assert action.done_on is None
    set_status(action, Status.DONE, done_on=datetime.date(2026, 1, 3))
    assert action.done_on == datetime.date(2026, 1, 3)
    set_status(action, Status.CANCELLED)
    assert action.done_on is None


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(Status.values), min_size=1, max_size=6))
def test_done_on_is_set_exactly_when_done(statuses):
    action = ActionItemFactory()
    for status in statuses:
        set_status(action, status)
        assert (action.done_on is not None) == (status == Status.DONE)


def test_done_on_cannot_be_in_the_future():
    with pytest.raises(ValidationError) as error:
        create(PartnershipFactory(), status=Status.DONE, done_on=TODAY + datetime.timedelta(days=1))
    assert "done_on" in error.value.message_dict


def test_owner_from_the_member_and_scoping_of_member_and_meeting():
    partnership = PartnershipFactory()
    member = PartnershipMemberFactory(partnership=partnership)
    action = create(partnership, owner="", owner_member=member)
    assert action.owner == member.actor.name
    with pytest.raises(ValidationError) as error:
        create(partnership, owner="")
    assert "owner" in error.value.message_dict
    other = PartnershipFactory(workspace=partnership.workspace)
    with pytest.raises(ValidationError) as error:
        create(
            partnership,
            owner_member=PartnershipMemberFactory(partnership=other),
            meeting=MeetingFactory(partnership=other),
        )
    assert {"owner_member", "meeting"} <= set(error.value.message_dict)


def test_open_actions_flag_overdue_on_the_partnership_page(workspace, owner_client):
    partnership = PartnershipFactory(workspace=workspace)
    late = ActionItemFactory(partnership=partnership, due_on=TODAY - datetime.timedelta(days=2))
    ActionItemFactory(partnership=partnership, due_on=TODAY + datetime.timedelta(days=2))
    ActionItemFactory(
        partnership=partnership, due_on=TODAY - datetime.timedelta(days=9), status="done"
    )
    page = owner_client.get(reverse("partnerships:meetings", args=[workspace.slug, partnership.pk]))
    actions = page.context["open_actions"]
    assert [a.pk for a in actions if a.overdue] == [late.pk]
    assert len(actions) == 2
    assert "1 action item is overdue" in page.content.decode()


def test_quick_status_button(workspace, owner_client):
    partnership = PartnershipFactory(workspace=workspace)
    action = ActionItemFactory(partnership=partnership)
    url = reverse("partnerships:action_status", args=[workspace.slug, partnership.pk, action.pk])
    assert owner_client.get(url).status_code == 405
    owner_client.post(url, {"status": "done", "version": action.version})
    with scope(workspace=workspace):
        action.refresh_from_db()
    assert (action.status, action.done_on) == (Status.DONE, TODAY)
    response = owner_client.post(url, {"status": "open", "version": 1}, follow=True)
    assert "Someone else changed" in response.content.decode()


def test_create_and_edit_pages(workspace, owner_client):
    partnership = PartnershipFactory(workspace=workspace)
    meeting = MeetingFactory(partnership=partnership)
    url = reverse("partnerships:action_create", args=[workspace.slug, partnership.pk])
    data = {
        "action-version": 1,
        "action-title": "Envoyer le compte rendu",
        "action-owner": "Claire",
        "action-due_on": "2026-03-01",
        "action-status": "open",
        "action-meeting": meeting.pk,
    }
    response = owner_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    with scope(workspace=workspace):
        action = ActionItem.objects.get(partnership=partnership)
    assert action.meeting_id == meeting.pk
    edit = reverse("partnerships:action_edit", args=[workspace.slug, partnership.pk, action.pk])
    assert owner_client.get(edit).status_code == 200
    done = {**data, "action-status": "done", "action-version": action.version}
    assert owner_client.post(edit, done).status_code == 302
    with scope(workspace=workspace):
        action.refresh_from_db()
    assert action.done_on == TODAY
    assert owner_client.post(edit, {**done, "action-version": 1}).status_code == 409


def test_workspace_action_items_page_and_filters(workspace, owner_client):
    first = PartnershipFactory(workspace=workspace, name="Tiers-lieu")
    second = PartnershipFactory(workspace=workspace, name="Alliance anti-gaspi")
    late = ActionItemFactory(
        partnership=first, owner="Paul Dupont", due_on=TODAY - datetime.timedelta(days=1)
    )
    ActionItemFactory(partnership=second, owner="Claire Martin", status="in_progress", due_on=None)
    ActionItemFactory(partnership=second, owner="Claire Martin", status="done")
    ActionItemFactory(owner="Paul Dupont")  # another workspace
    url = reverse("partnerships:action_items", args=[workspace.slug])

    def rows(**query):
        return {a.pk for a in owner_client.get(url, query).context["page_obj"]}

    assert len(rows()) == 2
    assert rows(overdue="on") == {late.pk}
    assert rows(owner="paul") == {late.pk}
    assert len(rows(partnership=second.pk)) == 1
    assert rows(partnership_name="tiers") == {late.pk}
    assert "Only the action items of Alliance anti-gaspi" in owner_client.get(
        url, {"partnership": second.pk}
    ).content.decode().replace("\n", " ")
    assert len(rows(status="done")) == 1
    assert len(rows(status="all")) == 3
    assert owner_client.get(url, {"partnership": "x"}).status_code == 200


def test_guest_sees_only_the_actions_of_shared_partnerships(workspace, guest, guest_client):
    shared = PartnershipFactory(workspace=workspace)
    PartnershipGuestFactory(partnership=shared, membership=guest)
    mine = ActionItemFactory(partnership=shared)
    ActionItemFactory(partnership=PartnershipFactory(workspace=workspace))
    page = guest_client.get(reverse("partnerships:action_items", args=[workspace.slug]))
    assert [a.pk for a in page.context["page_obj"]] == [mine.pk]
    assert "Done" not in page.content.decode().split("<tbody>")[1]  # no status buttons
    url = reverse("partnerships:action_status", args=[workspace.slug, shared.pk, mine.pk])
    assert guest_client.post(url, {"status": "done"}).status_code == 403
