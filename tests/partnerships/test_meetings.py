"""The meetings and decisions log: pages, decisions, the list's constant query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from maillage.partnerships.models import ActionItem, Meeting, MeetingDecision
from tests.factories import (
    ActionItemFactory,
    MeetingDecisionFactory,
    MeetingFactory,
    PartnershipFactory,
    PartnershipGuestFactory,
    RitualFactory,
)

pytestmark = pytest.mark.django_db


def add_meetings(partnership, n):
    for i in range(n):
        meeting = MeetingFactory(
            partnership=partnership, held_on=datetime.date(2025, 1, 1) + datetime.timedelta(i)
        )
        MeetingDecisionFactory.create_batch(2, meeting=meeting)
        ActionItemFactory(partnership=partnership, meeting=meeting)


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_meetings_page_query_count_is_constant(workspace, owner_client):
    partnership = PartnershipFactory(workspace=workspace)
    url = reverse("partnerships:meetings", args=[workspace.slug, partnership.pk])
    add_meetings(partnership, 2)
    count(owner_client, url)
    few = count(owner_client, url)
    add_meetings(partnership, 28)
    many = count(owner_client, url)
    assert few == many
    assert many <= 15


def test_meetings_newest_first_paginated(workspace, owner_client):
    partnership = PartnershipFactory(workspace=workspace)
    add_meetings(partnership, 25)
    url = reverse("partnerships:meetings", args=[workspace.slug, partnership.pk])
    page = owner_client.get(url)
    meetings = list(page.context["page_obj"])
    assert len(meetings) == 20
    assert meetings[0].held_on == datetime.date(2025, 1, 25)
    assert [m.held_on for m in meetings] == sorted((m.held_on for m in meetings), reverse=True)
    assert len(meetings[0].decision_list) == 2
    assert meetings[0].action_count == 1
    assert len(owner_client.get(url, {"page": 2}).context["page_obj"]) == 5


def test_record_a_meeting_with_decisions(workspace, owner_client):
    partnership = PartnershipFactory(workspace=workspace)
    ritual = RitualFactory(partnership=partnership)
    url = reverse("partnerships:meeting_create", args=[workspace.slug, partnership.pk])
    response = owner_client.post(
        url,
        {
            "version": 1,
            "held_on": "2026-02-10",
            "title": "Comité de pilotage",
            "ritual": ritual.pk,
            "agenda": "Bilan\nSuite",
            "attendees": "Claire Martin\n\n  Paul Dupont  \n",
            "minutes": "RAS",
        },
    )
    assert response.status_code == 302
    with scope(workspace=workspace):
        meeting = Meeting.objects.get(partnership=partnership)
    assert meeting.attendee_list == ["Claire Martin", "Paul Dupont"]
    add = reverse(
        "partnerships:meeting_decision_create", args=[workspace.slug, partnership.pk, meeting.pk]
    )
    owner_client.post(add, {"decision-version": 1, "decision-text": "Lancer l'atelier"})
    owner_client.post(add, {"decision-version": 1, "decision-text": "Ouvrir le lieu en mai"})
    assert owner_client.post(add, {"decision-version": 1, "decision-text": "  "}).status_code == 400
    with scope(workspace=workspace):
        decisions = list(MeetingDecision.objects.filter(meeting=meeting).order_by("id"))
    assert [d.text for d in decisions] == ["Lancer l'atelier", "Ouvrir le lieu en mai"]
    assert all(d.partnership_id == partnership.pk for d in decisions)
    detail = reverse("partnerships:meeting", args=[workspace.slug, partnership.pk, meeting.pk])
    html = owner_client.get(detail).content.decode()
    assert "Ouvrir le lieu en mai" in html and "Paul Dupont" in html
    edit = reverse(
        "partnerships:meeting_decision_edit", args=[workspace.slug, partnership.pk, decisions[0].pk]
    )
    assert owner_client.post(edit, {"version": 99, "text": "x"}).status_code == 409
    assert (
        owner_client.post(edit, {"delete": "1", "version": decisions[0].version}).status_code == 302
    )


def test_a_ritual_of_another_partnership_is_refused(workspace, owner_client):
    partnership = PartnershipFactory(workspace=workspace)
    foreign = RitualFactory(partnership=PartnershipFactory(workspace=workspace))
    url = reverse("partnerships:meeting_create", args=[workspace.slug, partnership.pk])
    response = owner_client.post(
        url, {"version": 1, "held_on": "2026-02-10", "title": "Copil", "ritual": foreign.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ritual"]


def test_deleting_a_meeting_keeps_its_action_items(workspace, owner_client):
    partnership = PartnershipFactory(workspace=workspace)
    meeting = MeetingFactory(partnership=partnership)
    action = ActionItemFactory(partnership=partnership, meeting=meeting)
    edit = reverse("partnerships:meeting_edit", args=[workspace.slug, partnership.pk, meeting.pk])
    assert owner_client.post(edit, {"delete": "1", "version": meeting.version}).status_code == 302
    with scope(workspace=workspace):
        assert not Meeting.objects.filter(pk=meeting.pk).exists()
        assert ActionItem.objects.get(pk=action.pk).meeting_id is None


def test_children_of_another_partnership_are_404(workspace, owner_client):
    partnership = PartnershipFactory(workspace=workspace)
    meeting = MeetingFactory(partnership=PartnershipFactory(workspace=workspace))
    url = reverse("partnerships:meeting", args=[workspace.slug, partnership.pk, meeting.pk])
    assert owner_client.get(url).status_code == 404


def test_guest_reads_the_log_and_writes_nothing(workspace, guest, guest_client):
    partnership = PartnershipFactory(workspace=workspace)
    PartnershipGuestFactory(partnership=partnership, membership=guest)
    meeting = MeetingFactory(partnership=partnership)
    page = guest_client.get(reverse("partnerships:meetings", args=[workspace.slug, partnership.pk]))
    assert page.status_code == 200
    assert "Record a meeting" not in page.content.decode()
    detail = reverse("partnerships:meeting", args=[workspace.slug, partnership.pk, meeting.pk])
    assert guest_client.get(detail).status_code == 200
    create = reverse("partnerships:meeting_create", args=[workspace.slug, partnership.pk])
    assert guest_client.post(create, {"title": "x"}).status_code == 403
    unshared = PartnershipFactory(workspace=workspace)
    url = reverse("partnerships:meetings", args=[workspace.slug, unshared.pk])
    assert guest_client.get(url).status_code == 404
