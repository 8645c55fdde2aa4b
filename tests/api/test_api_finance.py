"""The finance API: CRUD of every finance object, salaries behind their permission, time entries
(one by one and a week at once), the ledger and its allocations, assignment rules, the funder
report on the golden case, the checks and a project's actuals."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from maillage.core.models import AuditEvent
from maillage.finance.models import (
    BudgetLine,
    Contract,
    FundingAgreement,
    LedgerLine,
    Project,
    TimeEntry,
)
from maillage.workspaces.models import Role
from tests.api.test_api_ecosystem import Api
from tests.factories import (
    AssignmentRuleFactory,
    ContractFactory,
    FunderFactory,
    FundingAgreementFactory,
    IndicatorFactory,
    LedgerAllocationFactory,
    LedgerLineFactory,
    MembershipFactory,
    PersonFactory,
    ProjectFactory,
    TimeEntryFactory,
    VolunteerFactory,
)
from tests.finance import golden

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = datetime.date.today()
LATER = TODAY + datetime.timedelta(days=200)


@pytest.fixture
def api(member):
    """A member without the permission to see salaries."""
    return Api(member)


@pytest.fixture
def payroll(workspace):
    """A member allowed to see salaries."""
    return Api(MembershipFactory(workspace=workspace, role=Role.MEMBER, can_view_sensitive=True))


@pytest.fixture
def guest_api(guest):
    return Api(guest)


@pytest.fixture
def project(workspace):
    return ProjectFactory(
        workspace=workspace,
        code="JARDINS",
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )


@pytest.fixture
def region(workspace):
    return FunderFactory(workspace=workspace, name="Région", source="public", level="region")


@pytest.fixture
def agreement(workspace, region, project):
    return FundingAgreementFactory(
        workspace=workspace, reference="REG-25", funder=region, projects=[project]
    )


def errors(response) -> dict:
    """{field: message} of a 422; the field is the last element of `loc`."""
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    return {error["loc"][-1]: error["msg"] for error in body["detail"]}


def created(response) -> dict:
    assert response.status_code == 201, response.content
    return response.json()


def ok(response) -> dict:
    assert response.status_code == 200, response.content
    return response.json()


def round_trip(api, path, create, change, *, replace=None):
    """Create, read, list, change (PATCH), replace (PUT), delete: the generic CRUD path."""
    body = created(api.post(path, create))
    pk = body["id"]
    assert body["version"] == 1
    assert ok(api.get(f"{path}/{pk}")) == body
    assert pk in [item["id"] for item in ok(api.get(path))["items"]]
    changed = ok(api.patch(f"{path}/{pk}", {"version": 1, **change}))
    assert changed["version"] == 2
    for name, value in change.items():
        assert changed[name] == value, name
    if replace is not None:
        replaced = ok(api.put(f"{path}/{pk}", {"version": 2, **replace}))
        assert replaced["version"] == 3
        for name, value in replace.items():
            assert replaced[name] == value, name
    version = ok(api.get(f"{path}/{pk}"))["version"]
    assert api.delete(f"{path}/{pk}?version={version}").status_code == 204
    assert api.get(f"{path}/{pk}").status_code == 404
    return body


# --- CRUD round trips --------------------------------------------------------------------------


def test_projects_round_trip_with_manager_and_budget_totals(api, member, workspace):
    body = round_trip(
        api,
        "finance/projects",
        {
            "code": "JARDINS",
            "name": "Jardins partagés",
            "start_date": "2025-01-01",
            "end_date": "2026-12-31",
            "manager": member.user.email.upper(),
        },
        {"name": "Jardins partagés du Forez", "status": "closed"},
        replace={
            "code": "JARDINS",
            "name": "Jardins",
            "start_date": "2025-01-01",
            "end_date": "2025-12-31",
            "manager": None,
        },
    )
    assert body["manager"] == member.user.email
    assert (body["planned_charges"], body["planned_products"]) == ("0.00", "0.00")
    with scopes_disabled():
        assert not Project.objects.filter(workspace=workspace).exists()


def test_budget_lines_round_trip_and_planned_totals(api, project, region):
    path = "finance/budget-lines"
    body = round_trip(
        api,
        path,
        {"project": project.pk, "year": 2025, "category": "60", "amount": "1200.50"},
        {"amount": "1300.00", "label": "Outils"},
        replace={"year": 2026, "category": "74", "amount": "5000.00", "funder": region.pk},
    )
    assert body["amount"] == "1200.50" and body["project"] == project.pk
    created(api.post(path, {"project": project.pk, "year": 2025, "category": "61", "amount": 10}))
    created(
        api.post(
            path,
            {
                "project": project.pk,
                "year": 2025,
                "category": "74",
                "amount": 20,
                "funder": region.pk,
            },
        )
    )
    listed = ok(api.get(path, project=project.pk, category="61"))
    assert [item["amount"] for item in listed["items"]] == ["10.00"]
    found = ok(api.get(f"finance/projects/{project.pk}"))
    assert (found["planned_charges"], found["planned_products"]) == ("10.00", "20.00")


def test_funders_and_resources_round_trip(api, project):
    funder = round_trip(
        api,
        "finance/funders",
        {"name": "Région AURA", "source": "public", "level": "region", "identifier": "200 053 767"},
        {"name": "Région Auvergne-Rhône-Alpes"},
        replace={"name": "Fondation", "source": "private_organisations", "level": "other"},
    )
    assert funder["identifier"] == "200053767" and funder["granted_total"] == "0.00"
    members = created(api.post("finance/funders", {"name": "Adhérents", "source": "members"}))
    round_trip(
        api,
        "finance/resources",
        {"funder": members["id"], "kind": "militant_dues", "year": 2025, "amount": "1500"},
        {"amount": "1600.00", "project": project.pk},
        replace={
            "funder": members["id"],
            "kind": "subscription_dues",
            "year": 2026,
            "amount": "10.00",
        },
    )
    found = errors(
        api.post(
            "finance/resources",
            {"funder": members["id"], "kind": "subsidy", "year": 2025, "amount": 1},
        )
    )
    assert list(found) == ["kind"] and "cannot bring" in found["kind"]


def test_agreements_round_trip_with_projects_rates_and_indicators(api, workspace, region, project):
    other = ProjectFactory(workspace=workspace, code="CAFE")
    indicator = IndicatorFactory(workspace=workspace)
    payload = {
        "reference": "REG-2025",
        "title": "Convention jardins",
        "funder": region.pk,
        "projects": [project.pk, other.pk],
        "amount_granted": "20000",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "eligible_categories": ["64", "60", "60"],
        "max_rate": "50",
        "indirect_rate": "15.00",
        "indirect_base": "staff",
        "required_indicators": [indicator.pk],
        "signed_on": "2024-12-15",
    }
    body = created(api.post("finance/agreements", payload))
    assert body["projects"] == sorted([project.pk, other.pk])
    assert body["eligible_categories"] == ["60", "64"]
    assert (body["max_rate"], body["indirect_rate"]) == ("50.00", "15.00")
    assert body["amount_granted"] == "20000.00" and body["received"] == "0.00"
    assert body["required_indicators"] == [indicator.pk]
    pk = body["id"]
    changed = ok(api.patch(f"finance/agreements/{pk}", {"version": 1, "projects": [project.pk]}))
    assert changed["projects"] == [project.pk] and changed["required_indicators"] == [indicator.pk]
    listed = ok(api.get("finance/agreements", project=other.pk))
    assert listed["count"] == 0
    replaced = ok(api.put(f"finance/agreements/{pk}", {**payload, "version": 2, "max_rate": None}))
    assert replaced["max_rate"] is None and replaced["version"] == 3
    assert api.delete(f"finance/agreements/{pk}?version=3").status_code == 204


def test_keys_instalments_and_deadlines_round_trip(api, agreement, project, workspace):
    other = ProjectFactory(workspace=workspace)
    with scopes_disabled():
        agreement.projects.add(other)
    round_trip(
        api,
        "finance/funding-keys",
        {"agreement": agreement.pk, "project": project.pk, "share": "40"},
        {"share": "45.50"},
        replace={"project": other.pk, "share": "30.00"},
    )
    body = round_trip(
        api,
        "finance/instalments",
        {"agreement": agreement.pk, "received_on": "2025-03-01", "amount": "5000"},
        {"reference": "VIR-001"},
        replace={"received_on": "2025-04-01", "amount": "2500.00"},
    )
    assert body["amount"] == "5000.00"
    body = round_trip(
        api,
        "finance/deadlines",
        {"agreement": agreement.pk, "due_on": LATER.isoformat(), "label": "Compte rendu"},
        {"submitted_on": TODAY.isoformat()},
        replace={"due_on": LATER.isoformat(), "label": "CR final"},
    )
    assert body["overdue"] is False and body["submitted_on"] is None
    late = created(
        api.post(
            "finance/deadlines",
            {"agreement": agreement.pk, "due_on": "2020-01-31", "label": "Bilan"},
        )
    )
    assert late["overdue"] is True
    due = ok(api.get("finance/deadlines", submitted="false", due_before="2021-01-01"))
    assert [item["id"] for item in due["items"]] == [late["id"]]
    # A key on a project the agreement does not fund is a 422 on `project`.
    stranger = ProjectFactory(workspace=workspace)
    found = errors(
        api.post(
            "finance/funding-keys",
            {"agreement": agreement.pk, "project": stranger.pk, "share": 10},
        )
    )
    assert list(found) == ["project"]


def test_people_round_trip_and_deactivation(api):
    body = created(
        api.post(
            "finance/people",
            {
                "first_name": " Vera ",
                "last_name": "Blanc",
                "kind": "volunteer",
                "valuation_rate": 15,
            },
        )
    )
    assert body["full_name"] == "Vera Blanc" and body["valuation_rate"] == "15.00"
    pk = body["id"]
    changed = ok(api.patch(f"finance/people/{pk}", {"version": 1, "active": False}))
    assert changed["active"] is False
    assert ok(api.get("finance/people", active="true"))["count"] == 0
    assert ok(api.get("finance/people", active="false"))["count"] == 1
    found = errors(
        api.post("finance/people", {"first_name": "A", "last_name": "B", "kind": "volunteer"})
    )
    assert list(found) == ["valuation_rate"]
    replaced = ok(
        api.put(
            f"finance/people/{pk}",
            {
                "version": 2,
                "first_name": "Vera",
                "last_name": "Noir",
                "kind": "volunteer",
                "valuation_rate": "12.50",
            },
        )
    )
    assert replaced["last_name"] == "Noir" and replaced["active"] is True


# --- salaries ------------------------------------------------------------------------------------


def test_contracts_round_trip_for_a_member_allowed_to_see_salaries(payroll, workspace):
    person = PersonFactory(workspace=workspace)
    body = created(
        payroll.post(
            "finance/contracts",
            {
                "person": person.pk,
                "start_date": "2024-01-01",
                "weekly_hours": 35,
                "gross_annual_salary": "30000",
                "annual_employer_charges": "12000",
            },
        )
    )
    assert body["salaries_shown"] is True
    assert (body["gross_annual_salary"], body["annual_employer_charges"]) == (
        "30000.00",
        "12000.00",
    )
    assert body["productive_hours"] is None
    assert body["hourly_cost"] == "26.14"  # (30,000 + 12,000) / 1,607
    pk = body["id"]
    changed = ok(
        payroll.patch(f"finance/contracts/{pk}", {"version": 1, "productive_hours": "1500"})
    )
    assert changed["productive_hours"] == "1500.00" and changed["hourly_cost"] == "28.00"
    assert payroll.delete(f"finance/contracts/{pk}?version=2").status_code == 204


def test_salaries_are_hidden_and_refused_without_the_permission(api, payroll, workspace):
    contract = ContractFactory(workspace=workspace, gross_annual_salary=30000)
    path = f"finance/contracts/{contract.pk}"
    body = ok(api.get(path))
    assert body["salaries_shown"] is False
    for name in ("gross_annual_salary", "annual_employer_charges", "productive_hours"):
        assert body[name] is None
    assert body["hourly_cost"] is None and body["weekly_hours"] == "35.00"
    assert ok(api.get("finance/contracts"))["items"][0]["gross_annual_salary"] is None
    # Sending a salary: 403 naming the fields; nothing changes.
    response = api.patch(path, {"version": 1, "gross_annual_salary": "1", "weekly_hours": 20})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert response.json()["fields"] == ["gross_annual_salary"]
    assert "gross_annual_salary" in response.json()["detail"]
    # The rest of the contract stays editable; a PUT of what was read (nulls) keeps salaries.
    changed = ok(api.patch(path, {"version": 1, "weekly_hours": "17.5"}))
    assert changed["weekly_hours"] == "17.50"
    replaced = ok(api.put(path, {**body, "version": 2, "kind": "fixed_term"}))
    assert replaced["kind"] == "fixed_term"
    with scopes_disabled():
        assert Contract.objects.get(pk=contract.pk).gross_annual_salary == D("30000")
    # Creating or deleting a contract holds salaries: refused.
    payload = {"person": contract.person_id, "start_date": "2030-01-01", "weekly_hours": 35}
    assert api.post("finance/contracts", payload).status_code == 403
    assert api.delete(path).status_code == 403
    assert ok(payroll.get(path))["gross_annual_salary"] == "30000.00"


def test_a_contract_needs_an_employee_and_its_salaries(payroll, workspace):
    volunteer = VolunteerFactory(workspace=workspace)
    found = errors(
        payroll.post(
            "finance/contracts",
            {"person": volunteer.pk, "start_date": "2024-01-01", "weekly_hours": 35},
        )
    )
    assert list(found) == ["person"]
    person = PersonFactory(workspace=workspace)
    found = errors(
        payroll.post(
            "finance/contracts",
            {"person": person.pk, "start_date": "2024-01-01", "weekly_hours": 35},
        )
    )
    assert set(found) == {"gross_annual_salary", "annual_employer_charges"}


# --- time entries ------------------------------------------------------------------------------


def test_time_entries_round_trip_and_rules(api, workspace, project, agreement):
    person = PersonFactory(workspace=workspace)
    path = "finance/time-entries"
    payload = {"person": person.pk, "project": project.pk, "date": "2025-03-03", "hours": "7.25"}
    body = created(api.post(path, {**payload, "note": "Atelier"}))
    assert (body["hours"], body["note"], body["agreement"]) == ("7.25", "Atelier", None)
    pk = body["id"]
    assert ok(api.get(f"{path}/{pk}")) == body
    # The same cell again is a 422 on `date`; hours above a day are refused.
    assert list(errors(api.post(path, payload))) == ["date"]
    found = errors(api.post(path, {**payload, "agreement": agreement.pk, "hours": 20}))
    assert list(found) == ["hours"]
    assert "at most 24 h a day" in found["hours"]
    assert list(errors(api.post(path, {**payload, "hours": "7.255"}))) == ["hours"]
    changed = ok(api.patch(f"{path}/{pk}", {"version": body["version"], "hours": 6}))
    assert changed["hours"] == "6.00" and changed["note"] == "Atelier"
    replaced = ok(api.put(f"{path}/{pk}", {"version": changed["version"], "hours": 5}))
    assert (replaced["hours"], replaced["note"]) == ("5.00", "")
    assert api.patch(f"{path}/{pk}", {"version": 1, "hours": 4}).status_code == 409
    # Filters.
    TimeEntryFactory(workspace=workspace, person=person, project=project, date="2025-04-01")
    assert ok(api.get(path, person=person.pk))["count"] == 2
    listed = ok(api.get(path, **{"from": "2025-03-01", "to": "2025-03-31"}))
    assert [item["id"] for item in listed["items"]] == [pk]
    assert ok(api.get(path, agreement=agreement.pk))["count"] == 0
    assert api.delete(f"{path}/{pk}?version=1").status_code == 409
    assert api.delete(f"{path}/{pk}?version={replaced['version']}").status_code == 204
    with scopes_disabled():
        assert TimeEntry.objects.filter(workspace=workspace).count() == 1


def test_an_agreement_that_does_not_fund_the_project_is_refused(api, workspace, agreement):
    person = PersonFactory(workspace=workspace)
    elsewhere = ProjectFactory(workspace=workspace)
    found = errors(
        api.post(
            "finance/time-entries",
            {
                "person": person.pk,
                "project": elsewhere.pk,
                "agreement": agreement.pk,
                "date": "2025-03-03",
                "hours": 2,
            },
        )
    )
    assert found == {"agreement": "This agreement does not fund this project."}


def test_a_week_saved_at_once_with_conflicts_and_errors(api, workspace, project, agreement):
    person = PersonFactory(workspace=workspace)
    stored = TimeEntryFactory(
        workspace=workspace, person=person, project=project, date="2025-03-04", hours=3
    )
    stale = TimeEntryFactory(
        workspace=workspace, person=person, project=project, date="2025-03-05", hours=2
    )
    cells = [
        {"project": project.pk, "date": "2025-03-03", "hours": "7"},
        {"project": project.pk, "date": "2025-03-04", "hours": 0, "id": stored.pk, "version": 1},
        {"project": project.pk, "date": "2025-03-05", "hours": 5, "id": stale.pk, "version": 9},
        {"project": project.pk, "agreement": agreement.pk, "date": "2025-03-06", "hours": 25},
        {"project": project.pk, "agreement": agreement.pk, "date": "2025-03-07", "hours": 24},
    ]
    response = api.post(
        "finance/time-entries/week", {"person": person.pk, "week": "2025-03-05", "cells": cells}
    )
    # 25 h is refused by the schema before anything is written.
    assert response.status_code == 422
    cells[3]["hours"] = "1.5"
    body = ok(
        api.post(
            "finance/time-entries/week",
            {"person": person.pk, "week": "2025-03-05", "cells": cells},
        )
    )
    assert body["week"] == "2025-03-03"
    assert [cell["status"] for cell in body["cells"]] == [
        "created",
        "deleted",
        "conflict",
        "created",
        "created",
    ]
    assert body["cells"][2]["entry"]["hours"] == "2.00"
    assert body["cells"][4]["entry"]["agreement"] == agreement.pk
    # Overwrite: the conflict is written; more than 24 h on a day is invalid for that cell.
    body = ok(
        api.post(
            "finance/time-entries/week",
            {
                "person": person.pk,
                "week": "2025-03-03",
                "overwrite": True,
                "cells": [
                    {"project": project.pk, "date": "2025-03-05", "hours": 5},
                    {"project": project.pk, "date": "2025-03-07", "hours": 1},
                    {"project": project.pk, "date": "2025-03-03", "hours": "7.00"},
                ],
            },
        )
    )
    assert [cell["status"] for cell in body["cells"]] == ["changed", "invalid", "unchanged"]
    assert body["cells"][1]["errors"] and body["cells"][1]["entry"] is None
    # A day outside the week, a project of nobody: 422 naming the cell.
    response = api.post(
        "finance/time-entries/week",
        {
            "person": person.pk,
            "week": "2025-03-03",
            "cells": [
                {"project": project.pk, "date": "2025-03-10", "hours": 1},
                {"project": 987654321, "date": "2025-03-04", "hours": 1},
            ],
        },
    )
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [
        ["body", "cells", 0, "date"],
        ["body", "cells", 1, "project"],
    ]


# --- ledger --------------------------------------------------------------------------------------


def test_ledger_lines_are_read_with_their_allocations(api, workspace, project, agreement):
    line = LedgerLineFactory(
        workspace=workspace,
        account_number="6226",
        category="62",
        debit=D("1000"),
        label="Honoraires",
    )
    LedgerAllocationFactory(workspace=workspace, line=line, project=project, share=50)
    LedgerLineFactory(workspace=workspace, account_number="512", category="", debit=D("10"))
    body = ok(api.get(f"finance/ledger-lines/{line.pk}"))
    assert (body["debit"], body["credit"], body["amount"]) == ("1000.00", "0.00", "1000.00")
    assert [(a["project"], a["share"], a["by_hand"]) for a in body["allocations"]] == [
        (project.pk, "50.00", True)
    ]
    assert ok(api.get("finance/ledger-lines", category="none"))["count"] == 1
    assert ok(api.get("finance/ledger-lines", assigned="true"))["items"][0]["id"] == line.pk
    assert ok(api.get("finance/ledger-lines", project=project.pk))["count"] == 1
    assert ok(api.get("finance/ledger-lines", q="honor"))["count"] == 1
    assert ok(api.get("finance/ledger-lines", account="62", year=2025))["count"] == 1
    assert ok(api.get("finance/ledger-lines", **{"from": "2026-01-01"}))["count"] == 0
    # Read only: no write operation exists.
    assert api.patch(f"finance/ledger-lines/{line.pk}", {"version": 1}).status_code == 405


def test_allocations_by_hand_round_trip(api, workspace, project, agreement):
    line = LedgerLineFactory(workspace=workspace)
    body = round_trip(
        api,
        "finance/ledger-allocations",
        {"line": line.pk, "project": project.pk, "share": "60"},
        {"agreement": agreement.pk, "share": "40.00"},
        replace={"project": project.pk, "share": "100.00"},
    )
    assert body["by_hand"] is True and body["rule"] is None
    elsewhere = ProjectFactory(workspace=workspace)
    found = errors(
        api.post(
            "finance/ledger-allocations",
            {"line": line.pk, "project": elsewhere.pk, "agreement": agreement.pk},
        )
    )
    assert found == {"agreement": "This agreement does not fund this project."}


def test_assignment_rules_round_trip_and_apply(api, workspace, project):
    round_trip(
        api,
        "finance/assignment-rules",
        {"project": project.pk, "account_prefix": "606"},
        {"label_contains": "JARDINS"},
        replace={"project": project.pk, "journal_code": "AC"},
    )
    found = errors(api.post("finance/assignment-rules", {"project": project.pk}))
    assert list(found) == ["body"]  # a rule needs at least one criterion
    first = created(
        api.post(
            "finance/assignment-rules", {"project": project.pk, "account_prefix": "60", "share": 50}
        )
    )
    LedgerLineFactory(workspace=workspace, account_number="6063", category="60")
    LedgerLineFactory(workspace=workspace, account_number="6226", category="62")
    by_hand = LedgerLineFactory(workspace=workspace, account_number="6064", category="60")
    LedgerAllocationFactory(workspace=workspace, line=by_hand, project=project)
    result = ok(api.post("finance/assignment-rules/apply", {}))
    assert (result["assigned"], result["unassigned"], result["by_hand"]) == (1, 1, 1)
    assert "1 line assigned by the rules." in result["message"]
    rule = ok(api.get(f"finance/assignment-rules/{first['id']}"))
    assert rule["allocation_count"] == 1 and rule["position"] >= 1
    allocations = ok(api.get("finance/ledger-allocations", by_hand="false"))["items"]
    assert [(a["rule"], a["share"]) for a in allocations] == [(first["id"], "50.00")]
    found = errors(api.post("finance/assignment-rules/apply", {"lines": [987654321]}))
    assert list(found) == ["lines"]


def test_account_mappings_recategorise_the_ledger(api, workspace):
    line = LedgerLineFactory(workspace=workspace, account_number="6211", category="62")
    body = round_trip(
        api,
        "finance/account-mappings",
        {"prefix": "621", "category": "64"},
        {"prefix": "6211"},
        replace={"prefix": "62", "category": "64"},
    )
    assert body["category"] == "64"
    with scopes_disabled():
        assert LedgerLine.objects.get(pk=line.pk).category == "62"  # deleted: back to 62
    created(api.post("finance/account-mappings", {"prefix": "621", "category": "64"}))
    with scopes_disabled():
        assert LedgerLine.objects.get(pk=line.pk).category == "64"
    assert list(
        errors(api.post("finance/account-mappings", {"prefix": "621", "category": "64"}))
    ) in (
        ["body"],
        ["prefix"],
    )
    assert list(
        errors(api.post("finance/account-mappings", {"prefix": "6x", "category": "64"}))
    ) == ["prefix"]


# --- validation, conflicts, references -----------------------------------------------------------


def test_invalid_data_is_a_422_naming_the_field(api, workspace, other_workspace, project, region):
    foreign = ProjectFactory(workspace=other_workspace)
    found = errors(
        api.post(
            "finance/budget-lines",
            {"project": foreign.pk, "year": 2025, "category": "60", "amount": 1},
        )
    )
    assert found == {"project": f"Unknown id in this workspace: {foreign.pk}"}
    found = errors(
        api.post(
            "finance/budget-lines",
            {"project": project.pk, "year": 2030, "category": "60", "amount": "1.234"},
        )
    )
    assert list(found) == ["amount"]  # the schema's check comes first
    found = errors(
        api.post(
            "finance/budget-lines",
            {"project": project.pk, "year": 2030, "category": "60", "amount": 1},
        )
    )
    assert found == {"year": "The project runs from 2025 to 2026."}
    assert list(
        errors(
            api.post(
                "finance/budget-lines",
                {"project": project.pk, "year": 2025, "category": "74", "amount": 1},
            )
        )
    ) == ["funder"]
    found = errors(
        api.post(
            "finance/projects",
            {"code": "JARDINS", "name": "X", "start_date": "2025-01-01", "end_date": "2024-01-01"},
        )
    )
    assert list(found) == ["code"]
    found = errors(
        api.post(
            "finance/projects",
            {"code": "NEW", "name": "X", "start_date": "2025-01-01", "end_date": "2024-01-01"},
        )
    )
    assert list(found) == ["end_date"]
    found = errors(
        api.post(
            "finance/projects",
            {
                "code": "NEW",
                "name": "X",
                "start_date": "2025-01-01",
                "end_date": "2025-12-31",
                "manager": "nobody@example.org",
            },
        )
    )
    assert list(found) == ["manager"]
    found = errors(api.patch(f"finance/projects/{project.pk}", {"version": 1, "name": None}))
    assert found == {"name": "This field cannot be null."}
    foreign_indicator = IndicatorFactory(workspace=other_workspace)
    response = api.post(
        "finance/agreements",
        {
            "reference": "X-1",
            "title": "X",
            "funder": region.pk,
            "projects": [project.pk],
            "amount_granted": 10,
            "start_date": "2025-01-01",
            "end_date": "2025-12-31",
            "eligible_categories": ["70"],
        },
    )
    # The schema knows the charge classes: the path names the field and the item.
    assert [e["loc"] for e in response.json()["detail"]] == [
        ["body", "payload", "eligible_categories", 0]
    ]
    found = errors(
        api.post(
            "finance/agreements",
            {
                "reference": "X-1",
                "title": "X",
                "funder": region.pk,
                "projects": [project.pk, foreign.pk],
                "amount_granted": 10,
                "start_date": "2025-01-01",
                "end_date": "2025-12-31",
                "required_indicators": [foreign_indicator.pk],
            },
        )
    )
    assert found == {
        "projects": f"Unknown id in this workspace: {foreign.pk}",
        "required_indicators": f"Unknown id in this workspace: {foreign_indicator.pk}",
    }
    # A foreign id in a filter is a 422 on the query parameter.
    response = api.get("finance/budget-lines", project=foreign.pk)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "project"]
    with scopes_disabled():
        assert not BudgetLine.objects.filter(workspace=workspace).exists()


def test_a_foreign_id_in_the_path_is_a_404(api, other_workspace):
    foreign = FundingAgreementFactory(workspace=other_workspace)
    with scopes_disabled():
        foreign_project = foreign.projects.first()
    for path in (
        f"finance/agreements/{foreign.pk}",
        f"finance/agreements/{foreign.pk}/report",
        f"finance/projects/{foreign_project.pk}/actuals",
        f"finance/funders/{foreign.funder_id}",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    response = api.patch(f"finance/agreements/{foreign.pk}", {"version": 1, "title": "Pris"})
    assert response.status_code == 404
    with scopes_disabled():
        assert FundingAgreement.objects.get(pk=foreign.pk).title != "Pris"


def test_a_stale_version_is_a_409_and_nothing_is_written(api, project, region):
    path = f"finance/projects/{project.pk}"
    assert ok(api.patch(path, {"version": 1, "name": "Premier"}))["version"] == 2
    response = api.patch(path, {"version": 1, "name": "Second"})
    assert response.status_code == 409 and response.json()["code"] == "conflict"
    response = api.put(
        path,
        {
            "version": 1,
            "code": "X",
            "name": "Y",
            "start_date": "2025-01-01",
            "end_date": "2025-12-31",
        },
    )
    assert response.status_code == 409
    assert api.delete(f"{path}?version=1").status_code == 409
    assert ok(api.get(path))["name"] == "Premier"
    funder = f"finance/funders/{region.pk}"
    assert api.patch(funder, {"version": 5, "name": "Z"}).status_code == 409


def test_deleting_what_is_in_use_is_a_422(api, workspace, agreement, project, region):
    TimeEntryFactory(workspace=workspace, project=project, agreement=agreement)
    response = api.delete(f"finance/agreements/{agreement.pk}")
    assert list(errors(response)) == ["body"]
    assert "cannot be deleted" in response.json()["detail"][0]["msg"]
    assert list(errors(api.delete(f"finance/projects/{project.pk}"))) == ["body"]
    assert list(errors(api.delete(f"finance/funders/{region.pk}"))) == ["body"]


def test_writes_are_audited_with_the_api_token(api, workspace, member):
    created(
        api.post("finance/funders", {"name": "CAF", "source": "public", "level": "social_bodies"})
    )
    with scopes_disabled():
        event = AuditEvent.objects.filter(workspace=workspace, action="create").latest("pk")
    assert event.user == member.user and "CAF" in event.object_repr


# --- roles ---------------------------------------------------------------------------------------


def test_guests_read_everything_and_write_nothing(guest_api, workspace, agreement, project):
    for path in (
        "finance/projects",
        "finance/budget-lines",
        "finance/funders",
        "finance/resources",
        "finance/agreements",
        "finance/funding-keys",
        "finance/instalments",
        "finance/deadlines",
        "finance/people",
        "finance/contracts",
        "finance/time-entries",
        "finance/ledger-lines",
        "finance/ledger-allocations",
        "finance/assignment-rules",
        "finance/account-mappings",
        "finance/checks",
        f"finance/agreements/{agreement.pk}/report",
        f"finance/projects/{project.pk}/actuals",
    ):
        assert guest_api.get(path).status_code == 200, path
    for method, path, data in (
        ("post", "finance/funders", {"name": "X", "source": "public"}),
        ("patch", f"finance/projects/{project.pk}", {"version": 1, "name": "X"}),
        ("post", "finance/assignment-rules/apply", {}),
        ("post", "finance/time-entries/week", {"person": 1, "week": "2025-03-03", "cells": []}),
    ):
        response = guest_api.send(method, path, data)
        assert response.status_code == 403, path
        assert response.json()["required_role"] == "member"
    assert guest_api.delete(f"finance/agreements/{agreement.pk}").status_code == 403
    with scopes_disabled():
        assert Project.objects.get(pk=project.pk).version == 1


# --- reads: the report, the checks, the actuals --------------------------------------------------


def _line(lines, key):
    return next(line for line in lines if line["key"] == key)


def test_the_funder_report_of_the_golden_case(payroll, api, workspace):
    case = golden.build(workspace)
    report = ok(payroll.get(f"finance/agreements/{case['region'].pk}/report"))
    assert report["salaries_shown"] is True
    assert report["agreement"]["reference"] == "REGION-25"
    assert {line["key"]: line["actual"] for line in report["charges"]} == {
        "60": "500.00",
        "61": "0.00",
        "62": "500.00",
        "63": "0.00",
        "64": "480.95",
        "65": "0.00",
        "66": "0.00",
        "67": "0.00",
        "68": "300.00",
        "indirect": "72.14",
    }
    assert report["charges_total"]["actual"] == "1853.09"
    assert report["in_kind_use"]["actual"] == "60.00"
    products = {line["key"]: line["actual"] for line in report["products"]}
    assert products["74:region"] == "574.35"  # what the Region is charged for the period
    assert products["74:private"] == "365.63"
    assert products["70"] == "2000.00"
    totals = report["totals"]
    assert (totals["eligible"], totals["charged"], totals["claimable"]) == (
        "1553.09",
        "574.35",
        "574.35",
    )
    for line in [*report["charges"], *report["products"], report["charges_total"]]:
        assert {
            "key",
            "label",
            "planned",
            "actual",
            "ratio",
            "explanation",
            "needs_explanation",
        } <= set(line)
        assert isinstance(line["planned"], str) and isinstance(line["actual"], str)
    staff = _line(report["charges"], "64")
    assert [(i["label"], i["hours"], i["rate"], i["amount"]) for i in staff["items"]] == [
        ("Alice Martin", "14.50", "26.14", "379.03"),
        ("Bob Petit", "3.25", "31.36", "101.92"),
    ]
    assert sum(D(i["amount"]) for i in _line(report["charges"], "60")["items"]) == D("500.00")
    assert report["funding_plan"]["rows"]
    for row in report["funding_plan"]["rows"]:
        parts = D(row["this"]) + D(row["own"]) + sum(D(v) for v in row["others"].values())
        assert parts == D(row["total"])
    assert isinstance(report["findings"], list)
    # Without the permission to see salaries: the same totals, no rate nor amount per person.
    hidden = ok(api.get(f"finance/agreements/{case['region'].pk}/report"))
    assert hidden["salaries_shown"] is False
    staff = _line(hidden["charges"], "64")
    assert staff["actual"] == "480.95"
    assert [(i["hours"], i["rate"], i["amount"]) for i in staff["items"]] == [
        ("14.50", None, None),
        ("3.25", None, None),
    ]
    assert hidden["totals"] == report["totals"]


def test_the_checks_by_family_with_amounts_as_strings(api, workspace):
    case = golden.build(workspace)
    body = ok(api.get("finance/checks"))
    assert [family["key"] for family in body["families"]] == [
        "double_funding",
        "public_funding",
        "eligibility",
        "hours",
        "instalments",
    ]
    assert body["count"] == sum(family["count"] for family in body["families"])
    assert isinstance(body["amount"], str)
    # A ledger line charged 150 %: double funding, 50 % of 500 € at stake.
    line = case["lines"]["6063"]
    LedgerAllocationFactory(workspace=workspace, line=line, project=case["project"], share=50)
    body = ok(api.get("finance/checks"))
    double = body["families"][0]
    assert double["count"] >= 1
    finding = next(f for f in double["findings"] if f["kind"] == "line_over_allocated")
    assert finding["amount"] == "250.00" and isinstance(double["amount"], str)
    assert finding["items"] and set(finding) >= {"message", "agreements", "projects", "person"}


def test_the_actuals_of_a_project_by_year_and_category(api, workspace):
    case = golden.build(workspace)
    with scopes_disabled():
        BudgetLine.objects.create(
            workspace=workspace, project=case["project"], year=2025, category="60", amount=400
        )
    body = ok(api.get(f"finance/projects/{case['project'].pk}/actuals"))
    assert body["years"] == [2025]
    rows = {(row["year"], row["category"]): row for row in body["rows"]}
    assert (rows[(2025, "60")]["planned"], rows[(2025, "60")]["actual"]) == ("400.00", "500.00")
    assert rows[(2025, "60")]["variance"] == "100.00"
    assert rows[(2025, "64")]["actual"] == "480.95"  # Alice 379.03 + Bob 101.92
    assert rows[(2025, "86")]["actual"] == rows[(2025, "87")]["actual"] == "60.00"
    assert rows[(2025, "70")]["side"] == "product" and rows[(2025, "70")]["actual"] == "2000.00"
    assert [row["category"] for row in body["rows"]] == ["60", "62", "64", "68", "86", "70", "87"]


# --- query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "finance/projects",
        "finance/agreements",
        "finance/funders",
        "finance/ledger-lines",
        "finance/contracts",
        "finance/time-entries",
        "finance/assignment-rules",
    ],
)
def test_lists_take_a_constant_number_of_queries(payroll, workspace, path):
    def build():
        project = ProjectFactory(workspace=workspace)
        agreement = FundingAgreementFactory(workspace=workspace, projects=[project])
        line = LedgerLineFactory(workspace=workspace)
        LedgerAllocationFactory(
            workspace=workspace, line=line, project=project, agreement=agreement
        )
        contract = ContractFactory(workspace=workspace)
        TimeEntryFactory(workspace=workspace, person=contract.person, project=project)
        AssignmentRuleFactory(workspace=workspace, project=project, agreement=agreement)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert payroll.get(path).status_code == 200
        return len(queries)

    build()
    count()  # the first call records the token's use
    few = count()
    for _ in range(4):
        build()
    assert count() == few
