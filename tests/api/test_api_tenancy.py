"""Workspaces never leak through the API: every operation, with a token of workspace B, against A.

Like tests/test_tenancy.py for pages, the test walks what exists: every Django route of the API
must be an operation of the OpenAPI schema or be listed in GLOBAL_ROUTES with a reason; every
operation must live under /api/v1/w/{slug}/, declare its minimum role, require the bearer
token, and say in OPERATION_OBJECTS how to find an object of workspace A for each other path
argument. A new operation that is not declared fails the test, so it is covered by construction.
"""

import re

import pytest
from django.apps import apps
from django.test import Client
from django_scopes import scopes_disabled

from maillage.api.api import api
from maillage.workspaces.models import Membership, Role
from tests.api.helpers import bearer, make_token
from tests.factories import (
    AccountMappingFactory,
    ActorFactory,
    AssignmentRuleFactory,
    BudgetLineFactory,
    ContractFactory,
    FunderFactory,
    FundingAgreementFactory,
    FundingKeyFactory,
    InstalmentFactory,
    LedgerAllocationFactory,
    LedgerLineFactory,
    MeasurementFactory,
    MembershipFactory,
    PersonFactory,
    ProjectFactory,
    RelationFactory,
    ReportingDeadlineFactory,
    ResourceFactory,
    TargetFactory,
    TimeEntryFactory,
    WorkspaceFactory,
)
from tests.routes import walk
from tests.test_tenancy import _diagnostic_objects, partnership_objects

API_PREFIX = "/api/v1"

# API routes that are not workspace operations, with the reason they cannot leak a workspace.
GLOBAL_ROUTES = {
    "api:openapi-json": "the schema: public, no data",
    "api:openapi-view": "the documentation page: public, no data",
    "api:api-root": "ninja's root: public, no data",
    "api:unknown": "fallback for unknown paths: always the JSON 404",
}

# For each operation (by operationId): its path arguments other than slug, from `_objects`.
OPERATION_OBJECTS = {
    "list_members": {},
    # Ecosystem (maillage/api/ecosystem.py)
    "list_actors": {},
    "create_actor": {},
    "get_actor": {"actor_id": "actor"},
    "replace_actor": {"actor_id": "actor"},
    "update_actor": {"actor_id": "actor"},
    "delete_actor": {"actor_id": "actor"},
    "list_relations": {},
    "create_relation": {},
    "get_relation": {"relation_id": "relation"},
    "replace_relation": {"relation_id": "relation"},
    "update_relation": {"relation_id": "relation"},
    "delete_relation": {"relation_id": "relation"},
    "list_themes": {},
    "list_audiences": {},
    "list_relation_types": {},
    "get_matrix_profile": {},
    "get_matrix_profile_detailed": {},
    "get_matrix_mission": {},
    # Impact (maillage/api/impact.py)
    "list_indicators": {},
    "create_indicator": {},
    "get_indicator": {"indicator_id": "indicator"},
    "replace_indicator": {"indicator_id": "indicator"},
    "update_indicator": {"indicator_id": "indicator"},
    "delete_indicator": {"indicator_id": "indicator"},
    "list_indicator_subjects": {"indicator_id": "indicator"},
    "add_indicator_subject": {"indicator_id": "indicator"},
    "remove_indicator_subject": {"indicator_id": "indicator", "tracked_id": "tracked"},
    "get_indicator_series": {"indicator_id": "indicator"},
    "list_targets": {},
    "set_target": {},
    "get_target": {"target_id": "target"},
    "update_target": {"target_id": "target"},
    "delete_target": {"target_id": "target"},
    "list_measurements": {},
    "create_measurement": {},
    "get_measurement": {"measurement_id": "measurement"},
    "update_measurement": {"measurement_id": "measurement"},
    "delete_measurement": {"measurement_id": "measurement"},
    "list_breakdown_dimensions": {},
    "list_sdg_targets": {},
    # Finance (maillage/api/finance.py)
    "list_projects": {},
    "create_project": {},
    "get_project": {"project_id": "finance_project"},
    "replace_project": {"project_id": "finance_project"},
    "update_project": {"project_id": "finance_project"},
    "delete_project": {"project_id": "finance_project"},
    "get_project_actuals": {"project_id": "finance_project"},
    "list_budget_lines": {},
    "create_budget_line": {},
    "get_budget_line": {"budget_line_id": "finance_budget_line"},
    "replace_budget_line": {"budget_line_id": "finance_budget_line"},
    "update_budget_line": {"budget_line_id": "finance_budget_line"},
    "delete_budget_line": {"budget_line_id": "finance_budget_line"},
    "list_funders": {},
    "create_funder": {},
    "get_funder": {"funder_id": "finance_funder"},
    "replace_funder": {"funder_id": "finance_funder"},
    "update_funder": {"funder_id": "finance_funder"},
    "delete_funder": {"funder_id": "finance_funder"},
    "list_resources": {},
    "create_resource": {},
    "get_resource": {"resource_id": "finance_resource"},
    "replace_resource": {"resource_id": "finance_resource"},
    "update_resource": {"resource_id": "finance_resource"},
    "delete_resource": {"resource_id": "finance_resource"},
    "list_agreements": {},
    "create_agreement": {},
    "get_agreement": {"agreement_id": "finance_agreement"},
    "replace_agreement": {"agreement_id": "finance_agreement"},
    "update_agreement": {"agreement_id": "finance_agreement"},
    "delete_agreement": {"agreement_id": "finance_agreement"},
    "get_agreement_report": {"agreement_id": "finance_agreement"},
    "list_funding_keys": {},
    "create_funding_key": {},
    "get_funding_key": {"key_id": "finance_funding_key"},
    "replace_funding_key": {"key_id": "finance_funding_key"},
    "update_funding_key": {"key_id": "finance_funding_key"},
    "delete_funding_key": {"key_id": "finance_funding_key"},
    "list_instalments": {},
    "create_instalment": {},
    "get_instalment": {"instalment_id": "finance_instalment"},
    "replace_instalment": {"instalment_id": "finance_instalment"},
    "update_instalment": {"instalment_id": "finance_instalment"},
    "delete_instalment": {"instalment_id": "finance_instalment"},
    "list_deadlines": {},
    "create_deadline": {},
    "get_deadline": {"deadline_id": "finance_deadline"},
    "replace_deadline": {"deadline_id": "finance_deadline"},
    "update_deadline": {"deadline_id": "finance_deadline"},
    "delete_deadline": {"deadline_id": "finance_deadline"},
    "list_people": {},
    "create_person": {},
    "get_person": {"person_id": "finance_person"},
    "replace_person": {"person_id": "finance_person"},
    "update_person": {"person_id": "finance_person"},
    "list_contracts": {},
    "create_contract": {},
    "get_contract": {"contract_id": "finance_contract"},
    "replace_contract": {"contract_id": "finance_contract"},
    "update_contract": {"contract_id": "finance_contract"},
    "delete_contract": {"contract_id": "finance_contract"},
    "list_time_entries": {},
    "create_time_entry": {},
    "get_time_entry": {"time_entry_id": "finance_time_entry"},
    "replace_time_entry": {"time_entry_id": "finance_time_entry"},
    "update_time_entry": {"time_entry_id": "finance_time_entry"},
    "delete_time_entry": {"time_entry_id": "finance_time_entry"},
    "save_time_week": {},
    "list_ledger_lines": {},
    "get_ledger_line": {"line_id": "finance_ledger_line"},
    "list_ledger_allocations": {},
    "create_ledger_allocation": {},
    "get_ledger_allocation": {"allocation_id": "finance_ledger_allocation"},
    "replace_ledger_allocation": {"allocation_id": "finance_ledger_allocation"},
    "update_ledger_allocation": {"allocation_id": "finance_ledger_allocation"},
    "delete_ledger_allocation": {"allocation_id": "finance_ledger_allocation"},
    "list_assignment_rules": {},
    "create_assignment_rule": {},
    "apply_assignment_rules": {},
    "get_assignment_rule": {"rule_id": "finance_rule"},
    "replace_assignment_rule": {"rule_id": "finance_rule"},
    "update_assignment_rule": {"rule_id": "finance_rule"},
    "delete_assignment_rule": {"rule_id": "finance_rule"},
    "list_account_mappings": {},
    "create_account_mapping": {},
    "get_account_mapping": {"mapping_id": "finance_mapping"},
    "replace_account_mapping": {"mapping_id": "finance_mapping"},
    "update_account_mapping": {"mapping_id": "finance_mapping"},
    "delete_account_mapping": {"mapping_id": "finance_mapping"},
    "get_finance_checks": {},
    # Partnerships (maillage/api/partnerships.py)
    "list_partnership_kinds": {},
    "list_partnership_members": {"partnership_id": "partnership"},
    "create_partnership_member": {"partnership_id": "partnership"},
    "get_partnership_member": {"partnership_member_id": "partnership_member"},
    "replace_partnership_member": {"partnership_member_id": "partnership_member"},
    "update_partnership_member": {"partnership_member_id": "partnership_member"},
    "delete_partnership_member": {"partnership_member_id": "partnership_member"},
    "list_partnership_guests": {"partnership_id": "partnership"},
    "create_partnership_guest": {"partnership_id": "partnership"},
    "get_partnership_guest": {"partnership_guest_id": "partnership_guest"},
    "replace_partnership_guest": {"partnership_guest_id": "partnership_guest"},
    "update_partnership_guest": {"partnership_guest_id": "partnership_guest"},
    "delete_partnership_guest": {"partnership_guest_id": "partnership_guest"},
    "list_canvas_entries": {"partnership_id": "partnership"},
    "create_canvas_entry": {"partnership_id": "partnership"},
    "get_canvas_entry": {"canvas_entry_id": "canvas_entry"},
    "replace_canvas_entry": {"canvas_entry_id": "canvas_entry"},
    "update_canvas_entry": {"canvas_entry_id": "canvas_entry"},
    "delete_canvas_entry": {"canvas_entry_id": "canvas_entry"},
    "list_fit_expectations": {"partnership_id": "partnership"},
    "create_fit_expectation": {"partnership_id": "partnership"},
    "get_fit_expectation": {"fit_expectation_id": "fit_expectation"},
    "replace_fit_expectation": {"fit_expectation_id": "fit_expectation"},
    "update_fit_expectation": {"fit_expectation_id": "fit_expectation"},
    "delete_fit_expectation": {"fit_expectation_id": "fit_expectation"},
    "list_work_axes": {"partnership_id": "partnership"},
    "create_work_axis": {"partnership_id": "partnership"},
    "get_work_axis": {"work_axis_id": "work_axis"},
    "replace_work_axis": {"work_axis_id": "work_axis"},
    "update_work_axis": {"work_axis_id": "work_axis"},
    "delete_work_axis": {"work_axis_id": "work_axis"},
    "list_axis_results": {"axis_id": "work_axis"},
    "create_axis_result": {"axis_id": "work_axis"},
    "get_axis_result": {"axis_result_id": "axis_result"},
    "replace_axis_result": {"axis_result_id": "axis_result"},
    "update_axis_result": {"axis_result_id": "axis_result"},
    "delete_axis_result": {"axis_result_id": "axis_result"},
    "list_milestones": {"partnership_id": "partnership"},
    "create_milestone": {"partnership_id": "partnership"},
    "get_milestone": {"milestone_id": "milestone"},
    "replace_milestone": {"milestone_id": "milestone"},
    "update_milestone": {"milestone_id": "milestone"},
    "delete_milestone": {"milestone_id": "milestone"},
    "list_rituals": {"partnership_id": "partnership"},
    "create_ritual": {"partnership_id": "partnership"},
    "get_ritual": {"ritual_id": "ritual"},
    "replace_ritual": {"ritual_id": "ritual"},
    "update_ritual": {"ritual_id": "ritual"},
    "delete_ritual": {"ritual_id": "ritual"},
    "list_governance_roles": {"partnership_id": "partnership"},
    "create_governance_role": {"partnership_id": "partnership"},
    "get_governance_role": {"governance_role_id": "governance_role"},
    "replace_governance_role": {"governance_role_id": "governance_role"},
    "update_governance_role": {"governance_role_id": "governance_role"},
    "delete_governance_role": {"governance_role_id": "governance_role"},
    "list_meetings": {"partnership_id": "partnership"},
    "create_meeting": {"partnership_id": "partnership"},
    "get_meeting": {"meeting_id": "meeting"},
    "replace_meeting": {"meeting_id": "meeting"},
    "update_meeting": {"meeting_id": "meeting"},
    "delete_meeting": {"meeting_id": "meeting"},
    "list_meeting_decisions": {"meeting_id": "meeting"},
    "create_meeting_decision": {"meeting_id": "meeting"},
    "get_meeting_decision": {"meeting_decision_id": "meeting_decision"},
    "replace_meeting_decision": {"meeting_decision_id": "meeting_decision"},
    "update_meeting_decision": {"meeting_decision_id": "meeting_decision"},
    "delete_meeting_decision": {"meeting_decision_id": "meeting_decision"},
    "list_action_items": {"partnership_id": "partnership"},
    "create_action_item": {"partnership_id": "partnership"},
    "get_action_item": {"action_item_id": "action_item"},
    "replace_action_item": {"action_item_id": "action_item"},
    "update_action_item": {"action_item_id": "action_item"},
    "delete_action_item": {"action_item_id": "action_item"},
    "list_risks": {"partnership_id": "partnership"},
    "create_risk": {"partnership_id": "partnership"},
    "get_risk": {"risk_id": "risk"},
    "replace_risk": {"risk_id": "risk"},
    "update_risk": {"risk_id": "risk"},
    "delete_risk": {"risk_id": "risk"},
    "list_evaluations": {"partnership_id": "partnership"},
    "create_evaluation": {"partnership_id": "partnership"},
    "get_evaluation": {"evaluation_id": "evaluation"},
    "replace_evaluation": {"evaluation_id": "evaluation"},
    "update_evaluation": {"evaluation_id": "evaluation"},
    "delete_evaluation": {"evaluation_id": "evaluation"},
    "list_evaluation_scores": {"evaluation_id": "evaluation"},
    "create_evaluation_score": {"evaluation_id": "evaluation"},
    "get_evaluation_score": {"evaluation_score_id": "evaluation_score"},
    "replace_evaluation_score": {"evaluation_score_id": "evaluation_score"},
    "update_evaluation_score": {"evaluation_score_id": "evaluation_score"},
    "delete_evaluation_score": {"evaluation_score_id": "evaluation_score"},
    "list_checklist_reviews": {"partnership_id": "partnership"},
    "create_checklist_review": {"partnership_id": "partnership"},
    "get_checklist_review": {"review_id": "checklist_review"},
    "replace_checklist_review": {"review_id": "checklist_review"},
    "update_checklist_review": {"review_id": "checklist_review"},
    "delete_checklist_review": {"review_id": "checklist_review"},
    "list_gate_decisions": {"partnership_id": "partnership"},
    "create_gate_decision": {"partnership_id": "partnership"},
    "get_gate_decision": {"decision_id": "gate_decision"},
    "get_experiment_plan": {"partnership_id": "partnership"},
    "replace_experiment_plan": {"partnership_id": "partnership"},
    "get_masterplan": {"partnership_id": "partnership"},
    "replace_masterplan": {"partnership_id": "partnership"},
    "list_partnerships": {},
    "create_partnership": {},
    "get_partnership": {"partnership_id": "partnership"},
    "replace_partnership": {"partnership_id": "partnership"},
    "update_partnership": {"partnership_id": "partnership"},
    "delete_partnership": {"partnership_id": "partnership"},
}


# Diagnostics (maillage/api/diagnostics.py): every resource's list/create under its parent and
# get/replace/update/delete by its own id (keys of tests/test_tenancy.py `_diagnostic_objects`).
_DIAGNOSTIC_RESOURCES = {
    # resource: (its parent's path argument, the parent's object key, its list operation)
    "dimension": ("engagement_id", "engagement", "list_dimensions"),
    "engagement_organisation": ("engagement_id", "engagement", "list_engagement_organisations"),
    "committee_member": ("engagement_id", "engagement", "list_committee_members"),
    "engagement_milestone": ("engagement_id", "engagement", "list_engagement_milestones"),
    "time_spent": ("engagement_id", "engagement", "list_time_spent_entries"),
    "stakeholder": ("engagement_id", "engagement", "list_stakeholders"),
    "guide_question": ("engagement_id", "engagement", "list_guide_questions"),
    "interview": ("engagement_id", "engagement", "list_interviews"),
    "reviewed_document": ("engagement_id", "engagement", "list_reviewed_documents"),
    "finding": ("engagement_id", "engagement", "list_findings"),
    "finding_source": ("finding_id", "finding", "list_finding_sources"),
    "swot_item": ("engagement_id", "engagement", "list_swot_items"),
    "questionnaire": ("engagement_id", "engagement", "list_questionnaires"),
    "questionnaire_item": ("questionnaire_id", "questionnaire", "list_questionnaire_items"),
    "questionnaire_invitation": (
        "questionnaire_id",
        "questionnaire",
        "list_questionnaire_invitations",
    ),
    "scenario": ("engagement_id", "engagement", "list_scenarios"),
    "criterion": ("engagement_id", "engagement", "list_criteria"),
    "scenario_score": ("scenario_id", "scenario", "list_scenario_scores"),
    "recommendation": ("engagement_id", "engagement", "list_recommendations"),
    "plan_action": ("engagement_id", "engagement", "list_plan_actions"),
    "action_update": ("plan_action_id", "plan_action", "list_action_updates"),
    "committee_meeting": ("engagement_id", "engagement", "list_committee_meetings"),
    "committee_outcome": ("committee_meeting_id", "committee_meeting", "list_committee_outcomes"),
    "committee_action_item": (
        "committee_meeting_id",
        "committee_meeting",
        "list_committee_action_items",
    ),
}
_READ_ONLY = {"questionnaire_invitation"}
_NO_UPDATE = {"engagement_organisation", "action_update"}
for _key, (_arg, _parent, _list) in _DIAGNOSTIC_RESOURCES.items():
    OPERATION_OBJECTS[_list] = {_arg: _parent}
    OPERATION_OBJECTS[f"get_{_key}"] = {f"{_key}_id": _key}
    if _key in _READ_ONLY:
        continue
    OPERATION_OBJECTS[f"create_{_key}"] = {_arg: _parent}
    OPERATION_OBJECTS[f"delete_{_key}"] = {f"{_key}_id": _key}
    if _key not in _NO_UPDATE:
        OPERATION_OBJECTS[f"replace_{_key}"] = {f"{_key}_id": _key}
        OPERATION_OBJECTS[f"update_{_key}"] = {f"{_key}_id": _key}
OPERATION_OBJECTS.update(
    {
        "list_engagements": {},
        "create_engagement": {},
        "get_engagement": {"engagement_id": "engagement"},
        "replace_engagement": {"engagement_id": "engagement"},
        "update_engagement": {"engagement_id": "engagement"},
        "delete_engagement": {"engagement_id": "engagement"},
        "transition_recommendation": {"recommendation_id": "recommendation"},
    }
)


def _objects(workspace):
    with scopes_disabled():
        return {
            "membership": MembershipFactory(workspace=workspace, role=Role.MEMBER),
            "actor": ActorFactory(workspace=workspace),
            "relation": RelationFactory(workspace=workspace),
            **_impact_objects(workspace),
            **_finance_objects(workspace),
            **partnership_objects(workspace),
            **_diagnostic_objects(workspace),
        }


def _impact_objects(workspace):
    measurement = MeasurementFactory(workspace=workspace)
    return {
        "indicator": measurement.indicator,
        "tracked": measurement.tracked,
        "measurement": measurement,
        "target": TargetFactory(workspace=workspace, tracked=measurement.tracked),
    }


# Lists whose items are the rows of one model: checked against every row of A in that table
# rather than against every id of A's objects, which other tables may share by chance (on
# PostgreSQL, sequences outlive the tests' transactions). Other lists: against every id of A.
LIST_MODELS = {
    "list_members": "workspaces.Membership",
    "list_engagements": "diagnostics.Engagement",
    "list_actors": "ecosystem.Actor",
    "list_relations": "ecosystem.Relation",
    "list_themes": "ecosystem.Theme",
    "list_audiences": "ecosystem.Audience",
    "list_relation_types": "ecosystem.RelationType",
    "list_indicators": "impact.Indicator",
    "list_targets": "impact.Target",
    "list_measurements": "impact.Measurement",
    "list_breakdown_dimensions": "impact.BreakdownDimension",
    "list_projects": "finance.Project",
    "list_budget_lines": "finance.BudgetLine",
    "list_funders": "finance.Funder",
    "list_resources": "finance.Resource",
    "list_agreements": "finance.FundingAgreement",
    "list_funding_keys": "finance.FundingKey",
    "list_instalments": "finance.Instalment",
    "list_deadlines": "finance.ReportingDeadline",
    "list_people": "finance.Person",
    "list_contracts": "finance.Contract",
    "list_time_entries": "finance.TimeEntry",
    "list_ledger_lines": "finance.LedgerLine",
    "list_ledger_allocations": "finance.LedgerAllocation",
    "list_assignment_rules": "finance.AssignmentRule",
    "list_account_mappings": "finance.AccountMapping",
    "list_partnerships": "partnerships.Partnership",
    "list_partnership_kinds": "partnerships.PartnershipKind",
}


def _finance_objects(workspace):
    """One row per finance table and call, so that ids of A and B interleave table by table."""
    from maillage.finance.models import AccountMapping

    project = ProjectFactory(workspace=workspace)
    funder = FunderFactory(workspace=workspace)
    agreement = FundingAgreementFactory(workspace=workspace, funder=funder, projects=[project])
    person = PersonFactory(workspace=workspace)
    line = LedgerLineFactory(workspace=workspace)
    rule = AssignmentRuleFactory(workspace=workspace, project=project)
    prefix = str(621 + AccountMapping.objects.filter(workspace=workspace).count())
    return {
        "finance_project": project,
        "finance_budget_line": BudgetLineFactory(workspace=workspace, project=project),
        "finance_funder": funder,
        "finance_resource": ResourceFactory(
            workspace=workspace, funder=funder, kind="subsidy", project=project
        ),
        "finance_agreement": agreement,
        "finance_funding_key": FundingKeyFactory(
            workspace=workspace, agreement=agreement, project=project
        ),
        "finance_instalment": InstalmentFactory(workspace=workspace, agreement=agreement),
        "finance_deadline": ReportingDeadlineFactory(workspace=workspace, agreement=agreement),
        "finance_person": person,
        "finance_contract": ContractFactory(workspace=workspace, person=person),
        "finance_time_entry": TimeEntryFactory(workspace=workspace, person=person, project=project),
        "finance_ledger_line": line,
        "finance_ledger_allocation": LedgerAllocationFactory(
            workspace=workspace, line=line, project=project, rule=rule
        ),
        "finance_rule": rule,
        "finance_mapping": AccountMappingFactory(workspace=workspace, prefix=prefix),
    }


def _openapi_path(route: str) -> str:
    return "/" + re.sub(r"<(?:[^>:]+:)?(\w+)>", r"{\1}", route)


def _operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_api_route_is_an_operation_or_declared_global():
    paths = {path for path, _, _ in _operations()}
    routes = [(name, route) for name, route, _ in walk() if name.startswith("api:")]
    assert ("api:members", "api/v1/w/<slug>/members") in routes
    unknown = [
        f"{name}: {route}"
        for name, route in routes
        if name not in GLOBAL_ROUTES and _openapi_path(route) not in paths
    ]
    assert not unknown, "API routes the tenancy test does not know:\n" + "\n".join(unknown)


def test_every_operation_is_a_declared_workspace_operation():
    problems = []
    for path, method, operation in _operations():
        label = f"{method.upper()} {path}"
        if not path.startswith(f"{API_PREFIX}/w/{{slug}}/"):
            problems.append(f"{label}: not under /w/{{slug}}/")
        if operation.get("x-minimum-role") not in Role.values:
            problems.append(f"{label}: no @require_api_role")
        if operation.get("security") != [{"ApiTokenAuth": []}]:
            problems.append(f"{label}: not protected by the bearer token")
        if operation["operationId"] not in OPERATION_OBJECTS:
            problems.append(f"{label}: not in OPERATION_OBJECTS")
    assert not problems, "\n".join(problems)
    declared = {op["operationId"] for _, _, op in _operations()}
    assert set(OPERATION_OBJECTS) == declared, "stale entries in OPERATION_OBJECTS"


@pytest.fixture
def two_workspaces(db):
    WorkspaceFactory.create_batch(3)
    a, b = WorkspaceFactory(), WorkspaceFactory()
    objects_a = _objects(a)
    _objects(b)
    objects_a.update(_objects(a))  # ids of A and B interleave
    MembershipFactory(workspace=a, role=Role.OWNER)
    intruder = MembershipFactory(workspace=b, role=Role.OWNER)
    return a, b, objects_a, intruder


def _fill(path: str, values: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def _call(method, path, secret):
    headers = bearer(secret) if secret else {}
    if method == "get":
        return Client().get(path, headers=headers)
    return getattr(Client(), method)(
        path, data={}, content_type="application/json", headers=headers
    )


def _state(workspace):
    with scopes_disabled():
        return sorted(
            Membership.objects.filter(workspace=workspace).values_list("pk", "role", "version")
        )


def test_token_of_b_never_reaches_a(two_workspaces):
    a, b, objects_a, intruder = two_workspaces
    _, secret = make_token(intruder)
    before = _state(a)
    checked = 0
    for path, method, operation in _operations():
        args = {k: objects_a[v].pk for k, v in OPERATION_OBJECTS[operation["operationId"]].items()}
        label = f"{method.upper()} {path}"
        # A's slug: 404, with exactly the body of a workspace that does not exist.
        foreign = _call(method, _fill(path, {"slug": a.slug, **args}), secret)
        missing = _call(method, _fill(path, {"slug": "no-such-workspace", **args}), secret)
        assert foreign.status_code == 404, label
        assert foreign.content == missing.content, label
        # B's own slug with A's object ids: answered exactly like ids that do not exist.
        if args:
            with_a_ids = _call(method, _fill(path, {"slug": b.slug, **args}), secret)
            with_no_ids = _call(
                method, _fill(path, {"slug": b.slug, **dict.fromkeys(args, 987654321)}), secret
            )
            assert with_a_ids.status_code == with_no_ids.status_code, label
            assert with_a_ids.status_code in (403, 404, 422), label
        # Without a token: 401 whatever the workspace.
        assert _call(method, _fill(path, {"slug": a.slug, **args}), None).status_code == 401
        checked += 1
    assert checked == len(OPERATION_OBJECTS)
    assert _state(a) == before


def test_lists_of_b_never_contain_ids_of_a(two_workspaces):
    a, b, objects_a, intruder = two_workspaces
    _, secret = make_token(intruder)
    ids_of_a = {obj.pk for obj in objects_a.values()}
    for path, method, operation in _operations():
        if method != "get" or OPERATION_OBJECTS[operation["operationId"]]:
            continue
        model = LIST_MODELS.get(operation["operationId"])
        if model is not None:
            with scopes_disabled():
                rows = apps.get_model(model).objects.filter(workspace=a)
                forbidden = set(rows.values_list("pk", flat=True))
        else:
            forbidden = ids_of_a
        response = _call("get", _fill(path, {"slug": b.slug}) + "?limit=200", secret)
        assert response.status_code == 200, path
        body = response.json()
        if isinstance(body, dict) and "items" not in body:
            continue  # not a list (a coverage matrix: counts only, tested in its module)
        items = body["items"] if isinstance(body, dict) else body
        assert not {item["id"] for item in items} & forbidden, path
