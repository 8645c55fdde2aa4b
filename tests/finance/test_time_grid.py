"""The weekly time grid: rows, cells saved one by one (HTMX) with optimistic locking, the whole
week saved without JavaScript, the 24-hour rules, permissions and the query count."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope
from hypothesis import given
from hypothesis import strategies as st

from maillage.finance.forms.time import parse_hours, parse_week
from maillage.finance.models import TimeEntry
from tests.factories import (
    ContractFactory,
    FundingAgreementFactory,
    PersonFactory,
    ProjectFactory,
    TimeEntryFactory,
    VolunteerFactory,
)

MONDAY = date(2025, 3, 3)  # ISO week 2025-W10


@pytest.fixture
def person(workspace, member):
    person = PersonFactory(workspace=workspace, email=member.user.email.upper())
    ContractFactory(
        workspace=workspace, person=person, weekly_hours=35, start_date=date(2025, 1, 1)
    )
    return person


@pytest.fixture
def project(workspace):
    return ProjectFactory(workspace=workspace, code="JARDINS")


def _week_url(workspace, **params):
    from urllib.parse import urlencode

    url = reverse("finance:time_week", args=[workspace.slug])
    return f"{url}?{urlencode(params)}" if params else url


def _cell_url(workspace, person):
    return reverse("finance:time_cell", args=[workspace.slug, person.pk])


def _name(project, day, agreement=None, prefix="h"):
    return f"{prefix}_{project.pk}_{agreement.pk if agreement else 0}_{day:%Y%m%d}"


def _post_cell(client, workspace, person, project, day, text, token="", agreement=None):
    name = _name(project, day, agreement)
    return client.post(
        _cell_url(workspace, person),
        {name: text, _name(project, day, agreement, "v"): token},
        headers={"HX-Request": "true", "HX-Trigger-Name": name},
    )


def _html(response) -> str:
    """The page's text, no-break spaces (between figures and units) as plain spaces."""
    return response.content.decode().replace("\xa0", " ").replace("\u202f", " ")


def _entries(workspace):
    with scope(workspace=workspace):
        return list(TimeEntry.objects.order_by("date", "pk").values_list("date", "hours"))


# --- the page -------------------------------------------------------------------------------------


def test_grid_opens_on_the_users_own_person_and_this_week(workspace, member_client, person):
    PersonFactory(workspace=workspace, last_name="Aaron")  # first in the list, not the user
    response = member_client.get(_week_url(workspace))
    grid = response.context["grid"]
    assert grid.person == person
    today = timezone.localdate()
    assert grid.monday == today - timedelta(days=today.weekday())


def test_rows_are_the_projects_of_this_week_and_the_previous_one(
    workspace, member_client, person, project
):
    agreement = FundingAgreementFactory(workspace=workspace, projects=[project])
    other = ProjectFactory(workspace=workspace, code="ARCHIVES")
    old = ProjectFactory(workspace=workspace, code="ANCIEN")
    TimeEntryFactory(workspace=workspace, person=person, project=project, date=MONDAY, hours=3)
    TimeEntryFactory(
        workspace=workspace,
        person=person,
        project=project,
        agreement=agreement,
        date=MONDAY + timedelta(days=2),
        hours=Decimal("4.5"),
    )
    TimeEntryFactory(
        workspace=workspace, person=person, project=other, date=MONDAY - timedelta(days=3)
    )
    TimeEntryFactory(
        workspace=workspace, person=person, project=old, date=MONDAY - timedelta(days=8)
    )
    grid = member_client.get(_week_url(workspace, person=person.pk, week="2025-W10")).context[
        "grid"
    ]
    assert [row.label for row in grid.rows] == [
        "ARCHIVES",
        "JARDINS",
        f"JARDINS · {agreement.reference}",
    ]
    assert [d.total for d in grid.days][:3] == [Decimal(3), Decimal(0), Decimal("4.5")]
    assert grid.total == Decimal("7.5")
    assert grid.rows[0].total == 0  # last week's hours only name the row
    assert grid.contract_hours == Decimal(35) and grid.shortfall == Decimal("27.5")


def test_the_page_labels_every_cell_and_offers_the_timesheets(
    workspace, member_client, person, project
):
    TimeEntryFactory(workspace=workspace, person=person, project=project, date=MONDAY, hours=7)
    page = member_client.get(_week_url(workspace, person=person.pk, week="2025-W10"))
    html = _html(page)
    assert 'aria-label="Hours on JARDINS on Monday 3 March"' in html
    assert 'value="7"' in html
    assert reverse("finance:timesheet_pdf", args=[workspace.slug, person.pk, 2025, 3]) in html
    assert 'src="/static/js/finance-time.js"' in html
    assert "<script>" not in html  # nothing inline: the CSP holds


def test_add_a_row_for_a_project_and_an_agreement_funding_it(
    workspace, member_client, person, project
):
    agreement = FundingAgreementFactory(workspace=workspace, projects=[project])
    stranger = FundingAgreementFactory(workspace=workspace)  # funds another project
    url = _week_url(
        workspace, person=person.pk, week="2025-W10", project=project.pk, agreement=agreement.pk
    )
    grid = member_client.get(url).context["grid"]
    (row,) = grid.rows
    assert row.agreement == agreement and row.cells[0].autofocus
    url = _week_url(
        workspace, person=person.pk, week="2025-W10", project=project.pk, agreement=stranger.pk
    )
    response = member_client.get(url)
    assert response.context["grid"].rows == []
    assert "does not fund JARDINS" in _html(response)


def test_a_week_is_read_as_iso_week_or_date():
    assert parse_week("2025-W10") == MONDAY
    assert parse_week("2025w10") == MONDAY
    assert parse_week("2025-03-09") == MONDAY
    assert parse_week("2025-W99") is None
    assert parse_week("9999-12-31") is None
    assert parse_week("nonsense") is None


# --- cells, one by one ----------------------------------------------------------------------------


def test_save_a_cell_then_change_it_then_clear_it(workspace, member_client, person, project):
    response = _post_cell(member_client, workspace, person, project, MONDAY, "7,5")
    assert response.status_code == 200
    assert _entries(workspace) == [(MONDAY, Decimal("7.50"))]
    html = _html(response)
    # The day's total comes out of band, marked above the contract's 7 h a day.
    assert re.search(
        r'<span id="day-total-20250303" class="time-total time-over-total" hx-swap-oob="true">'
        r"7.50 h</span>",
        html,
    )
    assert 'id="week-summary"' in html and 'hx-swap-oob="true"' in html
    with scope(workspace=workspace):
        entry = TimeEntry.objects.get()
    assert entry.created_by is not None and entry.agreement is None
    token = f"{entry.pk}.{entry.version}"
    assert f'value="{token}"' in html

    response = _post_cell(member_client, workspace, person, project, MONDAY, "8.25", token)
    assert response.status_code == 200
    entry.refresh_from_db()
    assert (entry.hours, entry.version) == (Decimal("8.25"), 2)

    response = _post_cell(member_client, workspace, person, project, MONDAY, "0", f"{entry.pk}.2")
    assert response.status_code == 200
    assert _entries(workspace) == []


def test_an_empty_cell_clears_too(workspace, member_client, person, project):
    entry = TimeEntryFactory(workspace=workspace, person=person, project=project, date=MONDAY)
    response = _post_cell(
        member_client, workspace, person, project, MONDAY, " ", f"{entry.pk}.{entry.version}"
    )
    assert response.status_code == 200
    assert _entries(workspace) == []


def test_a_cell_changed_meanwhile_is_a_conflict_and_nothing_is_overwritten(
    workspace, member_client, person, project
):
    entry = TimeEntryFactory(workspace=workspace, person=person, project=project, date=MONDAY)
    seen = f"{entry.pk}.{entry.version}"
    # Someone else changes it.
    _post_cell(member_client, workspace, person, project, MONDAY, "5", seen)
    response = _post_cell(member_client, workspace, person, project, MONDAY, "6", seen)
    assert response.status_code == 409
    assert _entries(workspace) == [(MONDAY, Decimal("5.00"))]
    html = _html(response)
    assert "Changed meanwhile by someone else: now 5.00 h" in html
    assert 'value="5"' in html  # the current value is shown…
    assert f'value="{entry.pk}.2"' in html  # …with its version: typing again replaces it
    assert (
        _post_cell(
            member_client, workspace, person, project, MONDAY, "6", f"{entry.pk}.2"
        ).status_code
        == 200
    )
    assert _entries(workspace) == [(MONDAY, Decimal("6.00"))]


def test_a_cell_filled_or_cleared_meanwhile_is_a_conflict(
    workspace, member_client, person, project
):
    entry = TimeEntryFactory(
        workspace=workspace, person=person, project=project, date=MONDAY, hours=2
    )
    # The user saw an empty cell, but someone filled it.
    response = _post_cell(member_client, workspace, person, project, MONDAY, "3", "")
    assert response.status_code == 409
    assert _entries(workspace) == [(MONDAY, Decimal("2.00"))]
    # The user saw 2 h, but someone cleared it: recreating it is a conflict too.
    seen = f"{entry.pk}.{entry.version}"
    with scope(workspace=workspace):
        entry.delete()
    response = _post_cell(member_client, workspace, person, project, MONDAY, "3", seen)
    assert response.status_code == 409
    assert "Cleared meanwhile" in _html(response)
    assert _entries(workspace) == []


def test_sending_the_stored_value_again_is_never_a_conflict(
    workspace, member_client, person, project
):
    _post_cell(member_client, workspace, person, project, MONDAY, "4", "")
    response = _post_cell(member_client, workspace, person, project, MONDAY, "4", "")
    assert response.status_code == 200
    assert _entries(workspace) == [(MONDAY, Decimal("4.00"))]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("25", "At most 24 h in a cell"),
        ("-1", "is not a number of hours"),
        ("7,555", "At most 2 decimal places"),
        ("sept", "is not a number of hours"),
    ],
)
def test_a_refused_value_keeps_what_was_typed(
    workspace, member_client, person, project, text, message
):
    response = _post_cell(member_client, workspace, person, project, MONDAY, text)
    assert response.status_code == 422
    html = _html(response)
    assert message in html and f'value="{text}"' in html and 'aria-invalid="true"' in html
    assert _entries(workspace) == []


def test_a_day_never_exceeds_24_hours(workspace, member_client, person, project):
    other = ProjectFactory(workspace=workspace)
    TimeEntryFactory(workspace=workspace, person=person, project=other, date=MONDAY, hours=20)
    response = _post_cell(member_client, workspace, person, project, MONDAY, "4,5")
    assert response.status_code == 422
    assert "would work 24.50 h on 03/03/2025: at most 24 h a day" in _html(response)
    assert _post_cell(member_client, workspace, person, project, MONDAY, "4").status_code == 200


def test_hours_on_an_agreement_must_be_on_a_project_it_funds(
    workspace, member_client, person, project
):
    agreement = FundingAgreementFactory(workspace=workspace)  # funds another project
    response = _post_cell(
        member_client, workspace, person, project, MONDAY, "2", agreement=agreement
    )
    assert response.status_code == 422
    assert "This agreement does not fund this project." in _html(response)
    assert _entries(workspace) == []


def test_another_workspaces_project_is_not_found(workspace, other_workspace, member_client, person):
    foreign = ProjectFactory(workspace=other_workspace)
    response = _post_cell(member_client, workspace, person, foreign, MONDAY, "2")
    assert response.status_code == 404


def test_a_volunteer_has_no_contractual_hours(workspace, member_client, project):
    volunteer = VolunteerFactory(workspace=workspace)
    _post_cell(member_client, workspace, volunteer, project, MONDAY, "3")
    grid = member_client.get(_week_url(workspace, person=volunteer.pk, week="2025-W10")).context[
        "grid"
    ]
    assert grid.contract_hours is None and grid.total == 3
    assert [d.in_contract for d in grid.days] == [None] * 7


def test_over_time_and_days_outside_the_contract_show(workspace, member_client, project):
    person = PersonFactory(workspace=workspace)
    ContractFactory(
        workspace=workspace,
        person=person,
        weekly_hours=10,
        start_date=date(2025, 1, 1),
        end_date=MONDAY + timedelta(days=1),  # ends on Tuesday
    )
    for offset, hours in [(0, 8), (1, 8), (2, 5)]:
        TimeEntryFactory(
            workspace=workspace,
            person=person,
            project=project,
            date=MONDAY + timedelta(days=offset),
            hours=hours,
        )
    response = member_client.get(_week_url(workspace, person=person.pk, week="2025-W10"))
    grid = response.context["grid"]
    assert [d.outside_contract for d in grid.days[:3]] == [False, False, True]
    assert grid.contract_hours == Decimal(4)  # two days of a 10-hour week
    assert grid.over_time and grid.balance == Decimal(17)
    assert grid.hours_outside_contract == Decimal(5)
    html = _html(response)
    assert "17.00 h over the contract" in html
    assert "5.00 h on days no contract covers" in html
    assert html.count("no contract</span>") == 5  # Wednesday to Sunday


# --- the whole week, without JavaScript -----------------------------------------------------------


def test_the_whole_week_saves_the_changed_cells_only(workspace, member_client, person, project):
    entry = TimeEntryFactory(
        workspace=workspace, person=person, project=project, date=MONDAY, hours=2
    )
    tuesday = MONDAY + timedelta(days=1)
    data = {
        "person": person.pk,
        "week": "2025-W10",
        _name(project, MONDAY): "2",  # untouched…
        _name(project, MONDAY, prefix="v"): f"{entry.pk}.{entry.version - 1}",  # …even if stale
        _name(project, MONDAY, prefix="o"): "2",
        _name(project, tuesday): "6,5",
        _name(project, tuesday, prefix="v"): "",
        _name(project, tuesday, prefix="o"): "",
    }
    response = member_client.post(_week_url(workspace), data)
    assert response.status_code == 302
    assert response["Location"] == _week_url(workspace, person=person.pk, week="2025-W10")
    assert _entries(workspace) == [(MONDAY, Decimal("2.00")), (tuesday, Decimal("6.50"))]


def test_the_whole_week_moves_hours_between_projects_on_a_full_day(
    workspace, member_client, person, project
):
    other = ProjectFactory(workspace=workspace, code="AUTRE")
    a = TimeEntryFactory(workspace=workspace, person=person, project=project, date=MONDAY, hours=20)
    b = TimeEntryFactory(workspace=workspace, person=person, project=other, date=MONDAY, hours=4)
    data = {"person": person.pk, "week": "2025-W10"}
    # The increase comes first in the form; the service lowers first, so 24 h is never passed.
    for entry, project_, old, new in [(b, other, "4", "14"), (a, project, "20", "10")]:
        data[_name(project_, MONDAY)] = new
        data[_name(project_, MONDAY, prefix="v")] = f"{entry.pk}.{entry.version}"
        data[_name(project_, MONDAY, prefix="o")] = old
    assert member_client.post(_week_url(workspace), data).status_code == 302
    assert sorted(h for _d, h in _entries(workspace)) == [Decimal(10), Decimal(14)]


def test_the_whole_week_shows_the_cells_it_refused(workspace, member_client, person, project):
    tuesday = MONDAY + timedelta(days=1)
    data = {
        "person": person.pk,
        "week": "2025-W10",
        _name(project, MONDAY): "30",
        _name(project, MONDAY, prefix="v"): "",
        _name(project, MONDAY, prefix="o"): "",
        _name(project, tuesday): "3",
        _name(project, tuesday, prefix="v"): "",
        _name(project, tuesday, prefix="o"): "",
    }
    response = member_client.post(_week_url(workspace), data)
    assert response.status_code == 200
    html = _html(response)
    assert "At most 24 h in a cell" in html and 'value="30"' in html
    assert "Some cells were not saved" in html
    assert _entries(workspace) == [(tuesday, Decimal("3.00"))]


# --- permissions and queries ----------------------------------------------------------------------


def test_guest_reads_the_grid_without_inputs_and_cannot_save(
    workspace, guest_client, person, project
):
    TimeEntryFactory(workspace=workspace, person=person, project=project, date=MONDAY, hours=3)
    html = guest_client.get(
        _week_url(workspace, person=person.pk, week="2025-W10")
    ).content.decode()
    assert "time-input" not in html and "Save the week" not in html
    assert (
        '<span class="time-value" aria-label="Hours on JARDINS on Monday 3 March">3</span>' in html
    )
    assert _post_cell(guest_client, workspace, person, project, MONDAY, "5").status_code == 403
    assert guest_client.post(_week_url(workspace), {"person": person.pk}).status_code == 403
    assert _entries(workspace) == [(MONDAY, Decimal("3.00"))]


def _grid_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_grid_query_count_is_constant_in_rows(workspace, member_client, person):
    url = _week_url(workspace, person=person.pk, week="2025-W10")

    def add_rows(n):
        for _ in range(n):
            project = ProjectFactory(workspace=workspace)
            agreement = FundingAgreementFactory(workspace=workspace, projects=[project])
            for offset in range(5):
                TimeEntryFactory(
                    workspace=workspace,
                    person=person,
                    project=project,
                    agreement=agreement if offset % 2 else None,
                    date=MONDAY + timedelta(days=offset),
                    hours=1,
                )

    add_rows(1)
    _grid_queries(member_client, url)
    few = _grid_queries(member_client, url)
    add_rows(12)
    many = _grid_queries(member_client, url)
    assert len(member_client.get(url).context["grid"].rows) == 26
    assert many == few <= 15


# --- typing hours ---------------------------------------------------------------------------------


@given(st.decimals(min_value=0, max_value=24, places=2), st.sampled_from([",", "."]))
def test_hours_are_read_with_a_comma_or_a_point(value, separator):
    text = format(value, "f").replace(".", separator)
    assert parse_hours(text) == value
    assert parse_hours(f" {text} h") == value


def test_an_empty_week_offers_the_latest_week_with_hours(workspace, member):
    from tests.conftest import client_for
    from tests.factories import PersonFactory, TimeEntryFactory

    person = PersonFactory(workspace=workspace)
    TimeEntryFactory(workspace=workspace, person=person, date=date(2025, 12, 17), hours=3)
    response = client_for(member).get(
        f"/w/{workspace.slug}/finance/time/?person={person.pk}&week=2026-W40"
    )
    page = response.content.decode()
    assert f"?person={person.pk}&amp;week=2025-W51" in page
    assert "See the latest week with hours (week of 12/15/2025)." in page
