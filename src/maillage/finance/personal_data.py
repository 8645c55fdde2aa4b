"""Personal data held by the finance module, registered from `FinanceConfig.ready()`.

A person (employee or volunteer) is found by their e-mail address, with their contracts and
time entries. Their export holds their record, their contracts (salaries included: they are
the person's own data) and every hour they recorded. An erasure anonymises the person (names
replaced by "Erased person #<id>", e-mail and job title cleared) and keeps their contracts and
time entries untouched: hours, salaries and every amount computed from them are figures of the
workspace's accounts and grants, never deleted (`never_delete`), so every total, report and
timesheet stays identical."""

from django.db.models import Q
from django.utils.translation import gettext_lazy

from maillage.core.personal_data import erased_label, register

from .models import Contract, Person, Project, TimeEntry


def _people(ctx) -> list:
    return ctx.found.get(Person._meta.label, [])


def register_people() -> None:
    register(
        Person,
        label=gettext_lazy("Staff and volunteers: your record"),
        email_field="email",
        fields=["first_name", "last_name", "email", "job_title"],
        extra_fields=["kind", "valuation_rate", "active", "created_at"],
        anonymise={
            "first_name": lambda person: erased_label(),
            "last_name": lambda person: f"#{person.pk}",
            "email": "",
            "job_title": "",
        },
        never_delete=True,
        order=80,
    )
    register(
        Contract,
        label=gettext_lazy("Staff and volunteers: your contracts"),
        lookup=lambda ctx: Q(person__in=_people(ctx)),
        fields=[],
        extra_fields=[
            "person",
            "kind",
            "start_date",
            "end_date",
            "weekly_hours",
            "gross_annual_salary",
            "annual_employer_charges",
            "productive_hours",
        ],
        never_delete=True,
        order=81,
    )
    register(
        TimeEntry,
        label=gettext_lazy("Staff and volunteers: your hours"),
        lookup=lambda ctx: Q(person__in=_people(ctx)),
        fields=[],
        extra_fields=["person", "date", "project", "agreement", "hours", "note"],
        never_delete=True,
        order=82,
    )


def register_project_managers() -> None:
    """A project names its manager (a user): exported, cleared on erasure; the project stays."""
    register(
        Project,
        label=gettext_lazy("Projects you manage"),
        person_field="manager",
        fields=["manager"],
        extra_fields=["code", "name", "start_date", "end_date"],
        anonymise={"manager": None},
        never_delete=True,
        order=83,
    )
