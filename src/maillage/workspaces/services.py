"""Writes on workspaces, memberships and invitations."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_scopes import scope, scopes_disabled

from maillage.core import audit
from maillage.core.services import tenant_create, tenant_delete, tenant_update

from .initializers import initialize_workspace
from .models import Invitation, Membership, Role, Workspace

INVITATION_VALIDITY = timedelta(days=14)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "espace"
    slug, n = base, 2
    while Workspace.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def workspace_create(*, user, name: str, description: str = "", request=None) -> Workspace:
    with transaction.atomic():
        workspace = Workspace(
            name=name.strip(), slug=_unique_slug(name), description=description, created_by=user
        )
        workspace.full_clean()
        workspace.save()
        audit.record(audit.Action.CREATE, user=user, instance=workspace, request=request)
        with scope(workspace=workspace):
            _add_member(workspace, user, Role.OWNER, by=user, request=request)
        initialize_workspace(workspace)
    return workspace


def _add_member(workspace, user, role, *, by, request=None, can_view_sensitive=None):
    if can_view_sensitive is None:
        can_view_sensitive = role == Role.OWNER
    membership = Membership(
        workspace=workspace,
        user=user,
        role=role,
        can_view_sensitive=can_view_sensitive,
        created_by=by,
    )
    membership.full_clean()
    membership.save()
    audit.record(
        audit.Action.CREATE,
        user=by,
        instance=membership,
        changes={"user": [None, user.email], "role": [None, role]},
        request=request,
    )
    return membership


def workspace_update(*, workspace, user, expected_version, request=None, **changes) -> Workspace:
    return tenant_update(
        workspace, user=user, expected_version=expected_version, request=request, **changes
    )


def workspace_archive(*, workspace, user, expected_version, request=None) -> Workspace:
    return workspace_update(
        workspace=workspace,
        user=user,
        expected_version=expected_version,
        request=request,
        archived_at=timezone.now(),
    )


def workspace_restore(*, workspace, user, expected_version, request=None) -> Workspace:
    return workspace_update(
        workspace=workspace,
        user=user,
        expected_version=expected_version,
        request=request,
        archived_at=None,
    )


LAST_VISIT_PRECISION = timedelta(minutes=10)


def membership_mark_visited(*, membership: Membership) -> None:
    """Note the visit that orders the workspace switcher (not audited: it is not a change).

    Precise to 10 minutes, so that most visits write nothing.
    """
    now = timezone.now()
    last = membership.last_used_at
    if last is None or now - last > LAST_VISIT_PRECISION:
        Membership.objects.filter(pk=membership.pk).update(last_used_at=now)
        membership.last_used_at = now


def _owners_left_after(membership, new_role=None) -> int:
    owners = Membership.objects.filter(workspace=membership.workspace, role=Role.OWNER).exclude(
        pk=membership.pk
    )
    return owners.count() + (1 if new_role == Role.OWNER else 0)


def membership_update(*, membership, user, expected_version, request=None, **changes):
    new_role = changes.get("role", membership.role)
    if (
        membership.role == Role.OWNER
        and new_role != Role.OWNER
        and not _owners_left_after(membership)
    ):
        raise ValidationError({"role": _("A workspace must keep at least one owner.")})
    return tenant_update(
        membership, user=user, expected_version=expected_version, request=request, **changes
    )


def membership_remove(*, membership, user, expected_version=None, request=None) -> None:
    if membership.role == Role.OWNER and not _owners_left_after(membership):
        raise ValidationError(_("A workspace must keep at least one owner."))
    tenant_delete(membership, user=user, expected_version=expected_version, request=request)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(
    *, workspace, user, email: str, role: str, full_name: str = "", request=None, send=True
):
    """Invite `email` with `role`. Returns `(invitation, token)`; the token is only in the e-mail.

    Inviting an address again replaces its pending invitation (one pending invitation per
    address), so a repeated import or a double click creates no duplicate.
    """
    email = email.strip().lower()
    if Membership.objects.filter(workspace=workspace, user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member of the workspace.")})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Invitation.objects.filter(
            workspace=workspace,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=timezone.now())
        invitation = tenant_create(
            Invitation,
            workspace=workspace,
            user=user,
            request=request,
            email=email,
            full_name=full_name.strip(),
            role=role,
            token_hash=_hash_token(token),
            expires_at=timezone.now() + INVITATION_VALIDITY,
        )
        if send:
            transaction.on_commit(lambda: _send_invitation(invitation, token, user, request))
    return invitation, token


def invitation_url(token: str, request=None) -> str:
    from django.urls import reverse

    path = reverse("accounts:accept_invitation", kwargs={"token": token})
    return request.build_absolute_uri(path) if request is not None else settings.SITE_URL + path


def _send_invitation(invitation, token, inviter, request):
    language = getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
    with override(language):
        context = {
            "invitation": invitation,
            "inviter": inviter,
            "workspace": invitation.workspace,
            "url": invitation_url(token, request),
        }
        send_mail(
            subject=_("You are invited to join %(workspace)s on Maillage")
            % {"workspace": invitation.workspace.name},
            message=render_to_string("workspaces/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )


def invitation_revoke(*, invitation, user, request=None):
    return tenant_update(
        invitation, user=user, expected_version=None, request=request, revoked_at=timezone.now()
    )


def invitation_for_token(token: str) -> Invitation | None:
    """The pending, unexpired invitation for `token`, whatever the workspace."""
    with scopes_disabled():
        return (
            Invitation.objects.select_related("workspace")
            .filter(
                token_hash=_hash_token(token),
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                expires_at__gt=timezone.now(),
            )
            .first()
        )


def invitation_accept(*, invitation, user, request=None) -> Membership:
    """Make `user` a member with the invited role. The invited address must be the user's."""
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation was sent to %(email)s: sign in with that address to accept it.")
            % {"email": invitation.email}
        )
    workspace = invitation.workspace
    with scope(workspace=workspace), transaction.atomic():
        existing = Membership.objects.filter(workspace=workspace, user=user).first()
        membership = existing or _add_member(
            workspace, user, invitation.role, by=user, request=request
        )
        tenant_update(
            invitation,
            user=user,
            expected_version=None,
            request=request,
            accepted_at=timezone.now(),
            accepted_by=user,
        )
    return membership
