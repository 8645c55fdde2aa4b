"""The audit trail: what the services, the sign-in and the access guards record, and its page."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from maillage.core import audit
from maillage.core.exceptions import StaleObjectError
from maillage.core.models import AuditEvent
from maillage.core.services import tenant_create, tenant_delete, tenant_update
from maillage.workspaces.models import Invitation, Role
from tests.conftest import client_for
from tests.factories import PASSWORD, MembershipFactory, UserFactory

REDACTED = "•••"


def _assert_utc_now(value, before, after):
    assert timezone.is_aware(value)
    assert value.utcoffset() == timedelta(0)
    assert before <= value <= after


def _create_invitation(workspace, user, **fields):
    values = {
        "email": "camille@example.org",
        "role": Role.MEMBER,
        "token_hash": "a" * 64,
        "expires_at": timezone.now() + timedelta(days=3),
        **fields,
    }
    with scope(workspace=workspace):
        return tenant_create(Invitation, workspace=workspace, user=user, **values)


# --- Writes through core.services -----------------------------------------------------------


def test_create_records_who_where_when_and_the_new_values(owner, workspace):
    before = timezone.now()
    invitation = _create_invitation(workspace, owner.user)
    after = timezone.now()

    event = AuditEvent.objects.get(action="create", object_type="workspaces.Invitation")
    assert event.user == owner.user
    assert event.user_label == owner.user.email
    assert event.workspace == workspace
    assert event.object_id == str(invitation.pk)
    assert event.object_repr == "camille@example.org"
    _assert_utc_now(event.at, before, after)
    assert event.changes["email"] == [None, "camille@example.org"]
    assert event.changes["role"] == [None, "member"]
    assert event.changes["workspace"] == [None, workspace.pk]
    # The token's hash is a secret: the field is listed, its value is not.
    assert event.changes["token_hash"] == [None, REDACTED]
    assert "a" * 64 not in str(event.changes)


def test_update_records_only_the_changed_fields_with_old_and_new_values(owner, workspace):
    invitation = _create_invitation(workspace, owner.user)
    before = timezone.now()
    with scope(workspace=workspace):
        tenant_update(invitation, user=owner.user, expected_version=1, role=Role.MANAGER)
        stored = Invitation.objects.get(pk=invitation.pk)
    after = timezone.now()

    assert (stored.role, stored.version) == (Role.MANAGER, 2)
    event = AuditEvent.objects.get(action="update")
    assert event.changes == {"role": ["member", "manager"]}
    assert (event.user, event.workspace, event.object_id) == (
        owner.user,
        workspace,
        str(invitation.pk),
    )
    _assert_utc_now(event.at, before, after)


def test_update_of_a_sensitive_field_is_saved_and_its_values_are_redacted(owner, workspace):
    invitation = _create_invitation(workspace, owner.user)
    with scope(workspace=workspace):
        tenant_update(invitation, user=owner.user, expected_version=1, token_hash="b" * 64)
        stored = Invitation.objects.get(pk=invitation.pk)

    assert stored.token_hash == "b" * 64
    event = AuditEvent.objects.get(action="update")
    assert event.changes == {"token_hash": [REDACTED, REDACTED]}


def test_update_that_changes_nothing_records_nothing(owner, workspace):
    invitation = _create_invitation(workspace, owner.user)
    with scope(workspace=workspace):
        tenant_update(invitation, user=owner.user, expected_version=1, role=Role.MEMBER)
    assert not AuditEvent.objects.filter(action="update").exists()


def test_stale_update_writes_nothing_and_records_nothing(owner, manager, workspace):
    invitation = _create_invitation(workspace, owner.user)
    with scope(workspace=workspace):
        fresh = Invitation.objects.get(pk=invitation.pk)
        tenant_update(fresh, user=manager.user, expected_version=1, role=Role.GUEST)
    events_before = AuditEvent.objects.count()

    with scope(workspace=workspace), pytest.raises(StaleObjectError):
        tenant_update(invitation, user=owner.user, expected_version=1, role=Role.MANAGER)

    with scope(workspace=workspace):
        stored = Invitation.objects.get(pk=invitation.pk)
    assert (stored.role, stored.version) == (Role.GUEST, 2)
    assert AuditEvent.objects.count() == events_before


def test_delete_records_the_old_values_and_removes_the_row(owner, workspace):
    invitation = _create_invitation(workspace, owner.user)
    pk = invitation.pk
    with scope(workspace=workspace):
        tenant_delete(invitation, user=owner.user, expected_version=1)
        assert not Invitation.objects.filter(pk=pk).exists()

    event = AuditEvent.objects.get(action="delete")
    assert (event.user, event.workspace, event.object_id) == (owner.user, workspace, str(pk))
    assert event.changes["email"] == ["camille@example.org", None]
    assert event.changes["token_hash"] == [REDACTED, None]


def test_stale_delete_deletes_nothing_and_records_nothing(owner, workspace):
    invitation = _create_invitation(workspace, owner.user)
    with scope(workspace=workspace):
        tenant_update(invitation, user=owner.user, expected_version=1, role=Role.GUEST)
    events_before = AuditEvent.objects.count()
    with scope(workspace=workspace), pytest.raises(StaleObjectError):
        tenant_delete(invitation, user=owner.user, expected_version=1)
    with scopes_disabled():
        assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert AuditEvent.objects.count() == events_before


# --- Sign-in ------------------------------------------------------------------------------


def test_sign_in_sign_out_and_failed_sign_in_are_recorded(client, user):
    login_url = reverse("accounts:login")
    client.post(login_url, {"username": user.email, "password": "wrong password"})
    failed = AuditEvent.objects.get(action="login_failed")
    assert (failed.user, failed.user_label, failed.workspace) == (None, user.email, None)
    assert failed.ip_address == "127.0.0.1"

    client.post(login_url, {"username": user.email, "password": PASSWORD})
    login = AuditEvent.objects.get(action="login")
    assert (login.user, login.ip_address) == (user, "127.0.0.1")

    client.post(reverse("accounts:logout"))
    assert AuditEvent.objects.get(action="logout").user == user


# --- Refused accesses ---------------------------------------------------------------------


def test_non_member_is_refused_like_a_missing_workspace_and_no_workspace_is_recorded(
    client, user, workspace, owner
):
    client.force_login(user)
    existing = client.get(reverse("workspaces:dashboard", args=[workspace.slug]))
    missing = client.get(reverse("workspaces:dashboard", args=["no-such-workspace"]))

    assert existing.status_code == missing.status_code == 404
    events = list(AuditEvent.objects.filter(action="access_denied").order_by("id"))
    assert [(e.user, e.workspace) for e in events] == [(user, None), (user, None)]
    assert events[0].path == reverse("workspaces:dashboard", args=[workspace.slug])
    # The probe is not attached to the workspace, so it tells nothing to its members either.
    page = client_for(owner).get(reverse("workspaces:audit", args=[workspace.slug]))
    assert list(page.context["page_obj"]) == []


def test_guest_write_is_refused_and_recorded_with_the_workspace(guest_client, guest, workspace):
    response = guest_client.post(
        reverse("workspaces:invite", args=[workspace.slug]),
        {"email": "new@example.org", "role": "member"},
    )
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="access_denied")
    assert (event.user, event.workspace, event.object_repr) == (
        guest.user,
        workspace,
        "guest write",
    )
    with scopes_disabled():
        assert not Invitation.objects.filter(email="new@example.org").exists()


def test_member_opening_a_manager_page_is_refused_and_recorded(member_client, member, workspace):
    response = member_client.get(reverse("workspaces:invite", args=[workspace.slug]))
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="access_denied")
    assert (event.user, event.workspace) == (member.user, workspace)
    assert "below manager" in event.object_repr


# --- The audit page -----------------------------------------------------------------------


def _audit_url(workspace, **params):
    url = reverse("workspaces:audit", args=[workspace.slug])
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


def _event(workspace, user, action=audit.Action.UPDATE, repr_="Record"):
    return AuditEvent.objects.create(
        workspace=workspace,
        user=user,
        user_label=user.email if user else "",
        action=action,
        object_type="workspaces.Invitation",
        object_id="7",
        object_repr=repr_,
        changes={"role": ["member", "manager"]},
    )


def test_owner_and_manager_can_browse_the_trail_members_and_guests_cannot(
    owner, manager, member, guest, workspace
):
    _event(workspace, owner.user, repr_="Visible record")
    for membership in (owner, manager):
        response = client_for(membership).get(_audit_url(workspace))
        assert response.status_code == 200
        assert "Visible record" in response.content.decode()
    for membership in (member, guest):
        assert client_for(membership).get(_audit_url(workspace)).status_code == 403


def test_page_shows_times_in_utc(owner, workspace):
    event = _event(workspace, owner.user)
    # 23:30 UTC is 00:30 the next day in Paris (the site's time zone): the page shows UTC.
    AuditEvent.objects.filter(pk=event.pk).update(at=datetime(2024, 1, 15, 23, 30, tzinfo=UTC))
    content = client_for(owner).get(_audit_url(workspace)).content.decode()
    assert "2024-01-15 23:30:00" in content
    assert 'datetime="2024-01-15T23:30:00+00:00"' in content
    assert "2024-01-16" not in content


def test_filters_by_action_person_and_search(owner, manager, workspace):
    _event(workspace, owner.user, audit.Action.CREATE, "Alpha association")
    _event(workspace, manager.user, audit.Action.UPDATE, "Beta foundation")
    _event(workspace, manager.user, audit.Action.DELETE, "Gamma cooperative")
    client = client_for(owner)

    def shown(**params):
        page = client.get(_audit_url(workspace, **params)).context["page_obj"]
        return sorted(e.object_repr for e in page)

    assert shown(action="update") == ["Beta foundation"]
    assert shown(user=manager.user.pk) == ["Beta foundation", "Gamma cooperative"]
    assert shown(q="gamma") == ["Gamma cooperative"]
    assert shown(user=manager.user.pk, action="create") == []
    # Nonsense filters are ignored rather than failing.
    assert len(shown(action="nonsense", user="abc")) == 3


def test_pagination_splits_the_trail_and_keeps_the_filters(owner, workspace):
    for n in range(60):
        _event(workspace, owner.user, audit.Action.UPDATE, f"Record {n:02d}")
    _event(workspace, owner.user, audit.Action.CREATE, "Not an update")
    client = client_for(owner)

    first = client.get(_audit_url(workspace, action="update"))
    second = client.get(_audit_url(workspace, action="update", page=2))

    assert len(first.context["page_obj"]) == 50
    assert len(second.context["page_obj"]) == 10
    names = {e.object_repr for e in first.context["page_obj"]} | {
        e.object_repr for e in second.context["page_obj"]
    }
    assert names == {f"Record {n:02d}" for n in range(60)}
    assert "action=update&amp;page=2" in first.content.decode()


def test_events_of_another_workspace_never_appear(owner, workspace, other_workspace):
    stranger = MembershipFactory(workspace=other_workspace, role=Role.OWNER)
    _event(other_workspace, stranger.user, audit.Action.UPDATE, "Secret of the other workspace")
    _event(None, stranger.user, audit.Action.LOGIN, "Sign-in elsewhere")
    _event(workspace, owner.user, audit.Action.UPDATE, "Ours")
    client = client_for(owner)

    for params in ({}, {"q": "secret"}, {"user": stranger.user.pk}, {"action": "login"}):
        response = client.get(_audit_url(workspace, **params))
        content = response.content.decode()
        assert "Secret of the other workspace" not in content
        assert "Sign-in elsewhere" not in content
        assert all(e.workspace_id == workspace.pk for e in response.context["page_obj"])


def test_page_query_count_does_not_grow_with_the_number_of_events(owner, workspace):
    people = [MembershipFactory(workspace=workspace).user for _ in range(3)]
    client = client_for(owner)

    def queries_with(n_events):
        AuditEvent.objects.filter(workspace=workspace).delete()
        for n in range(n_events):
            _event(workspace, people[n % 3], audit.Action.UPDATE, f"Record {n}")
        client.get(_audit_url(workspace))  # warm the session and caches
        with CaptureQueriesContext(connection) as context:
            response = client.get(_audit_url(workspace))
        assert response.status_code == 200
        return len(context.captured_queries)

    assert queries_with(5) == queries_with(60)


def test_page_query_count_is_bounded(owner, workspace, django_assert_max_num_queries):
    for n in range(60):
        _event(workspace, UserFactory() if n % 2 else owner.user, repr_=f"Record {n}")
    client = client_for(owner)
    client.get(_audit_url(workspace))
    with django_assert_max_num_queries(12):
        assert client.get(_audit_url(workspace)).status_code == 200


def _csv(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_csv_export_has_the_filtered_events_of_the_workspace_only(
    owner, manager, workspace, other_workspace
):
    stranger = MembershipFactory(workspace=other_workspace, role=Role.OWNER)
    _event(other_workspace, stranger.user, audit.Action.UPDATE, "Other workspace's record")
    kept = _event(workspace, manager.user, audit.Action.UPDATE, "=HYPERLINK(evil)")
    AuditEvent.objects.filter(pk=kept.pk).update(at=datetime(2024, 1, 15, 23, 30, tzinfo=UTC))
    _event(workspace, owner.user, audit.Action.CREATE, "Filtered out")

    response = client_for(manager).get(_audit_url(workspace, action="update", format="csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="audit-{workspace.slug}-' in response["Content-Disposition"]
    lines = _csv(response).strip().splitlines()
    assert len(lines) == 2  # header + the one matching event
    row = lines[1].split(";")
    assert row[0] == "2024-01-15 23:30:00"
    assert row[2] == manager.user.email
    assert "'=HYPERLINK(evil)" in row  # neutralised: a spreadsheet shows it, never runs it
    assert "role: member → manager" in lines[1]


def test_csv_export_link_keeps_the_filters_and_is_refused_to_members(owner, member, workspace):
    page = client_for(owner).get(_audit_url(workspace, action="update", q="x", page=1))
    assert page.context["csv_query"] == "action=update&q=x&format=csv"
    response = client_for(member).get(_audit_url(workspace, format="csv"))
    assert response.status_code == 403
