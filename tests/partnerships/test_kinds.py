"""The kinds tab: list (defaults once), add, rename, reorder, delete refused while used."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from maillage.partnerships.choices import DEFAULT_KINDS
from maillage.partnerships.models import PartnershipKind
from tests.factories import PartnershipFactory, PartnershipKindFactory

pytestmark = pytest.mark.django_db


def _url(name, workspace, *args):
    return reverse(f"partnerships:{name}", args=[workspace.slug, *args])


def _names(workspace):
    with scopes_disabled():
        return list(
            PartnershipKind.objects.filter(workspace=workspace).values_list("name", flat=True)
        )


def test_the_list_starts_with_the_default_kinds(workspace, manager_client):
    response = manager_client.get(_url("kinds", workspace))
    assert response.status_code == 200
    assert len(_names(workspace)) == len(DEFAULT_KINDS)
    assert "Advocacy alliance" in response.content.decode()


def test_add_rename_and_reorder(workspace, manager_client):
    PartnershipKindFactory(workspace=workspace, name="Mécénat", position=0)
    response = manager_client.post(
        _url("kind_create", workspace), {"version": 1, "name": "  Coopétition  "}
    )
    assert response.status_code == 302
    with scopes_disabled():
        kind = PartnershipKind.objects.get(workspace=workspace, name="Coopétition")
    assert kind.position == 1  # appended at the end
    response = manager_client.post(
        _url("kind_edit", workspace, kind.pk),
        {"version": kind.version, "name": "Coopétition locale", "position": 0},
    )
    assert response.status_code == 302
    with scopes_disabled():
        kind.refresh_from_db()
    assert (kind.name, kind.position) == ("Coopétition locale", 0)
    assert _names(workspace) == ["Coopétition locale", "Mécénat"]


def test_a_duplicate_name_is_refused(workspace, manager_client):
    PartnershipKindFactory(workspace=workspace, name="Mécénat")
    response = manager_client.post(
        _url("kind_create", workspace), {"version": 1, "name": "MÉCÉNAT"}
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


def test_a_stale_rename_is_409(workspace, manager_client):
    kind = PartnershipKindFactory(workspace=workspace)
    response = manager_client.post(
        _url("kind_edit", workspace, kind.pk), {"version": kind.version + 1, "name": "Autre"}
    )
    assert response.status_code == 409


def test_delete_is_refused_while_a_partnership_has_the_kind(workspace, manager_client):
    partnership = PartnershipFactory(workspace=workspace, name="Alliance anti-gaspi")
    kind = partnership.kind
    response = manager_client.post(
        _url("kind_delete", workspace, kind.pk), {"version": kind.version}, follow=True
    )
    text = response.content.decode()
    assert "Alliance anti-gaspi" in text and "give it another kind first" in text
    with scopes_disabled():
        assert PartnershipKind.objects.filter(pk=kind.pk).exists()
    unused = PartnershipKindFactory(workspace=workspace)
    manager_client.post(_url("kind_delete", workspace, unused.pk), {"version": unused.version})
    with scopes_disabled():
        assert not PartnershipKind.objects.filter(pk=unused.pk).exists()


def test_members_read_the_list_managers_edit_it(workspace, member_client):
    assert member_client.get(_url("kinds", workspace)).context["form"] is None
    response = member_client.post(_url("kind_create", workspace), {"version": 1, "name": "X"})
    assert response.status_code == 403


def test_the_partnership_form_offers_the_workspace_kinds_in_order(
    workspace, other_workspace, member_client
):
    PartnershipKindFactory(workspace=workspace, name="Zèbre", position=0)
    PartnershipKindFactory(workspace=workspace, name="Alpaga", position=1)
    PartnershipKindFactory(workspace=other_workspace, name="Ailleurs")
    form = member_client.get(_url("partnership_create", workspace)).context["form"]
    with scopes_disabled():
        assert [k.name for k in form.fields["kind"].queryset] == ["Zèbre", "Alpaga"]
