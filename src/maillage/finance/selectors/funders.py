"""Reads of funders and resources: lists with their totals, a funder's page by year."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, ExtractYear

from maillage.core.money import round_euro

from ..models import Funder, FundingAgreement, Instalment, Resource
from .agreements import GRANTED, granted_year, received_subquery

ZERO = Decimal("0.00")
_MONEY = DecimalField(max_digits=16, decimal_places=2)


def _money(subquery) -> Coalesce:
    return Coalesce(Subquery(subquery, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def funders_for_list(workspace, *, source: str = "", level: str = "", query: str = "") -> QuerySet:
    """Funders with their number of agreements, the amounts granted (signed or closed
    agreements), received (instalments) and the resources recorded: one query."""
    agreements = FundingAgreement.objects.filter(funder=OuterRef("pk")).order_by().values("funder")
    funders = (
        Funder.objects.filter(workspace=workspace)
        .select_related("actor")
        .annotate(
            agreement_count=Coalesce(
                Subquery(
                    agreements.annotate(n=Count("pk")).values("n"), output_field=IntegerField()
                ),
                Value(0),
            ),
            granted_total=_money(
                agreements.filter(status__in=GRANTED)
                .annotate(total=Sum("amount_granted"))
                .values("total")
            ),
            received_total=_money(
                Instalment.objects.filter(agreement__funder=OuterRef("pk"))
                .order_by()
                .values("agreement__funder")
                .annotate(total=Sum("amount"))
                .values("total")
            ),
            resources_total=_money(
                Resource.objects.filter(funder=OuterRef("pk"))
                .order_by()
                .values("funder")
                .annotate(total=Sum("amount"))
                .values("total")
            ),
        )
    )
    if source:
        funders = funders.filter(source=source)
    if level:
        funders = funders.filter(level=level)
    if query:
        funders = funders.filter(Q(name__icontains=query) | Q(identifier__icontains=query))
    return funders.order_by("name", "pk")


@dataclass
class YearTotals:
    year: int
    granted: Decimal = ZERO
    received: Decimal = ZERO
    resources: Decimal = ZERO


def funder_totals_by_year(funder: Funder) -> list[YearTotals]:
    """Per year, newest first: granted (signed or closed agreements, in the year they were
    signed, or began when no signature date is recorded), received (instalments, in the year
    received) and the resources recorded outside agreements."""
    years: dict[int, YearTotals] = defaultdict(lambda: YearTotals(0))
    granted = (
        FundingAgreement.objects.filter(funder=funder, status__in=GRANTED)
        .annotate(year=granted_year())
        .order_by()
        .values("year")
        .annotate(total=Sum("amount_granted"))
    )
    for row in granted:
        years[row["year"]].granted = round_euro(row["total"])
    received = (
        Instalment.objects.filter(agreement__funder=funder)
        .annotate(year=ExtractYear("received_on"))
        .order_by()
        .values("year")
        .annotate(total=Sum("amount"))
    )
    for row in received:
        years[row["year"]].received = round_euro(row["total"])
    resources = (
        Resource.objects.filter(funder=funder)
        .order_by()
        .values("year")
        .annotate(total=Sum("amount"))
    )
    for row in resources:
        years[row["year"]].resources = round_euro(row["total"])
    for year, totals in years.items():
        totals.year = year
    return [years[y] for y in sorted(years, reverse=True)]


def funder_agreements(funder: Funder) -> QuerySet:
    return (
        FundingAgreement.objects.filter(funder=funder)
        .annotate(received=received_subquery())
        .prefetch_related("projects")
        .order_by("-start_date", "reference")
    )


def resources_for_list(
    workspace, *, year: int | None = None, kind: str = "", funder=None, query: str = ""
) -> QuerySet:
    resources = Resource.objects.filter(workspace=workspace).select_related("funder", "project")
    if year:
        resources = resources.filter(year=year)
    if kind:
        resources = resources.filter(kind=kind)
    if funder is not None:
        resources = resources.filter(funder=funder)
    if query:
        resources = resources.filter(Q(label__icontains=query) | Q(funder__name__icontains=query))
    return resources.order_by("-year", "funder__name", "pk")


def resource_years(workspace) -> list[int]:
    return sorted(
        set(Resource.objects.filter(workspace=workspace).values_list("year", flat=True)),
        reverse=True,
    )
