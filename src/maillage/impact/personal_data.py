"""Personal data held by the impact module, registered from `ImpactConfig.ready()`.

A measurement records who measured it: that link is exported and cleared on erasure. The
measurements themselves are figures of the workspace, never deleted by an erasure
(`never_delete`), so every roll-up and report stays identical.

The report documents a person asked for (`ReportJob`) record what they generated and when: they
are exported, and deleted with their files on erasure (a document is written for the person who
asked for it; anyone who may read the report can write it again)."""

from django.utils.translation import gettext_lazy

from maillage.core.personal_data import DELETE, register

from .models import Measurement, ReportJob


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


def register_report_jobs() -> None:
    register(
        ReportJob,
        label=gettext_lazy("Impact report documents you asked for"),
        person_field="created_by",
        fields=["created_by"],
        extra_fields=[
            "format",
            "subject_ref",
            "start",
            "end",
            "language",
            "status",
            "filename",
            "created_at",
            "finished_at",
        ],
        erase=DELETE,
        order=71,
    )
