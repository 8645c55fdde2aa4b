"""Interviews: the notes permission (pages, forms, 403, audit masking), the interview rules
(individual or group, people of the same engagement), progress against the expected number."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from maillage.core.models import AuditEvent
from maillage.diagnostics.models import Interview
from maillage.diagnostics.selectors import fieldwork as selectors
from maillage.diagnostics.services import fieldwork as services
from maillage.workspaces.models import Role
from tests.conftest import client_for
from tests.factories import (
    EngagementFactory,
    InterviewFactory,
    MembershipFactory,
    StakeholderFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "Le directeur envisage de partir en juin"


@pytest.fixture
def engagement(workspace):
    return EngagementFactory(workspace=workspace, expected_interviews=22)


@pytest.fixture
def interview(engagement):
    return InterviewFactory(engagement=engagement, notes=SECRET)


@pytest.fixture
def reader(workspace):
    return MembershipFactory(workspace=workspace, role=Role.MEMBER, can_view_sensitive=True)


@pytest.fixture
def plain(workspace):
    return MembershipFactory(workspace=workspace, role=Role.MEMBER, can_view_sensitive=False)


def url(name, engagement, *args):
    return reverse(f"diagnostics:{name}", args=[engagement.workspace.slug, engagement.pk, *args])


def test_a_reader_sees_the_notes_on_the_interview_page(reader, engagement, interview):
    response = client_for(reader).get(url("interview", engagement, interview.pk))
    assert response.status_code == 200
    assert SECRET in response.content.decode()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.OWNER, Role.GUEST])
def test_without_the_permission_notes_are_only_said_to_exist(
    workspace, engagement, interview, role
):
    membership = MembershipFactory(workspace=workspace, role=role, can_view_sensitive=False)
    client = client_for(membership)
    for page in (url("interview", engagement, interview.pk), url("fieldwork", engagement)):
        body = client.get(page).content.decode()
        assert SECRET not in body
        assert "Notes recorded" in body


def test_the_notes_form_is_403_without_the_permission(plain, engagement, interview):
    client = client_for(plain)
    notes_url = url("interview_notes", engagement, interview.pk)
    assert client.get(notes_url).status_code == 403
    response = client.post(notes_url, {"notes": "overwritten", "version": interview.version})
    assert response.status_code == 403
    with scopes_disabled():
        assert Interview.objects.get(pk=interview.pk).notes == SECRET
        assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DENIED).exists()


def test_the_edit_form_never_carries_the_notes(reader, plain, engagement, interview):
    for membership in (reader, plain):
        body = client_for(membership).get(url("interview_edit", engagement, interview.pk))
        assert SECRET not in body.content.decode()
    # Posting notes to the edit form changes nothing.
    with scopes_disabled():
        people = [p.pk for p in interview.stakeholders.all()]
    response = client_for(plain).post(
        url("interview_edit", engagement, interview.pk),
        {
            "kind": "individual",
            "status": "done",
            "held_on": "2026-02-10",
            "stakeholders": people,
            "notes": "hijacked",
            "version": interview.version,
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Interview.objects.get(pk=interview.pk).notes == SECRET


def test_a_reader_writes_the_notes_and_the_audit_trail_masks_them(reader, engagement, interview):
    response = client_for(reader).post(
        url("interview_notes", engagement, interview.pk),
        {"notes": "Nouvelles notes très privées", "version": interview.version},
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert Interview.objects.get(pk=interview.pk).notes == "Nouvelles notes très privées"
        events = AuditEvent.objects.filter(object_type="diagnostics.Interview")
        dumped = str(list(events.values_list("changes", flat=True)))
    assert "notes" in dumped  # the field name stays visible
    assert "Nouvelles notes" not in dumped
    assert SECRET not in dumped


def test_the_audit_trail_masks_notes_on_create_and_delete(engagement, owner):
    person = StakeholderFactory(engagement=engagement)
    with scope(workspace=engagement.workspace):
        interview = services.interview_create(
            engagement,
            user=owner.user,
            kind="individual",
            status="done",
            held_on=datetime.date(2026, 3, 1),
            stakeholders=[person],
            notes=SECRET,
        )
        services.interview_delete(interview, user=owner.user)
    with scopes_disabled():
        dumped = str(
            list(
                AuditEvent.objects.filter(object_type="diagnostics.Interview").values_list(
                    "changes", flat=True
                )
            )
        )
    assert SECRET not in dumped
    assert "notes" in dumped


def test_a_stale_notes_form_is_a_409(reader, engagement, interview):
    client = client_for(reader)
    notes_url = url("interview_notes", engagement, interview.pk)
    assert client.post(notes_url, {"notes": "one", "version": interview.version}).status_code == 302
    response = client.post(notes_url, {"notes": "two", "version": interview.version})
    assert response.status_code == 409
    with scopes_disabled():
        assert Interview.objects.get(pk=interview.pk).notes == "one"


def test_an_individual_interview_hears_one_person(engagement, owner):
    people = StakeholderFactory.create_batch(2, engagement=engagement)
    with scope(workspace=engagement.workspace), pytest.raises(ValidationError) as error:
        services.interview_create(
            engagement, user=owner.user, kind="individual", status="planned", stakeholders=people
        )
    assert "stakeholders" in error.value.message_dict
    with scope(workspace=engagement.workspace):
        group = services.interview_create(
            engagement, user=owner.user, kind="group", status="planned", stakeholders=people
        )
        assert group.stakeholders.count() == 2


def test_people_of_another_engagement_are_refused(engagement, owner):
    stranger = StakeholderFactory(engagement=EngagementFactory(workspace=engagement.workspace))
    with scope(workspace=engagement.workspace), pytest.raises(ValidationError) as error:
        services.interview_create(
            engagement,
            user=owner.user,
            kind="individual",
            status="planned",
            stakeholders=[stranger],
        )
    assert "stakeholders" in error.value.message_dict
    with scopes_disabled():
        assert not Interview.objects.filter(engagement=engagement).exists()


def test_a_done_interview_needs_its_date(owner, engagement):
    person = StakeholderFactory(engagement=engagement)
    response = client_for(owner).post(
        url("interview_create", engagement),
        {"kind": "individual", "status": "done", "stakeholders": [person.pk], "version": 1},
    )
    assert response.status_code == 200
    assert "Give the date the interview was held." in response.content.decode()


def test_progress_counts_interviews_against_the_expected_number_and_by_category(engagement):
    director = StakeholderFactory(engagement=engagement, category="direction")
    team = StakeholderFactory.create_batch(2, engagement=engagement, category="team")
    investor = StakeholderFactory(engagement=engagement, category="impact_investor")
    InterviewFactory(engagement=engagement, stakeholders=[director])
    InterviewFactory(engagement=engagement, kind="group", stakeholders=[*team, director])
    InterviewFactory(engagement=engagement, status="planned", held_on=None, stakeholders=[investor])
    InterviewFactory(engagement=engagement, status="cancelled", stakeholders=[team[0]])
    InterviewFactory(stakeholders=None)  # another engagement
    with scope(workspace=engagement.workspace):
        progress = selectors.progress(engagement)
    assert (progress.expected, progress.done, progress.planned, progress.cancelled) == (
        22,
        2,
        1,
        1,
    )
    assert progress.missing == 19
    by_key = {c.key: c for c in progress.categories}
    assert (by_key["direction"].people, by_key["direction"].done) == (1, 2)
    assert (by_key["team"].people, by_key["team"].done) == (2, 1)  # the group counts once
    assert (by_key["impact_investor"].planned, by_key["impact_investor"].done) == (1, 0)
    assert by_key["board"].people == 0


def test_a_guest_reads_the_fieldwork_but_writes_nothing(guest, engagement, interview):
    client = client_for(guest)
    assert client.get(url("fieldwork", engagement)).status_code == 200
    assert client.get(url("interview", engagement, interview.pk)).status_code == 200
    assert client.get(url("interview_edit", engagement, interview.pk)).status_code == 403
    assert client.post(url("interview_create", engagement), {}).status_code == 403


def test_an_interview_of_another_engagement_is_404(owner, engagement):
    other = InterviewFactory(engagement=EngagementFactory(workspace=engagement.workspace))
    client = client_for(owner)
    for name in ("interview", "interview_edit", "interview_notes", "interview_code_finding"):
        assert client.get(url(name, engagement, other.pk)).status_code == 404, name


def test_an_interview_quoted_by_a_finding_cannot_be_deleted(owner, engagement):
    from tests.factories import DimensionFactory, FindingFactory, FindingSourceFactory

    interview = InterviewFactory(engagement=engagement)
    finding = FindingFactory(dimension=DimensionFactory(engagement=engagement))
    FindingSourceFactory(finding=finding, interview=interview)
    response = client_for(owner).post(
        url("interview_edit", engagement, interview.pk), {"delete": "1", "version": 1}
    )
    assert response.status_code == 200
    assert "Findings quote this interview" in response.content.decode()
    with scopes_disabled():
        assert Interview.objects.filter(pk=interview.pk).exists()


def test_the_interview_count_agrees_in_number_in_french(owner, engagement, interview):
    """French puts 0 and 1 in the singular: « 1 réalisé sur 22 attendus »."""
    client = client_for(owner)
    client.cookies["maillage_language"] = "fr"
    page = url("engagement", engagement)
    assert "1 réalisé sur 22 attendus" in _text(client.get(page))
    InterviewFactory(engagement=engagement)
    assert "2 réalisés sur 22 attendus" in _text(client.get(page))


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()
