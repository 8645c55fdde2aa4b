"""Gate rules: a stage changes only through a recorded decision; no-go keeps the stage."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope
from hypothesis import given
from hypothesis import strategies as st

from maillage.core.exceptions import StaleObjectError
from maillage.partnerships.choices import STAGE_ORDER, Outcome, Stage, Status
from maillage.partnerships.lifecycle import allowed_outcomes, apply_outcome
from maillage.partnerships.models import GateDecision, Partnership
from maillage.partnerships.services.lifecycle import record_gate_decision
from tests.factories import AxisResultFactory, PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def decide(partnership, outcome, *, on=datetime.date(2026, 3, 2), **extra):
    with scope(workspace=partnership.workspace):
        return record_gate_decision(
            partnership,
            user=UserFactory(),
            expected_version=partnership.version,
            decided_on=on,
            outcome=outcome,
            deciders="Claire Martin",
            rationale="Critères atteints",
            **extra,
        )


def test_go_moves_to_the_next_stage_and_logs_the_transition():
    partnership = PartnershipFactory()
    decision = decide(partnership, Outcome.GO)
    assert (partnership.stage, partnership.status) == (Stage.FRAME, Status.ACTIVE)
    assert partnership.stage_since == datetime.date(2026, 3, 2)
    assert (decision.stage_before, decision.stage_after) == (Stage.MEET, Stage.FRAME)


def test_no_go_keeps_the_stage_but_is_logged():
    partnership = PartnershipFactory(stage=Stage.EXPERIMENT)
    decide(partnership, Outcome.NO_GO)
    assert partnership.stage == Stage.EXPERIMENT
    with scope(workspace=partnership.workspace):
        assert GateDecision.objects.filter(partnership=partnership, outcome="no_go").count() == 1


def test_postpone_needs_a_later_gate_and_plans_it():
    partnership = PartnershipFactory()
    with pytest.raises(ValidationError) as error:
        decide(partnership, Outcome.POSTPONE)
    assert "next_gate_on" in error.value.message_dict
    decide(partnership, Outcome.POSTPONE, next_gate_on=datetime.date(2026, 5, 4))
    assert partnership.next_gate_on == datetime.date(2026, 5, 4)
    assert partnership.stage == Stage.MEET


def test_no_go_past_the_last_stage_and_nothing_after_the_end():
    partnership = PartnershipFactory(stage=Stage.DEPLOY)
    with pytest.raises(ValidationError):
        decide(partnership, Outcome.GO)
    decide(partnership, Outcome.END)
    assert partnership.status == Status.ENDED
    with pytest.raises(ValidationError):
        decide(partnership, Outcome.RESUME, on=datetime.date(2026, 3, 3))


def test_a_paused_partnership_must_be_resumed_before_a_go():
    partnership = PartnershipFactory()
    decide(partnership, Outcome.PAUSE)
    with pytest.raises(ValidationError):
        decide(partnership, Outcome.GO)
    decide(partnership, Outcome.RESUME)
    decide(partnership, Outcome.GO)
    assert (partnership.stage, partnership.status) == (Stage.FRAME, Status.ACTIVE)


def test_a_refused_decision_writes_nothing():
    partnership = PartnershipFactory(stage=Stage.DEPLOY)
    with pytest.raises(ValidationError):
        decide(partnership, Outcome.GO)
    with scope(workspace=partnership.workspace):
        assert not GateDecision.objects.exists()
        assert Partnership.objects.get().version == 1


def test_decisions_are_recorded_in_order_and_not_ahead_of_time():
    partnership = PartnershipFactory()
    decide(partnership, Outcome.GO, on=datetime.date(2026, 3, 2))
    with pytest.raises(ValidationError) as error:
        decide(partnership, Outcome.GO, on=datetime.date(2026, 2, 1))
    assert "decided_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        decide(partnership, Outcome.GO, on=datetime.date.today() + datetime.timedelta(days=1))


def test_a_stale_version_is_refused():
    partnership = PartnershipFactory()
    stale = partnership.version
    decide(partnership, Outcome.GO)
    with pytest.raises(StaleObjectError), scope(workspace=partnership.workspace):
        record_gate_decision(
            partnership,
            user=None,
            expected_version=stale,
            decided_on=datetime.date(2026, 3, 3),
            outcome=Outcome.GO,
            deciders="X",
            rationale="Y",
        )
    assert partnership.stage == Stage.FRAME


def test_criteria_come_from_this_partnerships_masterplan():
    partnership = PartnershipFactory()
    own = AxisResultFactory(axis__partnership=partnership)
    other = AxisResultFactory(axis__workspace=partnership.workspace)
    with pytest.raises(ValidationError):
        decide(partnership, Outcome.GO, criteria=[{"label": "x", "met": True, "result": other}])
    decision = decide(
        partnership, Outcome.GO, criteria=[{"label": "Ateliers", "met": True, "result": own}]
    )
    with scope(workspace=partnership.workspace):
        assert [(c.label, c.met, c.result_id) for c in decision.criteria.all()] == [
            ("Ateliers", True, own.pk)
        ]


@given(
    stage=st.sampled_from(STAGE_ORDER),
    status=st.sampled_from(Status.values),
    outcome=st.sampled_from(Outcome.values),
)
def test_only_go_changes_the_stage_and_by_one_step(stage, status, outcome):
    try:
        new_stage, new_status = apply_outcome(stage, status, outcome)
    except ValidationError:
        assert outcome not in allowed_outcomes(stage, status)
        return
    assert outcome in allowed_outcomes(stage, status)
    if outcome == Outcome.GO:
        assert STAGE_ORDER.index(new_stage) == STAGE_ORDER.index(stage) + 1
    else:
        assert new_stage == stage
    assert status != Status.ENDED
    status_after = {
        Outcome.PAUSE: Status.PAUSED,
        Outcome.RESUME: Status.ACTIVE,
        Outcome.END: Status.ENDED,
    }
    assert new_status == status_after.get(outcome, status)
