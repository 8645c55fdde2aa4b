"""A disabled account loses its sessions at once (service and Django admin)."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from maillage.accounts.models import User
from maillage.accounts.services import user_deactivate, user_sessions
from maillage.core.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

from .helpers import LOGIN_URL, is_signed_in, sign_in

PAGE = "/workspaces/"


def session_owners():
    return {s.get_decoded().get("_auth_user_id") for s in Session.objects.all()}


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@example.org")


@pytest.fixture
def alice_clients(alice):
    """Alice signed in on two browsers."""
    clients = [Client(), Client()]
    for client in clients:
        assert sign_in(client, alice.email, PASSWORD).status_code == 302
        assert client.get(PAGE).status_code == 200
    return clients


@pytest.fixture
def admin_client(db):
    admin = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    client = Client()
    assert sign_in(client, admin.email, PASSWORD).status_code == 302
    return client


def test_deactivation_closes_every_session_at_once(alice, alice_clients):
    bob = UserFactory()
    bob_client = Client()
    sign_in(bob_client, bob.email, PASSWORD)
    assert len(user_sessions(alice)) == 2

    user_deactivate(user=alice, by=bob)

    assert user_sessions(alice) == []
    assert str(alice.pk) not in session_owners()
    for client in alice_clients:
        response = client.get(PAGE)
        assert response.status_code == 302
        assert response.url.startswith(LOGIN_URL)
        assert not is_signed_in(client)
    # Other people's sessions are untouched.
    assert bob_client.get(PAGE).status_code == 200

    event = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).latest("id")
    assert event.user == bob
    assert event.object_id == str(alice.pk)
    assert event.changes["is_active"] == [True, False]


def test_a_disabled_account_cannot_sign_in_again(client, alice, alice_clients):
    user_deactivate(user=alice)
    assert not User.objects.get(pk=alice.pk).is_active
    response = sign_in(client, alice.email, PASSWORD)
    assert response.status_code == 200
    assert not is_signed_in(client)


def test_the_admin_action_disables_the_selected_accounts(admin_client, alice, alice_clients):
    carol = UserFactory(email="carol@example.org")
    dave = UserFactory(email="dave@example.org")
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate_users", "_selected_action": [alice.pk, carol.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "2 accounts disabled" in response.content.decode()
    assert set(User.objects.filter(is_active=False).values_list("email", flat=True)) == {
        "alice@example.org",
        "carol@example.org",
    }
    assert User.objects.get(pk=dave.pk).is_active
    assert user_sessions(alice) == []
    for client in alice_clients:
        assert client.get(PAGE).status_code == 302


def test_the_admin_action_spares_ones_own_account(admin_client):
    admin = User.objects.get(email="admin@example.org")
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate_users", "_selected_action": [admin.pk]},
        follow=True,
    )
    assert "You cannot disable your own account." in response.content.decode()
    assert User.objects.get(pk=admin.pk).is_active
    assert admin_client.get(PAGE).status_code == 200


def test_unticking_active_in_the_admin_also_closes_the_sessions(admin_client, alice, alice_clients):
    url = reverse("admin:accounts_user_change", args=[alice.pk])
    assert admin_client.get(url).status_code == 200
    data = {  # the change form as submitted with "active" unticked
        "email": alice.email,
        "full_name": alice.full_name,
        "language": "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": alice.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": alice.date_joined.strftime("%H:%M:%S"),
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not User.objects.get(pk=alice.pk).is_active
    assert user_sessions(alice) == []
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, object_id=str(alice.pk), changes__is_active=[True, False]
    ).exists()


def test_the_admin_creates_accounts_with_a_lower_case_address(admin_client):
    assert admin_client.get(reverse("admin:accounts_user_add")).status_code == 200
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Person@Example.org",
            "full_name": "New Person",
            "usable_password": "true",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="new.person@example.org").exists()
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "NEW.person@example.org",
            "usable_password": "true",
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
        },
    )
    assert response.status_code == 200
    assert "An account already uses this e-mail address." in response.content.decode()
