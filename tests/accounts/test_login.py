"""E-mail + password sign-in, sign-out, and their audit trail. No open sign-up."""

import pytest
from django.urls import NoReverseMatch, reverse

from maillage.core.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

from .helpers import LOGIN_URL, is_signed_in, sign_in


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@example.org")


def test_sign_in_with_e_mail_and_password(client, alice):
    response = sign_in(client, "alice@example.org", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(alice.pk)


@pytest.mark.parametrize("typed", ["ALICE@example.org", "Alice@Example.ORG", " alice@example.org "])
def test_e_mail_is_case_insensitive(client, alice, typed):
    response = sign_in(client, typed, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_password_is_case_sensitive(client, alice):
    response = sign_in(client, "alice@example.org", PASSWORD.upper())
    assert response.status_code == 200
    assert not is_signed_in(client)
    assert "E-mail address or password incorrect" in response.content.decode()


def test_next_is_followed_but_not_to_another_site(client, alice):
    response = sign_in(client, "alice@example.org", PASSWORD, next="/workspaces/")
    assert response.url == "/workspaces/"
    client.logout()
    response = sign_in(client, "alice@example.org", PASSWORD, next="https://evil.example/")
    assert response.url == reverse("home")


def test_login_is_audited(client, alice):
    sign_in(client, "Alice@example.org", PASSWORD, ip="10.1.2.3")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert event.user == alice
    assert event.user_label == "alice@example.org"
    assert event.ip_address == "10.1.2.3"


def test_failed_login_is_audited_with_the_attempted_address(client, alice):
    sign_in(client, "Alice@Example.org", "wrong password", ip="10.9.9.9")
    sign_in(client, "nobody@example.org", "wrong password", ip="10.9.9.9")
    events = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).order_by("id")
    assert [e.user_label for e in events] == ["alice@example.org", "nobody@example.org"]
    assert all(e.user is None and e.ip_address == "10.9.9.9" for e in events)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()


def test_a_disabled_account_cannot_sign_in(client, alice):
    alice.is_active = False
    alice.save()
    response = sign_in(client, "alice@example.org", PASSWORD)
    assert response.status_code == 200
    assert not is_signed_in(client)


def test_logout_needs_a_post_and_is_audited(client, alice):
    sign_in(client, "alice@example.org", PASSWORD)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert is_signed_in(client)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == LOGIN_URL
    assert not is_signed_in(client)
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT)
    assert event.user == alice


def test_a_signed_in_user_opening_the_login_page_is_sent_home(client, alice):
    sign_in(client, "alice@example.org", PASSWORD)
    response = client.get(LOGIN_URL)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_pages_need_a_signed_in_user(client, db):
    for url in [reverse("workspaces:list"), reverse("accounts:profile")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(LOGIN_URL)


def test_there_is_no_open_sign_up(client, db):
    for name in ["signup", "sign_up", "register"]:
        with pytest.raises(NoReverseMatch):
            reverse(f"accounts:{name}")
    assert client.get("/accounts/signup/").status_code == 404
    assert client.get("/accounts/register/").status_code == 404
    page = client.get(LOGIN_URL).content.decode()
    assert "Accounts are created from an invitation" in page


def test_the_login_form_is_accessible(client, db):
    page = client.get(LOGIN_URL).content.decode()
    assert '<label class="form-label" for="id_username">' in page
    assert '<label class="form-label" for="id_password">' in page
    assert 'id="id_username"' in page and 'autocomplete="username"' in page
    assert 'autocomplete="current-password"' in page
    page = sign_in(client, "x@example.org", "nope").content.decode()
    assert 'role="alert"' in page
    assert "E-mail address or password incorrect" in page
