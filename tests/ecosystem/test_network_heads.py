"""Network heads ("têtes de pont"): the three criteria of seed 002, with evidence and date."""

from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from maillage.ecosystem.models import Actor, NetworkHeadQualification
from maillage.ecosystem.services import network_head_assess
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db

ALL_MET = {
    "peer_recognition": "on",
    "peer_recognition_evidence": "Chosen as mediator by the regional network",
    "cross_world_co_building": "on",
    "cross_world_co_building_evidence": "Co-led the employment pact with companies",
    "shares_and_relays": "on",
    "shares_and_relays_evidence": "Relays the members' needs every month",
    "assessed_on": "2025-02-03",
}


def _url(workspace, actor):
    return reverse("ecosystem:network_head", args=[workspace.slug, actor.pk])


def test_member_qualifies_an_actor(member_client, member, workspace):
    actor = ActorFactory(workspace=workspace, name="Tête de pont")
    html = member_client.get(_url(workspace, actor)).content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert 'name="peer_recognition_evidence"' in html
    response = member_client.post(_url(workspace, actor), ALL_MET)
    assert response.status_code == 302
    assert response["Location"] == reverse("ecosystem:actor", args=[workspace.slug, actor.pk])
    with scopes_disabled():
        qualification = NetworkHeadQualification.objects.get(actor=actor)
        assert qualification.qualifies
        assert qualification.assessed_on == date(2025, 2, 3)
        assert qualification.assessed_by == member.user
        assert Actor.objects.get(pk=actor.pk).is_network_head


def test_a_criterion_met_needs_its_evidence(member_client, workspace):
    actor = ActorFactory(workspace=workspace)
    data = {**ALL_MET, "cross_world_co_building_evidence": "  "}
    response = member_client.post(_url(workspace, actor), data)
    assert response.status_code == 200
    assert "Say what shows that this criterion is met." in response.content.decode()
    with scopes_disabled():
        assert not NetworkHeadQualification.objects.exists()


def test_the_date_cannot_be_in_the_future(member_client, workspace):
    actor = ActorFactory(workspace=workspace)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = member_client.post(_url(workspace, actor), {**ALL_MET, "assessed_on": tomorrow})
    assert "cannot be in the future" in response.content.decode()
    with scopes_disabled():
        assert not NetworkHeadQualification.objects.exists()


def test_revising_is_optimistically_locked(member_client, owner, workspace):
    actor = ActorFactory(workspace=workspace)
    with scope(workspace=workspace):
        qualification = network_head_assess(
            actor, user=owner.user, peer_recognition=True, peer_recognition_evidence="x"
        )
    # The form was opened at version 1; someone saved meanwhile.
    with scope(workspace=workspace):
        network_head_assess(
            actor,
            user=owner.user,
            expected_version=1,
            shares_and_relays=True,
            shares_and_relays_evidence="y",
        )
    response = member_client.post(_url(workspace, actor), {**ALL_MET, "version": 1})
    assert "Someone else changed this record" in response.content.decode()
    with scopes_disabled():
        qualification.refresh_from_db()
        assert not qualification.cross_world_co_building
    # A form opened before any assessment existed does not overwrite one created since.
    other = ActorFactory(workspace=workspace)
    with scope(workspace=workspace):
        network_head_assess(other, user=owner.user, peer_recognition=False)
    response = member_client.post(_url(workspace, other), ALL_MET)
    assert "Someone else changed this record" in response.content.decode()


def test_a_revision_with_the_current_version_saves(member_client, workspace, owner):
    actor = ActorFactory(workspace=workspace)
    with scope(workspace=workspace):
        network_head_assess(
            actor,
            user=owner.user,
            peer_recognition=True,
            cross_world_co_building=True,
            shares_and_relays=True,
        )
    with scopes_disabled():
        assert Actor.objects.get(pk=actor.pk).is_network_head
    data = {
        "version": 1,
        "peer_recognition": "on",
        "peer_recognition_evidence": "a",
        "assessed_on": "2025-01-01",
    }
    assert member_client.post(_url(workspace, actor), data).status_code == 302
    with scopes_disabled():
        assert not Actor.objects.get(pk=actor.pk).is_network_head
        assert NetworkHeadQualification.objects.get().criteria_met == 1


def test_guest_reads_but_cannot_edit(guest_client, workspace, owner):
    actor = ActorFactory(workspace=workspace, name="Lue")
    with scope(workspace=workspace):
        network_head_assess(
            actor,
            user=owner.user,
            peer_recognition=True,
            peer_recognition_evidence="Trusted by the federation",
        )
    html = guest_client.get(_url(workspace, actor)).content.decode()
    assert "Trusted by the federation" in html
    assert "<form" not in html.split("<main", 1)[1]
    assert guest_client.post(_url(workspace, actor), ALL_MET).status_code == 403


def test_foreign_actor_is_404(member_client, workspace, other_workspace):
    foreign = ActorFactory(workspace=other_workspace)
    assert member_client.get(_url(workspace, foreign)).status_code == 404
    assert member_client.post(_url(workspace, foreign), ALL_MET).status_code == 404


def test_list_of_qualified_and_partial(member_client, workspace, owner):
    full = ActorFactory(workspace=workspace, name="Complète")
    partial = ActorFactory(workspace=workspace, name="Partielle")
    none = ActorFactory(workspace=workspace, name="Aucune")
    ActorFactory(workspace=workspace, name="Jamais évaluée")
    with scope(workspace=workspace):
        network_head_assess(
            full,
            user=owner.user,
            peer_recognition=True,
            cross_world_co_building=True,
            shares_and_relays=True,
        )
        network_head_assess(partial, user=owner.user, shares_and_relays=True)
        network_head_assess(none, user=owner.user)
    url = reverse("ecosystem:network_heads", args=[workspace.slug])
    html = member_client.get(url).content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert "Complète" in html and "Partielle" in html
    assert "Aucune" not in html and "Jamais évaluée" not in html
    assert html.index("Complète") < html.index("Partielle")
    assert "1 actor meets the three criteria" in html
    qualified = member_client.get(url, {"status": "qualified"}).content.decode()
    assert "Complète" in qualified and "Partielle" not in qualified
    partial_only = member_client.get(url, {"status": "partial"}).content.decode()
    assert "Complète" not in partial_only and "Partielle" in partial_only
    assert "Partielle" not in member_client.get(url, {"q": "compl"}).content.decode()


def test_card_template(workspace, member, owner):
    actor = ActorFactory(workspace=workspace, name="Carte")
    request = RequestFactory().get("/")
    request.user = member.user
    context = {
        "actor": actor,
        "current_workspace": workspace,
        "current_membership": member,
    }
    html = render_to_string(
        "ecosystem/_network_head_card.html", {**context, "qualification": None}, request
    )
    assert "Not assessed" in html and "Assess" in html
    with scope(workspace=workspace):
        qualification = network_head_assess(
            actor,
            user=owner.user,
            peer_recognition=True,
            peer_recognition_evidence="Proof A",
            cross_world_co_building=True,
            cross_world_co_building_evidence="Proof B",
            assessed_on=date(2025, 1, 15),
        )
    html = render_to_string(
        "ecosystem/_network_head_card.html", {**context, "qualification": qualification}, request
    )
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert "2 of 3 criteria" in html
    assert "Proof A" in html and "Proof B" in html
    assert "Edit the assessment" in html
    assert owner.user.get_short_name() in html
    assert _url(workspace, actor) in html
