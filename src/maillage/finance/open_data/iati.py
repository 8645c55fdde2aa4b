"""The workspace's projects as IATI activities (IATI Activity Standard 2.03, XML).

One ``iati-activity`` per project:

- ``iati-identifier``: the association's identifier, "-", the project's code (IATI wants the
  reporting organisation's identifier as the prefix); ``reporting-org``: the association;
- ``title``: the project's name; ``description``: its objectives (else its activities, else
  its name);
- ``participating-org``: the association as implementing (role 4), each funder of an awarded
  agreement (signed or closed) funding the project as funding (role 1), typed with the
  OrganisationType codelist (``identity.funder_iati_type``);
- ``activity-status`` (ActivityStatus): in preparation → 1 pipeline, running → 2
  implementation (3 finalisation once its end date has passed), closed → 4, cancelled → 5;
- ``activity-date`` (ActivityDateType): planned start (1) and end (3) are the project's dates;
  actual start (2) is its start date once it has started (running or closed); actual end (4)
  its end date (or today, if earlier) once closed;
- ``budget``: one per project year, the cash charges of its budget lines (60 to 68; in-kind
  86 is not money), over the part of the year the project runs, status 1 (indicative);
- ``transaction`` type 1 (incoming funds): each instalment of an awarded agreement funding
  the project. When the agreement funds several projects, each instalment is split between
  them with ``core.money.allocate`` in proportion to their eligible costs for that agreement
  (the allocation engine's, all dates), or equally while none has any: the parts add up to
  the instalment to the cent;
- ``transaction`` type 4 (expenditure): the project's actual cash costs of each year (staff
  time and ledger charges 60 to 68, the engine's figures rounded as the project's page rounds
  them: per year and account class), dated on the year's last cost.

Values are in EUR with their ``value-date`` (the transaction's date, or the budget period's
start). Organisations without a registered identifier have no ``ref``: nothing is made up
for them here, as IATI wants a ``ref`` to resolve.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from xml.etree import ElementTree as ET

from django.db.models import Prefetch, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from maillage.core.money import allocate, format_euros, round_euro

from ..allocation import ZERO, allocate_projects
from ..models import FundingAgreement, Instalment, Project
from ..models.accounts import CHARGE_CATEGORIES
from ..models.projects import BudgetLine
from . import identity
from .giving360 import AWARDED

IATI_VERSION = "2.03"
CURRENCY = "EUR"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Codelist values used below (ActivityStatus, ActivityDateType, OrganisationRole,
# TransactionType, BudgetType, BudgetStatus).
STATUS_OF_PROJECT = {
    Project.Status.DRAFT: "1",
    Project.Status.ACTIVE: "2",
    Project.Status.CLOSED: "4",
    Project.Status.CANCELLED: "5",
}
FINALISATION = "3"
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
ROLE_FUNDING, ROLE_IMPLEMENTING = "1", "4"
INCOMING_FUNDS, EXPENDITURE = "1", "4"
BUDGET_ORIGINAL, BUDGET_INDICATIVE = "1", "1"


def _value(amount: Decimal) -> str:
    return f"{round_euro(amount):f}"


def _narrative(parent: ET.Element, tag: str, text: str, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attributes.items()})
    ET.SubElement(element, "narrative").text = text
    return element


def _org(parent: ET.Element, tag: str, name: str, ref: str, org_type: str, **extra) -> None:
    attributes = {"ref": ref} if ref else {}
    attributes["type"] = org_type
    attributes.update({k.replace("_", "-"): v for k, v in extra.items()})
    element = ET.SubElement(parent, tag, attributes)
    ET.SubElement(element, "narrative").text = name


def activity_status(project: Project, today: datetime.date) -> str:
    if project.status == Project.Status.ACTIVE and project.end_date < today:
        return FINALISATION
    return STATUS_OF_PROJECT[project.status]


def activity_dates(project: Project, today: datetime.date) -> list[tuple[str, datetime.date]]:
    dates = [(PLANNED_START, project.start_date)]
    started = project.status in (Project.Status.ACTIVE, Project.Status.CLOSED)
    if started and project.start_date <= today:
        dates.append((ACTUAL_START, project.start_date))
    dates.append((PLANNED_END, project.end_date))
    if project.status == Project.Status.CLOSED:
        dates.append((ACTUAL_END, min(project.end_date, today)))
    return dates


class _Figures:
    """What the activities need from the database and the engine, read once for all."""

    def __init__(self, workspace, projects: list[Project]):
        project_ids = [p.pk for p in projects]
        self.agreements = list(
            FundingAgreement.objects.filter(workspace=workspace, status__in=AWARDED)
            .select_related("funder", "funder__actor")
            .prefetch_related(
                Prefetch("instalments", queryset=Instalment.objects.order_by("received_on", "pk"))
            )
            .order_by("funder__name", "reference", "pk")
        )
        through = FundingAgreement.projects.through
        self.projects_of: dict[int, list[int]] = defaultdict(list)
        for agreement_id, project_id in (
            through.objects.filter(fundingagreement_id__in=[a.pk for a in self.agreements])
            .order_by("project_id")
            .values_list("fundingagreement_id", "project_id")
        ):
            self.projects_of[agreement_id].append(project_id)
        allocation = allocate_projects(workspace, project_ids)
        self.incoming = self._incoming(allocation)
        self.expenditure = self._expenditure(allocation.costs)
        self.budgets: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
        for row in (
            BudgetLine.objects.filter(
                workspace=workspace, project_id__in=project_ids, category__in=CHARGE_CATEGORIES
            )
            .values("project_id", "year")
            .annotate(amount=Sum("amount"))
            .order_by("project_id", "year")
        ):
            self.budgets[row["project_id"]].append((row["year"], row["amount"]))

    def weights(self, allocation, agreement: FundingAgreement) -> list[Decimal]:
        """The projects' eligible costs for the agreement (zero or more), else equal weights."""
        project_ids = self.projects_of[agreement.pk]
        figures = allocation.figures.get(agreement.pk)
        eligible: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for cost in figures.eligible_costs if figures else ():
            eligible[cost.project_id] += cost.amount
        weights = [max(eligible[pid], ZERO) for pid in project_ids]
        if not any(weights):
            return [Decimal(1)] * len(project_ids)
        return weights

    def _incoming(self, allocation) -> dict[int, list[tuple]]:
        incoming: dict[int, list[tuple]] = defaultdict(list)
        for agreement in self.agreements:
            project_ids = self.projects_of[agreement.pk]
            if not project_ids:
                continue
            weights = self.weights(allocation, agreement)
            for instalment in agreement.instalments.all():
                parts = allocate(instalment.amount, weights)
                for project_id, part in zip(project_ids, parts, strict=True):
                    if part:
                        incoming[project_id].append((instalment, agreement, part))
        return incoming

    @staticmethod
    def _expenditure(costs) -> dict[int, list[tuple[int, datetime.date, Decimal]]]:
        exact: dict[tuple[int, int, str], Decimal] = defaultdict(lambda: ZERO)
        last: dict[tuple[int, int], datetime.date] = {}
        for cost in costs:
            if cost.in_kind or cost.category not in CHARGE_CATEGORIES:
                continue
            year_key = (cost.project_id, cost.start.year)
            exact[(*year_key, cost.category)] += cost.amount
            last[year_key] = max(last.get(year_key, cost.end), cost.end)
        totals: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
        for (project_id, year, _category), amount in exact.items():
            totals[(project_id, year)] += round_euro(amount)
        result: dict[int, list] = defaultdict(list)
        for (project_id, year), amount in sorted(totals.items()):
            if amount:
                result[project_id].append((year, last[(project_id, year)], amount))
        return result


def _activity(
    parent: ET.Element,
    project: Project,
    figures: _Figures,
    organisation: identity.Organisation,
    today: datetime.date,
    language: str,
) -> None:
    activity = ET.SubElement(
        parent,
        "iati-activity",
        {
            "last-updated-datetime": timezone.localtime(project.updated_at).isoformat(
                timespec="seconds"
            ),
            XML_LANG: language,
            "default-currency": CURRENCY,
        },
    )
    ET.SubElement(
        activity, "iati-identifier"
    ).text = f"{organisation.identifier}-{identity.local_id(project.code)}"
    _org(
        activity,
        "reporting-org",
        organisation.name,
        organisation.identifier,
        organisation.iati_type,
    )
    _narrative(activity, "title", project.name)
    description = (project.objectives or project.activities or project.name).strip()
    _narrative(activity, "description", description)
    _org(
        activity,
        "participating-org",
        organisation.name,
        organisation.identifier,
        organisation.iati_type,
        role=ROLE_IMPLEMENTING,
    )
    funders = {}
    for agreement in figures.agreements:
        if project.pk in figures.projects_of[agreement.pk]:
            funders.setdefault(agreement.funder.pk, agreement.funder)
    for funder in sorted(funders.values(), key=lambda f: (f.name, f.pk)):
        _org(
            activity,
            "participating-org",
            funder.name,
            identity.funder_identifier(funder),
            identity.funder_iati_type(funder),
            role=ROLE_FUNDING,
        )
    ET.SubElement(activity, "activity-status", {"code": activity_status(project, today)})
    for date_type, day in activity_dates(project, today):
        ET.SubElement(activity, "activity-date", {"iso-date": day.isoformat(), "type": date_type})
    for year, amount in figures.budgets.get(project.pk, ()):
        start = max(project.start_date, datetime.date(year, 1, 1))
        end = min(project.end_date, datetime.date(year, 12, 31))
        if end < start:
            continue
        budget = ET.SubElement(
            activity, "budget", {"type": BUDGET_ORIGINAL, "status": BUDGET_INDICATIVE}
        )
        ET.SubElement(budget, "period-start", {"iso-date": start.isoformat()})
        ET.SubElement(budget, "period-end", {"iso-date": end.isoformat()})
        ET.SubElement(
            budget, "value", {"currency": CURRENCY, "value-date": start.isoformat()}
        ).text = _value(amount)
    for instalment, agreement, part in figures.incoming.get(project.pk, ()):
        transaction = _transaction(activity, INCOMING_FUNDS, instalment.received_on, part)
        if part == instalment.amount:
            text = _("Instalment of the agreement %(reference)s.") % {
                "reference": agreement.reference
            }
        else:
            text = _(
                "This project's share of an instalment of %(amount)s (agreement %(reference)s)."
            ) % {
                "amount": format_euros(instalment.amount),
                "reference": agreement.reference,
            }
        _narrative(transaction, "description", text)
        funder = agreement.funder
        _org(
            transaction,
            "provider-org",
            funder.name,
            identity.funder_identifier(funder),
            identity.funder_iati_type(funder),
        )
        _org(
            transaction,
            "receiver-org",
            organisation.name,
            organisation.identifier,
            organisation.iati_type,
        )
    for year, last_day, amount in figures.expenditure.get(project.pk, ()):
        transaction = _transaction(activity, EXPENDITURE, last_day, amount)
        _narrative(
            transaction,
            "description",
            _("Actual cash costs in %(year)s: staff time and charges of the accounts.")
            % {"year": year},
        )
        _org(
            transaction,
            "provider-org",
            organisation.name,
            organisation.identifier,
            organisation.iati_type,
        )


def _transaction(activity: ET.Element, code: str, day: datetime.date, amount: Decimal):
    transaction = ET.SubElement(activity, "transaction")
    ET.SubElement(transaction, "transaction-type", {"code": code})
    ET.SubElement(transaction, "transaction-date", {"iso-date": day.isoformat()})
    ET.SubElement(
        transaction, "value", {"currency": CURRENCY, "value-date": day.isoformat()}
    ).text = _value(amount)
    return transaction


def projects(workspace):
    return Project.objects.filter(workspace=workspace).order_by("code", "pk")


def activities(workspace, *, now: datetime.datetime | None = None) -> bytes:
    """The IATI XML document of the workspace's projects (at least one project is needed)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    language = (get_language() or "fr").split("-")[0]
    organisation = identity.workspace_organisation(workspace)
    project_list = list(projects(workspace))
    figures = _Figures(workspace, project_list)
    root = ET.Element(
        "iati-activities",
        {
            "version": IATI_VERSION,
            "generated-datetime": timezone.localtime(now).isoformat(timespec="seconds"),
        },
    )
    for project in project_list:
        _activity(root, project, figures, organisation, today, language)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
