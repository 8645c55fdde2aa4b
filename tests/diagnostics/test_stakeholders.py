"""Stakeholders: CRUD through the pages, organisation from the registry, consent, the
fieldwork page (e-mails hidden from guests, constant query count), cross-engagement 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from maillage.diagnostics.models import Stakeholder
from tests.conftest import client_for
from tests.factories import (
    ActorFactory,
    EngagementFactory,
    InterviewFactory,
    ReviewedDocumentFactory,
    StakeholderFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def engagement(workspace):
    return EngagementFactory(workspace=workspace)


def url(name, engagement, *args):
    return reverse(f"diagnostics:{name}", args=[engagement.workspace.slug, engagement.pk, *args])


def test_add_a_stakeholder_with_an_organisation_of_the_registry(owner, engagement):
    actor = ActorFactory(workspace=engagement.workspace, name="Finance Solidaire")
    response = client_for(owner).post(
        url("stakeholder_create", engagement),
        {
            "name": "Awa Diallo",
            "email": "Awa.Diallo@Example.org ",
            "job_title": "Chargée d'investissement",
            "organisation": f"{actor.name} #{actor.pk}",
            "category": "impact_investor",
            "consent": "on",
            "consent_on": "2026-02-01",
            "version": 1,
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        person = Stakeholder.objects.get()
    assert (person.email, person.organisation_id, person.consent) == (
        "awa.diallo@example.org",
        actor.pk,
        True,
    )


def test_an_organisation_of_another_workspace_is_refused(owner, engagement):
    foreign = ActorFactory(workspace=WorkspaceFactory())
    response = client_for(owner).post(
        url("stakeholder_create", engagement),
        {
            "name": "X",
            "organisation": f"{foreign.name} #{foreign.pk}",
            "category": "team",
            "version": 1,
        },
    )
    assert response.status_code == 200
    with scopes_disabled():
        assert not Stakeholder.objects.exists()


def test_a_consent_date_needs_the_consent(owner, engagement):
    response = client_for(owner).post(
        url("stakeholder_create", engagement),
        {"name": "X", "category": "team", "consent_on": "2026-02-01", "version": 1},
    )
    assert response.status_code == 200
    assert "consent box" in response.content.decode()


def test_edit_and_delete_a_stakeholder(owner, engagement):
    person = StakeholderFactory(engagement=engagement)
    client = client_for(owner)
    response = client.post(
        url("stakeholder_edit", engagement, person.pk),
        {"name": "New name", "category": "board", "version": person.version},
    )
    assert response.status_code == 302
    stale = client.post(
        url("stakeholder_edit", engagement, person.pk),
        {"name": "Stale", "category": "board", "version": person.version},
    )
    assert stale.status_code == 409
    assert (
        client.post(
            url("stakeholder_edit", engagement, person.pk), {"delete": "1", "version": 2}
        ).status_code
        == 302
    )
    with scopes_disabled():
        assert not Stakeholder.objects.exists()


def test_a_person_interviewed_cannot_be_deleted(owner, engagement):
    interview = InterviewFactory(engagement=engagement)
    with scopes_disabled():
        person = interview.stakeholders.get()
    response = client_for(owner).post(
        url("stakeholder_edit", engagement, person.pk), {"delete": "1", "version": 1}
    )
    assert response.status_code == 200
    assert "was interviewed" in response.content.decode()


def test_guests_read_names_but_not_e_mails(guest, owner, engagement):
    StakeholderFactory(engagement=engagement, name="Awa Diallo", email="awa@example.org")
    as_guest = client_for(guest).get(url("fieldwork", engagement)).content.decode()
    as_owner = client_for(owner).get(url("fieldwork", engagement)).content.decode()
    assert "Awa Diallo" in as_guest and "awa@example.org" not in as_guest
    assert "awa@example.org" in as_owner


def test_the_fieldwork_page_runs_a_constant_number_of_queries(owner, engagement):
    client = client_for(owner)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("fieldwork", engagement)).status_code == 200
        return len(queries)

    def add(n):
        for _ in range(n):
            actor = ActorFactory(workspace=engagement.workspace)
            people = StakeholderFactory.create_batch(2, engagement=engagement, organisation=actor)
            InterviewFactory(engagement=engagement, kind="group", stakeholders=people)
            ReviewedDocumentFactory(engagement=engagement)

    add(2)
    few = count()
    add(28)
    assert count() == few


def test_a_stakeholder_of_another_engagement_is_404(owner, engagement):
    foreign = StakeholderFactory(engagement=EngagementFactory(workspace=engagement.workspace))
    response = client_for(owner).get(url("stakeholder_edit", engagement, foreign.pk))
    assert response.status_code == 404
