"""The socio-economic model (seed 002): the resource mix by the typology, the three levers and
the barycentre, with figures computed by hand."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope
from hypothesis import given
from hypothesis import strategies as st

from maillage.finance.selectors import socio_economic as selectors
from maillage.finance.selectors.socio_economic import split_by_year, whole_percents
from tests.factories import (
    ContractFactory,
    FunderFactory,
    FundingAgreementFactory,
    PersonFactory,
    ProjectFactory,
    ResourceFactory,
    TimeEntryFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db

D = Decimal


# --- Splitting a grant between years ---------------------------------------------------------


def test_a_grant_over_two_years_splits_by_days_to_the_cent():
    # 2024-07-01 → 2024-12-31: 184 days; 2025-01-01 → 2025-06-30: 181 days (365 in all).
    # 10,000 × 184 / 365 = 5,041.0958… and × 181 / 365 = 4,958.9041…: the cent left over goes
    # to the larger remainder (0.58… against 0.41…).
    parts = split_by_year(D("10000.00"), datetime.date(2024, 7, 1), datetime.date(2025, 6, 30))
    assert parts == {2024: D("5041.10"), 2025: D("4958.90")}


def test_a_leap_year_weighs_one_day_more():
    # 366 days in 2024, 365 in 2025: 1,000 × 366 / 731 = 500.6839…, × 365 / 731 = 499.3160….
    parts = split_by_year(D("1000.00"), datetime.date(2024, 1, 1), datetime.date(2025, 12, 31))
    assert parts == {2024: D("500.68"), 2025: D("499.32")}


def test_a_grant_within_one_year_stays_whole():
    assert split_by_year(D("123.45"), datetime.date(2025, 3, 1), datetime.date(2025, 3, 1)) == {
        2025: D("123.45")
    }


@given(
    cents=st.integers(min_value=0, max_value=10**12),
    start=st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2040, 1, 1)),
    days=st.integers(min_value=0, max_value=4000),
)
def test_year_parts_add_up_to_the_grant(cents, start, days):
    amount = D(cents) / 100
    end = start + datetime.timedelta(days=days)
    parts = split_by_year(amount, start, end)
    assert sum(parts.values()) == amount
    assert list(parts) == list(range(start.year, end.year + 1))
    total_days = days + 1
    for year, part in parts.items():
        first, last = max(start, datetime.date(year, 1, 1)), min(end, datetime.date(year, 12, 31))
        exact = amount * ((last - first).days + 1) / total_days
        assert abs(part - exact) < D("0.01")


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=8))
def test_whole_percents_add_up_to_100(cents):
    amounts = [D(c) / 100 for c in cents]
    shares = whole_percents(amounts)
    assert sum(shares) == (100 if any(amounts) else 0)
    assert all(0 <= share <= 100 for share in shares)


# --- The model of a workspace ----------------------------------------------------------------


@pytest.fixture
def mix(workspace):
    region = FunderFactory(workspace=workspace, source="public", level="region")
    members = FunderFactory(workspace=workspace, name="Adhérents", source="members", level="other")
    company = FunderFactory(
        workspace=workspace,
        name="Banque coopérative",
        source="private_organisations",
        level="other",
    )
    public_people = FunderFactory(
        workspace=workspace, name="Public des ateliers", source="private_persons", level="other"
    )
    FundingAgreementFactory(
        workspace=workspace,
        funder=region,
        kind="subsidy",
        amount_granted=D("10000.00"),
        start_date=datetime.date(2024, 7, 1),
        end_date=datetime.date(2025, 6, 30),
    )
    for status in ("requested", "refused"):  # never counted
        FundingAgreementFactory(
            workspace=workspace, funder=region, status=status, amount_granted=D("99999.00")
        )
    ResourceFactory(
        workspace=workspace, funder=members, kind="militant_dues", year=2025, amount=D("1500.00")
    )
    ResourceFactory(
        workspace=workspace, funder=company, kind="patronage", year=2025, amount=D("2000.00")
    )
    ResourceFactory(
        workspace=workspace, funder=public_people, kind="service_sale", year=2025, amount=D("800")
    )
    project = ProjectFactory(workspace=workspace)
    employee = PersonFactory(workspace=workspace)
    ContractFactory(workspace=workspace, person=employee)  # (30,000 + 12,000) / 1,607 → 26.14
    for day, hours in ((3, "7.00"), (4, "3.50")):
        TimeEntryFactory(
            workspace=workspace,
            person=employee,
            project=project,
            date=datetime.date(2025, 3, day),
            hours=D(hours),
        )
    TimeEntryFactory(  # no contract covers this person: hours but no cost
        workspace=workspace,
        person=PersonFactory(workspace=workspace),
        project=project,
        date=datetime.date(2025, 3, 5),
        hours=D("2.00"),
    )
    TimeEntryFactory(
        workspace=workspace,
        person=VolunteerFactory(workspace=workspace, valuation_rate=D("15.00")),
        project=project,
        date=datetime.date(2025, 3, 6),
        hours=D("4.00"),
    )
    return workspace


def _model(workspace, **kwargs):
    with scope(workspace=workspace):
        return selectors.socio_economic_model(workspace, today=datetime.date(2025, 9, 1), **kwargs)


def test_resource_mix_by_kind_and_year(mix):
    model = _model(mix)
    assert model.years == [2024, 2025]
    rows = {row.kind: row.amounts for row in model.mix}
    assert rows["subsidy"] == [D("5041.10"), D("4958.90")]
    assert rows["militant_dues"] == [D("0.00"), D("1500.00")]
    assert rows["patronage"] == [D("0.00"), D("2000.00")]
    assert rows["service_sale"] == [D("0.00"), D("800.00")]
    assert rows["public_procurement"] == [D("0.00"), D("0.00")]
    assert model.totals == [D("5041.10"), D("9258.90")]
    assert model.total == D("14300.00")  # the grant once, whole, plus the resources
    assert [row.kind for row in model.mix] == [
        "subscription_dues",
        "militant_dues",
        "public_procurement",
        "subsidy",
        "service_sale",
        "gift",
        "patronage",
    ]


def test_the_three_levers(mix):
    lever_2024, lever_2025 = _model(mix).levers
    # Human wealth: 10.5 h × 26.14 = 274.47 (the 2 h without a contract are not costed);
    # the volunteer's 4 h × 15.00 = 60.00 in kind, apart from the money.
    assert lever_2025.staff_hours == D("12.50")
    assert lever_2025.staff_cost == D("274.47")
    assert lever_2025.uncosted_hours == D("2.00")
    assert lever_2025.volunteer_hours == D("4.00")
    assert lever_2025.volunteer_value == D("60.00")
    assert lever_2025.financial == D("9258.90")
    # Public 4,958.90 / 9,258.90 = 53.56 %, private 46.44 %: whole percents 54 and 46.
    assert (lever_2025.public, lever_2025.private) == (D("4958.90"), D("4300.00"))
    assert (lever_2025.public_share, lever_2025.private_share) == (54, 46)
    assert (lever_2024.public_share, lever_2024.private_share) == (100, 0)
    # Alliances: the subsidy runs in both years; four funders brought something in 2025.
    assert (lever_2024.agreements, lever_2024.funders) == (1, 1)
    assert (lever_2025.agreements, lever_2025.funders) == (1, 4)
    assert lever_2024.staff_hours == D("0.00")


def test_the_barycentre_of_a_year(mix):
    model = _model(mix)
    period, year_2024, year_2025 = model.matrices
    assert (period.label, year_2024.label, year_2025.label) == ("2024–2025", "2024", "2025")
    with_counterpart, without = year_2025.rows
    assert with_counterpart.with_counterpart and not without.with_counterpart
    # Columns: members, public, private persons, private organisations.
    assert [c.amount for c in with_counterpart.cells] == [D(0), D(0), D("800.00"), D(0)]
    assert [c.amount for c in without.cells] == [D("1500.00"), D("4958.90"), D(0), D("2000.00")]
    # 1,500 / 9,258.90 = 16.20 %, 4,958.90 → 53.56 %, 2,000 → 21.60 %, 800 → 8.64 %:
    # floors 16 + 53 + 21 + 8 = 98, the two points left to the largest remainders (8.64, 21.60).
    assert [c.share for c in without.cells] == [16, 53, 0, 22]
    assert [c.share for c in with_counterpart.cells] == [0, 0, 9, 0]
    assert [c.heat for c in without.cells] == [2, 4, 0, 2]
    assert (with_counterpart.share, without.share) == (9, 91)
    assert [c.share for c in year_2025.column_totals] == [16, 53, 9, 22]
    assert year_2025.leading_source[0] == "public"
    assert year_2025.counterpart_share == 9
    assert period.total == D("14300.00")


def test_year_range(mix):
    assert _model(mix, start=2025, end=2025).years == [2025]
    assert _model(mix, start=2025, end=2024).years == [2024, 2025]
    many = list(range(2000, 2031))
    assert selectors.year_range(many, None, None, datetime.date(2025, 1, 1)) == list(
        range(2017, 2027)
    )
    assert selectors.year_range(many, 2001, 2030, datetime.date(2025, 1, 1)) == list(
        range(2021, 2031)
    )


def test_an_empty_workspace_has_no_model(workspace, owner_client):
    model = _model(workspace)
    assert not model.has_data and model.years == []
    response = owner_client.get(reverse("finance:socio_economic_model", args=[workspace.slug]))
    assert response.status_code == 200
    assert "Nothing to show yet" in response.content.decode()


# --- The page -------------------------------------------------------------------------------


def test_the_page_shows_the_mix_levers_and_barycentre(mix, owner_client):
    response = owner_client.get(reverse("finance:socio_economic_model", args=[mix.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="socio-economic-mix"' in html  # the chart, with its figures in a table
    assert "Figures shown in the chart" in html
    assert "€4,958.90" in html and "€9,258.90" in html and "€14,300.00" in html
    assert "€274.47" in html and "€60.00" in html and "12.50" in html
    assert "Partnerships" in html and "partnerships module" in html
    assert "mix-heat-4" in html and "54%" in html
    assert "Subscription dues" in html and "Patronage" in html  # the typology explained
    assert reverse("finance:export_360giving", args=[mix.slug]) in html
    assert reverse("finance:export_iati", args=[mix.slug]) in html
    assert "this identifier is made up" in html


def test_the_page_in_french(mix, owner_client, settings):
    settings.LANGUAGE_CODE = "fr"
    owner_client.cookies["maillage_language"] = "fr"
    response = owner_client.get(reverse("finance:socio_economic_model", args=[mix.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "4\u202f958,90\u00a0€" in html
    assert "54\u202f%" in html


def test_a_guest_reads_the_page(mix, guest_client):
    response = guest_client.get(reverse("finance:socio_economic_model", args=[mix.slug]))
    assert response.status_code == 200


def _add_rows(workspace, n):
    """n funders, each with an agreement over two years, resources and time."""
    project = ProjectFactory(workspace=workspace)
    for i in range(n):
        funder = FunderFactory(workspace=workspace, source="private_organisations", level="other")
        FundingAgreementFactory(
            workspace=workspace,
            funder=funder,
            kind="patronage",
            start_date=datetime.date(2024, 5, 1),
            end_date=datetime.date(2025, 4, 30),
            projects=[project],
        )
        ResourceFactory(workspace=workspace, year=2024 + i % 2)
        person = PersonFactory(workspace=workspace)
        ContractFactory(workspace=workspace, person=person)
        TimeEntryFactory(workspace=workspace, person=person, project=project)
        TimeEntryFactory(
            workspace=workspace, person=VolunteerFactory(workspace=workspace), project=project
        )


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_runs_a_constant_number_of_queries(workspace, owner_client):
    url = reverse("finance:socio_economic_model", args=[workspace.slug])
    _add_rows(workspace, 2)
    _count(owner_client, url)
    few = _count(owner_client, url)
    _add_rows(workspace, 20)
    assert _count(owner_client, url) == few
