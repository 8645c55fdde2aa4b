"""The steering committee: meetings, decisions and arbitrations, action items (CRUD, overdue,
409 when stale, 404 across engagements), the suggested calendar planned vs held, and a constant
query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from maillage.diagnostics.models import (
    CommitteeActionItem,
    CommitteeMeeting,
    CommitteeOutcome,
)
from maillage.diagnostics.selectors import committee as selectors
from tests.factories import (
    CommitteeActionItemFactory,
    CommitteeMeetingFactory,
    CommitteeOutcomeFactory,
    EngagementFactory,
    EngagementMilestoneFactory,
)

pytestmark = pytest.mark.django_db


def url(name, workspace, *args):
    return reverse(f"diagnostics:{name}", args=[workspace.slug, *args])


def test_meeting_outcome_and_action_crud(member_client, workspace):
    engagement = EngagementFactory(workspace=workspace)
    response = member_client.post(
        url("committee_meeting_create", workspace, engagement.pk),
        {
            "version": 1,
            "kind": "kick_off",
            "held_on": "2026-01-12",
            "agenda": "Cadrage",
            "attendees": "Directrice Cerise\nDirectrice SPTF",
            "minutes": "",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        meeting = CommitteeMeeting.objects.get(engagement=engagement)
    response = member_client.post(
        url("committee_outcome_create", workspace, engagement.pk, meeting.pk),
        {
            "outcome-version": 1,
            "outcome-kind": "arbitration",
            "outcome-text": "Périmètre: deux pays",
        },
    )
    assert response.status_code == 302
    response = member_client.post(
        url("committee_action_create", workspace, engagement.pk, meeting.pk),
        {
            "item-version": 1,
            "item-title": "Envoyer la liste des personnes",
            "item-owner": "Cheffe de projet",
            "item-due_on": "2020-01-20",
            "item-status": "to_do",
        },
    )
    assert response.status_code == 302
    page = member_client.get(url("committee_meeting", workspace, engagement.pk, meeting.pk))
    text = page.content.decode()
    assert "Périmètre: deux pays" in text and "Arbitration" in text
    assert "overdue" in text
    with scopes_disabled():
        outcome = CommitteeOutcome.objects.get(meeting=meeting)
        item = CommitteeActionItem.objects.get(meeting=meeting)
    # edit the outcome, then a stale edit is a 409
    edit = url("committee_outcome_edit", workspace, engagement.pk, outcome.pk)
    data = {"outcome-version": 1, "outcome-kind": "decision", "outcome-text": "Décidé"}
    assert member_client.post(edit, data).status_code == 302
    assert member_client.post(edit, data).status_code == 409
    # the status buttons
    response = member_client.post(
        url("committee_action_status", workspace, engagement.pk, item.pk),
        {"status": "done", "version": 1},
    )
    assert response.status_code == 302
    with scopes_disabled():
        item.refresh_from_db()
    assert item.status == "done"
    # delete the action item (stale first), then the meeting with its outcomes
    edit = url("committee_action_edit", workspace, engagement.pk, item.pk)
    assert member_client.post(edit, {"item-version": 1, "delete": "1"}).status_code == 409
    assert member_client.post(edit, {"item-version": 2, "delete": "1"}).status_code == 302
    edit = url("committee_meeting_edit", workspace, engagement.pk, meeting.pk)
    assert member_client.post(edit, {"version": 1, "delete": "1"}).status_code == 302
    with scopes_disabled():
        assert not CommitteeMeeting.objects.exists()
        assert not CommitteeOutcome.objects.exists()


def test_missing_fields_are_named(member_client, workspace):
    engagement = EngagementFactory(workspace=workspace)
    response = member_client.post(
        url("committee_meeting_create", workspace, engagement.pk),
        {"version": 1, "kind": "monthly", "held_on": ""},
    )
    assert response.status_code == 200
    assert 'id="id_held_on_error"' in response.content.decode()
    with scopes_disabled():
        assert not CommitteeMeeting.objects.exists()


def test_stale_meeting_edit_is_409(member_client, workspace):
    meeting = CommitteeMeetingFactory(engagement=EngagementFactory(workspace=workspace))
    edit = url("committee_meeting_edit", workspace, meeting.engagement_id, meeting.pk)
    data = {
        "version": 1,
        "kind": "monthly",
        "held_on": "2026-02-10",
        "agenda": "",
        "attendees": "",
        "minutes": "",
    }
    assert member_client.post(edit, data).status_code == 302
    assert member_client.post(edit, data).status_code == 409


def test_children_of_another_engagement_are_404(member_client, workspace, other_workspace):
    mine = EngagementFactory(workspace=workspace)
    sibling = CommitteeMeetingFactory(engagement=EngagementFactory(workspace=workspace))
    foreign = CommitteeMeetingFactory(engagement=EngagementFactory(workspace=other_workspace))
    for meeting in (sibling, foreign):
        assert (
            member_client.get(url("committee_meeting", workspace, mine.pk, meeting.pk)).status_code
            == 404
        )
        outcome = CommitteeOutcomeFactory(meeting=meeting)
        item = CommitteeActionItemFactory(meeting=meeting)
        assert (
            member_client.get(
                url("committee_outcome_edit", workspace, mine.pk, outcome.pk)
            ).status_code
            == 404
        )
        response = member_client.post(
            url("committee_action_status", workspace, mine.pk, item.pk), {"status": "done"}
        )
        assert response.status_code == 404
    assert member_client.get(url("committee", workspace, foreign.engagement_id)).status_code == 404


def test_guest_reads_the_committee_and_writes_nothing(guest_client, workspace):
    meeting = CommitteeMeetingFactory(engagement=EngagementFactory(workspace=workspace))
    assert guest_client.get(url("committee", workspace, meeting.engagement_id)).status_code == 200
    response = guest_client.post(
        url("committee_meeting_create", workspace, meeting.engagement_id), {"kind": "monthly"}
    )
    assert response.status_code == 403


def test_suggested_calendar_planned_vs_held(workspace):
    engagement = EngagementFactory(
        workspace=workspace,
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 9, 30),
    )
    EngagementMilestoneFactory(
        engagement=engagement, kind="recommendations", due_on=datetime.date(2026, 7, 31)
    )
    EngagementMilestoneFactory(
        engagement=engagement, kind="plan", due_on=datetime.date(2026, 9, 30)
    )
    held = [
        CommitteeMeetingFactory(
            engagement=engagement, kind="kick_off", held_on=datetime.date(2026, 1, 12)
        ),
        CommitteeMeetingFactory(
            engagement=engagement, kind="monthly", held_on=datetime.date(2026, 2, 9)
        ),
        # the recommendations restituted a month late still count for their slot
        CommitteeMeetingFactory(
            engagement=engagement, kind="recommendations", held_on=datetime.date(2026, 8, 3)
        ),
        CommitteeMeetingFactory(
            engagement=engagement, kind="other", held_on=datetime.date(2026, 3, 3)
        ),
    ]
    with scopes_disabled():
        planned, unmatched = selectors.suggested_calendar(engagement, held)
    kinds = [slot.kind for slot in planned]
    assert kinds == ["kick_off"] + ["monthly"] * 5 + ["recommendations", "monthly", "plan"]
    assert [slot.month.month for slot in planned] == list(range(1, 10))
    assert planned[0].held == [held[0]] and planned[1].held == [held[1]]
    assert planned[6].held == [held[2]]
    assert unmatched == [held[3]]
    assert selectors.calendar_summary(planned)["held"] == 3


def test_committee_page_query_count_is_constant(member_client, workspace):
    engagement = EngagementFactory(workspace=workspace)

    def add(n):
        for i in range(n):
            meeting = CommitteeMeetingFactory(
                engagement=engagement, kind="monthly", held_on=datetime.date(2026, 1 + i % 9, 10)
            )
            CommitteeOutcomeFactory(meeting=meeting)
            CommitteeActionItemFactory(meeting=meeting, due_on=datetime.date(2026, 1, 1))

    address = url("committee", workspace, engagement.pk)

    def count():
        member_client.get(address)
        with CaptureQueriesContext(connection) as captured:
            assert member_client.get(address).status_code == 200
        return len(captured)

    add(2)
    few = count()
    add(28)
    assert count() == few
