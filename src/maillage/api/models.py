"""Personal API tokens: one user, one workspace, a secret shown once and stored only as a hash."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TenantModel

PREFIX_LENGTH = 8


class ApiToken(TenantModel):
    """A bearer token that lets its user call the API on one workspace.

    Only the SHA-256 of the secret is stored; the first characters (`prefix`) identify the token
    in lists. A token works while it is neither revoked nor expired, its user is active and still
    holds the membership the token was created under (see `maillage.api.auth`). What it may do is
    decided at each call by the user's current role in the workspace.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Monthly export script”."),
    )
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "user"])]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired

    @property
    def status_label(self) -> str:
        if self.is_revoked:
            return _("Revoked")
        if self.is_expired:
            return _("Expired")
        return _("Active")
