"""An engagement: the diagnostic of an alliance, its people, calendar, budget and dimensions."""

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TenantModel

from ..choices import EngagementStatus, MilestoneKind


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Engagement(TenantModel):
    """A consultant's engagement with allied organisations (seed 000).

    `target_scenario` is chosen among the engagement's scenarios; `plan_share_token` opens a
    read-only page of the validated plan to anyone holding the link while `plan_shared` is on.
    """

    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("context and objective"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EngagementStatus.choices,
        default=EngagementStatus.PREPARATION,
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    consultants = models.TextField(
        _("consultants"), blank=True, help_text=_("One person per line.")
    )
    project_lead = models.CharField(_("project lead"), max_length=150, blank=True)
    focal_point = models.CharField(
        _("focal point"),
        max_length=150,
        blank=True,
        help_text=_("The contact person in the other organisation."),
    )
    budget_days = models.DecimalField(
        _("budget (days)"),
        max_digits=7,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    budget_amount = models.DecimalField(
        _("budget (€, excl. VAT)"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    expected_interviews = models.PositiveSmallIntegerField(_("interviews expected"), default=25)
    target_scenario = models.ForeignKey(
        "diagnostics.Scenario",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target scenario"),
    )
    target_rationale = models.TextField(_("why this scenario"), blank=True)
    plan_shared = models.BooleanField(_("plan shared by link"), default=False)
    plan_share_token = models.CharField(
        max_length=64, unique=True, default=new_token, editable=False
    )

    class Meta:
        ordering = ["-start_date", "title", "id"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="engagement_dates_in_order",
                violation_error_message=_("The end date must not be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The end date must not be before the start date.")}
            )

    @property
    def consultant_list(self) -> list[str]:
        return [line.strip() for line in self.consultants.splitlines() if line.strip()]


class EngagementOrganisation(TenantModel):
    """An organisation of the registry involved in the engagement."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="organisations",
        verbose_name=_("engagement"),
    )
    actor = models.ForeignKey(
        "ecosystem.Actor",
        on_delete=models.RESTRICT,
        related_name="diagnostic_engagements",
        verbose_name=_("organisation"),
    )

    class Meta:
        ordering = ["engagement", "id"]
        verbose_name = _("organisation involved")
        verbose_name_plural = _("organisations involved")
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "actor"],
                name="engagement_organisation_unique",
                violation_error_message=_("This organisation is already involved."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.actor)


class CommitteeMember(TenantModel):
    """A member of the engagement's steering committee."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="committee_members",
        verbose_name=_("engagement"),
    )
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "ecosystem.Actor",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )

    class Meta:
        ordering = ["engagement", "name", "id"]
        verbose_name = _("steering committee member")
        verbose_name_plural = _("steering committee members")

    def __str__(self) -> str:
        return self.name


class EngagementMilestone(TenantModel):
    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("engagement"),
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=MilestoneKind.choices, default=MilestoneKind.OTHER
    )
    name = models.CharField(_("name"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["engagement", "due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.name


class TimeSpent(TenantModel):
    """Days (and what they cost) spent on the engagement, against its budget."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="time_spent",
        verbose_name=_("engagement"),
    )
    spent_on = models.DateField(_("date"))
    person = models.CharField(_("person"), max_length=150)
    days = models.DecimalField(
        _("days"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )
    amount = models.DecimalField(
        _("amount (€, excl. VAT)"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    description = models.CharField(_("what was done"), max_length=300, blank=True)

    class Meta:
        ordering = ["engagement", "-spent_on", "id"]
        verbose_name = _("time spent")
        verbose_name_plural = _("time spent")
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=0) & Q(amount__gte=0), name="time_spent_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.spent_on} {self.person} {self.days}"


class Dimension(TenantModel):
    """A dimension the diagnostic looks at: the seven of seed 000 by default, editable."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="dimensions",
        verbose_name=_("engagement"),
    )
    key = models.CharField(
        max_length=30, blank=True, editable=False, help_text="the default it came from"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # The prioritisation: a rank set by the people (1 = most critical) with why; the computed
    # criticality is a selector (`selectors.priorities`).
    priority_rank = models.PositiveSmallIntegerField(_("priority rank"), null=True, blank=True)
    priority_rationale = models.TextField(_("why this rank"), blank=True)

    class Meta:
        ordering = ["engagement", "position", "id"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "name"],
                name="dimension_unique_name",
                violation_error_message=_("This dimension is already in the list."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
