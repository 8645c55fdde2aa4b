"""Authentication, roles, scope and error bodies, on the real API and on a test API built alike.

The test API (tests/api/urls.py) is made by the same `create_api` as the site's, with
operations that exercise what no real operation does yet: writes, a manager-only operation,
services raising ValidationError or StaleObjectError.
"""

import pytest
from django.utils import timezone
from django_scopes import get_scope

from maillage.core.models import AuditEvent
from maillage.workspaces.models import Role
from tests.api.helpers import api_get, bearer, english_client, make_token, members_url
from tests.factories import MembershipFactory

pytestmark = pytest.mark.urls("tests.api.urls")


def _url(workspace, name):
    return f"/api/test/w/{workspace.slug}/{name}"


def _post(path, secret=None, data=None):
    headers = bearer(secret) if secret else {}
    return english_client().post(
        path, data=data or {}, content_type="application/json", headers=headers
    )


# 401 -----------------------------------------------------------------------------------------


def test_missing_token(workspace, owner):
    response = api_get(members_url(workspace))
    assert response.status_code == 401
    assert response.json() == {"detail": "Missing bearer token", "code": "missing_token"}
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Token abc", "Basic dXNlcjpwYXNz", "Bearer", "Bearer   "])
def test_malformed_header(workspace, header):
    response = english_client().get(members_url(workspace), headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["code"] == "malformed_header"
    assert "Bearer" in response.json()["detail"]


def test_unknown_token(workspace, owner):
    response = api_get(members_url(workspace), "not-a-real-token-0123456789")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or revoked token", "code": "invalid_token"}


def test_bad_token_is_a_401_on_any_slug_so_it_reveals_no_workspace(workspace):
    known = api_get(members_url(workspace), "nope")
    unknown = api_get(members_url("does-not-exist"), "nope")
    assert known.status_code == unknown.status_code == 401
    assert known.content == unknown.content


def test_session_login_is_not_an_api_credential(owner_client, workspace):
    response = owner_client.get(members_url(workspace))
    assert response.status_code == 401


def test_messages_are_translated_but_codes_are_stable(workspace):
    client = english_client()
    client.cookies["maillage_language"] = "fr"
    response = client.get(members_url(workspace))
    assert response.status_code == 401
    assert response.json()["code"] == "missing_token"
    assert response["Content-Language"] == "fr"


# 403 -----------------------------------------------------------------------------------------


def test_role_below_the_minimum_is_a_403_naming_the_role(workspace, member):
    _, secret = make_token(member)
    response = api_get(_url(workspace, "managers-only"), secret)
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "permission_denied"
    assert body["required_role"] == "manager"
    assert "Manager" in body["detail"]
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_DENIED, workspace=workspace, user=member.user
    ).exists()


@pytest.mark.parametrize(("role", "status"), [("manager", 200), ("owner", 200), ("guest", 403)])
def test_minimum_role_is_a_floor(workspace, role, status):
    _, secret = make_token(MembershipFactory(workspace=workspace, role=role))
    assert api_get(_url(workspace, "managers-only"), secret).status_code == status


def test_guest_token_reads_but_cannot_write(workspace, guest):
    _, secret = make_token(guest)
    assert api_get(_url(workspace, "whoami"), secret).status_code == 200
    response = _post(_url(workspace, "things"), secret, {"name": "x", "size": 1})
    assert response.status_code == 403
    assert response.json()["required_role"] == "member"
    # Undeclared writes default to "member" too.
    response = _post(_url(workspace, "undeclared-write"), secret)
    assert response.status_code == 403
    assert response.json()["required_role"] == "member"


def test_a_write_declared_for_guests_lets_them(workspace, guest):
    _, secret = make_token(guest)
    assert _post(_url(workspace, "guest-write"), secret).status_code == 200


def test_member_may_write(workspace, member):
    _, secret = make_token(member)
    response = _post(_url(workspace, "things"), secret, {"name": "Atelier", "size": 3})
    assert response.status_code == 200
    assert response.json() == {"name": "Atelier"}


def test_archived_workspace_is_read_only(workspace, owner):
    workspace.archived_at = timezone.now()
    workspace.save(update_fields=["archived_at"])
    _, secret = make_token(owner)
    assert api_get(members_url(workspace), secret).status_code == 200
    response = _post(_url(workspace, "things"), secret, {"name": "x", "size": 1})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "archived" in response.json()["detail"]
    # ...except for operations marked allowed_when_archived.
    assert _post(_url(workspace, "restore"), secret).status_code == 200


def test_role_is_checked_before_the_payload(workspace, guest):
    """A guest learns it may not write, not what the payload should have been."""
    _, secret = make_token(guest)
    response = _post(_url(workspace, "things"), secret, {"size": "big"})
    assert response.status_code == 403


# 404 -----------------------------------------------------------------------------------------


def test_missing_object_is_a_plain_404(workspace, member):
    _, secret = make_token(member)
    response = api_get(_url(workspace, "missing"), secret)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found", "code": "not_found"}


def test_unknown_api_path_is_a_json_404(workspace):
    response = english_client().get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found", "code": "not_found"}


def test_foreign_slug_is_checked_before_the_role(workspace, other_workspace):
    intruder = MembershipFactory(workspace=other_workspace, role=Role.GUEST)
    _, secret = make_token(intruder)
    response = api_get(_url(workspace, "managers-only"), secret)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found", "code": "not_found"}
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_DENIED, user=intruder.user, workspace=None
    ).exists()


# 409 / 422 -----------------------------------------------------------------------------------


def test_stale_object_is_a_409_with_the_message(workspace, member):
    _, secret = make_token(member)
    response = _post(_url(workspace, "stale"), secret)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "conflict"
    assert body["detail"].startswith("Someone else changed this record")


def test_service_validation_error_is_a_422_with_field_paths(workspace, member):
    _, secret = make_token(member)
    response = _post(_url(workspace, "invalid"), secret)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert {"loc": ["body", "name"], "msg": "This name is taken.", "type": "invalid"} in body[
        "detail"
    ]
    assert {"loc": ["body"], "msg": "Nothing saved.", "type": "invalid"} in body["detail"]


def test_payload_validation_error_has_the_same_shape(workspace, member):
    _, secret = make_token(member)
    response = _post(_url(workspace, "things"), secret, {"size": "big"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    locs = {tuple(error["loc"]) for error in body["detail"]}
    assert locs == {("body", "payload", "name"), ("body", "payload", "size")}
    assert all(error["msg"] and error["type"] for error in body["detail"])


# Scope and request attributes ------------------------------------------------------------------


def test_operation_runs_in_the_workspace_scope_with_request_attributes(workspace, member):
    _, secret = make_token(member)
    response = api_get(_url(workspace, "whoami"), secret)
    assert response.json() == {
        "user": member.user.email,
        "workspace": workspace.slug,
        "role": "member",
        "scope": workspace.slug,
    }
    assert get_scope() == {}  # and the scope is closed afterwards


def test_serialisation_happens_inside_the_scope(workspace, other_workspace, member):
    MembershipFactory.create_batch(2, workspace=other_workspace)
    _, secret = make_token(member)
    response = api_get(_url(workspace, "lazy"), secret)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [member.pk]


def test_user_language_is_used_after_authentication(workspace, member):
    member.user.language = "en"
    member.user.save(update_fields=["language"])
    _, secret = make_token(member)
    from django.test import Client

    response = Client().get(_url(workspace, "managers-only"), headers=bearer(secret))
    assert response.status_code == 403
    assert response["Content-Language"] == "en"
    assert "requires at least" in response.json()["detail"]
