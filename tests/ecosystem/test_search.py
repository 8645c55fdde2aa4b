"""Full-text search with accents and filters, on SQLite (FTS5) and PostgreSQL (french+unaccent)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scope

from maillage.ecosystem import search
from maillage.ecosystem.search import ActorFilters, search_actors
from tests.factories import ActorFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _names(workspace, **filters):
    with scope(workspace=workspace):
        return [a.name for a in search_actors(workspace, ActorFilters(**filters)).actors]


def test_accent_and_case_insensitive(workspace):
    ActorFactory(workspace=workspace, name="Maison de l'Emploi de Saint-Étienne")
    ActorFactory(workspace=workspace, name="Lyon Solidarités")
    assert _names(workspace, q="etienne") == ["Maison de l'Emploi de Saint-Étienne"]
    assert _names(workspace, q="SAINT ÉTIENNE") == ["Maison de l'Emploi de Saint-Étienne"]
    assert _names(workspace, q="solidarites") == ["Lyon Solidarités"]


def test_searches_aliases_description_and_prefixes(workspace):
    ActorFactory(workspace=workspace, name="Réseau A", aliases="RAMEAU\nLe Rameau")
    ActorFactory(workspace=workspace, name="Réseau B", description="Accompagne les bénévoles")
    assert _names(workspace, q="rameau") == ["Réseau A"]
    assert _names(workspace, q="benevol") == ["Réseau B"]
    assert _names(workspace, q="accompagne benevoles") == ["Réseau B"]


def test_never_finds_another_workspace(workspace, other_workspace):
    ActorFactory(workspace=other_workspace, name="Étienne ailleurs")
    ActorFactory(workspace=workspace, name="Étienne ici")
    assert _names(workspace, q="etienne") == ["Étienne ici"]
    assert _names(other_workspace, q="etienne") == ["Étienne ailleurs"]


def test_ranking_puts_the_denser_match_first(workspace):
    ActorFactory(workspace=workspace, name="Insertion", description="insertion insertion")
    ActorFactory(
        workspace=workspace,
        name="Autre",
        description="une longue description qui parle une fois d'insertion parmi beaucoup "
        "d'autres mots sans rapport avec le sujet principal de la structure",
    )
    assert _names(workspace, q="insertion")[0] == "Insertion"


def test_text_combined_with_filters(workspace):
    theme = ThemeFactory(workspace=workspace)
    kept = ActorFactory(
        workspace=workspace, name="Alpha emploi", profile="foundation", level="regional"
    )
    kept.themes.add(theme)
    ActorFactory(workspace=workspace, name="Beta emploi", profile="foundation", level="local")
    ActorFactory(workspace=workspace, name="Gamma emploi", profile="company_pme", level="regional")
    assert _names(workspace, q="emploi", profiles=["foundation"], levels=["regional"]) == [
        "Alpha emploi"
    ]
    assert _names(workspace, q="emploi", themes=[theme.pk]) == ["Alpha emploi"]
    assert _names(workspace, profiles=["foundation"]) == ["Alpha emploi", "Beta emploi"]


def test_filters(workspace):
    old = timezone.localdate() - timedelta(days=400)
    a = ActorFactory(
        workspace=workspace,
        name="A",
        mission_connect=True,
        sdg_goals=1 << 5,
        is_network_head=True,
        department_id="42",
        region_id="84",
        last_verified_on=old,
    )
    ActorFactory(
        workspace=workspace,
        name="B",
        mission_support=True,
        last_verified_on=timezone.localdate(),
        department_id="69",
        region_id="84",
    )
    assert _names(workspace, missions=["connect"]) == [a.name]
    assert _names(workspace, missions=["connect", "support"]) == ["A", "B"]
    assert _names(workspace, sdg=5) == ["A"]
    assert _names(workspace, sdg=4) == []
    assert _names(workspace, network_head=True) == ["A"]
    assert _names(workspace, network_head=False) == ["B"]
    assert _names(workspace, territory="department:42") == ["A"]
    assert _names(workspace, territory="region:84") == ["A", "B"]
    assert _names(workspace, unverified_days=30) == ["A"]


def test_candidates_are_bounded_and_the_page_says_so(workspace, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 5)
    for i in range(8):
        ActorFactory(workspace=workspace, name=f"Emploi {i}")
    with scope(workspace=workspace):
        page = search_actors(workspace, ActorFilters(q="emploi"), per_page=3)
    assert page.capped
    assert page.total == 5
    assert len(page.actors) == 3


def test_pagination_of_a_ranked_search(workspace):
    for i in range(7):
        ActorFactory(workspace=workspace, name=f"Culture {i}")
    with scope(workspace=workspace):
        first = search_actors(workspace, ActorFilters(q="culture"), page=1, per_page=5)
        second = search_actors(workspace, ActorFilters(q="culture"), page=2, per_page=5)
    assert (first.total, first.num_pages, len(first.actors), len(second.actors)) == (7, 2, 5, 2)
    assert not {a.pk for a in first.actors} & {a.pk for a in second.actors}


def test_updates_and_deletes_keep_the_index_right(workspace):
    actor = ActorFactory(workspace=workspace, name="Ancien nom")
    with scope(workspace=workspace):
        from maillage.ecosystem.services import actor_update

        actor_update(actor, user=None, expected_version=actor.version, name="Nouveau nom")
    assert _names(workspace, q="ancien") == []
    assert _names(workspace, q="nouveau") == ["Nouveau nom"]
    with scope(workspace=workspace):
        actor.delete()
    assert _names(workspace, q="nouveau") == []


def test_query_of_punctuation_only_lists_everything_by_name(workspace):
    ActorFactory(workspace=workspace, name="B")
    ActorFactory(workspace=workspace, name="A")
    assert _names(workspace, q="'\"*()") == ["A", "B"]


def test_list_sorts_names_as_people_read_them(workspace):
    for name in ("Zèbre", "Étincelle", "Association Ardoise", "abeille"):
        ActorFactory(workspace=workspace, name=name)
    assert _names(workspace) == ["abeille", "Association Ardoise", "Étincelle", "Zèbre"]


def test_filters_reach_beyond_the_first_text_matches(workspace, monkeypatch):
    # A frequent word: the first matches are all in department 69; the filtered ones come later.
    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 5)
    for i in range(12):
        ActorFactory(workspace=workspace, name=f"Solidaire {i}", department_id="69")
    for i in range(3):
        ActorFactory(workspace=workspace, name=f"Solidaire Loire {i}", department_id="42")
    with scope(workspace=workspace):
        page = search_actors(workspace, ActorFilters(q="solidaire", territory="department:42"))
    assert sorted(a.name for a in page.actors) == [f"Solidaire Loire {i}" for i in range(3)]
    assert not page.capped


def test_count_without_text_is_capped(workspace, monkeypatch):
    monkeypatch.setattr(search, "COUNT_LIMIT", 4)
    ActorFactory.create_batch(6, workspace=workspace)
    with scope(workspace=workspace):
        page = search_actors(workspace, ActorFilters(), per_page=2)
    assert (page.total, page.capped, page.num_pages) == (4, True, 2)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 trigger")
def test_bulk_indexing_restores_exactly_the_migrations_trigger(workspace):
    from django.db import transaction

    def trigger_sql():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                [search.FTS_INSERT_TRIGGER],
            )
            return cursor.fetchone()[0]

    assert trigger_sql() == search.FTS_INSERT_TRIGGER_SQL  # the migration's, unchanged
    with transaction.atomic():
        ids = search.insert_actors_indexed_in_bulk(
            lambda: [ActorFactory(workspace=workspace, name=f"Étienne {i}").pk for i in range(3)]
        )
    assert trigger_sql() == search.FTS_INSERT_TRIGGER_SQL
    # Each new actor indexed once: found, and not twice.
    assert len(ids) == 3
    assert sorted(_names(workspace, q="etienne")) == ["Étienne 0", "Étienne 1", "Étienne 2"]
