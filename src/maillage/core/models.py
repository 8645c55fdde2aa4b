"""The shared kernel's models: the tenant-owned base, the audit trail and territories."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from .territories.models import EPCI, Commune, Department, Region  # noqa: F401


def workspace_field(**options) -> models.ForeignKey:
    """TenantModel's `workspace`; a model with millions of rows may override it without its
    own index (`db_index=False`) when composite indexes begin with the workspace."""
    return models.ForeignKey(
        "workspaces.Workspace",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("workspace"),
        **options,
    )


def created_by_field(**options) -> models.ForeignKey:
    """TenantModel's `created_by` (overridden the same way as `workspace_field`)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
        **options,
    )


class TenantModel(models.Model):
    """Base of every tenant-owned model.

    Queries go through a django-scopes manager: outside `scope(workspace=...)` (activated by the
    workspace middleware, the API and the task runner) any query raises `ScopeError`, so a
    forgotten workspace filter fails loudly instead of leaking. `version` supports optimistic
    locking (see `core.services.tenant_update`).
    """

    workspace = workspace_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = created_by_field()
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ScopedManager(workspace="workspace")

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One line of the audit trail. Written by `core.audit`, never edited.

    Not tenant-scoped through django-scopes on purpose: logins and refused accesses happen
    outside any workspace. Every read goes through `core.audit.events_for_workspace`.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        LOGIN = "login", _("Signed in")
        LOGOUT = "logout", _("Signed out")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        ACCESS_DENIED = "access_denied", _("Access refused")
        OTHER = "other", _("Other")

    at = models.DateTimeField(_("when (UTC)"), auto_now_add=True, db_index=True)
    workspace = models.ForeignKey(
        "workspaces.Workspace",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("workspace"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    user_label = models.CharField(_("user as seen then"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changed fields"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "-at"]),
            # Finds a person's events for a GDPR export or erasure without scanning the trail.
            models.Index(fields=["user_label"]),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


def import_upload_to(instance: "ImportJob", filename: str) -> str:
    """`imports/<workspace id>/<random>.<ext>`: the user's file name is kept on the job only."""
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:10]
    return f"imports/{instance.workspace_id}/{uuid.uuid4().hex}{suffix}"


class ImportJob(TenantModel):
    """One uploaded file going through an importer: validation (preview), then commit.

    The work runs in background tasks (`core.imports.tasks`) that record their progress here;
    `report` is the `ImportReport` as JSON (counts and per-row errors).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be checked")
        VALIDATING = "validating", _("Checking the rows")
        VALIDATED = "validated", _("Checked: ready to import")
        COMMITTING = "committing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Not imported")

    RUNNING = (Status.PENDING, Status.VALIDATING, Status.COMMITTING)

    kind = models.CharField(_("kind of import"), max_length=50)
    original_filename = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to=import_upload_to, max_length=255)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    total_rows = models.PositiveIntegerField(_("rows in the file"), default=0)
    options = models.JSONField(_("options"), default=dict, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    error_message = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-created_at"])]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.kind}: {self.original_filename}"

    @property
    def all_or_nothing(self) -> bool:
        return bool(self.options.get("all_or_nothing", True))

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))
