"""Password reset by e-mail, end to end: request → e-mail → link → new password → sign in."""

import pytest
from django.core import mail
from django.urls import reverse

from maillage.core.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

from .helpers import is_signed_in, link_in, sign_in

RESET_URL = reverse("accounts:password_reset")
NEW_PASSWORD = "violet tractor under the moon"


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@example.org")


def test_reset_end_to_end(client, alice):
    page = client.get(RESET_URL)
    assert page.status_code == 200
    assert 'autocomplete="email"' in page.content.decode()

    response = client.post(RESET_URL, {"email": "Alice@Example.org"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert message.subject == "Maillage: choose a new password"
    link = link_in(message.body)
    assert link.startswith("http://testserver/accounts/password-reset/")

    # Following the link shows the form (Django moves the token into the session first).
    page = client.get(link, follow=True)
    assert page.status_code == 200
    assert page.context["validlink"] is True
    form_url = page.redirect_chain[-1][0]
    html = page.content.decode()
    assert 'autocomplete="new-password"' in html
    assert 'autocomplete="username" value="alice@example.org"' in html

    # Two different passwords are refused.
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": "other"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")
    assert client.get(response.url).status_code == 200

    # The new password signs in, the old one no longer does.
    assert sign_in(client, alice.email, PASSWORD).status_code == 200
    assert not is_signed_in(client)
    assert sign_in(client, alice.email, NEW_PASSWORD).status_code == 302
    assert is_signed_in(client)

    # The change is in the audit trail, without the password.
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(alice.pk))
    assert event.changes == {"password": ["•••", "•••"]}
    assert NEW_PASSWORD not in str(event.changes)


def test_the_link_works_only_once(client, alice):
    client.post(RESET_URL, {"email": alice.email})
    link = link_in(mail.outbox[0].body)
    page = client.get(link, follow=True)
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    page = client.get(link, follow=True)
    assert page.context["validlink"] is False
    assert "This link is not valid any more" in page.content.decode()


def test_a_tampered_link_is_refused(client, alice):
    client.post(RESET_URL, {"email": alice.email})
    link = link_in(mail.outbox[0].body).rstrip("/")
    page = client.get(link[:-3] + "abc/", follow=True)
    assert page.context["validlink"] is False


@pytest.mark.parametrize("email", ["nobody@example.org", "disabled@example.org"])
def test_no_mail_for_unknown_or_disabled_accounts_and_no_hint_either(client, alice, email):
    UserFactory(email="disabled@example.org", is_active=False)
    response = client.post(RESET_URL, {"email": email})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_pages_render_in_both_languages(client, alice, settings):
    for language in ["fr", "en"]:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for url in [
            RESET_URL,
            reverse("accounts:password_reset_done"),
            reverse("accounts:password_reset_complete"),
            reverse("accounts:password_reset_confirm", args=["MQ", "bad-token"]),
        ]:
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert f'<html lang="{language}">' in html
            assert "INVALID_TEMPLATE_VARIABLE" not in html
