"""Importing actors from a CSV file, in a real browser: upload, preview, commit, see them."""

import re

from playwright.sync_api import expect

from maillage.workspaces.models import Role
from tests.e2e.test_foundation_journey import sign_in
from tests.factories import MembershipFactory, ThemeFactory, UserFactory, WorkspaceFactory

CSV = (
    "Nom;Profil;SIRET;Département;Missions;Thèmes\n"
    "Maison de l'Emploi du Forez;association;552 100 554 00013;42;accompagner;Emploi\n"
    "Fondation Loire Solidaire;fondation;;42;sensibiliser | observer;\n"
    "Collectif Pilat;association bénévole;;42;mettre en relation;\n"
)


def test_import_actors_from_a_csv_file(new_page, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(email="tete.de.reseau@example.org")
    workspace = WorkspaceFactory(name="Réseau Loire")
    MembershipFactory(workspace=workspace, user=user, role=Role.MEMBER)
    ThemeFactory(workspace=workspace, name="Emploi")
    path = tmp_path / "acteurs.csv"
    path.write_text(CSV, encoding="utf-8")

    page = new_page()
    sign_in(page, user.email)
    page.goto(f"/w/{workspace.slug}/ecosystem/")
    page.get_by_role("link", name=re.compile("Import")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Actors")
    # The documented layout is on the page, with the identifying columns marked.
    expect(page.locator("#import-layout")).to_contain_text("SIRET")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name=re.compile("Upload and check")).click()

    # The preview: three actors to create, nothing stored yet.
    expect(page.get_by_role("heading", name=re.compile("Preview"))).to_be_visible()
    expect(page.locator("#import-decision")).to_contain_text("3 rows will be saved")
    page.get_by_role("button", name="Commit the import").click()
    expect(page.get_by_role("status")).to_contain_text("Import finished: 3 created, 0 updated.")

    page.get_by_role("link", name="See the result").click()
    for name in ("Maison de l'Emploi du Forez", "Fondation Loire Solidaire", "Collectif Pilat"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
