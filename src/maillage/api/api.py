"""The Maillage API: django-ninja under /api/v1, OpenAPI documentation at /api/docs.

Adding a module's API: write a `Router` in `maillage/api/<app>.py` whose operation paths start
with `/w/{slug}/` (each operation takes `slug: WorkspaceSlug`), declare each operation's
minimum role with `@require_api_role(...)`, and register the router in `ROUTERS` below.
Authentication, the workspace scope and the error format come with the API (see `auth.py`,
`errors.py` and docs/api.md).
"""

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Router

from . import diagnostics, ecosystem, finance, impact, partnerships, workspaces
from .auth import ApiTokenAuth, workspace_operation
from .errors import install_exception_handlers

DESCRIPTION = """
Read and write a Maillage workspace from scripts and other tools.

**Authentication**: create a personal token on the workspace's “API tokens” page, then send
`Authorization: Bearer <token>`. A token works for one workspace only, with its owner's current
role there. Paths start with `/api/v1/w/{slug}/` where `slug` is the workspace's short name.

**Errors** are JSON: `{"detail": "...", "code": "..."}` (401, 403, 404, 409), or for 422
`{"detail": [{"loc": [...], "msg": "...", "type": "..."}], "code": "validation_error"}`.

**Lists** take `limit` (default 50, at most 200) and `offset` and answer
`{"items": [...], "count": <total>}`.
"""

# (prefix, router): every module's router, mounted in this order.
ROUTERS: list[tuple[str, Router]] = [
    ("", workspaces.router),
    ("", ecosystem.router),
    ("", impact.router),
    ("", finance.router),
    ("", partnerships.router),
    ("", diagnostics.router),
]


def create_api(*, urls_namespace: str, routers=(), **kwargs) -> NinjaAPI:
    """A NinjaAPI with Maillage's authentication, workspace scope and error format.

    The site has one (`api` below); tests build others around test-only routers.
    """
    api = NinjaAPI(
        title="Maillage API",
        version="1",
        description=DESCRIPTION,
        urls_namespace=urls_namespace,
        auth=ApiTokenAuth(),
        **kwargs,
    )
    api.add_decorator(workspace_operation, mode="view")
    install_exception_handlers(api)
    for prefix, router in routers:
        api.add_router(prefix, router)
    api.add_router("", _fallback_router())
    return api


def _fallback_router() -> Router:
    """Last route: an unknown API path answers the JSON 404 of the API, not an HTML page."""
    router = Router()

    @router.api_operation(
        ["GET", "POST", "PUT", "PATCH", "DELETE"],
        "/{path:unknown}",
        auth=None,
        include_in_schema=False,
        url_name="unknown",
    )
    def unknown_path(request: HttpRequest, unknown: str):
        raise Http404

    return router


api = create_api(urls_namespace="api", docs_url="/docs", routers=ROUTERS)
