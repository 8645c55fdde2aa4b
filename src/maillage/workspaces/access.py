"""Access helpers: every lookup by id goes through the current workspace.

A foreign id gives exactly the same 404 as a missing one.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from maillage.core import audit

from .models import Role


def get_in_workspace(model_or_queryset, request, **lookup) -> models.Model:
    """`get_object_or_404` restricted to `request.workspace`."""
    queryset = (
        model_or_queryset
        if isinstance(model_or_queryset, models.QuerySet)
        else model_or_queryset.objects.all()
    )
    return get_object_or_404(queryset, workspace=request.workspace, **lookup)


def record_refusal(request, reason: str) -> None:
    """Write a refused access to the audit trail; `reason` is for the trail, not for the user."""
    audit.record(
        audit.Action.ACCESS_DENIED,
        user=request.user,
        workspace=getattr(request, "workspace", None),
        request=request,
        object_repr=reason,
    )


def deny(request, reason: str = "", message: str = ""):
    """Record the refusal, then answer 403 with `message` (shown on the error page)."""
    record_refusal(request, reason)
    raise PermissionDenied(message or _("Your role in this workspace does not allow this action."))


def require_role(minimum: str) -> Callable:
    """Refuse (403, audited) a workspace view to members below `minimum`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.membership.has_role(minimum):
                deny(request, f"role {request.membership.role} below {minimum}")
            return view(request, *args, **kwargs)

        wrapper.minimum_role = minimum
        return wrapper

    return decorator


require_owner = require_role(Role.OWNER)
require_manager = require_role(Role.MANAGER)
require_member = require_role(Role.MEMBER)


def guest_can_write(view):
    """Mark a view in which a guest may POST (e.g. its own side of an evaluation)."""
    view.guest_can_write = True
    return view


def allowed_when_archived(view):
    """Mark a view that may write to an archived workspace (e.g. to restore it)."""
    view.allowed_when_archived = True
    return view
