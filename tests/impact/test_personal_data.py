"""Who measured what is personal data: exported, then cleared on erasure; the figures stay."""

from datetime import date
from decimal import Decimal

from django_scopes import scope, scopes_disabled

from maillage.core import personal_data
from maillage.impact import services
from maillage.impact.models import Measurement
from maillage.impact.rollup import combine
from maillage.impact.selectors import measurement_readings
from tests.factories import MembershipFactory


def test_measurements_are_exported_then_anonymised_never_deleted(workspace, owner):
    measurer = MembershipFactory(workspace=workspace, role="member").user
    with scope(workspace=workspace):
        indicator = services.indicator_create(
            workspace=workspace, user=owner.user, name="Bénévoles", frequency="year"
        )
        services.measurement_create(
            indicator.tracks.get(),
            user=measurer,
            period_start=date(2025, 1, 1),
            period_end=date(2025, 12, 31),
            value=Decimal(42),
        )
    exported = personal_data.export_person(measurer.email)["records"]["impact.Measurement"]
    assert exported["count"] == 1
    assert exported["items"][0]["workspace"]["slug"] == workspace.slug

    personal_data.erase_person(measurer.email, by=owner.user)

    with scopes_disabled():
        measurement = Measurement.objects.get()
        assert measurement.measured_by is None
        assert measurement.value == 42
        readings = measurement_readings([indicator.pk])[indicator.pk]
    assert combine("sum", readings).value == 42
