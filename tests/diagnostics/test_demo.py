"""The demo engagement (`diagnostics.demo.seed`, run by `manage.py seed_demo`)."""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scope

from maillage.diagnostics import demo, scoring
from maillage.diagnostics.choices import (
    ActionStatus,
    CommitteeMeetingKind,
    InterviewKind,
    InterviewStatus,
    MilestoneKind,
    Quadrant,
    RecommendationStatus,
    StakeholderCategory,
)
from maillage.diagnostics.models import (
    ActionUpdate,
    CommitteeActionItem,
    CommitteeMeeting,
    CommitteeOutcome,
    Dimension,
    Engagement,
    Finding,
    FindingSource,
    Interview,
    InterviewQuestion,
    PlanAction,
    QuestionnaireAnswer,
    QuestionnaireInvitation,
    QuestionnaireItem,
    Recommendation,
    ReviewedDocument,
    ScenarioScore,
    Stakeholder,
    SwotItem,
    TimeSpent,
)
from maillage.ecosystem.models import Actor
from tests.factories import IndicatorFactory

pytestmark = pytest.mark.django_db

COUNTED = (
    Engagement,
    Stakeholder,
    Interview,
    InterviewQuestion,
    ReviewedDocument,
    Finding,
    FindingSource,
    SwotItem,
    QuestionnaireItem,
    QuestionnaireInvitation,
    QuestionnaireAnswer,
    ScenarioScore,
    Recommendation,
    PlanAction,
    ActionUpdate,
    CommitteeMeeting,
    CommitteeOutcome,
    CommitteeActionItem,
    TimeSpent,
    Actor,
)


@pytest.fixture
def seeded(workspace, owner):
    with scope(workspace=workspace):
        demo.seed(workspace=workspace, users={owner.user.email: owner.user})
        return Engagement.objects.get(workspace=workspace, title=demo.TITLE)


def _counts(workspace) -> dict:
    with scope(workspace=workspace):
        return {m.__name__: m.objects.filter(workspace=workspace).count() for m in COUNTED}


def test_seeding_twice_adds_nothing(workspace, owner, seeded):
    before = _counts(workspace)
    with scope(workspace=workspace):
        assert demo.seed(workspace=workspace, users=[owner.user]) == {"engagements": 0}
    assert _counts(workspace) == before
    assert before["Engagement"] == 1
    assert before["Actor"] == 2  # the two allied associations, added to an empty registry


def test_the_engagement_frame(seeded):
    with scope(workspace=seeded.workspace):
        assert seeded.budget_days == 25 and seeded.budget_amount == 25000
        assert (seeded.end_date - seeded.start_date).days >= 270
        assert seeded.consultant_list and seeded.project_lead and seeded.focal_point
        assert seeded.committee_members.count() == 6
        assert seeded.organisations.count() == 2
        milestones = {m.kind: m for m in seeded.milestones.all()}
        assert set(milestones) == {
            MilestoneKind.DIAGNOSTIC,
            MilestoneKind.RECOMMENDATIONS,
            MilestoneKind.PLAN,
        }
        assert milestones[MilestoneKind.DIAGNOSTIC].done_on
        assert milestones[MilestoneKind.RECOMMENDATIONS].done_on
        assert milestones[MilestoneKind.PLAN].done_on is None
        spent = sum(t.days for t in seeded.time_spent.all())
        assert 0 < spent <= seeded.budget_days
        names = [d.name for d in Dimension.objects.filter(engagement=seeded)]
        assert len(names) == 7 and "Modèles d'affaires" in names
        assert all(d.priority_rank and d.priority_rationale for d in seeded.dimensions.all())


def test_fieldwork_counts_consent_and_notes(seeded):
    with scope(workspace=seeded.workspace):
        interviews = list(seeded.interviews.prefetch_related("stakeholders"))
        assert len(interviews) == 22
        assert all(i.status == InterviewStatus.DONE and i.held_on for i in interviews)
        assert {i.kind for i in interviews} == set(InterviewKind.values)
        assert all(i.notes.strip() for i in interviews)
        heard = {s.pk for i in interviews for s in i.stakeholders.all()}
        stakeholders = list(seeded.stakeholders.all())
        assert 28 <= len(heard) <= len(stakeholders) <= 32
        assert all(s.consent and s.consent_on for s in stakeholders)
        assert {s.category for s in stakeholders} >= set(StakeholderCategory.values) - {
            StakeholderCategory.OTHER_PARTNER
        }
        questions = list(seeded.guide_questions.all())
        assert 10 <= len(questions) <= 15
        assert all(q.text_fr and q.text_en for q in questions)
        assert seeded.documents.count() == 8


def test_findings_cover_every_quadrant_and_dimension(seeded):
    with scope(workspace=seeded.workspace):
        findings = list(seeded.findings.prefetch_related("sources"))
        assert 75 <= len(findings) <= 85
        cells = Counter((f.quadrant, f.dimension_id) for f in findings)
        dimensions = list(seeded.dimensions.values_list("pk", flat=True))
        assert set(cells) == {(q, d) for q in Quadrant.values for d in dimensions}
        sources = [s for f in findings for s in f.sources.all()]
        assert all(f.sources.all() for f in findings)
        assert any(s.interview_id for s in sources) and any(s.document_id for s in sources)
        quoted = [s for s in sources if s.quote]
        assert len(quoted) >= len(findings)
        anonymised = sum(s.anonymise for s in quoted)
        assert len(quoted) / 2 < anonymised < len(quoted)


def test_swot_groups_findings_by_weight(seeded):
    with scope(workspace=seeded.workspace):
        items = list(seeded.swot_items.prefetch_related("findings__sources"))
        assert len(items) == 4 * 7
        for quadrant in Quadrant.values:
            weights = []
            for item in [i for i in items if i.quadrant == quadrant]:
                rows = list(item.findings.all())
                assert rows and len({f.dimension_id for f in rows}) == 1

                def weight(f):
                    return scoring.finding_weight(len(f.sources.all()), f.severity)

                assert item.text == max(rows, key=weight).statement
                weights.append((item.position, sum(weight(f) for f in rows)))
            ordered = [w for _p, w in sorted(weights)]
            assert ordered == sorted(ordered, reverse=True)


def test_questionnaire_answers_through_personal_links(seeded):
    with scope(workspace=seeded.workspace):
        questionnaire = seeded.questionnaires.get()
        items = list(questionnaire.items.all())
        assert len(items) == 14
        assert Counter(i.dimension_id for i in items) == dict.fromkeys(
            seeded.dimensions.values_list("pk", flat=True), 2
        )
        answered = questionnaire.invitations.filter(answered_at__isnull=False)
        assert 18 <= answered.count() <= 22
        assert len({i.token for i in questionnaire.invitations.all()}) == (
            questionnaire.invitations.count()
        )
        for invitation in answered:
            assert invitation.answers.count() == 14


def test_scenarios_ranking_and_its_sensitivity(seeded):
    with scope(workspace=seeded.workspace):
        criteria = list(seeded.criteria.all())
        scenarios = list(seeded.scenarios.all())
        weights = {c.pk: c.weight for c in criteria}
        scores = {
            (s.scenario_id, s.criterion_id): s.score
            for s in ScenarioScore.objects.filter(scenario__engagement=seeded)
        }
        order = [s.pk for s in scenarios]
        ranked = scoring.ranking(scoring.weighted_scores(weights, scores), order)
        keys = {s.pk: s.key for s in scenarios}
        assert len(ranked) == 4
        assert keys[ranked[0]] == "integrated"
        assert seeded.target_scenario_id == ranked[0] and seeded.target_rationale
        moves = scoring.sensitivity(weights, scores, order)
        assert all(m.top_holds for m in moves)
        broken = [m for m in moves if not m.holds]
        assert len(broken) == 1
        assert keys[broken[0].ranking[0]] == "integrated"
        assert {c.pk: c.key for c in criteria}[broken[0].criterion] == "culture"
        assert broken[0].factor == Decimal("0.8")


def test_recommendations_plan_and_committee(seeded):
    with scope(workspace=seeded.workspace):
        recommendations = list(seeded.recommendations.all())
        assert len(recommendations) == 12
        statuses = Counter(r.status for r in recommendations)
        assert set(statuses) == set(RecommendationStatus.values)
        assert statuses[RecommendationStatus.VALIDATED_BOARDS] > len(recommendations) / 2
        assert statuses[RecommendationStatus.REJECTED] == 1
        for r in recommendations:
            if r.status == RecommendationStatus.VALIDATED_BOARDS:
                assert r.boards_validated_by and r.boards_validated_on
                assert r.directions_validated_by and r.directions_validated_on
            if r.status == RecommendationStatus.REJECTED:
                assert r.rejection_reason and r.rejected_on
        assert len({r.dimension_id for r in recommendations}) == 7

        actions = list(seeded.plan_actions.prefetch_related("updates"))
        assert 18 <= len(actions) <= 22
        overdue = [
            a
            for a in actions
            if a.due_on < date(2026, 11, 30)
            and a.status not in (ActionStatus.DONE, ActionStatus.CANCELLED)
        ]
        assert len(overdue) == 2
        assert all(a.owner for a in actions)
        assert any(a.training_needs for a in actions)
        assert sum(1 for a in actions if a.updates.all()) >= len(actions) / 2

        meetings = list(seeded.committee_meetings.all())
        assert len(meetings) == 6
        kinds = Counter(m.kind for m in meetings)
        assert kinds[CommitteeMeetingKind.KICK_OFF] == 1
        assert kinds[CommitteeMeetingKind.RECOMMENDATIONS] + kinds[CommitteeMeetingKind.PLAN] == 2
        assert all(m.outcomes.exists() and m.action_items.exists() for m in meetings)
        assert {o.kind for m in meetings for o in m.outcomes.all()} == {
            "decision",
            "arbitration",
        }


def test_every_date_is_before_the_end_of_november_2026(seeded):
    with scope(workspace=seeded.workspace):
        dates = [
            *seeded.interviews.values_list("held_on", flat=True),
            *seeded.documents.values_list("reviewed_on", flat=True),
            *seeded.committee_meetings.values_list("held_on", flat=True),
            *seeded.time_spent.values_list("spent_on", flat=True),
            *ActionUpdate.objects.filter(action__engagement=seeded).values_list("on", flat=True),
            *seeded.stakeholders.values_list("consent_on", flat=True),
        ]
        assert all(date(2025, 1, 1) <= d < date(2026, 11, 30) for d in dates)


def test_plan_actions_follow_the_impact_demo_indicators_when_present(workspace, owner):
    indicator = IndicatorFactory(workspace=workspace, code="GOV-01")
    with scope(workspace=workspace):
        demo.seed(workspace=workspace, users=[owner.user])
        linked = PlanAction.objects.filter(workspace=workspace, indicators=indicator)
        assert linked.count() == 2
