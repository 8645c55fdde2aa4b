"""Dimensions: add, rename, describe, reorder; delete refused while findings or
recommendations use them; 409 when stale; other engagements' dimensions are 404."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from maillage.diagnostics.models import Dimension
from maillage.diagnostics.services import engagements as services
from tests.factories import (
    DimensionFactory,
    EngagementFactory,
    FindingFactory,
    RecommendationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def url(name, workspace, *args):
    return reverse(f"diagnostics:{name}", args=[workspace.slug, *args])


def names(engagement):
    with scopes_disabled():
        return list(
            Dimension.objects.filter(engagement=engagement)
            .order_by("position", "id")
            .values_list("name", flat=True)
        )


@pytest.fixture
def engagement(workspace):
    engagement = EngagementFactory(workspace=workspace)
    for position, name in enumerate(["A", "B", "C"]):
        DimensionFactory(engagement=engagement, name=name, position=position)
    return engagement


def test_add_rename_describe(member_client, workspace, engagement):
    response = member_client.post(
        url("dimension_create", workspace, engagement.pk),
        {"version": 1, "name": "D", "description": ""},
    )
    assert response.status_code == 302
    assert names(engagement) == ["A", "B", "C", "D"]
    with scopes_disabled():
        d = Dimension.objects.get(engagement=engagement, name="D")
    response = member_client.post(
        url("dimension_edit", workspace, engagement.pk, d.pk),
        {"version": 1, "name": "Culture", "description": "Les cultures organisationnelles"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        d.refresh_from_db()
    assert (d.name, d.description) == ("Culture", "Les cultures organisationnelles")
    page = member_client.get(url("dimensions", workspace, engagement.pk)).content.decode()
    assert "Les cultures organisationnelles" in page


def test_duplicate_name_is_refused(member_client, workspace, engagement):
    response = member_client.post(
        url("dimension_create", workspace, engagement.pk),
        {"version": 1, "name": "A", "description": ""},
    )
    assert response.status_code == 200
    assert "already in the list" in response.content.decode()
    assert names(engagement) == ["A", "B", "C"]


def test_reorder(member_client, workspace, engagement):
    with scopes_disabled():
        c = Dimension.objects.get(engagement=engagement, name="C")
    move = url("dimension_move", workspace, engagement.pk, c.pk)
    member_client.post(move, {"direction": "up", "version": c.version})
    assert names(engagement) == ["A", "C", "B"]
    with scopes_disabled():
        c.refresh_from_db()
    member_client.post(move, {"direction": "up", "version": c.version})
    assert names(engagement) == ["C", "A", "B"]
    with scopes_disabled():
        c.refresh_from_db()
    member_client.post(move, {"direction": "up", "version": c.version})  # already first
    assert names(engagement) == ["C", "A", "B"]
    with scopes_disabled():
        a = Dimension.objects.get(engagement=engagement, name="A")
    member_client.post(
        url("dimension_move", workspace, engagement.pk, a.pk),
        {"direction": "down", "version": a.version},
    )
    assert names(engagement) == ["C", "B", "A"]


def test_delete_refused_while_used(member_client, workspace, engagement):
    with scopes_disabled():
        a, b = (Dimension.objects.get(engagement=engagement, name=n) for n in "AB")
    FindingFactory(dimension=a)
    RecommendationFactory(dimension=b)
    for dimension in (a, b):
        response = member_client.post(
            url("dimension_edit", workspace, engagement.pk, dimension.pk),
            {"version": 1, "delete": "1"},
        )
        assert response.status_code == 400
        assert "cannot be deleted" in response.content.decode()
    assert names(engagement) == ["A", "B", "C"]
    with scopes_disabled(), pytest.raises(Exception, match="cannot be deleted"):
        services.dimension_delete(a, user=UserFactory())


def test_delete_unused(member_client, workspace, engagement):
    with scopes_disabled():
        c = Dimension.objects.get(engagement=engagement, name="C")
    response = member_client.post(
        url("dimension_edit", workspace, engagement.pk, c.pk), {"version": 1, "delete": "1"}
    )
    assert response.status_code == 302
    assert names(engagement) == ["A", "B"]


def test_stale_rename_is_409(member_client, workspace, engagement):
    with scopes_disabled():
        a = Dimension.objects.get(engagement=engagement, name="A")
        services.dimension_update(a, user=UserFactory(), expected_version=1, name="A2")
    response = member_client.post(
        url("dimension_edit", workspace, engagement.pk, a.pk),
        {"version": 1, "name": "Mine", "description": ""},
    )
    assert response.status_code == 409
    assert names(engagement)[0] == "A2"


def test_another_engagements_dimension_is_404(member_client, workspace, engagement):
    other = DimensionFactory(engagement=EngagementFactory(workspace=workspace))
    response = member_client.get(url("dimension_edit", workspace, engagement.pk, other.pk))
    assert response.status_code == 404
    response = member_client.post(
        url("dimension_move", workspace, engagement.pk, other.pk), {"direction": "up"}
    )
    assert response.status_code == 404


def test_guest_cannot_edit(guest_client, workspace, engagement):
    assert guest_client.get(url("dimensions", workspace, engagement.pk)).status_code == 200
    response = guest_client.post(
        url("dimension_create", workspace, engagement.pk), {"version": 1, "name": "X"}
    )
    assert response.status_code == 403
