"""The steering committee's meetings, with decisions, arbitrations and action items."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TenantModel

from ..choices import ActionStatus, CommitteeMeetingKind, CommitteeOutcomeKind
from .engagements import Engagement


class CommitteeMeeting(TenantModel):
    engagement = models.ForeignKey(
        Engagement,
        on_delete=models.CASCADE,
        related_name="committee_meetings",
        verbose_name=_("engagement"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CommitteeMeetingKind.choices)
    held_on = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"), blank=True)
    attendees = models.TextField(_("attendees"), blank=True, help_text=_("One person per line."))
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        ordering = ["engagement", "held_on", "id"]
        verbose_name = _("steering committee meeting")
        verbose_name_plural = _("steering committee meetings")

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()}"


class CommitteeOutcome(TenantModel):
    """A decision or an arbitration of a committee meeting."""

    meeting = models.ForeignKey(
        CommitteeMeeting,
        on_delete=models.CASCADE,
        related_name="outcomes",
        verbose_name=_("meeting"),
    )
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=CommitteeOutcomeKind.choices,
        default=CommitteeOutcomeKind.DECISION,
    )
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = _("decision or arbitration")
        verbose_name_plural = _("decisions and arbitrations")

    def __str__(self) -> str:
        return self.text[:80]


class CommitteeActionItem(TenantModel):
    meeting = models.ForeignKey(
        CommitteeMeeting,
        on_delete=models.CASCADE,
        related_name="action_items",
        verbose_name=_("meeting"),
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("person in charge"), max_length=150)
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.TO_DO
    )

    class Meta:
        ordering = ["meeting", "due_on", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self) -> str:
        return self.title
