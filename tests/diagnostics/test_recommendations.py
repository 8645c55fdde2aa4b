"""The recommendations' validation workflow (every allowed and refused transition, sequences by
hypothesis), frozen content, links within the engagement, filters, page query count."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.core.audit import Action
from maillage.core.exceptions import StaleObjectError
from maillage.diagnostics.choices import Priority
from maillage.diagnostics.choices import RecommendationStatus as Status
from maillage.diagnostics.models import Recommendation
from maillage.diagnostics.services import recommendations as services
from tests.factories import (
    DimensionFactory,
    EngagementFactory,
    FindingFactory,
    PlanActionFactory,
    RecommendationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D1 = datetime.date(2026, 6, 1)
D2 = datetime.date(2026, 6, 20)


def url(name, engagement, *more):
    return reverse(f"diagnostics:{name}", args=[engagement.workspace.slug, engagement.pk, *more])


def move(reco, step, **kwargs):
    with scope(workspace=reco.workspace):
        return services.transition(reco, step, user=None, expected_version=reco.version, **kwargs)


ARGS = {
    "directions": {"by": "A. Dupont, B. Martin", "on": D1},
    "boards": {"by": "Conseils d'administration", "on": D2},
    "reject": {"reason": "Hors périmètre", "on": D2},
    "reopen": {},
}
ALLOWED = {
    Status.PROPOSED: {"directions": Status.VALIDATED_DIRECTIONS, "reject": Status.REJECTED},
    Status.VALIDATED_DIRECTIONS: {
        "boards": Status.VALIDATED_BOARDS,
        "reject": Status.REJECTED,
        "reopen": Status.PROPOSED,
    },
    Status.VALIDATED_BOARDS: {"reopen": Status.PROPOSED},
    Status.REJECTED: {"reopen": Status.PROPOSED},
}


def reco_in(status, workspace=None):
    if workspace is None:
        reco = RecommendationFactory()
    else:
        engagement = EngagementFactory(workspace=workspace)
        reco = RecommendationFactory(dimension=DimensionFactory(engagement=engagement))
    path = {
        Status.PROPOSED: [],
        Status.VALIDATED_DIRECTIONS: ["directions"],
        Status.VALIDATED_BOARDS: ["directions", "boards"],
        Status.REJECTED: ["reject"],
    }[status]
    for step in path:
        move(reco, step, **ARGS[step])
    assert reco.status == status
    return reco


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("step", list(ARGS))
def test_every_transition_allowed_or_refused(status, step):
    reco = reco_in(status)
    before = reco.version
    if step in ALLOWED[status]:
        move(reco, step, **ARGS[step])
        assert reco.status == ALLOWED[status][step]
        assert reco.version == before + 1
    else:
        with pytest.raises(ValidationError):
            move(reco, step, **ARGS[step])
        with scope(workspace=reco.workspace):
            reco.refresh_from_db()
        assert reco.status == status and reco.version == before


def test_boards_before_directions_says_so():
    reco = RecommendationFactory()
    with pytest.raises(ValidationError, match="The directions validate first"):
        move(reco, "boards", **ARGS["boards"])


def test_who_and_when_are_kept_and_required():
    reco = RecommendationFactory()
    with pytest.raises(ValidationError, match="who validated"):
        move(reco, "directions", by="  ", on=D1)
    move(reco, "directions", **ARGS["directions"])
    with pytest.raises(ValidationError, match="before the directions"):
        move(reco, "boards", by="CA", on=D1 - datetime.timedelta(days=1))
    move(reco, "boards", **ARGS["boards"])
    assert reco.directions_validated_by == "A. Dupont, B. Martin"
    assert reco.directions_validated_on == D1
    assert reco.boards_validated_on == D2
    move(reco, "reopen")
    assert reco.directions_validated_on is None and reco.boards_validated_by == ""


def test_reject_needs_a_reason():
    reco = RecommendationFactory()
    with pytest.raises(ValidationError, match="why it is rejected"):
        move(reco, "reject", reason="", on=D1)
    move(reco, "reject", **ARGS["reject"])
    assert reco.rejection_reason == "Hors périmètre" and reco.rejected_on == D2


def test_every_transition_is_audited():
    from maillage.core.models import AuditEvent

    reco = RecommendationFactory()
    move(reco, "directions", **ARGS["directions"])
    with scope(workspace=reco.workspace):
        events = AuditEvent.objects.filter(
            object_id=str(reco.pk), object_type__icontains="recommendation", action=Action.UPDATE
        )
        assert events.count() == 1
        assert events.get().changes["status"] == ["proposed", "directions"]


def test_stale_transition_is_refused():
    reco = RecommendationFactory()
    with scope(workspace=reco.workspace), pytest.raises(StaleObjectError):
        services.transition(
            reco, "directions", user=None, expected_version=reco.version + 1, by="X", on=D1
        )


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=st.lists(st.sampled_from(list(ARGS)), max_size=8))
def test_any_sequence_follows_the_table(steps):
    reco = RecommendationFactory()
    status = Status.PROPOSED
    for step in steps:
        if step in ALLOWED[status]:
            move(reco, step, **ARGS[step])
            status = ALLOWED[status][step]
        else:
            with pytest.raises(ValidationError):
                move(reco, step, **ARGS[step])
        assert reco.status == status
        # Never validated by the boards without the directions.
        assert not (reco.boards_validated_on and not reco.directions_validated_on)


def test_content_frozen_once_validated(member_client, workspace):
    reco = reco_in(Status.VALIDATED_DIRECTIONS, workspace)
    engagement = reco.engagement
    data = {
        "version": reco.version,
        "dimension": reco.dimension_id,
        "title": "Autre titre",
        "priority": Priority.HIGH,
    }
    response = member_client.post(url("recommendation_edit", engagement, reco.pk), data)
    assert response.status_code == 200
    assert "Send it back to proposed first" in response.content.decode()
    move(reco, "reopen")
    data["version"] = reco.version
    response = member_client.post(url("recommendation_edit", engagement, reco.pk), data)
    assert response.status_code == 302
    with scope(workspace=reco.workspace):
        reco.refresh_from_db()
    assert reco.title == "Autre titre" and reco.status == Status.PROPOSED


def test_reopen_or_reject_refused_with_plan_actions():
    reco = reco_in(Status.VALIDATED_DIRECTIONS)
    PlanActionFactory(recommendation=reco)
    for step in ("reopen", "reject"):
        with pytest.raises(ValidationError, match="plan actions"):
            move(reco, step, **ARGS[step])


def test_create_links_findings_and_target_scenario(member_client):
    from tests.factories import ScenarioFactory

    engagement = EngagementFactory()
    dimension = DimensionFactory(engagement=engagement)
    finding = FindingFactory(dimension=dimension)
    scenario = ScenarioFactory(engagement=engagement)
    foreign = FindingFactory()  # another engagement
    with scope(workspace=engagement.workspace):
        engagement.target_scenario = scenario
        engagement.save()
    client = member_client
    response = client.post(
        url("recommendation_create", engagement),
        {
            "version": 1,
            "dimension": dimension.pk,
            "title": "Mutualiser la comptabilité",
            "priority": Priority.HIGH,
            "scenario": scenario.pk,
            "findings": [finding.pk],
        },
    )
    # The fixture member belongs to `workspace`, not this engagement's: expect 404.
    assert response.status_code == 404
    with scope(workspace=engagement.workspace):
        reco = services.recommendation_create(
            engagement, user=None, dimension=dimension, title="T", findings=[finding]
        )
        assert reco.scenario == scenario
        assert list(reco.findings.all()) == [finding]
        with pytest.raises(ValidationError):
            services.recommendation_create(
                engagement, user=None, dimension=dimension, title="T", findings=[foreign]
            )


def test_pages_workflow_filters_and_query_count(member_client, workspace):
    engagement = EngagementFactory(workspace=workspace)
    governance = DimensionFactory(engagement=engagement, name="Gouvernance")
    culture = DimensionFactory(engagement=engagement, name="Cultures")
    reco = RecommendationFactory(dimension=governance, priority=Priority.HIGH, title="Charte")
    RecommendationFactory(dimension=culture, priority=Priority.LOW, title="Séminaire")
    page = member_client.get(url("recommendation", engagement, reco.pk))
    assert page.status_code == 200
    response = member_client.post(
        url("recommendation_workflow", engagement, reco.pk),
        {"version": reco.version, "step": "boards", "by": "CA", "on": "2026-06-01"},
    )
    assert response.status_code == 200
    assert "The directions validate first" in response.content.decode()
    response = member_client.post(
        url("recommendation_workflow", engagement, reco.pk),
        {"version": reco.version, "step": "directions", "by": "", "on": "2026-06-01"},
    )
    assert "Say who validated" in response.content.decode()
    response = member_client.post(
        url("recommendation_workflow", engagement, reco.pk),
        {"version": reco.version, "step": "directions", "by": "DG", "on": "2026-06-01"},
    )
    assert response.status_code == 302
    response = member_client.post(
        url("recommendation_workflow", engagement, reco.pk),
        {"version": reco.version, "step": "boards", "by": "CA", "on": "2026-06-02"},
    )
    assert response.status_code == 409  # the version moved with the directions' validation
    listing = url("recommendations", engagement)
    titles = lambda r: [x.title for x in r.context["recommendations"]]  # noqa: E731
    assert titles(member_client.get(listing)) == ["Charte", "Séminaire"]
    assert titles(member_client.get(listing, {"status": "directions"})) == ["Charte"]
    assert titles(member_client.get(listing, {"priority": Priority.LOW})) == ["Séminaire"]
    assert titles(member_client.get(listing, {"dimension": culture.pk})) == ["Séminaire"]

    with CaptureQueriesContext(connection) as small:
        member_client.get(listing)
    for _ in range(28):
        r = RecommendationFactory(dimension=governance)
        r.findings.add(FindingFactory(dimension=governance))
    with CaptureQueriesContext(connection) as large:
        assert len(member_client.get(listing).context["recommendations"]) == 30
    assert len(large) == len(small)


def test_guest_cannot_validate(guest_client, workspace):
    reco = RecommendationFactory(
        dimension=DimensionFactory(engagement=EngagementFactory(workspace=workspace))
    )
    response = guest_client.post(
        url("recommendation_workflow", reco.engagement, reco.pk),
        {"version": reco.version, "step": "directions", "by": "X"},
    )
    assert response.status_code == 403
    with scope(workspace=workspace):
        assert Recommendation.objects.get(pk=reco.pk).status == Status.PROPOSED


def test_cross_engagement_recommendation_is_404(member_client, workspace):
    engagement = EngagementFactory(workspace=workspace)
    other = RecommendationFactory(
        dimension=DimensionFactory(engagement=EngagementFactory(workspace=workspace))
    )
    assert member_client.get(url("recommendation", engagement, other.pk)).status_code == 404
    assert member_client.get(url("recommendation_edit", engagement, other.pk)).status_code == 404


def test_user_unused():
    assert UserFactory is not None
