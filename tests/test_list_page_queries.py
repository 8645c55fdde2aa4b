"""Every list page runs a number of queries that does not grow with its rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.core import audit
from tests.api.helpers import make_token
from tests.factories import ImportJobFactory, InvitationFactory, MembershipFactory


def _add_members(workspace, owner, n):
    MembershipFactory.create_batch(n, workspace=workspace)
    InvitationFactory.create_batch(n, workspace=workspace, created_by=owner.user)


def _add_events(workspace, owner, n):
    for i in range(n):
        audit.record(audit.Action.OTHER, user=owner.user, workspace=workspace, object_repr=str(i))


def _add_jobs(workspace, owner, n):
    ImportJobFactory.create_batch(n, workspace=workspace, created_by=owner.user)


def _add_tokens(workspace, owner, n):
    for _ in range(n):
        make_token(MembershipFactory(workspace=workspace))


LIST_PAGES = {
    "workspaces:members": _add_members,
    "workspaces:dashboard": _add_events,
    "workspaces:audit": _add_events,
    "imports:list": _add_jobs,
    "api_tokens:list": _add_tokens,
}


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", sorted(LIST_PAGES))
def test_query_count_is_constant_in_the_number_of_rows(owner, owner_client, workspace, url_name):
    url = reverse(url_name, args=[workspace.slug])
    LIST_PAGES[url_name](workspace, owner, 2)
    _count(owner_client, url)  # warm caches (content types, session)
    few = _count(owner_client, url)
    LIST_PAGES[url_name](workspace, owner, 30)
    many = _count(owner_client, url)
    assert many == few, f"{url_name}: {few} queries with 2 rows, {many} with 32"
    assert many <= 15
