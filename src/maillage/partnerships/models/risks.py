"""The risk register and the periodic reviews of the pitfalls and brakes checklists."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from maillage.core.models import TenantModel

from ..checklists import ITEM_CHOICES, Answer, Health, Trend
from ..choices import BrakeNature, RiskSide
from .partnerships import Partnership

SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class Risk(TenantModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        TREATED = "treated", _("Being treated")
        CLOSED = "closed", pgettext_lazy("risk status", "Closed")
        OCCURRED = "occurred", _("Occurred")

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="risks", verbose_name=_("partnership")
    )
    title = models.CharField(_("risk"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    side = models.CharField(_("side concerned"), max_length=12, choices=RiskSide.choices)
    nature = models.CharField(_("nature"), max_length=12, choices=BrakeNature.choices)
    likelihood = models.PositiveSmallIntegerField(
        _("likelihood (1–5)"), validators=SCALE, help_text=_("1 rare … 5 almost certain")
    )
    impact = models.PositiveSmallIntegerField(
        _("impact (1–5)"), validators=SCALE, help_text=_("1 minor … 5 critical")
    )
    owner = models.CharField(_("owner"), max_length=150, blank=True)
    treatment = models.TextField(_("treatment"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )

    class Meta:
        ordering = ["partnership", "status", "id"]
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="risk_scales_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class ChecklistReview(TenantModel):
    """A periodic review of the pitfalls and brakes; `score`, `health` and `trend` are kept by
    the services (`checklists.risk_score`)."""

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="checklist_reviews",
        verbose_name=_("partnership"),
    )
    reviewed_on = models.DateField(_("reviewed on"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    notes = models.TextField(_("notes"), blank=True)
    score = models.DecimalField(
        _("risk score (%)"), max_digits=4, decimal_places=1, null=True, editable=False
    )
    health = models.CharField(
        _("health"), max_length=8, choices=Health.choices, default=Health.UNKNOWN, editable=False
    )
    trend = models.CharField(
        _("trend"), max_length=8, choices=Trend.choices, blank=True, default="", editable=False
    )

    class Meta:
        ordering = ["partnership", "reviewed_on", "id"]
        verbose_name = _("checklist review")
        verbose_name_plural = _("checklist reviews")
        indexes = [
            models.Index(fields=["partnership", "reviewed_on"], name="review_partner_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "reviewed_on"],
                name="review_unique_date",
                violation_error_message=_(
                    "There is already a review on this date: edit it rather than add another."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewed_on} {self.get_health_display()}"


class ChecklistAnswer(TenantModel):
    review = models.ForeignKey(
        ChecklistReview, on_delete=models.CASCADE, related_name="answers", verbose_name=_("review")
    )
    item = models.CharField(_("item"), max_length=40, choices=ITEM_CHOICES)
    answer = models.CharField(_("answer"), max_length=8, choices=Answer.choices)
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        ordering = ["review", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "item"],
                name="checklist_answer_unique_item",
                violation_error_message=_("This item is already answered in this review."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.answer}"
