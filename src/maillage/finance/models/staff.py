"""People whose time is charged to projects: employees with contracts, and volunteers.

Contracts hold salaries: only members allowed to see sensitive data read them (the views and
the API check `Membership.can_view_sensitive`); everyone else sees hours and amounts charged.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TenantModel


class Person(TenantModel):
    class Kind(models.TextChoices):
        EMPLOYEE = "employee", _("Employee")
        VOLUNTEER = "volunteer", _("Volunteer")

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EMPLOYEE)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    valuation_rate = models.DecimalField(
        _("valuation rate (€ an hour)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "For a volunteer: what an hour of their time is worth, e.g. the minimum wage with "
            "charges, or the pay of the job they do. Valued in kind (accounts 86 and 87)."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["workspace", "kind"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def is_volunteer(self) -> bool:
        return self.kind == self.Kind.VOLUNTEER

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.VOLUNTEER and self.valuation_rate is None:
            raise ValidationError(
                {"valuation_rate": _("Give the hourly rate at which a volunteer's time is valued.")}
            )


class Contract(TenantModel):
    """An employee's contract for a period: their hourly cost and contractual hours."""

    class Kind(models.TextChoices):
        PERMANENT = "permanent", _("Permanent (CDI)")
        FIXED_TERM = "fixed_term", _("Fixed-term (CDD)")
        SUBSIDISED = "subsidised", _("Subsidised contract (PEC, adult relay…)")
        APPRENTICESHIP = "apprenticeship", _("Apprenticeship")
        OTHER = "other", _("Other")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="contracts", verbose_name=_("person")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PERMANENT)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    weekly_hours = models.DecimalField(
        _("contractual weekly hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("48"))],
    )
    gross_annual_salary = models.DecimalField(
        _("gross annual salary (€)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    annual_employer_charges = models.DecimalField(
        _("annual employer charges (€)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    productive_hours = models.DecimalField(
        _("productive hours a year"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1"))],
        help_text=_(
            "Leave empty to use the workspace's setting in proportion to the weekly hours."
        ),
    )

    class Meta:
        ordering = ["person", "start_date", "id"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="contract_dates_in_order",
                violation_error_message=_("The end date must not be before the start date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.start_date}"

    def covers(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)

    def clean(self) -> None:
        super().clean()
        person = getattr(self, "person", None)
        if person is not None and person.kind != Person.Kind.EMPLOYEE:
            raise ValidationError(_("Only an employee has contracts; a volunteer has a rate."))
        if person is not None and self.start_date:
            overlapping = Contract.objects.filter(workspace=self.workspace, person=person).exclude(
                pk=self.pk
            )
            for other in overlapping:
                ends_before = self.end_date is not None and self.end_date < other.start_date
                starts_after = other.end_date is not None and self.start_date > other.end_date
                if not (ends_before or starts_after):
                    raise ValidationError(
                        _("This contract overlaps the one starting on %(date)s.")
                        % {"date": other.start_date}
                    )


class TimeEntry(TenantModel):
    """Hours a person spent on a project on a day, optionally for one agreement."""

    person = models.ForeignKey(
        Person, on_delete=models.RESTRICT, related_name="time_entries", verbose_name=_("person")
    )
    date = models.DateField(_("date"))
    project = models.ForeignKey(
        "finance.Project",
        on_delete=models.RESTRICT,
        related_name="time_entries",
        verbose_name=_("project"),
    )
    agreement = models.ForeignKey(
        "finance.FundingAgreement",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="time_entries",
        verbose_name=_("agreement"),
        help_text=_("Leave empty to charge the project's funders by its keys."),
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("24"))],
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date", "person", "project", "id"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        indexes = [
            models.Index(fields=["workspace", "date"]),
            models.Index(fields=["project", "date"]),
            models.Index(fields=["person", "date"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "date", "project"],
                condition=models.Q(agreement__isnull=True),
                name="time_entry_unique_day_project",
                violation_error_message=_(
                    "This person already has hours on this project on this day."
                ),
            ),
            models.UniqueConstraint(
                fields=["person", "date", "project", "agreement"],
                condition=models.Q(agreement__isnull=False),
                name="time_entry_unique_day_agreement",
                violation_error_message=_(
                    "This person already has hours on this project and agreement on this day."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.date} {self.hours} h"

    def clean(self) -> None:
        super().clean()
        agreement = self.agreement if self.agreement_id else None
        funds_project = agreement is None or not self.project_id
        if not funds_project and not agreement.projects.filter(pk=self.project_id).exists():
            raise ValidationError({"agreement": _("This agreement does not fund this project.")})
