"""Reads of the impact module: readings from the database into `rollup`, and what pages,
reports and the API show of an indicator (series per period, breakdowns, SDG contributions).

Every function reads a bounded number of queries whatever the number of indicators, subjects
or periods it covers (one per table), then combines in Python (`impact.rollup`).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from maillage.core.money import format_decimal
from maillage.core.sdg import SDG_GOALS, filter_by_goal, sdg_label

from . import periods, rollup, subjects
from .models import (
    Aggregation,
    BreakdownDimension,
    Frequency,
    Indicator,
    Measurement,
    MeasurementBreakdown,
    SdgTarget,
    Target,
    TrackedIndicator,
)
from .rollup import Reading, Result

SubjectKey = tuple[str, int | None]


# --- formatting --------------------------------------------------------------------------


def format_value(value: Decimal | None, indicator: Indicator, *, unit: bool = True) -> str:
    """ "1 234 people", "75,5 %" in the active language; "—" when there is no value."""
    if value is None:
        return "—"
    text = format_decimal(value, indicator.decimal_places)
    shown = indicator.display_unit if unit else ""
    return f"{text}\u00a0{shown}" if shown else text


# --- lists -------------------------------------------------------------------------------


def indicators_for_list(workspace, *, include_archived: bool = False) -> QuerySet[Indicator]:
    queryset = Indicator.objects.filter(workspace=workspace).annotate(
        subject_count=Count("tracks", distinct=True)
    )
    if not include_archived:
        queryset = queryset.filter(is_archived=False)
    return queryset.order_by("code", "id")


def filter_indicators(
    queryset: QuerySet[Indicator],
    *,
    query: str = "",
    sdg: int | None = None,
    kind: str = "",
    subject: SubjectKey | None = None,
) -> QuerySet[Indicator]:
    if query:
        queryset = queryset.filter(
            Q(name__icontains=query) | Q(code__icontains=query) | Q(definition__icontains=query)
        )
    if sdg:
        queryset = filter_by_goal(queryset, "sdg_goals", sdg)
    if kind:
        queryset = queryset.filter(kind=kind)
    if subject is not None:
        queryset = queryset.filter(
            tracks__subject_kind=subject[0], tracks__subject_id=subject[1]
        ).distinct()
    return queryset


# --- readings ------------------------------------------------------------------------------


def subject_filter(subject_keys: Iterable[SubjectKey] | None) -> Q:
    if subject_keys is None:
        return Q()
    condition = Q(pk__in=[])
    for kind, pk in subject_keys:
        condition |= Q(tracked__subject_kind=kind, tracked__subject_id=pk)
    return condition


def _ref(kind: str, pk: int | None) -> str:
    return kind if pk is None else f"{kind}:{pk}"


def _since(since: date | None, full_history: Iterable[int], prefix: str = "") -> Q:
    """Readings whose period ends on or after `since`, except for the indicators in
    `full_history` (running totals: a subject's latest total may come from any earlier period).

    A range's figure reads no earlier reading for the other aggregations (`rollup.in_range`), so
    a page of a year reads a year of rows, not every period since the first."""
    if since is None:
        return Q()
    condition = Q(**{f"{prefix}period_end__gte": since})
    full_history = list(full_history)
    if full_history:
        condition |= Q(**{f"{prefix}indicator_id__in": full_history})
    return condition


def running_totals(indicators: Iterable[Indicator]) -> list[int]:
    """The ids of the indicators whose range figures need every earlier reading."""
    return [i.pk for i in indicators if i.aggregation == Aggregation.CUMULATIVE]


def measurement_readings(
    indicator_ids: Iterable[int],
    *,
    subject_keys: Iterable[SubjectKey] | None = None,
    until: date | None = None,
    since: date | None = None,
    full_history: Iterable[int] = (),
) -> dict[int, list[Reading]]:
    """Each indicator's measurements as readings (one query), those ending from `since` (but
    every one for the indicators in `full_history`, see `_since`) to `until`."""
    rows = Measurement.objects.filter(indicator_id__in=list(indicator_ids))
    rows = rows.filter(subject_filter(subject_keys))
    if until is not None:
        rows = rows.filter(period_end__lte=until)
    rows = rows.filter(_since(since, full_history))
    found: dict[int, list[Reading]] = defaultdict(list)
    for (
        indicator_id,
        kind,
        pk,
        start,
        end,
        value,
        numerator,
        denominator,
        order,
    ) in rows.values_list(
        "indicator_id",
        "tracked__subject_kind",
        "tracked__subject_id",
        "period_start",
        "period_end",
        "value",
        "numerator",
        "denominator",
        "id",
    ):
        found[indicator_id].append(
            Reading(_ref(kind, pk), start, end, value, numerator, denominator, order)
        )
    return found


def target_readings(
    indicator_ids: Iterable[int],
    *,
    subject_keys: Iterable[SubjectKey] | None = None,
    until: date | None = None,
    since: date | None = None,
    full_history: Iterable[int] = (),
) -> dict[int, list[Reading]]:
    """Each indicator's targets as readings (one query), bounded like `measurement_readings`."""
    rows = Target.objects.filter(indicator_id__in=list(indicator_ids), value__isnull=False)
    rows = rows.filter(subject_filter(subject_keys))
    if until is not None:
        rows = rows.filter(period_end__lte=until)
    rows = rows.filter(_since(since, full_history))
    found: dict[int, list[Reading]] = defaultdict(list)
    for indicator_id, kind, pk, start, end, value, order in rows.values_list(
        "indicator_id",
        "tracked__subject_kind",
        "tracked__subject_id",
        "period_start",
        "period_end",
        "value",
        "id",
    ):
        found[indicator_id].append(Reading(_ref(kind, pk), start, end, value, order=order))
    return found


# --- one figure per indicator over a range ---------------------------------------------------


@dataclass
class Summary:
    """An indicator's figure over a range, with its target and how they compare."""

    indicator: Indicator
    actual: Result
    target: Result
    progress: rollup.Progress | None
    #: The target is that of the periods up to the last one measured (a year's figure to
    #: date is compared with the year's target to date): the end of that range, or None.
    target_until: date | None = None
    #: Qualitative indicators: the latest observation of the range, and how many there are.
    latest_text: str = ""
    observations: int = 0

    @property
    def actual_display(self) -> str:
        return format_value(self.actual.value, self.indicator)

    @property
    def target_display(self) -> str:
        return format_value(self.target.value, self.indicator)


def summaries(
    indicators: Sequence[Indicator],
    start: date,
    end: date,
    *,
    subject_keys: Iterable[SubjectKey] | None = None,
) -> list[Summary]:
    """The roll-up of each indicator over [start, end] (two queries for any number)."""
    indicators = list(indicators)
    ids = [i.pk for i in indicators]
    keys = list(subject_keys) if subject_keys is not None else None
    bounds = {"until": end, "since": start, "full_history": running_totals(indicators)}
    actuals = measurement_readings(ids, subject_keys=keys, **bounds)
    targets = target_readings(ids, subject_keys=keys, **bounds)
    found = summaries_from_readings(indicators, actuals, targets, start, end)
    qualitative = [i.pk for i in indicators if not i.is_quantitative]
    if qualitative:
        observations = _observations(qualitative, start, end, keys)
        for summary in found:
            texts = observations.get(summary.indicator.pk, [])
            summary.latest_text = texts[0] if texts else ""
            summary.observations = len(texts)
    return found


def _observations(indicator_ids, start, end, subject_keys) -> dict[int, list[str]]:
    """The texts of qualitative measurements in [start, end], newest first (one query)."""
    rows = Measurement.objects.filter(
        indicator_id__in=indicator_ids,
        status=Measurement.Status.MEASURED,
        period_end__gte=start,
        period_end__lte=end,
    ).filter(subject_filter(subject_keys))
    found: dict[int, list[str]] = defaultdict(list)
    for indicator_id, text in rows.order_by("-period_end", "-id").values_list(
        "indicator_id", "text_value"
    ):
        found[indicator_id].append(text)
    return found


def summaries_from_readings(
    indicators: Sequence[Indicator],
    actuals: dict[int, list[Reading]],
    targets: dict[int, list[Reading]],
    start: date,
    end: date,
) -> list[Summary]:
    """`summaries` from readings already read (by indicator id, up to `end` at least)."""
    found = []
    for indicator in indicators:
        percentage = indicator.ratio_as_percentage
        actual = rollup.combine_range(
            indicator.aggregation, actuals.get(indicator.pk, []), start, end, percentage=percentage
        )
        measured = [
            r.end
            for r in rollup.in_range(
                indicator.aggregation, actuals.get(indicator.pk, []), start, end
            )
            if r.counts(indicator.aggregation) and r.end >= start
        ]
        until = max(measured) if measured else None
        target = rollup.combine_range(
            rollup.target_aggregation(indicator.aggregation),
            targets.get(indicator.pk, []),
            start,
            until or end,
        )
        found.append(
            Summary(
                indicator,
                actual,
                target,
                rollup.progress(actual.value, target.value, indicator.direction),
                target_until=until if until and until < end else None,
            )
        )
    return found


# --- series per period -----------------------------------------------------------------


@dataclass
class PeriodFigures:
    start: date
    end: date
    label: str
    key: str
    actual: Result
    target: Result
    progress: rollup.Progress | None


def indicator_periods(
    indicator: Indicator, readings: Iterable[Reading], start: date | None, end: date | None
) -> list[tuple[date, date]]:
    """The periods to show: calendar periods between start and end (by default those of the
    readings), or for a custom indicator the distinct periods of its readings."""
    readings = list(readings)
    if indicator.frequency == Frequency.CUSTOM:
        found = sorted({(r.start, r.end) for r in readings})
        return [
            p for p in found if (start is None or p[1] >= start) and (end is None or p[1] <= end)
        ]
    if start is None or end is None:
        if not readings:
            return []
        start = start or min(r.start for r in readings)
        end = end or max(r.end for r in readings)
    return periods.periods_between(indicator.frequency, start, end)


def indicator_series(
    indicator: Indicator,
    *,
    subject_keys: Iterable[SubjectKey] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[PeriodFigures]:
    """Actual and target of each period (the roll-up of the given subjects, or of all)."""
    keys = list(subject_keys) if subject_keys is not None else None
    actuals = measurement_readings([indicator.pk], subject_keys=keys).get(indicator.pk, [])
    targets = target_readings([indicator.pk], subject_keys=keys).get(indicator.pk, [])
    return series_from_readings(indicator, actuals, targets, start, end)


def series_from_readings(
    indicator: Indicator,
    actuals: Sequence[Reading],
    targets: Sequence[Reading],
    start: date | None,
    end: date | None,
) -> list[PeriodFigures]:
    """`indicator_series` from readings already read (reports read them for every indicator
    at once)."""
    shown = indicator_periods(indicator, [*actuals, *targets], start, end)
    percentage = indicator.ratio_as_percentage
    actual_series = rollup.series(indicator.aggregation, actuals, shown, percentage=percentage)
    target_series = rollup.series(rollup.target_aggregation(indicator.aggregation), targets, shown)
    return [
        PeriodFigures(
            period_start,
            period_end,
            periods.period_label(indicator.frequency, period_start, period_end),
            periods.period_key(indicator.frequency, period_start, period_end),
            actual,
            target,
            rollup.progress(actual.value, target.value, indicator.direction),
        )
        for (period_start, period_end), actual, target in zip(
            shown, actual_series, target_series, strict=True
        )
    ]


# --- breakdowns ------------------------------------------------------------------------------


@dataclass
class BreakdownRow:
    category: object
    result: Result

    @property
    def value(self) -> Decimal | None:
        return self.result.value


@dataclass
class DimensionFigures:
    dimension: object
    rows: list[BreakdownRow] = field(default_factory=list)


def breakdown_figures(
    indicator: Indicator,
    start: date,
    end: date,
    *,
    subject_keys: Iterable[SubjectKey] | None = None,
) -> list[DimensionFigures]:
    """Each dimension's categories, combined over [start, end] like the indicator's values."""
    return breakdowns_for([indicator], start, end, subject_keys=subject_keys).get(indicator.pk, [])


def breakdowns_for(
    indicators: Sequence[Indicator],
    start: date,
    end: date,
    *,
    subject_keys: Iterable[SubjectKey] | None = None,
) -> dict[int, list[DimensionFigures]]:
    """`breakdown_figures` of many indicators at once (four queries for any number), by
    indicator id; an indicator without dimensions is left out."""
    by_id = {indicator.pk: indicator for indicator in indicators}
    links = Indicator.dimensions.through.objects.filter(indicator_id__in=list(by_id))
    dimension_ids: dict[int, set[int]] = defaultdict(set)
    for indicator_id, dimension_id in links.values_list("indicator_id", "breakdowndimension_id"):
        dimension_ids[indicator_id].add(dimension_id)
    if not dimension_ids:
        return {}
    dimensions = list(
        BreakdownDimension.objects.filter(
            pk__in={pk for pks in dimension_ids.values() for pk in pks}
        ).prefetch_related("categories")
    )
    rows = MeasurementBreakdown.objects.filter(
        measurement__indicator_id__in=list(dimension_ids),
        category__dimension__in=dimensions,
    )
    if subject_keys is not None:
        condition = Q(pk__in=[])
        for kind, pk in subject_keys:
            condition |= Q(
                measurement__tracked__subject_kind=kind, measurement__tracked__subject_id=pk
            )
        rows = rows.filter(condition)
    rows = rows.filter(measurement__period_end__lte=end)
    rows = rows.filter(_since(start, running_totals(indicators), prefix="measurement__"))
    by_category: dict[tuple[int, int], list[Reading]] = defaultdict(list)
    for (
        indicator_id,
        category_id,
        kind,
        pk,
        period_start,
        period_end,
        value,
        order,
    ) in rows.values_list(
        "measurement__indicator_id",
        "category_id",
        "measurement__tracked__subject_kind",
        "measurement__tracked__subject_id",
        "measurement__period_start",
        "measurement__period_end",
        "value",
        "measurement_id",
    ):
        by_category[(indicator_id, category_id)].append(
            Reading(_ref(kind, pk), period_start, period_end, value, order=order)
        )
    found = {}
    for indicator_id, linked in dimension_ids.items():
        aggregation = by_id[indicator_id].aggregation
        found[indicator_id] = [
            DimensionFigures(
                dimension,
                [
                    BreakdownRow(
                        category,
                        rollup.combine_range(
                            aggregation,
                            by_category.get((indicator_id, category.pk), []),
                            start,
                            end,
                        ),
                    )
                    for category in dimension.categories.all()
                ],
            )
            for dimension in dimensions
            if dimension.pk in linked
        ]
    return found


# --- subjects ----------------------------------------------------------------------------


def tracked_with_subjects(indicator: Indicator) -> list[tuple[TrackedIndicator, subjects.Subject]]:
    """The subjects an indicator is followed for, with their names (one query per kind)."""
    tracks = list(
        TrackedIndicator.objects.filter(indicator=indicator).annotate(
            measurement_count=Count("measurements", distinct=True)
        )
    )
    resolved = subjects.resolve_many(
        indicator.workspace, [(t.subject_kind, t.subject_id) for t in tracks]
    )
    found = []
    for tracked in tracks:
        subject = resolved.get((tracked.subject_kind, tracked.subject_id))
        if subject is None:  # its object was deleted
            subject = subjects.Subject(tracked.subject_kind, tracked.subject_id, "?")
        found.append((tracked, subject))
    workspace_first = sorted(found, key=lambda pair: (pair[1].id is not None, pair[1].label))
    return workspace_first


def measurements_for_indicator(indicator: Indicator) -> QuerySet[Measurement]:
    return (
        Measurement.objects.filter(indicator=indicator)
        .select_related("tracked", "measured_by")
        .prefetch_related("breakdowns__category")
        .order_by("-period_end", "-period_start", "tracked__subject_kind", "tracked__subject_id")
    )


# --- SDG --------------------------------------------------------------------------------------


@dataclass
class GoalContribution:
    number: int
    name: str
    indicators: list[Summary] = field(default_factory=list)
    targets: dict = field(default_factory=dict)  # SdgTarget -> [Summary]

    @property
    def count(self) -> int:
        return len(self.indicators)

    @property
    def met(self) -> int:
        return sum(1 for s in self.indicators if s.progress and s.progress.status == "met")


def sdg_contributions(workspace, start: date, end: date) -> list[GoalContribution]:
    """For each of the 17 goals, the workspace's indicators linked to it (directly or through a
    target) with their roll-up over [start, end]."""
    indicators = list(
        Indicator.objects.filter(workspace=workspace, is_archived=False)
        .exclude(sdg_goals=0)
        .prefetch_related("sdg_targets")
        .order_by("code", "id")
    )
    return goal_contributions(summaries(indicators, start, end))


def goal_contributions(figures: Iterable[Summary]) -> list[GoalContribution]:
    """The 17 goals with the summaries of the indicators linked to each (directly or through a
    target; the indicators' `sdg_targets` prefetched)."""
    found = {number: GoalContribution(number, str(name)) for number, name in SDG_GOALS.items()}
    for summary in figures:
        indicator = summary.indicator
        for goal in indicator.sdg_list:
            found[goal].indicators.append(summary)
        for target in indicator.sdg_targets.all():
            found[target.goal].targets.setdefault(target, []).append(summary)
    for contribution in found.values():
        contribution.targets = dict(
            sorted(contribution.targets.items(), key=lambda item: item[0].position)
        )
    return list(found.values())


def sdg_target_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The SDG targets grouped by goal, for a select (one query), in the active language:
    `[("1. No poverty", [("1.1", "1.1 By 2030, eradicate…"), …]), …]`. The values are the
    targets' codes (their primary keys). Empty until `manage.py import_sdg` has loaded them."""
    grouped: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for target in SdgTarget.objects.order_by("goal", "position", "code"):
        grouped[target.goal].append((target.code, f"{target.code} {target.title}"))
    return [(sdg_label(goal), grouped[goal]) for goal in SDG_GOALS if goal in grouped]
