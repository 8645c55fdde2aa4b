"""Searching the registry in a real browser, opening an actor and linking it to another."""

import re

from playwright.sync_api import expect

from maillage.workspaces.models import Role
from tests.e2e.test_foundation_journey import sign_in
from tests.factories import (
    ActorFactory,
    MembershipFactory,
    RelationTypeFactory,
    UserFactory,
    WorkspaceFactory,
)


def test_search_open_an_actor_and_add_a_relation(new_page, transactional_db, settings):
    settings.LANGUAGE_CODE = "fr"
    user = UserFactory(email="animatrice@example.org")
    workspace = WorkspaceFactory(name="Réseau Loire")
    MembershipFactory(workspace=workspace, user=user, role=Role.MEMBER)
    ActorFactory(
        workspace=workspace,
        name="Maison de l'Emploi de Saint-Étienne",
        profile="association_employer",
        level="local",
        department_id="42",
        region_id="84",
    )
    ActorFactory(workspace=workspace, name="Emploi Lyon", profile="foundation", level="regional")
    ActorFactory(workspace=workspace, name="Fondation du Pilat", profile="foundation")
    RelationTypeFactory(
        workspace=workspace, code="funds", name="finance", inverse_name="est financé par"
    )

    page = new_page()
    sign_in(page, user.email)
    page.goto(f"/w/{workspace.slug}/ecosystem/")
    # Accents and case don't matter; the filters narrow the text search.
    page.get_by_role("searchbox").fill("etienne")
    page.get_by_role("button", name="Rechercher").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Maison de l'Emploi de Saint-Étienne")

    page.get_by_role("searchbox").fill("emploi")
    page.locator("#profile").select_option("foundation")
    page.get_by_role("button", name="Rechercher").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Emploi Lyon")

    # Open an actor and record that the foundation funds it, picking it from the suggestions.
    page.get_by_role("link", name="Effacer").click()
    page.get_by_role("link", name="Maison de l'Emploi de Saint-Étienne").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Saint-Étienne")
    page.get_by_role("link", name="Ajouter une relation").click()
    page.locator("#id_source").fill("")
    page.locator("#id_source").press_sequentially("pilat", delay=50)
    suggestion = page.locator("#source-suggestions option")
    expect(suggestion).to_have_count(1)
    page.locator("#id_source").fill(suggestion.get_attribute("value"))
    page.locator("#id_relation_type").select_option(label="finance")
    page.locator("#id_target").fill("Maison de l'Emploi de Saint-Étienne")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Fondation du Pilat")
    expect(page.locator("section", has=page.locator("#relations-title"))).to_contain_text(
        re.compile("finance\\s+Maison de l'Emploi de Saint-Étienne")
    )
