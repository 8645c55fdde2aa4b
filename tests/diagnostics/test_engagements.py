"""Engagements: creation with the default lists in the user's language and the seed
milestones, the list, edits (409 when stale), delete, organisations, people, milestone status,
cross-workspace 404s and query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django_scopes import scopes_disabled

from maillage.diagnostics.choices import DEFAULT_DIMENSIONS
from maillage.diagnostics.models import (
    CommitteeMember,
    Criterion,
    Dimension,
    Engagement,
    EngagementMilestone,
    EngagementOrganisation,
    Scenario,
)
from maillage.diagnostics.selectors.engagements import milestone_status
from maillage.diagnostics.services import engagements as services
from tests.factories import (
    ActorFactory,
    CommitteeMemberFactory,
    EngagementFactory,
    EngagementMilestoneFactory,
    EngagementOrganisationFactory,
    TimeSpentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def url(name, workspace, *args):
    return reverse(f"diagnostics:{name}", args=[workspace.slug, *args])


def form_data(**overrides):
    data = {
        "version": 1,
        "title": "Diagnostic Cerise + SPTF",
        "summary": "",
        "status": "preparation",
        "start_date": "2026-01-05",
        "end_date": "2026-09-30",
        "consultants": "Anne Conseil\nBruno Appui",
        "project_lead": "Directrice des opérations",
        "focal_point": "Directrice IT et opérations",
        "budget_days": "25",
        "budget_amount": "25 000,00",
        "expected_interviews": "22",
    }
    data.update(overrides)
    return data


def test_create_makes_defaults_and_seed_milestones(member_client, workspace):
    response = member_client.post(url("engagement_create", workspace), form_data())
    assert response.status_code == 302
    with scopes_disabled():
        engagement = Engagement.objects.get(workspace=workspace)
        assert engagement.budget_amount == 25000
        assert engagement.consultant_list == ["Anne Conseil", "Bruno Appui"]
        assert Dimension.objects.filter(engagement=engagement).count() == 7
        assert Scenario.objects.filter(engagement=engagement).count() == 4
        assert Criterion.objects.filter(engagement=engagement).count() == 6
        milestones = list(
            EngagementMilestone.objects.filter(engagement=engagement).order_by("due_on")
        )
    assert [(m.kind, m.due_on) for m in milestones] == [
        ("diagnostic", datetime.date(2026, 5, 5)),
        ("recommendations", datetime.date(2026, 8, 5)),
        ("plan", datetime.date(2026, 9, 30)),  # month 10 is after the end: clamped
    ]
    page = member_client.get(response["Location"])
    assert "Diagnostic Cerise + SPTF" in page.content.decode()


def test_defaults_are_in_the_users_language(workspace, member):
    user = member.user
    user.language = "fr"
    user.save()
    from tests.conftest import client_for

    client_for(member).post(url("engagement_create", workspace), form_data())
    with scopes_disabled():
        names = list(Dimension.objects.order_by("position").values_list("name", flat=True))
        milestone = EngagementMilestone.objects.order_by("due_on").first()
    assert names == [french for _key, french, _english in DEFAULT_DIMENSIONS]
    assert milestone.kind == "diagnostic"


def test_defaults_created_once(workspace):
    from maillage.diagnostics.services.defaults import ensure_defaults

    user = UserFactory()
    with scopes_disabled():
        engagement = services.engagement_create(
            workspace=workspace,
            user=user,
            language="en",
            title="E",
            start_date=datetime.date(2026, 1, 31),
            end_date=datetime.date(2027, 3, 1),
        )
        ensure_defaults(engagement, user=user, language="en")
        assert engagement.dimensions.count() == 7
        assert engagement.scenarios.count() == 4
        assert engagement.criteria.count() == 6
        names = list(engagement.dimensions.values_list("name", flat=True))
        due = sorted(engagement.milestones.values_list("due_on", flat=True))
    assert names == [english for _key, _french, english in DEFAULT_DIMENSIONS]
    # 31 January + 4 months = 31 May; + 7 → 31 August; + 10 → 30 November (shorter month)
    assert due == [
        datetime.date(2026, 5, 31),
        datetime.date(2026, 8, 31),
        datetime.date(2026, 11, 30),
    ]


def test_add_months_clamps_to_the_months_last_day():
    assert services.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert services.add_months(datetime.date(2026, 11, 15), 3) == datetime.date(2027, 2, 15)


def test_end_before_start_is_refused_with_the_field_named(member_client, workspace):
    response = member_client.post(
        url("engagement_create", workspace), form_data(end_date="2025-12-01")
    )
    assert response.status_code == 200
    assert "The end date must not be before the start date." in response.content.decode()
    with scopes_disabled():
        assert not Engagement.objects.exists()


def test_stale_edit_is_a_409(member_client, workspace):
    engagement = EngagementFactory(workspace=workspace)
    with scopes_disabled():
        services.engagement_update(
            engagement, user=UserFactory(), expected_version=1, title="Changed meanwhile"
        )
    response = member_client.post(
        url("engagement_edit", workspace, engagement.pk), form_data(version=1, title="Mine")
    )
    assert response.status_code == 409
    with scopes_disabled():
        assert Engagement.objects.get(pk=engagement.pk).title == "Changed meanwhile"


def test_edit_and_delete(member_client, workspace):
    engagement = EngagementFactory(workspace=workspace)
    response = member_client.post(
        url("engagement_edit", workspace, engagement.pk),
        form_data(version=1, status="diagnostic"),
    )
    assert response.status_code == 302
    with scopes_disabled():
        engagement.refresh_from_db()
        assert engagement.status == "diagnostic"
    from tests.factories import DimensionFactory, FindingFactory

    FindingFactory(dimension=DimensionFactory(engagement=engagement))
    response = member_client.post(
        url("engagement_delete", workspace, engagement.pk), {"version": engagement.version}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert not Engagement.objects.filter(pk=engagement.pk).exists()


def test_guest_reads_but_does_not_write(guest_client, workspace):
    engagement = EngagementFactory(workspace=workspace)
    assert guest_client.get(url("engagement", workspace, engagement.pk)).status_code == 200
    page = guest_client.get(url("home", workspace)).content.decode()
    assert escape(engagement.title) in page and "New engagement" not in page
    assert guest_client.post(url("engagement_create", workspace), form_data()).status_code == 403


def test_other_workspace_objects_are_404(member_client, workspace, other_workspace):
    foreign = EngagementFactory(workspace=other_workspace)
    mine = EngagementFactory(workspace=workspace)
    foreign_member = CommitteeMemberFactory(engagement=foreign)
    foreign_milestone = EngagementMilestoneFactory(engagement=foreign)
    assert member_client.get(url("engagement", workspace, foreign.pk)).status_code == 404
    # another engagement's child through my engagement: 404
    response = member_client.get(
        url("committee_member_edit", workspace, mine.pk, foreign_member.pk)
    )
    assert response.status_code == 404
    response = member_client.get(url("milestone_edit", workspace, mine.pk, foreign_milestone.pk))
    assert response.status_code == 404
    other_mine = EngagementFactory(workspace=workspace)
    sibling = CommitteeMemberFactory(engagement=other_mine)
    response = member_client.get(url("committee_member_edit", workspace, mine.pk, sibling.pk))
    assert response.status_code == 404


def test_organisations_add_and_remove(member_client, workspace, other_workspace):
    engagement = EngagementFactory(workspace=workspace)
    actor = ActorFactory(workspace=workspace, name="Cerise")
    foreign = ActorFactory(workspace=other_workspace, name="Ailleurs")
    add = url("organisation_add", workspace, engagement.pk)
    assert member_client.post(add, {"actor": f"Cerise #{actor.pk}"}).status_code == 302
    member_client.post(add, {"actor": f"Cerise #{actor.pk}"})  # twice: refused
    member_client.post(add, {"actor": f"Ailleurs #{foreign.pk}"})  # another registry: refused
    with scopes_disabled():
        links = list(EngagementOrganisation.objects.filter(engagement=engagement))
    assert [link.actor_id for link in links] == [actor.pk]
    page = member_client.get(url("engagement", workspace, engagement.pk)).content.decode()
    assert "Cerise" in page
    response = member_client.post(
        url("organisation_remove", workspace, engagement.pk, links[0].pk), {"version": 1}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert not EngagementOrganisation.objects.filter(engagement=engagement).exists()


def test_committee_members_crud(member_client, workspace):
    engagement = EngagementFactory(workspace=workspace)
    actor = ActorFactory(workspace=workspace, name="SPTF")
    response = member_client.post(
        url("committee_member_create", workspace, engagement.pk),
        {
            "version": 1,
            "name": "Directrice SPTF",
            "role": "Directrice",
            "organisation": f"SPTF #{actor.pk}",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        member = CommitteeMember.objects.get(engagement=engagement)
    assert member.organisation_id == actor.pk
    edit = url("committee_member_edit", workspace, engagement.pk, member.pk)
    assert (
        member_client.post(
            edit, {"version": 1, "name": "Directrice de SPTF", "role": "", "organisation": ""}
        ).status_code
        == 302
    )
    # stale: the version posted is the old one
    response = member_client.post(
        edit, {"version": 1, "name": "Old", "role": "", "organisation": ""}
    )
    assert response.status_code == 409
    assert member_client.post(edit, {"version": 1, "delete": "1"}).status_code == 409
    assert member_client.post(edit, {"version": 2, "delete": "1"}).status_code == 302
    with scopes_disabled():
        assert not CommitteeMember.objects.exists()


@pytest.mark.parametrize(
    ("due", "done", "expected"),
    [
        (datetime.date(2026, 3, 1), None, "late"),
        (datetime.date(2026, 3, 1), datetime.date(2026, 3, 5), "done"),
        (datetime.date(2026, 3, 20), None, "to_come"),
        (datetime.date(2026, 3, 10), None, "to_come"),  # due today: not late yet
    ],
)
def test_milestone_status(due, done, expected):
    milestone = EngagementMilestone(due_on=due, done_on=done)
    assert milestone_status(milestone, today=datetime.date(2026, 3, 10)) == expected


def test_milestone_crud_and_status_on_the_page(member_client, workspace):
    engagement = EngagementFactory(workspace=workspace)
    response = member_client.post(
        url("milestone_create", workspace, engagement.pk),
        {
            "version": 1,
            "kind": "other",
            "name": "Bilan tripartite Frio",
            "due_on": "2020-01-10",
            "done_on": "",
        },
    )
    assert response.status_code == 302
    page = member_client.get(url("engagement", workspace, engagement.pk)).content.decode()
    assert "Bilan tripartite Frio" in page and "late" in page
    with scopes_disabled():
        milestone = EngagementMilestone.objects.get(engagement=engagement)
    member_client.post(
        url("milestone_edit", workspace, engagement.pk, milestone.pk),
        {
            "version": 1,
            "kind": "other",
            "name": "Bilan tripartite Frio",
            "due_on": "2020-01-10",
            "done_on": "2020-01-12",
        },
    )
    with scopes_disabled():
        milestone.refresh_from_db()
    assert milestone.done_on == datetime.date(2020, 1, 12)


def _queries(client, address):
    client.get(address)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_engagement_page_query_count_is_constant(member_client, workspace):
    engagement = EngagementFactory(workspace=workspace)

    def add(n):
        for _ in range(n):
            EngagementOrganisationFactory(engagement=engagement)
            CommitteeMemberFactory(
                engagement=engagement, organisation=ActorFactory(workspace=workspace)
            )
            EngagementMilestoneFactory(engagement=engagement)
            TimeSpentFactory(engagement=engagement)

    address = url("engagement", workspace, engagement.pk)
    add(2)
    few = _queries(member_client, address)
    add(28)
    assert _queries(member_client, address) == few


def test_delete_an_engagement_with_one_of_everything(workspace):
    from maillage.diagnostics import models as m
    from tests.test_tenancy import _diagnostic_objects

    with scopes_disabled():
        objects = _diagnostic_objects(workspace)
        engagement = objects["engagement"]
        services.engagement_delete(engagement, user=UserFactory(), expected_version=1)
        assert not Engagement.objects.filter(pk=engagement.pk).exists()
        assert not m.Finding.objects.exists()
        assert not m.Dimension.objects.exists()
        assert not m.CommitteeMeeting.objects.exists()
