"""The time summary (`TimeMonth`, `TimeWeek`) stays equal to the sums of the entries, whatever
writes them: the ORM, a queryset update or delete, `bulk_create`, plain SQL."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.finance import time_summary
from maillage.finance.models import TimeEntry, TimeMonth, TimeWeek
from tests.factories import (
    FundingAgreementFactory,
    PersonFactory,
    ProjectFactory,
    TimeEntryFactory,
    WorkspaceFactory,
)

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _no_scopes():
    with scopes_disabled():
        yield


def _months(workspace):
    return {
        (row.person_id, row.project_id, row.agreement_id, row.month): (
            row.hundredths,
            row.first,
            row.last,
            row.entries,
        )
        for row in TimeMonth.objects.filter(workspace=workspace)
    }


def _weeks(workspace):
    return {
        (row.person_id, row.week, row.month): (row.hundredths, row.first, row.last, row.entries)
        for row in TimeWeek.objects.filter(workspace=workspace)
    }


def test_triggers_are_installed_by_migrate():
    assert time_summary.installed(connection) == time_summary._wanted(connection)


def test_a_week_across_two_months_is_two_weeks_rows():
    """ISO week 5 of 2025 runs from Monday 27 January to Sunday 2 February."""
    workspace = WorkspaceFactory()
    person = PersonFactory(workspace=workspace)
    project = ProjectFactory(workspace=workspace)
    for day, hours in ((27, "7.5"), (31, "3.25")):
        TimeEntryFactory(
            workspace=workspace,
            person=person,
            project=project,
            date=datetime.date(2025, 1, day),
            hours=Decimal(hours),
        )
    TimeEntryFactory(
        workspace=workspace, person=person, project=project, date=datetime.date(2025, 2, 1)
    )
    monday = datetime.date(2025, 1, 27)
    assert _weeks(workspace) == {
        (person.pk, monday, datetime.date(2025, 1, 1)): (
            1075,
            datetime.date(2025, 1, 27),
            datetime.date(2025, 1, 31),
            2,
        ),
        (person.pk, monday, datetime.date(2025, 2, 1)): (
            700,
            datetime.date(2025, 2, 1),
            datetime.date(2025, 2, 1),
            1,
        ),
    }
    assert _months(workspace) == {
        (person.pk, project.pk, None, datetime.date(2025, 1, 1)): (
            1075,
            datetime.date(2025, 1, 27),
            datetime.date(2025, 1, 31),
            2,
        ),
        (person.pk, project.pk, None, datetime.date(2025, 2, 1)): (
            700,
            datetime.date(2025, 2, 1),
            datetime.date(2025, 2, 1),
            1,
        ),
    }


def test_removing_the_first_day_reads_the_next_one_and_the_last_entry_removes_the_row():
    workspace = WorkspaceFactory()
    person = PersonFactory(workspace=workspace)
    project = ProjectFactory(workspace=workspace)
    first, second = (
        TimeEntryFactory(
            workspace=workspace, person=person, project=project, date=datetime.date(2025, 3, d)
        )
        for d in (3, 5)
    )
    key = (person.pk, project.pk, None, datetime.date(2025, 3, 1))
    first.delete()
    assert _months(workspace)[key] == (700, datetime.date(2025, 3, 5), datetime.date(2025, 3, 5), 1)
    TimeEntry.objects.filter(pk=second.pk).update(date=datetime.date(2025, 4, 7))
    assert list(_months(workspace)) == [(person.pk, project.pk, None, datetime.date(2025, 4, 1))]
    TimeEntry.objects.filter(pk=second.pk).delete()
    assert _months(workspace) == {} and _weeks(workspace) == {}


def test_one_statement_writing_several_entries_of_a_row():
    """PostgreSQL runs row triggers once the statement is done: the other entries are gone (or
    moved) while a trigger runs."""
    workspace = WorkspaceFactory()
    person = PersonFactory(workspace=workspace)
    project = ProjectFactory(workspace=workspace)
    for day in (3, 4, 5, 6):
        TimeEntryFactory(
            workspace=workspace, person=person, project=project, date=datetime.date(2025, 3, day)
        )
    entries = TimeEntry.objects.filter(workspace=workspace)
    entries.filter(date__lte=datetime.date(2025, 3, 4)).update(
        date=F("date") + datetime.timedelta(days=29)
    )  # to 1 and 2 April
    assert time_summary.differences(workspace.pk) == []
    entries.filter(date__month=3).delete()
    assert time_summary.differences(workspace.pk) == []
    assert list(_months(workspace).values()) == [
        (1400, datetime.date(2025, 4, 1), datetime.date(2025, 4, 2), 2)
    ]
    entries.delete()
    assert _months(workspace) == {} and _weeks(workspace) == {}


def test_a_note_changes_nothing_and_an_agreement_moves_the_hours():
    workspace = WorkspaceFactory()
    agreement = FundingAgreementFactory(workspace=workspace)
    project = agreement.projects.get()
    entry = TimeEntryFactory(workspace=workspace, project=project, hours=Decimal("2.5"))
    TimeEntry.objects.filter(pk=entry.pk).update(note="atelier")
    assert list(_months(workspace).values()) == [(250, entry.date, entry.date, 1)]
    TimeEntry.objects.filter(pk=entry.pk).update(agreement=agreement)
    assert list(_months(workspace)) == [
        (entry.person_id, project.pk, agreement.pk, datetime.date(2025, 3, 1))
    ]


def test_plain_sql_writes_are_summed_too():
    workspace = WorkspaceFactory()
    entry = TimeEntryFactory(workspace=workspace, hours=Decimal("1.25"))
    table = TimeEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET hours = %s WHERE id = %s", ["3.5", entry.pk])  # noqa: S608
    assert [row[0] for row in _months(workspace).values()] == [350]
    assert [row[0] for row in _weeks(workspace).values()] == [350]


def test_rebuild_repairs_and_differences_says_what_was_wrong():
    workspace = WorkspaceFactory()
    TimeEntryFactory(workspace=workspace)
    TimeMonth.objects.filter(workspace=workspace).update(hundredths=1)
    found = time_summary.differences(workspace.pk)
    assert len(found) == 2 and "missing" in found[0] and "wrong" in found[1]
    with pytest.raises(CommandError, match="2 summary rows differ"):
        call_command("time_summary", stdout=io.StringIO())
    call_command("time_summary", "--rebuild", stdout=io.StringIO())
    assert time_summary.differences(workspace.pk) == []
    out = io.StringIO()
    call_command("time_summary", stdout=out)
    assert "matches" in out.getvalue()


# Random writes through every path, then the summary against the entries (hypothesis).

DAYS = [datetime.date(2025, 1, 27) + datetime.timedelta(days=n) for n in range(0, 40, 3)]
HOURS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("8"), places=2)
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(
            st.just("create"),
            st.integers(0, 1),
            st.integers(0, 1),
            st.booleans(),
            st.sampled_from(DAYS),
            HOURS,
        ),
        st.tuples(st.just("bulk"), st.integers(0, 1), st.sampled_from(DAYS), HOURS),
        st.tuples(st.just("hours"), st.integers(0, 50), HOURS),
        st.tuples(st.just("move"), st.integers(0, 50), st.sampled_from(DAYS)),
        st.tuples(st.just("agreement"), st.integers(0, 50)),
        st.tuples(st.just("delete"), st.integers(0, 50)),
        st.tuples(st.just("delete_day"), st.sampled_from(DAYS)),
    ),
    max_size=25,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_the_summary_equals_the_entries_after_any_writes(operations):
    workspace = WorkspaceFactory()
    people = [PersonFactory(workspace=workspace) for _ in range(2)]
    agreement = FundingAgreementFactory(workspace=workspace)
    projects = [agreement.projects.get(), ProjectFactory(workspace=workspace)]
    for operation in operations:
        entries = list(TimeEntry.objects.filter(workspace=workspace).order_by("pk"))
        kind = operation[0]
        if kind == "create":
            _kind, person, project, named, day, hours = operation
            fields = {
                "workspace": workspace,
                "person": people[person],
                "project": projects[project],
                "agreement": agreement if named and project == 0 else None,
                "date": day,
            }
            if not TimeEntry.objects.filter(**fields).exists():
                TimeEntry.objects.create(**fields, hours=hours)
        elif kind == "bulk":
            _kind, person, day, hours = operation
            taken = set(
                TimeEntry.objects.filter(person=people[person], date=day).values_list(
                    "project_id", flat=True
                )
            )
            TimeEntry.objects.bulk_create(
                TimeEntry(
                    workspace=workspace, person=people[person], project=p, date=day, hours=hours
                )
                for p in projects
                if p.pk not in taken
            )
        elif entries and kind in ("hours", "move", "agreement", "delete"):
            entry = entries[operation[1] % len(entries)]
            same = TimeEntry.objects.filter(pk=entry.pk)
            if kind == "hours":
                same.update(hours=operation[2])
            elif kind == "move":
                clash = TimeEntry.objects.filter(
                    person=entry.person_id,
                    project=entry.project_id,
                    agreement=entry.agreement_id,
                    date=operation[2],
                )
                if not clash.exists():
                    entry.date = operation[2]
                    entry.save()
            elif kind == "agreement" and entry.project_id == projects[0].pk:
                target = None if entry.agreement_id else agreement
                clash = TimeEntry.objects.filter(
                    person=entry.person_id,
                    project=entry.project_id,
                    agreement=target,
                    date=entry.date,
                )
                if not clash.exists():
                    same.update(agreement=target)
            elif kind == "delete":
                entry.delete()
        elif kind == "delete_day":
            TimeEntry.objects.filter(workspace=workspace, date=operation[1]).delete()
    assert time_summary.differences(workspace.pk) == []


# The engine reads whole months from the summary and the months a period cuts from the entries.

PERIOD_DAYS = st.one_of(
    st.none(),
    st.dates(min_value=datetime.date(2025, 1, 1), max_value=datetime.date(2025, 4, 30)),
)


@pytest.fixture(scope="module")
def three_months(django_db_setup, django_db_blocker):
    """Entries on every third day of February to April 2025 (two people, two projects)."""
    with django_db_blocker.unblock(), scopes_disabled():
        workspace = WorkspaceFactory()
        people = [PersonFactory(workspace=workspace) for _ in range(2)]
        projects = [ProjectFactory(workspace=workspace) for _ in range(2)]
        day = datetime.date(2025, 1, 30)
        rows = []
        while day <= datetime.date(2025, 4, 30):
            for n, (person, project) in enumerate(zip(people, projects * 2, strict=False)):
                rows.append(
                    TimeEntry(
                        workspace=workspace,
                        person=person,
                        project=project,
                        date=day,
                        hours=Decimal(n + 1) + Decimal(day.day) / 100,
                    )
                )
            day += datetime.timedelta(days=3)
        TimeEntry.objects.bulk_create(rows)
        yield workspace, [p.pk for p in projects]
        TimeEntry.objects.filter(workspace=workspace).delete()
        workspace.delete()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=PERIOD_DAYS, end=PERIOD_DAYS)
def test_month_groups_of_any_period_are_the_entries_grouped(three_months, start, end):
    from maillage.finance.allocation import _month_bounds, _month_groups

    workspace, project_ids = three_months
    entries = TimeEntry.objects.filter(workspace=workspace, project_id__in=project_ids)
    if start:
        entries = entries.filter(date__gte=start)
    if end:
        entries = entries.filter(date__lte=end)
    expected = {}
    for entry in entries:
        key = (entry.project_id, entry.person_id, entry.agreement_id, entry.date.replace(day=1))
        hours, first, last = expected.get(key, (0, entry.date, entry.date))
        expected[key] = (
            hours + int(entry.hours * 100),
            min(first, entry.date),
            max(last, entry.date),
        )
    found = {}
    for project_id, person_id, agreement_id, hours, first, last in _month_groups(
        workspace, project_ids, entries, start, end
    ):
        first, last = (
            d if isinstance(d, datetime.date) else datetime.date.fromisoformat(d)
            for d in (first, last)
        )
        key = (project_id, person_id, agreement_id, first.replace(day=1))
        assert key not in found and _month_bounds(first) == _month_bounds(last)
        found[key] = (hours, first, last)
    assert found == expected


def test_migrate_puts_back_missing_triggers_and_rebuilds_what_they_missed():
    """On SQLite a migration that rebuilds the entries' table drops its triggers."""
    workspace = WorkspaceFactory()
    with connection.cursor() as cursor:
        for name in time_summary.installed(connection):
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER {name}")
            else:
                cursor.execute(f"DROP TRIGGER {name} ON {time_summary.ENTRIES}")
    TimeEntryFactory(workspace=workspace, hours=Decimal("6"))  # missed by the summary
    assert len(time_summary.differences(workspace.pk)) == 2
    time_summary.on_post_migrate(sender=None)
    assert time_summary.installed(connection) == time_summary._wanted(connection)
    assert time_summary.differences(workspace.pk) == []
    assert time_summary.install() is False  # nothing to do the next time
