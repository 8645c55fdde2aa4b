"""The meetings and decisions log, and the action items that come out of it."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TenantModel

from .partnerships import Partnership, PartnershipMember
from .plans import Ritual


class Meeting(TenantModel):
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="meetings",
        verbose_name=_("partnership"),
    )
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    ritual = models.ForeignKey(
        Ritual,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("ritual"),
    )
    agenda = models.TextField(_("agenda"), blank=True)
    attendees = models.TextField(_("attendees"), blank=True, help_text=_("One person per line."))
    minutes = models.TextField(_("minutes"), blank=True)

    class Meta:
        ordering = ["partnership", "-held_on", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["partnership", "held_on"], name="meeting_partner_date")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"

    @property
    def attendee_list(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]


class MeetingDecision(TenantModel):
    """A decision taken in a meeting (gate decisions are `GateDecision`)."""

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="meeting_decisions",
        verbose_name=_("partnership"),
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("meeting")
    )
    text = models.TextField(_("decision"))

    class Meta:
        ordering = ["meeting", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text[:80]


class ActionItem(TenantModel):
    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="action_items",
        verbose_name=_("partnership"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("decided in the meeting"),
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("owner"), max_length=150)
    owner_member = models.ForeignKey(
        PartnershipMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("for the member"),
    )
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["partnership", "due_on", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [
            models.Index(fields=["partnership", "status"], name="action_partner_status"),
            # The workspace's open items, soonest deadline first (the action items page).
            models.Index(fields=["workspace", "status", "due_on"], name="action_ws_status_due"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if (
            self.meeting_id
            and self.partnership_id
            and (self.meeting.partnership_id != self.partnership_id)
        ):
            raise ValidationError({"meeting": _("This meeting belongs to another partnership.")})
