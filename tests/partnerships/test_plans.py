"""The experiment plan and the MasterPlan (seed 001): one form each, work axes in order,
results as indicators followed for the partnership with their targets, the retro-planning's
Gantt chart, rituals and governance roles."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from hypothesis import given
from hypothesis import strategies as st

from maillage.impact.models import Target, TrackedIndicator
from maillage.partnerships.models import (
    AxisResult,
    ExperimentPlan,
    GovernanceRole,
    MasterPlan,
    Milestone,
    Ritual,
    WorkAxis,
)
from maillage.partnerships.services import plans as services
from tests.conftest import client_for
from tests.factories import (
    AxisResultFactory,
    GovernanceRoleFactory,
    IndicatorFactory,
    MasterPlanFactory,
    MeasurementFactory,
    MilestoneFactory,
    PartnershipFactory,
    PartnershipGuestFactory,
    PartnershipMemberFactory,
    RitualFactory,
    TrackedIndicatorFactory,
    UserFactory,
    WorkAxisFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def url(name, partnership, *args):
    return reverse(f"partnerships:{name}", args=[partnership.workspace.slug, partnership.pk, *args])


def fetch(model, **lookup):
    with scopes_disabled():
        return list(model.objects.filter(**lookup).order_by("pk"))


@pytest.fixture
def partnership(workspace):
    return PartnershipFactory(workspace=workspace)


@pytest.fixture
def plan(partnership):
    return MasterPlanFactory(partnership=partnership, starts_on=D(2026, 1, 15))


@pytest.fixture
def indicator(workspace):
    return IndicatorFactory(workspace=workspace, frequency="month", direction="increase")


# --- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "horizon", "end"),
    [
        (D(2026, 1, 15), 3, D(2026, 4, 14)),
        (D(2026, 1, 1), 3, D(2026, 3, 31)),
        (D(2026, 1, 1), 6, D(2026, 6, 30)),
        (D(2025, 11, 30), 3, D(2026, 2, 27)),  # 30 Feb does not exist: 28 Feb − 1 day
        (D(2026, 8, 31), 6, D(2027, 2, 27)),
    ],
)
def test_result_period(start, horizon, end):
    assert services.result_period(start, horizon) == (start, end)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 1, 1)), st.sampled_from([3, 6]))
def test_result_period_is_about_horizon_months(start, horizon):
    first, last = services.result_period(start, horizon)
    assert first == start
    assert 28 * horizon - 3 <= (last - first).days + 1 <= 31 * horizon + 1
    assert services.add_months(start, 12) - start in (
        datetime.timedelta(days=365),
        datetime.timedelta(days=366),
        datetime.timedelta(days=364),
    )


# --- experiment plan and MasterPlan ---------------------------------------------------------


def test_experiment_plan_is_one_form(member_client, partnership):
    response = member_client.post(
        url("experiment_edit", partnership),
        {
            "version": 1,
            "tests": ["joint_offer", "simple_actions"],
            "tools": ["workshop", "masterplan"],
            "description": "Deux ateliers communs",
            "success_criteria": "  Deux ateliers tenus \n\n Retours positifs ",
            "start_date": "2026-02-01",
            "end_date": "2026-05-31",
            "learnings": "",
        },
    )
    assert response.status_code == 302
    (plan,) = fetch(ExperimentPlan, partnership=partnership)
    assert plan.tests == ["simple_actions", "joint_offer"]  # in the choices' order
    assert plan.tools == ["workshop", "masterplan"]
    assert plan.criteria_list == ["Deux ateliers tenus", "Retours positifs"]
    page = member_client.get(url("plans", partnership)).content.decode()
    assert "Test a joint offer" in page and "Workshop" in page and "Retours positifs" in page

    bad = member_client.post(
        url("experiment_edit", partnership),
        {"version": plan.version, "start_date": "2026-05-01", "end_date": "2026-04-01"},
    )
    assert bad.status_code == 200
    assert "end_date" in bad.context["form"].errors
    with scope(workspace=partnership.workspace):  # someone else saves meanwhile
        services.experiment_save(partnership, user=UserFactory(), learnings="Beaucoup")
    stale = member_client.post(
        url("experiment_edit", partnership), {"version": plan.version, "description": "x"}
    )
    assert stale.status_code == 409


def test_masterplan_form_and_page(member_client, partnership):
    response = member_client.post(
        url("masterplan_edit", partnership),
        {
            "version": 1,
            "starts_on": "2026-03-01",
            "purpose": "Rendre la culture accessible",
            "vision_6_months": "Un lieu ouvert",
            "vision_1_year": "Deux lieux",
            "vision_3_years": "Un réseau",
            "processes": "Décisions à l'unanimité au comité",
        },
    )
    assert response.status_code == 302
    (plan,) = fetch(MasterPlan, partnership=partnership)
    assert plan.starts_on == D(2026, 3, 1)
    page = member_client.get(url("plans", partnership)).content.decode()
    for text in ("Rendre la culture accessible", "Un lieu ouvert", "Un réseau", "unanimité"):
        assert text in page


# --- axes and results ------------------------------------------------------------------------


def test_axes_crud_and_order(member_client, partnership):
    for name in ("Production", "Communication", "Financement"):
        response = member_client.post(url("axis_create", partnership), {"version": 1, "name": name})
        assert response.status_code == 302
    axes = fetch(WorkAxis, partnership=partnership)
    assert [(a.name, a.position) for a in axes] == [
        ("Production", 0),
        ("Communication", 1),
        ("Financement", 2),
    ]
    member_client.post(url("axis_move", partnership, axes[2].pk), {"direction": "up"})
    member_client.post(url("axis_move", partnership, axes[0].pk), {"direction": "up"})  # first
    with scopes_disabled():
        ordered = list(WorkAxis.objects.filter(partnership=partnership).order_by("position"))
    assert [a.name for a in ordered] == ["Production", "Financement", "Communication"]
    page = member_client.get(url("plans", partnership)).content.decode()
    assert page.index("Financement") < page.index("Communication")

    axis = ordered[1]
    response = member_client.post(
        url("axis_edit", partnership, axis.pk),
        {"version": axis.version, "name": "Finances", "description": "Budget commun"},
    )
    assert response.status_code == 302
    response = member_client.post(
        url("axis_edit", partnership, axis.pk), {"version": axis.version + 1, "delete": "1"}
    )
    assert response.status_code == 302
    assert [a.name for a in fetch(WorkAxis, partnership=partnership)] == [
        "Production",
        "Communication",
    ]


def add_result(client, partnership, axis, indicator, **data):
    return client.post(
        url("result_create", partnership, axis.pk),
        {
            "version": 1,
            "horizon": 3,
            "indicator": indicator.pk,
            "target_value": "120",
            "how_measured": "Feuilles d'émargement",
            **data,
        },
    )


def test_result_follows_the_indicator_and_sets_its_target(
    member_client, partnership, plan, indicator
):
    axis = WorkAxisFactory(partnership=partnership)
    response = add_result(member_client, partnership, axis, indicator)
    assert response.status_code == 302
    (result,) = fetch(AxisResult, partnership=partnership)
    (tracked,) = fetch(TrackedIndicator, indicator=indicator)
    assert (tracked.subject_kind, tracked.subject_id) == ("partnership", partnership.pk)
    target = fetch(Target, pk=result.target_id)[0]
    assert target.tracked_id == tracked.pk
    assert (target.period_start, target.period_end) == (D(2026, 1, 15), D(2026, 4, 14))
    assert target.value == Decimal("120")
    assert result.how_measured == "Feuilles d'émargement"

    # A new value, then a new horizon: the same target is rewritten, not duplicated.
    response = member_client.post(
        url("result_edit", partnership, result.pk),
        {
            "version": result.version,
            "horizon": 6,
            "indicator": indicator.pk,
            "target_value": "300",
            "how_measured": "",
        },
    )
    assert response.status_code == 302
    (target,) = fetch(Target, tracked=tracked)
    assert (target.period_end, target.value) == (D(2026, 7, 14), Decimal("300"))

    # The MasterPlan's start moves: the target follows.
    with scope(workspace=partnership.workspace):
        services.masterplan_save(
            partnership, user=UserFactory(), starts_on=D(2026, 2, 1), expected_version=None
        )
    (target,) = fetch(Target, tracked=tracked)
    assert (target.period_start, target.period_end) == (D(2026, 2, 1), D(2026, 7, 31))

    # Deleting the result deletes its target; the indicator stays followed.
    result = fetch(AxisResult, pk=result.pk)[0]
    response = member_client.post(
        url("result_edit", partnership, result.pk), {"version": result.version, "delete": "1"}
    )
    assert response.status_code == 302
    assert fetch(AxisResult, partnership=partnership) == []
    assert fetch(Target, tracked=tracked) == []
    assert fetch(TrackedIndicator, indicator=indicator)


def test_changing_the_indicator_moves_the_target(member_client, partnership, plan, indicator):
    axis = WorkAxisFactory(partnership=partnership)
    add_result(member_client, partnership, axis, indicator)
    (result,) = fetch(AxisResult, partnership=partnership)
    other = IndicatorFactory(workspace=partnership.workspace, frequency="quarter")
    response = member_client.post(
        url("result_edit", partnership, result.pk),
        {"version": result.version, "horizon": 3, "indicator": other.pk, "target_value": "5"},
    )
    assert response.status_code == 302
    assert fetch(Target, indicator=indicator) == []
    (target,) = fetch(Target, indicator=other)
    assert fetch(AxisResult, pk=result.pk)[0].target_id == target.pk


def test_result_needs_the_masterplan_start(member_client, partnership, indicator):
    axis = WorkAxisFactory(partnership=partnership)
    response = add_result(member_client, partnership, axis, indicator)
    assert response.status_code == 200
    assert "start date first" in str(response.context["form"].non_field_errors())
    assert fetch(AxisResult, partnership=partnership) == []
    assert fetch(TrackedIndicator, indicator=indicator) == []  # nothing half-written


def test_result_target_must_fit_the_indicator_kind(member_client, partnership, plan, workspace):
    axis = WorkAxisFactory(partnership=partnership)
    quantitative = IndicatorFactory(workspace=workspace)
    response = add_result(member_client, partnership, axis, quantitative, target_value="")
    assert "Give the target value" in str(response.context["form"].errors["target_value"])
    qualitative = IndicatorFactory(workspace=workspace, kind="qualitative", unit="")
    response = add_result(member_client, partnership, axis, qualitative, target_value="3")
    assert "qualitative" in str(response.context["form"].errors["target_value"])
    response = add_result(
        member_client, partnership, axis, qualitative, target_value="", target_text="Des liens"
    )
    assert response.status_code == 302
    assert fetch(Target, indicator=qualitative)[0].text == "Des liens"
    assert fetch(AxisResult, partnership=partnership)[0].indicator_id == qualitative.pk


def test_same_indicator_twice_at_one_horizon_is_refused(partnership, plan, indicator):
    one, two = WorkAxisFactory(partnership=partnership), WorkAxisFactory(partnership=partnership)
    user = UserFactory()
    with scope(workspace=partnership.workspace):
        services.result_create(one, user=user, indicator=indicator, horizon=3, target_value=1)
        with pytest.raises(ValidationError) as error:
            services.result_create(two, user=user, indicator=indicator, horizon=3, target_value=2)
        assert "indicator" in error.value.error_dict
        services.result_create(two, user=user, indicator=indicator, horizon=6, target_value=2)
    assert len(fetch(Target, indicator=indicator)) == 2


def test_indicator_of_another_workspace_is_refused(member_client, partnership, plan):
    axis = WorkAxisFactory(partnership=partnership)
    foreign = IndicatorFactory()
    response = add_result(member_client, partnership, axis, foreign)
    assert response.status_code == 200
    assert "indicator" in response.context["form"].errors


def test_progress_is_the_latest_measurement_in_the_period(
    member_client, partnership, plan, indicator
):
    axis = WorkAxisFactory(partnership=partnership, name="Accueil")
    add_result(member_client, partnership, axis, indicator, target_value="100")
    (tracked,) = fetch(TrackedIndicator, indicator=indicator)
    for month, value in ((1, 30), (2, 60), (5, 500)):  # May is after the 3-month period
        start = D(2026, month, 1)
        MeasurementFactory(
            workspace=partnership.workspace,
            tracked=tracked,
            period_start=start,
            period_end=services.add_months(start, 1) - datetime.timedelta(days=1),
            value=value,
        )
    MeasurementFactory(  # the same indicator for the workspace: another subject, ignored
        workspace=partnership.workspace,
        tracked=TrackedIndicatorFactory(indicator=indicator, workspace=partnership.workspace),
        period_start=D(2026, 3, 1),
        period_end=D(2026, 3, 31),
        value=999,
    )
    page = member_client.get(url("plans", partnership))
    (item,) = page.context["axes"][0].three
    assert item.actual.value == 60
    assert item.progress.percent == 60
    assert item.progress.status == "behind"
    html = page.content.decode()
    assert 'value="60"' in html and "behind target" in html


# --- milestones, rituals, governance ---------------------------------------------------------


def test_milestone_crud_and_gantt(member_client, partnership):
    axis = WorkAxisFactory(partnership=partnership, name="Production")
    response = member_client.post(
        url("milestone_create", partnership),
        {
            "version": 1,
            "name": "Premier atelier",
            "axis": axis.pk,
            "start_date": "2026-02-01",
            "due_date": "2026-02-28",
            "owner": "Claire",
        },
    )
    assert response.status_code == 302
    (milestone,) = fetch(Milestone, partnership=partnership)
    assert (milestone.axis_id, milestone.owner) == (axis.pk, "Claire")
    bad = member_client.post(
        url("milestone_edit", partnership, milestone.pk),
        {
            "version": milestone.version,
            "name": "x",
            "start_date": "2026-03-01",
            "due_date": "2026-02-01",
        },
    )
    assert bad.status_code == 200
    assert "due_date" in bad.context["form"].errors
    done = member_client.post(
        url("milestone_edit", partnership, milestone.pk),
        {
            "version": milestone.version,
            "name": "Premier atelier",
            "axis": axis.pk,
            "start_date": "2026-02-01",
            "due_date": "2026-02-28",
            "done_on": "2026-02-27",
        },
    )
    assert done.status_code == 302
    page = member_client.get(url("plans", partnership)).content.decode()
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg and "viewBox" in svg
    assert "style=" not in svg
    assert "Premier atelier" in svg and "Production" in svg
    assert 'fill="#198754"' in svg  # done
    assert "Done on" in page  # the data table alongside
    response = member_client.post(
        url("milestone_edit", partnership, milestone.pk),
        {"version": milestone.version + 1, "delete": "1"},
    )
    assert response.status_code == 302
    assert fetch(Milestone, partnership=partnership) == []


def test_milestone_axis_of_another_partnership_is_refused(partnership, workspace):
    foreign_axis = WorkAxisFactory(partnership=PartnershipFactory(workspace=workspace))
    with scope(workspace=workspace), pytest.raises(ValidationError):
        services.milestone_create(
            partnership, user=UserFactory(), name="x", due_date=D(2026, 1, 1), axis=foreign_axis
        )


def test_rituals_and_roles_crud(member_client, partnership):
    member = PartnershipMemberFactory(partnership=partnership, actor__name="Atelier Solidaire")
    response = member_client.post(
        url("ritual_create", partnership),
        {
            "version": 1,
            "name": "Comité de pilotage",
            "frequency": "monthly",
            "purpose": "Décider",
            "participants": "Les deux directions",
        },
    )
    assert response.status_code == 302
    response = member_client.post(
        url("governance_create", partnership),
        {
            "version": 1,
            "person": "Claire Martin",
            "responsibility": "Coordination",
            "member": member.pk,
        },
    )
    assert response.status_code == 302
    page = member_client.get(url("plans", partnership)).content.decode()
    for text in ("Comité de pilotage", "Every month", "Claire Martin", "Atelier Solidaire"):
        assert text in page
    (ritual,) = fetch(Ritual, partnership=partnership)
    (role,) = fetch(GovernanceRole, partnership=partnership)
    response = member_client.post(
        url("ritual_edit", partnership, ritual.pk),
        {"version": ritual.version, "name": "COPIL", "frequency": "quarterly"},
    )
    assert response.status_code == 302
    assert fetch(Ritual, partnership=partnership)[0].name == "COPIL"
    member_client.post(
        url("ritual_edit", partnership, ritual.pk), {"version": ritual.version + 1, "delete": "1"}
    )
    member_client.post(
        url("governance_edit", partnership, role.pk), {"version": role.version, "delete": "1"}
    )
    assert fetch(Ritual, partnership=partnership) == []
    assert fetch(GovernanceRole, partnership=partnership) == []


def test_role_member_of_another_partnership_is_refused(member_client, partnership, workspace):
    foreign = PartnershipMemberFactory(partnership=PartnershipFactory(workspace=workspace))
    response = member_client.post(
        url("governance_create", partnership),
        {"version": 1, "person": "X", "responsibility": "Y", "member": foreign.pk},
    )
    assert response.status_code == 200
    assert "member" in response.context["form"].errors


# --- access ----------------------------------------------------------------------------------


def test_guest_reads_the_plans_but_writes_nothing(partnership):
    share = PartnershipGuestFactory(partnership=partnership)
    axis = WorkAxisFactory(partnership=partnership)
    client = client_for(share.membership)
    page = client.get(url("plans", partnership))
    assert page.status_code == 200
    assert url("axis_create", partnership) not in page.content.decode()
    assert client.post(url("axis_edit", partnership, axis.pk), {"name": "x"}).status_code == 403
    assert client.post(url("masterplan_edit", partnership), {"version": 1}).status_code == 403


def test_child_of_another_partnership_is_404(member_client, partnership, workspace):
    other = PartnershipFactory(workspace=workspace)
    axis = WorkAxisFactory(partnership=other)
    assert member_client.get(url("axis_edit", partnership, axis.pk)).status_code == 404
    milestone = MilestoneFactory(partnership=other)
    assert member_client.get(url("milestone_edit", partnership, milestone.pk)).status_code == 404
    ritual = RitualFactory(partnership=other)
    assert member_client.get(url("ritual_edit", partnership, ritual.pk)).status_code == 404


# --- query count -----------------------------------------------------------------------------


def _fill(partnership, count):
    start = D(2026, 1, 5)
    for i in range(count):
        axis = WorkAxisFactory(partnership=partnership)
        indicator = IndicatorFactory(workspace=partnership.workspace)
        tracked = TrackedIndicatorFactory(
            workspace=partnership.workspace,
            indicator=indicator,
            subject_kind="partnership",
            subject_id=partnership.pk,
        )
        with scopes_disabled():
            target = Target.objects.create(
                workspace=partnership.workspace,
                tracked=tracked,
                indicator=indicator,
                period_start=start,
                period_end=D(2026, 4, 4),
                value=10,
            )
        AxisResultFactory(axis=axis, indicator=indicator, target=target)
        MeasurementFactory(
            tracked=tracked,
            workspace=partnership.workspace,
            period_start=D(2026, 1, 1),
            period_end=D(2026, 3, 31),
            value=i,
        )
        MilestoneFactory(partnership=partnership, axis=axis)
        RitualFactory(partnership=partnership)
        GovernanceRoleFactory(
            partnership=partnership, member=PartnershipMemberFactory(partnership=partnership)
        )


def _count(client, partnership):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("plans", partnership))
    assert response.status_code == 200
    return len(queries)


def test_plans_page_query_count_is_constant(member_client, workspace):
    small, large = PartnershipFactory(workspace=workspace), PartnershipFactory(workspace=workspace)
    for partnership in (small, large):
        MasterPlanFactory(partnership=partnership)
    _fill(small, 2)
    _fill(large, 30)
    _count(member_client, small)  # warm the session and caches
    assert _count(member_client, small) == _count(member_client, large)


def test_canvas_page_query_count_is_constant(member_client, workspace):
    from tests.factories import CanvasEntryFactory

    small, large = PartnershipFactory(workspace=workspace), PartnershipFactory(workspace=workspace)
    for partnership, count in ((small, 2), (large, 30)):
        for _ in range(count):
            CanvasEntryFactory(member=PartnershipMemberFactory(partnership=partnership))
    _count_canvas = lambda p: _count_url(member_client, url("canvas", p))  # noqa: E731
    _count_canvas(small)
    assert _count_canvas(small) == _count_canvas(large)


def _count_url(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)
