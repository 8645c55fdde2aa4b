"""Reads of the evaluation tab: the fit grid, the rounds with their scores, the history chart
and the latest value of the indicators linked to scores. A constant number of queries whatever
the number of rounds (members, expectations, rounds, scores, their indicators, readings)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.charts import Chart, line_chart
from maillage.impact import rollup
from maillage.impact.models import Indicator
from maillage.impact.selectors import format_value, measurement_readings
from maillage.impact.subjects import WORKSPACE

from ..choices import Dimension
from ..models import Evaluation, EvaluationScore, FitExpectation, Partnership, PartnershipMember
from ..services.evaluations import average

DIMENSIONS = list(Dimension)
Fit = FitExpectation.Fit


def members_of(partnership: Partnership) -> list[PartnershipMember]:
    return list(partnership.members.select_related("actor").order_by("role", "id"))


# --- fit check -------------------------------------------------------------------------------


@dataclass
class FitLine:
    member: PartnershipMember
    cells: list[FitExpectation | None]  # one per dimension, in DIMENSIONS order
    writable: bool = False


@dataclass
class FitSummary:
    counts: dict[str, int]  # per Fit value
    missing: int  # member × dimension cells without an expectation

    @property
    def not_fitting(self) -> int:
        return self.counts.get(Fit.DOES_NOT_FIT, 0)

    @property
    def stated(self) -> int:
        return sum(self.counts.values())

    @property
    def level(self) -> str:
        """How the summary reads: danger (something does not fit), warning, success, or ""."""
        if self.not_fitting:
            return "danger"
        if self.counts.get(Fit.PARTLY, 0) or self.counts.get(Fit.UNKNOWN, 0) or self.missing:
            return "warning" if self.stated else ""
        return "success" if self.stated else ""

    @property
    def headline(self) -> str:
        if not self.stated:
            return _("No expectation stated yet.")
        if self.not_fitting:
            return ngettext(
                "%(count)d expectation does not fit the partnership model.",
                "%(count)d expectations do not fit the partnership model.",
                self.not_fitting,
            ) % {"count": self.not_fitting}
        if self.counts.get(Fit.FITS, 0) == self.stated and not self.missing:
            return _("Every expectation fits the partnership model.")
        return _("No expectation is known not to fit the partnership model.")

    @property
    def parts(self) -> list[str]:
        parts = []
        # Literal ngettext calls, so that makemessages finds them.
        texts = (
            (Fit.FITS, lambda n: ngettext("%(count)d fits", "%(count)d fit", n)),
            (Fit.PARTLY, lambda n: ngettext("%(count)d fits partly", "%(count)d fit partly", n)),
            (
                Fit.DOES_NOT_FIT,
                lambda n: ngettext("%(count)d does not fit", "%(count)d do not fit", n),
            ),
            (
                Fit.UNKNOWN,
                lambda n: ngettext("%(count)d not assessed", "%(count)d not assessed", n),
            ),
        )
        for value, text in texts:
            count = self.counts.get(value, 0)
            if count:
                parts.append(text(count) % {"count": count})
        if self.missing:
            parts.append(
                ngettext("%(count)d not stated", "%(count)d not stated", self.missing)
                % {"count": self.missing}
            )
        return parts


def fit_grid(
    partnership: Partnership, members: list[PartnershipMember], writable_ids=()
) -> tuple[list[FitLine], FitSummary]:
    """Members × dimensions, with what each expects and whether the model fits (one query)."""
    found = {
        (e.member_id, e.dimension): e
        for e in FitExpectation.objects.filter(partnership=partnership)
    }
    lines = []
    counts: dict[str, int] = defaultdict(int)
    missing = 0
    for member in members:
        cells = [found.get((member.pk, d.value)) for d in DIMENSIONS]
        for cell in cells:
            if cell is None:
                missing += 1
            else:
                counts[cell.fit] += 1
        lines.append(FitLine(member, cells, member.pk in writable_ids))
    return lines, FitSummary(dict(counts), missing)


# --- rounds ----------------------------------------------------------------------------------


@dataclass
class IndicatorValue:
    indicator: Indicator
    value: str  # formatted, "—" when nothing was measured
    period_end: object = None
    subject: str = ""  # "partnership" or "workspace"


@dataclass
class ScoreCell:
    score: EvaluationScore
    indicators: list[IndicatorValue] = field(default_factory=list)


@dataclass
class RoundLine:
    member: PartnershipMember
    cells: list[ScoreCell | None]  # one per dimension
    writable: bool = False

    @property
    def scored(self) -> int:
        return sum(1 for cell in self.cells if cell is not None)


@dataclass
class Round:
    evaluation: Evaluation
    lines: list[RoundLine]
    averages: list[Decimal | None]  # per dimension, members' mean
    average: Decimal | None  # every score of the round

    @property
    def scored(self) -> int:
        return sum(line.scored for line in self.lines)


def latest_indicator_values(partnership: Partnership, indicators) -> dict[int, IndicatorValue]:
    """Each indicator's latest measured value for the partnership, else for the workspace
    (one query). Qualitative indicators show "—" (their observations are on the impact pages).
    """
    indicators = {i.pk: i for i in indicators}
    if not indicators:
        return {}
    readings = measurement_readings(
        list(indicators), subject_keys=[("partnership", partnership.pk), (WORKSPACE, None)]
    )
    own = f"partnership:{partnership.pk}"
    values = {}
    for pk, indicator in indicators.items():
        counted = [r for r in readings.get(pk, []) if r.counts(indicator.aggregation)]
        preferred = [r for r in counted if r.subject == own] or counted
        if not preferred:
            values[pk] = IndicatorValue(indicator, "—")
            continue
        latest = max(preferred, key=lambda r: r.recency)
        result = rollup.combine(
            indicator.aggregation, [latest], percentage=indicator.ratio_as_percentage
        )
        values[pk] = IndicatorValue(
            indicator,
            format_value(result.value, indicator),
            latest.end,
            "partnership" if latest.subject == own else WORKSPACE,
        )
    return values


def evaluation_rounds(
    partnership: Partnership, members: list[PartnershipMember], writable_ids=()
) -> list[Round]:
    """Every round, oldest first, with each member's scores and the averages (3 queries + 1
    for the indicators' readings)."""
    scores = EvaluationScore.objects.prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("code", "id"))
    )
    evaluations = list(
        Evaluation.objects.filter(partnership=partnership)
        .order_by("evaluated_on", "id")
        .prefetch_related(Prefetch("scores", queryset=scores))
    )
    linked = {i.pk: i for e in evaluations for s in e.scores.all() for i in s.indicators.all()}
    values = latest_indicator_values(partnership, linked.values())
    rounds = []
    for evaluation in evaluations:
        by_cell = {(s.member_id, s.dimension): s for s in evaluation.scores.all()}
        lines = []
        for member in members:
            cells = []
            for dimension in DIMENSIONS:
                score = by_cell.get((member.pk, dimension.value))
                cells.append(
                    None
                    if score is None
                    else ScoreCell(score, [values[i.pk] for i in score.indicators.all()])
                )
            lines.append(RoundLine(member, cells, member.pk in writable_ids))
        all_scores = list(by_cell.values())
        rounds.append(
            Round(
                evaluation,
                lines,
                [
                    average([s.score for s in all_scores if s.dimension == d.value])
                    for d in DIMENSIONS
                ],
                average([s.score for s in all_scores]),
            )
        )
    return rounds


def chart_labels() -> dict[str, str]:
    """Short names of the dimensions, so that the chart's legend fits on one line."""
    return {
        Dimension.ASSOCIATION_VALUE: _("Value for the association"),
        Dimension.COMPANY_RETURN: _("Return for the company"),
        Dimension.COMMON_GOOD: _("Common good"),
    }


def history_chart(partnership: Partnership, rounds: list[Round]) -> Chart | None:
    """The average score per dimension over the rounds that have scores (1–5 scale)."""
    scored = [r for r in rounds if r.average is not None]
    if not scored:
        return None
    labels = [date_format(r.evaluation.evaluated_on, "SHORT_DATE_FORMAT") for r in scored]
    short = chart_labels()
    series = {
        short[dimension]: [r.averages[index] for r in scored]
        for index, dimension in enumerate(DIMENSIONS)
    }
    return line_chart(
        _("Average score per dimension over time (1 to 5)"),
        labels,
        series,
        category_label=_("Evaluation"),
        value_label=_("Average score (1–5)"),
        chart_id=f"chart-partnership-{partnership.pk}-evaluations",
        y_range=(0.8, 5.2),
    )
