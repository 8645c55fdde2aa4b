"""Guests: a guest sees only the partnerships shared with it (list and pages; the others answer
404) and cannot write the partnership; a manager shares and stops sharing."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from maillage.partnerships.models import Partnership, PartnershipGuest
from maillage.workspaces.models import Role
from tests.conftest import client_for
from tests.factories import (
    MembershipFactory,
    PartnershipFactory,
    PartnershipGuestFactory,
    PartnershipMemberFactory,
)

pytestmark = pytest.mark.django_db


def _url(name, workspace, *args):
    return reverse(f"partnerships:{name}", args=[workspace.slug, *args])


@pytest.fixture
def shared(workspace):
    """A guest, one partnership shared with it and one that is not."""
    share = PartnershipGuestFactory(partnership__workspace=workspace, partnership__name="Partagé")
    hidden = PartnershipFactory(workspace=workspace, name="Caché")
    PartnershipMemberFactory(partnership=hidden)
    return share, hidden


def test_the_portfolio_lists_only_the_shared_partnerships(workspace, shared):
    share, _hidden = shared
    response = client_for(share.membership).get(_url("home", workspace))
    assert [p.name for p in response.context["page_obj"]] == ["Partagé"]
    assert "Caché" not in response.content.decode()
    # The funnel counts what the guest sees.
    assert response.context["funnel"]["active"] == 1
    # Filters do not reach the others either.
    response = client_for(share.membership).get(_url("home", workspace), {"q": "Caché"})
    assert list(response.context["page_obj"]) == []


def test_every_page_of_another_partnership_is_404(workspace, shared):
    share, hidden = shared
    client = client_for(share.membership)
    assert client.get(_url("partnership", workspace, share.partnership.pk)).status_code == 200
    assert client.get(_url("decisions", workspace, share.partnership.pk)).status_code == 200
    for name in ("partnership", "decisions"):
        assert client.get(_url(name, workspace, hidden.pk)).status_code == 404, name
    # Even where a member of the workspace could act, the guest gets 404 first or 403.
    with scopes_disabled():
        hidden_member = hidden.members.first()
    assert client.get(_url("member_edit", workspace, hidden_member.pk)).status_code in (403, 404)


def test_the_guest_cannot_write_the_partnership(workspace, shared):
    share, _hidden = shared
    partnership = share.partnership
    client = client_for(share.membership)
    data = {"version": partnership.version, "name": "Renamed", "kind": partnership.kind_id}
    assert client.post(_url("partnership_edit", workspace, partnership.pk), data).status_code == 403
    assert client.post(_url("partnership_delete", workspace, partnership.pk)).status_code == 403
    assert client.post(_url("member_add", workspace, partnership.pk), {}).status_code == 403
    assert (
        client.post(_url("member_edit", workspace, share.member.pk), {"role": "lead"}).status_code
        == 403
    )
    with scopes_disabled():
        assert Partnership.objects.get(pk=partnership.pk).name == "Partagé"
    page = client.get(_url("partnership", workspace, partnership.pk)).content.decode()
    assert "Add a member" not in page and "Shared with" not in page


def test_a_manager_shares_and_stops_sharing(workspace, manager_client):
    member = PartnershipMemberFactory(partnership__workspace=workspace)
    partnership = member.partnership
    guest = MembershipFactory(workspace=workspace, role=Role.GUEST)
    page = manager_client.get(_url("partnership", workspace, partnership.pk)).content.decode()
    assert "Shared with" in page
    response = manager_client.post(
        _url("guest_share", workspace, partnership.pk),
        {"membership": guest.pk, "member": member.pk},
    )
    assert response.status_code == 302
    client = client_for(guest)
    assert client.get(_url("partnership", workspace, partnership.pk)).status_code == 200
    with scopes_disabled():
        share = PartnershipGuest.objects.get(partnership=partnership)
    manager_client.post(_url("guest_unshare", workspace, share.pk))
    assert client.get(_url("partnership", workspace, partnership.pk)).status_code == 404


def test_only_guests_and_members_of_the_partnership_are_offered(
    workspace, other_workspace, manager_client
):
    member = PartnershipMemberFactory(partnership__workspace=workspace)
    other_member = PartnershipMemberFactory(partnership__workspace=workspace)
    staff = MembershipFactory(workspace=workspace, role=Role.MEMBER)
    foreign_guest = MembershipFactory(workspace=other_workspace, role=Role.GUEST)
    url = _url("guest_share", workspace, member.partnership.pk)
    for data in (
        {"membership": staff.pk, "member": member.pk},
        {"membership": foreign_guest.pk, "member": member.pk},
    ):
        response = manager_client.post(url, data)
        assert "membership" in response.context["form"].errors
    guest = MembershipFactory(workspace=workspace, role=Role.GUEST)
    response = manager_client.post(url, {"membership": guest.pk, "member": other_member.pk})
    assert "member" in response.context["form"].errors


def test_a_member_of_the_workspace_cannot_share(workspace, member_client):
    member = PartnershipMemberFactory(partnership__workspace=workspace)
    guest = MembershipFactory(workspace=workspace, role=Role.GUEST)
    response = member_client.post(
        _url("guest_share", workspace, member.partnership.pk),
        {"membership": guest.pk, "member": member.pk},
    )
    assert response.status_code == 403
