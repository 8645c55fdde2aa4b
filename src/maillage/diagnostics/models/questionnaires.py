"""A short Likert questionnaire per dimension, answered by stakeholders through a personal
link (no account needed)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TenantModel

from .engagements import Dimension, Engagement, new_token
from .fieldwork import Stakeholder


class Questionnaire(TenantModel):
    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="questionnaires",
        verbose_name=_("engagement"),
    )
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True)
    is_open = models.BooleanField(_("open for answers"), default=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)

    class Meta:
        ordering = ["engagement", "id"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.title


class QuestionnaireItem(TenantModel):
    """A statement rated from 1 (strongly disagree) to 5 (strongly agree)."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("questionnaire"),
    )
    dimension = models.ForeignKey(
        Dimension, on_delete=models.RESTRICT, related_name="+", verbose_name=_("dimension")
    )
    statement_fr = models.CharField(_("statement (French)"), max_length=300)
    statement_en = models.CharField(_("statement (English)"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["questionnaire", "position", "id"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")

    def __str__(self) -> str:
        return self.statement_fr


class QuestionnaireInvitation(TenantModel):
    """One stakeholder's personal link to a questionnaire."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("questionnaire"),
    )
    stakeholder = models.ForeignKey(
        Stakeholder,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("stakeholder"),
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        ordering = ["questionnaire", "id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "stakeholder"],
                name="invitation_unique_stakeholder",
                violation_error_message=_("This person already has a link."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire_id} → {self.stakeholder_id}"


class QuestionnaireAnswer(TenantModel):
    invitation = models.ForeignKey(
        QuestionnaireInvitation,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("invitation"),
    )
    item = models.ForeignKey(
        QuestionnaireItem, on_delete=models.CASCADE, related_name="answers", verbose_name=_("item")
    )
    value = models.PositiveSmallIntegerField(
        _("answer (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["invitation", "item", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "item"],
                name="answer_unique_item",
                violation_error_message=_("This statement is already answered."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=1, value__lte=5), name="answer_value_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.value}"
