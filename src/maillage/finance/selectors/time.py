"""Reads of time: the weekly grid of a person, the month of a timesheet, and the choices they
offer (people, projects, agreements). Each builds in a fixed number of queries, whatever the
number of rows."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.easter import easter
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext_lazy as _

from .. import costs
from ..forms.time import cell_name
from ..models import FundingAgreement, Person, Project, TimeEntry
from ..services.time import CellToken

ZERO = Decimal("0")
WORKDAYS = 5


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def iso_week(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def hours_text(value: Decimal | None) -> str:
    """A cell's value as a person types it: "7,5" (fr) / "7.5" (en), "" for nothing."""
    if not value:
        return ""
    text = format(value.normalize(), "f")
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


def french_public_holidays(year: int) -> dict[date, str]:
    """France's public holidays (Code du travail, L3133-1) but Whit Monday, often the
    "journée de solidarité" that the 1,607 hours count as worked."""
    easter_day = easter(year)
    return {
        date(year, 1, 1): _("New Year's Day"),
        easter_day + timedelta(days=1): _("Easter Monday"),
        date(year, 5, 1): _("Labour Day"),
        date(year, 5, 8): _("Victory in Europe Day"),
        easter_day + timedelta(days=39): _("Ascension Day"),
        date(year, 7, 14): _("Bastille Day"),
        date(year, 8, 15): _("Assumption of Mary"),
        date(year, 11, 1): _("All Saints' Day"),
        date(year, 11, 11): _("Armistice Day"),
        date(year, 12, 25): _("Christmas Day"),
    }


def expected_hours(contracts, days, holidays=None) -> Decimal:
    """Contractual hours over `days`: a fifth of the weekly hours of the contract covering each
    working day (Monday to Friday, public holidays excepted)."""
    total = ZERO
    for day in days:
        if day.weekday() >= WORKDAYS or (holidays and day in holidays):
            continue
        contract = costs.contract_on(contracts, day)
        if contract is not None:
            total += contract.weekly_hours / WORKDAYS
    return total


# --- choices ----------------------------------------------------------------------------------


def grid_people(workspace, chosen: Person | None = None) -> list[Person]:
    """Active people, and the chosen one even if deactivated."""
    condition = Q(active=True)
    if chosen is not None:
        condition |= Q(pk=chosen.pk)
    return list(Person.objects.filter(workspace=workspace).filter(condition))


def default_person(workspace, user) -> Person | None:
    """The person whose e-mail is the user's, else the first active one."""
    people = Person.objects.filter(workspace=workspace, active=True)
    email = getattr(user, "email", "")
    return (email and people.filter(email__iexact=email).first()) or people.first()


def picker_projects(workspace) -> list[Project]:
    return list(
        Project.objects.filter(
            workspace=workspace, status__in=[Project.Status.DRAFT, Project.Status.ACTIVE]
        ).order_by("code", "pk")
    )


def picker_agreements(workspace) -> list[FundingAgreement]:
    """Agreements hours may be charged to (not refused), each with `project_ids`."""
    agreements = list(
        FundingAgreement.objects.filter(workspace=workspace)
        .exclude(status=FundingAgreement.Status.REFUSED)
        .select_related("funder")
        .prefetch_related(Prefetch("projects", queryset=Project.objects.only("pk")))
        .order_by("reference", "pk")
    )
    for agreement in agreements:
        agreement.project_ids = sorted(p.pk for p in agreement.projects.all())
    return agreements


# --- the weekly grid ----------------------------------------------------------------------------


@dataclass
class Day:
    date: date
    in_contract: bool | None  # None: a volunteer, who has no contract
    holiday: str = ""
    total: Decimal = ZERO
    expected: Decimal | None = None  # a fifth of the weekly hours on a working day

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= WORKDAYS

    @property
    def is_today(self) -> bool:
        return self.date == timezone.localdate()

    @property
    def key(self) -> str:
        return f"{self.date:%Y%m%d}"

    @property
    def outside_contract(self) -> bool:
        return self.in_contract is False

    @property
    def label(self) -> str:
        return date_format(self.date, "l j F")


@dataclass
class Cell:
    day: Day
    row: "Row"
    entry: TimeEntry | None = None
    text: str | None = None  # what the user typed, when shown again with an error
    error: str = ""
    conflict: bool = False
    autofocus: bool = False
    r: int = 0  # row and column in the grid, for the arrow keys
    c: int = 0

    @property
    def name(self) -> str:
        return cell_name("h", self.row.project.pk, self.row.agreement_id, self.day.date)

    @property
    def version_name(self) -> str:
        return cell_name("v", self.row.project.pk, self.row.agreement_id, self.day.date)

    @property
    def id(self) -> str:
        return cell_name("cell", self.row.project.pk, self.row.agreement_id, self.day.date)

    @property
    def original_name(self) -> str:
        return cell_name("o", self.row.project.pk, self.row.agreement_id, self.day.date)

    @property
    def original(self) -> str:
        """The value stored, as shown when the page was built."""
        return hours_text(self.hours)

    @property
    def token(self) -> str:
        token = CellToken.of(self.entry)
        return str(token) if token else ""

    @property
    def hours(self) -> Decimal | None:
        return self.entry.hours if self.entry is not None else None

    @property
    def value(self) -> str:
        return self.text if self.text is not None else hours_text(self.hours)

    @property
    def label(self) -> str:
        return _("Hours on %(project)s on %(day)s") % {
            "project": self.row.label,
            "day": self.day.label,
        }


@dataclass
class Row:
    project: Project
    agreement: FundingAgreement | None
    cells: list[Cell] = field(default_factory=list)
    total: Decimal = ZERO

    @property
    def agreement_id(self) -> int | None:
        return self.agreement.pk if self.agreement is not None else None

    @property
    def key(self) -> str:
        return f"{self.project.pk}_{self.agreement_id or 0}"

    @property
    def label(self) -> str:
        if self.agreement is None:
            return str(self.project.code)
        return f"{self.project.code} · {self.agreement.reference}"

    def sort_key(self):
        return (
            self.project.code.casefold(),
            self.project.pk,
            self.agreement.reference.casefold() if self.agreement else "",
        )


@dataclass
class WeekGrid:
    person: Person
    monday: date
    days: list[Day]
    rows: list[Row]
    contract_hours: Decimal | None  # None: a volunteer
    weekly_hours: Decimal | None  # of the contract covering most of the week
    total: Decimal = ZERO

    @property
    def week(self) -> str:
        return iso_week(self.monday)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def previous_week(self) -> str:
        return iso_week(self.monday - timedelta(days=7))

    @property
    def next_week(self) -> str:
        return iso_week(self.monday + timedelta(days=7))

    @property
    def balance(self) -> Decimal | None:
        """Hours above (positive) or below (negative) the contract's hours of the week."""
        if self.contract_hours is None:
            return None
        return self.total - self.contract_hours

    @property
    def shortfall(self) -> Decimal:
        """Hours still below the contract's hours of the week (0 when none are)."""
        balance = self.balance
        return -balance if balance is not None and balance < 0 else ZERO

    @property
    def over_time(self) -> bool:
        return self.balance is not None and self.balance > 0 and self.contract_hours > 0

    @property
    def hours_outside_contract(self) -> Decimal:
        return sum((d.total for d in self.days if d.outside_contract), ZERO)

    @property
    def months(self) -> list[date]:
        """The months the week falls in (for the timesheet links)."""
        return sorted({self.monday.replace(day=1), self.sunday.replace(day=1)})

    def cell(self, project_id: int, agreement_id: int | None, day: date) -> Cell | None:
        for row in self.rows:
            if row.project.pk == project_id and row.agreement_id == agreement_id:
                return next((c for c in row.cells if c.day.date == day), None)
        return None

    def row_of(self, project_id: int, agreement_id: int | None) -> Row | None:
        return next(
            (r for r in self.rows if r.project.pk == project_id and r.agreement_id == agreement_id),
            None,
        )


def week_grid(
    person: Person,
    monday: date,
    *,
    extra_rows: list[tuple[Project, FundingAgreement | None]] = (),
) -> WeekGrid:
    """The week of `person` starting on `monday`: one row per (project, agreement) with hours
    this week or the previous one, plus `extra_rows`; two queries (entries, contracts)."""
    sunday = monday + timedelta(days=6)
    entries = list(
        TimeEntry.objects.filter(person=person, date__range=(monday - timedelta(days=7), sunday))
        .select_related("project", "agreement")
        .order_by("date", "pk")
    )
    contracts = [] if person.is_volunteer else list(person.contracts.order_by("start_date"))
    holidays = {
        **french_public_holidays(monday.year),
        **french_public_holidays(sunday.year),
    }
    days = [
        Day(
            date=monday + timedelta(days=i),
            in_contract=None
            if person.is_volunteer
            else costs.contract_on(contracts, monday + timedelta(days=i)) is not None,
            holiday=str(holidays.get(monday + timedelta(days=i), "")),
        )
        for i in range(7)
    ]
    rows: dict[tuple, Row] = {}
    for project, agreement in [*[(e.project, e.agreement) for e in entries], *extra_rows]:
        key = (project.pk, agreement.pk if agreement is not None else None)
        if key not in rows:
            rows[key] = Row(project=project, agreement=agreement)
    ordered = sorted(rows.values(), key=Row.sort_key)
    for r, row in enumerate(ordered):
        row.cells = [Cell(day=day, row=row, r=r, c=c) for c, day in enumerate(days)]
    by_day = {day.date: index for index, day in enumerate(days)}
    total = ZERO
    for entry in entries:
        index = by_day.get(entry.date)
        if index is None:
            continue  # the previous week: it only names the rows
        row = rows[(entry.project_id, entry.agreement_id)]
        row.cells[index].entry = entry
        row.total += entry.hours
        days[index].total += entry.hours
        total += entry.hours
    for day in days:
        if person.is_volunteer:
            continue
        contract = costs.contract_on(contracts, day.date)
        working = not day.is_weekend and not day.holiday
        day.expected = contract.weekly_hours / WORKDAYS if contract and working else ZERO
    if person.is_volunteer:
        contract_hours = weekly = None
    else:
        contract_hours = expected_hours(contracts, [d.date for d in days], holidays)
        middle = costs.contract_on(contracts, monday + timedelta(days=2))
        weekly = middle.weekly_hours if middle is not None else None
    return WeekGrid(
        person=person,
        monday=monday,
        days=days,
        rows=ordered,
        contract_hours=contract_hours,
        weekly_hours=weekly,
        total=total,
    )


# --- the month of a timesheet -------------------------------------------------------------------


@dataclass
class TimesheetColumn:
    project: Project
    agreement: FundingAgreement | None
    total: Decimal = ZERO


@dataclass
class TimesheetDay:
    date: date
    hours: list[Decimal | None]
    total: Decimal
    holiday: str
    in_contract: bool | None

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= WORKDAYS


@dataclass
class Timesheet:
    person: Person
    year: int
    month: int
    columns: list[TimesheetColumn]
    days: list[TimesheetDay]
    total: Decimal
    contract_hours: Decimal | None
    contracts: list = field(default_factory=list)
    notes: list[tuple[date, str, str]] = field(default_factory=list)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.days[-1].date

    @property
    def balance(self) -> Decimal | None:
        if self.contract_hours is None:
            return None
        return self.total - self.contract_hours


def month_timesheet(person: Person, year: int, month: int) -> Timesheet:
    """Hours of `person` in a month: days (rows) × (project, agreement) (columns), totals, the
    contractual hours of the month and the notes typed on entries; three queries."""
    first = date(year, month, 1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    entries = list(
        TimeEntry.objects.filter(person=person, date__range=(first, last))
        .select_related("project", "agreement")
        .order_by("date", "pk")
    )
    contracts = [] if person.is_volunteer else list(person.contracts.order_by("start_date"))
    holidays = french_public_holidays(year)
    columns: dict[tuple, TimesheetColumn] = {}
    for entry in entries:
        key = (entry.project_id, entry.agreement_id)
        if key not in columns:
            columns[key] = TimesheetColumn(project=entry.project, agreement=entry.agreement)
    ordered = sorted(
        columns.values(),
        key=lambda c: (
            c.project.code.casefold(),
            c.project.pk,
            c.agreement.reference.casefold() if c.agreement else "",
        ),
    )
    position = {
        (c.project.pk, c.agreement.pk if c.agreement else None): i for i, c in enumerate(ordered)
    }
    cells: dict[date, list] = defaultdict(lambda: [None] * len(ordered))
    notes = []
    for entry in entries:
        index = position[(entry.project_id, entry.agreement_id)]
        row = cells[entry.date]
        row[index] = (row[index] or ZERO) + entry.hours
        ordered[index].total += entry.hours
        if entry.note:
            notes.append((entry.date, ordered[index], entry.note))
    days = []
    day = first
    while day <= last:
        hours = cells[day] if day in cells else [None] * len(ordered)
        days.append(
            TimesheetDay(
                date=day,
                hours=hours,
                total=sum((h for h in hours if h), ZERO),
                holiday=str(holidays.get(day, "")),
                in_contract=None
                if person.is_volunteer
                else costs.contract_on(contracts, day) is not None,
            )
        )
        day += timedelta(days=1)
    return Timesheet(
        person=person,
        year=year,
        month=month,
        columns=ordered,
        days=days,
        total=sum((c.total for c in ordered), ZERO),
        contract_hours=None
        if person.is_volunteer
        else expected_hours(contracts, [d.date for d in days], holidays),
        contracts=[
            c
            for c in contracts
            if c.start_date <= last and (c.end_date is None or c.end_date >= first)
        ],
        notes=notes,
    )


def latest_day_with_hours(person: Person) -> date | None:
    """The last day the person has hours on (to offer it when the chosen week is empty)."""
    return (
        TimeEntry.objects.filter(workspace_id=person.workspace_id, person=person)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
