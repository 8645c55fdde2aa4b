"""The CERFA 15059 report model on the golden case: every number by hand, and reconciliations."""

from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.finance.models import LedgerAllocation
from maillage.finance.reports.cerfa import build_report
from tests.factories import (
    BudgetLineFactory,
    FunderFactory,
    LedgerAllocationFactory,
    LedgerLineFactory,
    VarianceExplanationFactory,
)

from . import golden

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def case(workspace):
    return golden.build(workspace)


def report_of(workspace, agreement):
    with scope(workspace=workspace):
        return build_report(agreement)


def amounts(lines):
    return {line.key: line.actual for line in lines}


def test_charges_and_products_of_the_region_report(workspace, case):
    report = report_of(workspace, case["region"])
    assert amounts(report.charges) == {
        "60": D("500.00"),
        "61": D("0"),
        "62": D("500.00"),
        "63": D("0"),
        "64": D("480.95"),
        "65": D("0"),
        "66": D("0"),
        "67": D("0"),
        "68": D("300.00"),
        "indirect": D("72.14"),
    }
    assert report.charges_total.actual == D("1853.09")
    assert report.in_kind_use.actual == D("60.00")
    products = amounts(report.products)
    assert products["70"] == D("2000.00")
    # What each funder can claim for the period: the Region 574.35 €, the foundation 365.63 €.
    assert products["74:region"] == D("574.35")
    assert products["74:private"] == D("365.63")
    assert products["74"] == D("939.98")
    assert report.products_total.actual == D("2939.98")
    assert report.in_kind_source.actual == D("60.00")
    assert report.balance == D("1086.89")
    assert (report.eligible, report.charged, report.claimable) == (
        D("1553.09"),
        D("574.35"),
        D("574.35"),
    )


def test_every_line_drills_down_to_items_that_add_up(workspace, case):
    report = report_of(workspace, case["region"])
    for line in [*report.charges, report.in_kind_use, *report.products]:
        if line.drill:
            assert sum(item.amount for item in line.drill) == line.actual
    staff = next(line for line in report.charges if line.key == "64")
    assert [(i.label, i.hours, i.rate, i.amount) for i in staff.drill] == [
        ("Alice Martin", D("14.50"), D("26.14"), D("379.03")),
        ("Bob Petit", D("3.25"), D("31.36"), D("101.92")),
    ]
    fees = next(line for line in report.charges if line.key == "62")
    assert [(i.account, i.share, i.amount) for i in fees.drill] == [
        ("6226", D("50.00"), D("500.00"))
    ]


def test_the_funding_plan_adds_up_by_category(workspace, case):
    report = report_of(workspace, case["region"])
    rows = {row.category: row for row in report.funding}
    foundation = case["foundation"].pk
    assert (rows["60"].this, rows["60"].others[foundation], rows["60"].own) == (
        D("200.00"),
        D("150.00"),
        D("150.00"),
    )
    assert (rows["62"].this, rows["62"].others[foundation], rows["62"].own) == (
        D("200.00"),
        D("0.00"),
        D("300.00"),
    )
    # 64: 151.612 / 215.629 / 113.709 exact → 151.61 / 215.63 / 113.71 (largest remainder).
    assert (rows["64"].this, rows["64"].others[foundation], rows["64"].own) == (
        D("151.61"),
        D("215.63"),
        D("113.71"),
    )
    for row in report.funding:
        assert row.this + sum(row.others.values()) + row.own == row.total


def test_the_cost_lines_reconcile_with_the_ledger_to_the_cent(workspace, case):
    report = report_of(workspace, case["region"])
    with scopes_disabled():
        expected = sum(
            a.line.amount * a.share / 100
            for a in LedgerAllocation.objects.filter(project=case["project"])
            if a.line.category in {"60", "61", "62", "63", "64", "65", "66", "67", "68"}
        )
    assert report.ledger_total == expected == D("1300.00")


def test_planned_amounts_variances_and_explanations(workspace, case):
    project = case["project"]
    BudgetLineFactory(workspace=workspace, project=project, category="60", amount=450)
    BudgetLineFactory(workspace=workspace, project=project, category="62", amount=1000)
    BudgetLineFactory(workspace=workspace, project=project, category="64", amount=500)
    region_funder = case["region"].funder
    BudgetLineFactory(
        workspace=workspace, project=project, category="74", amount=600, funder=region_funder
    )
    private = FunderFactory(workspace=workspace, source="private_organisations", level="other")
    BudgetLineFactory(
        workspace=workspace, project=project, category="74", amount=400, funder=private
    )
    VarianceExplanationFactory(
        workspace=workspace, agreement=case["region"], line="62", text="Honoraires partagés."
    )
    report = report_of(workspace, case["region"])
    lines = {line.key: line for line in report.lines}
    # 60: 500 for 450 planned, +11.1 %, under the 15 % threshold.
    assert (lines["60"].ratio, lines["60"].needs_explanation) == (D("111.1"), False)
    # 62: 500 for 1,000, −50 %: explained.
    assert (lines["62"].needs_explanation, lines["62"].explanation) == (
        True,
        "Honoraires partagés.",
    )
    # 64: 480.95 for 500, −3.8 %; indirect planned at 15 % of 500 = 75.
    assert lines["64"].needs_explanation is False
    assert lines["indirect"].planned == D("75.00")
    assert lines["74:region"].planned == D("600.00")
    assert lines["74:private"].planned == D("400.00")
    assert lines["74"].planned == D("1000.00")
    # 68 was not planned: its 300 € must be explained, like 70 and the in-kind lines.
    missing = {line.key for line in report.missing_explanations}
    assert {"68", "70", "86", "87"} <= missing
    assert "62" not in missing and "60" not in missing


@given(
    shares=st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=4),
    cents=st.lists(st.integers(min_value=-50_000_00, max_value=50_000_00), min_size=1, max_size=6),
)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_lines_always_add_up_whatever_the_ledger(workspace, case, shares, cents):
    project = case["project"]
    created = []
    for index, amount in enumerate(cents):
        value = D(abs(amount)) / 100
        line = LedgerLineFactory(
            workspace=workspace,
            account_number="6064",
            category="60",
            debit=value if amount >= 0 else D(0),
            credit=value if amount < 0 else D(0),
            entry_date=golden.MARCH.replace(day=12),
        )
        created.append(line)
        share = shares[index % len(shares)]
        LedgerAllocationFactory(workspace=workspace, line=line, project=project, share=share)
    try:
        report = report_of(workspace, case["region"])
        for line in report.charges:
            if line.key != "indirect":  # a rate, not items
                assert sum((item.amount for item in line.drill), D(0)) == line.actual
        assert report.charges_total.actual == sum(line.actual for line in report.charges)
        for row in report.funding:
            assert row.this + sum(row.others.values()) + row.own == row.total
    finally:
        with scopes_disabled():
            for line in created:
                line.delete()
