"""Scenarios scored on weighted criteria: CRUD, the grid (all or nothing, 409 when stale), the
weighted scores and ranking of a hand-computed case through the page, sensitivity, target."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scope

from maillage.diagnostics.models import Criterion, Scenario, ScenarioScore
from maillage.diagnostics.services import scenarios as services
from maillage.diagnostics.services.defaults import ensure_defaults
from tests.conftest import client_for
from tests.factories import (
    CriterionFactory,
    EngagementFactory,
    MembershipFactory,
    ScenarioFactory,
    ScenarioScoreFactory,
)

pytestmark = pytest.mark.django_db


def url(name, engagement, *more):
    return reverse(f"diagnostics:{name}", args=[engagement.workspace.slug, engagement.pk, *more])


@pytest.fixture
def engagement(workspace):
    return EngagementFactory(workspace=workspace)


@pytest.fixture
def case(engagement):
    """Two criteria (60 %, 40 %), three scenarios; by hand:
    A = (0.6×5 + 0.4×1) = 3.40; B = (0.6×3 + 0.4×4) = 3.40 → tie, A listed first;
    C = (0.6×2 + 0.4×5) = 3.20. With weights 70/40 ≈ 63.6/36.4 %: A = 3.5455, B = 3.3636,
    C = 3.0909. Ranking A, B, C."""
    a = ScenarioFactory(engagement=engagement, name="A", position=0)
    b = ScenarioFactory(engagement=engagement, name="B", position=1)
    c = ScenarioFactory(engagement=engagement, name="C", position=2)
    impact = CriterionFactory(engagement=engagement, name="Impact", weight=60, position=0)
    cost = CriterionFactory(engagement=engagement, name="Cost", weight=40, position=1)
    for scenario, (s1, s2) in ((a, (5, 1)), (b, (3, 4)), (c, (2, 5))):
        ScenarioScoreFactory(scenario=scenario, criterion=impact, score=s1)
        ScenarioScoreFactory(scenario=scenario, criterion=cost, score=s2)
    return {"a": a, "b": b, "c": c, "impact": impact, "cost": cost}


def test_page_shows_hand_computed_scores_ranking_and_sensitivity(member_client, engagement, case):
    response = member_client.get(url("scenarios", engagement))
    assert response.status_code == 200
    rows = {row["scenario"].name: row for row in response.context["rows"]}
    assert rows["A"]["weighted"] == Decimal("3.40")
    assert rows["B"]["weighted"] == Decimal("3.40")
    assert rows["C"]["weighted"] == Decimal("3.20")
    assert [s.name for s in response.context["ranking"]] == ["A", "B", "C"]
    # Impact −20 %: 48/40 → A = (48×5+40)/88 = 3.18, B = (144+160)/88 = 3.45: B first.
    breaks = response.context["breaks"]
    assert any(
        r.criterion.name == "Impact" and r.percent == -20 and not r.top_holds for r in breaks
    )
    content = response.content.decode()
    assert "The ranking changes with:" in content
    assert "Sensitivity" in content
    assert "scenario-scores" in content  # the chart


def test_ranking_holds_message(member_client, engagement):
    a = ScenarioFactory(engagement=engagement, name="Strong")
    b = ScenarioFactory(engagement=engagement, name="Weak")
    for weight in (50, 50):
        criterion = CriterionFactory(engagement=engagement, weight=weight)
        ScenarioScoreFactory(scenario=a, criterion=criterion, score=5)
        ScenarioScoreFactory(scenario=b, criterion=criterion, score=1)
    response = member_client.get(url("scenarios", engagement))
    assert "The ranking holds for every ±20 % change" in response.content.decode()
    assert len(response.context["sensitivity"]) == 4


def test_weights_not_adding_up_are_flagged_and_normalised(member_client, engagement, case):
    with scope(workspace=engagement.workspace):
        Criterion.objects.filter(pk=case["impact"].pk).update(weight=70)
    response = member_client.get(url("scenarios", engagement))
    content = response.content.decode()
    assert "The weights add up to 110 %, not 100 %" in content
    rows = {row["scenario"].name: row for row in response.context["rows"]}
    assert rows["A"]["weighted"] == Decimal("3.55")  # (70×5 + 40×1) ÷ 110 = 3.5454…
    assert rows["B"]["weighted"] == Decimal("3.36")
    assert rows["C"]["weighted"] == Decimal("3.09")


def test_incomplete_grid_has_no_weighted_score(member_client, engagement, case):
    with scope(workspace=engagement.workspace):
        ScenarioScore.objects.filter(scenario=case["c"], criterion=case["cost"]).delete()
    response = member_client.get(url("scenarios", engagement))
    rows = {row["scenario"].name: row for row in response.context["rows"]}
    assert rows["C"]["weighted"] is None and rows["C"]["rank"] is None
    assert response.context["sensitivity"] == []
    assert "5 of 6 scores given" in response.content.decode()


def _grid_post(engagement, scores, stamp, why="because"):
    data = {"stamp": stamp}
    for (scenario, criterion), value in scores.items():
        data[f"score_{scenario.pk}_{criterion.pk}"] = value
        data[f"why_{scenario.pk}_{criterion.pk}"] = why
    return data


def test_grid_saves_all_cells(member_client, engagement):
    a = ScenarioFactory(engagement=engagement, name="A")
    b = ScenarioFactory(engagement=engagement, name="B")
    x = CriterionFactory(engagement=engagement, weight=50)
    y = CriterionFactory(engagement=engagement, weight=50)
    page = member_client.get(url("scenario_scores", engagement))
    stamp = page.context["form"].initial["stamp"]
    scores = {(a, x): 5, (a, y): 4, (b, x): 2, (b, y): 1}
    response = member_client.post(
        url("scenario_scores", engagement), _grid_post(engagement, scores, stamp)
    )
    assert response.status_code == 302
    with scope(workspace=engagement.workspace):
        saved = {(s.scenario_id, s.criterion_id): s.score for s in ScenarioScore.objects.all()}
        assert saved == {(s.pk, c.pk): v for (s, c), v in scores.items()}
        assert ScenarioScore.objects.get(scenario=a, criterion=x).rationale == "because"


def test_grid_is_all_or_nothing(member_client, engagement):
    a = ScenarioFactory(engagement=engagement, name="A")
    x = CriterionFactory(engagement=engagement, name="X")
    y = CriterionFactory(engagement=engagement, name="Y")
    stamp = member_client.get(url("scenario_scores", engagement)).context["form"].initial["stamp"]
    response = member_client.post(
        url("scenario_scores", engagement), _grid_post(engagement, {(a, x): 5, (a, y): ""}, stamp)
    )
    assert response.status_code == 200
    assert "Give a score from 1 to 5." in response.content.decode()
    with scope(workspace=engagement.workspace):
        assert not ScenarioScore.objects.exists()
        with pytest.raises(Exception, match="Give a score"):
            services.save_grid(engagement, {(a.pk, x.pk): (5, "")}, user=None)
        assert not ScenarioScore.objects.exists()


def test_grid_saved_meanwhile_is_409(member_client, engagement):
    a = ScenarioFactory(engagement=engagement)
    x = CriterionFactory(engagement=engagement)
    score = ScenarioScoreFactory(scenario=a, criterion=x, score=2)
    stamp = member_client.get(url("scenario_scores", engagement)).context["form"].initial["stamp"]
    with scope(workspace=engagement.workspace):
        services.save_grid(engagement, {(a.pk, x.pk): (4, "")}, user=None)
    response = member_client.post(
        url("scenario_scores", engagement), _grid_post(engagement, {(a, x): 5}, stamp)
    )
    assert response.status_code == 409
    with scope(workspace=engagement.workspace):
        score.refresh_from_db()
        assert score.score == 4


def test_scenario_and_criterion_crud(member_client, engagement):
    response = member_client.post(
        url("scenario_create", engagement),
        {"version": 1, "name": "Fusion", "description": "Une seule structure", "impacts": "Coûts"},
    )
    assert response.status_code == 302
    response = member_client.post(
        url("criterion_create", engagement), {"version": 1, "name": "Coût", "weight": "12.5"}
    )
    assert response.status_code == 302
    with scope(workspace=engagement.workspace):
        scenario = Scenario.objects.get(name="Fusion")
        criterion = Criterion.objects.get(name="Coût")
        assert criterion.weight == Decimal("12.5")
    # Duplicate name refused, naming the field.
    response = member_client.post(
        url("scenario_create", engagement), {"version": 1, "name": "fusion"}
    )
    assert response.status_code == 200 and "already in the list" in response.content.decode()
    # Weight above 100 refused.
    response = member_client.post(
        url("criterion_edit", engagement, criterion.pk),
        {"version": criterion.version, "name": "Coût", "weight": "120", "position": 0},
    )
    assert response.status_code == 200
    # Stale edit: 409.
    response = member_client.post(
        url("scenario_edit", engagement, scenario.pk),
        {"version": scenario.version + 5, "name": "Merger", "position": 0},
    )
    assert response.status_code == 409
    response = member_client.post(
        url("scenario_edit", engagement, scenario.pk), {"version": scenario.version, "delete": "1"}
    )
    assert response.status_code == 302
    with scope(workspace=engagement.workspace):
        assert not Scenario.objects.filter(pk=scenario.pk).exists()


def test_defaults_listed_in_order(member_client, engagement, member):
    with scope(workspace=engagement.workspace):
        ensure_defaults(engagement, user=member.user, language="en")
    response = member_client.get(url("scenarios", engagement))
    assert [s.name for s in response.context["scenarios"]] == [
        "Status quo improved",
        "Integrated alliance with shared services",
        "Joint structure",
        "Merger",
    ]
    assert response.context["weight_total"] == 100
    assert "not 100 %" not in response.content.decode()


def test_target_scenario_needs_a_rationale(member_client, engagement, case):
    target = url("scenario_target", engagement)
    response = member_client.post(
        target, {"version": engagement.version, "target_scenario": case["b"].pk}
    )
    assert response.status_code == 200
    assert "Say why this scenario is the target" in response.content.decode()
    response = member_client.post(
        target,
        {
            "version": engagement.version,
            "target_scenario": case["b"].pk,
            "target_rationale": "Plus réaliste",
        },
    )
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.target_scenario_id == case["b"].pk
    page = member_client.get(url("scenarios", engagement)).content.decode()
    assert "Plus réaliste" in page and "not the best-ranked scenario" in page
    # Another engagement's scenario is not a choice.
    other = ScenarioFactory(engagement=EngagementFactory(workspace=engagement.workspace))
    response = member_client.post(
        target,
        {"version": engagement.version, "target_scenario": other.pk, "target_rationale": "x"},
    )
    assert response.status_code == 200
    engagement.refresh_from_db()
    assert engagement.target_scenario_id == case["b"].pk
    # Stale: 409.
    response = member_client.post(
        target,
        {"version": 1, "target_scenario": case["a"].pk, "target_rationale": "x"},
    )
    assert response.status_code == 409


def test_guest_reads_but_does_not_write(guest_client, engagement, case):
    assert guest_client.get(url("scenarios", engagement)).status_code == 200
    assert guest_client.post(url("scenario_create", engagement), {"name": "X"}).status_code == 403
    assert (
        "Score the scenarios" not in guest_client.get(url("scenarios", engagement)).content.decode()
    )


def test_other_workspace_scenario_is_404(member_client, engagement):
    foreign = ScenarioFactory()
    response = member_client.get(url("scenario_edit", engagement, foreign.pk))
    assert response.status_code == 404
    intruder = client_for(MembershipFactory(workspace=foreign.workspace))
    assert intruder.get(url("scenarios", engagement)).status_code == 404


def test_scenarios_page_query_count_is_constant(member_client, engagement):
    """2 scenarios or 10, same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    criteria = [CriterionFactory(engagement=engagement, weight=25) for _ in range(4)]

    def add(n, score):
        for _ in range(n):
            scenario = ScenarioFactory(engagement=engagement)
            for criterion in criteria:
                ScenarioScoreFactory(scenario=scenario, criterion=criterion, score=score)

    add(2, 3)
    with CaptureQueriesContext(connection) as small:
        member_client.get(url("scenarios", engagement))
    add(8, 4)
    with CaptureQueriesContext(connection) as large:
        member_client.get(url("scenarios", engagement))
    assert len(large) == len(small)
