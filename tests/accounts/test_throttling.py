"""django-axes: 10 failures lock an account (from any IP) or an IP (on any accounts).

AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]: each parameter is its own counter and
either one reaching AXES_FAILURE_LIMIT locks. Settings in config/settings/base.py, decision in
docs/decisions/login-throttling.md.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.utils import timezone

from maillage.core.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

from .helpers import is_signed_in, link_in, sign_in

LIMIT = 10
LOCKED_TEXT = "Too many failed sign-in attempts"
LOCKED_TEXT_FR = "Trop de tentatives de connexion échouées"


def test_settings_are_the_documented_ones():
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert settings.AXES_RESET_ON_SUCCESS is False  # done per account by accounts.signals


def assert_locked(response, language="en"):
    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE == 429
    assert (LOCKED_TEXT_FR if language == "fr" else LOCKED_TEXT) in response.content.decode()
    assert "accounts/locked_out.html" in [t.name for t in response.templates]


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@example.org")


def test_ten_failures_on_one_account_from_many_ips_lock_the_account(client, alice):
    for n in range(LIMIT - 1):
        response = sign_in(client, "alice@example.org", "wrong", ip=f"10.0.0.{n + 1}")
        assert response.status_code == 200  # the form, with its error
    response = sign_in(client, "alice@example.org", "wrong", ip="10.0.0.10")
    assert_locked(response)

    # The right password, from yet another address, is refused.
    response = sign_in(client, "alice@example.org", PASSWORD, ip="10.0.0.99")
    assert_locked(response)
    assert not is_signed_in(client)

    # Another account from the same addresses is not affected.
    bob = UserFactory(email="bob@example.org")
    response = sign_in(client, bob.email, PASSWORD, ip="10.0.0.5")
    assert response.status_code == 302
    assert is_signed_in(client)


def test_changing_the_case_of_the_address_does_not_escape_the_account_counter(client, alice):
    for n in range(LIMIT):
        typed = "alice@example.org" if n % 2 else "ALICE@Example.org"
        sign_in(client, typed, "wrong", ip=f"10.0.1.{n + 1}")
    assert_locked(sign_in(client, "Alice@example.org", PASSWORD, ip="10.0.1.99"))


def test_ten_failures_from_one_ip_across_accounts_lock_the_ip(client, alice):
    bob = UserFactory(email="bob@example.org")
    carol = UserFactory(email="carol@example.org")
    for n in range(LIMIT):
        email = [alice.email, bob.email, "nobody@example.org"][n % 3]
        sign_in(client, email, "wrong", ip="192.0.2.7")

    # No account reached 10 failures, but the address did: a third account is refused from it.
    response = sign_in(client, carol.email, PASSWORD, ip="192.0.2.7")
    assert_locked(response)
    assert not is_signed_in(client)

    # The same account from another address signs in.
    response = sign_in(client, carol.email, PASSWORD, ip="192.0.2.8")
    assert response.status_code == 302
    assert is_signed_in(client)


def test_nine_failures_do_not_lock(client, alice):
    for _n in range(LIMIT - 1):
        sign_in(client, alice.email, "wrong", ip="198.51.100.1")
    response = sign_in(client, alice.email, PASSWORD, ip="198.51.100.1")
    assert response.status_code == 302


def test_success_resets_the_account_counter(client, alice):
    for n in range(LIMIT - 1):
        sign_in(client, alice.email, "wrong", ip=f"10.0.2.{n + 1}")
    assert sign_in(client, alice.email, PASSWORD, ip="10.0.2.50").status_code == 302
    client.post("/accounts/logout/")
    assert not AccessAttempt.objects.filter(username=alice.email).exists()

    # Nine more failures: still 9 in the counter, not 18, so the right password works.
    for n in range(LIMIT - 1):
        sign_in(client, alice.email, "wrong", ip=f"10.0.3.{n + 1}")
    assert sign_in(client, alice.email, PASSWORD, ip="10.0.3.50").status_code == 302


def test_success_on_ones_own_account_does_not_reset_the_ip_counter(client, alice):
    """An attacker with one valid account must not be able to reset the IP counter with it."""
    mallory = UserFactory(email="mallory@example.org")
    for _n in range(LIMIT - 1):
        sign_in(client, alice.email, "wrong", ip="203.0.113.9")
    assert sign_in(client, mallory.email, PASSWORD, ip="203.0.113.9").status_code == 302
    client.post("/accounts/logout/")
    # One more failure from that address reaches the limit for the address.
    assert_locked(sign_in(client, "someone@example.org", "wrong", ip="203.0.113.9"))
    assert_locked(sign_in(client, mallory.email, PASSWORD, ip="203.0.113.9"))
    # Alice's own counter was not reset by Mallory's sign-in either (9 failures kept).
    assert AccessAttempt.objects.get(username=alice.email).failures_since_start == LIMIT - 1


def test_the_lock_ends_after_the_cool_off(client, alice):
    for n in range(LIMIT):
        sign_in(client, alice.email, "wrong", ip=f"10.0.4.{n + 1}")
    assert_locked(sign_in(client, alice.email, PASSWORD, ip="10.0.4.99"))
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - timedelta(minutes=1))
    assert sign_in(client, alice.email, PASSWORD, ip="10.0.4.99").status_code == 302


def test_every_failure_is_in_the_audit_trail(client, alice):
    for n in range(LIMIT + 2):
        sign_in(client, alice.email, "wrong", ip=f"10.0.5.{n + 1}")
    sign_in(client, alice.email, PASSWORD, ip="10.0.5.99")  # refused: locked
    failures = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED)
    assert failures.count() == LIMIT + 3
    assert set(failures.values_list("user_label", flat=True)) == {"alice@example.org"}
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()


def test_a_password_reset_lifts_the_account_lock(client, alice):
    for n in range(LIMIT):
        sign_in(client, alice.email, "wrong", ip=f"10.0.6.{n + 1}")
    assert_locked(sign_in(client, alice.email, PASSWORD, ip="10.0.6.99"))

    client.post("/accounts/password-reset/", {"email": alice.email})
    page = client.get(link_in(mail.outbox[0].body), follow=True)
    new_password = "a brand new passphrase 2"
    client.post(
        page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert sign_in(client, alice.email, new_password, ip="10.0.6.99").status_code == 302


def test_the_lockout_page_renders_in_both_languages(client, alice):
    for n in range(LIMIT):
        sign_in(client, alice.email, "wrong", ip=f"10.0.7.{n + 1}")
    for language in ["fr", "en"]:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = sign_in(client, alice.email, PASSWORD, ip="10.0.7.99")
        assert_locked(response, language)
        page = response.content.decode()
        assert f'<html lang="{language}">' in page
        assert "INVALID_TEMPLATE_VARIABLE" not in page
