"""The shared kernel's models: the tenant-owned base, the audit trail and territories."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from .territories.models import EPCI, Commune, Department, Region  # noqa: F401


class TenantModel(models.Model):
    """Base of every tenant-owned model.

    Queries go through a django-scopes manager: outside `scope(workspace=...)` (activated by the
    workspace middleware, the API and the task runner) any query raises `ScopeError`, so a
    forgotten workspace filter fails loudly instead of leaking. `version` supports optimistic
    locking (see `core.services.tenant_update`).
    """

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+", verbose_name=_("workspace")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
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
        indexes = [models.Index(fields=["workspace", "-at"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"
