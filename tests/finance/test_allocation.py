"""The allocation engine on the golden case (tests/finance/golden.py) and on varied inputs."""

import datetime
from decimal import Decimal

import pytest
from django_scopes import scope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.finance import allocation
from maillage.finance.allocation import allocate_projects, project_actuals, split_rounded
from tests.factories import (
    ContractFactory,
    FundingKeyFactory,
    LedgerAllocationFactory,
    TimeEntryFactory,
)

from . import golden

pytestmark = pytest.mark.django_db


def allocate_agreement(agreement):
    """The engine's figures of one agreement over its projects and eligible period."""
    projects = list(agreement.projects.values_list("pk", flat=True))
    allocation = allocate_projects(
        agreement.workspace, projects, start=agreement.start_date, end=agreement.end_date
    )
    return allocation.figures[agreement.pk]


@pytest.fixture
def case(workspace):
    return golden.build(workspace)


def test_costs_of_the_golden_case(workspace, case):
    with scope(workspace=workspace):
        costs = allocation.project_costs(workspace, [case["project"].pk])
    by_person = {
        c.person_id: (c.hours, c.rate, c.amount, c.category, c.in_kind)
        for c in costs
        if c.source == "time"
    }
    assert by_person[case["alice"].pk] == (
        Decimal("14.50"),
        Decimal("26.14"),
        Decimal("379.0300"),
        "64",
        False,
    )
    assert by_person[case["bob"].pk] == (
        Decimal("3.25"),
        Decimal("31.36"),
        Decimal("101.9200"),
        "64",
        False,
    )
    assert by_person[case["vera"].pk] == (
        Decimal("4.00"),
        Decimal(15),
        Decimal("60.00"),
        "86",
        True,
    )
    ledger = sorted((c.category, c.amount) for c in costs if c.source == "ledger")
    assert ledger == [
        ("60", Decimal("500.00")),
        ("62", Decimal("500.00")),
        ("68", Decimal("300.00")),
        ("70", Decimal("2000.00")),
    ]


def test_region_figures_by_hand(workspace, case):
    with scope(workspace=workspace):
        figures = allocate_agreement(case["region"])
    assert figures.eligible_direct == Decimal("1480.95")
    assert figures.eligible_staff == Decimal("480.95")
    assert figures.eligible_indirect == Decimal("72.1425")
    assert figures.eligible_total == Decimal("1553.0925")
    assert figures.charged_direct == Decimal("551.612")
    assert figures.charged_indirect == Decimal("22.7418")
    assert figures.charged_total == Decimal("574.3538")
    assert figures.max_fundable == Decimal("776.54625")
    assert figures.claimable == Decimal("574.3538")
    assert figures.refused == []


def test_foundation_figures_by_hand(workspace, case):
    with scope(workspace=workspace):
        figures = allocate_agreement(case["foundation"])
    assert figures.eligible_direct == Decimal("980.95")
    assert figures.charged_direct == Decimal("365.629")
    assert figures.charged_indirect == 0
    assert figures.max_fundable is None
    # Bob's hours, named for the foundation, are charged to it in full.
    bob = [c for c in figures.charges if c.cost.person_id == case["bob"].pk]
    assert [(c.share, c.amount) for c in bob] == [(Decimal(100), Decimal("101.92"))]


def test_project_actuals_by_year_and_category(workspace, case):
    with scope(workspace=workspace):
        actuals = project_actuals(case["project"])
    assert actuals == {
        (2025, "64"): Decimal("480.95"),
        (2025, "86"): Decimal("60.00"),
        (2025, "87"): Decimal("60.00"),
        (2025, "60"): Decimal("500.00"),
        (2025, "62"): Decimal("500.00"),
        (2025, "68"): Decimal("300.00"),
        (2025, "70"): Decimal("2000.00"),
    }


def test_costs_outside_the_period_are_not_charged_by_keys(workspace, case):
    # Alice works on the project in January 2026, after both agreements' periods.
    TimeEntryFactory(
        workspace=workspace,
        person=case["alice"],
        project=case["project"],
        date=datetime.date(2025, 12, 31),
        hours=2,
    )
    with scope(workspace=workspace):
        figures = allocate_agreement(case["region"])
    # 2 h × 26.14 = 52.28 more eligible, 40 % of it charged.
    assert figures.eligible_direct == Decimal("1533.23")
    assert figures.charged_direct == Decimal("551.612") + Decimal("20.912")


def test_a_contract_change_mid_month_splits_the_rate(workspace, case):
    alice = case["alice"]
    with scope(workspace=workspace):
        contract = alice.contracts.get()
        contract.end_date = datetime.date(2025, 3, 3)
        contract.save()
    # From 4 March Alice earns more: (36,000 + 14,400) / 1,607 = 31.3628… → 31.36 €/h.
    ContractFactory(
        workspace=workspace,
        person=alice,
        start_date=datetime.date(2025, 3, 4),
        gross_annual_salary=Decimal("36000"),
        annual_employer_charges=Decimal("14400"),
    )
    with scope(workspace=workspace):
        costs = allocation.project_costs(workspace, [case["project"].pk])
    alice_costs = sorted(
        (c.start, c.hours, c.rate, c.amount) for c in costs if c.person_id == alice.pk
    )
    assert alice_costs == [
        (datetime.date(2025, 3, 3), Decimal("7.00"), Decimal("26.14"), Decimal("182.9800")),
        (datetime.date(2025, 3, 4), Decimal("7.50"), Decimal("31.36"), Decimal("235.2000")),
    ]


def test_keys_above_100_percent_are_reported_as_over_charged(workspace, case):
    third = golden.FundingAgreementFactory(
        workspace=workspace,
        reference="ETAT-25",
        eligible_categories=["60", "62", "64"],
        projects=[case["project"]],
    )
    FundingKeyFactory(workspace=workspace, project=case["project"], agreement=third, share=40)
    with scope(workspace=workspace):
        result = allocation.allocate_projects(workspace, [case["project"].pk])
    over = {(c.source, c.category): share for c, share in result.over_charged()}
    # Alice's hours (64) and the tools (60) are charged 40 + 30 + 40 = 110 %; the fees (62)
    # only 40 + 40 (the foundation does not fund 62); Bob's are named for the foundation.
    assert over == {("time", "64"): Decimal(110), ("ledger", "60"): Decimal(110)}


def test_a_line_split_across_projects_shares_its_amount(workspace, case):
    line = case["lines"]["6226"]
    other = golden.ProjectFactory(workspace=workspace, code="AUTRE")
    LedgerAllocationFactory(workspace=workspace, line=line, project=other, share=Decimal("50"))
    with scope(workspace=workspace):
        costs = allocation.project_costs(workspace, [case["project"].pk, other.pk])
    parts = [c.amount for c in costs if c.line_id == line.pk]
    assert sorted(parts) == [Decimal("500.00"), Decimal("500.00")]


@given(
    parts=st.lists(
        st.decimals(
            min_value=Decimal("-100000"),
            max_value=Decimal("100000"),
            places=6,
            allow_nan=False,
            allow_infinity=False,
        ),
        min_size=1,
        max_size=30,
    )
)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_split_rounded_parts_add_up_to_the_rounded_sides(parts):
    rounded = split_rounded(parts)
    assert len(rounded) == len(parts)
    assert all(r == r.quantize(Decimal("0.01")) for r in rounded)
    positives = [p for p in parts if p > 0]
    negatives = [p for p in parts if p < 0]
    plus = [r for r, p in zip(rounded, parts, strict=True) if p > 0]
    minus = [r for r, p in zip(rounded, parts, strict=True) if p < 0]
    from maillage.core.money import round_euro

    if positives:
        assert sum(plus) == round_euro(sum(positives))
    if negatives:
        assert sum(minus) == round_euro(sum(negatives))
    for r, p in zip(rounded, parts, strict=True):
        assert abs(r - p) < Decimal("0.02")
    if not negatives:
        assert sum(rounded) == round_euro(sum(parts))
