"""Impact writes: indicators, following, targets and measurements, with their checks."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope

from maillage.core.exceptions import StaleObjectError
from maillage.impact import services
from maillage.impact.models import Measurement, TrackedIndicator
from tests.factories import ActorFactory, BreakdownCategoryFactory, BreakdownDimensionFactory

Q1 = (date(2025, 1, 1), date(2025, 3, 31))


@pytest.fixture
def gender(workspace):
    dimension = BreakdownDimensionFactory(workspace=workspace, name="Genre")
    women = BreakdownCategoryFactory(workspace=workspace, dimension=dimension, name="Femmes")
    men = BreakdownCategoryFactory(workspace=workspace, dimension=dimension, name="Hommes")
    return dimension, women, men


def _indicator(workspace, user, **fields):
    fields = {
        "name": "Personnes accompagnées",
        "unit": "personnes",
        "aggregation": "sum",
        "frequency": "quarter",
        **fields,
    }
    return services.indicator_create(workspace=workspace, user=user, **fields)


def test_a_new_indicator_is_followed_for_the_workspace_with_a_generated_code(workspace, owner):
    with scope(workspace=workspace):
        indicator = _indicator(workspace, owner.user)
        tracked = TrackedIndicator.objects.get(indicator=indicator)
        assert (tracked.subject_kind, tracked.subject_id) == ("workspace", None)
        assert indicator.code == "PERSONNES-ACCOMPAGNE"
        other = _indicator(workspace, owner.user)
        assert other.code == "PERSONNES-ACCOMPAGNE-2"


def test_breakdowns_must_add_up_for_a_sum(workspace, owner, gender):
    dimension, women, men = gender
    with scope(workspace=workspace):
        indicator = _indicator(workspace, owner.user, dimensions=[dimension])
        tracked = indicator.tracks.get()
        with pytest.raises(ValidationError) as error:
            services.measurement_create(
                tracked,
                user=owner.user,
                period_start=Q1[0],
                period_end=Q1[1],
                value=Decimal(21),
                breakdowns={women: Decimal(12), men: Decimal(8)},
            )
        assert "add up to 20 but the total is 21" in str(error.value)
        assert not Measurement.objects.exists()
        measurement = services.measurement_create(
            tracked,
            user=owner.user,
            period_start=Q1[0],
            period_end=Q1[1],
            value=Decimal(20),
            breakdowns={women: Decimal(12), men: Decimal(8)},
        )
        assert sorted(b.value for b in measurement.breakdowns.all()) == [8, 12]


def test_average_breakdowns_need_not_add_up(workspace, owner, gender):
    dimension, women, men = gender
    with scope(workspace=workspace):
        indicator = _indicator(workspace, owner.user, aggregation="average", dimensions=[dimension])
        measurement = services.measurement_create(
            indicator.tracks.get(),
            user=owner.user,
            period_start=Q1[0],
            period_end=Q1[1],
            value=Decimal("7.5"),
            breakdowns={women: Decimal(8), men: Decimal(7)},
        )
        assert measurement.breakdowns.count() == 2


def test_period_must_match_the_frequency(workspace, owner):
    with scope(workspace=workspace):
        tracked = _indicator(workspace, owner.user).tracks.get()
        with pytest.raises(ValidationError) as error:
            services.measurement_create(
                tracked,
                user=owner.user,
                period_start=date(2025, 1, 1),
                period_end=date(2025, 2, 28),
                value=Decimal(3),
            )
        assert "takes whole periods (quarterly, e.g. Q1 2025)" in str(error.value)


def test_not_measured_is_explicit_and_has_no_value(workspace, owner):
    with scope(workspace=workspace):
        tracked = _indicator(workspace, owner.user).tracks.get()
        with pytest.raises(ValidationError):
            services.measurement_create(
                tracked,
                user=owner.user,
                period_start=Q1[0],
                period_end=Q1[1],
                status="not_measured",
                value=Decimal(3),
            )
        measurement = services.measurement_create(
            tracked,
            user=owner.user,
            period_start=Q1[0],
            period_end=Q1[1],
            status="not_measured",
            narrative="Enquête reportée",
        )
        assert measurement.value is None
        with pytest.raises(ValidationError, match="already exists"):
            services.measurement_create(
                tracked,
                user=owner.user,
                period_start=Q1[0],
                period_end=Q1[1],
                value=Decimal(1),
            )


def test_ratio_stores_numerator_denominator_and_value(workspace, owner):
    with scope(workspace=workspace):
        tracked = _indicator(
            workspace, owner.user, aggregation="ratio", unit="", ratio_as_percentage=True
        ).tracks.get()
        with pytest.raises(ValidationError, match="cannot be zero"):
            services.measurement_create(
                tracked,
                user=owner.user,
                period_start=Q1[0],
                period_end=Q1[1],
                numerator=Decimal(3),
                denominator=Decimal(0),
            )
        measurement = services.measurement_create(
            tracked,
            user=owner.user,
            period_start=Q1[0],
            period_end=Q1[1],
            numerator=Decimal(45),
            denominator=Decimal(60),
        )
        assert measurement.value == Decimal("75.0000")


def test_a_stale_edit_is_refused_and_writes_nothing(workspace, owner):
    with scope(workspace=workspace):
        tracked = _indicator(workspace, owner.user).tracks.get()
        measurement = services.measurement_create(
            tracked, user=owner.user, period_start=Q1[0], period_end=Q1[1], value=Decimal(5)
        )
        services.measurement_update(
            measurement, user=owner.user, expected_version=1, value=Decimal(6)
        )
        with pytest.raises(StaleObjectError):
            services.measurement_update(
                Measurement.objects.get(pk=measurement.pk),
                user=owner.user,
                expected_version=1,
                value=Decimal(7),
            )
        assert Measurement.objects.get(pk=measurement.pk).value == 6


def test_an_actor_of_another_workspace_cannot_be_a_subject(workspace, other_workspace, owner):
    foreign = ActorFactory(workspace=other_workspace)
    mine = ActorFactory(workspace=workspace)
    with scope(workspace=workspace):
        indicator = _indicator(workspace, owner.user)
        with pytest.raises(ValidationError, match="No actor"):
            services.indicator_track(
                indicator, user=owner.user, subject_kind="actor", subject_id=foreign.pk
            )
        tracked = services.indicator_track(
            indicator, user=owner.user, subject_kind="actor", subject_id=mine.pk
        )
        assert tracked.subject_ref == f"actor:{mine.pk}"
        again = services.indicator_track(
            indicator, user=owner.user, subject_kind="actor", subject_id=mine.pk
        )
        assert again.pk == tracked.pk


def test_the_kind_cannot_change_once_measured(workspace, owner):
    with scope(workspace=workspace):
        indicator = _indicator(workspace, owner.user)
        services.measurement_create(
            indicator.tracks.get(),
            user=owner.user,
            period_start=Q1[0],
            period_end=Q1[1],
            value=Decimal(5),
        )
        with pytest.raises(ValidationError, match="Create a new indicator"):
            services.indicator_update(
                indicator, user=owner.user, expected_version=indicator.version, aggregation="ratio"
            )
        services.indicator_update(
            indicator, user=owner.user, expected_version=indicator.version, aggregation="average"
        )


def test_what_the_kind_has_no_use_for_is_refused_not_dropped(workspace, owner):
    with scope(workspace=workspace):
        text = _indicator(workspace, owner.user, kind="qualitative", name="Bilan").tracks.get()
        figure = _indicator(workspace, owner.user, name="Personnes").tracks.get()
        with pytest.raises(ValidationError) as error:
            services.measurement_create(
                text, user=owner.user, period_start=Q1[0], period_end=Q1[1], value=Decimal(3)
            )
        assert "is qualitative: write a text" in str(error.value)
        with pytest.raises(ValidationError) as error:
            services.measurement_create(
                figure,
                user=owner.user,
                period_start=Q1[0],
                period_end=Q1[1],
                value=Decimal(3),
                numerator=Decimal(1),
            )
        assert "is not a ratio" in str(error.value)
        with pytest.raises(ValidationError) as error:
            services.target_save(
                figure, user=owner.user, period_start=Q1[0], period_end=Q1[1], value=1, text="x"
            )
        assert "is quantitative" in str(error.value)
        assert not Measurement.objects.exists()
