"""Actors, contacts, relations and the workspace's lists, through the pages and services."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from maillage.core import personal_data
from maillage.core.audit import AuditEvent
from maillage.ecosystem.identifiers import clean_rna, clean_siren, clean_siret
from maillage.ecosystem.models import Actor, Contact, Relation, RelationType, Theme
from maillage.ecosystem.services import actor_create, relation_create
from maillage.workspaces.services import workspace_create
from tests.factories import (
    ActorFactory,
    ContactFactory,
    RelationFactory,
    RelationTypeFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def url(name, workspace, *args):
    return reverse(f"ecosystem:{name}", args=[workspace.slug, *args])


# --- identifiers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("732 829 320", "732829320"), ("732.829.320", "732829320"), ("", "")],
)
def test_siren_accepts_what_people_type(typed, expected):
    assert clean_siren(typed) == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [("73282932", "siren_length"), ("73282932A", "siren_format"), ("732829321", "siren_checksum")],
)
def test_siren_refusals_say_why(typed, code):
    with pytest.raises(ValidationError) as error:
        clean_siren(typed)
    assert error.value.code == code
    assert typed in error.value.messages[0]


def test_siret_la_poste_special_case():
    # La Poste's establishments don't follow Luhn: the sum of their digits is a multiple of 5.
    assert not luhn.is_valid("35600000010000")
    assert clean_siret("356 000 000 10000") == "35600000010000"
    with pytest.raises(ValidationError):
        clean_siret("35600000010001")
    assert clean_siret("73282932000017") == "73282932000017"
    with pytest.raises(ValidationError) as error:
        clean_siret("73282932000018")
    assert error.value.code == "siret_checksum"


@pytest.mark.parametrize("typed", ["W751234567", "w 751 234 567", "W751-234-567"])
def test_rna_valid(typed):
    assert clean_rna(typed) == "W751234567"


@pytest.mark.parametrize("typed", ["751234567", "W75123456", "X751234567", "W7512345678"])
def test_rna_invalid(typed):
    with pytest.raises(ValidationError):
        clean_rna(typed)


@given(st.from_regex(r"[0-9]{8}", fullmatch=True))
def test_any_siren_with_its_luhn_digit_is_accepted(body):
    number = body + luhn.calc_check_digit(body)
    assert clean_siren(number) == number


# --- services ------------------------------------------------------------------------------


def test_actor_create_derives_what_it_can(workspace, owner):
    with scope(workspace=workspace):
        actor = actor_create(
            workspace=workspace,
            user=owner.user,
            name="Les Amis de Saint-Étienne",
            profile="association_volunteer",
            siret="732 829 320 00017",
            department_id="42",
            missions=["connect", "support"],
            sdg_goals=[4, 17],
            aliases="ASE\n ASE \n\nAmis",
        )
    assert actor.siren == "732829320"  # from the SIRET
    assert actor.region_id == "84"  # from the department
    assert actor.missions == ["connect", "support"]
    assert actor.sdg_list == [4, 17]
    assert actor.alias_list == ["ASE", "Amis"]
    assert actor.name_key == "amis saint etienne"
    assert "Les Amis de Saint-Étienne" in actor.search_text
    assert AuditEvent.objects.filter(object_type="ecosystem.Actor", object_id=str(actor.pk))


def test_siret_must_belong_to_the_siren(workspace, owner):
    with scope(workspace=workspace), pytest.raises(ValidationError) as error:
        actor_create(
            workspace=workspace,
            user=owner.user,
            name="X",
            profile="expert",
            siren="552100554",
            siret="73282932000017",
        )
    assert "siret" in error.value.error_dict
    with scopes_disabled():
        assert not Actor.objects.exists()


def test_terms_of_another_workspace_are_refused(workspace, other_workspace, owner):
    foreign = ThemeFactory(workspace=other_workspace)
    with scope(workspace=workspace), pytest.raises(ValidationError):
        actor_create(
            workspace=workspace, user=owner.user, name="X", profile="expert", themes=[foreign]
        )


def test_relations_stay_inside_the_workspace(workspace, other_workspace, owner):
    mine = ActorFactory(workspace=workspace)
    foreign = ActorFactory(workspace=other_workspace)
    relation_type = RelationTypeFactory(workspace=workspace)
    with scope(workspace=workspace), pytest.raises(ValidationError):
        relation_create(
            workspace=workspace,
            user=owner.user,
            source=mine,
            target=foreign,
            relation_type=relation_type,
        )


def test_a_new_workspace_gets_the_default_lists(user):
    workspace = workspace_create(user=user, name="Réseau test")
    with scope(workspace=workspace):
        codes = set(RelationType.objects.values_list("code", flat=True))
        assert Theme.objects.count() >= 10
    assert {"member_of", "funds", "partners_with", "supports", "heads_network_of"} <= codes
    assert {"subcontracts", "co_leads_consortium"} <= codes


# --- pages ---------------------------------------------------------------------------------


def _actor_post(**overrides):
    data = {
        "version": 1,
        "name": "Fondation Exemple",
        "profile": "foundation",
        "level": "regional",
        "department": "69",
        "missions": ["observe"],
        "sdg_goals": ["10"],
        "website": "www.exemple.org",
    }
    data.update(overrides)
    return data


def test_member_adds_an_actor_and_finds_it(member_client, workspace):
    response = member_client.post(url("actor_create", workspace), _actor_post())
    with scopes_disabled():
        actor = Actor.objects.get(workspace=workspace)
    assert response.status_code == 302
    assert response["Location"] == url("actor", workspace, actor.pk)
    assert actor.website == "https://www.exemple.org"
    assert actor.region_id == "84"
    page = member_client.get(url("home", workspace), {"q": "fondation exemple"})
    assert "Fondation Exemple" in page.content.decode()
    detail = member_client.get(url("actor", workspace, actor.pk)).content.decode()
    assert "Observe" in detail and "10. Reduced inequalities" in detail


def test_invalid_identifier_is_shown_on_its_field_and_nothing_is_stored(member_client, workspace):
    response = member_client.post(
        url("actor_create", workspace), _actor_post(siret="7328293200001")
    )
    assert response.status_code == 200
    field_error = response.context["form"].errors["siret"][0]
    assert "14 digits" in field_error
    with scopes_disabled():
        assert not Actor.objects.filter(workspace=workspace).exists()


def test_stale_edit_is_refused(member_client, workspace, owner):
    actor = ActorFactory(workspace=workspace, name="Avant")
    with scope(workspace=workspace):
        from maillage.ecosystem.services import actor_update

        actor_update(actor, user=owner.user, expected_version=1, name="Modifié ailleurs")
    response = member_client.post(
        url("actor_edit", workspace, actor.pk), _actor_post(name="Ma version", version=1)
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    with scopes_disabled():
        actor.refresh_from_db()
    assert actor.name == "Modifié ailleurs"


def test_guest_reads_but_cannot_write(guest_client, workspace):
    actor = ActorFactory(workspace=workspace)
    page = guest_client.get(url("actor", workspace, actor.pk)).content.decode()
    assert url("actor_edit", workspace, actor.pk) not in page
    assert guest_client.post(url("actor_create", workspace), _actor_post()).status_code == 403
    assert guest_client.post(url("actor_verify", workspace, actor.pk)).status_code == 403


def test_verify_records_who_and_when(member, member_client, workspace):
    actor = ActorFactory(workspace=workspace)
    member_client.post(url("actor_verify", workspace, actor.pk))
    with scopes_disabled():
        actor.refresh_from_db()
    assert actor.verified_by == member.user
    assert actor.last_verified_on is not None
    assert (
        "Last verified on" in member_client.get(url("actor", workspace, actor.pk)).content.decode()
    )


def test_delete_takes_relations_and_contacts(member_client, workspace):
    actor = ActorFactory(workspace=workspace)
    RelationFactory(workspace=workspace, source=actor)
    ContactFactory(workspace=workspace, actor=actor)
    confirm = member_client.get(url("actor_delete", workspace, actor.pk)).content.decode()
    assert "1 relation" in confirm and "1 contact" in confirm
    member_client.post(url("actor_delete", workspace, actor.pk))
    with scopes_disabled():
        assert not Actor.objects.filter(pk=actor.pk).exists()
        assert not Relation.objects.filter(workspace=workspace).exists()
        assert not Contact.objects.filter(workspace=workspace).exists()


def test_contacts_are_personal_data(member_client, workspace):
    actor = ActorFactory(workspace=workspace)
    member_client.post(
        url("contact_create", workspace, actor.pk),
        {"version": 1, "full_name": "Camille Durand", "email": "camille@example.org"},
    )
    export = personal_data.export_person("camille@example.org")
    contacts = [r for key, r in export["records"].items() if key == "ecosystem.Contact"]
    assert contacts and contacts[0]["count"] == 1
    personal_data.erase_person("camille@example.org", by=None)
    with scopes_disabled():
        assert not Contact.objects.filter(email="camille@example.org").exists()


def test_relation_form_picks_actors_by_name_and_id(member_client, workspace):
    a = ActorFactory(workspace=workspace, name="Alpha")
    b = ActorFactory(workspace=workspace, name="Beta")
    funds = RelationTypeFactory(workspace=workspace, code="funds", name="funds")
    response = member_client.post(
        url("relation_create", workspace),
        {
            "version": 1,
            "source": f"Alpha #{a.pk}",
            "relation_type": funds.pk,
            "target": "beta",
            "start_date": "2024-01-01",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        relation = Relation.objects.get(workspace=workspace)
    assert (relation.source, relation.target) == (a, b)
    again = member_client.post(
        url("relation_create", workspace),
        {"version": 1, "source": f"#{a.pk}", "relation_type": funds.pk, "target": f"#{b.pk}"},
    )
    assert "already recorded" in again.content.decode()


def test_relation_form_refuses_self_and_foreign_actors(member_client, workspace, other_workspace):
    a = ActorFactory(workspace=workspace, name="Alpha")
    foreign = ActorFactory(workspace=other_workspace, name="Ailleurs")
    kind = RelationTypeFactory(workspace=workspace)
    self_relation = member_client.post(
        url("relation_create", workspace),
        {"version": 1, "source": f"#{a.pk}", "relation_type": kind.pk, "target": f"#{a.pk}"},
    )
    assert self_relation.context["form"].errors["target"]
    foreign_relation = member_client.post(
        url("relation_create", workspace),
        {"version": 1, "source": f"#{a.pk}", "relation_type": kind.pk, "target": f"#{foreign.pk}"},
    )
    assert "No actor" in foreign_relation.context["form"].errors["target"][0]
    with scopes_disabled():
        assert not Relation.objects.exists()


def test_actor_page_reads_relations_from_its_side(member_client, workspace):
    funder = ActorFactory(workspace=workspace, name="Fonds")
    funded = ActorFactory(workspace=workspace, name="Asso")
    kind = RelationTypeFactory(workspace=workspace, name="funds", inverse_name="is funded by")
    RelationFactory(workspace=workspace, source=funder, target=funded, relation_type=kind)
    assert "funds" in member_client.get(url("actor", workspace, funder.pk)).content.decode()
    assert "is funded by" in member_client.get(url("actor", workspace, funded.pk)).content.decode()


def test_suggestions_list_matching_actors(member_client, workspace, other_workspace):
    ActorFactory(workspace=workspace, name="Saint-Étienne Solidaire")
    ActorFactory(workspace=other_workspace, name="Étienne ailleurs")
    html = member_client.get(url("actor_suggest", workspace), {"source": "etien"}).content.decode()
    assert "Saint-Étienne Solidaire #" in html
    assert "ailleurs" not in html


def test_manager_edits_the_lists(manager_client, member_client, workspace):
    response = manager_client.post(
        url("theme_create", workspace), {"themes-version": 1, "themes-name": "Mobilité"}
    )
    assert response.status_code == 302
    duplicate = manager_client.post(
        url("theme_create", workspace), {"themes-version": 1, "themes-name": "Mobilité"}
    )
    assert duplicate.status_code == 200 and duplicate.context["form"].errors
    assert (
        member_client.post(
            url("theme_create", workspace), {"themes-version": 1, "themes-name": "X"}
        ).status_code
        == 403
    )
    with scopes_disabled():
        assert list(Theme.objects.filter(workspace=workspace).values_list("name", flat=True)) == [
            "Mobilité"
        ]


def test_a_relation_type_in_use_cannot_be_deleted(manager_client, workspace):
    relation = RelationFactory(workspace=workspace)
    response = manager_client.post(
        url("relation_type_edit", workspace, relation.relation_type_id), {"delete": "1"}
    )
    assert response.status_code == 200
    assert "used by 1 relations" in response.content.decode()
    with scopes_disabled():
        assert RelationType.objects.filter(pk=relation.relation_type_id).exists()


def test_history_lists_the_actor_and_its_relations(member_client, workspace):
    member_client.post(url("actor_create", workspace), _actor_post(name="Historique"))
    with scopes_disabled():
        actor = Actor.objects.get(workspace=workspace)
    member_client.post(url("actor_verify", workspace, actor.pk))
    html = member_client.get(url("actor_history", workspace, actor.pk)).content.decode()
    assert html.count("Historique") >= 2
    assert "last_verified_on" in html


def test_ranked_search_page_runs_a_constant_number_of_queries(owner_client, workspace):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(url("home", workspace), {"q": "emploi"}).status_code == 200
        return len(queries)

    ActorFactory.create_batch(2, workspace=workspace, name="Emploi", department_id="42")
    count()
    few = count()
    ActorFactory.create_batch(30, workspace=workspace, name="Emploi", department_id="42")
    assert count() == few
