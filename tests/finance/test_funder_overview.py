"""The funder overview: every agreement's figures (the same as its funder report), totals and
years that add up, deadlines and findings, the page, the XLSX read back, the query count."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from maillage.finance import checks
from maillage.finance.reports.cerfa import build_report
from maillage.finance.reports.funder import build_funder_overview
from tests.factories import (
    FundingAgreementFactory,
    FundingKeyFactory,
    InstalmentFactory,
    LedgerAllocationFactory,
    LedgerLineFactory,
    ProjectFactory,
    ReportingDeadlineFactory,
)

from . import golden

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def case(workspace):
    return golden.build(workspace)


def overview_of(workspace, funder):
    with scope(workspace=workspace):
        return build_funder_overview(funder)


def _region_funder_with_more(workspace, case):
    """The Region also granted a 2026 agreement (signed in 2025, nothing spent yet), and one
    was refused; 8,000 € were received on REGION-25, and two reports are due."""
    region = case["region"]
    funder = region.funder
    later = FundingAgreementFactory(
        workspace=workspace,
        reference="REGION-26",
        funder=funder,
        amount_granted=D("15000"),
        signed_on=datetime.date(2025, 12, 1),
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        projects=[case["project"]],
    )
    refused = FundingAgreementFactory(
        workspace=workspace,
        reference="REGION-REFUS",
        funder=funder,
        status="refused",
        amount_granted=D("99999"),
        projects=[case["project"]],
    )
    InstalmentFactory(
        workspace=workspace,
        agreement=region,
        amount=D("8000"),
        received_on=datetime.date(2025, 4, 2),
    )
    InstalmentFactory(
        workspace=workspace,
        agreement=later,
        amount=D("3000"),
        received_on=datetime.date(2026, 2, 1),
    )
    ReportingDeadlineFactory(
        workspace=workspace, agreement=region, due_on=datetime.date(2020, 1, 31), label="Bilan"
    )
    ReportingDeadlineFactory(
        workspace=workspace, agreement=region, due_on=datetime.date(2099, 6, 30), label="Final"
    )
    ReportingDeadlineFactory(
        workspace=workspace,
        agreement=region,
        due_on=datetime.date(2019, 6, 30),
        label="Déjà rendu",
        submitted_on=datetime.date(2019, 6, 1),
    )
    return funder, later, refused


def test_each_agreement_has_the_figures_of_its_funder_report(workspace, case):
    overview = overview_of(workspace, case["region"].funder)
    (row,) = overview.rows
    with scope(workspace=workspace):
        report = build_report(case["region"])
    assert (row.eligible, row.charged, row.claimable) == (
        report.eligible,
        report.charged,
        report.claimable,
    )
    # By hand (tests/finance/golden.py): 1,553.09 eligible, 574.35 charged and claimable.
    assert (row.granted, row.eligible, row.charged, row.claimable) == (
        D("20000"),
        D("1553.09"),
        D("574.35"),
        D("574.35"),
    )
    foundation = overview_of(workspace, case["foundation"].funder).rows[0]
    assert (foundation.eligible, foundation.charged, foundation.claimable) == (
        D("980.95"),
        D("365.63"),
        D("365.63"),
    )


def test_totals_received_balance_deadlines_and_findings(workspace, case):
    funder, _later, _refused = _region_funder_with_more(workspace, case)
    overview = overview_of(workspace, funder)
    rows = {row.agreement.reference: row for row in overview.rows}
    assert list(rows) == ["REGION-26", "REGION-25", "REGION-REFUS"]  # newest first
    region = rows["REGION-25"]
    assert region.received == D("8000")
    assert region.balance == D("574.35") - D("8000")  # paid in advance of the costs
    assert [d.deadline.label for d in region.deadlines] == ["Bilan", "Final"]  # not submitted
    assert region.next_deadline.deadline.label == "Bilan" and region.overdue == 1
    # Totals leave the refused agreement out; granted counts signed (and closed) ones.
    totals = overview.totals
    assert totals.granted == D("35000")
    assert totals.received == D("11000")
    assert totals.claimable == D("574.35")
    assert totals.balance == D("574.35") - D("11000")
    assert overview.overdue_deadlines == 1 and overview.pending_deadlines == 2
    # Findings: as many as the checks page lists for each agreement.
    with scope(workspace=workspace):
        findings = checks.run_checks(workspace)
        for row in overview.rows:
            assert row.findings == len(checks.checks_for_agreement(row.agreement, findings))


def test_the_years_add_up_to_the_totals(workspace, case):
    funder, _later, _refused = _region_funder_with_more(workspace, case)
    overview = overview_of(workspace, funder)
    years = {y.year: y for y in overview.years}
    assert sorted(years) == [2025, 2026]
    # REGION-26 was signed in 2025: its grant counts in 2025, like on the funder's page.
    assert years[2025].granted == D("35000") and years[2026].granted == D("0")
    assert (years[2025].received, years[2026].received) == (D("8000"), D("3000"))
    for name in ("granted", "eligible", "charged", "claimable", "received"):
        assert sum(getattr(y, name) for y in overview.years) == getattr(overview.totals, name)


@given(
    spending=st.lists(
        st.tuples(
            st.integers(min_value=2024, max_value=2027),
            st.integers(min_value=1, max_value=5_000_000),
        ),
        min_size=1,
        max_size=6,
    ),
    granted=st.integers(min_value=1, max_value=40_000),
    rate=st.sampled_from([None, D("15"), D("7.5")]),
)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_years_always_add_up_to_each_agreement(workspace, spending, granted, rate):
    project = ProjectFactory(
        workspace=workspace,
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    agreement = FundingAgreementFactory(
        workspace=workspace,
        amount_granted=granted,
        start_date=datetime.date(2024, 7, 1),
        end_date=datetime.date(2027, 6, 30),
        eligible_categories=["60"],
        indirect_rate=rate,
        indirect_base="direct",
        max_rate=D("80"),
        projects=[project],
    )
    FundingKeyFactory(workspace=workspace, project=project, agreement=agreement, share=D("60"))
    for year, cents in spending:
        line = LedgerLineFactory(
            workspace=workspace, debit=D(cents) / 100, entry_date=datetime.date(year, 9, 1)
        )
        LedgerAllocationFactory(workspace=workspace, line=line, project=project, share=D("66.67"))
    overview = overview_of(workspace, agreement.funder)
    (row,) = overview.rows
    with scope(workspace=workspace):
        report = build_report(agreement)
    assert (row.eligible, row.charged, row.claimable) == (
        report.eligible,
        report.charged,
        report.claimable,
    )
    for name in ("eligible", "charged", "claimable"):
        assert sum(getattr(y, name) for y in overview.years) == getattr(row, name)
    assert row.claimable <= row.granted


# --- the page and the download ----------------------------------------------------------------


def _url(name, workspace, pk):
    return reverse(f"finance:{name}", args=[workspace.slug, pk])


def test_the_page(workspace, case, member_client):
    funder, _later, _refused = _region_funder_with_more(workspace, case)
    response = member_client.get(_url("funder_report", workspace, funder.pk))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("REGION-25", "REGION-26", "REGION-REFUS", "1,553.09", "574.35", "Bilan"):
        assert text in page
    assert "Overdue by" in page
    assert _url("funder_report_xlsx", workspace, funder.pk) in page


def test_a_guest_reads_the_overview_and_cannot_write(workspace, case, guest_client):
    url = _url("funder_report", workspace, case["region"].funder_id)
    assert guest_client.get(url).status_code == 200
    assert guest_client.post(url).status_code == 403


def test_the_xlsx_read_back(workspace, case, member_client):
    funder, _later, _refused = _region_funder_with_more(workspace, case)
    response = member_client.get(_url("funder_report_xlsx", workspace, funder.pk))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Agreements", "By year"]
    rows = [row for row in book["Agreements"].iter_rows(values_only=True) if row and row[0]]
    header = rows.index(next(r for r in rows if r[0] == "Agreement"))
    columns = rows[header]
    table = {row[0]: dict(zip(columns, row, strict=True)) for row in rows[header + 1 :]}
    region = table["REGION-25"]
    assert (region["Eligible costs"], region["Charged"], region["Claimable"]) == (
        1553.09,
        574.35,
        574.35,
    )
    assert region["Received"] == 8000 and region["Balance to receive"] == -7425.65
    assert region["Next deadline"] == datetime.datetime(2020, 1, 31)
    assert region["Findings"] == 0 or isinstance(region["Findings"], int)
    total = table["Total (refused agreements left out)"]
    assert (total["Granted"], total["Received"]) == (35000, 11000)
    years = list(book["By year"].iter_rows(values_only=True))
    by_year = {row[0]: row for row in years if isinstance(row[0], int)}
    assert by_year[2025][1] == 35000 and by_year[2026][5] == 3000


def test_the_page_runs_as_many_queries_whatever_the_number_of_agreements(
    workspace, case, member_client
):
    funder = case["region"].funder
    url = _url("funder_report", workspace, funder.pk)

    def add(n):
        for _ in range(n):
            agreement = FundingAgreementFactory(
                workspace=workspace, funder=funder, projects=[case["project"]]
            )
            InstalmentFactory(workspace=workspace, agreement=agreement)
            ReportingDeadlineFactory(workspace=workspace, agreement=agreement)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert member_client.get(url).status_code == 200
        return len(queries)

    add(2)
    count()  # warm caches
    few = count()
    add(20)
    many = count()
    assert many == few, f"{few} queries with 3 agreements, {many} with 23"
