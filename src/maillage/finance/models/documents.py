"""Finance documents written in the background (today: the EU "contrôle de service fait" pack).

A pack holds one timesheet PDF per person and month, which takes a few minutes for a
multi-year agreement: the page queues a `DocumentJob`, a task writes the file and records its
progress, the page polls it (HTMX) and offers the download once it is done.
"""

import logging
from datetime import timedelta

from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TenantModel


def document_upload_to(instance: "DocumentJob", filename: str) -> str:
    """`finance/<workspace id>/documents/<random>.<ext>`: served only through the application,
    to the person who asked for it; the name they download is kept on the job."""
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:10]
    return f"finance/{instance.workspace_id}/documents/{uuid.uuid4().hex}{suffix}"


class DocumentJob(TenantModel):
    class Kind(models.TextChoices):
        EU_PACK = "eu_pack", _("EU “contrôle de service fait” pack")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for its turn")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Phase(models.TextChoices):
        WAITING = "", _("Waiting for its turn")
        READING = "reading", _("Reading the figures")
        TIMESHEETS = "timesheets", _("Writing the timesheets")
        DOCUMENTS = "documents", _("Listing the supporting documents")
        SUMMARY = "summary", _("Writing the summary")
        SAVING = "saving", _("Saving the file")

    class Error(models.TextChoices):
        UNEXPECTED = (
            "unexpected",
            _(
                "An unexpected error stopped the writing of the document. Try again; if it fails "
                "again, tell the person who runs Maillage."
            ),
        )
        NOT_A_MEMBER = (
            "not_a_member",
            _("The person who asked for this document is no longer a member of the workspace."),
        )
        INTERRUPTED = (
            "interrupted",
            _(
                "The writing of the document stopped before its end (the server may have "
                "restarted). Ask for it again."
            ),
        )

    RUNNING_STATUSES = (Status.PENDING, Status.RUNNING)
    #: A running job whose progress has not moved for this long was interrupted (its worker
    #: stopped): no step takes more than a few seconds.
    STALLED_AFTER = timedelta(minutes=10)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EU_PACK)
    agreement = models.ForeignKey(
        "finance.FundingAgreement",
        on_delete=models.CASCADE,
        related_name="document_jobs",
        verbose_name=_("agreement"),
    )
    language = models.CharField(_("language"), max_length=5)
    #: Whether the document may show hourly rates and the cost of each person's time (the
    #: person who asked could see salaries then; checked again when it is written).
    with_amounts = models.BooleanField(_("with hourly rates and amounts"), default=False)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    phase = models.CharField(_("step"), max_length=10, choices=Phase.choices, blank=True)
    step_done = models.PositiveIntegerField(_("done in the step"), default=0)
    step_total = models.PositiveIntegerField(_("to do in the step"), default=0)
    percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    error = models.CharField(_("error"), max_length=16, choices=Error.choices, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["workspace", "created_by", "-created_at"], name="documentjob_mine"
            ),
            models.Index(fields=["created_at"], name="documentjob_created"),
        ]
        verbose_name = _("finance document")
        verbose_name_plural = _("finance documents")

    def __str__(self) -> str:
        return self.filename or f"{self.get_kind_display()} {self.agreement_id}"

    @property
    def is_stalled(self) -> bool:
        return (
            self.status == self.Status.RUNNING
            and self.updated_at is not None
            and self.updated_at < timezone.now() - self.STALLED_AFTER
        )

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING_STATUSES and not self.is_stalled

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.DONE and bool(self.file)

    @property
    def error_message(self) -> str:
        if self.is_stalled:
            return str(self.Error.INTERRUPTED.label)
        if self.status != self.Status.FAILED:
            return ""
        return str(self.Error(self.error or self.Error.UNEXPECTED).label)


@receiver(post_delete, sender=DocumentJob, dispatch_uid="finance_delete_document_file")
def delete_document_file(sender, instance: DocumentJob, **kwargs) -> None:
    """The file goes with its job (purged, its agreement or workspace deleted), once the
    deletion is committed."""
    if not instance.file:
        return
    storage, name = instance.file.storage, instance.file.name

    def delete() -> None:
        try:
            storage.delete(name)
        except OSError:
            logging.getLogger(__name__).warning("Could not delete %s", name, exc_info=True)

    transaction.on_commit(delete)
