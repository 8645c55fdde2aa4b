"""Reads of funding agreements: the filtered list, an agreement's page (keys, instalments,
deadlines) and the finance dashboard (deadlines due, agreements ending, the year's totals)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    DecimalField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from maillage.core.money import round_euro

from ..models import FundingAgreement, FundingKey, Instalment, Project, ReportingDeadline

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
_MONEY = DecimalField(max_digits=16, decimal_places=2)
#: Agreements whose amount counts as granted (requested and refused ones do not).
GRANTED = (FundingAgreement.Status.SIGNED, FundingAgreement.Status.CLOSED)
#: The dashboard lists the deadlines falling due within this many days (and the overdue ones).
DEADLINE_HORIZON_DAYS = 60
#: …and the agreements whose eligible period ends within this many days.
ENDING_HORIZON_DAYS = 90


def granted_year():
    """The year an agreement's amount counts as granted: its signature's, else its start's."""
    return ExtractYear(Coalesce("signed_on", "start_date"))


def received_subquery(ref: str = "pk") -> Coalesce:
    return Coalesce(
        Subquery(
            Instalment.objects.filter(agreement=OuterRef(ref))
            .order_by()
            .values("agreement")
            .annotate(total=Sum("amount"))
            .values("total"),
            output_field=_MONEY,
        ),
        Value(ZERO),
        output_field=_MONEY,
    )


def agreements_for_list(
    workspace,
    *,
    funder=None,
    status: str = "",
    year: int | None = None,
    project=None,
    query: str = "",
) -> QuerySet:
    """Agreements with the amount received and their next reporting deadline not yet met;
    their projects come in one more query (prefetch), whatever the number of rows."""
    agreements = (
        FundingAgreement.objects.filter(workspace=workspace)
        .select_related("funder")
        .prefetch_related("projects")
        .annotate(
            received=received_subquery(),
            next_deadline=Subquery(
                ReportingDeadline.objects.filter(
                    agreement=OuterRef("pk"), submitted_on__isnull=True
                )
                .order_by("due_on")
                .values("due_on")[:1]
            ),
        )
    )
    if funder is not None:
        agreements = agreements.filter(funder=funder)
    if status:
        agreements = agreements.filter(status=status)
    if year:
        agreements = agreements.filter(
            start_date__lte=date(year, 12, 31), end_date__gte=date(year, 1, 1)
        )
    if project is not None:
        agreements = agreements.filter(projects=project)
    if query:
        agreements = agreements.filter(Q(reference__icontains=query) | Q(title__icontains=query))
    return agreements.order_by("-start_date", "reference", "pk")


def agreement_years(workspace) -> list[int]:
    bounds = FundingAgreement.objects.filter(workspace=workspace).aggregate(
        first=Min("start_date"), last=Max("end_date")
    )
    today = timezone.localdate()
    first = min(bounds["first"].year, today.year) if bounds["first"] else today.year
    last = max(bounds["last"].year, today.year) if bounds["last"] else today.year
    return list(range(last, first - 1, -1))


def key_totals(project_ids) -> dict[int, Decimal]:
    """Per project, the sum of every agreement's key on it (%)."""
    # SQLite sums decimals as floats: round back to the 2 places every share has.
    return {
        row["project"]: round_euro(row["total"])
        for row in FundingKey.objects.filter(project_id__in=list(project_ids))
        .order_by()
        .values("project")
        .annotate(total=Sum("share"))
    }


@dataclass
class KeyRow:
    project: Project
    key: FundingKey | None
    total: Decimal  # every agreement's keys on the project

    @property
    def over(self) -> bool:
        return self.total > HUNDRED


def agreement_keys(agreement: FundingAgreement) -> list[KeyRow]:
    """One row per project the agreement funds: its key here (if any) and all keys' sum."""
    projects = list(agreement.projects.order_by("code"))
    keys = {k.project_id: k for k in agreement.keys.all()}
    totals = key_totals(p.pk for p in projects)
    return [KeyRow(p, keys.get(p.pk), totals.get(p.pk, ZERO)) for p in projects]


@dataclass
class DeadlineRow:
    deadline: ReportingDeadline
    today: date

    @property
    def days(self) -> int:
        return (self.deadline.due_on - self.today).days

    @property
    def overdue(self) -> bool:
        return self.deadline.submitted_on is None and self.days < 0

    @property
    def late_days(self) -> int:
        return -self.days


def deadline_rows(deadlines, today: date | None = None) -> list[DeadlineRow]:
    today = today or timezone.localdate()
    return [DeadlineRow(d, today) for d in deadlines]


def deadlines_due(workspace, today: date | None = None, *, limit: int | None = None) -> list:
    """Deadlines not yet submitted that are overdue or fall due within the horizon, oldest
    first, with their agreement and funder."""
    today = today or timezone.localdate()
    deadlines = (
        ReportingDeadline.objects.filter(
            workspace=workspace,
            submitted_on__isnull=True,
            due_on__lte=today + timedelta(days=DEADLINE_HORIZON_DAYS),
        )
        .exclude(agreement__status=FundingAgreement.Status.REFUSED)
        .select_related("agreement", "agreement__funder")
        .order_by("due_on", "pk")
    )
    if limit:
        deadlines = deadlines[:limit]
    return deadline_rows(deadlines, today)


@dataclass
class YearFigures:
    year: int
    granted: Decimal
    received: Decimal
    resources: Decimal


def year_figures(workspace, year: int) -> YearFigures:
    from ..models import Resource

    granted = (
        FundingAgreement.objects.filter(workspace=workspace, status__in=GRANTED)
        .annotate(granted_in=granted_year())
        .filter(granted_in=year)
        .aggregate(total=Sum("amount_granted"))["total"]
    )
    received = Instalment.objects.filter(workspace=workspace, received_on__year=year).aggregate(
        total=Sum("amount")
    )["total"]
    resources = Resource.objects.filter(workspace=workspace, year=year).aggregate(
        total=Sum("amount")
    )["total"]
    return YearFigures(
        year,
        round_euro(granted or ZERO),
        round_euro(received or ZERO),
        round_euro(resources or ZERO),
    )


def agreements_ending(workspace, today: date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return (
        FundingAgreement.objects.filter(
            workspace=workspace,
            status=FundingAgreement.Status.SIGNED,
            end_date__gte=today,
            end_date__lte=today + timedelta(days=ENDING_HORIZON_DAYS),
        )
        .select_related("funder")
        .annotate(received=received_subquery())
        .order_by("end_date", "reference")
    )


def projects_running(workspace, today: date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return (
        Project.objects.filter(
            workspace=workspace,
            status=Project.Status.ACTIVE,
            start_date__lte=today,
            end_date__gte=today,
        )
        .select_related("manager")
        .order_by("end_date", "name")
    )


def has_finance_data(workspace) -> bool:
    return (
        FundingAgreement.objects.filter(workspace=workspace).exists()
        or Project.objects.filter(workspace=workspace).exists()
    )
