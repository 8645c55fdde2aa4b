"""Personal data held by the impact module, registered from `ImpactConfig.ready()`.

A measurement records who measured it: that link is exported and cleared on erasure. The
measurements themselves are figures of the workspace, never deleted by an erasure
(`never_delete`), so every roll-up and report stays identical."""

from django.utils.translation import gettext_lazy

from maillage.core.personal_data import register

from .models import Measurement


def register_measurements() -> None:
    register(
        Measurement,
        label=gettext_lazy("Impact measurements you recorded"),
        person_field="measured_by",
        fields=["measured_by"],
        extra_fields=["indicator", "period_start", "period_end", "measured_on"],
        anonymise={"measured_by": None},
        never_delete=True,
        order=70,
    )
