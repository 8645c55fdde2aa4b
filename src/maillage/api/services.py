"""Writes on API tokens: created with a secret shown once, revoked; both audited."""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.services import tenant_create, tenant_update
from maillage.workspaces.models import Membership, Role

from .models import PREFIX_LENGTH, ApiToken

SECRET_BYTES = 32  # 43 URL-safe characters


def hash_secret(secret: str) -> str:
    """The SHA-256 of a token's secret, as stored in `ApiToken.token_hash`."""
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(
    *, workspace, user, name: str, expires_at=None, request=None
) -> tuple[ApiToken, str]:
    """Create a token for `user` on `workspace`. Returns `(token, secret)`.

    The secret is returned here and nowhere else: only its hash is stored, so the caller must
    show it to the user at once. Any member may create tokens, guests included: what a token
    may do is decided at each API call by its user's current role (a guest's token only reads).
    """
    if not Membership.objects.filter(workspace=workspace, user=user).exists():
        raise PermissionDenied(_("Only members of the workspace may create tokens for it."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry date must be in the future.")})
    secret = secrets.token_urlsafe(SECRET_BYTES)
    token = tenant_create(
        ApiToken,
        workspace=workspace,
        user=user,
        request=request,
        user_id=user.pk,  # `user=` is the actor for tenant_create; the owner goes by id
        name=(name or "").strip(),
        prefix=secret[:PREFIX_LENGTH],
        token_hash=hash_secret(secret),
        expires_at=expires_at,
    )
    token.user = user
    return token, secret


def can_revoke(token: ApiToken, membership: Membership | None) -> bool:
    """The token's own user may revoke it, and so may a manager or owner of its workspace."""
    if membership is None or membership.workspace_id != token.workspace_id:
        return False
    return token.user_id == membership.user_id or membership.has_role(Role.MANAGER)


def api_token_revoke(*, token: ApiToken, user, request=None) -> ApiToken:
    """Revoke `token` now. Revoking a revoked token changes nothing."""
    membership = Membership.objects.filter(workspace_id=token.workspace_id, user=user).first()
    if not can_revoke(token, membership):
        raise PermissionDenied(_("You may only revoke your own tokens."))
    if token.is_revoked:
        return token
    return tenant_update(
        token, user=user, expected_version=None, request=request, revoked_at=timezone.now()
    )
