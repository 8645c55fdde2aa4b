"""The lifecycle's rules: what a gate decision does to a partnership's stage and status.

01 Meet → 02 Frame → 03 Experiment → 04 Deploy (seed 001). Only a recorded decision moves a
partnership: *go* moves it to the next stage; *no-go* and *postpone* keep the stage (postpone
plans the next gate); *pause*, *resume* and *end* change the status. An ended partnership takes
no more decisions.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import STAGE_ORDER, Outcome, Stage, Status


def next_stage(stage: str) -> str | None:
    index = STAGE_ORDER.index(stage)
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


def apply_outcome(stage: str, status: str, outcome: str) -> tuple[str, str]:
    """The (stage, status) after `outcome`, or ValidationError saying why it cannot apply."""
    if status == Status.ENDED:
        raise ValidationError(
            {"outcome": _("This partnership has ended: it takes no more decisions.")}
        )
    if outcome == Outcome.RESUME:
        if status != Status.PAUSED:
            raise ValidationError({"outcome": _("Only a paused partnership can be resumed.")})
        return stage, Status.ACTIVE
    if outcome == Outcome.END:
        return stage, Status.ENDED
    if status == Status.PAUSED:
        raise ValidationError(
            {"outcome": _("This partnership is paused: resume it or end it first.")}
        )
    if outcome == Outcome.GO:
        following = next_stage(stage)
        if following is None:
            raise ValidationError(
                {"outcome": _("The partnership is already at the last stage (04 Deploy).")}
            )
        return following, status
    if outcome == Outcome.PAUSE:
        return stage, Status.PAUSED
    if outcome in (Outcome.NO_GO, Outcome.POSTPONE):
        return stage, status
    raise ValidationError({"outcome": _("Unknown decision.")})


def allowed_outcomes(stage: str, status: str) -> list[str]:
    """The decisions that can be recorded now, in the order of `Outcome`."""
    allowed = []
    for outcome in Outcome.values:
        try:
            apply_outcome(stage, status, outcome)
        except ValidationError:
            continue
        allowed.append(outcome)
    return allowed


def gate_label(stage: str) -> str:
    """The gate a partnership faces at `stage`: "02 Frame → 03 Experiment"; "" at the last
    stage, which has no gate ahead."""
    following = next_stage(stage)
    if following is None:
        return ""
    return f"{Stage(stage).label} → {Stage(following).label}"
