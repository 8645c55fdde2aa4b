"""The "API tokens" page: create (secret shown once), list per role, revoke."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_scopes import scopes_disabled

from maillage.api.models import ApiToken
from maillage.api.services import hash_secret
from maillage.workspaces.models import Role
from tests.api.helpers import api_get, make_token, members_url
from tests.conftest import client_for
from tests.factories import MembershipFactory


def _list_url(workspace):
    return reverse("api_tokens:list", args=[workspace.slug])


def _create(client, workspace, **data):
    return client.post(reverse("api_tokens:create", args=[workspace.slug]), data)


def _revoke(client, workspace, token):
    return client.post(reverse("api_tokens:revoke", args=[workspace.slug, token.pk]))


def _tokens():
    with scopes_disabled():
        return list(ApiToken.objects.all())


def _shown_secret(response) -> str:
    match = re.search(r'id="token-secret" value="([^"]+)"', response.content.decode())
    assert match, "the secret is shown in a read-only field"
    return match.group(1)


def test_create_shows_the_secret_once(member_client, member, workspace):
    response = _create(member_client, workspace, name="Tableur du lundi")
    assert response.status_code == 200
    secret = _shown_secret(response)
    content = response.content.decode()
    assert "will not be shown again" in content
    assert "no-store" in response["Cache-Control"]
    (token,) = _tokens()
    assert token.token_hash == hash_secret(secret)
    assert (token.user, token.name, token.expires_at) == (member.user, "Tableur du lundi", None)
    # The secret works, and the list never shows it again.
    assert api_get(members_url(workspace), secret).status_code == 200
    listing = member_client.get(_list_url(workspace)).content.decode()
    assert "Tableur du lundi" in listing
    assert token.prefix in listing
    assert secret not in listing


def test_create_with_an_expiry_date(member_client, workspace):
    day = timezone.localdate() + timedelta(days=30)
    _create(member_client, workspace, name="Temporaire", expires_on=day.isoformat())
    (token,) = _tokens()
    local_expiry = timezone.localtime(token.expires_at)
    assert local_expiry.date() == day + timedelta(days=1)
    assert (local_expiry.hour, local_expiry.minute) == (0, 0)


@pytest.mark.parametrize(
    "data",
    [{"name": ""}, {"name": "   "}, {"name": "x", "expires_on": "2001-01-01"}, {"name": "x" * 101}],
)
def test_invalid_form_creates_nothing(member_client, workspace, data):
    response = _create(member_client, workspace, **data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'id="token-secret"' not in response.content.decode()
    assert _tokens() == []


def test_get_on_create_goes_back_to_the_list(member_client, workspace):
    response = member_client.get(reverse("api_tokens:create", args=[workspace.slug]))
    assert response.status_code == 302
    assert response["Location"] == _list_url(workspace)


def test_guest_may_create_a_token_that_only_reads(guest_client, guest, workspace):
    response = _create(guest_client, workspace, name="Lecture financeur")
    secret = _shown_secret(response)
    (token,) = _tokens()
    assert token.user == guest.user
    assert api_get(members_url(workspace), secret).status_code == 200


def test_member_sees_only_own_tokens(member_client, member, workspace):
    mine, _ = make_token(member, name="Le mien")
    other = MembershipFactory(workspace=workspace, role=Role.MEMBER)
    make_token(other, name="Celui de l'autre")
    response = member_client.get(_list_url(workspace))
    assert response.status_code == 200
    assert [t.pk for t in response.context["page_obj"]] == [mine.pk]
    assert "Celui de l&#x27;autre" not in response.content.decode()
    assert not response.context["sees_all"]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.OWNER])
def test_manager_and_owner_see_everyone_tokens(workspace, role):
    boss = MembershipFactory(workspace=workspace, role=role)
    theirs, _ = make_token(MembershipFactory(workspace=workspace, role=Role.MEMBER), name="Autre")
    mine, _ = make_token(boss, name="Moi")
    response = client_for(boss).get(_list_url(workspace))
    assert {t.pk for t in response.context["page_obj"]} == {theirs.pk, mine.pk}
    assert escape(theirs.user.full_name or theirs.user.email) in response.content.decode()


def test_list_never_shows_another_workspace_tokens(owner_client, owner, workspace, other_workspace):
    foreign, _ = make_token(MembershipFactory(workspace=other_workspace, role=Role.OWNER))
    response = owner_client.get(_list_url(workspace))
    assert foreign.pk not in [t.pk for t in response.context["page_obj"]]


def test_list_query_count_is_constant(owner, workspace):
    client = client_for(owner)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_list_url(workspace)).status_code == 200
        return len(captured)

    make_token(owner)
    client.get(_list_url(workspace))
    few = queries()
    for _ in range(8):
        make_token(MembershipFactory(workspace=workspace, role=Role.MEMBER))
    assert queries() == few


def test_owner_of_a_token_revokes_it(member_client, member, workspace):
    token, secret = make_token(member)
    response = _revoke(member_client, workspace, token)
    assert response.status_code == 302
    assert response["Location"] == _list_url(workspace)
    (stored,) = _tokens()
    assert stored.is_revoked
    assert api_get(members_url(workspace), secret).status_code == 401


def test_member_cannot_revoke_a_colleague_token(member_client, workspace):
    colleague = MembershipFactory(workspace=workspace, role=Role.MEMBER)
    token, secret = make_token(colleague)
    response = _revoke(member_client, workspace, token)
    assert response.status_code == 404
    assert not _tokens()[0].is_revoked
    assert api_get(members_url(workspace), secret).status_code == 200


def test_manager_revokes_anyone_token(workspace, manager, member):
    token, _ = make_token(member)
    assert _revoke(client_for(manager), workspace, token).status_code == 302
    assert _tokens()[0].is_revoked


def test_guest_revokes_own_token(guest_client, guest, workspace):
    token, _ = make_token(guest)
    assert _revoke(guest_client, workspace, token).status_code == 302
    assert _tokens()[0].is_revoked


def test_revoke_is_post_only(member_client, member, workspace):
    token, _ = make_token(member)
    url = reverse("api_tokens:revoke", args=[workspace.slug, token.pk])
    assert member_client.get(url).status_code == 405
    assert not _tokens()[0].is_revoked


def test_another_workspace_token_id_is_a_404(workspace, other_workspace, owner):
    """Even an owner cannot reach a token of another workspace through their own slug."""
    foreign, secret = make_token(MembershipFactory(workspace=other_workspace, role=Role.OWNER))
    mine_url = reverse("api_tokens:revoke", args=[workspace.slug, foreign.pk])
    missing_url = reverse("api_tokens:revoke", args=[workspace.slug, 987654])
    client = client_for(owner)
    assert client.post(mine_url).status_code == client.post(missing_url).status_code == 404
    assert not _tokens()[0].is_revoked
    assert api_get(members_url(other_workspace), secret).status_code == 200


def test_non_member_gets_404_on_the_page(workspace, other_workspace):
    outsider = MembershipFactory(workspace=other_workspace, role=Role.OWNER)
    assert client_for(outsider).get(_list_url(workspace)).status_code == 404


def test_archived_workspace_allows_revoking_but_not_creating(owner_client, owner, workspace):
    token, _ = make_token(owner)
    workspace.archived_at = timezone.now()
    workspace.save(update_fields=["archived_at"])
    assert _create(owner_client, workspace, name="x").status_code == 403
    assert _revoke(owner_client, workspace, token).status_code == 302
    assert _tokens()[0].is_revoked


def test_menu_links_to_the_page(member_client, workspace):
    dashboard = member_client.get(reverse("workspaces:dashboard", args=[workspace.slug]))
    assert _list_url(workspace) in dashboard.content.decode()
