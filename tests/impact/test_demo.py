"""The demo indicators (`impact.demo.seed`, run by `manage.py seed_demo` after the registry)."""

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from maillage.impact import demo, selectors
from maillage.impact.models import (
    ADDITIVE,
    Aggregation,
    Direction,
    Frequency,
    Indicator,
    Kind,
    Measurement,
    MeasurementBreakdown,
    SdgTarget,
    Target,
    TrackedIndicator,
)
from tests.factories import ActorFactory, UserFactory

TODAY = date(2026, 11, 30)  # the last complete month is October 2026
YEAR_2025 = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture
def alliance(workspace):
    return (
        ActorFactory(workspace=workspace, name="Les Jardins du Lien"),
        ActorFactory(workspace=workspace, name="Trait d'Union Emploi"),
    )


@pytest.fixture
def seeded(workspace, alliance):
    users = {u.email: u for u in UserFactory.create_batch(4)}
    with scope(workspace=workspace):
        created = demo.seed(workspace, users, today=TODAY)
    return workspace, users, created


def _snapshot(workspace):
    with scope(workspace=workspace):
        return (
            sorted(Indicator.objects.filter(workspace=workspace).values_list("code", "version")),
            sorted(
                TrackedIndicator.objects.filter(workspace=workspace).values_list(
                    "indicator__code", "subject_kind", "subject_id"
                )
            ),
            sorted(
                Target.objects.filter(workspace=workspace).values_list(
                    "tracked_id", "period_start", "value", "text"
                )
            ),
            sorted(
                Measurement.objects.filter(workspace=workspace).values_list(
                    "tracked_id", "period_start", "status", "value", "numerator", "text_value"
                )
            ),
            MeasurementBreakdown.objects.filter(workspace=workspace).count(),
        )


def test_about_25_indicators_of_every_kind(seeded):
    workspace, _users, created = seeded
    with scope(workspace=workspace):
        indicators = list(Indicator.objects.filter(workspace=workspace))
        assert 24 <= len(indicators) <= 28
        assert created["indicators"] == len(indicators)
        assert {i.aggregation for i in indicators} == set(Aggregation.values)
        assert {i.kind for i in indicators} == set(Kind.values)
        assert {i.direction for i in indicators} == set(Direction.values)
        assert {i.frequency for i in indicators} >= {"month", "quarter", "year"}
        assert any(i.is_ratio and not i.ratio_as_percentage for i in indicators)
        assert all(i.method and i.definition for i in indicators)
        assert all(i.sdg_list for i in indicators)
        assert "IRIS+ PI2822" in {c for i in indicators for c in i.external_code_list}
        with_dimensions = [i for i in indicators if i.dimensions.exists()]
        assert len(with_dimensions) >= 6
        names = {d.name for i in with_dimensions for d in i.dimensions.all()}
        assert {"Gender", "Age band", "Territory"} <= names
        # No SDG reference loaded: goals only.
        assert not any(i.sdg_targets.exists() for i in indicators)


def test_followed_for_the_workspace_and_both_associations(seeded, alliance):
    workspace, _users, created = seeded
    with scope(workspace=workspace):
        tracks = list(TrackedIndicator.objects.filter(workspace=workspace))
        assert created["tracked"] == len(tracks)
        subjects = Counter((t.subject_kind, t.subject_id) for t in tracks)
        assert subjects[("workspace", None)] == Indicator.objects.count()
        assert subjects[("actor", alliance[0].pk)] >= 12
        assert subjects[("actor", alliance[1].pk)] >= 12
        assert set(subjects) == {
            ("workspace", None),
            ("actor", alliance[0].pk),
            ("actor", alliance[1].pk),
        }


def test_two_years_of_targets_and_measurements(seeded):
    workspace, _users, _created = seeded
    with scope(workspace=workspace):
        periods = defaultdict(set)
        for code, start, end in Measurement.objects.values_list(
            "indicator__code", "period_start", "period_end"
        ):
            periods[code].add((start, end))
        monthly = periods["EMP-01"]
        assert len(monthly) == 22  # January 2025 to October 2026
        assert min(monthly)[0] == date(2025, 1, 1)
        assert max(monthly)[1] == date(2026, 10, 31)
        assert max(periods["SAT-01"])[1] == date(2026, 9, 30)
        assert periods["GOV-02"] == {YEAR_2025}
        assert all(end < TODAY for found in periods.values() for _start, end in found)
        assert Measurement.objects.count() > 600
        targets = Target.objects.filter(indicator__code="EMP-01")
        assert targets.filter(period_end=date(2026, 12, 31)).exists()  # to the end of the year
        qualitative = Target.objects.filter(indicator__kind=Kind.QUALITATIVE)
        assert qualitative.exists() and all(t.text and t.value is None for t in qualitative)
        assert not Target.objects.filter(indicator__direction=Direction.NONE).exists()


def test_measurements_are_what_the_services_would_write(seeded):
    workspace, users, _created = seeded
    with scope(workspace=workspace):
        measurements = list(Measurement.objects.select_related("indicator", "tracked"))
        for m in measurements:
            assert m.indicator_id == m.tracked.indicator_id
            m.full_clean(
                exclude=["workspace", "created_by", "tracked", "indicator", "measured_by"],
                validate_unique=False,
            )
            if not m.is_measured:
                assert m.value is None and m.numerator is None and not m.text_value
                assert m.narrative  # the reason
            elif m.indicator.kind == Kind.QUALITATIVE:
                assert m.text_value and m.value is None
            elif m.indicator.is_ratio:
                scale = Decimal(100) if m.indicator.ratio_as_percentage else Decimal(1)
                expected = (m.numerator * scale / m.denominator).quantize(Decimal("0.0001"))
                assert m.value == expected
            else:
                assert m.value is not None
            assert m.measured_on and m.period_end <= m.measured_on <= TODAY
            assert m.measured_by in users.values()
            if m.evidence_url:
                assert m.evidence_url.startswith("https://example.org/")
        not_measured = [m for m in measurements if not m.is_measured]
        assert 4 <= len(not_measured) <= 12
        assert sum(bool(m.narrative) for m in measurements) > 100
        assert sum(bool(m.evidence_url) for m in measurements) > 100
        satisfaction = [m.value for m in measurements if m.indicator.code == "SAT-01" and m.value]
        assert all(0 <= v <= 10 for v in satisfaction)


def test_breakdowns_add_up_for_sums_and_running_totals(seeded):
    workspace, _users, _created = seeded
    with scope(workspace=workspace):
        parts = defaultdict(lambda: defaultdict(Decimal))
        for measurement_id, dimension_id, value in MeasurementBreakdown.objects.values_list(
            "measurement_id", "category__dimension_id", "value"
        ):
            parts[measurement_id][dimension_id] += value
        checked = 0
        measurements = Measurement.objects.filter(status="measured").select_related("indicator")
        dimensions = {
            i.pk: {d.pk for d in i.dimensions.all()}
            for i in Indicator.objects.prefetch_related("dimensions")
        }
        for m in measurements:
            if m.indicator.aggregation not in ADDITIVE or not dimensions[m.indicator_id]:
                continue
            if m.value == 0:
                continue
            assert set(parts[m.pk]) == dimensions[m.indicator_id], m.indicator.code
            assert all(total == m.value for total in parts[m.pk].values()), m.indicator.code
            checked += 1
        assert checked > 250
        # Running totals never go down, breakdowns included.
        for tracked in TrackedIndicator.objects.filter(indicator__code="NUM-01"):
            values = list(
                tracked.measurements.order_by("period_start").values_list("value", flat=True)
            )
            assert values == sorted(values)


def test_roll_ups_over_2025_have_figures(seeded):
    workspace, _users, _created = seeded
    with scope(workspace=workspace):
        indicators = list(Indicator.objects.filter(workspace=workspace))
        summaries = selectors.summaries(indicators, *YEAR_2025)
        quantitative = [s for s in summaries if s.indicator.is_quantitative]
        assert all(s.actual.value is not None for s in quantitative), [
            s.indicator.code for s in quantitative if s.actual.value is None
        ]
        assert all(s.actual.subjects >= 1 for s in quantitative)
        assert sum(s.target.value is not None for s in quantitative) >= 18
        assert {s.progress.status for s in quantitative if s.progress} >= {"met", "behind"}
        people = next(s for s in summaries if s.indicator.code == "EMP-01")
        assert people.actual.subjects == 3 and people.actual.value > 500
        rate = next(s for s in summaries if s.indicator.code == "EMP-02")
        assert 30 < rate.actual.value < 80
        series = selectors.indicator_series(
            next(i for i in indicators if i.code == "NUM-01"), start=YEAR_2025[0], end=TODAY
        )
        assert [f.actual.value for f in series[:22]] == sorted(f.actual.value for f in series[:22])
        gender = selectors.breakdown_figures(
            next(i for i in indicators if i.code == "EMP-01"), *YEAR_2025
        )
        assert sum(row.value for row in gender[0].rows) == people.actual.value


def test_idempotent(seeded, alliance):
    workspace, users, _created = seeded
    before = _snapshot(workspace)
    with CaptureQueriesContext(connection) as queries, scope(workspace=workspace):
        again = demo.seed(workspace, users, today=TODAY)
    assert set(again.values()) == {0}
    assert _snapshot(workspace) == before
    assert len(queries) < 25


def test_a_later_run_completes_what_is_missing(seeded):
    workspace, users, _created = seeded
    with scope(workspace=workspace):
        Measurement.objects.filter(indicator__code="EMP-01", period_start__year=2026).delete()
        SdgTarget.objects.create(code="8.5", goal=8, title_fr="Plein emploi", title_en="Jobs")
        created = demo.seed(workspace, users, today=date(2026, 12, 15))
        monthly = (
            TrackedIndicator.objects.filter(indicator__frequency=Frequency.MONTH)
            .filter(measurements__isnull=False)
            .distinct()
            .count()
        )
        # EMP-01's ten months of 2026 for three subjects, and November for every monthly one.
        assert created["measurements"] == 3 * 10 + monthly
        employment = Indicator.objects.get(code="EMP-01")
        assert list(employment.sdg_targets.values_list("code", flat=True)) == ["8.5"]
        assert employment.sdg_list == [8, 10]


def test_sdg_targets_are_linked_when_the_reference_is_loaded(workspace):
    SdgTarget.objects.create(code="2.4", goal=2, title_fr="Agriculture", title_en="Agriculture")
    with scope(workspace=workspace):
        demo.seed(workspace, {}, today=TODAY)
        gardens = Indicator.objects.get(code="ALI-01")
        assert list(gardens.sdg_targets.values_list("code", flat=True)) == ["2.4"]


def test_without_the_associations_the_workspace_alone(workspace):
    with scope(workspace=workspace):
        demo.seed(workspace, {}, today=TODAY)
        tracks = TrackedIndicator.objects.filter(workspace=workspace)
        assert set(tracks.values_list("subject_kind", flat=True)) == {"workspace"}
        assert tracks.count() == Indicator.objects.count()
        summaries = selectors.summaries(list(Indicator.objects.all()), *YEAR_2025)
        assert all(s.actual.value is not None for s in summaries if s.indicator.is_quantitative)
        frequencies = set(Indicator.objects.values_list("frequency", flat=True))
        assert frequencies == {Frequency.MONTH, Frequency.QUARTER, Frequency.YEAR}
