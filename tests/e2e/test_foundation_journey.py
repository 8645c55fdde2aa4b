"""The first journey of a new user, in a real browser."""

import re

from django.core import mail
from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory


def sign_in(page, email, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("e-mail", re.I)).fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()


def test_sign_in_switch_language_create_workspace_invite_and_accept(
    new_page, transactional_db, settings
):
    settings.LANGUAGE_CODE = "fr"  # the product's default; the suite reads English elsewhere
    founder = UserFactory(email="fondatrice@example.org", full_name="Aline Fondatrice")

    page = new_page()
    sign_in(page, founder.email)
    # French by default.
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mes espaces")

    # Switch to English.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("My workspaces")

    # Create a workspace.
    page.get_by_role("link", name="Create a workspace").click()
    page.get_by_label("Name").fill("Collectif Essor Loire")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Collectif Essor Loire")

    # Invite a member.
    page.get_by_role("link", name="Invite someone").first.click()
    page.get_by_label("E-mail address").fill("nouveau.membre@example.org")
    page.get_by_role("combobox", name=re.compile("^Role")).select_option("member")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".alert-success")).to_contain_text("nouveau.membre@example.org")
    expect(page.get_by_role("cell", name="nouveau.membre@example.org", exact=True)).to_be_visible()

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/invitations/\S+/", mail.outbox[0].body).group(0)

    # Accept in a second browser context (another person, another browser).
    invitee = new_page(width=390, height=844)
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_contain_text("Collectif Essor Loire")
    invitee.get_by_label(re.compile("Nom complet|Full name")).fill("Noé Nouveau")
    invitee.locator("input[name=password1]").fill("un mot de passe solide 42")
    invitee.locator("input[name=password2]").fill("un mot de passe solide 42")
    invitee.locator("main form button[type=submit]").click()
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Collectif Essor Loire")

    # The founder sees the new member.
    page.goto(page.url.split("/members")[0] + "/members/")
    expect(page.get_by_role("cell", name="nouveau.membre@example.org", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Noé Nouveau")).to_be_visible()
