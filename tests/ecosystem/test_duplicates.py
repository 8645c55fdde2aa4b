"""Possible duplicates: identifiers, close names in the same place, dismissals, bounds, pages."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from maillage.core.models import Commune
from maillage.ecosystem import duplicates
from maillage.ecosystem.duplicates import (
    duplicate_dismiss,
    duplicate_pairs,
    duplicate_scan,
    duplicates_of,
)
from maillage.ecosystem.models import DuplicateDismissal
from tests.factories import ActorFactory

pytestmark = pytest.mark.django_db

SIREN = "123456782"
SIRET_1 = "12345678200010"
SIRET_2 = "12345678200028"


@pytest.fixture
def lyon(db):
    return Commune.objects.create(code="69123", name="Lyon", department_id="69")


@pytest.fixture
def villeurbanne(db):
    return Commune.objects.create(code="69266", name="Villeurbanne", department_id="69")


def _pairs(workspace, **kwargs):
    with scope(workspace=workspace):
        return {
            (p.first.name, p.second.name): [str(r) for r in p.reasons]
            for p in duplicate_pairs(workspace, **kwargs)
        }


def test_same_siret_siren_and_rna(workspace):
    ActorFactory(workspace=workspace, name="Alpha", siren=SIREN, siret=SIRET_1)
    ActorFactory(workspace=workspace, name="Beta", siren=SIREN, siret=SIRET_1)
    ActorFactory(workspace=workspace, name="Gamma", siren=SIREN)  # no SIRET
    ActorFactory(workspace=workspace, name="Delta", rna="W691234567")
    ActorFactory(workspace=workspace, name="Epsilon", rna="W691234567")
    pairs = _pairs(workspace)
    # The SIREN is part of the SIRET: said once.
    assert pairs[("Alpha", "Beta")] == [f"same SIRET {SIRET_1}"]
    assert pairs[("Alpha", "Gamma")] == [f"same SIREN {SIREN}"]
    assert pairs[("Beta", "Gamma")] == [f"same SIREN {SIREN}"]
    assert pairs[("Delta", "Epsilon")] == ["same RNA number W691234567"]
    assert len(pairs) == 4


def test_two_establishments_of_one_siren_are_not_duplicates(workspace):
    ActorFactory(workspace=workspace, name="Siège", siren=SIREN, siret=SIRET_1)
    ActorFactory(workspace=workspace, name="Antenne", siren=SIREN, siret=SIRET_2)
    assert _pairs(workspace) == {}


def test_close_names_in_the_same_commune_only(workspace, lyon, villeurbanne):
    ActorFactory(workspace=workspace, name="Les Restos du Cœur de Lyon", commune=lyon)
    ActorFactory(workspace=workspace, name="Restos du coeur Lyon", commune=lyon)
    ActorFactory(workspace=workspace, name="Association Les Restos du Coeur", commune=lyon)
    ActorFactory(workspace=workspace, name="Restos du Coeur", commune=villeurbanne)
    ActorFactory(workspace=workspace, name="Secours populaire", commune=lyon)
    pairs = _pairs(workspace)
    assert pairs == {
        ("Les Restos du Cœur de Lyon", "Restos du coeur Lyon"): ["same name in Lyon"],
        # "restos coeur" vs "restos coeur lyon": ratio 0.83, below the threshold.
    }


def test_close_but_not_identical_names(workspace, lyon):
    ActorFactory(workspace=workspace, name="Maison de l'emploi de Lyon", commune=lyon)
    ActorFactory(workspace=workspace, name="Maison de l'emplois Lyon", commune=lyon)
    # A long common part is not enough: the differing words must be close too...
    ActorFactory(workspace=workspace, name="Mission interministérielle Filament", commune=lyon)
    ActorFactory(workspace=workspace, name="Mission interministérielle Ricochet", commune=lyon)
    # ...unless one name only adds a word.
    ActorFactory(workspace=workspace, name="SCIC Escale Dunkerque", commune=lyon)
    ActorFactory(workspace=workspace, name="Escale Dunkerque", commune=lyon)
    # Different numbers: two structures.
    ActorFactory(workspace=workspace, name="Mission locale antenne 12", commune=lyon)
    ActorFactory(workspace=workspace, name="Mission locale antenne 13", commune=lyon)
    assert _pairs(workspace) == {
        ("Maison de l'emploi de Lyon", "Maison de l'emplois Lyon"): ["close names in Lyon"],
        ("SCIC Escale Dunkerque", "Escale Dunkerque"): ["close names in Lyon"],
    }


def test_without_commune_the_department_decides(workspace, lyon):
    ActorFactory(workspace=workspace, name="Fédération du Rhône", department_id="69")
    ActorFactory(workspace=workspace, name="Federation du Rhone", department_id="69")
    ActorFactory(workspace=workspace, name="Fédération du Rhône", department_id="42")
    # One with a commune and one with only the department: not compared by name.
    ActorFactory(workspace=workspace, name="Fédération du Rhône", commune=lyon, department_id="69")
    ActorFactory(workspace=workspace, name="Réseau national")
    ActorFactory(workspace=workspace, name="Reseau National")
    pairs = _pairs(workspace)
    assert pairs == {
        ("Fédération du Rhône", "Federation du Rhone"): ["same name in Rhône"],
        ("Réseau national", "Reseau National"): ["same name, no territory given"],
    }


def test_dismissed_pairs_are_not_shown(workspace, owner):
    a = ActorFactory(workspace=workspace, name="A", rna="W691234567")
    b = ActorFactory(workspace=workspace, name="B", rna="W691234567")
    with scope(workspace=workspace):
        dismissal = duplicate_dismiss(first=b, second=a, user=owner.user)
        assert (dismissal.first_id, dismissal.second_id) == (a.pk, b.pk)
        # Idempotent.
        assert duplicate_dismiss(first=a, second=b, user=owner.user).pk == dismissal.pk
        assert DuplicateDismissal.objects.count() == 1
    assert _pairs(workspace) == {}


def test_never_pairs_across_workspaces(workspace, other_workspace):
    ActorFactory(workspace=workspace, name="Même nom", siret=SIRET_1, siren=SIREN)
    ActorFactory(workspace=other_workspace, name="Même nom", siret=SIRET_1, siren=SIREN)
    assert _pairs(workspace) == {}
    assert _pairs(other_workspace) == {}


def test_name_comparison_is_linear_in_a_large_place(workspace, lyon, monkeypatch):
    """Sorted neighbourhood: each key meets a bounded number of others, not all of them."""
    calls = []

    class CountingMatcher(duplicates.SequenceMatcher):
        def ratio(self):
            calls.append(1)
            return super().ratio()

        def real_quick_ratio(self):
            calls.append(1)
            return super().real_quick_ratio()

    monkeypatch.setattr(duplicates, "SequenceMatcher", CountingMatcher)
    n = 400
    with scopes_disabled():
        for i in range(n):
            letters = "".join(chr(97 + (i // 26**k) % 26) for k in range(3))
            ActorFactory(workspace=workspace, name=f"Structure {letters}", commune=lyon)
    _pairs(workspace)
    # all pairs would be n(n-1)/2 = 79,800 comparisons
    # (at most 3 counted calls per comparison: quick ratio, ratio, ratio of the differing words)
    assert len(calls) <= 3 * 2 * duplicates.WINDOW * n


def test_the_scan_is_bounded_and_continues(workspace, lyon, villeurbanne, monkeypatch):
    monkeypatch.setattr(duplicates, "SCAN_BUDGET", 3)
    ActorFactory(workspace=workspace, name="Solidarité Lyon", commune=lyon)
    ActorFactory(workspace=workspace, name="Solidarite Lyon", commune=lyon)
    ActorFactory(workspace=workspace, name="Entraide Villeurbanne", commune=villeurbanne)
    ActorFactory(workspace=workspace, name="Entraide  Villeurbanne", commune=villeurbanne)
    with scope(workspace=workspace):
        first = duplicate_scan(workspace)
        assert [(p.first.name, p.second.name) for p in first.pairs] == [
            ("Solidarité Lyon", "Solidarite Lyon")
        ]
        assert first.next_after == "c:69123"
        second = duplicate_scan(workspace, after=first.next_after)
        assert [(p.first.name, p.second.name) for p in second.pairs] == [
            ("Entraide Villeurbanne", "Entraide  Villeurbanne")
        ]
        assert second.complete


def test_a_place_larger_than_the_budget_is_read_in_parts(workspace, lyon, monkeypatch):
    monkeypatch.setattr(duplicates, "SCAN_BUDGET", 2)
    for name in ("Alpha", "Alpha", "Beta", "Beta", "Gamma"):
        ActorFactory(workspace=workspace, name=name, commune=lyon)
    found, after = [], ""
    with scope(workspace=workspace):
        for _ in range(10):
            scan = duplicate_scan(workspace, after=after)
            found += [p.first.name for p in scan.pairs]
            if scan.complete:
                break
            after = scan.next_after
    assert found == ["Alpha", "Beta"]


@pytest.mark.parametrize("after", ["nonsense", "x:1", "c:69123|key|notanumber", "c:../|a|1"])
def test_a_malformed_cursor_starts_from_the_beginning(workspace, after):
    ActorFactory(workspace=workspace, name="A", rna="W691234567")
    ActorFactory(workspace=workspace, name="B", rna="W691234567")
    with scope(workspace=workspace):
        assert len(duplicate_scan(workspace, after=after).pairs) == 1


def test_duplicates_of_one_actor(workspace, owner, lyon):
    actor = ActorFactory(
        workspace=workspace, name="Maison des Solidarités", commune=lyon, rna="W691234567"
    )
    ActorFactory(workspace=workspace, name="Maison des solidarites", commune=lyon)
    ActorFactory(workspace=workspace, name="Autre chose", rna="W691234567")
    ActorFactory(workspace=workspace, name="Sans rapport", commune=lyon)
    dismissed = ActorFactory(workspace=workspace, name="Maison des Solidarités", commune=lyon)
    with scope(workspace=workspace):
        duplicate_dismiss(first=actor, second=dismissed, user=owner.user)
        found = {p.second.name: [str(r) for r in p.reasons] for p in duplicates_of(actor)}
        assert all(p.first == actor for p in duplicates_of(actor))
    assert found == {
        "Autre chose": ["same RNA number W691234567"],
        "Maison des solidarites": ["same name in Lyon"],
    }


# --- pages -----------------------------------------------------------------------------------


def test_list_page_shows_reasons_side_by_side(member_client, workspace, lyon):
    ActorFactory(workspace=workspace, name="Alpha", siren=SIREN, siret=SIRET_1)
    ActorFactory(workspace=workspace, name="Alpha bis", siren=SIREN, siret=SIRET_1)
    ActorFactory(workspace=workspace, name="Jardins partagés", commune=lyon)
    ActorFactory(workspace=workspace, name="Jardin partagés", commune=lyon)
    response = member_client.get(reverse("ecosystem:duplicates", args=[workspace.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert f"same SIRET {SIRET_1}" in html
    assert "close names in Lyon" in html
    assert html.count("Not a duplicate") == 2
    assert html.index("same SIRET") < html.index("close names in Lyon")


def test_guest_reads_the_list_without_actions(guest_client, workspace):
    a = ActorFactory(workspace=workspace, name="A", rna="W691234567")
    b = ActorFactory(workspace=workspace, name="B", rna="W691234567")
    url = reverse("ecosystem:duplicates", args=[workspace.slug])
    html = guest_client.get(url).content.decode()
    assert "same RNA number" in html
    assert "Not a duplicate" not in html
    dismiss = reverse("ecosystem:duplicate_dismiss", args=[workspace.slug, a.pk, b.pk])
    assert guest_client.post(dismiss).status_code == 403
    with scopes_disabled():
        assert not DuplicateDismissal.objects.exists()


def test_member_dismisses_a_pair(member_client, workspace):
    a = ActorFactory(workspace=workspace, name="A", rna="W691234567")
    b = ActorFactory(workspace=workspace, name="B", rna="W691234567")
    url = reverse("ecosystem:duplicate_dismiss", args=[workspace.slug, b.pk, a.pk])
    assert member_client.get(url).status_code == 405
    response = member_client.post(url, {"next": "https://evil.example.org/"})
    assert response.status_code == 302
    assert response["Location"] == reverse("ecosystem:duplicates", args=[workspace.slug])
    with scopes_disabled():
        assert list(DuplicateDismissal.objects.values_list("first_id", "second_id")) == [
            (a.pk, b.pk)
        ]
    html = member_client.get(response["Location"]).content.decode()
    assert "same RNA number" not in html


def test_dismissing_an_actor_with_itself_or_another_workspace_is_404(
    member_client, workspace, other_workspace
):
    a = ActorFactory(workspace=workspace, name="A")
    foreign = ActorFactory(workspace=other_workspace, name="F")
    for first, second in ((a.pk, a.pk), (a.pk, foreign.pk)):
        url = reverse("ecosystem:duplicate_dismiss", args=[workspace.slug, first, second])
        assert member_client.post(url).status_code == 404
    with scopes_disabled():
        assert not DuplicateDismissal.objects.exists()


def test_the_look_further_link_appears_when_the_scan_stops(
    member_client, workspace, lyon, villeurbanne, monkeypatch
):
    monkeypatch.setattr(duplicates, "SCAN_BUDGET", 2)
    ActorFactory(workspace=workspace, name="Un", commune=lyon)
    ActorFactory(workspace=workspace, name="Un", commune=lyon)
    ActorFactory(workspace=workspace, name="Deux", commune=villeurbanne)
    ActorFactory(workspace=workspace, name="Deux", commune=villeurbanne)
    url = reverse("ecosystem:duplicates", args=[workspace.slug])
    html = member_client.get(url).content.decode()
    assert "Look further in the registry" in html
    assert "same name in Lyon" in html and "Villeurbanne" not in html
    html = member_client.get(url, {"after": "c:69123"}).content.decode()
    assert "same name in Villeurbanne" in html
