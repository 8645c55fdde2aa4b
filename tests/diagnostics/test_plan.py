"""The implementation plan: actions only from validated recommendations, exact totals, overdue
actions, progress updates, Gantt, filters, the action page, the share switch, query counts."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope

from maillage.diagnostics.choices import ActionStatus
from maillage.diagnostics.choices import RecommendationStatus as Status
from maillage.diagnostics.models import PlanAction
from maillage.diagnostics.selectors import plan as selectors
from maillage.diagnostics.services import plan as services
from tests.factories import (
    DimensionFactory,
    EngagementFactory,
    IndicatorFactory,
    PlanActionFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 7, 1)


def url(name, engagement, *more):
    return reverse(f"diagnostics:{name}", args=[engagement.workspace.slug, engagement.pk, *more])


@pytest.fixture
def engagement(workspace):
    return EngagementFactory(workspace=workspace)


def validated(engagement, status=Status.VALIDATED_BOARDS, **kwargs):
    dimension = kwargs.pop("dimension", None) or DimensionFactory(engagement=engagement)
    return RecommendationFactory(dimension=dimension, status=status, **kwargs)


def action_fields(reco, **more):
    return {
        "recommendation": reco,
        "title": "Rédiger la charte",
        "start_on": datetime.date(2026, 5, 1),
        "due_on": datetime.date(2026, 6, 30),
        "owner": "Directrice",
        **more,
    }


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (Status.PROPOSED, False),
        (Status.VALIDATED_DIRECTIONS, True),
        (Status.VALIDATED_BOARDS, True),
        (Status.REJECTED, False),
    ],
)
def test_actions_only_from_validated_recommendations(engagement, status, allowed):
    reco = validated(engagement, status=status)
    with scope(workspace=engagement.workspace):
        if allowed:
            assert services.action_create(engagement, user=None, **action_fields(reco)).pk
        else:
            with pytest.raises(ValidationError, match="validated by the directions or the boards"):
                services.action_create(engagement, user=None, **action_fields(reco))
            assert not PlanAction.objects.exists()


def test_deadline_before_start_and_foreign_links_refused(engagement):
    reco = validated(engagement)
    foreign_reco = validated(EngagementFactory(workspace=engagement.workspace))
    foreign_indicator = IndicatorFactory()
    with scope(workspace=engagement.workspace):
        with pytest.raises(ValidationError, match="deadline"):
            services.action_create(
                engagement, user=None, **action_fields(reco, due_on=datetime.date(2026, 4, 1))
            )
        with pytest.raises(ValidationError, match="this engagement"):
            services.action_create(engagement, user=None, **action_fields(foreign_reco))
        with pytest.raises(ValidationError, match="indicators of this workspace"):
            services.action_create(
                engagement, user=None, indicators=[foreign_indicator], **action_fields(reco)
            )
        assert not PlanAction.objects.exists()


def test_totals_are_exact(engagement):
    reco = validated(engagement)
    for days, amount in (("0.1", "1000.10"), ("0.2", "2000.20"), ("1.25", "0.01")):
        PlanActionFactory(recommendation=reco, resource_days=days, resource_amount=amount)
    with scope(workspace=engagement.workspace):
        totals = selectors.totals(selectors.actions(engagement))
    assert totals == {"days": Decimal("1.55"), "amount": Decimal("3000.31")}


def test_overdue_and_progress_updates(engagement):
    reco = validated(engagement)
    late = PlanActionFactory(recommendation=reco, due_on=datetime.date(2026, 6, 30))
    done = PlanActionFactory(
        recommendation=reco, due_on=datetime.date(2026, 6, 30), status=ActionStatus.DONE
    )
    future = PlanActionFactory(recommendation=reco, due_on=datetime.date(2026, 7, 1))
    with scope(workspace=engagement.workspace):
        assert selectors.is_overdue(late, TODAY)
        assert not selectors.is_overdue(done, TODAY)
        assert not selectors.is_overdue(future, TODAY)  # due today is not late yet
        assert list(selectors.actions(engagement, today=TODAY, overdue=True)) == [late]
        services.update_create(late, user=None, on=datetime.date(2026, 6, 1), progress=40, note="")
        late.refresh_from_db()
        assert (late.progress, late.status) == (40, ActionStatus.IN_PROGRESS)
        # An older update does not override the latest one.
        services.update_create(late, user=None, on=datetime.date(2026, 5, 1), progress=10)
        late.refresh_from_db()
        assert late.progress == 40
        final = services.update_create(late, user=None, on=datetime.date(2026, 6, 15), progress=100)
        late.refresh_from_db()
        assert (late.progress, late.status) == (100, ActionStatus.DONE)
        assert not selectors.is_overdue(late, TODAY)
        services.update_delete(final, user=None)
        late.refresh_from_db()
        assert (late.progress, late.status) == (40, ActionStatus.IN_PROGRESS)
        with pytest.raises(ValidationError):
            services.update_create(late, user=None, on=TODAY, progress=101)


def test_plan_page_filters_totals_gantt_and_overdue(member_client, engagement):
    governance = DimensionFactory(engagement=engagement, name="Gouvernance", position=0)
    hr = DimensionFactory(engagement=engagement, name="RH", position=1)
    r1 = validated(engagement, dimension=governance, title="Charte")
    r2 = validated(engagement, dimension=hr, title="GPEC", status=Status.VALIDATED_DIRECTIONS)
    PlanActionFactory(
        recommendation=r1,
        title="Old",
        start_on=datetime.date(2020, 1, 1),
        due_on=datetime.date(2020, 2, 1),
        resource_amount="100.50",
    )
    PlanActionFactory(
        recommendation=r2,
        title="New",
        start_on=datetime.date(2099, 1, 1),
        due_on=datetime.date(2099, 3, 1),
        resource_amount="0.25",
    )
    response = member_client.get(url("plan", engagement))
    assert response.status_code == 200
    content = response.content.decode()
    assert response.context["totals"]["amount"] == Decimal("100.75")
    assert len(response.context["overdue"]) == 1 and "overdue" in content
    assert 'role="img"' in content and "Implementation plan (Gantt)" in content
    assert [g.name for g in response.context["gantt"].groups] == ["Gouvernance", "RH"]
    by_reco = member_client.get(url("plan", engagement), {"group": "recommendation"})
    assert [g.name for g in by_reco.context["gantt"].groups] == ["Charte", "GPEC"]
    filtered = member_client.get(url("plan", engagement), {"dimension": hr.pk})
    assert [a.title for a in filtered.context["actions"]] == ["New"]
    assert filtered.context["totals"]["amount"] == Decimal("0.25")
    overdue = member_client.get(url("plan", engagement), {"overdue": "on"})
    assert [a.title for a in overdue.context["actions"]] == ["Old"]


def test_action_page_and_update_through_views(member_client, engagement):
    action = PlanActionFactory(recommendation=validated(engagement))
    indicator = IndicatorFactory(workspace=engagement.workspace)
    with scope(workspace=engagement.workspace):
        action.indicators.add(indicator)
    page = member_client.get(
        reverse("diagnostics:plan_action", args=[engagement.workspace.slug, action.pk])
    )
    assert page.status_code == 200 and indicator.name in page.content.decode()
    response = member_client.post(
        url("plan_update_create", engagement, action.pk),
        {"on": "2026-06-01", "progress": "60", "note": "Charte en relecture"},
    )
    assert response.status_code == 302
    with scope(workspace=engagement.workspace):
        action.refresh_from_db()
    assert action.progress == 60
    response = member_client.post(
        url("plan_update_create", engagement, action.pk), {"on": "2026-06-01", "progress": "160"}
    )
    assert response.status_code == 200


def test_action_create_and_stale_edit(member_client, engagement):
    reco = validated(engagement)
    indicator = IndicatorFactory(workspace=engagement.workspace)
    data = {
        "version": 1,
        "recommendation": reco.pk,
        "title": "Former les équipes",
        "priority": 1,
        "start_on": "2026-05-01",
        "due_on": "2026-06-30",
        "owner": "DRH",
        "indicators": [indicator.pk],
        "resource_days": "3.5",
        "resource_amount": "1200.00",
        "status": "to_do",
    }
    response = member_client.post(url("plan_action_create", engagement), data)
    assert response.status_code == 302
    with scope(workspace=engagement.workspace):
        action = PlanAction.objects.get(title="Former les équipes")
        assert list(action.indicators.all()) == [indicator]
    data["version"] = action.version + 3
    response = member_client.post(url("plan_action_edit", engagement, action.pk), data)
    assert response.status_code == 409
    proposed = validated(engagement, status=Status.PROPOSED)
    data.update(version=1, recommendation=proposed.pk, title="X")
    response = member_client.post(url("plan_action_create", engagement), data)
    assert response.status_code == 200  # not a choice


def test_share_switch_is_for_managers(member_client, manager_client, engagement):
    response = member_client.post(url("plan_share", engagement), {"share": "on"})
    assert response.status_code == 403
    response = manager_client.post(url("plan_share", engagement), {"share": "on"})
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.plan_shared
    token = engagement.plan_share_token
    manager_client.post(url("plan_share", engagement), {"share": "new"})
    engagement.refresh_from_db()
    assert engagement.plan_share_token != token
    manager_client.post(url("plan_share", engagement), {"share": "off"})
    engagement.refresh_from_db()
    assert not engagement.plan_shared


def test_plan_page_query_count_is_constant(member_client, engagement):
    reco = validated(engagement)

    def add(n):
        for _ in range(n):
            action = PlanActionFactory(recommendation=reco)
            with scope(workspace=engagement.workspace):
                action.indicators.add(IndicatorFactory(workspace=engagement.workspace))

    add(2)
    with CaptureQueriesContext(connection) as small:
        member_client.get(url("plan", engagement))
    add(28)
    with CaptureQueriesContext(connection) as large:
        assert len(member_client.get(url("plan", engagement)).context["actions"]) == 30
    assert len(large) == len(small)


def test_plan_page_shows_50_actions_a_page_and_keeps_the_filters(member_client, engagement):
    reco = validated(engagement)
    PlanActionFactory.create_batch(51, recommendation=reco, status=ActionStatus.TO_DO)
    PlanActionFactory(recommendation=reco, status=ActionStatus.DONE)
    first = member_client.get(url("plan", engagement), {"status": "to_do"})
    assert len(first.context["actions"]) == 50
    assert first.context["page_obj"].paginator.count == 51
    assert len(first.context["gantt"].bars) == 51  # the Gantt draws the whole filtered plan
    assert "status=to_do&amp;page=2" in first.content.decode()
    second = member_client.get(url("plan", engagement), {"status": "to_do", "page": 2})
    assert len(second.context["actions"]) == 1
    assert second.context["totals"] == first.context["totals"]


def test_foreign_action_page_is_404(member_client, engagement):
    foreign = PlanActionFactory()
    response = member_client.get(
        reverse("diagnostics:plan_action", args=[engagement.workspace.slug, foreign.pk])
    )
    assert response.status_code == 404
    assert member_client.get(url("plan_action_edit", engagement, foreign.pk)).status_code == 404
