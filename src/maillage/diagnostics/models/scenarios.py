"""Target scenarios scored on weighted criteria (`scoring.py` computes and tests sensitivity)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TenantModel

from .engagements import Engagement


class Scenario(TenantModel):
    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="scenarios",
        verbose_name=_("engagement"),
    )
    key = models.CharField(max_length=30, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    impacts = models.TextField(_("expected impacts"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["engagement", "position", "id"]
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "name"],
                name="scenario_unique_name",
                violation_error_message=_("This scenario is already in the list."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(TenantModel):
    """A criterion with its weight in percent (weights are normalised when scoring)."""

    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("engagement"),
    )
    key = models.CharField(max_length=30, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["engagement", "position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "name"],
                name="criterion_unique_name",
                violation_error_message=_("This criterion is already in the list."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100), name="criterion_weight_0_100"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ScenarioScore(TenantModel):
    """How well a scenario does on a criterion, from 1 (poorly) to 5 (very well)."""

    scenario = models.ForeignKey(
        Scenario, on_delete=models.CASCADE, related_name="scores", verbose_name=_("scenario")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("criterion")
    )
    score = models.PositiveSmallIntegerField(
        _("score (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rationale = models.TextField(_("rationale"), blank=True)

    class Meta:
        ordering = ["scenario", "criterion", "id"]
        verbose_name = _("scenario score")
        verbose_name_plural = _("scenario scores")
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "criterion"],
                name="scenario_score_unique",
                violation_error_message=_("This scenario is already scored on this criterion."),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="scenario_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario_id}/{self.criterion_id}: {self.score}"
