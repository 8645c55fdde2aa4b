"""API of the finance module: projects and their budgets, funders and resources, funding
agreements with their keys, instalments and reporting deadlines, people and contracts, time
entries, the ledger with its allocations, assignment rules and the account mapping; the funder
report (CERFA 15059), the checks and a project's actuals.

Every write goes through `finance.services` (validated, audited, optimistically locked); the
report is `finance.reports.cerfa.build_report` as `finance.reports.cerfa_json.report_as_dict`, the
checks `finance.checks.run_checks`. Salaries follow `Membership.can_view_sensitive`: without
it, they are null in answers and sending one is a 403 naming the fields. See docs/api.md,
"Finance".
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate

from maillage.core.exceptions import StaleObjectError
from maillage.core.services import tenant_update
from maillage.ecosystem.models import Actor
from maillage.finance import checks
from maillage.finance.models import (
    AccountMapping,
    AssignmentRule,
    BudgetLine,
    Contract,
    CostCategory,
    Funder,
    FundingAgreement,
    FundingKey,
    Instalment,
    LedgerAllocation,
    LedgerLine,
    Person,
    Project,
    ReportingDeadline,
    Resource,
    TimeEntry,
)
from maillage.finance.models.accounts import CHARGE_CATEGORIES, PRODUCT_CATEGORIES
from maillage.finance.reports.cerfa import build_report
from maillage.finance.reports.cerfa_json import report_as_dict
from maillage.finance.selectors import agreements as agreement_selectors
from maillage.finance.selectors import funders as funder_selectors
from maillage.finance.selectors import ledger as ledger_selectors
from maillage.finance.selectors import people as people_selectors
from maillage.finance.selectors import projects as project_selectors
from maillage.finance.services import agreements as agreement_services
from maillage.finance.services import funders as funder_services
from maillage.finance.services import ledger as ledger_services
from maillage.finance.services import people as people_services
from maillage.finance.services import projects as project_services
from maillage.finance.services import time as time_services
from maillage.impact.models import Indicator
from maillage.workspaces.access import get_in_workspace
from maillage.workspaces.models import Membership, Role

from .auth import WorkspaceSlug, require_api_role
from .crud import deleter, item_operations, reader, updater
from .pagination import LimitOffset
from .schemas_finance import (
    AgreementIn,
    AgreementOut,
    AgreementPatch,
    AgreementReplace,
    AgreementStatus,
    AllocationIn,
    AllocationOut,
    AllocationPatch,
    AllocationReplace,
    ApplyRulesIn,
    ApplyRulesOut,
    BudgetLineIn,
    BudgetLineOut,
    BudgetLinePatch,
    BudgetLineReplace,
    CategoryCode,
    ChecksOut,
    ContractIn,
    ContractOut,
    ContractPatch,
    ContractReplace,
    DeadlineIn,
    DeadlineOut,
    DeadlinePatch,
    DeadlineReplace,
    FunderIn,
    FunderOut,
    FunderPatch,
    FunderReplace,
    FundingKeyIn,
    FundingKeyOut,
    FundingKeyPatch,
    FundingKeyReplace,
    InstalmentIn,
    InstalmentOut,
    InstalmentPatch,
    InstalmentReplace,
    LedgerCategory,
    LedgerLineOut,
    LevelCode,
    MappingIn,
    MappingOut,
    MappingPatch,
    MappingReplace,
    PersonIn,
    PersonKind,
    PersonOut,
    PersonPatch,
    PersonReplace,
    ProjectActualsOut,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    ProjectReplace,
    ProjectStatus,
    ReportOut,
    ResourceIn,
    ResourceKindCode,
    ResourceOut,
    ResourcePatch,
    ResourceReplace,
    RuleIn,
    RuleOut,
    RulePatch,
    RuleReplace,
    SourceCode,
    TimeEntryIn,
    TimeEntryOut,
    TimeEntryPatch,
    TimeEntryReplace,
    WeekIn,
    WeekOut,
    sees_salaries,
)

router = Router(tags=["Finance"])

ZERO = Decimal("0")


# --- shared helpers ------------------------------------------------------------------------------


def _unknown(pk) -> str:
    return _("Unknown id in this workspace: %(ids)s") % {"ids": pk}


def _query_error(name: str, message: str) -> NinjaValidationError:
    return NinjaValidationError([{"loc": ["query", name], "msg": message, "type": "invalid"}])


def _filter_ref(request, model, name: str, pk: int | None):
    """The object of a filter's id, or a 422 on `["query", name]` if not the workspace's."""
    if pk is None:
        return None
    found = model.objects.filter(workspace=request.workspace, pk=pk).first()
    if found is None:
        raise _query_error(name, _unknown(pk))
    return found


class SalaryFieldsRefused(PermissionDenied):
    """403: salary fields sent by a member not allowed to see salaries; `fields` names them."""

    def __init__(self, fields: list[str]) -> None:
        self.fields = fields
        super().__init__(
            _("Only members allowed to see salaries may send %(fields)s.")
            % {"fields": ", ".join(fields)}
        )


class _Fields:
    """Service arguments from a payload's fields (those present in `data`), and the errors
    naming them: ids resolved in the workspace, `null` refused where the field needs a value."""

    def __init__(self, request, data: dict):
        self.request = request
        self.workspace = request.workspace
        self.data = data
        self.fields: dict = {}
        self.errors: dict = {}

    def copy(self, *names: str, nullable: tuple[str, ...] = ()) -> "_Fields":
        for name in names:
            if name not in self.data:
                continue
            value = self.data[name]
            if value is None and name not in nullable:
                self.errors[name] = _("This field cannot be null.")
            else:
                self.fields[name] = value.strip() if isinstance(value, str) else value
        return self

    def ref(self, name: str, model, *, nullable: bool = False, queryset=None) -> "_Fields":
        if name not in self.data:
            return self
        pk = self.data[name]
        if pk is None:
            if nullable:
                self.fields[name] = None
            else:
                self.errors[name] = _("This field cannot be null.")
            return self
        queryset = queryset if queryset is not None else model.objects.all()
        found = queryset.filter(workspace=self.workspace, pk=pk).first()
        if found is None:
            self.errors[name] = _unknown(pk)
        self.fields[name] = found
        return self

    def refs(self, name: str, model) -> "_Fields":
        if name not in self.data:
            return self
        wanted = list(dict.fromkeys(self.data[name] or []))
        found = model.objects.filter(workspace=self.workspace, pk__in=wanted).in_bulk()
        missing = [pk for pk in wanted if pk not in found]
        if missing:
            self.errors[name] = _unknown(", ".join(str(pk) for pk in missing))
        self.fields[name] = [found[pk] for pk in wanted if pk in found]
        return self

    def done(self) -> dict:
        if self.errors:
            raise ValidationError(self.errors)
        return self.fields


def _stale_unless(instance, version: int | None) -> None:
    if version is not None and instance.version != version:
        raise StaleObjectError()


# --- projects ------------------------------------------------------------------------------------


def _projects(workspace):
    return project_selectors.projects_for_list(workspace)


_project = reader(_projects)


def _project_fields(request, data: dict) -> dict:
    found = _Fields(request, data).copy(
        "code", "name", "objectives", "activities", "start_date", "end_date", "status"
    )
    if "manager" in data:
        email = (data["manager"] or "").strip()
        if not email:
            found.fields["manager"] = None
        else:
            membership = (
                Membership.objects.filter(workspace=request.workspace, user__email__iexact=email)
                .select_related("user")
                .first()
            )
            if membership is None:
                found.errors["manager"] = _("No member of this workspace has this e-mail address.")
            else:
                found.fields["manager"] = membership.user
    return found.done()


class ProjectQuery(Schema):
    q: str = Field("", description="Text in the code or name.")
    status: ProjectStatus | None = None
    year: int | None = Field(None, ge=1990, le=2100, description="Projects running that year.")


@router.get(
    "/w/{slug}/finance/projects",
    response=list[ProjectOut],
    url_name="finance_projects",
    operation_id="list_projects",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_projects(request, slug: WorkspaceSlug, query: Query[ProjectQuery]):
    """The projects, by name. Filters: `q` (code, name), `status`, `year` (running that
    year)."""
    return project_selectors.projects_for_list(
        request.workspace, status=query.status or "", year=query.year, query=query.q.strip()
    )


@router.post(
    "/w/{slug}/finance/projects",
    response={201: ProjectOut},
    url_name="finance_project_create",
    operation_id="create_project",
)
@require_api_role(Role.MEMBER)
def create_project(request, slug: WorkspaceSlug, payload: ProjectIn):
    """Create a project (a "fiche projet"); its budget is made of budget lines."""
    fields = _project_fields(request, payload.model_dump())
    project = project_services.project_create(
        workspace=request.workspace, user=request.user, request=request, **fields
    )
    return Status(201, _project(request, project.pk))


item_operations(
    router,
    "/w/{slug}/finance/projects/{project_id}",
    "project",
    url_prefix="finance_",
    out=ProjectOut,
    read=_project,
    write=updater(Project, _project_fields, project_services.project_update, _project),
    remove=deleter(Project, project_services.project_delete),
    replace=(
        ProjectReplace,
        """Replace the project: omitted fields take their default. 409 if `version` is not the
        stored one.""",
    ),
    patch=(
        ProjectPatch,
        """Change the fields sent. 409 if `version` is not the stored one.""",
    ),
    delete="""Delete a project with its budget lines; refused (422) while an agreement funds it or
        time or ledger lines are charged to it. With `?version=`, 409 if it changed since.""",
)


def _side(category: str) -> str:
    if category in CHARGE_CATEGORIES:
        return "charge"
    if category in PRODUCT_CATEGORIES:
        return "product"
    return (
        "in_kind_use" if category == CostCategory.CONTRIBUTIONS_IN_KIND_USED else "in_kind_source"
    )


@router.get(
    "/w/{slug}/finance/projects/{project_id}/actuals",
    response=ProjectActualsOut,
    url_name="finance_project_actuals",
    operation_id="get_project_actuals",
)
@require_api_role(Role.GUEST)
def get_project_actuals(request, slug: WorkspaceSlug, project_id: int):
    """Planned and actual amounts of the project by year and account class: planned from its
    budget lines, actual from the allocation engine (ledger shares, staff time at its hourly
    cost, volunteer time in kind on 86 and 87)."""
    project = get_in_workspace(Project, request, pk=project_id)
    actual = project_selectors.project_actuals(project)
    planned = {
        (row["year"], row["category"]): row["total"]
        for row in BudgetLine.objects.filter(workspace=request.workspace, project=project)
        .order_by()
        .values("year", "category")
        .annotate(total=Sum("amount"))
    }
    order = {code: index for index, code in enumerate(CostCategory.values)}
    keys = sorted(set(actual) | set(planned), key=lambda k: (k[0], order.get(k[1], 99)))
    rows = []
    for year, category in keys:
        plan = planned.get((year, category), ZERO)
        real = actual.get((year, category), ZERO)
        rows.append(
            {
                "year": year,
                "category": category,
                "label": str(CostCategory(category).label),
                "side": _side(category),
                "planned": plan,
                "actual": real,
                "variance": real - plan,
            }
        )
    return {"project": project.pk, "code": project.code, "years": project.years, "rows": rows}


# --- budget lines --------------------------------------------------------------------------------


def _budget_lines(workspace):
    return BudgetLine.objects.filter(workspace=workspace)


_budget_line = reader(_budget_lines)


def _budget_line_fields(request, data: dict) -> dict:
    return (
        _Fields(request, data)
        .copy("year", "category", "label", "amount")
        .ref("funder", Funder, nullable=True)
        .done()
    )


class BudgetLineQuery(Schema):
    project: int | None = Field(None, description="Id of a project.")
    year: int | None = Field(None, ge=1990, le=2100)
    category: CategoryCode | None = None
    funder: int | None = Field(None, description="Id of a funder.")


@router.get(
    "/w/{slug}/finance/budget-lines",
    response=list[BudgetLineOut],
    url_name="finance_budget_lines",
    operation_id="list_budget_lines",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_budget_lines(request, slug: WorkspaceSlug, query: Query[BudgetLineQuery]):
    """Budget lines (a planned amount for one year of a project, on one account class), by
    project, year and class. Filters: `project`, `year`, `category`, `funder`."""
    lines = _budget_lines(request.workspace)
    project = _filter_ref(request, Project, "project", query.project)
    if project is not None:
        lines = lines.filter(project=project)
    funder = _filter_ref(request, Funder, "funder", query.funder)
    if funder is not None:
        lines = lines.filter(funder=funder)
    if query.year is not None:
        lines = lines.filter(year=query.year)
    if query.category:
        lines = lines.filter(category=query.category)
    return lines.order_by("project_id", "year", "category", "label", "pk")


@router.post(
    "/w/{slug}/finance/budget-lines",
    response={201: BudgetLineOut},
    url_name="finance_budget_line_create",
    operation_id="create_budget_line",
)
@require_api_role(Role.MEMBER)
def create_budget_line(request, slug: WorkspaceSlug, payload: BudgetLineIn):
    """Add a line to a project's budget: a year within the project, an account class, an
    amount; a product line may name its funder (a subsidy line, 74, must: one per funder and
    year)."""
    data = payload.model_dump()
    project = _Fields(request, data).ref("project", Project).done()["project"]
    fields = _budget_line_fields(request, data)
    line = project_services.budget_line_create(
        project, user=request.user, request=request, **fields
    )
    return Status(201, _budget_line(request, line.pk))


item_operations(
    router,
    "/w/{slug}/finance/budget-lines/{budget_line_id}",
    "budget_line",
    url_prefix="finance_",
    out=BudgetLineOut,
    read=_budget_line,
    write=updater(
        lambda: BudgetLine.objects.select_related("project"),
        _budget_line_fields,
        project_services.budget_line_update,
        _budget_line,
    ),
    remove=deleter(BudgetLine, project_services.budget_line_delete),
    replace=(
        BudgetLineReplace,
        """Replace the line (its project stays). 409 if `version` is not the stored one.""",
    ),
    patch=(
        BudgetLinePatch,
        """Change the fields sent. 409 if `version` is not the stored one.""",
    ),
    delete="""Delete the line. With `?version=`, 409 if it changed since.""",
)


# --- funders -------------------------------------------------------------------------------------


_funder = reader(funder_selectors.funders_for_list)


def _funder_fields(request, data: dict) -> dict:
    return (
        _Fields(request, data)
        .copy("name", "source", "level", "identifier")
        .ref("actor", Actor, nullable=True)
        .done()
    )


class FunderQuery(Schema):
    q: str = Field("", description="Text in the name or identifier.")
    source: SourceCode | None = None
    level: LevelCode | None = None


@router.get(
    "/w/{slug}/finance/funders",
    response=list[FunderOut],
    url_name="finance_funders",
    operation_id="list_funders",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_funders(request, slug: WorkspaceSlug, query: Query[FunderQuery]):
    """The funders, by name, with their totals (granted, received, resources). Filters: `q`,
    `source`, `level`."""
    return funder_selectors.funders_for_list(
        request.workspace,
        source=query.source or "",
        level=query.level or "",
        query=query.q.strip(),
    )


@router.post(
    "/w/{slug}/finance/funders",
    response={201: FunderOut},
    url_name="finance_funder_create",
    operation_id="create_funder",
)
@require_api_role(Role.MEMBER)
def create_funder(request, slug: WorkspaceSlug, payload: FunderIn):
    """Add a funder. Only a public funder has a level; the identifier is a SIREN or an
    org-id.guide identifier (taken from the actor when omitted)."""
    fields = _funder_fields(request, payload.model_dump())
    funder = funder_services.funder_create(
        workspace=request.workspace, user=request.user, request=request, **fields
    )
    return Status(201, _funder(request, funder.pk))


item_operations(
    router,
    "/w/{slug}/finance/funders/{funder_id}",
    "funder",
    url_prefix="finance_",
    out=FunderOut,
    read=_funder,
    write=updater(Funder, _funder_fields, funder_services.funder_update, _funder),
    remove=deleter(Funder, funder_services.funder_delete),
    replace=(
        FunderReplace,
        """Replace the funder. 409 if `version` is not the stored one.""",
    ),
    patch=(
        FunderPatch,
        """Change the fields sent. 409 if `version` is not the stored one.""",
    ),
    delete="""Delete a funder no agreement, resource or budget line names (else 422).""",
)


# --- resources -----------------------------------------------------------------------------------


def _resources(workspace):
    return Resource.objects.filter(workspace=workspace).select_related("funder")


_resource = reader(_resources)


def _resource_fields(request, data: dict) -> dict:
    return (
        _Fields(request, data)
        .copy("kind", "year", "amount", "label")
        .ref("funder", Funder)
        .ref("project", Project, nullable=True)
        .done()
    )


class ResourceQuery(Schema):
    q: str = Field("", description="Text in the label or the funder's name.")
    funder: int | None = None
    year: int | None = Field(None, ge=1990, le=2100)
    kind: ResourceKindCode | None = None
    project: int | None = None


@router.get(
    "/w/{slug}/finance/resources",
    response=list[ResourceOut],
    url_name="finance_resources",
    operation_id="list_resources",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_resources(request, slug: WorkspaceSlug, query: Query[ResourceQuery]):
    """Resources received outside agreements (dues, sales, gifts, patronage…), newest year
    first. Filters: `q`, `funder`, `year`, `kind`, `project`."""
    funder = _filter_ref(request, Funder, "funder", query.funder)
    project = _filter_ref(request, Project, "project", query.project)
    resources = funder_selectors.resources_for_list(
        request.workspace,
        year=query.year,
        kind=query.kind or "",
        funder=funder,
        query=query.q.strip(),
    )
    if project is not None:
        resources = resources.filter(project=project)
    return resources


@router.post(
    "/w/{slug}/finance/resources",
    response={201: ResourceOut},
    url_name="finance_resource_create",
    operation_id="create_resource",
)
@require_api_role(Role.MEMBER)
def create_resource(request, slug: WorkspaceSlug, payload: ResourceIn):
    """Record a resource. Its kind must be one the funder's source can bring (members: dues;
    public actors: procurement or subsidy; private persons: sales or gifts; private
    organisations: sales or patronage)."""
    fields = _resource_fields(request, payload.model_dump())
    resource = funder_services.resource_create(
        workspace=request.workspace, user=request.user, request=request, **fields
    )
    return Status(201, _resource(request, resource.pk))


item_operations(
    router,
    "/w/{slug}/finance/resources/{resource_id}",
    "resource",
    url_prefix="finance_",
    out=ResourceOut,
    read=_resource,
    write=updater(
        lambda: Resource.objects.select_related("funder"),
        _resource_fields,
        funder_services.resource_update,
        _resource,
    ),
    remove=deleter(Resource, funder_services.resource_delete),
    replace=(
        ResourceReplace,
        """Replace the resource. 409 if `version` is not the stored one.""",
    ),
    patch=(
        ResourcePatch,
        """Change the fields sent. 409 if `version` is not the stored one.""",
    ),
    delete="""Delete the resource. With `?version=`, 409 if it changed since.""",
)


# --- agreements ----------------------------------------------------------------------------------


def _agreements(workspace):
    return agreement_selectors.agreements_for_list(workspace).prefetch_related(
        "required_indicators"
    )


_agreement = reader(_agreements)


def _agreement_fields(request, data: dict) -> dict:
    return (
        _Fields(request, data)
        .copy(
            "reference",
            "title",
            "kind",
            "status",
            "signed_on",
            "amount_granted",
            "start_date",
            "end_date",
            "eligible_categories",
            "max_rate",
            "indirect_rate",
            "indirect_base",
            "notes",
            nullable=("signed_on", "max_rate", "indirect_rate"),
        )
        .ref("funder", Funder)
        .refs("projects", Project)
        .refs("required_indicators", Indicator)
        .done()
    )


class AgreementQuery(Schema):
    q: str = Field("", description="Text in the reference or title.")
    funder: int | None = None
    status: AgreementStatus | None = None
    year: int | None = Field(
        None, ge=1990, le=2100, description="Eligible period touching that year."
    )
    project: int | None = Field(None, description="Agreements funding this project.")


@router.get(
    "/w/{slug}/finance/agreements",
    response=list[AgreementOut],
    url_name="finance_agreements",
    operation_id="list_agreements",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_agreements(request, slug: WorkspaceSlug, query: Query[AgreementQuery]):
    """Funding agreements, latest eligible period first, with the amount received and the
    next reporting deadline. Filters: `q`, `funder`, `status`, `year`, `project`."""
    return agreement_selectors.agreements_for_list(
        request.workspace,
        funder=_filter_ref(request, Funder, "funder", query.funder),
        status=query.status or "",
        year=query.year,
        project=_filter_ref(request, Project, "project", query.project),
        query=query.q.strip(),
    ).prefetch_related("required_indicators")


@router.post(
    "/w/{slug}/finance/agreements",
    response={201: AgreementOut},
    url_name="finance_agreement_create",
    operation_id="create_agreement",
)
@require_api_role(Role.MEMBER)
def create_agreement(request, slug: WorkspaceSlug, payload: AgreementIn):
    """Record a funding agreement: funder, projects, amount, eligible period and cost
    categories, maximum co-financing rate, flat-rate indirect costs, required indicators."""
    fields = _agreement_fields(request, payload.model_dump())
    agreement = agreement_services.agreement_create(
        workspace=request.workspace, user=request.user, request=request, **fields
    )
    return Status(201, _agreement(request, agreement.pk))


item_operations(
    router,
    "/w/{slug}/finance/agreements/{agreement_id}",
    "agreement",
    url_prefix="finance_",
    out=AgreementOut,
    read=_agreement,
    write=updater(
        lambda: FundingAgreement.objects.select_related("funder"),
        _agreement_fields,
        agreement_services.agreement_update,
        _agreement,
    ),
    remove=deleter(FundingAgreement, agreement_services.agreement_delete),
    replace=(
        AgreementReplace,
        """Replace the agreement: omitted fields take their default. 409 if `version` is not
        the stored one.""",
    ),
    patch=(
        AgreementPatch,
        """Change the fields sent (`projects` and `required_indicators` replace the lists). 409 if
        `version` is not the stored one.""",
    ),
    delete=(
        """Delete the agreement with its keys, instalments and deadlines; refused (422) while time
        or ledger lines are charged to it."""
    ),
)


@router.get(
    "/w/{slug}/finance/agreements/{agreement_id}/report",
    response=ReportOut,
    url_name="finance_agreement_report",
    operation_id="get_agreement_report",
)
@require_api_role(Role.GUEST)
def get_agreement_report(request, slug: WorkspaceSlug, agreement_id: int):
    """The funder report (CERFA 15059 "compte rendu financier") of the agreement: every line
    with its planned and actual amounts, ratio, variance explanation and the items it adds up
    from, the totals, the funding plan, the required indicators and the checks' findings.
    Amounts are strings. Without the permission to see salaries, time items have no rate and
    no amount (the lines' totals stay)."""
    agreement = get_in_workspace(
        FundingAgreement.objects.select_related("funder", "workspace"), request, pk=agreement_id
    )
    return report_as_dict(build_report(agreement), sensitive=sees_salaries(request))


# --- funding keys --------------------------------------------------------------------------------


def _keys(workspace):
    return FundingKey.objects.filter(workspace=workspace)


_key = reader(_keys)


def _key_fields(request, data: dict) -> dict:
    return _Fields(request, data).ref("project", Project).copy("share").done()


class KeyQuery(Schema):
    agreement: int | None = None
    project: int | None = None


@router.get(
    "/w/{slug}/finance/funding-keys",
    response=list[FundingKeyOut],
    url_name="finance_funding_keys",
    operation_id="list_funding_keys",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_funding_keys(request, slug: WorkspaceSlug, query: Query[KeyQuery]):
    """Funding keys: the share of a project's costs charged to an agreement when no explicit
    charge says. Filters: `agreement`, `project`."""
    keys = _keys(request.workspace)
    agreement = _filter_ref(request, FundingAgreement, "agreement", query.agreement)
    if agreement is not None:
        keys = keys.filter(agreement=agreement)
    project = _filter_ref(request, Project, "project", query.project)
    if project is not None:
        keys = keys.filter(project=project)
    return keys.order_by("project_id", "agreement_id", "pk")


@router.post(
    "/w/{slug}/finance/funding-keys",
    response={201: FundingKeyOut},
    url_name="finance_funding_key_create",
    operation_id="create_funding_key",
)
@require_api_role(Role.MEMBER)
def create_funding_key(request, slug: WorkspaceSlug, payload: FundingKeyIn):
    """Give an agreement a key on a project it funds (one per agreement and project)."""
    fields = (
        _Fields(request, payload.model_dump())
        .ref("agreement", FundingAgreement)
        .ref("project", Project)
        .copy("share")
        .done()
    )
    agreement = fields.pop("agreement")
    key = agreement_services.funding_key_create(
        agreement, user=request.user, request=request, **fields
    )
    return Status(201, _key(request, key.pk))


item_operations(
    router,
    "/w/{slug}/finance/funding-keys/{key_id}",
    "funding_key",
    url_prefix="finance_",
    out=FundingKeyOut,
    read=_key,
    write=updater(
        lambda: FundingKey.objects.select_related("agreement", "project"),
        _key_fields,
        agreement_services.funding_key_update,
        _key,
    ),
    remove=deleter(FundingKey, agreement_services.funding_key_delete),
    replace=(
        FundingKeyReplace,
        """Replace the key (its agreement stays). 409 if `version` is not the stored one.""",
    ),
    patch=(
        FundingKeyPatch,
        """Change the fields sent. 409 if `version` is not the stored one.""",
    ),
    delete="""Delete the key. With `?version=`, 409 if it changed since.""",
)


# --- instalments ---------------------------------------------------------------------------------


def _instalments(workspace):
    return Instalment.objects.filter(workspace=workspace)


_instalment = reader(_instalments)


def _instalment_fields(request, data: dict) -> dict:
    return _Fields(request, data).copy("received_on", "amount", "reference").done()


class AgreementChildQuery(Schema):
    agreement: int | None = Field(None, description="Id of an agreement.")


@router.get(
    "/w/{slug}/finance/instalments",
    response=list[InstalmentOut],
    url_name="finance_instalments",
    operation_id="list_instalments",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_instalments(request, slug: WorkspaceSlug, query: Query[AgreementChildQuery]):
    """Instalments received, by date. Filter: `agreement`."""
    instalments = _instalments(request.workspace)
    agreement = _filter_ref(request, FundingAgreement, "agreement", query.agreement)
    if agreement is not None:
        instalments = instalments.filter(agreement=agreement)
    return instalments.order_by("received_on", "pk")


@router.post(
    "/w/{slug}/finance/instalments",
    response={201: InstalmentOut},
    url_name="finance_instalment_create",
    operation_id="create_instalment",
)
@require_api_role(Role.MEMBER)
def create_instalment(request, slug: WorkspaceSlug, payload: InstalmentIn):
    """Record an instalment received on an agreement (not in the future)."""
    data = payload.model_dump()
    agreement = _Fields(request, data).ref("agreement", FundingAgreement).done()["agreement"]
    fields = _instalment_fields(request, data)
    instalment = agreement_services.instalment_create(
        agreement, user=request.user, request=request, **fields
    )
    return Status(201, _instalment(request, instalment.pk))


item_operations(
    router,
    "/w/{slug}/finance/instalments/{instalment_id}",
    "instalment",
    url_prefix="finance_",
    out=InstalmentOut,
    read=_instalment,
    write=updater(
        Instalment, _instalment_fields, agreement_services.instalment_update, _instalment
    ),
    remove=deleter(Instalment, agreement_services.instalment_delete),
    replace=(
        InstalmentReplace,
        """Replace the instalment (its agreement stays). 409 if `version` is not the stored one.""",
    ),
    patch=(
        InstalmentPatch,
        """Change the fields sent. 409 if `version` is not the stored one.""",
    ),
    delete="""Delete the instalment. With `?version=`, 409 if it changed since.""",
)


# --- reporting deadlines -------------------------------------------------------------------------


def _deadlines(workspace):
    return ReportingDeadline.objects.filter(workspace=workspace)


_deadline = reader(_deadlines)


def _deadline_fields(request, data: dict) -> dict:
    return (
        _Fields(request, data)
        .copy("due_on", "label", "submitted_on", nullable=("submitted_on",))
        .done()
    )


class DeadlineQuery(AgreementChildQuery):
    submitted: bool | None = Field(None, description="true: met; false: still due.")
    due_before: date | None = Field(None, description="Due on or before this day.")


@router.get(
    "/w/{slug}/finance/deadlines",
    response=list[DeadlineOut],
    url_name="finance_deadlines",
    operation_id="list_deadlines",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_deadlines(request, slug: WorkspaceSlug, query: Query[DeadlineQuery]):
    """Reporting deadlines, by due date. Filters: `agreement`, `submitted`, `due_before`
    (`?submitted=false&due_before=2025-06-30`: what falls due by then)."""
    deadlines = _deadlines(request.workspace)
    agreement = _filter_ref(request, FundingAgreement, "agreement", query.agreement)
    if agreement is not None:
        deadlines = deadlines.filter(agreement=agreement)
    if query.submitted is not None:
        deadlines = deadlines.filter(submitted_on__isnull=not query.submitted)
    if query.due_before is not None:
        deadlines = deadlines.filter(due_on__lte=query.due_before)
    return deadlines.order_by("due_on", "pk")


@router.post(
    "/w/{slug}/finance/deadlines",
    response={201: DeadlineOut},
    url_name="finance_deadline_create",
    operation_id="create_deadline",
)
@require_api_role(Role.MEMBER)
def create_deadline(request, slug: WorkspaceSlug, payload: DeadlineIn):
    """Add a reporting deadline to an agreement (shown on the dashboard before it falls
    due)."""
    data = payload.model_dump()
    agreement = _Fields(request, data).ref("agreement", FundingAgreement).done()["agreement"]
    fields = _deadline_fields(request, data)
    deadline = agreement_services.deadline_create(
        agreement, user=request.user, request=request, **fields
    )
    return Status(201, _deadline(request, deadline.pk))


item_operations(
    router,
    "/w/{slug}/finance/deadlines/{deadline_id}",
    "deadline",
    url_prefix="finance_",
    out=DeadlineOut,
    read=_deadline,
    write=updater(
        ReportingDeadline, _deadline_fields, agreement_services.deadline_update, _deadline
    ),
    remove=deleter(ReportingDeadline, agreement_services.deadline_delete),
    replace=(
        DeadlineReplace,
        """Replace the deadline (its agreement stays). 409 if `version` is not the stored one.""",
    ),
    patch=(
        DeadlinePatch,
        """Change the fields sent (`submitted_on` marks it met). 409 if `version` is not the
        stored one.""",
    ),
    delete="""Delete the deadline. With `?version=`, 409 if it changed since.""",
)


# --- people --------------------------------------------------------------------------------------


def _people(workspace):
    return Person.objects.filter(workspace=workspace)


_person = reader(_people)


def _person_fields(request, data: dict) -> dict:
    return (
        _Fields(request, data)
        .copy(
            "first_name",
            "last_name",
            "kind",
            "job_title",
            "email",
            "valuation_rate",
            "active",
            nullable=("valuation_rate",),
        )
        .done()
    )


class PersonQuery(Schema):
    q: str = Field("", description="Words in the name, e-mail address or job title.")
    kind: PersonKind | None = None
    active: bool | None = Field(None, description="true: active only; false: the others.")


@router.get(
    "/w/{slug}/finance/people",
    response=list[PersonOut],
    url_name="finance_people",
    operation_id="list_people",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_people(request, slug: WorkspaceSlug, query: Query[PersonQuery]):
    """Employees and volunteers, by name. Filters: `q`, `kind`, `active`."""
    active = {None: "", True: "1", False: "0"}[query.active]
    return people_selectors.people_for_list(
        request.workspace, kind=query.kind or "", active=active, query=query.q.strip()
    )


@router.post(
    "/w/{slug}/finance/people",
    response={201: PersonOut},
    url_name="finance_person_create",
    operation_id="create_person",
)
@require_api_role(Role.MEMBER)
def create_person(request, slug: WorkspaceSlug, payload: PersonIn):
    """Add an employee (their cost comes from their contracts) or a volunteer (with the rate
    their time is valued at, in kind)."""
    fields = _person_fields(request, payload.model_dump())
    person = people_services.person_create(
        workspace=request.workspace, user=request.user, request=request, **fields
    )
    return Status(201, _person(request, person.pk))


item_operations(
    router,
    "/w/{slug}/finance/people/{person_id}",
    "person",
    url_prefix="finance_",
    out=PersonOut,
    read=_person,
    write=updater(Person, _person_fields, people_services.person_update, _person),
    replace=(
        PersonReplace,
        """Replace the person. 409 if `version` is not the stored one.""",
    ),
    patch=(
        PersonPatch,
        """Change the fields sent; `"active": false` deactivates the person (their hours and
        contracts stay). 409 if `version` is not the stored one.""",
    ),
)


# --- contracts -----------------------------------------------------------------------------------


def _contracts(workspace):
    return Contract.objects.filter(workspace=workspace)


_contract = reader(_contracts)


def _contract_fields(request, data: dict) -> dict:
    """Salary fields from a member who may not see salaries: a value is a 403 naming them;
    `null` (what they read) means "keep it"."""
    if not sees_salaries(request):
        sent = [name for name in people_services.SALARY_FIELDS if data.get(name) is not None]
        if sent:
            raise SalaryFieldsRefused(sent)
        for name in people_services.SALARY_FIELDS:
            data.pop(name, None)
    return (
        _Fields(request, data)
        .copy(
            "kind",
            "start_date",
            "end_date",
            "weekly_hours",
            *people_services.SALARY_FIELDS,
            nullable=("end_date", "productive_hours"),
        )
        .done()
    )


class ContractQuery(Schema):
    person: int | None = Field(None, description="Id of a person.")


@router.get(
    "/w/{slug}/finance/contracts",
    response=list[ContractOut],
    url_name="finance_contracts",
    operation_id="list_contracts",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_contracts(request, slug: WorkspaceSlug, query: Query[ContractQuery]):
    """Employees' contracts, by person and start date. Salaries are null without the
    permission to see them. Filter: `person`."""
    contracts = _contracts(request.workspace)
    person = _filter_ref(request, Person, "person", query.person)
    if person is not None:
        contracts = contracts.filter(person=person)
    return contracts.order_by("person_id", "start_date", "pk")


@router.post(
    "/w/{slug}/finance/contracts",
    response={201: ContractOut},
    url_name="finance_contract_create",
    operation_id="create_contract",
)
@require_api_role(Role.MEMBER)
def create_contract(request, slug: WorkspaceSlug, payload: ContractIn):
    """Add an employee's contract (it holds salaries: only a member allowed to see them may,
    else 403). Contracts of a person do not overlap."""
    data = payload.model_dump()
    found = _Fields(request, data).ref("person", Person)
    person = found.fields.get("person")
    if person is not None and person.kind != Person.Kind.EMPLOYEE:
        found.errors["person"] = _("Only an employee has contracts; a volunteer has a rate.")
    person = found.done()["person"]
    if not sees_salaries(request):
        raise PermissionDenied(_("Only members allowed to see salaries may add a contract."))
    fields = _contract_fields(request, data)
    contract = people_services.contract_create(
        workspace=request.workspace,
        user=request.user,
        person=person,
        membership=request.membership,
        request=request,
        **fields,
    )
    return Status(201, _contract(request, contract.pk))


item_operations(
    router,
    "/w/{slug}/finance/contracts/{contract_id}",
    "contract",
    url_prefix="finance_",
    out=ContractOut,
    read=_contract,
    write=updater(
        lambda: Contract.objects.select_related("person"),
        _contract_fields,
        people_services.contract_update,
        _contract,
        membership=True,
    ),
    remove=deleter(Contract, people_services.contract_delete, membership=True),
    replace=(
        ContractReplace,
        """Replace the contract (its person stays). Without the permission to see salaries, the
        salary fields must be null or omitted (they are kept). 409 if `version` is not the stored
        one.""",
    ),
    patch=(
        ContractPatch,
        """Change the fields sent; salary fields need the permission to see salaries (else 403
        naming them). 409 if `version` is not the stored one.""",
    ),
    delete="""Delete the contract (its salaries with it): members allowed to see salaries only.""",
)


# --- time entries --------------------------------------------------------------------------------


def _entries(workspace):
    return TimeEntry.objects.filter(workspace=workspace)


_entry = reader(_entries)


class TimeQuery(Schema):
    person: int | None = None
    project: int | None = None
    agreement: int | None = None
    start: date | None = Field(None, alias="from", description="First day (included).")
    end: date | None = Field(None, alias="to", description="Last day (included).")


@router.get(
    "/w/{slug}/finance/time-entries",
    response=list[TimeEntryOut],
    url_name="finance_time_entries",
    operation_id="list_time_entries",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_time_entries(request, slug: WorkspaceSlug, query: Query[TimeQuery]):
    """Hours per person, day and project (and agreement), by day. Filters: `person`,
    `project`, `agreement`, `from`, `to` (days included)."""
    entries = _entries(request.workspace)
    for name, model in (("person", Person), ("project", Project), ("agreement", FundingAgreement)):
        found = _filter_ref(request, model, name, getattr(query, name))
        if found is not None:
            entries = entries.filter(**{name: found})
    if query.start is not None:
        entries = entries.filter(date__gte=query.start)
    if query.end is not None:
        entries = entries.filter(date__lte=query.end)
    return entries.order_by("date", "person_id", "project_id", "pk")


def _cell_refs(request, data: dict) -> dict:
    return (
        _Fields(request, data)
        .ref("person", Person)
        .ref("project", Project)
        .ref("agreement", FundingAgreement, nullable=True)
        .done()
    )


def _save_note(entry: TimeEntry, note: str, request) -> TimeEntry:
    if note == entry.note:
        return entry
    return tenant_update(
        entry, user=request.user, expected_version=entry.version, request=request, note=note
    )


@router.post(
    "/w/{slug}/finance/time-entries",
    response={201: TimeEntryOut},
    url_name="finance_time_entry_create",
    operation_id="create_time_entry",
)
@require_api_role(Role.MEMBER)
def create_time_entry(request, slug: WorkspaceSlug, payload: TimeEntryIn):
    """Record a person's hours on a project (and, optionally, an agreement that funds it) on
    a day: one entry per person, day, project and agreement (another is a 422 on `date`), at
    most 24 h a day for a person."""
    data = payload.model_dump()
    refs = _cell_refs(request, data)
    person, project, agreement = refs["person"], refs["project"], refs["agreement"]
    existing = _entries(request.workspace).filter(
        person=person, project=project, agreement=agreement, date=payload.date
    )
    if existing.exists():
        raise ValidationError(
            {
                "date": _(
                    "This person already has hours on this project on this day: change them "
                    "(PATCH …/time-entries/%(id)s) instead."
                )
                % {"id": existing.first().pk}
            }
        )
    with transaction.atomic():
        result = time_services.time_cell_save(
            workspace=request.workspace,
            user=request.user,
            person=person,
            project=project,
            agreement=agreement,
            day=payload.date,
            hours=payload.hours,
            expected=None,
            request=request,
        )
        if result.conflict or result.entry is None:
            raise StaleObjectError()
        entry = _save_note(result.entry, payload.note.strip(), request)
    return Status(201, _entry(request, entry.pk))


def _week_changes(request, payload: WeekIn, monday: date, current: dict) -> list:
    """The week's cells as the service's changes; a 422 names the cell and field at fault."""
    problems = []
    projects = Project.objects.filter(workspace=request.workspace).in_bulk(
        {cell.project for cell in payload.cells}
    )
    agreements = FundingAgreement.objects.filter(workspace=request.workspace).in_bulk(
        {cell.agreement for cell in payload.cells if cell.agreement is not None}
    )
    seen = set()
    changes = []

    def problem(index, field, message):
        problems.append({"loc": ["body", "cells", index, field], "msg": message, "type": "invalid"})

    for index, cell in enumerate(payload.cells):
        if cell.project not in projects:
            problem(index, "project", _unknown(cell.project))
        if cell.agreement is not None and cell.agreement not in agreements:
            problem(index, "agreement", _unknown(cell.agreement))
        if not monday <= cell.date <= monday + timedelta(days=6):
            problem(
                index,
                "date",
                _("This day is not in the week of %(monday)s.") % {"monday": monday.isoformat()},
            )
        key = (cell.project, cell.agreement, cell.date)
        if key in seen:
            problem(index, "date", _("This cell is given twice."))
        seen.add(key)
        if (cell.id is None) != (cell.version is None):
            problem(index, "version", _("Send the entry's id and version together."))
        stored = current.get(key)
        if payload.overwrite:
            expected = time_services.CellToken.of(stored)
        elif cell.id is not None and cell.version is not None:
            expected = time_services.CellToken(cell.id, cell.version)
        else:
            expected = None
        changes.append(
            time_services.CellChange(
                key=str(index),
                project=projects.get(cell.project),
                agreement=agreements.get(cell.agreement),
                day=cell.date,
                hours=cell.hours,
                expected=expected,
                stored=stored.hours if stored is not None else None,
            )
        )
    if problems:
        raise NinjaValidationError(problems)
    return changes


@router.post(
    "/w/{slug}/finance/time-entries/week",
    response=WeekOut,
    url_name="finance_time_week_save",
    operation_id="save_time_week",
)
@require_api_role(Role.MEMBER)
def save_time_week(request, slug: WorkspaceSlug, payload: WeekIn):
    """Save a person's week at once, cell by cell (the weekly grid): each cell sets the hours
    of a project (and agreement) on a day of the week; 0 or null empties it. A cell carries the
    `id` and `version` of the entry read in it (none if it was empty): if the cell changed
    since, it is a `conflict` and is left as stored, unless `overwrite` is true. Each cell is
    saved on its own and answered with its status and what is stored now."""
    person = _Fields(request, payload.model_dump()).ref("person", Person).done()["person"]
    monday = payload.week - timedelta(days=payload.week.weekday())
    entries = _entries(request.workspace).filter(
        person=person, date__range=(monday, monday + timedelta(days=6))
    )
    current = {(e.project_id, e.agreement_id, e.date): e for e in entries}
    changes = _week_changes(request, payload, monday, current)
    outcome = time_services.time_week_save(
        workspace=request.workspace,
        user=request.user,
        person=person,
        changes=changes,
        request=request,
    )
    cells = []
    for index, cell in enumerate(payload.cells):
        result = outcome[str(index)]
        before = current.get((cell.project, cell.agreement, cell.date))
        if isinstance(result, ValidationError):
            status, entry, errors = "invalid", before, result.messages
        else:
            entry, errors = result.entry, []
            if result.conflict:
                status = "conflict"
            elif not result.changed:
                status = "unchanged"
            elif entry is None:
                status = "deleted"
            else:
                status = "changed" if before is not None else "created"
        cells.append(
            {
                "project": cell.project,
                "agreement": cell.agreement,
                "date": cell.date,
                "status": status,
                "entry": entry,
                "errors": errors,
            }
        )
    return {"person": person.pk, "week": monday, "cells": cells}


def _entry_to_change(request, time_entry_id: int) -> TimeEntry:
    return get_in_workspace(
        TimeEntry.objects.select_related("person", "project", "agreement"),
        request,
        pk=time_entry_id,
    )


def _update_time_entry(request, time_entry_id: int, data: dict):
    entry = _entry_to_change(request, time_entry_id)
    version = data.pop("version")
    fields = _Fields(request, data).copy("hours", "note").done()
    _stale_unless(entry, version)
    with transaction.atomic():
        hours = fields.get("hours")
        if hours is not None and hours != entry.hours:
            result = time_services.time_cell_save(
                workspace=request.workspace,
                user=request.user,
                person=entry.person,
                project=entry.project,
                agreement=entry.agreement,
                day=entry.date,
                hours=hours,
                expected=time_services.CellToken(entry.pk, version),
                request=request,
            )
            if result.conflict or result.entry is None:
                raise StaleObjectError()
            entry = result.entry
        if "note" in fields:
            entry = _save_note(entry, fields["note"], request)
    return _entry(request, entry.pk)


def _delete_time_entry(request, time_entry_id: int, version: int | None):
    entry = _entry_to_change(request, time_entry_id)
    _stale_unless(entry, version)
    result = time_services.time_cell_save(
        workspace=request.workspace,
        user=request.user,
        person=entry.person,
        project=entry.project,
        agreement=entry.agreement,
        day=entry.date,
        hours=None,
        expected=time_services.CellToken(entry.pk, entry.version if version is None else version),
        request=request,
    )
    if result.conflict:
        raise StaleObjectError()
    return Status(204, None)


item_operations(
    router,
    "/w/{slug}/finance/time-entries/{time_entry_id}",
    "time_entry",
    url_prefix="finance_",
    out=TimeEntryOut,
    read=_entry,
    write=_update_time_entry,
    remove=_delete_time_entry,
    replace=(
        TimeEntryReplace,
        """Set the hours and note (person, project, agreement and day stay: delete and create to
        move hours). 409 if `version` is not the stored one.""",
    ),
    patch=(
        TimeEntryPatch,
        """Change the hours or the note. 409 if `version` is not the stored one.""",
    ),
    delete="""Delete the entry. With `?version=`, 409 if it changed since.""",
)


# --- ledger lines (read only) and their allocations ----------------------------------------------


class LedgerQuery(Schema):
    q: str = Field("", description="Text in the label or the supporting document's reference.")
    year: int | None = Field(None, ge=1990, le=2100)
    start: date | None = Field(None, alias="from", description="Entry date from (included).")
    end: date | None = Field(None, alias="to", description="Entry date until (included).")
    journal: str = Field("", description="A journal code.")
    account: str = Field("", description="An account number prefix: 606, 6226…")
    category: LedgerCategory | None = Field(
        None, description="An account class, or “none” for lines without one."
    )
    assigned: bool | None = Field(None, description="true: allocated to a project; false: not.")
    project: int | None = Field(None, description="Lines allocated to this project.")


def _ledger_lines(request, query: LedgerQuery | None = None):
    criteria = ledger_selectors.LedgerFilter()
    if query is not None:
        criteria = ledger_selectors.LedgerFilter(
            year=query.year,
            journal=query.journal.strip(),
            account=query.account.strip(),
            category=query.category or "",
            assigned={None: "", True: "yes", False: "no"}[query.assigned],
            project=_filter_ref(request, Project, "project", query.project),
            query=query.q.strip(),
        )
    lines = ledger_selectors.filter_lines(request.workspace, criteria)
    if query is not None and query.start is not None:
        lines = lines.filter(entry_date__gte=query.start)
    if query is not None and query.end is not None:
        lines = lines.filter(entry_date__lte=query.end)
    return ledger_selectors.with_allocations(lines)


@router.get(
    "/w/{slug}/finance/ledger-lines",
    response=list[LedgerLineOut],
    url_name="finance_ledger_lines",
    operation_id="list_ledger_lines",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_ledger_lines(request, slug: WorkspaceSlug, query: Query[LedgerQuery]):
    """Lines of the ledger (imported from FEC files; read only), by entry date, journal and
    entry, each with its allocations to projects. Filters: `q`, `year`, `from`, `to`,
    `journal`, `account` (prefix), `category` (or `none`), `assigned`, `project`."""
    return _ledger_lines(request, query).order_by(
        "entry_date", "journal_code", "entry_number", "pk"
    )


@router.get(
    "/w/{slug}/finance/ledger-lines/{line_id}",
    response=LedgerLineOut,
    url_name="finance_ledger_line",
    operation_id="get_ledger_line",
)
@require_api_role(Role.GUEST)
def get_ledger_line(request, slug: WorkspaceSlug, line_id: int):
    return get_in_workspace(_ledger_lines(request), request, pk=line_id)


def _allocations(workspace):
    return LedgerAllocation.objects.filter(workspace=workspace)


_allocation = reader(_allocations)


class AllocationQuery(Schema):
    line: int | None = None
    project: int | None = None
    agreement: int | None = None
    by_hand: bool | None = Field(None, description="true: made by hand; false: by a rule.")


@router.get(
    "/w/{slug}/finance/ledger-allocations",
    response=list[AllocationOut],
    url_name="finance_ledger_allocations",
    operation_id="list_ledger_allocations",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_ledger_allocations(request, slug: WorkspaceSlug, query: Query[AllocationQuery]):
    """Shares of ledger lines charged to projects (and agreements). Filters: `line`,
    `project`, `agreement`, `by_hand`."""
    allocations = _allocations(request.workspace)
    for name, model in (
        ("line", LedgerLine),
        ("project", Project),
        ("agreement", FundingAgreement),
    ):
        found = _filter_ref(request, model, name, getattr(query, name))
        if found is not None:
            allocations = allocations.filter(**{name: found})
    if query.by_hand is not None:
        allocations = allocations.filter(rule__isnull=query.by_hand)
    return allocations.order_by("line_id", "pk")


def _allocation_fields(request, data: dict) -> dict:
    return (
        _Fields(request, data)
        .ref("project", Project)
        .ref("agreement", FundingAgreement, nullable=True)
        .copy("share")
        .done()
    )


@router.post(
    "/w/{slug}/finance/ledger-allocations",
    response={201: AllocationOut},
    url_name="finance_ledger_allocation_create",
    operation_id="create_ledger_allocation",
)
@require_api_role(Role.MEMBER)
def create_ledger_allocation(request, slug: WorkspaceSlug, payload: AllocationIn):
    """Charge a share of a ledger line to a project (and an agreement that funds it), by hand:
    the assignment rules never touch a line allocated by hand. Shares above 100 % in total are
    accepted and reported by the checks."""
    data = payload.model_dump()
    line = _Fields(request, data).ref("line", LedgerLine).done()["line"]
    fields = _allocation_fields(request, data)
    allocation = ledger_services.allocation_create(
        workspace=request.workspace, user=request.user, line=line, request=request, **fields
    )
    return Status(201, _allocation(request, allocation.pk))


item_operations(
    router,
    "/w/{slug}/finance/ledger-allocations/{allocation_id}",
    "ledger_allocation",
    url_prefix="finance_",
    out=AllocationOut,
    read=_allocation,
    write=updater(
        lambda: LedgerAllocation.objects.select_related("line", "project", "agreement"),
        _allocation_fields,
        ledger_services.allocation_update,
        _allocation,
    ),
    remove=deleter(LedgerAllocation, ledger_services.allocation_delete),
    replace=(
        AllocationReplace,
        """Replace the allocation (its line stays); one a rule made becomes a hand allocation. 409
        if `version` is not the stored one.""",
    ),
    patch=(
        AllocationPatch,
        """Change the fields sent; one a rule made becomes a hand allocation. 409 if `version` is
        not the stored one.""",
    ),
    delete="""Delete the allocation. With `?version=`, 409 if it changed since.""",
)


# --- assignment rules ----------------------------------------------------------------------------


_rule = reader(ledger_selectors.rules)


def _rule_fields(request, data: dict) -> dict:
    if data.get("position", ...) is None:
        data.pop("position")  # omitted or null: kept
    return (
        _Fields(request, data)
        .ref("project", Project)
        .ref("agreement", FundingAgreement, nullable=True)
        .copy("position", "account_prefix", "journal_code", "label_contains", "share")
        .done()
    )


@router.get(
    "/w/{slug}/finance/assignment-rules",
    response=list[RuleOut],
    url_name="finance_assignment_rules",
    operation_id="list_assignment_rules",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_assignment_rules(request, slug: WorkspaceSlug):
    """The rules assigning ledger lines to projects, in the order they are tried (the first
    that matches a line wins)."""
    return ledger_selectors.rules(request.workspace)


@router.post(
    "/w/{slug}/finance/assignment-rules",
    response={201: RuleOut},
    url_name="finance_assignment_rule_create",
    operation_id="create_assignment_rule",
)
@require_api_role(Role.MEMBER)
def create_assignment_rule(request, slug: WorkspaceSlug, payload: RuleIn):
    """Add a rule, tried after the others: lines whose account starts with `account_prefix`,
    in journal `journal_code`, whose label contains `label_contains` (every criterion given
    must match) go to the project (and agreement) for `share` %. Run them with
    `POST …/assignment-rules/apply`."""
    fields = _rule_fields(request, payload.model_dump())
    rule = ledger_services.rule_create(
        workspace=request.workspace, user=request.user, request=request, **fields
    )
    return Status(201, _rule(request, rule.pk))


@router.post(
    "/w/{slug}/finance/assignment-rules/apply",
    response=ApplyRulesOut,
    url_name="finance_assignment_rules_apply",
    operation_id="apply_assignment_rules",
)
@require_api_role(Role.MEMBER)
def apply_assignment_rules(request, slug: WorkspaceSlug, payload: ApplyRulesIn):
    """Reassign the ledger lines (all, or `lines`) by the rules: lines allocated by hand are
    left alone; the others get the first matching rule's allocation, or none."""
    lines = None
    if payload.lines is not None:
        wanted = set(payload.lines)
        lines = set(
            LedgerLine.objects.filter(workspace=request.workspace, pk__in=wanted).values_list(
                "pk", flat=True
            )
        )
        if wanted - lines:
            raise ValidationError(
                {"lines": _unknown(", ".join(str(pk) for pk in sorted(wanted - lines)))}
            )
    result = ledger_services.ledger_apply_rules(
        workspace=request.workspace, user=request.user, lines=lines, request=request
    )
    return {
        "assigned": result.assigned,
        "unassigned": result.unassigned,
        "by_hand": result.by_hand,
        "message": result.message(),
    }


item_operations(
    router,
    "/w/{slug}/finance/assignment-rules/{rule_id}",
    "assignment_rule",
    url_prefix="finance_",
    out=RuleOut,
    read=_rule,
    write=updater(
        lambda: AssignmentRule.objects.select_related("project"),
        _rule_fields,
        ledger_services.rule_update,
        _rule,
    ),
    remove=deleter(AssignmentRule, ledger_services.rule_delete),
    replace=(
        RuleReplace,
        """Replace the rule (`position` omitted: kept). Its allocations change when the rules are
        applied again. 409 if `version` is not the stored one.""",
    ),
    patch=(
        RulePatch,
        """Change the fields sent. 409 if `version` is not the stored one.""",
    ),
    delete="""Delete the rule and the allocations it made. With `?version=`, 409 if it changed
        since.""",
)


# --- account mappings ----------------------------------------------------------------------------


_mapping = reader(AccountMapping)


def _mapping_fields(request, data: dict) -> dict:
    return _Fields(request, data).copy("prefix", "category").done()


@router.get(
    "/w/{slug}/finance/account-mappings",
    response=list[MappingOut],
    url_name="finance_account_mappings",
    operation_id="list_account_mappings",
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_account_mappings(request, slug: WorkspaceSlug):
    """The account mapping, by prefix: accounts starting with a prefix fall in its class (the
    longest prefix wins; unmapped accounts fall in the class of their first two digits)."""
    return ledger_selectors.mappings(request.workspace)


@router.post(
    "/w/{slug}/finance/account-mappings",
    response={201: MappingOut},
    url_name="finance_account_mapping_create",
    operation_id="create_account_mapping",
)
@require_api_role(Role.MEMBER)
def create_account_mapping(request, slug: WorkspaceSlug, payload: MappingIn):
    """Map an account prefix to a class; the ledger's lines are recategorised at once."""
    fields = _mapping_fields(request, payload.model_dump())
    mapping = ledger_services.mapping_create(
        workspace=request.workspace, user=request.user, request=request, **fields
    )
    return Status(201, _mapping(request, mapping.pk))


item_operations(
    router,
    "/w/{slug}/finance/account-mappings/{mapping_id}",
    "account_mapping",
    url_prefix="finance_",
    out=MappingOut,
    read=_mapping,
    write=updater(AccountMapping, _mapping_fields, ledger_services.mapping_update, _mapping),
    remove=deleter(AccountMapping, ledger_services.mapping_delete),
    replace=(
        MappingReplace,
        """Replace the mapping; the lines are recategorised. 409 if `version` is not the stored
        one.""",
    ),
    patch=(
        MappingPatch,
        """Change the fields sent; the lines are recategorised. 409 if `version` is not the stored
        one.""",
    ),
    delete="""Delete the mapping; the lines are recategorised. With `?version=`, 409 if it changed
        since.""",
)


# --- the checks ----------------------------------------------------------------------------------


def _finding(finding) -> dict:
    return {
        "kind": finding.kind,
        "message": finding.message,
        "amount": finding.amount,
        "items": [{"label": item.label, "url": item.url} for item in finding.items],
        "agreements": sorted(finding.agreement_ids),
        "projects": sorted(finding.project_ids),
        "person": finding.person_id,
    }


@router.get(
    "/w/{slug}/finance/checks",
    response=ChecksOut,
    url_name="finance_checks",
    operation_id="get_finance_checks",
)
@require_api_role(Role.GUEST)
def get_finance_checks(request, slug: WorkspaceSlug):
    """The checks ("Contrôles"): what a funder's controller would find, by family — double
    funding, public funding above the cost or the maximum rate, costs an agreement cannot
    fund, hours above the contract, instalments above the grant — each finding with the amount
    at stake (a string) and what it concerns."""
    findings = checks.run_checks(request.workspace)
    families = checks.by_family(findings)
    return {
        "count": len(findings),
        "amount": sum((f.amount for f in findings), ZERO),
        "families": [
            {
                "key": family["key"],
                "label": str(family["label"]),
                "count": len(family["findings"]),
                "amount": family["amount"],
                "findings": [_finding(f) for f in family["findings"]],
            }
            for family in families
        ],
    }
