"""Each check fires on a crafted case, with the amount at stake, and stays silent on a clean one."""

import datetime
from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from maillage.finance.checks import Kind, by_family, checks_for_agreement, run_checks
from maillage.finance.models import FundingAgreement
from tests.factories import (
    FundingAgreementFactory,
    FundingKeyFactory,
    InstalmentFactory,
    LedgerAllocationFactory,
    ProjectFactory,
    TimeEntryFactory,
)

from . import golden

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(workspace):
    """The golden case with a grant below the project's cost: nothing to report."""
    built = golden.build(workspace)
    update_agreement(built["region"].pk, amount_granted=1000)
    built["region"].amount_granted = Decimal(1000)
    return built


def update_agreement(pk, **changes):
    with scopes_disabled():
        FundingAgreement.objects.filter(pk=pk).update(**changes)


def findings(workspace, kind=None):
    with scope(workspace=workspace):
        found = run_checks(workspace)
    return [f for f in found if kind is None or f.kind == kind]


def test_a_clean_case_has_no_finding(workspace, case):
    assert findings(workspace) == []


def test_keys_above_100_percent_are_double_funding(workspace, case):
    third = FundingAgreementFactory(
        workspace=workspace,
        reference="ETAT-25",
        eligible_categories=["60", "62", "64"],
        amount_granted=100,
        projects=[case["project"]],
    )
    FundingKeyFactory(workspace=workspace, project=case["project"], agreement=third, share=40)
    found = findings(workspace, Kind.DOUBLE_FUNDING)
    assert len(found) == 1
    # Alice's 379.03 € and the tools' 500 € are charged at 110 %: 10 % of 879.03 €.
    assert found[0].amount == Decimal("87.90")
    assert found[0].agreement_ids == {case["region"].pk, case["foundation"].pk, third.pk}
    assert "110" in found[0].message


def test_a_line_allocated_twice_is_reported_with_its_excess(workspace, case):
    line = case["lines"]["6063"]
    other = ProjectFactory(workspace=workspace, code="AUTRE")
    LedgerAllocationFactory(workspace=workspace, line=line, project=other, share=60)
    found = findings(workspace, Kind.LINE_OVER_ALLOCATED)
    assert [(f.amount, f.project_ids) for f in found] == [
        (Decimal("300.00"), {case["project"].pk, other.pk})
    ]


def test_public_grants_above_the_cost_of_an_ended_project(workspace, case):
    update_agreement(case["region"].pk, amount_granted=20000)
    found = findings(workspace, Kind.PUBLIC_ABOVE_COST)
    # Actual cash charges: 379.03 + 101.92 + 500 + 500 + 300 = 1,780.95 €.
    assert [f.amount for f in found] == [Decimal("18219.05")]


def test_a_private_grant_above_the_cost_is_not_public_funding(workspace, case):
    update_agreement(case["foundation"].pk, amount_granted=50000)
    assert findings(workspace, Kind.PUBLIC_ABOVE_COST) == []


def test_charges_above_the_maximum_rate(workspace, case):
    with scope(workspace=workspace):
        key = case["region"].keys.get()
        key.share = 70
        key.save()
    found = findings(workspace, Kind.ABOVE_MAX_RATE)
    # 70 % of 1,379.03 € = 965.321 €, + 15 % of 70 % of Alice's 379.03 € = 39.79815 €:
    # 1,005.12 € charged; 50 % of 1,553.0925 € = 776.55 € allowed.
    assert [f.amount for f in found] == [Decimal("228.57")]


def test_a_cost_named_for_an_agreement_outside_its_period(workspace, case):
    TimeEntryFactory(
        workspace=workspace,
        person=case["alice"],
        project=case["project"],
        agreement=case["region"],
        date=datetime.date(2026, 1, 5),
        hours=7,
    )
    found = findings(workspace, Kind.OUTSIDE_PERIOD)
    assert [(f.amount, f.agreement_ids) for f in found] == [
        (Decimal("182.98"), {case["region"].pk})
    ]
    assert findings(workspace, Kind.INELIGIBLE_CATEGORY) == []


def test_a_cost_named_for_an_agreement_in_a_category_it_does_not_fund(workspace, case):
    line = case["lines"]["6811"]
    with scope(workspace=workspace):
        allocation = line.allocations.get()
        allocation.agreement = case["region"]
        allocation.save()
    found = findings(workspace, Kind.INELIGIBLE_CATEGORY)
    assert [f.amount for f in found] == [Decimal("300.00")]


def test_hours_above_the_week(workspace, case):
    for day in range(10, 15):  # Monday 10 to Friday 14 March: 5 × 8 h = 40 h
        TimeEntryFactory(
            workspace=workspace,
            person=case["alice"],
            project=case["project"],
            date=datetime.date(2025, 3, day),
            hours=8,
        )
    found = findings(workspace, Kind.HOURS_WEEK)
    assert [(f.amount, f.person_id) for f in found] == [(Decimal("130.70"), case["alice"].pk)]
    assert findings(workspace, Kind.HOURS_MONTH) == []


def test_hours_above_the_month(workspace, case):
    # Bob works 17.5 h a week, 3.5 h a weekday: 77 h in April 2025 (22 weekdays). 80 h in
    # April, never above a week's hours.
    day = datetime.date(2025, 4, 1)
    planned = [Decimal("3.5")] * 20 + [Decimal(10)]
    for hours in planned:
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        TimeEntryFactory(
            workspace=workspace, person=case["bob"], project=case["project"], date=day, hours=hours
        )
        day += datetime.timedelta(days=1)
    found = findings(workspace, Kind.HOURS_MONTH)
    assert len(found) == 1
    # 80 − 77 = 3 h × 31.36 = 94.08 €
    assert found[0].amount == Decimal("94.08")


def test_hours_on_days_without_a_contract(workspace, case):
    TimeEntryFactory(
        workspace=workspace,
        person=case["alice"],
        project=case["project"],
        date=datetime.date(2023, 6, 1),
        hours=3,
    )
    found = findings(workspace, Kind.OUTSIDE_CONTRACT)
    assert [f.person_id for f in found] == [case["alice"].pk]
    assert "3.00" in found[0].message


def test_instalments_above_the_grant(workspace, case):
    InstalmentFactory(workspace=workspace, agreement=case["foundation"], amount=8000)
    InstalmentFactory(workspace=workspace, agreement=case["foundation"], amount=2500)
    found = findings(workspace, Kind.INSTALMENTS_ABOVE_GRANT)
    assert [f.amount for f in found] == [Decimal("500.00")]


def test_findings_by_family_and_for_an_agreement(workspace, case):
    InstalmentFactory(workspace=workspace, agreement=case["foundation"], amount=10500)
    found = findings(workspace)
    families = {family["key"]: family for family in by_family(found)}
    assert families["instalments"]["amount"] == Decimal("500.00")
    assert families["double_funding"]["findings"] == []
    with scope(workspace=workspace):
        assert checks_for_agreement(case["foundation"], found) == found
        assert checks_for_agreement(case["region"], found) == []


# --- the page ------------------------------------------------------------------------------


def test_the_checks_page_lists_findings_by_family(workspace, case, member):
    from tests.conftest import client_for

    InstalmentFactory(workspace=workspace, agreement=case["foundation"], amount=10500)
    response = client_for(member).get(f"/w/{workspace.slug}/finance/checks/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 finding, €500.00 at stake." in page
    assert 'data-kind="instalments_above_grant"' in page
    assert "FONDATION-25: €10,500.00 received for €10,000.00 granted." in page


def test_the_clean_page_says_nothing_was_found(workspace, case, guest):
    from tests.conftest import client_for

    response = client_for(guest).get(f"/w/{workspace.slug}/finance/checks/")
    assert "No finding" in response.content.decode()


def test_the_findings_download_as_xlsx(workspace, case, member):
    from io import BytesIO

    from openpyxl import load_workbook

    from tests.conftest import client_for

    InstalmentFactory(workspace=workspace, agreement=case["foundation"], amount=10500)
    response = client_for(member).get(f"/w/{workspace.slug}/finance/checks/export.xlsx")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Check", "Finding", "Amount at stake (€)", "Items")
    assert rows[1][2] == 500


@pytest.mark.parametrize(
    ("year", "month", "weekdays"),
    [(2025, 4, 22), (2026, 2, 20), (2025, 12, 23), (2024, 2, 21), (2026, 11, 21)],
)
def test_weekdays_in_month(year, month, weekdays):
    from maillage.finance.checks import weekdays_in_month

    assert weekdays_in_month(year, month) == weekdays
