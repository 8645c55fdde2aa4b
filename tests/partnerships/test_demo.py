"""The demo partnerships (`partnerships.demo.seed`, run by `manage.py seed_demo` last)."""

import io
from collections import Counter
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.http import Http404
from django_scopes import scope, scopes_disabled

from maillage.finance.models import Project
from maillage.impact.models import Measurement, Target, TrackedIndicator
from maillage.partnerships import access, demo
from maillage.partnerships.choices import Stage, Status
from maillage.partnerships.lifecycle import apply_outcome
from maillage.partnerships.models import (
    ActionItem,
    AxisResult,
    CanvasEntry,
    ChecklistReview,
    Evaluation,
    EvaluationScore,
    ExperimentPlan,
    FitExpectation,
    GateDecision,
    GovernanceRole,
    MasterPlan,
    Meeting,
    MeetingDecision,
    Milestone,
    Partnership,
    PartnershipGuest,
    PartnershipMember,
    Risk,
    Ritual,
)
from maillage.workspaces.models import Membership, Role, Workspace

pytestmark = pytest.mark.django_db

COUNTED = (
    Partnership,
    PartnershipMember,
    PartnershipGuest,
    GateDecision,
    CanvasEntry,
    FitExpectation,
    ExperimentPlan,
    MasterPlan,
    AxisResult,
    Milestone,
    Ritual,
    GovernanceRole,
    Meeting,
    MeetingDecision,
    ActionItem,
    Risk,
    ChecklistReview,
    Evaluation,
    EvaluationScore,
)


@pytest.fixture(scope="module")
def demo_workspace(django_db_setup, django_db_blocker):
    """The whole demo, seeded once for the module (registry, indicators, finance: ~15 s), in a
    transaction rolled back at the end: deleting the workspace is refused (the demo's
    breakdowns and relations protect the workspace's reference lists)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        with scopes_disabled():
            workspace = Workspace.objects.get(slug="alliance-demo")
        yield workspace
        transaction.set_rollback(True)


def _counts(workspace) -> dict:
    with scope(workspace=workspace):
        return {
            model.__name__: model.objects.filter(workspace=workspace).count() for model in COUNTED
        } | {
            "tracked": TrackedIndicator.objects.filter(subject_kind="partnership").count(),
            "targets": Target.objects.filter(tracked__subject_kind="partnership").count(),
            "measurements": Measurement.objects.filter(tracked__subject_kind="partnership").count(),
        }


def test_every_stage_and_status_is_shown(demo_workspace):
    with scope(workspace=demo_workspace):
        rows = list(Partnership.objects.filter(workspace=demo_workspace))
        assert len(rows) >= 8
        assert {p.stage for p in rows} == set(Stage.values)
        assert {p.status for p in rows} == set(Status.values)
        assert len({p.kind_id for p in rows}) >= 7
        for partnership in rows:
            members = list(partnership.members.all())
            assert len(members) >= 3
            assert partnership.objectives and partnership.value_chain_levels
            assert partnership.decisions.exists()
            assert len({m.side for m in members}) >= 1


def test_health_lights_of_every_colour_with_trends(demo_workspace):
    with scope(workspace=demo_workspace):
        rows = list(Partnership.objects.filter(workspace=demo_workspace))
        assert {p.health for p in rows} >= {"green", "amber", "red"}
        assert len({p.health_trend for p in rows}) >= 2
        for partnership in rows:
            assert 2 <= partnership.checklist_reviews.count() <= 4
            latest = partnership.checklist_reviews.order_by("-reviewed_on").first()
            assert latest.health == partnership.health
            assert latest.answers.count() == 18


def test_stage_and_status_follow_the_decision_log(demo_workspace):
    """Replaying the log from 01 Meet / active gives what is stored: stages come only from
    recorded decisions."""
    with scope(workspace=demo_workspace):
        for partnership in Partnership.objects.filter(workspace=demo_workspace):
            stage, status = Stage.MEET, Status.ACTIVE
            for decision in partnership.decisions.order_by("decided_on", "id"):
                assert (decision.stage_before, decision.status_before) == (stage, status)
                stage, status = apply_outcome(stage, status, decision.outcome)
                assert (decision.stage_after, decision.status_after) == (stage, status)
                assert decision.deciders.strip() and decision.rationale.strip()
                assert decision.decided_on < date.today()
            assert (partnership.stage, partnership.status) == (stage, status), partnership.name


def test_plans_results_and_indicators(demo_workspace):
    with scope(workspace=demo_workspace):
        later = Partnership.objects.filter(
            workspace=demo_workspace, stage__in=[Stage.EXPERIMENT, Stage.DEPLOY]
        )
        assert later.count() >= 3
        for partnership in later:
            assert ExperimentPlan.objects.filter(partnership=partnership).exists()
            assert MasterPlan.objects.filter(partnership=partnership).exists()
            results = AxisResult.objects.filter(partnership=partnership)
            assert results.filter(horizon=3).exists() and results.filter(horizon=6).exists()
            assert not results.filter(target__isnull=True).exists()
            tracked = TrackedIndicator.objects.filter(
                subject_kind="partnership", subject_id=partnership.pk
            )
            assert tracked.exists()
            assert Measurement.objects.filter(tracked__in=tracked).count() >= 2
        milestones = Milestone.objects.filter(workspace=demo_workspace)
        today = date.today()
        assert milestones.filter(done_on__isnull=False).exists()
        assert milestones.filter(done_on__isnull=True, due_date__lt=today).exists()  # late
        actions = ActionItem.objects.filter(workspace=demo_workspace)
        assert actions.filter(status="done").exists()
        assert actions.filter(status__in=["open", "in_progress"], due_on__lt=today).exists()
        assert MeetingDecision.objects.filter(workspace=demo_workspace).count() >= 8
        cells = Counter(
            Risk.objects.filter(workspace=demo_workspace).values_list("likelihood", "impact")
        )
        assert len(cells) >= 8  # spread over the heat map
        assert (
            CanvasEntry.objects.filter(workspace=demo_workspace)
            .values("partnership")
            .distinct()
            .count()
            >= 3
        )


def test_evaluations_score_each_side(demo_workspace):
    with scope(workspace=demo_workspace):
        evaluated = Partnership.objects.filter(
            workspace=demo_workspace, evaluation_score__isnull=False
        )
        assert evaluated.count() >= 4
        for partnership in evaluated:
            assert 1 <= partnership.evaluations.count() <= 3
        sides = set(
            EvaluationScore.objects.filter(workspace=demo_workspace).values_list(
                "member__side", flat=True
            )
        )
        assert {"association", "company", "authority"} <= sides
        assert FitExpectation.objects.filter(workspace=demo_workspace).exists()


def test_the_guest_sees_only_its_share(demo_workspace):
    with scope(workspace=demo_workspace):
        membership = Membership.objects.get(workspace=demo_workspace, user__email=demo.GUEST_EMAIL)
        assert membership.role == Role.GUEST
        request = SimpleNamespace(workspace=demo_workspace, membership=membership)
        visible = list(access.visible_partnerships(request))
        assert len(visible) == 1
        share = PartnershipGuest.objects.get(membership=membership)
        assert visible == [share.partnership]
        assert share.member.side == "company"
        other = Partnership.objects.exclude(pk=share.partnership_id).first()
        with pytest.raises(Http404):
            access.get_partnership(request, other.pk)
        owner = Membership.objects.filter(workspace=demo_workspace, role=Role.OWNER).first()
        member_request = SimpleNamespace(workspace=demo_workspace, membership=owner)
        assert access.visible_partnerships(member_request).count() >= 8


def test_finance_projects_belong_to_their_partnership(demo_workspace):
    with scope(workspace=demo_workspace):
        linked = Project.objects.filter(workspace=demo_workspace, partnership__isnull=False)
        assert linked.count() >= 1
        assert {p.partnership.workspace_id for p in linked} == {demo_workspace.pk}


def test_seeding_twice_adds_nothing(demo_workspace):
    before = _counts(demo_workspace)
    with scope(workspace=demo_workspace):
        versions = sorted(
            Partnership.objects.filter(workspace=demo_workspace).values_list("pk", "version")
        )
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts(demo_workspace) == before
    with scope(workspace=demo_workspace):
        assert (
            sorted(
                Partnership.objects.filter(workspace=demo_workspace).values_list("pk", "version")
            )
            == versions
        )
