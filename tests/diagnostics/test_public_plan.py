"""The read-only share link of the validated plan: 404 when off or unknown, only actions of
boards-validated recommendations, no notes."""

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope

from maillage.diagnostics.choices import RecommendationStatus as Status
from maillage.diagnostics.services import plan as services
from tests.factories import (
    ActionUpdateFactory,
    DimensionFactory,
    EngagementFactory,
    PlanActionFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db


def public_url(token):
    return reverse("diagnostics_public:plan", args=[token])


@pytest.fixture
def plan():
    engagement = EngagementFactory(plan_shared=True)
    dimension = DimensionFactory(engagement=engagement)
    boards = RecommendationFactory(
        dimension=dimension, status=Status.VALIDATED_BOARDS, title="Validée par les CA"
    )
    directions = RecommendationFactory(
        dimension=dimension, status=Status.VALIDATED_DIRECTIONS, title="Validée par les DG"
    )
    shown = PlanActionFactory(recommendation=boards, title="Action visible", owner="Claire M.")
    PlanActionFactory(recommendation=directions, title="Action en attente")
    ActionUpdateFactory(action=shown, note="Note interne confidentielle")
    return engagement


def test_shows_only_boards_validated_actions_without_notes(plan):
    response = Client().get(public_url(plan.plan_share_token))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Action visible" in content and "Claire M." in content
    assert "Action en attente" not in content and "Validée par les DG" not in content
    assert "Note interne confidentielle" not in content
    assert 'role="img"' in content


def test_off_unknown_or_replaced_link_is_404(plan):
    client = Client()
    assert client.get(public_url("not-a-token")).status_code == 404
    token = plan.plan_share_token
    with scope(workspace=plan.workspace):
        services.new_share_link(plan, user=None)
    assert client.get(public_url(token)).status_code == 404
    assert client.get(public_url(plan.plan_share_token)).status_code == 200
    with scope(workspace=plan.workspace):
        services.set_plan_sharing(plan, user=None, shared=False)
    assert client.get(public_url(plan.plan_share_token)).status_code == 404


def test_other_engagements_plans_do_not_leak(plan):
    other = EngagementFactory(plan_shared=True)
    reco = RecommendationFactory(
        dimension=DimensionFactory(engagement=other), status=Status.VALIDATED_BOARDS
    )
    PlanActionFactory(recommendation=reco, title="Action d'un autre")
    content = Client().get(public_url(plan.plan_share_token)).content.decode()
    assert "Action d'un autre" not in content
