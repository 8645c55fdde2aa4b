"""The project P&L and funding plan: the golden case by hand, years, caps shared between
projects and years, the page (permissions, chart) and the XLSX read back."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from maillage.core.money import round_euro
from maillage.finance.allocation import allocate_projects
from maillage.finance.models import Project
from maillage.finance.reports.project import build_project_report
from maillage.workspaces.models import Role
from tests.conftest import client_for
from tests.factories import (
    BudgetLineFactory,
    FunderFactory,
    FundingAgreementFactory,
    FundingKeyFactory,
    LedgerAllocationFactory,
    LedgerLineFactory,
    MembershipFactory,
    ProjectFactory,
)

from . import golden

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def case(workspace):
    return golden.build(workspace)


def report_of(workspace, project, year=None):
    with scope(workspace=workspace):
        return build_project_report(project, year)


def actuals(lines):
    return {line.key: line.actual for line in lines}


def test_the_golden_project_pnl(workspace, case):
    report = report_of(workspace, case["project"])
    assert report.year is None and report.years == [2025]
    assert actuals(report.charges) == {
        "60": D("500.00"),
        "61": D("0"),
        "62": D("500.00"),  # 50 % of the 1,000 € fees
        "63": D("0"),
        "64": D("480.95"),  # Alice 14.5 h × 26.14 = 379.03 + Bob 3.25 h × 31.36 = 101.92
        "65": D("0"),
        "66": D("0"),
        "67": D("0"),
        "68": D("300.00"),
    }
    assert report.charges_total.actual == D("1780.95")
    region, foundation = case["region"], case["foundation"]
    products = actuals(report.products)
    assert products["70"] == D("2000.00")
    # 74, by funder then agreement: what each can claim for the project's costs.
    assert products["74"] == D("939.98")
    assert products[f"74:{region.funder_id}"] == D("574.35")
    assert products[f"74:agreement:{region.pk}"] == D("574.35")
    assert products[f"74:{foundation.funder_id}"] == D("365.63")
    assert products[f"74:agreement:{foundation.pk}"] == D("365.63")
    assert report.products_total.actual == D("2939.98")
    assert report.balance == D("1159.03")
    # Vera's 4 h at 15 € in kind on both sides, never in the cash totals.
    assert report.in_kind_use.actual == report.in_kind_source.actual == D("60.00")
    # The lines are those of the project page's budget grid (engine's `project_actuals`).
    with scope(workspace=workspace):
        from maillage.finance.allocation import project_actuals

        grid = project_actuals(case["project"])
    for line in [*report.charges, report.in_kind_use, report.in_kind_source]:
        assert line.actual == grid.get((2025, line.key), D(0)), line.key


def test_every_line_drills_down_to_items_that_add_up(workspace, case):
    report = report_of(workspace, case["project"])
    for line in report.lines:
        if line.drill:
            assert sum(item.amount for item in line.drill) == line.actual
    staff = next(line for line in report.charges if line.key == "64")
    assert [(i.label, i.hours, i.amount) for i in staff.drill] == [
        ("Alice Martin", D("14.50"), D("379.03")),
        ("Bob Petit", D("3.25"), D("101.92")),
    ]


def test_the_golden_funding_plan(workspace, case):
    plan = report_of(workspace, case["project"]).plan
    assert plan.years == [2025]
    assert plan.costs.amounts == {2025: D("1780.95")}
    rows = {row.agreement.reference: row for row in plan.agreements}
    assert rows["REGION-25"].amounts == {2025: D("574.35")}
    assert rows["REGION-25"].charged == {2025: D("574.35")}
    assert rows["FONDATION-25"].amounts == {2025: D("365.63")}
    assert plan.products.amounts == {2025: D("2000.00")}
    # 1,780.95 − 574.35 − 365.63 − 2,000 = −1,159.03: the sales leave a surplus.
    assert plan.own.amounts == {2025: D("-1159.03")}
    assert plan.adds_up()


def _second_year(workspace, case):
    """JARDINS runs on into 2026: tools bought in 2026 (no agreement covers 2026) and a budget."""
    project = case["project"]
    with scopes_disabled():
        Project.objects.filter(pk=project.pk).update(end_date=datetime.date(2026, 12, 31))
    project.refresh_from_db()
    line = LedgerLineFactory(
        workspace=workspace,
        account_number="6063",
        category="60",
        debit=D("800.00"),
        entry_date=datetime.date(2026, 2, 2),
    )
    LedgerAllocationFactory(workspace=workspace, line=line, project=project)
    BudgetLineFactory(workspace=workspace, project=project, year=2025, category="60", amount=450)
    BudgetLineFactory(workspace=workspace, project=project, year=2026, category="60", amount=900)
    BudgetLineFactory(
        workspace=workspace,
        project=project,
        year=2025,
        category="74",
        amount=600,
        funder=case["region"].funder,
    )
    BudgetLineFactory(workspace=workspace, project=project, year=2026, category="74", amount=250)
    return project


def test_a_year_and_the_whole_project(workspace, case):
    project = _second_year(workspace, case)
    whole = report_of(workspace, project)
    first = report_of(workspace, project, 2025)
    second = report_of(workspace, project, 2026)
    assert whole.years == [2025, 2026] and (first.year, second.year) == (2025, 2026)
    assert actuals(second.charges)["60"] == D("800.00")
    assert second.charges_total.actual == D("800.00")
    assert actuals(second.products)["74"] == D("0")  # both agreements end in 2025
    lines = {line.key: line for line in second.products}
    assert lines["74"].planned == D("250.00")
    assert lines["74:none"].planned == D("250.00")  # a 74 line without a funder
    region_line = {line.key: line for line in first.products}[f"74:{case['region'].funder_id}"]
    assert (region_line.planned, region_line.actual) == (D("600.00"), D("574.35"))
    # The whole project is the sum of its years, line by line, planned and actual.
    # (A line shown for one year only, like "74:none", counts zero in the other.)
    years = [{line.key: line for line in report.lines} for report in (first, second)]
    for mine in whole.lines:
        parts = [year[mine.key] for year in years if mine.key in year]
        assert mine.planned == sum(p.planned for p in parts), mine.key
        assert mine.actual == sum(p.actual for p in parts), mine.key
    plan = whole.plan
    assert plan.years == [2025, 2026]
    assert plan.costs.amounts == {2025: D("1780.95"), 2026: D("800.00")}
    assert plan.own.amounts == {2025: D("-1159.03"), 2026: D("800.00")}
    assert plan.adds_up()
    # A year without budget or costs falls back to the whole project.
    assert report_of(workspace, project, 2031).year is None


def test_a_grant_cap_is_shared_between_projects_and_years(workspace):
    """One agreement, two projects, two years, 1,000 € granted for 2,400 € charged."""
    first, second = (
        ProjectFactory(
            workspace=workspace,
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2026, 12, 31),
        )
        for _ in range(2)
    )
    agreement = FundingAgreementFactory(
        workspace=workspace,
        amount_granted=D("1000"),
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        eligible_categories=["60"],
        projects=[first, second],
    )
    for project in (first, second):
        FundingKeyFactory(workspace=workspace, project=project, agreement=agreement, share=100)
    for project, day, amount in [
        (first, datetime.date(2025, 5, 1), "600.00"),
        (first, datetime.date(2026, 5, 1), "1200.00"),
        (second, datetime.date(2025, 6, 1), "600.00"),
    ]:
        line = LedgerLineFactory(workspace=workspace, debit=D(amount), entry_date=day)
        LedgerAllocationFactory(workspace=workspace, line=line, project=project)
    # 1,000 € split by the charged parts 600 / 1,200 / 600: 250 / 500 / 250.
    plan_first = report_of(workspace, first).plan.agreements[0]
    plan_second = report_of(workspace, second).plan.agreements[0]
    assert plan_first.amounts == {2025: D("250.00"), 2026: D("500.00")}
    assert plan_first.charged == {2025: D("600.00"), 2026: D("1200.00")}
    assert plan_second.amounts == {2025: D("250.00"), 2026: D("0")}
    assert plan_first.total + plan_second.total == D("1000.00")


@given(
    cents=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=1),  # project
            st.integers(min_value=2025, max_value=2026),  # year
            st.integers(min_value=1, max_value=2_000_000),  # amount in cents
            st.sampled_from([D("100"), D("33.33"), D("12.5")]),  # share of the line
        ),
        min_size=1,
        max_size=6,
    ),
    granted=st.integers(min_value=0, max_value=30_000),
    key=st.sampled_from([D("100"), D("40"), D("33.33")]),
    max_rate=st.sampled_from([None, D("50"), D("80")]),
)
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_the_parts_always_add_up(workspace, cents, granted, key, max_rate):
    funder = FunderFactory(workspace=workspace)
    projects = [
        ProjectFactory(
            workspace=workspace,
            start_date=datetime.date(2025, 1, 1),
            end_date=datetime.date(2026, 12, 31),
        )
        for _ in range(2)
    ]
    agreement = FundingAgreementFactory(
        workspace=workspace,
        funder=funder,
        amount_granted=granted,
        start_date=datetime.date(2025, 3, 1),
        end_date=datetime.date(2026, 10, 31),
        eligible_categories=["60", "62"],
        max_rate=max_rate,
        indirect_rate=D("7"),
        indirect_base="direct",
        projects=projects,
    )
    for project in projects:
        FundingKeyFactory(workspace=workspace, project=project, agreement=agreement, share=key)
    for index, (which, year, amount, share) in enumerate(cents):
        line = LedgerLineFactory(
            workspace=workspace,
            account_number="6226" if index % 2 else "6063",
            category="62" if index % 2 else "60",
            debit=D(amount) / 100,
            entry_date=datetime.date(year, 1 + index % 12, 15),
        )
        LedgerAllocationFactory(
            workspace=workspace, line=line, project=projects[which], share=share
        )
    reports = [report_of(workspace, project) for project in projects]
    with scope(workspace=workspace):
        figures = allocate_projects(workspace, [p.pk for p in projects]).figures[agreement.pk]
    claimed = D(0)
    for report in reports:
        plan = report.plan
        assert plan.adds_up()
        for year in plan.years:
            year_report = report_of(workspace, report.project, year)
            assert year_report.charges_total.actual == plan.costs.amount(year)
        claimed += plan.agreements[0].total
    # The projects' shares of the claimable amount add up to it exactly.
    assert claimed == round_euro(figures.claimable)


# --- the page and the download ----------------------------------------------------------------


def _url(name, workspace, pk, **query):
    url = reverse(f"finance:{name}", args=[workspace.slug, pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_page_hides_the_cost_of_each_persons_hours_without_the_permission(
    workspace, case, member_client
):
    response = member_client.get(_url("project_report", workspace, case["project"].pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "480.95" in page  # the staff line: an aggregate
    assert "14.50" in page and "3.25" in page  # hours, always
    assert "379.03" not in page and "101.92" not in page  # each person's cost
    assert "26.14" not in page and "31.36" not in page  # their hourly cost
    assert "<svg" in page and "Own funds" in page  # the chart and its table


def test_the_page_shows_them_with_the_permission(workspace, case):
    membership = MembershipFactory(workspace=workspace, role=Role.MEMBER, can_view_sensitive=True)
    page = client_for(membership).get(_url("project_report", workspace, case["project"].pk))
    text = page.content.decode()
    assert "379.03" in text and "26.14" in text


def test_a_guest_reads_the_report_and_cannot_write(workspace, case, guest_client):
    url = _url("project_report", workspace, case["project"].pk)
    assert guest_client.get(url).status_code == 200
    assert (
        guest_client.get(_url("project_report_xlsx", workspace, case["project"].pk)).status_code
        == 200
    )
    assert guest_client.post(url).status_code == 403


def test_the_year_selector(workspace, case, member_client):
    project = _second_year(workspace, case)
    page = member_client.get(_url("project_report", workspace, project.pk, year=2026))
    text = page.content.decode()
    assert 'aria-current="page" href="?year=2026"' in text
    assert "800.00" in text
    whole = member_client.get(_url("project_report", workspace, project.pk, year="all"))
    assert 'aria-current="page" href="?year=all"' in whole.content.decode()


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _rows(sheet):
    return list(sheet.iter_rows(values_only=True))


def test_the_xlsx_holds_both_tables(workspace, case, member_client):
    project = _second_year(workspace, case)
    response = member_client.get(_url("project_report_xlsx", workspace, project.pk))
    assert "attachment" in response["Content-Disposition"]
    book = _workbook(response)
    assert book.sheetnames == ["P&L", "Funding plan", "Charged"]
    pnl = _rows(book["P&L"])
    by_label = {row[1].strip(): row for row in pnl if row and row[1]}
    assert by_label["64 – Staff costs"][:4] == ("64", "64 – Staff costs", 0, 480.95)
    total = by_label["Total charges"]
    assert (total[2], total[3]) == (1350, 2580.95)  # planned 450 + 900, actual 1,780.95 + 800
    plan = _rows(book["Funding plan"])
    header = next(row for row in plan if row and row[0] == "Charges and what covers them")
    assert list(header[1:]) == ["2025", "2026", "Total"]
    rows = {row[0]: row[1:] for row in plan if row and row[0]}
    assert rows["Cash charges of the project"] == (1780.95, 800, 2580.95)
    assert rows["The association's own funds"] == (-1159.03, 800, -359.03)
    parts = [
        "REGION-25 – Région",
        "FONDATION-25 – Fondation",
        "Other products (sales, dues, gifts…)",
        "The association's own funds",
    ]
    for index in range(3):  # each year's parts, and the totals, add up to the charges
        total = sum(D(str(rows[label][index])) for label in parts)
        assert total == D(str(rows["Cash charges of the project"][index]))


def test_the_xlsx_of_one_year(workspace, case, member_client):
    project = _second_year(workspace, case)
    response = member_client.get(_url("project_report_xlsx", workspace, project.pk, year=2026))
    assert "2026" in response["Content-Disposition"]
    pnl = _rows(_workbook(response)["P&L"])
    total = next(row for row in pnl if row and row[1] == "Total charges")
    assert total[3] == 800
