"""Reads on API tokens."""

from django.db.models import F, QuerySet
from django_scopes import scopes_disabled

from maillage.workspaces.models import Membership

from .models import ApiToken
from .services import hash_secret


def tokens_visible_to(membership: Membership) -> QuerySet[ApiToken]:
    """The tokens of `membership`'s workspace it may see: its own, or all for a manager/owner."""
    tokens = ApiToken.objects.filter(workspace_id=membership.workspace_id).select_related("user")
    if not membership.can_manage_members:
        tokens = tokens.filter(user_id=membership.user_id)
    return tokens.order_by(F("revoked_at").asc(nulls_first=True), "-created_at", "-id")


def token_for_secret(secret: str) -> ApiToken | None:
    """The token whose secret is `secret`, whatever its state and workspace (one query).

    Reads across workspaces on purpose: the workspace is only known once the token is found.
    """
    if not secret:
        return None
    with scopes_disabled():
        return (
            ApiToken.objects.select_related("workspace", "user")
            .filter(token_hash=hash_secret(secret))
            .first()
        )


def membership_for_token(token: ApiToken) -> Membership | None:
    """The membership that backs `token`, or None if it no longer exists.

    A membership created after the token (the user was removed, then invited again) does not
    revive it: removing someone kills their tokens for good.
    """
    with scopes_disabled():
        membership = Membership.objects.filter(
            workspace_id=token.workspace_id,
            user_id=token.user_id,
            created_at__lte=token.created_at,
        ).first()
    if membership is not None:
        membership.workspace = token.workspace
        membership.user = token.user
    return membership
