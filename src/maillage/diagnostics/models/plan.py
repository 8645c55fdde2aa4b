"""Recommendations with their validation workflow, and the implementation plan."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TenantModel

from ..choices import ActionStatus, Priority, RecommendationStatus
from .engagements import Dimension, Engagement
from .fieldwork import Finding
from .scenarios import Scenario


class Recommendation(TenantModel):
    """A recommendation for one dimension. Its status moves only through
    `services.recommendations` (proposed → validated by the directions → by the boards, or
    rejected with a reason); who validated and when are kept."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=_("engagement"),
    )
    dimension = models.ForeignKey(
        Dimension,
        on_delete=models.RESTRICT,
        related_name="recommendations",
        verbose_name=_("dimension"),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.MEDIUM
    )
    scenario = models.ForeignKey(
        Scenario,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("scenario it serves"),
    )
    findings = models.ManyToManyField(
        Finding, blank=True, related_name="recommendations", verbose_name=_("findings")
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.PROPOSED,
        editable=False,
    )
    directions_validated_by = models.CharField(
        _("validated by (directions)"), max_length=300, blank=True, editable=False
    )
    directions_validated_on = models.DateField(
        _("validated by the directions on"), null=True, editable=False
    )
    boards_validated_by = models.CharField(
        _("validated by (boards)"), max_length=300, blank=True, editable=False
    )
    boards_validated_on = models.DateField(
        _("validated by the boards on"), null=True, editable=False
    )
    rejected_on = models.DateField(_("rejected on"), null=True, editable=False)
    rejection_reason = models.TextField(_("why it was rejected"), blank=True, editable=False)

    class Meta:
        ordering = ["engagement", "priority", "id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        indexes = [models.Index(fields=["engagement", "status"], name="reco_eng_status")]

    def __str__(self) -> str:
        return self.title


class PlanAction(TenantModel):
    """An action of the implementation plan, from a recommendation."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="plan_actions",
        verbose_name=_("engagement"),
    )
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.RESTRICT,
        related_name="actions",
        verbose_name=_("recommendation"),
    )
    title = models.CharField(_("action"), max_length=300)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.MEDIUM
    )
    start_on = models.DateField(_("start"))
    due_on = models.DateField(_("deadline"))
    owner = models.CharField(_("person in charge"), max_length=150)
    indicators = models.ManyToManyField(
        "impact.Indicator",
        blank=True,
        related_name="+",
        verbose_name=_("monitoring indicators"),
    )
    monitoring_mode = models.TextField(
        _("monitoring mode"), blank=True, help_text=_("Who looks at what, how often, where.")
    )
    resource_days = models.DecimalField(
        _("resources (days)"),
        max_digits=7,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    resource_amount = models.DecimalField(
        _("resources (€)"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    training_needs = models.TextField(_("training needs"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.TO_DO
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["engagement", "priority", "due_on", "id"]
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        indexes = [models.Index(fields=["engagement", "due_on"], name="plan_action_eng_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("start_on")),
                name="plan_action_dates_in_order",
                violation_error_message=_("The deadline must not be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="plan_action_progress_0_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActionUpdate(TenantModel):
    """A progress update of a plan action."""

    action = models.ForeignKey(
        PlanAction, on_delete=models.CASCADE, related_name="updates", verbose_name=_("action")
    )
    on = models.DateField(_("date"))
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["action", "-on", "-id"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.on} {self.progress} %"
