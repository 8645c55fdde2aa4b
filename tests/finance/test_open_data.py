"""Open-data exports: 360Giving JSON of the grants received, IATI 2.03 XML of the projects.

Both are validated against the standards' own schemas and codelists, read from the shared
reference data (../shared/reference from the project's root); the validations skip when it
is absent (it is never copied into the project).
"""

import datetime
import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from defusedxml import ElementTree as SafeET
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from maillage.core.models import AuditEvent
from maillage.finance.allocation import project_actuals
from maillage.finance.models import Project
from maillage.finance.models.accounts import CHARGE_CATEGORIES
from maillage.finance.open_data import giving360, iati, identity
from tests.factories import (
    ActorFactory,
    BudgetLineFactory,
    ContractFactory,
    FunderFactory,
    FundingAgreementFactory,
    InstalmentFactory,
    LedgerAllocationFactory,
    LedgerLineFactory,
    PersonFactory,
    ProjectFactory,
    ResourceFactory,
    TimeEntryFactory,
    VolunteerFactory,
)

pytestmark = pytest.mark.django_db

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"
GRANT_SCHEMA = REFERENCE / "360giving" / "360-giving-schema.json"
PACKAGE_SCHEMA = REFERENCE / "360giving" / "360-giving-package-schema.json"
IATI_XSD = REFERENCE / "iati-2.03" / "iati-activities-schema.xsd"
CODELISTS = REFERENCE / "iati-codelists"


def _reference(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"reference data absent: {path}")
    return path


@pytest.fixture
def funded(workspace):
    """Two projects funded by a region (SIREN known) and a foundation (no identifier), with
    instalments, costs, budget lines; a requested and a refused agreement that never show."""
    region = FunderFactory(
        workspace=workspace,
        name="Région Auvergne-Rhône-Alpes",
        source="public",
        level="region",
        identifier="200053767",
    )
    foundation_actor = ActorFactory(workspace=workspace, profile="foundation", siren="")
    foundation = FunderFactory(
        workspace=workspace,
        name="Fondation du Lien",
        source="private_organisations",
        level="other",
        actor=foundation_actor,
    )
    gardens = ProjectFactory(
        workspace=workspace,
        code="JARDINS",
        name="Jardins partagés",
        objectives="Créer du lien social   autour de jardins\npartagés.",
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    jobs = ProjectFactory(
        workspace=workspace,
        code="EMPLOI",
        name="Parcours emploi",
        status=Project.Status.CLOSED,
        start_date=datetime.date(2024, 3, 1),
        end_date=datetime.date(2025, 6, 30),
    )
    subsidy = FundingAgreementFactory(
        workspace=workspace,
        reference="REG 2025-014",
        title="Soutien régional aux jardins et à l'emploi",
        funder=region,
        kind="subsidy",
        signed_on=datetime.date(2025, 2, 10),
        amount_granted=Decimal("12345.67"),
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2025, 12, 31),
        eligible_categories=["60", "64"],
        notes="Interne : ne pas publier.",
        projects=[gardens, jobs],
    )
    patronage = FundingAgreementFactory(
        workspace=workspace,
        reference="FDL-7",
        title="Mécénat jardins",
        funder=foundation,
        kind="patronage",
        status="closed",
        signed_on=None,
        amount_granted=Decimal("3000.00"),
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2026, 3, 31),
        eligible_categories=["60"],
        projects=[gardens],
    )
    FundingAgreementFactory(
        workspace=workspace, reference="ASKED", status="requested", funder=region, projects=[jobs]
    )
    FundingAgreementFactory(
        workspace=workspace, reference="NO", status="refused", funder=region, projects=[jobs]
    )
    InstalmentFactory(
        workspace=workspace,
        agreement=subsidy,
        received_on=datetime.date(2025, 3, 1),
        amount=Decimal("1000.00"),
    )
    InstalmentFactory(
        workspace=workspace,
        agreement=subsidy,
        received_on=datetime.date(2025, 9, 1),
        amount=Decimal("100.00"),
    )
    InstalmentFactory(
        workspace=workspace,
        agreement=patronage,
        received_on=datetime.date(2025, 5, 1),
        amount=Decimal("1500.00"),
    )
    # Eligible costs for the subsidy: gardens 300 (60), jobs 100 (60) → shares 3:1.
    for project, amount in ((gardens, "300.00"), (jobs, "100.00")):
        line = LedgerLineFactory(
            workspace=workspace,
            entry_date=datetime.date(2025, 4, 2),
            debit=Decimal(amount),
            category="60",
        )
        LedgerAllocationFactory(workspace=workspace, line=line, project=project)
    # Staff time on the gardens (26.14 €/h) and a volunteer (in kind, never expenditure).
    employee = PersonFactory(workspace=workspace)
    ContractFactory(workspace=workspace, person=employee)
    TimeEntryFactory(
        workspace=workspace,
        person=employee,
        project=gardens,
        date=datetime.date(2025, 3, 3),
        hours=Decimal("7.00"),
    )
    TimeEntryFactory(
        workspace=workspace,
        person=VolunteerFactory(workspace=workspace),
        project=gardens,
        date=datetime.date(2025, 3, 4),
        hours=Decimal("4.00"),
    )
    for year, category, amount in (
        (2025, "60", "1000.00"),
        (2025, "64", "2000.00"),
        (2025, "86", "500.00"),  # in kind: not in the budget's money
        (2025, "74", "5000.00"),  # a product: not a charge
        (2026, "60", "300.00"),
    ):
        BudgetLineFactory(
            workspace=workspace,
            project=gardens,
            year=year,
            category=category,
            amount=Decimal(amount),
        )
    return {
        "region": region,
        "foundation": foundation,
        "gardens": gardens,
        "jobs": jobs,
        "subsidy": subsidy,
        "patronage": patronage,
    }


# --- 360Giving ---------------------------------------------------------------------------


def _download(client, workspace, name):
    response = client.get(reverse(f"finance:{name}", args=[workspace.slug]))
    assert response.status_code == 200
    return response


def test_360giving_download_is_a_json_file(owner_client, workspace, funded):
    response = _download(owner_client, workspace, "export_360giving")
    assert response["Content-Type"].startswith("application/json")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"360giving-grants-{workspace.slug}-" in disposition
    assert disposition.rstrip('"').endswith(".json")
    document = json.loads(response.content)
    assert [g["id"] for g in document["grants"]] == [
        f"360G-maillage-{workspace.slug}-REG-2025-014",
        f"360G-maillage-{workspace.slug}-FDL-7",
    ]
    with scopes_disabled():
        assert AuditEvent.objects.filter(workspace=workspace, changes__export="360Giving").exists()


RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _format_checker():
    """The 360Giving schema tells dates from date-times by the "date-time" format, which
    jsonschema checks only with an optional package: check it here (RFC 3339)."""
    from jsonschema import FormatChecker

    checker = FormatChecker()

    @checker.checks("date-time")
    def is_date_time(value) -> bool:
        if not isinstance(value, str) or not RFC3339.match(value):
            return False
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        return True

    return checker


def test_360giving_validates_against_the_standard(owner_client, workspace, funded):
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    grant_schema = json.loads(_reference(GRANT_SCHEMA).read_text())
    package_schema = json.loads(_reference(PACKAGE_SCHEMA).read_text())
    document = json.loads(_download(owner_client, workspace, "export_360giving").content)

    checker = _format_checker()
    validator = Draft202012Validator(grant_schema, format_checker=checker)
    for grant in document["grants"]:
        errors = [error.message for error in validator.iter_errors(grant)]
        assert not errors, errors
    # The package refers to the grant schema by its published address: serve the local copy.
    items_ref = package_schema["properties"]["grants"]["items"]["$ref"]
    # (The schemas name their dialect with http://, which `referencing` does not know: say it.)
    resource = Resource(contents=grant_schema, specification=DRAFT202012)
    registry = Registry().with_resource(items_ref, resource)
    package_validator = Draft202012Validator(
        package_schema, registry=registry, format_checker=checker
    )
    errors = [error.message for error in package_validator.iter_errors(document)]
    assert not errors, errors
    # The grants are checked through the package too: a broken one is caught.
    broken = {**document, "grants": [{**document["grants"][0], "currency": "euros"}]}
    assert list(package_validator.iter_errors(broken))


def test_360giving_grant_figures(owner_client, workspace, funded):
    response = _download(owner_client, workspace, "export_360giving")
    text = response.content.decode()
    document = json.loads(text)
    subsidy, patronage = document["grants"]
    # Amounts are JSON numbers, to the cent, written as such.
    assert '"amountAwarded": 12345.67' in text
    assert subsidy["currency"] == "EUR"
    assert subsidy["title"] == "Soutien régional aux jardins et à l'emploi"
    assert subsidy["awardDate"] == "2025-02-10"
    assert patronage["awardDate"] == "2025-04-01"  # no signature date: the start
    assert subsidy["plannedDates"] == [{"startDate": "2025-01-01", "endDate": "2025-12-31"}]
    assert subsidy["amountDisbursed"] == 1100.0
    assert [t["value"] for t in subsidy["disbursementTransaction"]] == [1000.0, 100.0]
    assert subsidy["fundingOrganization"] == [
        {"id": "FR-RCS-200053767", "name": "Région Auvergne-Rhône-Alpes"}
    ]
    # A funder without any identifier gets one made up under the workspace's prefix.
    assert patronage["fundingOrganization"][0]["id"] == (
        f"360G-maillage-{workspace.slug}-funder-{funded['foundation'].pk}"
    )
    assert subsidy["recipientOrganization"] == [
        {"id": f"360G-maillage-{workspace.slug}", "name": workspace.name}
    ]
    # The projects are the context; objectives are flattened; internal notes never leave.
    assert subsidy["description"] == (
        "Funds the projects: Parcours emploi (EMPLOI); Jardins partagés (JARDINS): Créer du "
        "lien social autour de jardins partagés."
    )
    assert "Interne" not in text
    assert subsidy["classifications"][0]["code"] == "subsidy"
    assert patronage["classifications"][0]["code"] == "patronage"


def test_requested_and_refused_agreements_are_not_grants(workspace, funded):
    with scope(workspace=workspace):
        ids = [g["id"] for g in giving360.grants(workspace)]
    assert not any(i.endswith(("-ASKED", "-NO")) for i in ids)
    assert len(ids) == 2


def test_without_grants_the_page_says_so(owner_client, workspace):
    FundingAgreementFactory(workspace=workspace, status="requested")
    response = owner_client.get(reverse("finance:export_360giving", args=[workspace.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("finance:socio_economic_model", args=[workspace.slug])
    page = owner_client.get(response["Location"])
    assert "No grant to publish yet" in page.content.decode()


def test_a_guest_may_download_the_exports(guest_client, workspace, funded):
    assert _download(guest_client, workspace, "export_360giving")
    assert _download(guest_client, workspace, "export_iati")


# --- Identifiers ----------------------------------------------------------------------------


def test_the_workspace_identifier_comes_from_the_setting_first(settings, workspace):
    ActorFactory(workspace=workspace, name=workspace.name, siren="732829320")
    settings.MAILLAGE_ORGANISATION_IDENTIFIERS = {workspace.slug: "552 100 554"}
    with scope(workspace=workspace):
        organisation = identity.workspace_organisation(workspace)
    assert organisation.identifier == "FR-RCS-552100554"
    assert organisation.source == "setting"
    assert not organisation.is_fallback


def test_the_workspace_identifier_comes_from_its_ecosystem(workspace):
    ActorFactory(
        workspace=workspace,
        name=f"Association {workspace.name.upper()}",
        siren="732829320",
        profile="association_employer",
    )
    ActorFactory(workspace=workspace, name="Quelqu'un d'autre", siren="552100554")
    with scope(workspace=workspace):
        from maillage.ecosystem.models import Actor
        from maillage.ecosystem.services import name_key

        # The factory does not compute the name key the services keep: do it here.
        for actor in Actor.objects.filter(workspace=workspace):
            Actor.objects.filter(pk=actor.pk).update(name_key=name_key(actor.name))
        organisation = identity.workspace_organisation(workspace)
    assert organisation.identifier == "FR-RCS-732829320"
    assert organisation.source == "ecosystem"
    assert organisation.iati_type == "22"


def test_the_workspace_identifier_falls_back_to_a_made_up_one(workspace):
    with scope(workspace=workspace):
        organisation = identity.workspace_organisation(workspace)
    assert organisation.identifier == f"360G-maillage-{workspace.slug}"
    assert organisation.is_fallback


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("200053767", "FR-RCS-200053767"),
        ("200 053 767", "FR-RCS-200053767"),
        ("20005376700014", "FR-RCS-200053767"),  # a SIRET names its legal unit's SIREN
        ("FR-SIRET-22690001700013", "FR-RCS-226900017"),  # not an org-id.guide list
        ("fr-rcs-200053767", "FR-RCS-200053767"),
        ("FR-INSEE-200053767", "FR-RCS-200053767"),  # withdrawn in favour of FR-RCS
        ("GB-CHC-1234567", "GB-CHC-1234567"),
        ("XI-IATI-EC_INTPA", "XI-IATI-EC_INTPA"),
    ],
)
def test_org_ids(written, expected):
    assert identity.org_id(written) == expected


@pytest.mark.parametrize(
    ("source", "level", "profile", "expected"),
    [
        ("public", "state", None, "10"),
        ("public", "region", None, "11"),
        ("public", "municipal", None, "11"),
        ("public", "social_bodies", None, "15"),
        ("public", "other", None, "15"),
        ("public", "eu", None, "40"),
        ("private_organisations", "other", None, "70"),
        ("private_organisations", "other", "foundation", "60"),
        ("private_persons", "other", None, "90"),
        ("members", "other", None, "90"),
    ],
)
def test_funder_organisation_types(workspace, source, level, profile, expected):
    actor = ActorFactory(workspace=workspace, profile=profile) if profile else None
    funder = FunderFactory(workspace=workspace, source=source, level=level, actor=actor)
    with scope(workspace=workspace):
        assert identity.funder_iati_type(funder) == expected


# --- IATI -----------------------------------------------------------------------------------


def _activities(client, workspace) -> tuple[bytes, ET.Element]:
    response = _download(client, workspace, "export_iati")
    assert response["Content-Type"].startswith("application/xml")
    assert f"iati-activities-{workspace.slug}-" in response["Content-Disposition"]
    return response.content, SafeET.fromstring(response.content)


def _activity(root: ET.Element, code: str) -> ET.Element:
    (found,) = [a for a in root if a.findtext("iati-identifier").endswith(f"-{code}")]
    return found


def test_iati_validates_against_the_schema(owner_client, workspace, funded):
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(_reference(IATI_XSD))))
    content, _root = _activities(owner_client, workspace)
    document = etree.fromstring(content)
    assert schema.validate(document), schema.error_log


def _codelist(name: str) -> set[str]:
    root = SafeET.parse(_reference(CODELISTS / f"{name}.xml")).getroot()
    return {item.findtext("code") for item in root.iter("codelist-item")}


def test_iati_uses_only_codes_of_the_codelists(owner_client, workspace, funded):
    _content, root = _activities(owner_client, workspace)
    used: dict[str, set[str]] = {
        "ActivityStatus": {e.get("code") for e in root.iter("activity-status")},
        "ActivityDateType": {e.get("type") for e in root.iter("activity-date")},
        "OrganisationRole": {e.get("role") for e in root.iter("participating-org")},
        "OrganisationType": {
            e.get("type")
            for tag in ("reporting-org", "participating-org", "provider-org", "receiver-org")
            for e in root.iter(tag)
        },
        "TransactionType": {e.get("code") for e in root.iter("transaction-type")},
        "BudgetType": {e.get("type") for e in root.iter("budget")},
        "BudgetStatus": {e.get("status") for e in root.iter("budget")},
        "Currency": {e.get("currency") for e in root.iter("value")}
        | {a.get("default-currency") for a in root},
    }
    for name, codes in used.items():
        assert codes, name
        assert codes <= _codelist(name), (name, codes - _codelist(name))
    # Registered identifiers name a list of OrganisationRegistrationAgency.
    agencies = _codelist("OrganisationRegistrationAgency")
    refs = {e.get("ref") for e in root.iter() if e.get("ref", "").startswith("FR-")}
    assert refs == {"FR-RCS-200053767"}
    assert {ref.rsplit("-", 1)[0] for ref in refs} <= agencies


def test_iati_activity_content(owner_client, workspace, funded):
    _content, root = _activities(owner_client, workspace)
    org = f"360G-maillage-{workspace.slug}"
    assert [a.findtext("iati-identifier") for a in root] == [f"{org}-EMPLOI", f"{org}-JARDINS"]
    gardens = _activity(root, "JARDINS")
    assert gardens.findtext("title/narrative") == "Jardins partagés"
    assert gardens.find("reporting-org").get("ref") == org
    participants = [
        (p.get("role"), p.get("type"), p.get("ref"), p.findtext("narrative"))
        for p in gardens.iter("participating-org")
    ]
    assert participants == [
        ("4", "22", org, workspace.name),
        ("1", "60", None, "Fondation du Lien"),  # no identifier: no ref made up
        ("1", "11", "FR-RCS-200053767", "Région Auvergne-Rhône-Alpes"),
    ]
    today = datetime.date.today()
    assert gardens.find("activity-status").get("code") == (
        "2" if today <= datetime.date(2026, 12, 31) else "3"
    )
    dates = [(d.get("type"), d.get("iso-date")) for d in gardens.iter("activity-date")]
    assert dates == [("1", "2025-01-01"), ("2", "2025-01-01"), ("3", "2026-12-31")]
    jobs = _activity(root, "EMPLOI")
    assert jobs.find("activity-status").get("code") == "4"
    assert [(d.get("type"), d.get("iso-date")) for d in jobs.iter("activity-date")] == [
        ("1", "2024-03-01"),
        ("2", "2024-03-01"),
        ("3", "2025-06-30"),
        ("4", "2025-06-30"),
    ]


def test_iati_budgets_are_the_cash_charges_per_year(owner_client, workspace, funded):
    _content, root = _activities(owner_client, workspace)
    budgets = [
        (
            b.find("period-start").get("iso-date"),
            b.find("period-end").get("iso-date"),
            b.findtext("value"),
            b.find("value").get("currency"),
            b.find("value").get("value-date"),
        )
        for b in _activity(root, "JARDINS").iter("budget")
    ]
    assert budgets == [
        ("2025-01-01", "2025-12-31", "3000.00", "EUR", "2025-01-01"),
        ("2026-01-01", "2026-12-31", "300.00", "EUR", "2026-01-01"),
    ]


def _transactions(activity: ET.Element, code: str) -> list[tuple[str, str]]:
    return [
        (t.find("transaction-date").get("iso-date"), t.findtext("value"))
        for t in activity.iter("transaction")
        if t.find("transaction-type").get("code") == code
    ]


def test_iati_incoming_funds_split_instalments_by_eligible_costs(owner_client, workspace, funded):
    _content, root = _activities(owner_client, workspace)
    gardens, jobs = _activity(root, "JARDINS"), _activity(root, "EMPLOI")
    # Subsidy: eligible costs gardens 300 + 182.98 staff (7 h × 26.14) = 482.98, jobs 100.
    # 1,000.00 × 482.98 / 582.98 = 828.4675… → 828.47; the jobs 171.53 (sum: 1,000.00).
    # 100.00 → 82.85 (82.8467…) and 17.15; the foundation's 1,500 funds the gardens alone.
    assert sorted(_transactions(gardens, "1")) == [
        ("2025-03-01", "828.47"),
        ("2025-05-01", "1500.00"),
        ("2025-09-01", "82.85"),
    ]
    assert sorted(_transactions(jobs, "1")) == [("2025-03-01", "171.53"), ("2025-09-01", "17.15")]
    first = next(t for t in jobs.iter("transaction"))
    provider, receiver = first.find("provider-org"), first.find("receiver-org")
    assert (provider.get("ref"), provider.get("type")) == ("FR-RCS-200053767", "11")
    assert provider.findtext("narrative") == "Région Auvergne-Rhône-Alpes"
    assert receiver.get("ref") == f"360G-maillage-{workspace.slug}"
    assert "171,53" in first.findtext("description/narrative") or "1,000.00" in (
        first.findtext("description/narrative")
    )


def test_an_instalment_splits_equally_without_eligible_costs(workspace):
    projects = ProjectFactory.create_batch(3, workspace=workspace)
    agreement = FundingAgreementFactory(workspace=workspace, projects=projects)
    InstalmentFactory(workspace=workspace, agreement=agreement, amount=Decimal("1000.00"))
    with scope(workspace=workspace):
        root = SafeET.fromstring(iati.activities(workspace))
    values = [
        t.findtext("value")
        for a in root
        for t in a.iter("transaction")
        if t.find("transaction-type").get("code") == "1"
    ]
    assert sorted(values) == ["333.33", "333.33", "333.34"]
    assert sum(Decimal(v) for v in values) == Decimal("1000.00")


def test_iati_expenditure_is_the_cash_actuals_per_year(owner_client, workspace, funded):
    _content, root = _activities(owner_client, workspace)
    gardens = _activity(root, "JARDINS")
    # 300.00 of purchases + 7 h × 26.14 = 182.98 of staff; the volunteer's 60.00 is in kind.
    assert _transactions(gardens, "4") == [("2025-04-02", "482.98")]
    with scope(workspace=workspace):
        actuals = project_actuals(funded["gardens"])
    cash = sum(
        (amount for (year, category), amount in actuals.items() if category in CHARGE_CATEGORIES),
        Decimal(0),
    )
    assert cash == Decimal("482.98")


@pytest.mark.parametrize(
    ("status", "end", "expected"),
    [
        ("draft", datetime.date(2030, 1, 1), "1"),
        ("active", datetime.date(2030, 1, 1), "2"),
        ("active", datetime.date(2020, 12, 31), "3"),
        ("closed", datetime.date(2020, 12, 31), "4"),
        ("cancelled", datetime.date(2030, 1, 1), "5"),
    ],
)
def test_activity_status_mapping(status, end, expected):
    project = Project(
        status=status, start_date=datetime.date(2020, 1, 1), end_date=end, code="X", name="X"
    )
    assert iati.activity_status(project, datetime.date(2025, 6, 1)) == expected


def test_without_projects_the_iati_export_says_so(owner_client, workspace):
    ResourceFactory(workspace=workspace)
    response = owner_client.get(reverse("finance:export_iati", args=[workspace.slug]))
    assert response.status_code == 302
    page = owner_client.get(response["Location"])
    assert "No project to publish yet" in page.content.decode()


def test_exports_hold_only_the_workspace_s_own_data(owner_client, workspace, other_workspace):
    ours = FundingAgreementFactory(workspace=workspace, reference="OURS")
    FundingAgreementFactory(workspace=other_workspace, reference="THEIRS")
    InstalmentFactory(workspace=workspace, agreement=ours)
    grants = json.loads(_download(owner_client, workspace, "export_360giving").content)["grants"]
    assert [g["id"].rsplit("-", 1)[-1] for g in grants] == ["OURS"]
    _content, root = _activities(owner_client, workspace)
    assert len(root) == 1
