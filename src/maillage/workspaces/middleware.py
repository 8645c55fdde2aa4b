"""Resolve the current workspace and membership once per request, then scope every query to it."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from maillage.core import audit

from .access import deny
from .models import Membership, Role

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class WorkspaceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.workspace = None
        request.membership = None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        slug = match.kwargs.get("workspace_slug")
        if slug is None:
            return self.get_response(request)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())

        with scopes_disabled():
            membership = (
                Membership.objects.select_related("workspace", "user")
                .filter(workspace__slug=slug, user=request.user)
                .first()
            )
        if membership is None:
            audit.record(
                audit.Action.ACCESS_DENIED,
                user=request.user,
                request=request,
                object_repr=f"workspace {slug[:60]}",
            )
            raise Http404
        workspace = membership.workspace
        request.workspace = workspace
        request.membership = membership

        if workspace.require_two_factor and not request.user.is_verified():
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:two_factor')}?{query}")

        if request.method not in SAFE_METHODS:
            if membership.role == Role.GUEST and not getattr(match.func, "guest_can_write", False):
                deny(
                    request,
                    "guest write",
                    _("Read-only access: your role in this workspace does not allow changes."),
                )
            if workspace.is_archived and not getattr(match.func, "allowed_when_archived", False):
                deny(
                    request,
                    "archived workspace",
                    _("This workspace is archived: restore it before making changes."),
                )

        with scope(workspace=workspace):
            return self.get_response(request)
