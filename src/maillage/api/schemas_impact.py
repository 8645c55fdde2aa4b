"""Schemas of the impact API (`api/impact.py`): indicators, followed subjects, targets,
measurements with their breakdowns, breakdown dimensions, SDG targets and series.

Conventions (docs/api.md, "Impact"):

- indicators, dimensions and categories are referred to by **id**; SDG targets by their
  **code** ("4.4"); a subject by its **reference** ("workspace", "actor:12"); a period by its
  **key** ("2025-Q1", "2025-03", "2025", "2025-09-01..2026-08-31");
- figures are numbers (at most 4 decimal places; a number in a string is read too, anything
  else — "N/A" — is a 422 naming the field); they are answered as JSON numbers;
- writes send `version`, the one read with the record (optimistic locking), except a creation.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from maillage.impact import periods
from maillage.impact.models import (
    VALUE_DIGITS,
    VALUE_PLACES,
    Aggregation,
    Direction,
    Frequency,
    Indicator,
    Kind,
    Measurement,
    SdgTarget,
    Target,
)

KindCode = Literal[tuple(Kind.values)]
DirectionCode = Literal[tuple(Direction.values)]
AggregationCode = Literal[tuple(Aggregation.values)]
FrequencyCode = Literal[tuple(Frequency.values)]
StatusCode = Literal[tuple(Measurement.Status.values)]
SdgGoal = Annotated[int, Field(ge=1, le=17)]
Quantity = Annotated[
    Decimal,
    Field(
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        description="A number, at most 4 decimal places.",
    ),
]
Version = Annotated[
    int, Field(ge=1, description="The version read with the record (optimistic locking).")
]
SubjectRef = Annotated[
    str,
    Field(
        max_length=60,
        description="“workspace” (the workspace itself) or “actor:12” (kind and id).",
    ),
]
PeriodKey = Annotated[
    str,
    Field(
        max_length=40,
        description="2025-Q1, 2025-03, 2025 or 2025-09-01..2026-08-31, as the indicator is "
        "measured.",
    ),
]


def number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


# --- indicators ----------------------------------------------------------------------------------


class IndicatorOut(Schema):
    id: int
    version: int
    code: str
    name: str
    definition: str
    kind: KindCode
    unit: str
    direction: DirectionCode
    aggregation: AggregationCode
    frequency: FrequencyCode
    ratio_as_percentage: bool
    decimal_places: int
    method: str
    external_codes: list[str]
    sdg_goals: list[int] = Field(description="Sustainable Development Goals, 1 to 17.")
    sdg_targets: list[str] = Field(description="Codes of SDG targets (GET …/sdg-targets).")
    dimensions: list[int] = Field(
        description="Ids of breakdown dimensions (GET …/breakdown-dimensions)."
    )
    is_archived: bool
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_external_codes(indicator: Indicator) -> list[str]:
        return indicator.external_code_list

    @staticmethod
    def resolve_sdg_goals(indicator: Indicator) -> list[int]:
        return indicator.sdg_list

    @staticmethod
    def resolve_sdg_targets(indicator: Indicator) -> list[str]:
        targets = sorted(indicator.sdg_targets.all(), key=lambda t: (t.goal, t.position))
        return [t.code for t in targets]

    @staticmethod
    def resolve_dimensions(indicator: Indicator) -> list[int]:
        return sorted(d.pk for d in indicator.dimensions.all())


class IndicatorIn(Schema):
    """A whole indicator: `POST` creates it, `PUT` replaces it (omitted fields get these
    defaults)."""

    code: str = Field(
        "", max_length=30, description="Unique in the workspace; empty: made from the name."
    )
    name: str = Field(max_length=200)
    definition: str = ""
    kind: KindCode = Kind.QUANTITATIVE.value
    unit: str = Field("", max_length=50)
    direction: DirectionCode = Direction.INCREASE.value
    aggregation: AggregationCode = Field(
        Aggregation.SUM.value, description="A qualitative indicator always takes “latest”."
    )
    frequency: FrequencyCode = Frequency.QUARTER.value
    ratio_as_percentage: bool = True
    decimal_places: int = Field(0, ge=0, le=4)
    method: str = ""
    external_codes: list[str] = []
    sdg_goals: list[SdgGoal] = []
    sdg_targets: list[str] = Field([], description="Their goals are added to `sdg_goals`.")
    dimensions: list[int] = []
    is_archived: bool = False


class IndicatorReplace(IndicatorIn):
    version: Version


class IndicatorPatch(Schema):
    """Only the fields sent change."""

    version: Version
    code: str | None = Field(None, max_length=30)
    name: str | None = Field(None, max_length=200)
    definition: str | None = None
    kind: KindCode | None = None
    unit: str | None = Field(None, max_length=50)
    direction: DirectionCode | None = None
    aggregation: AggregationCode | None = None
    frequency: FrequencyCode | None = None
    ratio_as_percentage: bool | None = None
    decimal_places: int | None = Field(None, ge=0, le=4)
    method: str | None = None
    external_codes: list[str] | None = None
    sdg_goals: list[SdgGoal] | None = None
    sdg_targets: list[str] | None = None
    dimensions: list[int] | None = None
    is_archived: bool | None = None


# --- followed subjects -----------------------------------------------------------------------


class TrackedOut(Schema):
    id: int = Field(description="Id of the following (for DELETE …/subjects/{id}).")
    subject: str = Field(description="“workspace” or “actor:12”.")
    subject_kind: str
    subject_id: int | None
    label: str = Field(description="The subject's name.")
    note: str
    measurement_count: int


class TrackedIn(Schema):
    subject: SubjectRef
    note: str = ""


# --- targets -----------------------------------------------------------------------------------


def _period(record) -> str:
    return periods.period_key(record.indicator.frequency, record.period_start, record.period_end)


class TargetOut(Schema):
    id: int
    version: int
    indicator: int
    indicator_code: str
    subject: str
    period: str
    period_start: date
    period_end: date
    value: float | None
    text: str
    note: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_indicator(target: Target) -> int:
        return target.indicator_id

    @staticmethod
    def resolve_indicator_code(target: Target) -> str:
        return target.indicator.code

    @staticmethod
    def resolve_subject(target: Target) -> str:
        return target.tracked.subject_ref

    @staticmethod
    def resolve_period(target: Target) -> str:
        return _period(target)

    @staticmethod
    def resolve_value(target: Target) -> float | None:
        return number(target.value)


class TargetIn(Schema):
    """Set the target of an indicator for a subject and a period: created, or updated when one
    is already set (then `version`, if sent, must be the stored one)."""

    indicator: int
    subject: SubjectRef = "workspace"
    period: PeriodKey
    value: Quantity | None = Field(None, description="For a quantitative indicator.")
    text: str = Field("", description="For a qualitative indicator.")
    note: str = ""
    version: Version | None = None


class TargetPatch(Schema):
    version: Version
    value: Quantity | None = None
    text: str | None = None
    note: str | None = None


# --- measurements ------------------------------------------------------------------------------


class BreakdownIn(Schema):
    category: int = Field(description="Id of a category (GET …/breakdown-dimensions).")
    value: Quantity


class BreakdownOut(Schema):
    category: int
    category_name: str
    dimension: int
    dimension_name: str
    value: float


class MeasurementOut(Schema):
    id: int
    version: int
    indicator: int
    indicator_code: str
    subject: str
    period: str
    period_start: date
    period_end: date
    status: StatusCode
    value: float | None = Field(description="For a ratio: numerator ÷ denominator (× 100).")
    numerator: float | None
    denominator: float | None
    text_value: str = Field(description="The observation of a qualitative indicator.")
    narrative: str
    evidence_url: str
    evidence_name: str = Field(description="Name of the attached file, if any (pages only).")
    measured_on: date | None
    measured_by: str | None = Field(description="Full name of who recorded it.")
    breakdowns: list[BreakdownOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_indicator(measurement: Measurement) -> int:
        return measurement.indicator_id

    @staticmethod
    def resolve_indicator_code(measurement: Measurement) -> str:
        return measurement.indicator.code

    @staticmethod
    def resolve_subject(measurement: Measurement) -> str:
        return measurement.tracked.subject_ref

    @staticmethod
    def resolve_period(measurement: Measurement) -> str:
        return _period(measurement)

    @staticmethod
    def resolve_value(measurement: Measurement) -> float | None:
        return number(measurement.value)

    @staticmethod
    def resolve_numerator(measurement: Measurement) -> float | None:
        return number(measurement.numerator)

    @staticmethod
    def resolve_denominator(measurement: Measurement) -> float | None:
        return number(measurement.denominator)

    @staticmethod
    def resolve_measured_by(measurement: Measurement) -> str | None:
        user = measurement.measured_by
        return None if user is None else (user.full_name or user.email)

    @staticmethod
    def resolve_breakdowns(measurement: Measurement) -> list[dict]:
        return [
            {
                "category": part.category_id,
                "category_name": part.category.name,
                "dimension": part.category.dimension_id,
                "dimension_name": part.category.dimension.name,
                "value": float(part.value),
            }
            for part in measurement.breakdowns.all()
        ]


class MeasurementIn(Schema):
    """A measurement of one indicator for one subject and one period."""

    indicator: int
    subject: SubjectRef = "workspace"
    period: PeriodKey
    status: StatusCode = Measurement.Status.MEASURED.value
    value: Quantity | None = Field(None, description="Quantitative indicator (not a ratio).")
    numerator: Quantity | None = Field(None, description="Ratio only.")
    denominator: Quantity | None = Field(None, description="Ratio only.")
    text_value: str = Field("", description="Qualitative indicator: what was observed.")
    narrative: str = ""
    evidence_url: str = Field("", max_length=500)
    measured_on: date | None = Field(None, description="Default: today.")
    breakdowns: list[BreakdownIn] = Field(
        [], description="For a sum or running total, each dimension adds up to the value."
    )


class MeasurementPatch(Schema):
    """Only the fields sent change (the period stays). Sending `status: not_measured` empties
    the figures; `breakdowns` replaces them all ([] removes them)."""

    version: Version
    status: StatusCode | None = None
    value: Quantity | None = None
    numerator: Quantity | None = None
    denominator: Quantity | None = None
    text_value: str | None = None
    narrative: str | None = None
    evidence_url: str | None = Field(None, max_length=500)
    measured_on: date | None = None
    breakdowns: list[BreakdownIn] | None = None


# --- reference lists -------------------------------------------------------------------------


class CategoryOut(Schema):
    id: int
    name: str
    position: int


class DimensionOut(Schema):
    id: int
    name: str
    position: int
    categories: list[CategoryOut]

    @staticmethod
    def resolve_categories(dimension) -> list:
        return list(dimension.categories.all())


class SdgTargetOut(Schema):
    id: str = Field(description="The target's code (its identifier).")
    code: str
    goal: int
    title: str = Field(description="In the caller's language.")
    title_fr: str
    title_en: str

    @staticmethod
    def resolve_id(target: SdgTarget) -> str:
        return target.code


# --- series ----------------------------------------------------------------------------------


class ProgressOut(Schema):
    status: Literal["met", "behind", "neutral"]
    percent: float | None = Field(description="The actual as a percentage of the target.")


class SeriesPeriodOut(Schema):
    period: str
    label: str
    start: date
    end: date
    actual: float | None
    target: float | None
    progress: ProgressOut | None
    numerator: float | None = Field(description="Ratio: the sum of the numerators.")
    denominator: float | None = Field(description="Ratio: the sum of the denominators.")
    readings: int = Field(description="Measurements that counted.")
    subjects: int = Field(description="Subjects that contributed.")
    not_measured: int = Field(description="Measurements saying “not measured this period”.")


class SeriesOut(Schema):
    indicator: int
    code: str
    unit: str = Field(description="The unit shown (“%” for a ratio as a percentage).")
    frequency: FrequencyCode
    aggregation: AggregationCode
    direction: DirectionCode
    subjects: list[str] | None = Field(description="The subjects rolled up; null: all of them.")
    periods: list[SeriesPeriodOut]
