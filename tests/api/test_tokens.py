"""Token lifecycle: the secret is shown once and stored as a hash; every way a token dies."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from maillage.api.models import ApiToken
from maillage.api.services import api_token_create, api_token_revoke
from maillage.core.models import AuditEvent
from maillage.workspaces import services as workspace_services
from maillage.workspaces.models import Role
from tests.api.helpers import api_get, make_token, members_url
from tests.factories import MembershipFactory


def _token(pk):
    with scopes_disabled():
        return ApiToken.objects.get(pk=pk)


def test_create_returns_the_secret_and_stores_only_its_hash(member):
    token, secret = make_token(member, name="Export mensuel")
    stored = _token(token.pk)
    assert len(secret) >= 40
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert stored.prefix == secret[:8]
    assert (stored.user, stored.workspace, stored.name) == (
        member.user,
        member.workspace,
        "Export mensuel",
    )
    # The secret itself is nowhere: not on the row, not in the audit trail.
    row = {f.attname: getattr(stored, f.attname) for f in ApiToken._meta.concrete_fields}
    assert secret not in repr(row)
    event = AuditEvent.objects.get(object_type="api.ApiToken", action="create")
    assert event.workspace == member.workspace
    assert event.user == member.user
    assert secret not in repr(event.changes)
    assert event.changes["token_hash"] == [None, "•••"]


def test_two_tokens_have_distinct_secrets(member):
    _, first = make_token(member)
    _, second = make_token(member)
    assert first != second


def test_a_fresh_token_works(member):
    _, secret = make_token(member)
    response = api_get(members_url(member.workspace), secret)
    assert response.status_code == 200, response.content


def test_expiry_in_the_past_is_refused(member):
    with pytest.raises(ValidationError) as error, scope(workspace=member.workspace):
        api_token_create(
            workspace=member.workspace,
            user=member.user,
            name="x",
            expires_at=timezone.now() - timedelta(minutes=1),
        )
    assert "expires_at" in error.value.error_dict


def test_blank_name_is_refused(member):
    with pytest.raises(ValidationError) as error, scope(workspace=member.workspace):
        api_token_create(workspace=member.workspace, user=member.user, name="  ")
    assert "name" in error.value.error_dict


def test_a_non_member_cannot_get_a_token(workspace, other_workspace, user):
    with pytest.raises(PermissionDenied), scope(workspace=workspace):
        api_token_create(workspace=workspace, user=user, name="x")
    with scopes_disabled():
        assert not ApiToken.objects.exists()


def test_revoked_token_is_refused(member):
    token, secret = make_token(member)
    with scope(workspace=member.workspace):
        api_token_revoke(token=token, user=member.user)
    response = api_get(members_url(member.workspace), secret)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or revoked token", "code": "invalid_token"}
    event = AuditEvent.objects.get(object_type="api.ApiToken", action="update")
    assert list(event.changes) == ["revoked_at"]


def test_revoking_twice_changes_nothing(member):
    token, _ = make_token(member)
    with scope(workspace=member.workspace):
        api_token_revoke(token=token, user=member.user)
        first = _token(token.pk).revoked_at
        api_token_revoke(token=_token(token.pk), user=member.user)
    assert _token(token.pk).revoked_at == first
    assert AuditEvent.objects.filter(object_type="api.ApiToken", action="update").count() == 1


def test_another_member_cannot_revoke_but_a_manager_can(member, manager, workspace):
    token, _ = make_token(member)
    colleague = MembershipFactory(workspace=workspace, role=Role.MEMBER)
    with scope(workspace=workspace):
        with pytest.raises(PermissionDenied):
            api_token_revoke(token=token, user=colleague.user)
        assert not _token(token.pk).is_revoked
        api_token_revoke(token=token, user=manager.user)
    assert _token(token.pk).is_revoked


def test_expired_token_is_refused(member):
    token, secret = make_token(member, expires_at=timezone.now() + timedelta(hours=1))
    assert api_get(members_url(member.workspace), secret).status_code == 200
    with scopes_disabled():
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    response = api_get(members_url(member.workspace), secret)
    assert response.status_code == 401
    assert response.json() == {"detail": "Expired token", "code": "expired_token"}


def test_token_dies_when_its_user_leaves_the_workspace(member, owner):
    _, secret = make_token(member)
    with scope(workspace=member.workspace):
        workspace_services.membership_remove(membership=member, user=owner.user)
    response = api_get(members_url(member.workspace), secret)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_rejoining_does_not_revive_an_old_token(member, owner):
    _, secret = make_token(member)
    with scope(workspace=member.workspace):
        workspace_services.membership_remove(membership=member, user=owner.user)
    with scopes_disabled():
        # Back in the workspace later (a new membership, created after the token).
        MembershipFactory(workspace=member.workspace, user=member.user, role=Role.MEMBER)
    assert api_get(members_url(member.workspace), secret).status_code == 401
    # ...while a token made after rejoining works.
    with scopes_disabled():
        new_membership = member.user.memberships.get(workspace=member.workspace)
    _, new_secret = make_token(new_membership)
    assert api_get(members_url(member.workspace), new_secret).status_code == 200


def test_token_of_a_disabled_user_is_refused(member):
    _, secret = make_token(member)
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])
    response = api_get(members_url(member.workspace), secret)
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_token"


def test_role_is_read_at_each_call(member, owner):
    """A demoted user's token follows the new role (here: reads still work, writes would not)."""
    _, secret = make_token(member)
    with scope(workspace=member.workspace):
        workspace_services.membership_update(
            membership=member, user=owner.user, expected_version=None, role=Role.GUEST
        )
    response = api_get(members_url(member.workspace), secret)
    assert response.status_code == 200
    me = next(m for m in response.json()["items"] if m["id"] == member.pk)
    assert me["role"] == "guest"


def test_last_used_is_written_at_most_once_a_minute(member):
    token, secret = make_token(member)
    assert _token(token.pk).last_used_at is None
    api_get(members_url(member.workspace), secret)
    first = _token(token.pk).last_used_at
    assert first is not None
    api_get(members_url(member.workspace), secret)
    assert _token(token.pk).last_used_at == first
    # A minute later, the next call records it again.
    ApiToken._base_manager.filter(pk=token.pk).update(last_used_at=first - timedelta(seconds=61))
    api_get(members_url(member.workspace), secret)
    assert _token(token.pk).last_used_at > first
