"""Who is calling and in which workspace: bearer tokens, workspace binding, roles.

Every operation whose path has a `{slug}` argument (`/api/v1/w/{slug}/...`) goes through
`workspace_operation`, which the API installs on all its operations (`api.add_decorator(...,
mode="view")`), so a new operation is authenticated and scoped by construction:

1. the bearer token is checked (401 if missing, malformed, unknown, revoked, expired, or if its
   user is disabled or no longer holds the membership the token was created under);
2. the slug must be the token's workspace, else 404 with the body of a missing workspace, so a
   token never reveals whether another workspace exists;
3. the user's current role must reach the operation's minimum role (`require_api_role`; by
   default a guest for reads, a member for writes), and nothing is written to an archived
   workspace (403, audited);
4. `request.workspace`, `request.membership`, `request.user` and `request.api_token` are set and
   the operation runs — validation, the view and the serialisation of its result — inside
   `django_scopes.scope(workspace=...)`.
"""

from contextlib import nullcontext
from datetime import timedelta
from functools import wraps
from typing import Annotated

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled
from ninja import Path
from ninja.errors import AuthenticationError, ConfigError
from ninja.security import HttpBearer

from maillage.core import audit
from maillage.workspaces.models import Role

from . import selectors
from .models import ApiToken

SLUG_ARGUMENT = "slug"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
LAST_USED_WRITE_EVERY = timedelta(minutes=1)

# The type of every operation's `slug` argument: `def op(request, slug: WorkspaceSlug)`.
WorkspaceSlug = Annotated[
    str, Path(description="The workspace's short name, as in its addresses: /w/<slug>/.")
]


class TokenError(AuthenticationError):
    """401 with a message saying, in general terms, what is wrong with the credentials."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(status_code=401, message=message)
        self.code = code


class RoleRequired(PermissionDenied):
    """403: the caller's role in the workspace is below what the operation needs."""

    def __init__(self, required: str, current: str) -> None:
        self.required_role = Role(required)
        self.current_role = Role(current)
        super().__init__(
            _("This operation requires at least the “%(required)s” role; yours is “%(current)s”.")
            % {"required": self.required_role.label, "current": self.current_role.label}
        )


def require_api_role(minimum: str):
    """Declare the minimum role an API operation needs in its workspace.

        @router.post("/w/{slug}/things", response=ThingOut)
        @require_api_role(Role.MANAGER)
        def thing_create(request, slug: str, payload: ThingIn): ...

    Without it, reads (GET, HEAD, OPTIONS) are open to every member, guests included, and writes
    need at least `Role.MEMBER`, like the pages. Declaring `Role.GUEST` on a write lets guests make
    it (the equivalent of `@guest_can_write`). A caller below the minimum gets 403 with a body
    naming the required role; the refusal is audited. The minimum also appears in the operation's
    OpenAPI description (`x-minimum-role`). Always declare it, even when it is the default: the
    API tenancy test requires every workspace operation to say who may call it.
    """
    role = Role(minimum)

    def decorator(view_func):
        view_func.minimum_role = role
        return view_func

    return decorator


def allowed_when_archived(view_func):
    """Mark an API operation that may write to an archived workspace."""
    view_func.allowed_when_archived = True
    return view_func


def minimum_role(operation, method: str) -> Role:
    declared = getattr(operation.view_func, "minimum_role", None)
    if declared is not None:
        return Role(declared)
    return Role.GUEST if method in SAFE_METHODS else Role.MEMBER


def _invalid() -> TokenError:
    return TokenError(_("Invalid or revoked token"), "invalid_token")


def authenticate_request(request) -> ApiToken:
    """The valid token of `request`'s `Authorization: Bearer` header, or raise `TokenError`.

    Sets `request.api_token`, `request.user` (the token's user) and `request.api_membership`.
    Runs at most once per request.
    """
    cached = getattr(request, "api_token", None)
    if cached is not None:
        return cached
    header = request.headers.get("Authorization", "").strip()
    if not header:
        raise TokenError(_("Missing bearer token"), "missing_token")
    scheme, _sep, secret = header.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise TokenError(
            _("Malformed Authorization header: expected “Bearer <token>”"), "malformed_header"
        )
    token = selectors.token_for_secret(secret)
    if token is None or token.is_revoked or not token.user.is_active:
        raise _invalid()
    if token.is_expired:
        raise TokenError(_("Expired token"), "expired_token")
    membership = selectors.membership_for_token(token)
    if membership is None:
        raise _invalid()
    _touch(token)
    request.api_token = token
    request.api_membership = membership
    request.user = token.user
    return token


def _touch(token: ApiToken) -> None:
    """Record the use, at most once a minute so that a busy script is not a write per call."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_WRITE_EVERY:
        with scopes_disabled():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def bind_workspace(request, slug: str, operation) -> None:
    """Enter the token's workspace if it is the one in the URL, and check the role."""
    token = request.api_token
    if slug != token.workspace.slug:
        audit.record(
            audit.Action.ACCESS_DENIED,
            user=token.user,
            request=request,
            object_repr=f"API: workspace {slug[:60]}",
        )
        raise Http404
    workspace = token.workspace
    membership = request.api_membership
    request.workspace = workspace
    request.membership = membership

    required = minimum_role(operation, request.method)
    if not membership.has_role(required):
        _deny(request, f"API: role {membership.role} below {required}")
        raise RoleRequired(required, membership.role)
    if (
        request.method not in SAFE_METHODS
        and workspace.is_archived
        and not getattr(operation.view_func, "allowed_when_archived", False)
    ):
        _deny(request, "API: archived workspace")
        raise PermissionDenied(_("This workspace is archived: restore it before making changes."))


def _deny(request, reason: str) -> None:
    audit.record(
        audit.Action.ACCESS_DENIED,
        user=request.user,
        workspace=request.workspace,
        request=request,
        object_repr=reason,
    )


def _user_language(request):
    """The token user's preferred language, unless a language cookie chose one (decision 0002)."""
    language = getattr(request.user, "language", "")
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or language not in dict(
        settings.LANGUAGES
    ):
        return nullcontext()
    request.LANGUAGE_CODE = language
    return translation.override(language)


def workspace_operation(run):
    """API-wide view decorator: authenticate, bind the workspace, check the role, scope.

    Installed with `api.add_decorator(workspace_operation, mode="view")` so that it wraps each
    operation's `run` (authentication, validation, view and serialisation) — see the module
    docstring. Operations without a `{slug}` path argument run unchanged.
    """
    operation = getattr(run, "__self__", None)
    if operation is None:
        raise ConfigError("workspace_operation must be the first view decorator of the API.")
    declared = getattr(operation.view_func, "minimum_role", None)
    if declared is not None:
        note = f"Minimum role in the workspace: {Role(declared).value}."
        operation.description = "\n\n".join(filter(None, [operation.description, note]))
        operation.openapi_extra = {**(operation.openapi_extra or {}), "x-minimum-role": declared}

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        slug = kwargs.get(SLUG_ARGUMENT)
        if slug is None:
            return run(request, *args, **kwargs)
        try:
            authenticate_request(request)
        except Exception as error:
            return operation.api.on_exception(request, error)
        with _user_language(request):
            try:
                bind_workspace(request, slug, operation)
            except Exception as error:
                response = operation.api.on_exception(request, error)
            else:
                with scope(workspace=request.workspace):
                    response = run(request, *args, **kwargs)
        if getattr(request, "LANGUAGE_CODE", None):
            response.headers["Content-Language"] = request.LANGUAGE_CODE
        return response

    return wrapper


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <secret>` with a personal API token (see `authenticate_request`)."""

    def __call__(self, request):
        return authenticate_request(request)

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return authenticate_request(request)
