"""Merging two actors: every relation, contact, term and bit of history is kept."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.core.exceptions import StaleObjectError
from maillage.core.models import AuditEvent, Commune
from maillage.ecosystem.merge import actor_merge, conflicts
from maillage.ecosystem.models import (
    Actor,
    ActorMerge,
    Contact,
    DuplicateDismissal,
    NetworkHeadQualification,
    Relation,
)
from maillage.ecosystem.services import search_text
from tests.factories import (
    ActorFactory,
    AudienceFactory,
    ContactFactory,
    RelationFactory,
    RelationTypeFactory,
    ThemeFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db


def _merge(workspace, keep, other, user, **kwargs):
    with scope(workspace=workspace):
        return actor_merge(keep=keep, other=other, user=user, **kwargs)


def _fresh(actor):
    with scopes_disabled():
        return Actor.objects.get(pk=actor.pk)


def test_fields_lists_and_keys(workspace, owner):
    lyon = Commune.objects.create(code="69123", name="Lyon", department_id="69")
    theme_a, theme_b = ThemeFactory(workspace=workspace), ThemeFactory(workspace=workspace)
    audience = AudienceFactory(workspace=workspace)
    keep = ActorFactory(
        workspace=workspace,
        name="Restos du Coeur",
        aliases="RDC",
        website="https://keep.example.org",
        mission_connect=True,
        sdg_goals=1 << 2,
        notes="Note A",
        last_verified_on=date(2024, 1, 1),
    )
    other = ActorFactory(
        workspace=workspace,
        name="Les Restaurants du Cœur",
        aliases="Restos\nRDC",
        website="https://other.example.org",
        description="Aide alimentaire",
        commune=lyon,
        mission_support=True,
        sdg_goals=(1 << 2) | (1 << 10),
        notes="Note B",
        last_verified_on=date(2025, 3, 1),
        verified_by=owner.user,
    )
    with scopes_disabled():
        keep.themes.add(theme_a)
        other.themes.add(theme_a, theme_b)
        other.audiences.add(audience)
    assert conflicts(keep, other) == ["name", "website"]
    merge = _merge(workspace, keep, other, owner.user, choices={"name": "other", "website": "keep"})
    kept = _fresh(keep)
    assert kept.name == "Les Restaurants du Cœur"
    assert kept.alias_list == ["Restos du Coeur", "RDC", "Restos"]
    assert kept.website == "https://keep.example.org"
    assert kept.description == "Aide alimentaire"  # keep had none: filled from the other
    assert kept.commune_id == "69123" and kept.department_id == "69" and kept.region_id == "84"
    assert kept.missions == ["connect", "support"]
    assert kept.sdg_list == [2, 10]
    assert kept.notes == "Note A\n\nNote B"
    assert kept.last_verified_on == date(2025, 3, 1) and kept.verified_by == owner.user
    assert kept.name_key == "restaurants coeur"
    assert kept.search_text == search_text(kept)
    assert "Restos du Coeur" in kept.search_text and "Lyon" in kept.search_text
    with scopes_disabled():
        assert set(kept.themes.all()) == {theme_a, theme_b}
        assert list(kept.audiences.all()) == [audience]
        assert not Actor.objects.filter(pk=other.pk).exists()
    assert merge.merged_actor_id == other.pk
    assert merge.snapshot["actor"]["name"] == "Les Restaurants du Cœur"
    assert sorted(merge.snapshot["themes"]) == sorted([theme_a.name, theme_b.name])


def test_relations_move_merge_and_self_relations_are_dropped(workspace, owner):
    keep = ActorFactory(workspace=workspace, name="Keep")
    other = ActorFactory(workspace=workspace, name="Other")
    x, y = ActorFactory(workspace=workspace, name="X"), ActorFactory(workspace=workspace, name="Y")
    funds = RelationTypeFactory(workspace=workspace, code="funds")
    partners = RelationTypeFactory(workspace=workspace, code="partners", is_symmetric=True)
    # Same (source, target, type) once moved: merged, dates widened, notes joined.
    existing = RelationFactory(
        workspace=workspace,
        source=x,
        target=keep,
        relation_type=funds,
        start_date=date(2020, 1, 1),
        end_date=date(2021, 1, 1),
        notes="since 2020",
    )
    duplicate = RelationFactory(
        workspace=workspace,
        source=x,
        target=other,
        relation_type=funds,
        start_date=date(2018, 1, 1),
        end_date=None,
        notes="since 2018",
    )
    # Symmetric: keep→Y and Y→other are the same partnership once merged.
    sym_keep = RelationFactory(workspace=workspace, source=keep, target=y, relation_type=partners)
    sym_other = RelationFactory(workspace=workspace, source=y, target=other, relation_type=partners)
    # Moved.
    moved = RelationFactory(workspace=workspace, source=other, target=y, relation_type=funds)
    # Between the two: becomes a self-relation, dropped.
    between = RelationFactory(workspace=workspace, source=keep, target=other, relation_type=funds)
    merge = _merge(workspace, keep, other, owner.user)
    with scopes_disabled():
        relations = {
            (r.source_id, r.target_id, r.relation_type_id): r for r in Relation.objects.all()
        }
        assert set(relations) == {
            (x.pk, keep.pk, funds.pk),
            (keep.pk, y.pk, partners.pk),
            (keep.pk, y.pk, funds.pk),
        }
        merged = relations[(x.pk, keep.pk, funds.pk)]
        assert merged.pk == existing.pk
        assert (merged.start_date, merged.end_date) == (date(2018, 1, 1), None)
        assert merged.notes == "since 2020\n\nsince 2018"
        assert relations[(keep.pk, y.pk, partners.pk)].pk == sym_keep.pk
        assert relations[(keep.pk, y.pk, funds.pk)].pk == moved.pk
    assert merge.snapshot["relations_moved"] == [moved.pk]
    assert {m["relation"]["id"] for m in merge.snapshot["relations_merged"]} == {
        duplicate.pk,
        sym_other.pk,
    }
    assert [r["id"] for r in merge.snapshot["relations_dropped"]] == [between.pk]


def test_contacts_qualification_dismissals_and_history(workspace, owner):
    keep = ActorFactory(workspace=workspace, name="Keep")
    other = ActorFactory(workspace=workspace, name="Other")
    third = ActorFactory(workspace=workspace, name="Third")
    ContactFactory.create_batch(2, workspace=workspace, actor=other)
    ContactFactory(workspace=workspace, actor=keep)
    with scopes_disabled():
        NetworkHeadQualification.objects.create(
            workspace=workspace,
            actor=other,
            peer_recognition=True,
            cross_world_co_building=True,
            shares_and_relays=True,
            assessed_on=date(2024, 5, 1),
        )
        DuplicateDismissal.objects.create(workspace=workspace, first=other, second=third)
        # `other` had absorbed an actor before: that history follows.
        earlier = ActorMerge.objects.create(
            workspace=workspace, kept=other, merged_actor_id=999, merged_name="Older", snapshot={}
        )
    merge = _merge(workspace, keep, other, owner.user)
    with scopes_disabled():
        assert Contact.objects.filter(actor=keep).count() == 3
        qualification = NetworkHeadQualification.objects.get()
        assert qualification.actor_id == keep.pk
        assert _fresh(keep).is_network_head
        assert not DuplicateDismissal.objects.exists()
        assert ActorMerge.objects.get(pk=earlier.pk).kept_id == keep.pk
    events = AuditEvent.objects.filter(workspace=workspace, object_type="ecosystem.Actor")
    on_keep = events.filter(object_id=str(keep.pk), action="other").get()
    assert on_keep.changes["merged_actor"] == [None, f"Other (#{other.pk})"]
    assert on_keep.changes["contacts_moved"] == [None, 2]
    # The merged actor's own history stays under its id (ActorMerge.merged_actor_id).
    assert events.filter(object_id=str(merge.merged_actor_id), action="delete").exists()
    assert events.filter(object_id=str(merge.merged_actor_id), action="other").exists()


def test_both_qualified_keeps_keeps_qualification(workspace, owner):
    keep = ActorFactory(workspace=workspace, name="Keep")
    other = ActorFactory(workspace=workspace, name="Other", is_network_head=True)
    with scopes_disabled():
        mine = NetworkHeadQualification.objects.create(
            workspace=workspace, actor=keep, peer_recognition=True, assessed_on=date(2024, 1, 1)
        )
        NetworkHeadQualification.objects.create(
            workspace=workspace,
            actor=other,
            peer_recognition=True,
            cross_world_co_building=True,
            shares_and_relays=True,
            assessed_on=date(2024, 1, 1),
        )
    merge = _merge(workspace, keep, other, owner.user)
    with scopes_disabled():
        assert list(NetworkHeadQualification.objects.values_list("pk", flat=True)) == [mine.pk]
    assert not _fresh(keep).is_network_head
    assert merge.snapshot["network_head_qualification"]["shares_and_relays"] is True


def test_stale_versions_write_nothing(workspace, owner):
    keep = ActorFactory(workspace=workspace, name="Keep")
    other = ActorFactory(workspace=workspace, name="Other")
    RelationFactory(workspace=workspace, source=other, target=ActorFactory(workspace=workspace))
    for kwargs in ({"keep_version": keep.version + 1}, {"other_version": other.version + 1}):
        with pytest.raises(StaleObjectError):
            _merge(workspace, keep, other, owner.user, **kwargs)
    with scopes_disabled():
        assert Actor.objects.filter(pk=other.pk).exists()
        assert Relation.objects.filter(source=other).count() == 1
        assert not ActorMerge.objects.exists()


def test_a_change_after_loading_is_stale(workspace, owner):
    keep = ActorFactory(workspace=workspace, name="Keep")
    other = ActorFactory(workspace=workspace, name="Other")
    with scopes_disabled():
        Actor.objects.filter(pk=other.pk).update(version=5)
    with pytest.raises(StaleObjectError):
        _merge(workspace, keep, other, owner.user, keep_version=1, other_version=1)


@pytest.mark.parametrize(
    "choices, message",
    [
        ({"notes": "keep"}, "cannot be chosen"),
        ({"name": "both"}, "Choose"),
    ],
)
def test_bad_choices_are_refused(workspace, owner, choices, message):
    keep = ActorFactory(workspace=workspace, name="Keep")
    other = ActorFactory(workspace=workspace, name="Other")
    with pytest.raises(ValidationError, match=message):
        _merge(workspace, keep, other, owner.user, choices=choices)
    assert _fresh(other).name == "Other"


def test_actors_of_two_workspaces_or_the_same_actor_are_refused(workspace, owner):
    keep = ActorFactory(workspace=workspace, name="Keep")
    foreign = ActorFactory(workspace=WorkspaceFactory(), name="Foreign")
    with pytest.raises(ValidationError, match="same workspace"):
        _merge(workspace, keep, foreign, owner.user)
    with pytest.raises(ValidationError, match="into itself"):
        _merge(workspace, keep, keep, owner.user)
    assert _fresh(foreign).name == "Foreign"


def test_an_invalid_combination_rolls_everything_back(workspace, owner):
    keep = ActorFactory(workspace=workspace, name="Keep", siren="123456782")
    other = ActorFactory(
        workspace=workspace, name="Other", siren="732829320", siret="73282932000017"
    )
    ContactFactory(workspace=workspace, actor=other)
    # keep's SIREN with the other's SIRET: a SIRET must start with its SIREN.
    with pytest.raises(ValidationError):
        _merge(workspace, keep, other, owner.user, choices={"siren": "keep"})
    with scopes_disabled():
        assert Contact.objects.get().actor_id == other.pk
        assert not ActorMerge.objects.exists()


# --- nothing is lost, whatever the graph (property-based) ------------------------------------

edges = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 2)), max_size=25, unique=True
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edges=edges, contacts=st.tuples(st.integers(0, 3), st.integers(0, 3)))
def test_nothing_is_lost(workspace, owner, edges, contacts):
    """Actors 0 (keep) and 1 (other) and four more; any relations between any of them."""
    with scopes_disabled():
        Relation.objects.filter(workspace=workspace).delete()
        Actor.objects.filter(workspace=workspace).delete()
    actors = [ActorFactory(workspace=workspace, name=f"A{i}") for i in range(6)]
    types = [RelationTypeFactory(workspace=workspace, is_symmetric=(i == 2)) for i in range(3)]
    for source, target, kind in edges:
        if source != target:
            RelationFactory(
                workspace=workspace,
                source=actors[source],
                target=actors[target],
                relation_type=types[kind],
            )
    ContactFactory.create_batch(contacts[0], workspace=workspace, actor=actors[0])
    ContactFactory.create_batch(contacts[1], workspace=workspace, actor=actors[1])
    keep, other = actors[0], actors[1]
    with scopes_disabled():
        before = Relation.objects.filter(workspace=workspace).count()
        contacts_before = Contact.objects.filter(workspace=workspace).count()
        # What the relations say once `other` is read as `keep` (symmetric types unordered).
        expected = set()
        for r in Relation.objects.filter(workspace=workspace).select_related("relation_type"):
            s = keep.pk if r.source_id == other.pk else r.source_id
            t = keep.pk if r.target_id == other.pk else r.target_id
            if s != t:
                expected.add(
                    (*sorted((s, t)), r.relation_type_id)
                    if r.relation_type.is_symmetric
                    else (s, t, r.relation_type_id)
                )
    merge = _merge(workspace, keep, other, owner.user)
    with scopes_disabled():
        after = Relation.objects.filter(workspace=workspace).count()
        dropped = len(merge.snapshot["relations_dropped"])
        merged = len(merge.snapshot["relations_merged"])
        assert before == after + dropped + merged
        found = set()
        for r in Relation.objects.filter(workspace=workspace).select_related("relation_type"):
            assert other.pk not in (r.source_id, r.target_id)
            found.add(
                (*sorted((r.source_id, r.target_id)), r.relation_type_id)
                if r.relation_type.is_symmetric
                else (r.source_id, r.target_id, r.relation_type_id)
            )
        assert found == expected  # every relation survives, once
        assert Contact.objects.filter(workspace=workspace).count() == contacts_before
        assert Contact.objects.filter(actor=keep).count() == sum(contacts)


# --- the page ----------------------------------------------------------------------------------


def test_merge_page_offers_a_choice_per_conflict(member_client, workspace):
    keep = ActorFactory(workspace=workspace, name="Keep", website="https://a.example.org")
    other = ActorFactory(
        workspace=workspace, name="Other", website="https://b.example.org", description="Desc"
    )
    url = reverse("ecosystem:merge", args=[workspace.slug, keep.pk, other.pk])
    html = member_client.get(url).content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert html.count('type="radio" name="name"') == 2
    assert html.count('type="radio" name="website"') == 2
    assert 'name="description"' not in html  # only one has it: no choice to make
    assert reverse("ecosystem:merge", args=[workspace.slug, other.pk, keep.pk]) in html


def test_merge_page_post(member_client, workspace):
    keep = ActorFactory(workspace=workspace, name="Keep", website="https://a.example.org")
    other = ActorFactory(workspace=workspace, name="Other", website="https://b.example.org")
    url = reverse("ecosystem:merge", args=[workspace.slug, keep.pk, other.pk])
    response = member_client.post(
        url, {"keep_version": 1, "other_version": 1, "name": "keep", "website": "other"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("ecosystem:actor", args=[workspace.slug, keep.pk])
    kept = _fresh(keep)
    assert (kept.name, kept.website, kept.alias_list) == (
        "Keep",
        "https://b.example.org",
        ["Other"],
    )


def test_merge_page_stale(member_client, workspace):
    keep = ActorFactory(workspace=workspace, name="Keep")
    other = ActorFactory(workspace=workspace, name="Other")
    with scopes_disabled():
        Actor.objects.filter(pk=other.pk).update(version=2)
    url = reverse("ecosystem:merge", args=[workspace.slug, keep.pk, other.pk])
    response = member_client.post(url, {"keep_version": 1, "other_version": 1, "name": "keep"})
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    with scopes_disabled():
        assert Actor.objects.filter(pk=other.pk).exists()


def test_merge_page_refuses_guests_foreign_and_same_ids(
    guest_client, member_client, workspace, other_workspace
):
    keep = ActorFactory(workspace=workspace, name="Keep")
    other = ActorFactory(workspace=workspace, name="Other")
    foreign = ActorFactory(workspace=other_workspace, name="Foreign")
    url = reverse("ecosystem:merge", args=[workspace.slug, keep.pk, other.pk])
    assert guest_client.get(url).status_code == 403
    assert guest_client.post(url, {"keep_version": 1, "other_version": 1}).status_code == 403
    for a, b in ((keep.pk, foreign.pk), (keep.pk, keep.pk)):
        assert (
            member_client.get(reverse("ecosystem:merge", args=[workspace.slug, a, b])).status_code
            == 404
        )
    with scopes_disabled():
        assert Actor.objects.filter(pk=other.pk).exists()
