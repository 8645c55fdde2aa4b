"""The overview of one funder: every agreement with what it granted, what the costs make
eligible, charged and claimable, what was received and is left to receive, the reporting
deadlines and the checks' findings; totals; and the same figures year by year.

- *Eligible*, *charged*, *claimable*: the allocation engine's figures over each agreement's
  projects and eligible period, rounded to the cent — the same as the agreement's funder
  report (CERFA 15059). By year, they are split by the years of the costs
  (`shares.agreement_shares`), so the years add up to the agreement's figure to the cent.
- *Granted*: the amount of the agreement. The totals and the years count only signed or closed
  agreements (in the year signed, or begun without a signature date), like the funder's page.
- *Received*: the instalments (by the year received). *Balance to receive*: claimable −
  received; negative when the funder paid in advance more than the costs justify so far.
- Totals leave out refused agreements.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from .. import checks
from ..allocation import ZERO, AgreementFigures, allocate_projects
from ..models import Funder, FundingAgreement, Instalment, ReportingDeadline
from ..selectors.agreements import GRANTED, DeadlineRow, deadline_rows, received_subquery
from .shares import Shares, agreement_shares

REFUSED = FundingAgreement.Status.REFUSED


@dataclass
class AgreementRow:
    agreement: FundingAgreement
    shares: Shares
    received: Decimal
    deadlines: list[DeadlineRow]  # not yet submitted, the soonest first
    findings: int

    @property
    def projects(self) -> list:
        return list(self.agreement.projects.all())

    @property
    def granted(self) -> Decimal:
        return self.agreement.amount_granted

    @property
    def eligible(self) -> Decimal:
        return self.shares.total("eligible")

    @property
    def charged(self) -> Decimal:
        return self.shares.total("charged")

    @property
    def claimable(self) -> Decimal:
        return self.shares.total("claimable")

    @property
    def balance(self) -> Decimal:
        return self.claimable - self.received

    @property
    def counted(self) -> bool:
        return self.agreement.status != REFUSED

    @property
    def is_granted(self) -> bool:
        return self.agreement.status in GRANTED

    @property
    def next_deadline(self) -> DeadlineRow | None:
        return self.deadlines[0] if self.deadlines else None

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.deadlines if row.overdue)


@dataclass
class Totals:
    """Sums over agreements (a year's, or all years')."""

    year: int | None = None
    granted: Decimal = ZERO
    eligible: Decimal = ZERO
    charged: Decimal = ZERO
    claimable: Decimal = ZERO
    received: Decimal = ZERO

    @property
    def balance(self) -> Decimal:
        return self.claimable - self.received


@dataclass
class FunderOverview:
    funder: Funder
    rows: list[AgreementRow]
    years: list[Totals]  # oldest first
    totals: Totals
    findings_total: int = 0
    pending_deadlines: int = 0
    overdue_deadlines: int = 0


def _findings_by_agreement(workspace, agreements) -> dict[int, int]:
    """How many of the checks' findings concern each agreement (`checks.Finding.concerns`,
    with the agreements' projects read once)."""
    findings = checks.run_checks(workspace)
    counts = {}
    for agreement in agreements:
        project_ids = {p.pk for p in agreement.projects.all()}
        counts[agreement.pk] = sum(
            1
            for f in findings
            if agreement.pk in f.agreement_ids
            or (f.project_ids and not f.agreement_ids and f.project_ids & project_ids)
        )
    return counts


def build_funder_overview(funder: Funder) -> FunderOverview:
    workspace = funder.workspace
    pending = ReportingDeadline.objects.filter(submitted_on__isnull=True).order_by("due_on", "pk")
    agreements = list(
        FundingAgreement.objects.filter(workspace=workspace, funder=funder)
        .annotate(received=received_subquery())
        .prefetch_related("projects", Prefetch("deadlines", queryset=pending))
        .order_by("-start_date", "reference", "pk")
    )
    project_ids = {p.pk for a in agreements for p in a.projects.all()}
    allocation = allocate_projects(workspace, project_ids)
    findings = _findings_by_agreement(workspace, agreements)
    rows = []
    for agreement in agreements:
        figures = allocation.figures.get(agreement.pk) or AgreementFigures(agreement)
        rows.append(
            AgreementRow(
                agreement=agreement,
                shares=agreement_shares(figures),
                received=agreement.received,
                deadlines=deadline_rows(list(agreement.deadlines.all())),
                findings=findings.get(agreement.pk, 0),
            )
        )
    counted = [row for row in rows if row.counted]
    years: dict[int, Totals] = defaultdict(Totals)
    for row in counted:
        for name in ("eligible", "charged", "claimable"):
            for year, amount in row.shares.by_year(name).items():
                setattr(years[year], name, getattr(years[year], name) + amount)
        if row.is_granted:
            agreement = row.agreement
            year = (agreement.signed_on or agreement.start_date).year
            years[year].granted += agreement.amount_granted
    received = Instalment.objects.filter(
        agreement__in=[row.agreement for row in counted]
    ).values_list("received_on", "amount")
    for day, amount in received:
        years[day.year].received += amount
    for year, totals in years.items():
        totals.year = year
    totals = Totals(
        granted=sum((r.granted for r in counted if r.is_granted), ZERO),
        eligible=sum((r.eligible for r in counted), ZERO),
        charged=sum((r.charged for r in counted), ZERO),
        claimable=sum((r.claimable for r in counted), ZERO),
        received=sum((r.received for r in counted), ZERO),
    )
    return FunderOverview(
        funder=funder,
        rows=rows,
        years=[years[y] for y in sorted(years)],
        totals=totals,
        findings_total=sum(r.findings for r in rows),
        pending_deadlines=sum(len(r.deadlines) for r in rows),
        overdue_deadlines=sum(r.overdue for r in rows),
    )
