"""The demo registry (`ecosystem.demo.seed`, run by `manage.py seed_demo`)."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from maillage.core.territories.models import Commune
from maillage.ecosystem import demo
from maillage.ecosystem.duplicates import duplicate_pairs
from maillage.ecosystem.models import (
    MISSION_FIELDS,
    Actor,
    Audience,
    Contact,
    Level,
    NetworkHeadQualification,
    Profile,
    Relation,
    Theme,
)
from maillage.ecosystem.search import ActorFilters, search_actors
from maillage.ecosystem.services import DEFAULT_RELATION_TYPES
from maillage.workspaces.models import Workspace
from tests.factories import UserFactory, WorkspaceFactory


@pytest.fixture
def seeded(workspace):
    users = {u.email: u for u in UserFactory.create_batch(3)}
    with scope(workspace=workspace):
        created = demo.seed(workspace, users)
    return workspace, users, created


def _actors(workspace):
    return Actor.objects.filter(workspace=workspace)


def test_about_three_hundred_actors_over_every_profile_level_and_mission(seeded):
    workspace, _users, created = seeded
    with scope(workspace=workspace):
        actors = list(_actors(workspace))
        assert 280 <= len(actors) <= 320
        assert created["actors"] == len(actors)
        profiles = Counter(a.profile for a in actors)
        assert set(profiles) == set(Profile.values)
        assert {a.level for a in actors} == set(Level.values)
        for field in MISSION_FIELDS.values():
            assert sum(getattr(a, field) for a in actors) >= 10, field
        assert {a.region_id for a in actors} - {None} == {"84", "32"}
        assert {a.department.region_id for a in actors if a.department_id} == {"84", "32"}
        assert len({a.department_id for a in actors} - {None}) >= 12
        assert set(Theme.objects.filter(actors__workspace=workspace).distinct()) == set(
            Theme.objects.filter(workspace=workspace)
        )
        assert set(Audience.objects.filter(actors__workspace=workspace).distinct()) == set(
            Audience.objects.filter(workspace=workspace)
        )
        goals = {g for a in actors for g in a.sdg_list}
        assert len(goals) == 17
        with_coordinates = [a for a in actors if a.has_coordinates]
        assert len(with_coordinates) >= len(actors) // 2
        assert all(44 < a.latitude < 51.5 and 1.5 < a.longitude < 7 for a in with_coordinates)


def test_every_actor_is_valid_and_fictional(seeded):
    workspace, _users, _created = seeded
    with scope(workspace=workspace):
        actors = list(_actors(workspace))
        for actor in actors:
            actor.full_clean()  # SIREN/SIRET check digits, RNA format, URLs, coordinates
            assert actor.search_text.startswith(actor.name)
            assert actor.name_key
            if actor.website:
                assert actor.website.endswith(".example.org")
        assert sum(bool(a.siret) for a in actors) >= 100
        assert sum(bool(a.rna) for a in actors) >= 60
        assert all(a.rna == "" for a in actors if not a.profile.startswith("association_"))
        contacts = list(Contact.objects.filter(workspace=workspace))
        assert len(contacts) >= 150
        assert all(c.email.endswith("@example.org") for c in contacts)
        assert all(c.phone.startswith(("01 99 00", "06 39 98")) for c in contacts)


def test_relations_of_every_type_with_hubs(seeded):
    workspace, _users, created = seeded
    with scope(workspace=workspace):
        relations = list(
            Relation.objects.filter(workspace=workspace).select_related("relation_type")
        )
        assert 300 <= len(relations) <= 700
        assert created["relations"] == len(relations)
        codes = Counter(r.relation_type.code for r in relations)
        assert set(codes) == {code for code, *_ in DEFAULT_RELATION_TYPES}
        degree = Counter()
        for r in relations:
            degree[r.source_id] += 1
            degree[r.target_id] += 1
            assert r.source_id != r.target_id
            assert r.end_date is None or r.start_date is None or r.end_date >= r.start_date
        assert len([pk for pk, n in degree.items() if n >= 15]) >= 5  # hubs
        hubs = _actors(workspace).filter(pk__in=[pk for pk, n in degree.most_common(10)])
        assert {a.profile for a in hubs} & {"funder", "foundation", "intermediary"}


def test_network_heads_full_and_partial(seeded):
    workspace, _users, _created = seeded
    with scope(workspace=workspace):
        qualifications = list(NetworkHeadQualification.objects.filter(workspace=workspace))
        full = [q for q in qualifications if q.qualifies]
        assert len(full) == 12
        assert any(0 < q.criteria_met < 3 for q in qualifications)
        assert set(_actors(workspace).filter(is_network_head=True)) == {q.actor for q in full}
        assert all(q.peer_recognition_evidence for q in full)


def test_verification_dates(seeded):
    workspace, _users, _created = seeded
    with scope(workspace=workspace):
        never = search_actors(workspace, ActorFilters(unverified_days=36500)).total
        stale = search_actors(workspace, ActorFilters(unverified_days=365)).total
        actors = _actors(workspace)
        assert never == actors.filter(last_verified_on__isnull=True).count() > 30
        assert stale - never > 30  # verified more than a year ago
        assert actors.filter(last_verified_on__isnull=False, verified_by__isnull=True).count() == 0


def test_deliberate_duplicates_are_flagged(seeded):
    workspace, _users, _created = seeded
    with scope(workspace=workspace):
        pairs = duplicate_pairs(workspace, limit=200)
        found = {
            frozenset((p.first.name, p.second.name)): {r.kind for r in p.reasons} for p in pairs
        }
    assert (
        "siret"
        in found[frozenset(("Ressourcerie des Monts du Forez", "La Ressourcerie Forézienne"))]
    )
    assert "siret" in found[frozenset(("Atelier Chantier Insertion Lys", "ACI Vallée de la Lys"))]
    assert (
        "rna"
        in found[frozenset(("Amicale des Locataires de la Duchère", "Locataires Duchère Ensemble"))]
    )
    assert found[frozenset(("Épicerie Solidaire de Roubaix", "Epicerie solidaire Roubaix"))]
    assert found[frozenset(("Maison des Aidants du Pilat", "Maison des Aidants de Pilat"))]
    assert len(pairs) <= 15  # a few, not noise


def test_search_finds_demo_actors_without_accents(seeded):
    workspace, _users, _created = seeded
    with scope(workspace=workspace):
        page = search_actors(workspace, ActorFilters(q="etienne"))
        assert page.total >= 5
        assert all("Étienne" in a.search_text for a in page.actors)


def test_idempotent_and_deterministic(seeded, other_workspace):
    workspace, users, _created = seeded

    def snapshot(ws):
        with scope(workspace=ws):
            return (
                sorted(_actors(ws).values_list("name", "siret", "rna", "level", "profile")),
                Relation.objects.filter(workspace=ws).count(),
                Contact.objects.filter(workspace=ws).count(),
                NetworkHeadQualification.objects.filter(workspace=ws).count(),
            )

    before = snapshot(workspace)
    with CaptureQueriesContext(connection) as queries, scope(workspace=workspace):
        again = demo.seed(workspace, users)
    assert again == {"actors": 0, "relations": 0, "contacts": 0, "qualifications": 0}
    assert snapshot(workspace) == before
    assert len(queries) < 30
    with scope(workspace=other_workspace):
        demo.seed(other_workspace, {})
    assert snapshot(other_workspace) == before  # same plan in another workspace


def test_completes_what_is_missing(seeded):
    workspace, users, _created = seeded
    with scope(workspace=workspace):
        victim = _actors(workspace).get(name="Les Jardins du Lien")
        relations = (
            Relation.objects.filter(source=victim).count()
            + Relation.objects.filter(target=victim).count()
        )
        victim.delete()
        created = demo.seed(workspace, users)
    assert created["actors"] == 1
    assert created["relations"] == relations


def test_communes_are_used_when_loaded_and_the_plan_stays_the_same(db, seeded):
    workspace, _users, _created = seeded
    Commune.objects.create(code="42218", name="Saint-Étienne", department_id="42")
    Commune.objects.create(code="69123", name="Lyon", department_id="69")
    Commune.objects.create(code="59350", name="Lille", department_id="59")
    fresh = WorkspaceFactory()
    with scope(workspace=fresh):
        demo.seed(fresh, {})
        local = _actors(fresh).filter(level="local", department_id__in=["42", "69", "59"])
        assert local.exists()
        assert all(a.commune_id for a in local)
        one = local.filter(commune_id="42218").first()
        assert one is None or "Saint-Étienne" in one.search_text
        names = set(_actors(fresh).values_list("name", flat=True))
    with scope(workspace=workspace):
        assert names == set(_actors(workspace).values_list("name", flat=True))


def test_seed_demo_command_twice(db):
    call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        workspace = Workspace.objects.get(slug="alliance-demo")
        count = Actor.objects.filter(workspace=workspace).count()
        relations = Relation.objects.filter(workspace=workspace).count()
    assert count >= 280
    call_command("seed_demo", stdout=StringIO())
    with scopes_disabled():
        assert Actor.objects.filter(workspace=workspace).count() == count
        assert Relation.objects.filter(workspace=workspace).count() == relations
