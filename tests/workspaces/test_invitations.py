"""Invitations: the only way to get an account or to join a workspace."""

import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from maillage.accounts.models import User
from maillage.core.models import AuditEvent
from maillage.workspaces import services
from maillage.workspaces.models import Invitation, Membership, Role
from tests.accounts.helpers import is_signed_in, link_in, sign_in
from tests.conftest import client_for
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "kettle of silver herons"
INVALID_TEXT = "This invitation does not exist, has expired, was revoked or was already used."


@pytest.fixture
def manager_client(manager):
    return client_for(manager)


def invite(client, workspace, email, role="member", capture=None):
    url = reverse("workspaces:invite", args=[workspace.slug])
    with capture(execute=True):
        return client.post(url, {"email": email, "role": role})


def invitations(workspace, **filters):
    with scopes_disabled():
        return list(Invitation.objects.filter(workspace=workspace, **filters))


def membership_of(user, workspace):
    with scopes_disabled():
        return Membership.objects.filter(user=user, workspace=workspace).first()


def token_from_outbox(index=-1) -> str:
    return link_in(mail.outbox[index].body).rstrip("/").rsplit("/", 1)[-1]


def accept_url(token):
    return reverse("accounts:accept_invitation", args=[token])


def create_invitation(workspace, inviter, email, role=Role.MEMBER, **changes):
    with scopes_disabled():
        invitation, token = services.invitation_create(
            workspace=workspace, user=inviter, email=email, role=role, send=False
        )
        for field, value in changes.items():
            setattr(invitation, field, value)
        invitation.save()
    return invitation, token


# --- inviting -------------------------------------------------------------------------------


def test_invite_sends_an_e_mail_with_the_link(
    manager_client, manager, workspace, django_capture_on_commit_callbacks
):
    response = invite(
        manager_client,
        workspace,
        "New.Person@Example.org",
        "member",
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    (invitation,) = invitations(workspace)
    assert invitation.email == "new.person@example.org"
    assert invitation.role == Role.MEMBER
    assert invitation.created_by == manager.user

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert workspace.name in message.subject
    link = link_in(message.body)
    assert link.startswith("http://testserver/accounts/invitations/")

    # The token is only stored hashed, and appears nowhere in the database.
    token = token_from_outbox()
    assert len(token) >= 40
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    with scopes_disabled():
        assert not Invitation.objects.filter(token_hash=token).exists()
    for event in AuditEvent.objects.all():
        assert token not in str(event.changes) and token not in event.object_repr


def test_a_manager_cannot_invite_an_owner(
    manager_client, workspace, django_capture_on_commit_callbacks
):
    page = manager_client.get(reverse("workspaces:invite", args=[workspace.slug]))
    assert 'value="owner"' not in page.content.decode()
    response = invite(
        manager_client,
        workspace,
        "boss@example.org",
        "owner",
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    assert response.context["form"].errors["role"]
    assert invitations(workspace) == []
    assert mail.outbox == []


def test_an_owner_can_invite_an_owner(owner_client, workspace, django_capture_on_commit_callbacks):
    response = invite(
        owner_client,
        workspace,
        "boss@example.org",
        "owner",
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    assert invitations(workspace)[0].role == Role.OWNER


def test_a_guest_cannot_invite(guest_client, workspace, django_capture_on_commit_callbacks):
    url = reverse("workspaces:invite", args=[workspace.slug])
    assert guest_client.get(url).status_code == 403
    response = invite(
        guest_client,
        workspace,
        "x@example.org",
        "guest",
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 403
    assert invitations(workspace) == []
    assert mail.outbox == []


def test_inviting_a_member_again_is_refused(
    manager_client, member, workspace, django_capture_on_commit_callbacks
):
    response = invite(
        manager_client,
        workspace,
        member.user.email.upper(),
        "member",
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    assert "already a member" in response.content.decode()
    assert invitations(workspace) == []


def test_re_inviting_replaces_the_pending_invitation(
    manager_client, workspace, django_capture_on_commit_callbacks
):
    invite(
        manager_client,
        workspace,
        "x@example.org",
        "guest",
        capture=django_capture_on_commit_callbacks,
    )
    first_token = token_from_outbox()
    invite(
        manager_client,
        workspace,
        "X@example.org",
        "member",
        capture=django_capture_on_commit_callbacks,
    )
    second_token = token_from_outbox()
    assert first_token != second_token

    pending = invitations(workspace, revoked_at__isnull=True, accepted_at__isnull=True)
    assert len(pending) == 1
    assert pending[0].role == Role.MEMBER
    assert len(invitations(workspace)) == 2

    assert Client().get(accept_url(first_token)).status_code == 404
    assert Client().get(accept_url(second_token)).status_code == 200


# --- accepting ------------------------------------------------------------------------------


def test_a_new_person_creates_an_account_and_joins_with_the_invited_role(
    manager_client, workspace, django_capture_on_commit_callbacks
):
    invite(
        manager_client,
        workspace,
        "new@example.org",
        "guest",
        capture=django_capture_on_commit_callbacks,
    )
    client = Client()
    page = client.get(link_in(mail.outbox[0].body))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Create my account and join" in html
    assert 'value="new@example.org"' in html  # the address is given, not chosen

    # A weak password is refused and nothing is created.
    url = accept_url(token_from_outbox())
    response = client.post(url, {"full_name": "New", "password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert not User.objects.filter(email="new@example.org").exists()

    response = client.post(
        url,
        {
            "full_name": "Nina New",
            "email": "attacker@example.org",  # ignored: the field is disabled
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("workspaces:dashboard", args=[workspace.slug])
    user = User.objects.get(email="new@example.org")
    assert user.full_name == "Nina New"
    assert not User.objects.filter(email="attacker@example.org").exists()
    assert membership_of(user, workspace).role == Role.GUEST
    (invitation,) = invitations(workspace)
    assert invitation.accepted_by == user and invitation.accepted_at is not None
    assert is_signed_in(client)
    assert client.get(response.url).status_code == 200

    # The link is spent.
    other = Client()
    response = other.get(url)
    assert response.status_code == 404
    assert INVALID_TEXT in response.content.decode()
    # And the new account signs in with its password.
    assert sign_in(other, "new@example.org", NEW_PASSWORD).status_code == 302


def test_an_existing_account_must_sign_in_with_that_address_then_accept(workspace, owner):
    alice = UserFactory(email="alice@example.org")
    _invitation, token = create_invitation(workspace, owner.user, "Alice@Example.org", "manager")
    client = Client()

    page = client.get(accept_url(token))
    html = page.content.decode()
    assert "sign in with it to accept" in html
    assert "Create my account" not in html
    # Posting without signing in creates nothing.
    client.post(accept_url(token), {"full_name": "x", "password1": "a", "password2": "a"})
    assert membership_of(alice, workspace) is None
    assert User.objects.filter(email__iexact="alice@example.org").count() == 1

    # The sign-in link comes back to the invitation, with the address filled in.
    login_link = page.context["login_url"]
    login_page = client.get(login_link).content.decode()
    assert 'value="alice@example.org"' in login_page
    response = sign_in(client, "alice@example.org", PASSWORD, next=accept_url(token))
    assert response.url == accept_url(token)
    page = client.get(response.url)
    assert "Accept the invitation" in page.content.decode()

    response = client.post(accept_url(token))
    assert response.status_code == 302
    assert response.url == reverse("workspaces:dashboard", args=[workspace.slug])
    assert membership_of(alice, workspace).role == Role.MANAGER
    assert client.get(accept_url(token)).status_code == 404


def test_the_wrong_account_is_clearly_refused(workspace, owner):
    UserFactory(email="alice@example.org")
    mallory = UserFactory(email="mallory@example.org")
    _invitation, token = create_invitation(workspace, owner.user, "alice@example.org")
    client = Client()
    sign_in(client, mallory.email, PASSWORD)

    page = client.get(accept_url(token))
    assert page.status_code == 403
    html = page.content.decode()
    assert "You are signed in as mallory@example.org" in html
    assert "this invitation was sent to alice@example.org" in html
    assert "Accept the invitation" not in html

    assert client.post(accept_url(token)).status_code == 403
    assert membership_of(mallory, workspace) is None
    assert invitations(workspace)[0].accepted_at is None

    # Signing out from there comes back to the invitation.
    response = client.post(reverse("accounts:logout"), {"next": accept_url(token)})
    assert response.url == accept_url(token)
    assert not is_signed_in(client)


def test_a_signed_in_person_invited_at_a_new_address_is_refused_too(workspace, owner):
    bob = UserFactory(email="bob@example.org")
    _invitation, token = create_invitation(workspace, owner.user, "bob.pro@example.org")
    client = Client()
    sign_in(client, bob.email, PASSWORD)
    assert (
        client.post(
            accept_url(token),
            {"full_name": "Bob", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        ).status_code
        == 403
    )
    assert not User.objects.filter(email="bob.pro@example.org").exists()


def test_a_revoked_invitation_is_a_404_with_a_message(manager_client, workspace, owner):
    invitation, token = create_invitation(workspace, owner.user, "x@example.org")
    response = manager_client.post(
        reverse("workspaces:invitation_revoke", args=[workspace.slug, invitation.pk])
    )
    assert response.status_code == 302
    response = Client().get(accept_url(token))
    assert response.status_code == 404
    assert INVALID_TEXT in response.content.decode()
    response = Client().post(
        accept_url(token),
        {"full_name": "X", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 404
    assert not User.objects.filter(email="x@example.org").exists()


def test_an_expired_invitation_is_a_404_with_a_message(workspace, owner):
    _invitation, token = create_invitation(
        workspace, owner.user, "x@example.org", expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = Client().get(accept_url(token))
    assert response.status_code == 404
    assert INVALID_TEXT in response.content.decode()


def test_an_unknown_token_is_a_404_with_a_message(db):
    response = Client().get(accept_url("not-a-token"))
    assert response.status_code == 404
    assert INVALID_TEXT in response.content.decode()


def test_joining_a_workspace_that_requires_two_factor_leads_to_its_set_up(workspace, owner):
    workspace.require_two_factor = True
    workspace.save()
    _invitation, token = create_invitation(workspace, owner.user, "new@example.org")
    client = Client()
    response = client.post(
        accept_url(token),
        {"full_name": "N", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:two_factor"))
    assert membership_of(User.objects.get(email="new@example.org"), workspace) is not None


def test_the_invited_name_pre_fills_the_sign_up_form(client, owner, workspace):
    from django_scopes import scope

    from maillage.workspaces.services import invitation_create

    with scope(workspace=workspace):
        _, token = invitation_create(
            workspace=workspace,
            user=owner.user,
            email="camille@example.org",
            role="member",
            full_name=" Camille Martin ",
            send=False,
        )
    page = client.get(f"/accounts/invitations/{token}/").content.decode()
    assert 'value="Camille Martin"' in page
