import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from maillage.core.models import AuditEvent
from maillage.workspaces import services
from maillage.workspaces.models import Membership, Role, Workspace
from tests.conftest import client_for
from tests.factories import MembershipFactory


def test_create_workspace_makes_the_creator_owner(client, user):
    client.force_login(user)
    response = client.post(reverse("workspaces:create"), {"name": "Réseau Solidaire 42"})
    workspace = Workspace.objects.get(name="Réseau Solidaire 42")
    assert response.status_code == 302
    assert response["Location"] == reverse("workspaces:dashboard", args=[workspace.slug])
    assert workspace.slug == "reseau-solidaire-42"
    with scopes_disabled():
        membership = Membership.objects.get(workspace=workspace)
    assert (membership.user, membership.role, membership.can_view_sensitive) == (
        user,
        "owner",
        True,
    )


def test_create_workspace_with_taken_name_gets_a_distinct_slug(client, user, workspace):
    client.force_login(user)
    client.post(reverse("workspaces:create"), {"name": workspace.name})
    slugs = set(Workspace.objects.filter(name=workspace.name).values_list("slug", flat=True))
    assert len(slugs) == 2


def test_empty_name_is_refused_with_a_message(client, user):
    client.force_login(user)
    response = client.post(reverse("workspaces:create"), {"name": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not Workspace.objects.filter(created_by=user).exists()


def _settings_post(client, workspace, **data):
    payload = {"name": workspace.name, "description": "", "version": workspace.version, **data}
    return client.post(reverse("workspaces:settings", args=[workspace.slug]), payload)


def test_owner_renames_workspace(owner_client, workspace):
    response = _settings_post(owner_client, workspace, name="Nouveau nom")
    assert response.status_code == 302
    workspace.refresh_from_db()
    assert workspace.name == "Nouveau nom"
    assert workspace.version == 2
    event = AuditEvent.objects.get(workspace=workspace, action="update")
    assert event.changes["name"][1] == "Nouveau nom"


def test_stale_edit_is_refused_and_overwrites_nothing(owner_client, owner, workspace):
    stale_version = workspace.version
    services.workspace_update(
        workspace=Workspace.objects.get(pk=workspace.pk),
        user=owner.user,
        expected_version=stale_version,
        name="Changed by someone else",
    )
    response = _settings_post(owner_client, workspace, name="My late edit", version=stale_version)
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    workspace.refresh_from_db()
    assert workspace.name == "Changed by someone else"


def test_member_and_manager_cannot_open_settings(member_client, manager, workspace):
    url = reverse("workspaces:settings", args=[workspace.slug])
    assert member_client.get(url).status_code == 403
    assert client_for(manager).get(url).status_code == 403


def test_archived_workspace_is_read_only_and_can_be_restored(owner_client, owner, workspace):
    archive_url = reverse("workspaces:archive", args=[workspace.slug])
    owner_client.post(archive_url, {"action": "archive", "version": workspace.version})
    workspace.refresh_from_db()
    assert workspace.is_archived
    # Reading still works, writing is refused.
    assert owner_client.get(reverse("workspaces:members", args=[workspace.slug])).status_code == 200
    response = owner_client.post(
        reverse("workspaces:invite", args=[workspace.slug]),
        {"email": "x@example.org", "role": "member"},
    )
    assert response.status_code == 403
    owner_client.post(archive_url, {"action": "restore", "version": workspace.version})
    workspace.refresh_from_db()
    assert not workspace.is_archived


def test_owner_changes_a_role(owner_client, member, workspace):
    url = reverse("workspaces:member_edit", args=[workspace.slug, member.pk])
    response = owner_client.post(url, {"role": "manager", "version": member.version})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == Role.MANAGER


def test_manager_cannot_promote_to_owner_nor_touch_an_owner(manager, member, owner, workspace):
    client = client_for(manager)
    url = reverse("workspaces:member_edit", args=[workspace.slug, member.pk])
    response = client.post(url, {"role": "owner", "version": member.version})
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    member.refresh_from_db()
    assert member.role == Role.MEMBER
    response = client.post(reverse("workspaces:member_remove", args=[workspace.slug, owner.pk]))
    assert response.status_code == 302
    with scopes_disabled():
        assert Membership.objects.filter(pk=owner.pk).exists()


def test_last_owner_cannot_leave_or_be_demoted(owner, workspace):
    with scope(workspace=workspace), pytest.raises(ValidationError):
        services.membership_update(
            membership=owner, user=owner.user, expected_version=owner.version, role=Role.MEMBER
        )
    with scope(workspace=workspace), pytest.raises(ValidationError):
        services.membership_remove(membership=owner, user=owner.user)


def test_member_cannot_manage_members(member_client, workspace, owner):
    url = reverse("workspaces:member_edit", args=[workspace.slug, owner.pk])
    assert member_client.get(url).status_code == 403
    assert member_client.get(reverse("workspaces:invite", args=[workspace.slug])).status_code == 403


def test_remove_member_revokes_access(owner_client, member, workspace):
    owner_client.post(reverse("workspaces:member_remove", args=[workspace.slug, member.pk]))
    response = client_for(member).get(reverse("workspaces:dashboard", args=[workspace.slug]))
    assert response.status_code == 404


def test_switcher_lists_only_my_workspaces(member_client, member, workspace, other_workspace):
    mine = MembershipFactory(user=member.user)
    response = member_client.get(reverse("workspaces:list"))
    names = {m.workspace.name for m in response.context["memberships"]}
    assert names == {workspace.name, mine.workspace.name}
    assert other_workspace.name not in response.content.decode()


def test_home_goes_to_the_only_workspace(member_client, workspace):
    response = member_client.get("/")
    assert response["Location"] == reverse("workspaces:dashboard", args=[workspace.slug])


@pytest.mark.parametrize("url_name", ["workspaces:members", "workspaces:dashboard"])
def test_list_pages_run_a_constant_number_of_queries(owner_client, workspace, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse(url_name, args=[workspace.slug])
    owner_client.get(url)
    with CaptureQueriesContext(connection) as few:
        owner_client.get(url)
    MembershipFactory.create_batch(40, workspace=workspace)
    with CaptureQueriesContext(connection) as many:
        assert owner_client.get(url).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 15


def test_a_visit_orders_the_switcher_and_writes_at_most_every_ten_minutes(member_client, member):
    from datetime import timedelta

    from django.utils import timezone

    other = MembershipFactory(user=member.user)
    member_client.get(reverse("workspaces:dashboard", args=[other.workspace.slug]))
    with scopes_disabled():
        other.refresh_from_db()
    first_visit = other.last_used_at
    assert first_visit is not None
    listed = member_client.get(reverse("workspaces:list")).context["memberships"]
    assert listed[0].workspace == other.workspace

    member_client.get(reverse("workspaces:dashboard", args=[other.workspace.slug]))
    with scopes_disabled():
        other.refresh_from_db()
    assert other.last_used_at == first_visit  # within 10 minutes: no write

    with scopes_disabled():
        type(other).objects.filter(pk=other.pk).update(
            last_used_at=first_visit - timedelta(minutes=11)
        )
    member_client.get(reverse("workspaces:dashboard", args=[other.workspace.slug]))
    with scopes_disabled():
        other.refresh_from_db()
    assert other.last_used_at > timezone.now() - timedelta(minutes=1)
