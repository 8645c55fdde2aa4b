"""Partnerships, their members, the guests they are shared with, and gate decisions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TenantModel

from ..checklists import Health, Trend
from ..choices import MemberRole, Objective, Outcome, Side, Stage, Status, ValueChainLevel
from .fields import ChoiceListField


class PartnershipKind(TenantModel):
    """A kind of partnership in the workspace's editable list (defaults in `choices`)."""

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("kind of partnership")
        verbose_name_plural = _("kinds of partnership")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name"],
                name="partnership_kind_unique_name",
                violation_error_message=_("This kind is already in the list."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Partnership(TenantModel):
    """A partnership or an alliance between organisations of the registry.

    `stage` and `status` change only through a `GateDecision` (services.lifecycle). `health`,
    `health_trend`, `evaluation_score` and `evaluated_on` are kept by the services from the
    latest checklist review and evaluation, so the portfolio reads them without joins.
    """

    name = models.CharField(_("name"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    kind = models.ForeignKey(
        PartnershipKind,
        on_delete=models.RESTRICT,
        related_name="partnerships",
        verbose_name=_("kind"),
    )
    objectives = ChoiceListField(_("objectives"), choices_class=Objective)
    value_chain_levels = ChoiceListField(_("value-chain levels"), choices_class=ValueChainLevel)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coordinator"),
    )
    next_gate_on = models.DateField(
        _("next gate planned on"),
        null=True,
        blank=True,
        help_text=_("When the partners plan to decide whether to go on."),
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.MEET, editable=False
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE, editable=False
    )
    stage_since = models.DateField(_("at this stage since"), null=True, editable=False)
    health = models.CharField(
        _("health"), max_length=8, choices=Health.choices, default=Health.UNKNOWN, editable=False
    )
    health_trend = models.CharField(
        _("trend"), max_length=8, choices=Trend.choices, blank=True, default="", editable=False
    )
    evaluation_score = models.DecimalField(
        _("latest evaluation (average)"),
        max_digits=3,
        decimal_places=2,
        null=True,
        editable=False,
    )
    evaluated_on = models.DateField(_("latest evaluation on"), null=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        indexes = [
            models.Index(fields=["workspace", "stage", "status"], name="partnership_ws_stage"),
            models.Index(fields=["workspace", "name"], name="partnership_ws_name"),
            models.Index(fields=["workspace", "next_gate_on"], name="partnership_ws_gate"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="partnership_dates_in_order",
                violation_error_message=_("The end date must not be before the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The end date must not be before the start date.")}
            )

    @property
    def objective_labels(self) -> list[str]:
        return Partnership._meta.get_field("objectives").labels(self.objectives)

    @property
    def value_chain_labels(self) -> list[str]:
        return Partnership._meta.get_field("value_chain_levels").labels(self.value_chain_levels)


class PartnershipMember(TenantModel):
    """An organisation of the registry taking part, with its role and the side it stands for."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="members", verbose_name=_("partnership")
    )
    actor = models.ForeignKey(
        "ecosystem.Actor",
        on_delete=models.RESTRICT,
        related_name="partnership_memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role"), max_length=12, choices=MemberRole.choices, default=MemberRole.PARTNER
    )
    side = models.CharField(_("side"), max_length=12, choices=Side.choices, default=Side.OTHER)
    contribution = models.TextField(_("what it brings"), blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)

    class Meta:
        ordering = ["partnership", "role", "id"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "actor"],
                name="partnership_member_unique_actor",
                violation_error_message=_("This organisation is already a member."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_role_display()})"


class PartnershipGuest(TenantModel):
    """A guest of the workspace the partnership is shared with, speaking for one member.

    A guest sees only the partnerships shared with it (read-only) and fills its member's side of
    the objectives canvas, the fit check and the evaluations (`partnerships.access`).
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="guests", verbose_name=_("partnership")
    )
    membership = models.ForeignKey(
        "workspaces.Membership",
        on_delete=models.CASCADE,
        related_name="partnership_shares",
        verbose_name=_("guest"),
    )
    member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.CASCADE,
        related_name="guests",
        verbose_name=_("speaks for"),
    )

    class Meta:
        ordering = ["partnership", "id"]
        verbose_name = _("shared with")
        verbose_name_plural = _("shared with")
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "membership"],
                name="partnership_guest_unique",
                violation_error_message=_("The partnership is already shared with this guest."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} → {self.member}"


def gate_upload_to(instance, filename: str) -> str:
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:10]
    return f"partnerships/{instance.workspace_id}/{uuid.uuid4().hex}{suffix}"


class GateDecision(TenantModel):
    """A recorded decision at a gate: the only way a partnership's stage or status changes.

    The stage and status before and after are stored, so the log is the transition history.
    """

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("partnership"),
    )
    decided_on = models.DateField(_("decided on"))
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices)
    deciders = models.TextField(
        _("deciders"), help_text=_("Who took the decision, one person per line.")
    )
    rationale = models.TextField(_("rationale"))
    next_gate_on = models.DateField(
        _("decide again on"),
        null=True,
        blank=True,
        help_text=_("Required when the decision is postponed."),
    )
    stage_before = models.CharField(_("stage before"), max_length=12, choices=Stage.choices)
    stage_after = models.CharField(_("stage after"), max_length=12, choices=Stage.choices)
    status_before = models.CharField(_("status before"), max_length=8, choices=Status.choices)
    status_after = models.CharField(_("status after"), max_length=8, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["partnership", "decided_on", "id"]
        verbose_name = _("gate decision")
        verbose_name_plural = _("gate decisions")
        indexes = [models.Index(fields=["partnership", "decided_on"], name="gate_partner_date")]

    def __str__(self) -> str:
        return f"{self.decided_on} {self.get_outcome_display()}"

    @property
    def changed_stage(self) -> bool:
        return self.stage_before != self.stage_after

    @property
    def decider_list(self) -> list[str]:
        return [line.strip() for line in self.deciders.splitlines() if line.strip()]


class GateCriterion(TenantModel):
    """A criterion weighed at a gate: a MasterPlan result, or a criterion written out."""

    decision = models.ForeignKey(
        GateDecision, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("decision")
    )
    result = models.ForeignKey(
        "partnerships.AxisResult",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gate_criteria",
        verbose_name=_("MasterPlan result"),
    )
    label = models.CharField(_("criterion"), max_length=300)
    met = models.BooleanField(_("met"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["decision", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.label


class GateAttachment(TenantModel):
    decision = models.ForeignKey(
        GateDecision,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("decision"),
    )
    file = models.FileField(_("file"), upload_to=gate_upload_to, max_length=200)
    name = models.CharField(_("file name"), max_length=200)

    class Meta:
        ordering = ["decision", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
