"""The experiment plan and the MasterPlan: purpose, vision, axes, results, retro-planning,
rituals, governance and agreed processes (seed 001)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TenantModel

from ..choices import ExperimentTest, ExperimentTool
from .fields import ChoiceListField
from .partnerships import Partnership, PartnershipMember


class ExperimentPlan(TenantModel):
    partnership = models.OneToOneField(
        Partnership,
        on_delete=models.CASCADE,
        related_name="experiment_plan",
        verbose_name=_("partnership"),
    )
    tests = ChoiceListField(_("what is tested"), choices_class=ExperimentTest)
    tools = ChoiceListField(_("tools used"), choices_class=ExperimentTool)
    description = models.TextField(_("what the experiment is"), blank=True)
    success_criteria = models.TextField(
        _("success criteria"),
        blank=True,
        help_text=_("One criterion per line: what must be true to go further together."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    learnings = models.TextField(_("what we learnt"), blank=True)

    class Meta:
        verbose_name = _("experiment plan")
        verbose_name_plural = _("experiment plans")

    def __str__(self) -> str:
        return str(self.partnership)

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The end date must not be before the start date.")}
            )

    @property
    def criteria_list(self) -> list[str]:
        return [line.strip() for line in self.success_criteria.splitlines() if line.strip()]


class MasterPlan(TenantModel):
    partnership = models.OneToOneField(
        Partnership,
        on_delete=models.CASCADE,
        related_name="masterplan",
        verbose_name=_("partnership"),
    )
    starts_on = models.DateField(
        _("starts on"),
        null=True,
        blank=True,
        help_text=_("Results at 3 and 6 months are counted from this date."),
    )
    purpose = models.TextField(
        _("purpose"),
        blank=True,
        help_text=_("Why the organisations cooperate: the deep meaning they give the alliance."),
    )
    vision_6_months = models.TextField(_("vision at 6 months"), blank=True)
    vision_1_year = models.TextField(_("vision at 1 year"), blank=True)
    vision_3_years = models.TextField(_("vision at 3 years"), blank=True)
    processes = models.TextField(
        _("agreed processes"),
        blank=True,
        help_text=_("How decisions, payments, communication and reporting work between you."),
    )

    class Meta:
        verbose_name = _("MasterPlan")
        verbose_name_plural = _("MasterPlans")

    def __str__(self) -> str:
        return str(self.partnership)


class WorkAxis(TenantModel):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="axes", verbose_name=_("partnership")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["partnership", "position", "id"]
        verbose_name = _("work axis")
        verbose_name_plural = _("work axes")

    def __str__(self) -> str:
        return self.name


class AxisResult(TenantModel):
    """A result of an axis at 3 or 6 months: a P3 indicator followed for the partnership, with
    its target for the period from the MasterPlan's start (kept by the services)."""

    class Horizon(models.IntegerChoices):
        THREE_MONTHS = 3, _("Results at 3 months")
        SIX_MONTHS = 6, _("Results at 6 months")

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="results", verbose_name=_("partnership")
    )
    axis = models.ForeignKey(
        WorkAxis, on_delete=models.CASCADE, related_name="results", verbose_name=_("axis")
    )
    horizon = models.PositiveSmallIntegerField(_("horizon"), choices=Horizon.choices)
    indicator = models.ForeignKey(
        "impact.Indicator",
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=_("indicator"),
    )
    target = models.ForeignKey(
        "impact.Target",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    how_measured = models.TextField(_("how it is measured"), blank=True)

    class Meta:
        ordering = ["axis", "horizon", "id"]
        verbose_name = _("result")
        verbose_name_plural = _("results")
        constraints = [
            models.UniqueConstraint(
                fields=["axis", "horizon", "indicator"],
                name="axis_result_unique",
                violation_error_message=_("This indicator is already a result of this axis."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.axis} · {self.get_horizon_display()} · {self.indicator_id}"


class Milestone(TenantModel):
    """A step of the retro-planning, drawn on the Gantt chart."""

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("partnership"),
    )
    axis = models.ForeignKey(
        WorkAxis,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
        verbose_name=_("axis"),
    )
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    owner = models.CharField(_("owner"), max_length=150, blank=True)

    class Meta:
        ordering = ["partnership", "due_date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(due_date__gte=models.F("start_date")),
                name="milestone_dates_in_order",
                violation_error_message=_("The due date must not be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError(
                {"due_date": _("The due date must not be before the start date.")}
            )


class Ritual(TenantModel):
    """A recurring meeting of the partnership's governance."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        FORTNIGHTLY = "fortnightly", _("Every two weeks")
        MONTHLY = "monthly", _("Every month")
        QUARTERLY = "quarterly", _("Every quarter")
        HALF_YEARLY = "half_yearly", _("Every six months")
        YEARLY = "yearly", _("Every year")

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="rituals", verbose_name=_("partnership")
    )
    name = models.CharField(_("name"), max_length=150)
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices)
    purpose = models.TextField(_("purpose"), blank=True)
    participants = models.TextField(_("participants"), blank=True)

    class Meta:
        ordering = ["partnership", "name", "id"]
        verbose_name = _("ritual")
        verbose_name_plural = _("rituals")

    def __str__(self) -> str:
        return self.name


class GovernanceRole(TenantModel):
    """Who holds which responsibility in the partnership (a person, for a member)."""

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="governance_roles",
        verbose_name=_("partnership"),
    )
    member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="governance_roles",
        verbose_name=_("for the member"),
    )
    person = models.CharField(_("person"), max_length=150)
    responsibility = models.CharField(_("responsibility"), max_length=300)

    class Meta:
        ordering = ["partnership", "id"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return f"{self.person}: {self.responsibility}"
