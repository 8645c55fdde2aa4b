"""How readings combine, across periods and across subjects. Pure functions on plain data:
the selectors feed them from the database, the property tests feed them anything.

A *reading* is one subject's value for one period (a measurement or a target). Combining the
readings of a set of subjects over a range of periods follows the indicator's aggregation:

- **sum** (a flow): the sum of the values.
- **average** (a score, a level): the mean of the values, each subject-period counting once.
- **latest**: the value of the most recent reading (latest period end, then latest start, then
  the last recorded), whichever subject it comes from.
- **cumulative** (a running total since the start): for each subject its most recent running
  total up to the end of the range (carried forward when it did not report in a period), then
  the sum of those totals over subjects. Values are never added up across periods.
- **ratio**: the sum of the numerators divided by the sum of the denominators (× 100 as a
  percentage), never an average of ratios.

A reading without a value ("not measured this period") counts in `not_measured` and nowhere
else. Averages and ratios are rounded half-up to four decimal places (the stored precision); sums
are exact. See docs/impact.md, "Roll-up".
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .models import VALUE_PLACES, Aggregation

QUANTUM = Decimal(1).scaleb(-VALUE_PLACES)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Reading:
    subject: str  # "workspace", "actor:12"…
    start: date
    end: date
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    order: int = 0  # among readings of the same period, a higher order is more recent

    def counts(self, aggregation: str) -> bool:
        """Whether it carries a figure: numerator and denominator for a ratio, else a value."""
        if aggregation == Aggregation.RATIO:
            return self.numerator is not None and self.denominator is not None
        return self.value is not None

    @property
    def recency(self) -> tuple:
        return (self.end, self.start, self.order, self.subject)


@dataclass(frozen=True)
class Result:
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    readings: int = 0  # readings that counted
    subjects: int = 0  # subjects that contributed at least one of them
    not_measured: int = 0  # readings that say "not measured this period"

    @property
    def is_empty(self) -> bool:
        return self.value is None


EMPTY = Result(value=None)


def _round(value: Decimal) -> Decimal:
    return value.quantize(QUANTUM, rounding=ROUND_HALF_UP)


def _ratio(numerator: Decimal, denominator: Decimal, percentage: bool) -> Decimal | None:
    if denominator == 0:
        return None
    scale = HUNDRED if percentage else Decimal(1)
    return _round(numerator * scale / denominator)


def _latest_per_subject(readings: Iterable[Reading]) -> list[Reading]:
    latest: dict[str, Reading] = {}
    for reading in readings:
        kept = latest.get(reading.subject)
        if kept is None or reading.recency > kept.recency:
            latest[reading.subject] = reading
    return list(latest.values())


def combine(aggregation: str, readings: Iterable[Reading], *, percentage: bool = False) -> Result:
    """Combine readings (any subjects, any periods) into one figure."""
    readings = list(readings)
    counted = [r for r in readings if r.counts(aggregation)]
    not_measured = len(readings) - len(counted)
    if aggregation == Aggregation.CUMULATIVE:
        counted = _latest_per_subject(counted)
    if not counted:
        return Result(value=None, not_measured=not_measured)
    subjects = len({r.subject for r in counted})
    numerator = denominator = None
    if aggregation in (Aggregation.SUM, Aggregation.CUMULATIVE):
        value = sum((r.value for r in counted), Decimal(0))
    elif aggregation == Aggregation.AVERAGE:
        value = _round(sum((r.value for r in counted), Decimal(0)) / len(counted))
    elif aggregation == Aggregation.LATEST:
        value = max(counted, key=lambda r: r.recency).value
    elif aggregation == Aggregation.RATIO:
        numerator = sum((r.numerator for r in counted), Decimal(0))
        denominator = sum((r.denominator for r in counted), Decimal(0))
        value = _ratio(numerator, denominator, percentage)
    else:
        raise ValueError(f"Unknown aggregation {aggregation!r}")
    return Result(
        value=value,
        numerator=numerator,
        denominator=denominator,
        readings=len(counted),
        subjects=subjects,
        not_measured=not_measured,
    )


def in_range(
    aggregation: str, readings: Iterable[Reading], start: date, end: date
) -> list[Reading]:
    """The readings that count for the range [start, end].

    A reading counts in the range where its own period ends. A running total (cumulative) also
    counts the readings before the range: each subject's latest total up to `end` is what it
    has reached.
    """
    if aggregation == Aggregation.CUMULATIVE:
        return [r for r in readings if r.end <= end]
    return [r for r in readings if start <= r.end <= end]


def combine_range(
    aggregation: str,
    readings: Iterable[Reading],
    start: date,
    end: date,
    *,
    percentage: bool = False,
) -> Result:
    """The figure of the range [start, end]."""
    return combine(aggregation, in_range(aggregation, readings, start, end), percentage=percentage)


def series(
    aggregation: str,
    readings: Iterable[Reading],
    periods: Sequence[tuple[date, date]],
    *,
    percentage: bool = False,
) -> list[Result]:
    """One figure per period, in the order of `periods`.

    For a running total, a period where nobody reported shows the totals reached so far; the
    other aggregations show nothing for such a period.
    """
    readings = sorted(readings, key=lambda r: r.end)
    return [
        combine_range(aggregation, readings, start, end, percentage=percentage)
        for start, end in periods
    ]


def target_aggregation(aggregation: str) -> str:
    """How targets combine: like the values, except that a target rate has no numerator, so
    the targets of a ratio combine as their average."""
    return Aggregation.AVERAGE if aggregation == Aggregation.RATIO else aggregation


@dataclass(frozen=True)
class Progress:
    status: str  # "met", "behind" or "neutral"
    percent: Decimal | None  # the actual as a percentage of the target, when it reads so


def progress(actual: Decimal | None, target: Decimal | None, direction: str) -> Progress | None:
    """How the actual compares with the target, given whether higher or lower is better."""
    if actual is None or target is None:
        return None
    percent = (
        (actual * HUNDRED / target).quantize(Decimal(1), rounding=ROUND_HALF_UP) if target else None
    )
    if direction == "increase":
        return Progress("met" if actual >= target else "behind", percent)
    if direction == "decrease":
        return Progress("met" if actual <= target else "behind", percent)
    return Progress("neutral", percent)
