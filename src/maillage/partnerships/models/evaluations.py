"""Periodic evaluations on the three dimensions of seed 004, scored by each member's side."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TenantModel

from ..choices import Dimension
from .partnerships import Partnership, PartnershipMember


class Evaluation(TenantModel):
    """One evaluation round: each member scores the three dimensions from its side."""

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="evaluations",
        verbose_name=_("partnership"),
    )
    evaluated_on = models.DateField(_("evaluated on"))
    title = models.CharField(_("title"), max_length=200, help_text=_("e.g. End of experiment"))
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["partnership", "evaluated_on", "id"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        indexes = [
            models.Index(fields=["partnership", "evaluated_on"], name="evaluation_partner_date"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluated_on} {self.title}"


class EvaluationScore(TenantModel):
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="scores", verbose_name=_("evaluation")
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="+", verbose_name=_("partnership")
    )
    member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.CASCADE,
        related_name="evaluation_scores",
        verbose_name=_("scored by"),
    )
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    score = models.PositiveSmallIntegerField(
        _("score (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    evidence = models.TextField(_("evidence"))
    indicators = models.ManyToManyField(
        "impact.Indicator", blank=True, related_name="+", verbose_name=_("indicators")
    )

    class Meta:
        ordering = ["evaluation", "dimension", "member", "id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "member", "dimension"],
                name="evaluation_score_unique",
                violation_error_message=_("This member already scored this dimension."),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="evaluation_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension} {self.score}"

    def clean(self) -> None:
        if (
            self.member_id
            and self.partnership_id
            and (self.member.partnership_id != self.partnership_id)
        ):
            raise ValidationError({"member": _("This member belongs to another partnership.")})
