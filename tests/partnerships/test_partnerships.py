"""A partnership: create, overview, edit, delete; its members (side from the actor's profile);
the finance projects linked to it; actors that are members, deleted or merged."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.ecosystem.merge import actor_merge
from maillage.ecosystem.models import Actor, Profile
from maillage.ecosystem.services import actor_delete
from maillage.finance.models import Project
from maillage.partnerships.choices import Side, Stage, Status
from maillage.partnerships.models import (
    CanvasEntry,
    EvaluationScore,
    Partnership,
    PartnershipMember,
)
from maillage.partnerships.services.partnerships import default_side
from tests.factories import (
    ActorFactory,
    CanvasEntryFactory,
    EvaluationFactory,
    EvaluationScoreFactory,
    FitExpectationFactory,
    GateDecisionFactory,
    PartnershipFactory,
    PartnershipKindFactory,
    PartnershipMemberFactory,
    ProjectFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _url(name, workspace, *args):
    return reverse(f"partnerships:{name}", args=[workspace.slug, *args])


def _form(kind, **extra):
    return {
        "version": 1,
        "name": "Tiers-lieu des Tanneurs",
        "kind": kind.pk,
        "summary": "Un lieu partagé",
        "objectives": ["pool", "innovate"],
        "value_chain_levels": ["support"],
        "start_date": "2026-01-05",
        **extra,
    }


def test_create_starts_at_meet_and_ignores_a_posted_stage(workspace, member, member_client):
    kind = PartnershipKindFactory(workspace=workspace)
    response = member_client.post(
        _url("partnership_create", workspace),
        _form(kind, stage="deploy", status="ended", coordinator=member.user.pk),
    )
    assert response.status_code == 302
    with scopes_disabled():
        partnership = Partnership.objects.get(workspace=workspace)
    assert (partnership.stage, partnership.status) == (Stage.MEET, Status.ACTIVE)
    # Kept in the choices' order, whatever the order ticked.
    assert partnership.objectives == ["innovate", "pool"]
    assert partnership.coordinator == member.user


def test_the_form_names_the_field_in_error(workspace, member_client):
    kind = PartnershipKindFactory(workspace=workspace)
    PartnershipFactory(workspace=workspace, name="Alliance anti-gaspi")
    response = member_client.post(
        _url("partnership_create", workspace),
        _form(kind, name="alliance ANTI-gaspi", end_date="2025-01-01"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "end_date" in errors


def test_a_duplicate_name_is_refused(workspace, member_client):
    kind = PartnershipKindFactory(workspace=workspace)
    PartnershipFactory(workspace=workspace, name="Alliance anti-gaspi")
    response = member_client.post(
        _url("partnership_create", workspace), _form(kind, name="alliance ANTI-gaspi")
    )
    assert "name" in response.context["form"].errors


def test_another_workspace_kind_or_a_guest_coordinator_is_refused(
    workspace, other_workspace, guest, member_client
):
    foreign = PartnershipKindFactory(workspace=other_workspace)
    response = member_client.post(_url("partnership_create", workspace), _form(foreign))
    assert "kind" in response.context["form"].errors
    kind = PartnershipKindFactory(workspace=workspace)
    response = member_client.post(
        _url("partnership_create", workspace), _form(kind, coordinator=guest.user.pk)
    )
    assert "coordinator" in response.context["form"].errors


def test_edit_at_a_stale_version_is_409(workspace, member_client):
    partnership = PartnershipFactory(workspace=workspace)
    data = _form(partnership.kind, version=partnership.version + 1)
    response = member_client.post(_url("partnership_edit", workspace, partnership.pk), data)
    assert response.status_code == 409
    data["version"] = partnership.version
    response = member_client.post(_url("partnership_edit", workspace, partnership.pk), data)
    assert response.status_code == 302
    with scopes_disabled():
        assert Partnership.objects.get(pk=partnership.pk).name == "Tiers-lieu des Tanneurs"


def test_overview_shows_members_gate_and_linked_projects(workspace, member_client):
    partnership = PartnershipFactory(workspace=workspace, stage=Stage.FRAME)
    lead = PartnershipMemberFactory(partnership=partnership, role="lead")
    project = ProjectFactory(workspace=workspace, partnership=partnership)
    GateDecisionFactory(partnership=partnership, outcome="go")
    page = member_client.get(_url("partnership", workspace, partnership.pk))
    text = page.content.decode()
    assert lead.actor.name in text
    assert reverse("ecosystem:actor", args=[workspace.slug, lead.actor_id]) in text
    assert "02 Frame → 03 Experiment" in text
    assert project.name in text
    assert "Go: move to the next stage" in text


def test_add_member_defaults_the_side_from_the_profile(workspace, member_client):
    partnership = PartnershipFactory(workspace=workspace)
    company = ActorFactory(workspace=workspace, profile=Profile.COMPANY_GE)
    response = member_client.post(
        _url("member_add", workspace, partnership.pk),
        {"version": 1, "actor": f"{company.name} #{company.pk}", "role": "funder", "side": ""},
    )
    assert response.status_code == 302
    with scopes_disabled():
        member = PartnershipMember.objects.get(partnership=partnership)
    assert (member.actor, member.role, member.side) == (company, "funder", Side.COMPANY)
    # The same organisation twice: refused on the organisation field.
    response = member_client.post(
        _url("member_add", workspace, partnership.pk),
        {"version": 1, "actor": f"#{company.pk}", "role": "partner", "side": ""},
    )
    assert "actor" in response.context["form"].errors


def test_an_actor_of_another_workspace_is_not_found(workspace, other_workspace, member_client):
    partnership = PartnershipFactory(workspace=workspace)
    foreign = ActorFactory(workspace=other_workspace)
    response = member_client.post(
        _url("member_add", workspace, partnership.pk),
        {"version": 1, "actor": f"{foreign.name} #{foreign.pk}", "role": "partner"},
    )
    assert "actor" in response.context["form"].errors


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profile=st.sampled_from(Profile.values))
def test_every_profile_gives_a_side(profile):
    side = default_side(Actor(profile=profile))
    assert side in Side.values
    if profile.startswith("company_"):
        assert side == Side.COMPANY
    if profile.startswith("public_"):
        assert side == Side.AUTHORITY
    if profile.startswith("association_"):
        assert side == Side.ASSOCIATION


def test_a_member_that_wrote_its_side_is_not_removed(workspace, member_client):
    member = PartnershipMemberFactory(partnership__workspace=workspace)
    CanvasEntryFactory(member=member)
    response = member_client.post(
        _url("member_remove", workspace, member.pk), {"version": member.version}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert PartnershipMember.objects.filter(pk=member.pk).exists()
    empty = PartnershipMemberFactory(partnership=member.partnership)
    member_client.post(_url("member_remove", workspace, empty.pk), {"version": empty.version})
    with scopes_disabled():
        assert not PartnershipMember.objects.filter(pk=empty.pk).exists()


def test_delete_refused_once_decisions_are_logged(workspace, member_client):
    partnership = PartnershipFactory(workspace=workspace)
    project = ProjectFactory(workspace=workspace, partnership=partnership)
    GateDecisionFactory(partnership=partnership)
    member_client.post(_url("partnership_delete", workspace, partnership.pk), {"version": 1})
    with scopes_disabled():
        assert Partnership.objects.filter(pk=partnership.pk).exists()
    fresh = PartnershipFactory(workspace=workspace)
    ProjectFactory(workspace=workspace, partnership=fresh)
    response = member_client.post(
        _url("partnership_delete", workspace, fresh.pk), {"version": fresh.version}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert not Partnership.objects.filter(pk=fresh.pk).exists()
        # The finance project stays, without the link.
        assert Project.objects.filter(partnership=None).count() == 1
        assert Project.objects.get(pk=project.pk).partnership_id == partnership.pk


# --- the finance project form ----------------------------------------------------------------


def test_a_finance_project_links_to_a_partnership_of_the_workspace(workspace, member_client):
    partnership = PartnershipFactory(workspace=workspace)
    project = ProjectFactory(workspace=workspace)
    url = reverse("finance:project_edit", args=[workspace.slug, project.pk])
    form = member_client.get(url).context["form"]
    with scopes_disabled():
        assert list(form.fields["partnership"].queryset) == [partnership]
    data = {
        "version": project.version,
        "code": project.code,
        "name": project.name,
        "status": project.status,
        "start_date": project.start_date.isoformat(),
        "end_date": project.end_date.isoformat(),
        "partnership": partnership.pk,
    }
    assert member_client.post(url, data).status_code == 302
    page = member_client.get(reverse("finance:project", args=[workspace.slug, project.pk]))
    assert partnership.name in page.content.decode()


def test_a_finance_project_refuses_another_workspace_partnership(
    workspace, other_workspace, member_client
):
    foreign = PartnershipFactory(workspace=other_workspace)
    project = ProjectFactory(workspace=workspace)
    url = reverse("finance:project_edit", args=[workspace.slug, project.pk])
    data = {
        "version": project.version,
        "code": project.code,
        "name": project.name,
        "status": project.status,
        "start_date": project.start_date.isoformat(),
        "end_date": project.end_date.isoformat(),
        "partnership": foreign.pk,
    }
    response = member_client.post(url, data)
    assert "partnership" in response.context["form"].errors


# --- actors that are members: delete and merge ---------------------------------------------


def test_deleting_a_member_actor_is_refused_naming_the_partnerships(workspace, member_client):
    member = PartnershipMemberFactory(
        partnership__workspace=workspace, partnership__name="Alliance anti-gaspi"
    )
    with scope(workspace=workspace), pytest.raises(ValidationError) as refused:
        actor_delete(member.actor, user=UserFactory())
    assert "Alliance anti-gaspi" in str(refused.value)
    response = member_client.post(
        reverse("ecosystem:actor_delete", args=[workspace.slug, member.actor_id]), follow=True
    )
    assert "Alliance anti-gaspi" in response.content.decode()
    with scopes_disabled():
        assert Actor.objects.filter(pk=member.actor_id).exists()


def test_merge_moves_the_membership_to_the_kept_actor(workspace):
    member = PartnershipMemberFactory(partnership__workspace=workspace)
    keep = ActorFactory(workspace=workspace)
    with scope(workspace=workspace):
        actor_merge(keep=keep, other=member.actor, user=UserFactory())
    with scopes_disabled():
        assert PartnershipMember.objects.get(pk=member.pk).actor == keep


def test_merge_joins_two_memberships_of_one_partnership(workspace):
    partnership = PartnershipFactory(workspace=workspace)
    kept = PartnershipMemberFactory(partnership=partnership, role="lead")
    other = PartnershipMemberFactory(partnership=partnership)
    entry = CanvasEntryFactory(member=other)
    evaluation = EvaluationFactory(partnership=partnership)
    score = EvaluationScoreFactory(evaluation=evaluation, member=other, dimension="common_good")
    EvaluationScoreFactory(evaluation=evaluation, member=kept, dimension="company_return")
    with scope(workspace=workspace):
        actor_merge(keep=kept.actor, other=other.actor, user=UserFactory())
    with scopes_disabled():
        assert list(PartnershipMember.objects.filter(partnership=partnership)) == [kept]
        assert CanvasEntry.objects.get(pk=entry.pk).member_id == kept.pk
        assert EvaluationScore.objects.get(pk=score.pk).member_id == kept.pk


def test_merge_is_refused_when_both_members_scored_the_same_dimension(workspace):
    partnership = PartnershipFactory(workspace=workspace, name="Espace sport et culture")
    kept = PartnershipMemberFactory(partnership=partnership)
    other = PartnershipMemberFactory(partnership=partnership)
    FitExpectationFactory(member=kept, dimension="common_good")
    FitExpectationFactory(member=other, dimension="common_good")
    with scope(workspace=workspace), pytest.raises(ValidationError) as refused:
        actor_merge(keep=kept.actor, other=other.actor, user=UserFactory())
    assert "Espace sport et culture" in str(refused.value)
    with scopes_disabled():
        # Nothing was written: both actors and both memberships are there.
        assert PartnershipMember.objects.filter(partnership=partnership).count() == 2
        assert Actor.objects.filter(pk=other.actor_id).exists()


def test_next_gate_date_is_kept_from_the_form(workspace, member_client):
    partnership = PartnershipFactory(workspace=workspace)
    data = _form(partnership.kind, version=partnership.version, next_gate_on="2026-06-30")
    member_client.post(_url("partnership_edit", workspace, partnership.pk), data)
    with scopes_disabled():
        assert Partnership.objects.get(pk=partnership.pk).next_gate_on == datetime.date(2026, 6, 30)
