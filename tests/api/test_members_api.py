"""GET /api/v1/w/{slug}/members: content, pagination, query count, workspace isolation."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from maillage.workspaces.models import Membership, Role
from tests.api.helpers import api_get, make_token, members_url
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory


def test_lists_the_members_with_their_fields(owner, workspace):
    guest = MembershipFactory(
        workspace=workspace, role=Role.GUEST, user=UserFactory(full_name="Zoé Partenaire")
    )
    _, secret = make_token(owner)
    response = api_get(members_url(workspace), secret)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    by_id = {item["id"]: item for item in body["items"]}
    assert set(by_id) == {owner.pk, guest.pk}
    assert by_id[guest.pk]["email"] == guest.user.email
    assert by_id[guest.pk]["full_name"] == "Zoé Partenaire"
    assert by_id[guest.pk]["role"] == "guest"
    joined = datetime.fromisoformat(by_id[guest.pk]["joined"])  # JSON keeps milliseconds
    assert abs(joined - guest.created_at) < timedelta(milliseconds=1)
    assert set(by_id[guest.pk]) == {"id", "email", "full_name", "role", "joined"}


def test_guests_may_read_the_members(guest, workspace):
    _, secret = make_token(guest)
    response = api_get(members_url(workspace), secret)
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [guest.pk]


def test_paginates_with_limit_and_offset(owner, workspace):
    MembershipFactory.create_batch(6, workspace=workspace)
    _, secret = make_token(owner)
    everyone = api_get(members_url(workspace), secret, limit=200).json()
    assert everyone["count"] == 7
    ids = [item["id"] for item in everyone["items"]]
    assert len(ids) == len(set(ids)) == 7

    page = api_get(members_url(workspace), secret, limit=3, offset=3).json()
    assert page["count"] == 7
    assert [item["id"] for item in page["items"]] == ids[3:6]
    last = api_get(members_url(workspace), secret, limit=3, offset=6).json()
    assert [item["id"] for item in last["items"]] == ids[6:]
    beyond = api_get(members_url(workspace), secret, limit=3, offset=30).json()
    assert beyond == {"items": [], "count": 7}


def test_default_page_is_fifty(owner, workspace):
    MembershipFactory.create_batch(54, workspace=workspace)
    _, secret = make_token(owner)
    body = api_get(members_url(workspace), secret).json()
    assert body["count"] == 55
    assert len(body["items"]) == 50


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 201}, {"offset": -1}, {"limit": "x"}])
def test_bad_pagination_is_a_422(owner, workspace, params):
    _, secret = make_token(owner)
    response = api_get(members_url(workspace), secret, **params)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    (error,) = body["detail"]
    assert error["loc"] == ["query", next(iter(params))]
    assert error["msg"]


def _queries_for(secret, workspace, limit):
    with CaptureQueriesContext(connection) as queries:
        response = api_get(members_url(workspace), secret, limit=limit)
    assert response.status_code == 200
    assert len(response.json()["items"]) == limit
    return len(queries)


def test_query_count_does_not_grow_with_the_rows(owner, workspace):
    MembershipFactory.create_batch(49, workspace=workspace)
    _, secret = make_token(owner)
    api_get(members_url(workspace), secret)  # records last_used_at: not part of the comparison
    few = _queries_for(secret, workspace, 5)
    many = _queries_for(secret, workspace, 50)
    assert few == many
    assert many <= 5  # token, membership, count, page (+ savepoints on some back ends)


def test_another_workspace_members_never_appear(owner, workspace, other_workspace):
    theirs = MembershipFactory.create_batch(3, workspace=other_workspace)
    _, secret = make_token(owner)
    ids = {item["id"] for item in api_get(members_url(workspace), secret).json()["items"]}
    assert ids == {owner.pk}
    assert not ids & {m.pk for m in theirs}


def test_token_of_b_on_a_slug_is_a_404_like_a_missing_workspace(workspace, other_workspace):
    MembershipFactory.create_batch(2, workspace=workspace)
    intruder = MembershipFactory(workspace=other_workspace, role=Role.OWNER)
    _, secret = make_token(intruder)
    foreign = api_get(members_url(workspace), secret)
    missing = api_get(members_url("no-such-workspace"), secret)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content
    assert foreign.json() == {"detail": "Not found", "code": "not_found"}


def test_token_of_b_on_a_slug_fails_even_if_the_user_is_also_in_a(workspace, other_workspace):
    """A token is bound to the workspace it was created for, not to its user's workspaces."""
    person = UserFactory()
    MembershipFactory(workspace=workspace, user=person, role=Role.OWNER)
    in_b = MembershipFactory(workspace=other_workspace, user=person, role=Role.OWNER)
    _, secret = make_token(in_b)
    assert api_get(members_url(workspace), secret).status_code == 404
    assert api_get(members_url(other_workspace), secret).status_code == 200


def test_results_do_not_depend_on_interleaved_ids(db):
    WorkspaceFactory.create_batch(2)
    a, b = WorkspaceFactory(), WorkspaceFactory()
    rows = []
    for _ in range(4):  # interleave the membership ids of A and B
        rows.append(MembershipFactory(workspace=a))
        MembershipFactory(workspace=b)
    owner_a = MembershipFactory(workspace=a, role=Role.OWNER)
    _, secret = make_token(owner_a)
    ids = {item["id"] for item in api_get(members_url(a), secret).json()["items"]}
    with scopes_disabled():
        expected = set(Membership.objects.filter(workspace=a).values_list("pk", flat=True))
    assert ids == expected == {m.pk for m in rows} | {owner_a.pk}
