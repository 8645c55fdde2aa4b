"""The "API tokens" page of a workspace: list, create (secret shown once), revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.forms import add_service_error
from maillage.workspaces.access import allowed_when_archived, get_in_workspace, guest_can_write

from . import selectors, services
from .forms import ApiTokenCreateForm
from .models import ApiToken

PAGE_SIZE = 50


def _list_page(request, form):
    tokens = selectors.tokens_visible_to(request.membership)
    page_obj = Paginator(tokens, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "api/tokens.html",
        {
            "page_obj": page_obj,
            "form": form,
            "sees_all": request.membership.can_manage_members,
        },
    )


def token_list(request, workspace_slug):
    return _list_page(request, ApiTokenCreateForm())


@guest_can_write  # a guest may hold tokens: the API lets them read only (docs/api.md)
def token_create(request, workspace_slug):
    if request.method != "POST":
        return redirect("api_tokens:list", workspace_slug=workspace_slug)
    form = ApiTokenCreateForm(request.POST)
    if form.is_valid():
        try:
            token, secret = services.api_token_create(
                workspace=request.workspace,
                user=request.user,
                name=form.cleaned_data["name"],
                expires_at=form.expires_at,
                request=request,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            members_url = request.build_absolute_uri(
                reverse("api:members", kwargs={"slug": request.workspace.slug})
            )
            response = render(
                request,
                "api/token_created.html",
                {"token": token, "secret": secret, "example_url": members_url},
            )
            # The secret is in this page only: keep it out of every cache.
            add_never_cache_headers(response)
            return response
    return _list_page(request, form)


@guest_can_write
@allowed_when_archived  # revoking a leaked token must stay possible
@require_POST
def token_revoke(request, workspace_slug, pk):
    token = get_in_workspace(ApiToken.objects.select_related("user"), request, pk=pk)
    if not services.can_revoke(token, request.membership):
        # Members do not see other people's tokens: answer as for a missing one.
        raise Http404
    services.api_token_revoke(token=token, user=request.user, request=request)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api_tokens:list", workspace_slug=workspace_slug)
