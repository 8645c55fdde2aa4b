"""The pitfalls and brakes checklists (seeds 001 and 004) and how a review scores.

Each item is answered *no* (not present), *partly* (to watch) or *yes* (present). A review's
risk score is the share of the worst possible answers, in percent; the health light follows:

- green below 20 %, amber from 20 % to below 45 %, red from 45 %;
- the trend compares a review with the one before: five points or more lower is *better*,
  five points or more higher is *worse*, anything between is *stable*.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import BrakeNature


class Answer(models.TextChoices):
    NO = "no", _("No")
    PARTLY = "partly", _("Partly, to watch")
    YES = "yes", _("Yes, present")


ANSWER_POINTS = {Answer.NO: 0, Answer.PARTLY: 1, Answer.YES: 2}


class Health(models.TextChoices):
    UNKNOWN = "unknown", _("Not reviewed yet")
    GREEN = "green", _("Healthy")
    AMBER = "amber", _("To watch")
    RED = "red", _("At risk")


class Trend(models.TextChoices):
    NONE = "", _("First review")
    BETTER = "better", _("Better")
    STABLE = "stable", _("Stable")
    WORSE = "worse", _("Worse")


AMBER_FROM = Decimal(20)
RED_FROM = Decimal(45)
TREND_STEP = Decimal(5)


@dataclass(frozen=True)
class Item:
    key: str
    checklist: str  # "pitfall" or "brake"
    group: object  # label of the group the item is shown in
    label: object
    nature: str  # BrakeNature


FRAMING = _("Framing of the project")
RELATIONS = _("Relations and interactions")
MANAGEMENT = _("Project management")
BEFORE = _("Before")
DURING = _("During")
AFTER = _("After")

ITEMS: tuple[Item, ...] = (
    # Pitfalls to avoid (seed 001, "Des écueils classiques à éviter").
    Item(
        "unclear_objectives",
        "pitfall",
        FRAMING,
        _("Partnership objectives unclear or not aligned"),
        BrakeNature.STRATEGIC,
    ),
    Item(
        "no_success_criteria",
        "pitfall",
        FRAMING,
        _("No shared success criteria"),
        BrakeNature.STRATEGIC,
    ),
    Item(
        "no_calendar",
        "pitfall",
        FRAMING,
        _("No calendar with identified milestones"),
        BrakeNature.OPERATIONAL,
    ),
    Item(
        "commitments_not_kept",
        "pitfall",
        RELATIONS,
        _("Commitments not kept (frame, calendar, responsibilities)"),
        BrakeNature.OPERATIONAL,
    ),
    Item(
        "unfair_relation",
        "pitfall",
        RELATIONS,
        _("Relation felt as unfair"),
        BrakeNature.CULTURAL,
    ),
    Item(
        "no_trust",
        "pitfall",
        RELATIONS,
        _("Lack of trust or transparency"),
        BrakeNature.CULTURAL,
    ),
    Item(
        "unclear_setup",
        "pitfall",
        MANAGEMENT,
        _(
            "Unclear operational set-up (governance, changing contacts, no regular meeting, "
            "little visibility on internal issues)"
        ),
        BrakeNature.OPERATIONAL,
    ),
    Item(
        "complex_processes",
        "pitfall",
        MANAGEMENT,
        _("Complex processes of large groups or authorities (decisions, payments)"),
        BrakeNature.OPERATIONAL,
    ),
    # Brakes to cooperation (seed 001), with their nature (seed 004).
    Item(
        "competing_for_funding",
        "brake",
        BEFORE,
        _("Funding calls that put the organisations in competition"),
        BrakeNature.STRATEGIC,
    ),
    Item(
        "no_shared_vision",
        "brake",
        BEFORE,
        _("Hard to define a shared vision and shared values"),
        BrakeNature.STRATEGIC,
    ),
    Item(
        "different_timescales",
        "brake",
        BEFORE,
        _("Different timescales"),
        BrakeNature.OPERATIONAL,
    ),
    Item(
        "coordination_time",
        "brake",
        DURING,
        _("Coordination that takes too much time"),
        BrakeNature.OPERATIONAL,
    ),
    Item(
        "staff_turnover",
        "brake",
        DURING,
        _("Staff movements that put the project at risk"),
        BrakeNature.OPERATIONAL,
    ),
    Item(
        "tensions",
        "brake",
        DURING,
        _("Interpersonal or operational tensions"),
        BrakeNature.CULTURAL,
    ),
    Item(
        "work_cultures",
        "brake",
        DURING,
        _("Different work cultures"),
        BrakeNature.CULTURAL,
    ),
    Item(
        "instability",
        "brake",
        AFTER,
        _("Instability when the partnership ends (loss of premises, of funding)"),
        BrakeNature.STRATEGIC,
    ),
    Item(
        "disagreement_on_future",
        "brake",
        AFTER,
        _("Disagreement on what comes next; interests hard to keep aligned"),
        BrakeNature.STRATEGIC,
    ),
    Item(
        "no_economic_model",
        "brake",
        AFTER,
        _("An economic model hard to find"),
        BrakeNature.STRATEGIC,
    ),
)

ITEMS_BY_KEY = {item.key: item for item in ITEMS}
ITEM_CHOICES = [(item.key, item.label) for item in ITEMS]


def risk_score(answers) -> Decimal | None:
    """Percent of the worst possible answers (0–100, one decimal); None without answers."""
    points = [ANSWER_POINTS[Answer(answer)] for answer in answers]
    if not points:
        return None
    score = Decimal(sum(points) * 100) / Decimal(2 * len(points))
    return score.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def health_for(score: Decimal | None) -> str:
    if score is None:
        return Health.UNKNOWN
    if score >= RED_FROM:
        return Health.RED
    if score >= AMBER_FROM:
        return Health.AMBER
    return Health.GREEN


def trend_between(previous: Decimal | None, current: Decimal | None) -> str:
    if previous is None or current is None:
        return Trend.NONE
    if current <= previous - TREND_STEP:
        return Trend.BETTER
    if current >= previous + TREND_STEP:
        return Trend.WORSE
    return Trend.STABLE
