"""Workspaces never leak: every URL pattern, as a member of workspace B, against workspace A.

The test walks the URL configuration. Each workspace route must say, in ROUTE_OBJECTS, how to
find an object of workspace A for each of its URL arguments; each route outside workspaces must
say in GLOBAL_ROUTES why it needs no workspace. A new route that is in neither makes the test
fail, so new views are covered by construction.
"""

import re

import pytest
from django.urls import resolve
from django_scopes import ScopeError, scopes_disabled

from maillage.workspaces.models import Membership, Role
from tests.api.helpers import make_token
from tests.conftest import client_for
from tests.factories import (
    ActorFactory,
    AudienceFactory,
    BreakdownCategoryFactory,
    ContactFactory,
    ImportJobFactory,
    InvitationFactory,
    MeasurementFactory,
    MembershipFactory,
    RelationFactory,
    RelationTypeFactory,
    ReportJobFactory,
    TargetFactory,
    ThemeFactory,
    WorkspaceFactory,
)
from tests.routes import walk

# Routes that do not belong to a workspace, with the reason they cannot leak one.
GLOBAL_ROUTES = {
    "home": "redirects to the user's own workspaces",
    "accounts:login": "public",
    "accounts:logout": "the user's own session",
    "accounts:password_reset": "public, answers the same for any address",
    "accounts:password_reset_done": "public",
    "accounts:password_reset_confirm": "signed token",
    "accounts:password_reset_complete": "public",
    "accounts:accept_invitation": "secret token; tested in tests/workspaces/test_invitations.py",
    "accounts:two_factor": "the user's own device",
    "accounts:two_factor_verify": "the user's own device",
    "accounts:two_factor_disable": "the user's own device",
    "accounts:profile": "the user's own profile",
    "set_language": "language cookie",
    "api_docs": "redirect to the API documentation",
    "workspaces:list": "the user's own memberships",
    "workspaces:create": "creates a new workspace owned by the user",
    "territories:communes": "public reference data (official geographic code), login required",
    "privacy:my_data": "the user's own personal data (tests/core/test_personal_data.py)",
    "privacy:download": "the user's own personal data (tests/core/test_personal_data.py)",
    "privacy:erase": "erases the user's own account (tests/core/test_personal_data.py)",
}
GLOBAL_PREFIXES = {
    "admin:": "Django admin: staff only (tested in test_admin_is_staff_only)",
    "api-1:": "the API, covered operation by operation in tests/api/test_api_tenancy.py",
    "api:": "the API, covered operation by operation in tests/api/test_api_tenancy.py",
    "catalogue:": "public catalogue, no login: published catalogues only, queries scoped to the "
    "catalogue's workspace (foreign actor = 404: tests/ecosystem/test_catalogue.py)",
    "diagnostics_public:": "secret-token pages without login (a stakeholder's questionnaire, the "
    "shared validated plan): unknown or revoked token = 404 (tests/diagnostics/test_public.py)",
}


def _objects(workspace):
    """One object of each kind in `workspace`, for the URL arguments below."""
    with scopes_disabled():
        return {
            "membership": MembershipFactory(workspace=workspace, role=Role.MEMBER),
            "invitation": InvitationFactory(workspace=workspace),
            "importjob": ImportJobFactory(workspace=workspace, status="validated"),
            "api_token": make_token(MembershipFactory(workspace=workspace))[0],
            "actor": ActorFactory(workspace=workspace),
            "actor_other": ActorFactory(workspace=workspace),
            "contact": ContactFactory(workspace=workspace),
            "relation": RelationFactory(workspace=workspace),
            "theme": ThemeFactory(workspace=workspace),
            "audience": AudienceFactory(workspace=workspace),
            "relation_type": RelationTypeFactory(workspace=workspace),
            **_impact_objects(workspace),
            **_people_time_objects(workspace),
            **_funding_objects(workspace),
            **_document_objects(workspace),
            **_ledger_objects(workspace),
            **partnership_objects(workspace),
            **_diagnostic_objects(workspace),
        }


def _impact_objects(workspace):
    measurement = MeasurementFactory(workspace=workspace, evidence_file="impact/x/proof.pdf")
    category = BreakdownCategoryFactory(workspace=workspace)
    return {
        "indicator": measurement.indicator,
        "tracked": measurement.tracked,
        "target": TargetFactory(workspace=workspace, tracked=measurement.tracked),
        "measurement": measurement,
        "dimension": category.dimension,
        "category": category,
        "report_job": ReportJobFactory(
            workspace=workspace,
            status="done",
            file="impact/x/reports/report.pdf",
            filename="rapport-impact-2025.pdf",
        ),
    }


def _people_time_objects(workspace):
    """Finance, staff and time: a person with a contract, and a month for the timesheet (URL
    arguments that are numbers, not objects, given as objects whose `pk` is the number)."""
    from types import SimpleNamespace

    from tests.factories import ContractFactory

    contract = ContractFactory(workspace=workspace)
    return {
        "person": contract.person,
        "contract": contract,
        "timesheet_year": SimpleNamespace(pk=2025),
        "timesheet_month": SimpleNamespace(pk=3),
    }


def _funding_objects(workspace):
    """Finance, projects and funding: a project with a budget line, a funder with a resource,
    an agreement with a funding key, an instalment and a reporting deadline."""
    from tests.factories import (
        BudgetLineFactory,
        FundingKeyFactory,
        InstalmentFactory,
        ReportingDeadlineFactory,
        ResourceFactory,
    )

    key = FundingKeyFactory(workspace=workspace)
    agreement = key.agreement
    return {
        "project": key.project,
        "budget_line": BudgetLineFactory(workspace=workspace, project=key.project),
        "funder": agreement.funder,
        "resource": ResourceFactory(workspace=workspace),
        "agreement": agreement,
        "funding_key": key,
        "instalment": InstalmentFactory(workspace=workspace, agreement=agreement),
        "deadline": ReportingDeadlineFactory(workspace=workspace, agreement=agreement),
    }


def _document_objects(workspace):
    """Finance documents written in the background: an EU pack, done, of someone else."""
    from tests.factories import DocumentJobFactory

    return {
        "document_job": DocumentJobFactory(
            workspace=workspace,
            status="done",
            file="finance/x/documents/pack.zip",
            filename="eu-control-pack.zip",
        )
    }


def _ledger_objects(workspace):
    """Finance, ledger: a line with an allocation, an assignment rule and an account mapping."""
    from tests.factories import (
        AccountMappingFactory,
        AssignmentRuleFactory,
        LedgerAllocationFactory,
    )

    allocation = LedgerAllocationFactory(workspace=workspace)
    return {
        "ledger_line": allocation.line,
        "ledger_allocation": allocation,
        "assignment_rule": AssignmentRuleFactory(workspace=workspace),
        "account_mapping": AccountMappingFactory(
            workspace=workspace,
            prefix=f"6{allocation.line.pk}",  # unique: _objects runs twice
        ),
    }


def partnership_objects(workspace):
    """Partnerships: one partnership with one object of each kind hanging from it (the web
    routes' and the API's tenancy tests both use it)."""
    from tests import factories as f

    partnership = f.PartnershipFactory(workspace=workspace)
    member = f.PartnershipMemberFactory(partnership=partnership)
    meeting = f.MeetingFactory(partnership=partnership)
    axis = f.WorkAxisFactory(partnership=partnership)
    evaluation = f.EvaluationFactory(partnership=partnership)
    decision = f.GateDecisionFactory(partnership=partnership)
    return {
        "partnership": partnership,
        "partnership_kind": partnership.kind,
        "partnership_member": member,
        "partnership_guest": f.PartnershipGuestFactory(partnership=partnership),
        "gate_decision": decision,
        "gate_attachment": f.GateAttachmentFactory(decision=decision),
        "canvas_entry": f.CanvasEntryFactory(member=member),
        "fit_expectation": f.FitExpectationFactory(member=member),
        "work_axis": axis,
        "axis_result": f.AxisResultFactory(axis=axis),
        "milestone": f.MilestoneFactory(partnership=partnership, axis=axis),
        "ritual": f.RitualFactory(partnership=partnership),
        "governance_role": f.GovernanceRoleFactory(partnership=partnership, member=member),
        "meeting": meeting,
        "meeting_decision": f.MeetingDecisionFactory(meeting=meeting),
        "action_item": f.ActionItemFactory(partnership=partnership, meeting=meeting),
        "risk": f.RiskFactory(partnership=partnership),
        "checklist_review": f.ChecklistReviewFactory(partnership=partnership),
        "evaluation": evaluation,
        "evaluation_score": f.EvaluationScoreFactory(evaluation=evaluation, member=member),
        "experiment_plan": f.ExperimentPlanFactory(partnership=partnership),
        "masterplan": f.MasterPlanFactory(partnership=partnership),
    }


def _diagnostic_objects(workspace):
    """Diagnostics: one engagement with one object of each kind hanging from it (each area adds
    the keys its routes need)."""
    from tests import factories as f

    engagement = f.EngagementFactory(workspace=workspace)
    dimension = f.DimensionFactory(engagement=engagement)
    interview = f.InterviewFactory(engagement=engagement)
    finding = f.FindingFactory(dimension=dimension)
    questionnaire = f.QuestionnaireFactory(engagement=engagement)
    scenario = f.ScenarioFactory(engagement=engagement)
    criterion = f.CriterionFactory(engagement=engagement)
    recommendation = f.RecommendationFactory(dimension=dimension)
    action = f.PlanActionFactory(recommendation=recommendation)
    meeting = f.CommitteeMeetingFactory(engagement=engagement)
    return {
        "engagement": engagement,
        "engagement_organisation": f.EngagementOrganisationFactory(engagement=engagement),
        "committee_member": f.CommitteeMemberFactory(engagement=engagement),
        "engagement_milestone": f.EngagementMilestoneFactory(engagement=engagement),
        "time_spent": f.TimeSpentFactory(engagement=engagement),
        "dimension": dimension,
        "stakeholder": interview.stakeholders.first(),
        "guide_question": f.InterviewQuestionFactory(dimension=dimension),
        "interview": interview,
        "reviewed_document": f.ReviewedDocumentFactory(engagement=engagement),
        "finding": finding,
        "finding_source": f.FindingSourceFactory(finding=finding, interview=interview),
        "swot_item": f.SwotItemFactory(engagement=engagement),
        "questionnaire": questionnaire,
        "questionnaire_item": f.QuestionnaireItemFactory(
            questionnaire=questionnaire, dimension=dimension
        ),
        "questionnaire_invitation": f.QuestionnaireInvitationFactory(questionnaire=questionnaire),
        "scenario": scenario,
        "criterion": criterion,
        "scenario_score": f.ScenarioScoreFactory(scenario=scenario, criterion=criterion),
        "recommendation": recommendation,
        "plan_action": action,
        "action_update": f.ActionUpdateFactory(action=action),
        "committee_meeting": meeting,
        "committee_outcome": f.CommitteeOutcomeFactory(meeting=meeting),
        "committee_action_item": f.CommitteeActionItemFactory(meeting=meeting),
    }


# For each workspace route: its URL arguments other than workspace_slug, from `_objects`.
ROUTE_OBJECTS = {
    "workspaces:dashboard": {},
    "workspaces:settings": {},
    "workspaces:archive": {},
    "workspaces:members": {},
    "workspaces:invite": {},
    "workspaces:member_edit": {"pk": "membership"},
    "workspaces:member_remove": {"pk": "membership"},
    "workspaces:invitation_revoke": {"pk": "invitation"},
    "workspaces:audit": {},
    "api_tokens:list": {},
    "api_tokens:create": {},
    "api_tokens:revoke": {"pk": "api_token"},
    "imports:list": {},
    "imports:upload": {},
    "imports:job": {"pk": "importjob"},
    "imports:progress": {"pk": "importjob"},
    "imports:commit": {"pk": "importjob"},
    "ecosystem:home": {},
    "ecosystem:actor_create": {},
    "ecosystem:actor_suggest": {},
    "ecosystem:actor": {"pk": "actor"},
    "ecosystem:actor_edit": {"pk": "actor"},
    "ecosystem:actor_verify": {"pk": "actor"},
    "ecosystem:actor_delete": {"pk": "actor"},
    "ecosystem:actor_history": {"pk": "actor"},
    "ecosystem:contact_create": {"pk": "actor"},
    "ecosystem:contact_edit": {"pk": "contact"},
    "ecosystem:relations": {},
    "ecosystem:relation_create": {},
    "ecosystem:relation_edit": {"pk": "relation"},
    "ecosystem:settings": {},
    "ecosystem:relation_type_create": {},
    "ecosystem:relation_type_edit": {"pk": "relation_type"},
    "ecosystem:theme_create": {},
    "ecosystem:theme_edit": {"pk": "theme"},
    "ecosystem:audience_create": {},
    "ecosystem:audience_edit": {"pk": "audience"},
    "ecosystem:network_heads": {},
    "ecosystem:network_head": {"pk": "actor"},
    "ecosystem:duplicates": {},
    "ecosystem:duplicate_dismiss": {"first": "actor", "second": "actor_other"},
    "ecosystem:merge": {"keep": "actor", "other": "actor_other"},
    "ecosystem:catalogue_settings": {},
    "ecosystem:catalogue_preview": {},
    "ecosystem:catalogue_preview_actor": {"pk": "actor"},
    "ecosystem:matrices": {},
    "ecosystem:matrices_xlsx": {},
    "ecosystem:graph": {},
    "ecosystem:graph_gexf": {},
    "ecosystem:graph_json": {},
    "ecosystem:map": {},
    "ecosystem:export_csv": {},
    "ecosystem:export_xlsx": {},
    "ecosystem:export_data_inclusion": {},
    "ecosystem:export_hsds": {},
    # impact: indicators, targets, measurements, breakdowns
    "impact:home": {},
    "impact:indicator_create": {},
    "impact:indicator": {"pk": "indicator"},
    "impact:indicator_breakdowns": {"pk": "indicator"},
    "impact:indicator_edit": {"pk": "indicator"},
    "impact:indicator_delete": {"pk": "indicator"},
    "impact:indicator_follow": {"pk": "indicator"},
    "impact:tracked_remove": {"pk": "tracked"},
    "impact:target_create": {"pk": "tracked"},
    "impact:target_edit": {"pk": "target"},
    "impact:measurement_create": {"pk": "tracked"},
    "impact:measurement_edit": {"pk": "measurement"},
    "impact:evidence": {"pk": "measurement"},
    "impact:dimensions": {},
    "impact:dimension_create": {},
    "impact:dimension_edit": {"pk": "dimension"},
    "impact:category_create": {"pk": "dimension"},
    "impact:category_edit": {"pk": "category"},
    # impact: exports
    "impact:export_indicators_csv": {},
    # finance: dashboard, projects and budgets, funders and resources, agreements
    "finance:home": {},
    "finance:projects": {},
    "finance:project_create": {},
    "finance:project": {"pk": "project"},
    "finance:project_edit": {"pk": "project"},
    "finance:project_delete": {"pk": "project"},
    "finance:project_budget": {"pk": "project"},
    "finance:budget_line_edit": {"pk": "budget_line"},
    "finance:funders": {},
    "finance:funder_create": {},
    "finance:funder": {"pk": "funder"},
    "finance:funder_edit": {"pk": "funder"},
    "finance:funder_delete": {"pk": "funder"},
    "finance:resources": {},
    "finance:resource_create": {},
    "finance:resource_edit": {"pk": "resource"},
    "finance:agreements": {},
    "finance:agreement_create": {},
    "finance:agreement": {"pk": "agreement"},
    "finance:agreement_edit": {"pk": "agreement"},
    "finance:agreement_delete": {"pk": "agreement"},
    "finance:funding_key_create": {"pk": "agreement"},
    "finance:funding_key_edit": {"pk": "funding_key"},
    "finance:instalment_create": {"pk": "agreement"},
    "finance:instalment_edit": {"pk": "instalment"},
    "finance:deadline_create": {"pk": "agreement"},
    "finance:deadline_edit": {"pk": "deadline"},
    "finance:deadline_submit": {"pk": "deadline"},
    # finance: staff and volunteers, contracts, settings
    "finance:people": {},
    "finance:person_create": {},
    "finance:person": {"pk": "person"},
    "finance:person_edit": {"pk": "person"},
    "finance:person_active": {"pk": "person"},
    "finance:contract_create": {"pk": "person"},
    "finance:contract_edit": {"pk": "contract"},
    "finance:contract_delete": {"pk": "contract"},
    "finance:settings": {},
    # finance: time
    "finance:time_week": {},
    "finance:time_cell": {"pk": "person"},
    "finance:timesheet_pdf": {"pk": "person", "year": "timesheet_year", "month": "timesheet_month"},
    # finance: checks
    "finance:checks": {},
    "finance:checks_export_csv": {},
    "finance:checks_export_xlsx": {},
    # finance: socio-economic model and open-data exports
    "finance:socio_economic_model": {},
    "finance:export_360giving": {},
    "finance:export_iati": {},
    # finance: the funder report (CERFA 15059)
    "finance:agreement_report": {"pk": "agreement"},
    "finance:agreement_report_explanation": {"pk": "agreement"},
    "finance:agreement_report_xlsx": {"pk": "agreement"},
    "finance:agreement_report_docx": {"pk": "agreement"},
    "finance:agreement_report_pdf": {"pk": "agreement"},
    "finance:agreement_report_json": {"pk": "agreement"},
    # finance: project P&L, funder overview, EU pack
    "finance:project_report": {"pk": "project"},
    "finance:project_report_xlsx": {"pk": "project"},
    "finance:funder_report": {"pk": "funder"},
    "finance:funder_report_xlsx": {"pk": "funder"},
    "finance:eu_pack": {"pk": "agreement"},
    "finance:eu_pack_create": {"pk": "agreement"},
    "finance:eu_pack_job": {"pk": "document_job"},
    "finance:eu_pack_job_progress": {"pk": "document_job"},
    "finance:eu_pack_job_download": {"pk": "document_job"},
    # finance: the ledger (FEC lines, allocations by hand, account mapping, assignment rules)
    "finance:ledger": {},
    "finance:ledger_export_csv": {},
    "finance:ledger_export_xlsx": {},
    "finance:ledger_line": {"pk": "ledger_line"},
    "finance:ledger_allocation_create": {"pk": "ledger_line"},
    "finance:ledger_allocation_edit": {"pk": "ledger_allocation"},
    "finance:ledger_mappings": {},
    "finance:ledger_mapping_create": {},
    "finance:ledger_mapping_edit": {"pk": "account_mapping"},
    "finance:ledger_rules": {},
    "finance:ledger_rule_create": {},
    "finance:ledger_rules_apply": {},
    "finance:ledger_rule_edit": {"pk": "assignment_rule"},
    "finance:ledger_rule_move": {"pk": "assignment_rule"},
    "impact:export_indicators_xlsx": {},
    "impact:export_targets_csv": {},
    "impact:export_targets_xlsx": {},
    "impact:export_measurements_csv": {},
    "impact:export_measurements_xlsx": {},
    # impact: SDG
    "impact:sdg": {},
    # impact: reports
    "impact:report": {},
    "impact:report_job_create": {},
    "impact:report_job": {"pk": "report_job"},
    "impact:report_job_progress": {"pk": "report_job"},
    "impact:report_job_download": {"pk": "report_job"},
    # partnerships: evaluation
    # partnerships: core (portfolio, partnership, members, guests, kinds, gates)
    "partnerships:home": {},
    "partnerships:partnership_create": {},
    "partnerships:partnership": {"pk": "partnership"},
    "partnerships:partnership_edit": {"pk": "partnership"},
    "partnerships:partnership_delete": {"pk": "partnership"},
    "partnerships:member_add": {"pk": "partnership"},
    "partnerships:member_edit": {"pk": "partnership_member"},
    "partnerships:member_remove": {"pk": "partnership_member"},
    "partnerships:guest_share": {"pk": "partnership"},
    "partnerships:guest_unshare": {"pk": "partnership_guest"},
    "partnerships:kinds": {},
    "partnerships:kind_create": {},
    "partnerships:kind_edit": {"pk": "partnership_kind"},
    "partnerships:kind_delete": {"pk": "partnership_kind"},
    "partnerships:decisions": {"pk": "partnership"},
    "partnerships:decision_create": {"pk": "partnership"},
    "partnerships:decision_attachment": {"pk": "partnership", "attachment_pk": "gate_attachment"},
    "partnerships:evaluations": {"pk": "partnership"},
    "partnerships:fit_edit": {"pk": "partnership", "member_pk": "partnership_member"},
    "partnerships:evaluation_create": {"pk": "partnership"},
    "partnerships:evaluation_edit": {"pk": "partnership", "evaluation_pk": "evaluation"},
    "partnerships:evaluation_delete": {"pk": "partnership", "evaluation_pk": "evaluation"},
    "partnerships:evaluation_scores": {
        "pk": "partnership",
        "evaluation_pk": "evaluation",
        "member_pk": "partnership_member",
    },
    # partnerships: objectives canvas, experiment plan and MasterPlan
    "partnerships:canvas": {"pk": "partnership"},
    "partnerships:canvas_print": {"pk": "partnership"},
    "partnerships:canvas_entry_create": {"pk": "partnership", "member_pk": "partnership_member"},
    "partnerships:canvas_entry_edit": {"pk": "partnership", "entry_pk": "canvas_entry"},
    "partnerships:plans": {"pk": "partnership"},
    "partnerships:experiment_edit": {"pk": "partnership"},
    "partnerships:masterplan_edit": {"pk": "partnership"},
    "partnerships:axis_create": {"pk": "partnership"},
    "partnerships:axis_edit": {"pk": "partnership", "axis_pk": "work_axis"},
    "partnerships:axis_move": {"pk": "partnership", "axis_pk": "work_axis"},
    "partnerships:result_create": {"pk": "partnership", "axis_pk": "work_axis"},
    "partnerships:result_edit": {"pk": "partnership", "result_pk": "axis_result"},
    "partnerships:milestone_create": {"pk": "partnership"},
    "partnerships:milestone_edit": {"pk": "partnership", "child_pk": "milestone"},
    "partnerships:ritual_create": {"pk": "partnership"},
    "partnerships:ritual_edit": {"pk": "partnership", "child_pk": "ritual"},
    "partnerships:governance_create": {"pk": "partnership"},
    "partnerships:governance_edit": {"pk": "partnership", "child_pk": "governance_role"},
    # partnerships: steering (meetings, action items, risks, checklist reviews)
    "partnerships:action_items": {},
    "partnerships:meetings": {"pk": "partnership"},
    "partnerships:meeting_create": {"pk": "partnership"},
    "partnerships:meeting": {"pk": "partnership", "meeting_pk": "meeting"},
    "partnerships:meeting_edit": {"pk": "partnership", "meeting_pk": "meeting"},
    "partnerships:meeting_decision_create": {"pk": "partnership", "meeting_pk": "meeting"},
    "partnerships:meeting_decision_edit": {"pk": "partnership", "decision_pk": "meeting_decision"},
    "partnerships:action_create": {"pk": "partnership"},
    "partnerships:action_edit": {"pk": "partnership", "action_pk": "action_item"},
    "partnerships:action_status": {"pk": "partnership", "action_pk": "action_item"},
    "partnerships:risks": {"pk": "partnership"},
    "partnerships:risk_create": {"pk": "partnership"},
    "partnerships:risk_edit": {"pk": "partnership", "risk_pk": "risk"},
    "partnerships:review_create": {"pk": "partnership"},
    "partnerships:review": {"pk": "partnership", "review_pk": "checklist_review"},
    "partnerships:review_edit": {"pk": "partnership", "review_pk": "checklist_review"},
    "partnerships:sheet_docx": {"pk": "partnership"},
    "partnerships:sheet_pdf": {"pk": "partnership"},
    # diagnostics: engagements, dimensions and steering committee
    "diagnostics:home": {},
    # diagnostics: deliverables (views/deliverables.py)
    "diagnostics:deliverables": {"pk": "engagement"},
    "diagnostics:deliverable_docx": {"pk": "engagement"},
    "diagnostics:deliverable_pdf": {"pk": "engagement"},
    "diagnostics:engagement_create": {},
    "diagnostics:engagement": {"pk": "engagement"},
    "diagnostics:engagement_edit": {"pk": "engagement"},
    "diagnostics:engagement_delete": {"pk": "engagement"},
    "diagnostics:organisation_add": {"pk": "engagement"},
    "diagnostics:organisation_remove": {
        "pk": "engagement",
        "organisation_pk": "engagement_organisation",
    },
    "diagnostics:committee_member_create": {"pk": "engagement"},
    "diagnostics:committee_member_edit": {"pk": "engagement", "child_pk": "committee_member"},
    "diagnostics:milestone_create": {"pk": "engagement"},
    "diagnostics:milestone_edit": {"pk": "engagement", "child_pk": "engagement_milestone"},
    "diagnostics:time_create": {"pk": "engagement"},
    "diagnostics:time_edit": {"pk": "engagement", "child_pk": "time_spent"},
    "diagnostics:dimensions": {"pk": "engagement"},
    "diagnostics:dimension_create": {"pk": "engagement"},
    "diagnostics:dimension_edit": {"pk": "engagement", "dimension_pk": "dimension"},
    "diagnostics:dimension_move": {"pk": "engagement", "dimension_pk": "dimension"},
    "diagnostics:committee": {"pk": "engagement"},
    "diagnostics:committee_meeting_create": {"pk": "engagement"},
    "diagnostics:committee_meeting": {"pk": "engagement", "meeting_pk": "committee_meeting"},
    "diagnostics:committee_meeting_edit": {
        "pk": "engagement",
        "meeting_pk": "committee_meeting",
    },
    "diagnostics:committee_outcome_create": {
        "pk": "engagement",
        "meeting_pk": "committee_meeting",
    },
    "diagnostics:committee_outcome_edit": {"pk": "engagement", "child_pk": "committee_outcome"},
    "diagnostics:committee_action_create": {
        "pk": "engagement",
        "meeting_pk": "committee_meeting",
    },
    "diagnostics:committee_action_edit": {
        "pk": "engagement",
        "child_pk": "committee_action_item",
    },
    "diagnostics:committee_action_status": {
        "pk": "engagement",
        "child_pk": "committee_action_item",
    },
    # diagnostics: fieldwork and findings
    "diagnostics:fieldwork": {"pk": "engagement"},
    "diagnostics:stakeholder_create": {"pk": "engagement"},
    "diagnostics:stakeholder_edit": {"pk": "engagement", "stakeholder_pk": "stakeholder"},
    "diagnostics:interview_create": {"pk": "engagement"},
    "diagnostics:interview": {"pk": "engagement", "interview_pk": "interview"},
    "diagnostics:interview_edit": {"pk": "engagement", "interview_pk": "interview"},
    "diagnostics:interview_notes": {"pk": "engagement", "interview_pk": "interview"},
    "diagnostics:interview_code_finding": {"pk": "engagement", "interview_pk": "interview"},
    "diagnostics:guide": {"pk": "engagement"},
    "diagnostics:guide_print": {"pk": "engagement"},
    "diagnostics:guide_question_create": {"pk": "engagement"},
    "diagnostics:guide_question_edit": {"pk": "engagement", "question_pk": "guide_question"},
    "diagnostics:guide_question_move": {"pk": "engagement", "question_pk": "guide_question"},
    "diagnostics:document_create": {"pk": "engagement"},
    "diagnostics:document": {"pk": "engagement", "document_pk": "reviewed_document"},
    "diagnostics:document_edit": {"pk": "engagement", "document_pk": "reviewed_document"},
    "diagnostics:document_code_finding": {"pk": "engagement", "document_pk": "reviewed_document"},
    "diagnostics:findings": {"pk": "engagement"},
    "diagnostics:finding_create": {"pk": "engagement"},
    "diagnostics:finding": {"pk": "engagement", "finding_pk": "finding"},
    "diagnostics:finding_edit": {"pk": "engagement", "finding_pk": "finding"},
    "diagnostics:finding_source_create": {"pk": "engagement", "finding_pk": "finding"},
    "diagnostics:finding_source_edit": {
        "pk": "engagement",
        "finding_pk": "finding",
        "source_pk": "finding_source",
    },
    # analysis: questionnaire, SWOT, priorities
    "diagnostics:questionnaires": {"pk": "engagement"},
    "diagnostics:questionnaire_create": {"pk": "engagement"},
    "diagnostics:questionnaire": {"pk": "engagement", "questionnaire_pk": "questionnaire"},
    "diagnostics:questionnaire_edit": {"pk": "engagement", "questionnaire_pk": "questionnaire"},
    "diagnostics:questionnaire_item_create": {
        "pk": "engagement",
        "questionnaire_pk": "questionnaire",
    },
    "diagnostics:questionnaire_item_edit": {"pk": "engagement", "item_pk": "questionnaire_item"},
    "diagnostics:questionnaire_defaults": {
        "pk": "engagement",
        "questionnaire_pk": "questionnaire",
    },
    "diagnostics:questionnaire_invite": {"pk": "engagement", "questionnaire_pk": "questionnaire"},
    "diagnostics:questionnaire_invitation_revoke": {
        "pk": "engagement",
        "invitation_pk": "questionnaire_invitation",
    },
    "diagnostics:questionnaire_links_export": {
        "pk": "engagement",
        "questionnaire_pk": "questionnaire",
    },
    "diagnostics:questionnaire_results": {
        "pk": "engagement",
        "questionnaire_pk": "questionnaire",
    },
    "diagnostics:swot": {"pk": "engagement"},
    "diagnostics:swot_build": {"pk": "engagement"},
    "diagnostics:swot_item": {"pk": "engagement", "item_pk": "swot_item"},
    "diagnostics:swot_item_edit": {"pk": "engagement", "item_pk": "swot_item"},
    "diagnostics:swot_item_merge": {"pk": "engagement", "item_pk": "swot_item"},
    "diagnostics:swot_finding_move": {
        "pk": "engagement",
        "item_pk": "swot_item",
        "finding_pk": "finding",
    },
    "diagnostics:priorities": {"pk": "engagement"},
    "diagnostics:priorities_edit": {"pk": "engagement"},
    "diagnostics:scenarios": {"pk": "engagement"},
    "diagnostics:scenario_create": {"pk": "engagement"},
    "diagnostics:scenario_edit": {"pk": "engagement", "scenario_pk": "scenario"},
    "diagnostics:scenario_scores": {"pk": "engagement"},
    "diagnostics:scenario_target": {"pk": "engagement"},
    "diagnostics:criterion_create": {"pk": "engagement"},
    "diagnostics:criterion_edit": {"pk": "engagement", "criterion_pk": "criterion"},
    "diagnostics:recommendations": {"pk": "engagement"},
    "diagnostics:recommendation_create": {"pk": "engagement"},
    "diagnostics:recommendation": {"pk": "engagement", "recommendation_pk": "recommendation"},
    "diagnostics:recommendation_edit": {"pk": "engagement", "recommendation_pk": "recommendation"},
    "diagnostics:recommendation_workflow": {
        "pk": "engagement",
        "recommendation_pk": "recommendation",
    },
    "diagnostics:plan": {"pk": "engagement"},
    "diagnostics:plan_action_create": {"pk": "engagement"},
    "diagnostics:plan_share": {"pk": "engagement"},
    "diagnostics:plan_action_edit": {"pk": "engagement", "action_pk": "plan_action"},
    "diagnostics:plan_update_create": {"pk": "engagement", "action_pk": "plan_action"},
    "diagnostics:plan_update_delete": {"pk": "engagement", "update_pk": "action_update"},
    "diagnostics:plan_action": {"pk": "plan_action"},
}


def all_routes():
    return list(walk())


def _fill(route: str, values: dict) -> str:
    """Turn a route like 'w/<slug:workspace_slug>/members/<int:pk>/' into a path."""

    def sub(match):
        name = match.group("name")
        return str(values[name])

    path = re.sub(r"<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>", sub, route)
    return "/" + path.lstrip("^").rstrip("$").replace("\\Z", "")


def test_every_route_is_classified():
    unknown = []
    for name, route, _ in all_routes():
        if name in GLOBAL_ROUTES or any(name.startswith(p) for p in GLOBAL_PREFIXES):
            continue
        if "workspace_slug" in route:
            if name not in ROUTE_OBJECTS:
                unknown.append(f"{name}: {route}")
            continue
        unknown.append(f"{name}: {route} (not under a workspace and not in GLOBAL_ROUTES)")
    assert not unknown, "Routes the cross-workspace test does not know:\n" + "\n".join(unknown)


@pytest.fixture
def two_workspaces(db):
    # Interleave ids: A and B objects alternate so that no id is 1 and ids do not line up.
    WorkspaceFactory.create_batch(3)
    a, b = WorkspaceFactory(), WorkspaceFactory()
    objects_a = _objects(a)
    _objects(b)
    objects_a.update(_objects(a))
    intruder = MembershipFactory(workspace=b, role=Role.OWNER)
    return a, b, objects_a, intruder


def _workspace_routes():
    return [(n, r) for n, r, _ in all_routes() if "workspace_slug" in r and n in ROUTE_OBJECTS]


@pytest.mark.parametrize("method", ["get", "post"])
def test_member_of_b_never_reaches_a(two_workspaces, method):
    a, b, objects_a, intruder = two_workspaces
    client = client_for(intruder)
    with scopes_disabled():
        before = sorted(Membership.objects.filter(workspace=a).values_list("pk", "role", "version"))
    checked = 0
    for name, route in _workspace_routes():
        args = {k: objects_a[v].pk for k, v in ROUTE_OBJECTS[name].items()}
        # A's slug: B's owner is not a member of A.
        response = getattr(client, method)(_fill(route, {"workspace_slug": a.slug, **args}))
        assert response.status_code == 404, f"{method.upper()} {name} with A's slug"
        # B's own slug with A's object ids: the lookup goes through B and finds nothing.
        if args:
            url = _fill(route, {"workspace_slug": b.slug, **args})
            response = getattr(client, method)(url)
            missing = getattr(client, method)(
                _fill(route, {"workspace_slug": b.slug, **dict.fromkeys(args, 987654)})
            )
            # A foreign id answers exactly like a missing one...
            assert response.status_code == missing.status_code, f"{name} with A's ids"
            # ...which is 404/403, or 405 when reading a POST-only action (refused before lookup).
            allowed = (404, 403) if method == "post" else (404, 403, 405)
            assert response.status_code in allowed, f"{method.upper()} {name} with A's ids"
        checked += 1
    assert checked == len(ROUTE_OBJECTS)
    # Nothing of A changed.
    with scopes_disabled():
        after = sorted(Membership.objects.filter(workspace=a).values_list("pk", "role", "version"))
        assert after == before
        assert (
            objects_a["invitation"].__class__.objects.get(pk=objects_a["invitation"].pk).revoked_at
            is None
        )


def test_anonymous_is_sent_to_login(two_workspaces):
    from django.test import Client

    a, _, objects_a, _ = two_workspaces
    for name, route in _workspace_routes():
        args = {k: objects_a[v].pk for k, v in ROUTE_OBJECTS[name].items()}
        response = Client().get(_fill(route, {"workspace_slug": a.slug, **args}))
        assert response.status_code == 302, name
        assert "/accounts/login/" in response["Location"], name


# Views a guest may POST to, with what limits them. Any other write by a guest is a 403.
GUEST_WRITABLE = {
    "api_tokens:create": "a guest creates read-only tokens for themself",
    "api_tokens:revoke": "a guest revokes only their own tokens (someone else's: 404)",
    "impact:report_job_create": "a guest generates a document of what it may read; it writes "
    "only its own job",
    "partnerships:fit_edit": "a guest states only its own member's expectations, in a "
    "partnership shared with it (another member: 403; not shared: 404)",
    "partnerships:evaluation_scores": "a guest scores only for its own member, in a partnership "
    "shared with it (another member: 403; not shared: 404)",
    "partnerships:canvas_entry_create": "a guest adds entries only to its own member's canvas, "
    "in a partnership shared with it (another member: 403; not shared: 404)",
    "partnerships:canvas_entry_edit": "a guest edits or deletes only its own member's canvas "
    "entries, in a partnership shared with it (another member: 403; not shared: 404)",
}


def test_guest_cannot_write_anywhere(two_workspaces):
    a, _, objects_a, _ = two_workspaces
    guest = MembershipFactory(workspace=a, role=Role.GUEST)
    client = client_for(guest)
    for name, route in _workspace_routes():
        args = {k: objects_a[v].pk for k, v in ROUTE_OBJECTS[name].items()}
        url = _fill(route, {"workspace_slug": a.slug, **args})
        marked = getattr(resolve(url).func, "guest_can_write", False)
        assert marked == (name in GUEST_WRITABLE), f"{name}: declare it in GUEST_WRITABLE"
        response = client.post(url, {"x": "1"})
        if name in GUEST_WRITABLE:
            # Objects of A in the fixtures belong to other members: never the guest's.
            assert response.status_code in (404, 403) if args else response.status_code < 500
        else:
            assert response.status_code == 403, name


def test_tenant_query_outside_a_scope_raises(db, workspace):
    with pytest.raises(ScopeError):
        list(Membership.objects.all())


def test_admin_is_staff_only(two_workspaces):
    _, _, _, intruder = two_workspaces
    response = client_for(intruder).get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
