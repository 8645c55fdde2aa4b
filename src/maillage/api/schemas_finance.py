"""Schemas of the finance API (`api/finance.py`): projects and budgets, funders and resources,
agreements with their keys, instalments and deadlines, people and contracts, time entries, the
ledger with its allocations, assignment rules and the account mapping; the funder report, the
checks and a project's actuals.

Conventions (docs/api.md, "Finance"):

- objects are referred to by **id**; a project's manager by the member's **e-mail**; account
  classes (CERFA lines) by their **code** ("60", "64", "74");
- **amounts are strings** with two decimals ("574.35"), never JSON numbers, so that no cent is
  lost; so are hours ("7.25") and percentages ("40.00"). Writes accept a string or a number;
  more decimals than the field holds is a 422 naming the field;
- writes send `version`, the one read with the record (optimistic locking), except a creation;
- salaries (a contract's gross salary, employer charges, productive hours and hourly cost) are
  `null` for a caller without the permission to see sensitive data (`salaries_shown: false`).
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import BaseModel, BeforeValidator, ConfigDict

from maillage.finance import costs
from maillage.finance.models import (
    Contract,
    CostCategory,
    FunderLevel,
    FunderSource,
    FundingAgreement,
    IndirectBase,
    Person,
    Project,
    ResourceKind,
)
from maillage.finance.models.accounts import CHARGE_CATEGORIES
from maillage.finance.services import people as people_services

# --- types ---------------------------------------------------------------------------------------

CategoryCode = Literal[tuple(CostCategory.values)]
ChargeCode = Literal[CHARGE_CATEGORIES]
#: A ledger filter's class: a code, or "none" for the lines without one (balance sheet).
LedgerCategory = Literal[(*CostCategory.values, "none")]
SourceCode = Literal[tuple(FunderSource.values)]
LevelCode = Literal[tuple(FunderLevel.values)]
ResourceKindCode = Literal[tuple(ResourceKind.values)]
ProjectStatus = Literal[tuple(Project.Status.values)]
AgreementStatus = Literal[tuple(FundingAgreement.Status.values)]
IndirectBaseCode = Literal[tuple(IndirectBase.values)]
PersonKind = Literal[tuple(Person.Kind.values)]
ContractKind = Literal[tuple(Contract.Kind.values)]

Version = Annotated[
    int, Field(ge=1, description="The version read with the record (optimistic locking).")
]
Money = Annotated[
    Decimal,
    Field(
        ge=0,
        max_digits=14,
        decimal_places=2,
        description='Euros, at most 2 decimals: "1234.50" (a number is read too).',
    ),
]
Percent = Annotated[
    Decimal,
    Field(ge=0, le=100, max_digits=5, decimal_places=2, description="A percentage, 0–100."),
]
Share = Annotated[
    Decimal,
    Field(
        gt=0, le=100, max_digits=5, decimal_places=2, description="A share in %, above 0, ≤ 100."
    ),
]
Hours = Annotated[
    Decimal,
    Field(gt=0, le=24, max_digits=5, decimal_places=2, description='Hours: "7.25", 0.01–24.'),
]
Year = Annotated[int, Field(ge=1990, le=2100)]


def _fixed(places: int):
    exponent = Decimal(1).scaleb(-places)

    def text(value):
        if value is None or isinstance(value, str):
            return value
        return str(Decimal(value).quantize(exponent, rounding=ROUND_HALF_UP))

    return text


#: Answers: euros, hours and percentages as strings with two decimals.
MoneyText = Annotated[str, BeforeValidator(_fixed(2))]
OptionalMoneyText = Annotated[str | None, BeforeValidator(_fixed(2))]


def sees_salaries(request) -> bool:
    """Whether the caller may read and write salaries (`Membership.can_view_sensitive`)."""
    return people_services.sees_salaries(request.membership)


def finance_settings(request):
    """The workspace's finance settings, read once per request."""
    found = getattr(request, "_finance_settings", None)
    if found is None:
        found = request._finance_settings = costs.get_settings(request.workspace)
    return found


# --- projects and budget lines -----------------------------------------------------------------


class ProjectOut(Schema):
    id: int
    version: int
    code: str
    name: str
    objectives: str
    activities: str
    start_date: date
    end_date: date
    status: ProjectStatus
    manager: str | None = Field(description="E-mail of the project manager (a member).")
    manager_name: str | None
    planned_charges: MoneyText = Field(description="Budgeted cash charges, all years (60–68).")
    planned_products: MoneyText = Field(description="Budgeted cash products, all years (70–78).")
    agreement_count: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_manager(project) -> str | None:
        return project.manager.email if project.manager_id else None

    @staticmethod
    def resolve_manager_name(project) -> str | None:
        if not project.manager_id:
            return None
        return project.manager.full_name or project.manager.email


class ProjectIn(Schema):
    """A whole project: `POST` creates it, `PUT` replaces it (omitted fields get these
    defaults)."""

    code: str = Field(max_length=30, description="Unique in the workspace, e.g. JARDINS.")
    name: str = Field(max_length=200)
    objectives: str = ""
    activities: str = ""
    start_date: date
    end_date: date
    status: ProjectStatus = Project.Status.ACTIVE.value
    manager: str | None = Field(None, description="E-mail of a member of the workspace.")


class ProjectReplace(ProjectIn):
    version: Version


class ProjectPatch(Schema):
    version: Version
    code: str | None = Field(None, max_length=30)
    name: str | None = Field(None, max_length=200)
    objectives: str | None = None
    activities: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: ProjectStatus | None = None
    manager: str | None = None


class BudgetLineOut(Schema):
    id: int
    version: int
    project: int
    year: int
    category: CategoryCode
    label: str
    amount: MoneyText
    funder: int | None = Field(description="For a product line (70–78, 87): who brings it.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_project(line) -> int:
        return line.project_id

    @staticmethod
    def resolve_funder(line) -> int | None:
        return line.funder_id


class BudgetLineFields(Schema):
    year: Year
    category: CategoryCode
    label: str = Field("", max_length=200)
    amount: Money
    funder: int | None = Field(None, description="Required on a subsidy line (74).")


class BudgetLineIn(BudgetLineFields):
    project: int


class BudgetLineReplace(BudgetLineFields):
    """The project stays."""

    version: Version


class BudgetLinePatch(Schema):
    version: Version
    year: Year | None = None
    category: CategoryCode | None = None
    label: str | None = Field(None, max_length=200)
    amount: Money | None = None
    funder: int | None = None


class ActualRow(Schema):
    year: int
    category: CategoryCode
    label: str
    side: Literal["charge", "product", "in_kind_use", "in_kind_source"]
    planned: MoneyText
    actual: MoneyText
    variance: MoneyText = Field(description="actual − planned.")


class ProjectActualsOut(Schema):
    project: int
    code: str
    years: list[int]
    rows: list[ActualRow] = Field(
        description="Every (year, category) with a planned or an actual amount."
    )


# --- funders and resources ---------------------------------------------------------------------


class FunderOut(Schema):
    id: int
    version: int
    name: str
    source: SourceCode
    level: LevelCode
    identifier: str
    actor: int | None = Field(description="Id of the actor in the ecosystem registry.")
    agreement_count: int
    granted_total: MoneyText = Field(description="Signed or closed agreements.")
    received_total: MoneyText = Field(description="Instalments received.")
    resources_total: MoneyText = Field(description="Resources recorded outside agreements.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_actor(funder) -> int | None:
        return funder.actor_id


class FunderIn(Schema):
    name: str = Field(max_length=200)
    source: SourceCode
    level: LevelCode = Field(FunderLevel.OTHER.value, description="Public funders only.")
    identifier: str = Field("", max_length=60, description="A SIREN or an org-id.guide id.")
    actor: int | None = None


class FunderReplace(FunderIn):
    version: Version


class FunderPatch(Schema):
    version: Version
    name: str | None = Field(None, max_length=200)
    source: SourceCode | None = None
    level: LevelCode | None = None
    identifier: str | None = Field(None, max_length=60)
    actor: int | None = None


class ResourceOut(Schema):
    id: int
    version: int
    funder: int
    funder_name: str
    kind: ResourceKindCode
    year: int
    amount: MoneyText
    label: str
    project: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_funder(resource) -> int:
        return resource.funder_id

    @staticmethod
    def resolve_funder_name(resource) -> str:
        return resource.funder.name

    @staticmethod
    def resolve_project(resource) -> int | None:
        return resource.project_id


class ResourceIn(Schema):
    funder: int
    kind: ResourceKindCode = Field(description="Allowed by the funder's source (seed 002).")
    year: Year
    amount: Money
    label: str = Field("", max_length=200)
    project: int | None = None


class ResourceReplace(ResourceIn):
    version: Version


class ResourcePatch(Schema):
    version: Version
    funder: int | None = None
    kind: ResourceKindCode | None = None
    year: Year | None = None
    amount: Money | None = None
    label: str | None = Field(None, max_length=200)
    project: int | None = None


# --- agreements and what hangs off them --------------------------------------------------------


class AgreementOut(Schema):
    id: int
    version: int
    reference: str
    title: str
    funder: int
    funder_name: str
    projects: list[int]
    kind: ResourceKindCode
    status: AgreementStatus
    signed_on: date | None
    amount_granted: MoneyText
    start_date: date = Field(description="Start of the eligible period.")
    end_date: date = Field(description="End of the eligible period.")
    eligible_categories: list[ChargeCode]
    max_rate: OptionalMoneyText = Field(description="Maximum co-financing rate (%).")
    indirect_rate: OptionalMoneyText = Field(description="Flat-rate indirect costs (%).")
    indirect_base: IndirectBaseCode
    required_indicators: list[int] = Field(description="Ids of impact indicators.")
    notes: str
    received: MoneyText = Field(description="Sum of the instalments received.")
    next_deadline: date | None = Field(description="The next reporting deadline not yet met.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_funder(agreement) -> int:
        return agreement.funder_id

    @staticmethod
    def resolve_funder_name(agreement) -> str:
        return agreement.funder.name

    @staticmethod
    def resolve_projects(agreement) -> list[int]:
        return sorted(p.pk for p in agreement.projects.all())

    @staticmethod
    def resolve_required_indicators(agreement) -> list[int]:
        return sorted(i.pk for i in agreement.required_indicators.all())


class AgreementIn(Schema):
    reference: str = Field(max_length=60, description="Unique in the workspace.")
    title: str = Field(max_length=200)
    funder: int
    projects: list[int] = Field(min_length=1, description="Ids of the projects it funds.")
    kind: ResourceKindCode = ResourceKind.SUBSIDY.value
    status: AgreementStatus = FundingAgreement.Status.SIGNED.value
    signed_on: date | None = None
    amount_granted: Money
    start_date: date
    end_date: date
    eligible_categories: list[ChargeCode] = Field(
        [], description="Charge classes it funds (60–68); 64 is direct staff."
    )
    max_rate: Percent | None = None
    indirect_rate: Percent | None = None
    indirect_base: IndirectBaseCode = IndirectBase.STAFF.value
    required_indicators: list[int] = []
    notes: str = ""


class AgreementReplace(AgreementIn):
    version: Version


class AgreementPatch(Schema):
    version: Version
    reference: str | None = Field(None, max_length=60)
    title: str | None = Field(None, max_length=200)
    funder: int | None = None
    projects: list[int] | None = Field(None, min_length=1)
    kind: ResourceKindCode | None = None
    status: AgreementStatus | None = None
    signed_on: date | None = None
    amount_granted: Money | None = None
    start_date: date | None = None
    end_date: date | None = None
    eligible_categories: list[ChargeCode] | None = None
    max_rate: Percent | None = None
    indirect_rate: Percent | None = None
    indirect_base: IndirectBaseCode | None = None
    required_indicators: list[int] | None = None
    notes: str | None = None


class FundingKeyOut(Schema):
    id: int
    version: int
    agreement: int
    project: int
    share: MoneyText = Field(description="Share of the project's costs charged (%).")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_agreement(key) -> int:
        return key.agreement_id

    @staticmethod
    def resolve_project(key) -> int:
        return key.project_id


class FundingKeyIn(Schema):
    agreement: int
    project: int = Field(description="A project the agreement funds.")
    share: Share


class FundingKeyReplace(Schema):
    """The agreement stays."""

    version: Version
    project: int
    share: Share


class FundingKeyPatch(Schema):
    version: Version
    project: int | None = None
    share: Share | None = None


class InstalmentOut(Schema):
    id: int
    version: int
    agreement: int
    received_on: date
    amount: MoneyText
    reference: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_agreement(instalment) -> int:
        return instalment.agreement_id


class InstalmentFields(Schema):
    received_on: date = Field(description="Not in the future.")
    amount: Annotated[Money, Field(gt=0)]
    reference: str = Field("", max_length=100)


class InstalmentIn(InstalmentFields):
    agreement: int


class InstalmentReplace(InstalmentFields):
    version: Version


class InstalmentPatch(Schema):
    version: Version
    received_on: date | None = None
    amount: Annotated[Money, Field(gt=0)] | None = None
    reference: str | None = Field(None, max_length=100)


class DeadlineOut(Schema):
    id: int
    version: int
    agreement: int
    due_on: date
    label: str
    submitted_on: date | None
    overdue: bool = Field(description="Not submitted and due before today.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_agreement(deadline) -> int:
        return deadline.agreement_id

    @staticmethod
    def resolve_overdue(deadline) -> bool:
        return deadline.submitted_on is None and deadline.due_on < timezone.localdate()


class DeadlineFields(Schema):
    due_on: date
    label: str = Field(max_length=200, description="What is due.")
    submitted_on: date | None = Field(None, description="Not in the future.")


class DeadlineIn(DeadlineFields):
    agreement: int


class DeadlineReplace(DeadlineFields):
    version: Version


class DeadlinePatch(Schema):
    version: Version
    due_on: date | None = None
    label: str | None = Field(None, max_length=200)
    submitted_on: date | None = None


# --- people and contracts ----------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    version: int
    first_name: str
    last_name: str
    full_name: str
    kind: PersonKind
    job_title: str
    email: str
    valuation_rate: OptionalMoneyText = Field(
        description="A volunteer's hour, valued in kind (86/87), in €."
    )
    active: bool
    created_at: datetime
    updated_at: datetime


class PersonIn(Schema):
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    kind: PersonKind = Person.Kind.EMPLOYEE.value
    job_title: str = Field("", max_length=150)
    email: str = Field("", max_length=254)
    valuation_rate: Annotated[Decimal, Field(ge=0, max_digits=8, decimal_places=2)] | None = Field(
        None, description="Required for a volunteer; ignored for an employee."
    )
    active: bool = True


class PersonReplace(PersonIn):
    version: Version


class PersonPatch(Schema):
    version: Version
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    kind: PersonKind | None = None
    job_title: str | None = Field(None, max_length=150)
    email: str | None = Field(None, max_length=254)
    valuation_rate: Annotated[Decimal, Field(ge=0, max_digits=8, decimal_places=2)] | None = None
    active: bool | None = None


class ContractOut(Schema):
    id: int
    version: int
    person: int
    kind: ContractKind
    start_date: date
    end_date: date | None
    weekly_hours: MoneyText
    salaries_shown: bool = Field(
        description="false: the caller may not see salaries; the four fields below are null."
    )
    gross_annual_salary: OptionalMoneyText
    annual_employer_charges: OptionalMoneyText
    productive_hours: OptionalMoneyText = Field(
        description="The contract's own figure; null when it uses the workspace's setting."
    )
    hourly_cost: OptionalMoneyText = Field(
        description="(gross + charges) ÷ productive hours, rounded to the cent for display."
    )
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_person(contract) -> int:
        return contract.person_id

    @staticmethod
    def resolve_salaries_shown(contract, context) -> bool:
        return sees_salaries(context["request"])

    @staticmethod
    def resolve_gross_annual_salary(contract, context):
        return contract.gross_annual_salary if sees_salaries(context["request"]) else None

    @staticmethod
    def resolve_annual_employer_charges(contract, context):
        return contract.annual_employer_charges if sees_salaries(context["request"]) else None

    @staticmethod
    def resolve_productive_hours(contract, context):
        return contract.productive_hours if sees_salaries(context["request"]) else None

    @staticmethod
    def resolve_hourly_cost(contract, context):
        request = context["request"]
        if not sees_salaries(request):
            return None
        return costs.hourly_cost(contract, finance_settings(request))


class ContractFields(Schema):
    kind: ContractKind = Contract.Kind.PERMANENT.value
    start_date: date
    end_date: date | None = None
    weekly_hours: Annotated[Decimal, Field(gt=0, le=48, max_digits=5, decimal_places=2)]
    gross_annual_salary: Money | None = Field(
        None, description="Salary field: needs the permission to see sensitive data."
    )
    annual_employer_charges: Money | None = Field(None, description="Salary field.")
    productive_hours: Annotated[Decimal, Field(ge=1, max_digits=6, decimal_places=2)] | None = (
        Field(None, description="Salary field; null: the workspace's setting.")
    )


class ContractIn(ContractFields):
    person: int = Field(description="An employee (volunteers have a rate, not contracts).")


class ContractReplace(ContractFields):
    """The person stays."""

    version: Version


class ContractPatch(Schema):
    version: Version
    kind: ContractKind | None = None
    start_date: date | None = None
    end_date: date | None = None
    weekly_hours: Annotated[Decimal, Field(gt=0, le=48, max_digits=5, decimal_places=2)] | None = (
        None
    )
    gross_annual_salary: Money | None = None
    annual_employer_charges: Money | None = None
    productive_hours: Annotated[Decimal, Field(ge=1, max_digits=6, decimal_places=2)] | None = None


# --- time entries ------------------------------------------------------------------------------


class TimeEntryOut(Schema):
    id: int
    version: int
    person: int
    date: date
    project: int
    agreement: int | None = Field(description="null: charged by the project's keys.")
    hours: MoneyText
    note: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_person(entry) -> int:
        return entry.person_id

    @staticmethod
    def resolve_project(entry) -> int:
        return entry.project_id

    @staticmethod
    def resolve_agreement(entry) -> int | None:
        return entry.agreement_id


class TimeEntryIn(Schema):
    person: int
    project: int
    agreement: int | None = Field(None, description="An agreement funding the project.")
    date: date
    hours: Hours
    note: str = Field("", max_length=200)


class TimeEntryReplace(Schema):
    """Person, project, agreement and day stay (delete and create to move hours)."""

    version: Version
    hours: Hours
    note: str = Field("", max_length=200)


class TimeEntryPatch(Schema):
    version: Version
    hours: Hours | None = None
    note: str | None = Field(None, max_length=200)


class WeekCellIn(Schema):
    project: int
    agreement: int | None = None
    date: date
    hours: Annotated[Decimal, Field(ge=0, le=24, max_digits=5, decimal_places=2)] | None = Field(
        description="0 or null empties the cell."
    )
    id: int | None = Field(None, description="The entry read in this cell; null if it was empty.")
    version: int | None = Field(None, description="Its version (with `id`).")


class WeekIn(Schema):
    person: int
    week: date = Field(description="Any day of the week; its Monday starts it.")
    cells: list[WeekCellIn] = Field(max_length=500)
    overwrite: bool = Field(
        False, description="true: write every cell whatever it holds now (no conflicts)."
    )


class WeekCellOut(Schema):
    project: int
    agreement: int | None
    date: date
    status: Literal["created", "changed", "deleted", "unchanged", "conflict", "invalid"]
    entry: TimeEntryOut | None = Field(description="What is stored now (null: the cell is empty).")
    errors: list[str]


class WeekOut(Schema):
    person: int
    week: date = Field(description="The Monday.")
    cells: list[WeekCellOut]


# --- ledger --------------------------------------------------------------------------------------


class AllocationOut(Schema):
    id: int
    version: int
    line: int
    project: int
    agreement: int | None = Field(description="null: charged by the project's keys.")
    share: MoneyText = Field(description="Share of the line (%).")
    rule: int | None = Field(description="The assignment rule that made it; null: by hand.")
    by_hand: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_line(allocation) -> int:
        return allocation.line_id

    @staticmethod
    def resolve_project(allocation) -> int:
        return allocation.project_id

    @staticmethod
    def resolve_agreement(allocation) -> int | None:
        return allocation.agreement_id

    @staticmethod
    def resolve_rule(allocation) -> int | None:
        return allocation.rule_id

    @staticmethod
    def resolve_by_hand(allocation) -> bool:
        return allocation.rule_id is None


class AllocationIn(Schema):
    line: int
    project: int
    agreement: int | None = Field(None, description="An agreement funding the project.")
    share: Share = Decimal("100")


class AllocationReplace(Schema):
    """The line stays."""

    version: Version
    project: int
    agreement: int | None = None
    share: Share = Decimal("100")


class AllocationPatch(Schema):
    version: Version
    project: int | None = None
    agreement: int | None = None
    share: Share | None = None


class LedgerLineOut(Schema):
    id: int
    version: int
    journal_code: str
    journal_label: str
    entry_number: str
    entry_date: date
    account_number: str
    account_label: str
    aux_account_number: str
    aux_account_label: str
    piece_ref: str
    piece_date: date | None
    label: str
    debit: MoneyText
    credit: MoneyText
    amount: MoneyText = Field(
        description="On its side: a charge's debit − credit, a product's credit − debit."
    )
    lettering: str
    lettering_date: date | None
    validation_date: date | None
    currency_amount: OptionalMoneyText
    currency: str
    category: CategoryCode | Literal[""] = Field(description='"": a balance-sheet account.')
    source_name: str = Field(description="The file it was imported from.")
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_allocations(line) -> list:
        return list(line.allocations.all())


class RuleOut(Schema):
    id: int
    version: int
    position: int
    project: int
    agreement: int | None
    account_prefix: str
    journal_code: str
    label_contains: str
    share: MoneyText
    allocation_count: int = Field(description="Lines it assigned when the rules last ran.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_project(rule) -> int:
        return rule.project_id

    @staticmethod
    def resolve_agreement(rule) -> int | None:
        return rule.agreement_id


class RuleIn(Schema):
    """At least one criterion: account prefix, journal or label."""

    project: int
    agreement: int | None = None
    account_prefix: str = Field("", max_length=20, description="Digits: 606, 6226…")
    journal_code: str = Field("", max_length=20)
    label_contains: str = Field("", max_length=100, description="e.g. an analytic code.")
    share: Share = Decimal("100")


class RuleReplace(RuleIn):
    version: Version
    position: int | None = Field(None, ge=0, description="Omitted: kept.")


class RulePatch(Schema):
    version: Version
    position: int | None = Field(None, ge=0)
    project: int | None = None
    agreement: int | None = None
    account_prefix: str | None = Field(None, max_length=20)
    journal_code: str | None = Field(None, max_length=20)
    label_contains: str | None = Field(None, max_length=100)
    share: Share | None = None


class ApplyRulesIn(Schema):
    lines: list[int] | None = Field(
        None, description="Ids of the lines to reassign; omitted: every line."
    )


class ApplyRulesOut(Schema):
    assigned: int = Field(description="Lines that got a rule's allocation.")
    unassigned: int = Field(description="Charge or product lines no rule matches.")
    by_hand: int = Field(description="Lines left alone: someone assigned them by hand.")
    message: str


class MappingOut(Schema):
    id: int
    version: int
    prefix: str
    category: CategoryCode
    created_at: datetime
    updated_at: datetime


class MappingIn(Schema):
    prefix: str = Field(max_length=20, description="Account number prefix, digits only.")
    category: CategoryCode


class MappingReplace(MappingIn):
    version: Version


class MappingPatch(Schema):
    version: Version
    prefix: str | None = Field(None, max_length=20)
    category: CategoryCode | None = None


# --- the checks ----------------------------------------------------------------------------------


class FindingItemOut(Schema):
    label: str
    url: str = Field(description="Its page in the application, if it has one.")


class FindingOut(Schema):
    kind: str
    message: str
    amount: MoneyText = Field(description="The amount at stake.")
    items: list[FindingItemOut]
    agreements: list[int]
    projects: list[int]
    person: int | None


class FamilyOut(Schema):
    key: str
    label: str
    count: int
    amount: MoneyText
    findings: list[FindingOut]


class ChecksOut(Schema):
    count: int
    amount: MoneyText
    families: list[FamilyOut]


# --- the funder report (`finance.reports.cerfa_json.report_as_dict`) ----------------------
# Plain pydantic models that keep any key they do not declare: the report's JSON may gain
# fields without the API dropping them.


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ReportItemOut(_Open):
    kind: Literal["time", "ledger"]
    start: str | None
    end: str | None
    label: str
    amount: str | None = Field(
        description="null for a time item when the caller may not see salaries."
    )


class ReportLineOut(_Open):
    key: str = Field(description="60…68, indirect, 86, 70, 73, 74, 74:region…, 75…78, 87.")
    label: str
    kind: str
    level: int
    planned: str
    actual: str
    variance: str
    ratio: str | None = Field(description="actual ÷ planned in %, null without a plan.")
    needs_explanation: bool
    explanation: str
    items: list[ReportItemOut] = Field(description="What the actual amount adds up from.")


class ReportFundingRowOut(_Open):
    category: str
    label: str
    total: str
    this: str
    others: dict[str, str]
    own: str


class ReportFundingOut(_Open):
    agreements: list[dict]
    rows: list[ReportFundingRowOut]


class ReportFindingOut(_Open):
    kind: str
    message: str
    amount: str | None
    items: list[dict]


class ReportOut(_Open):
    format: str
    version: int
    generated_at: str
    salaries_shown: bool
    association: str
    agreement: dict
    totals: dict[str, str | None]
    variance_threshold_percent: str | None
    charges: list[ReportLineOut]
    charges_total: ReportLineOut
    in_kind_use: ReportLineOut
    products: list[ReportLineOut]
    products_total: ReportLineOut
    in_kind_source: ReportLineOut
    missing_explanations: list[str]
    funding_plan: ReportFundingOut
    indicators: list[dict]
    findings: list[ReportFindingOut]
