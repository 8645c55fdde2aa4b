"""URLs for the API tests: the site's URLs plus a test API built like the real one.

The test API has operations the real API does not have yet (writes, a manager-only operation,
errors raised by services), so that the shared machinery — roles, guest and archive rules, the
workspace scope, error bodies — is tested before any module relies on it.
"""

from django.core.exceptions import ValidationError
from django.urls import path
from django_scopes import get_scope
from ninja import Router, Schema

from maillage.api.api import create_api
from maillage.api.auth import WorkspaceSlug, allowed_when_archived, require_api_role
from maillage.config.urls import urlpatterns as site_urlpatterns
from maillage.core.exceptions import StaleObjectError
from maillage.workspaces.models import Membership, Role

router = Router()


class MemberRow(Schema):
    id: int
    role: str


class ThingIn(Schema):
    name: str
    size: int


@router.get("/w/{slug}/whoami")
@require_api_role(Role.GUEST)
def whoami(request, slug: WorkspaceSlug):
    return {
        "user": request.user.email,
        "workspace": request.workspace.slug,
        "role": request.membership.role,
        "scope": get_scope()["workspace"].slug,
    }


@router.get("/w/{slug}/lazy", response=list[MemberRow])
@require_api_role(Role.GUEST)
def lazy(request, slug: WorkspaceSlug):
    # A queryset evaluated by the serialiser, after the view returned: still inside the scope.
    return Membership.objects.all()


@router.get("/w/{slug}/managers-only")
@require_api_role(Role.MANAGER)
def managers_only(request, slug: WorkspaceSlug):
    return {"ok": True}


@router.post("/w/{slug}/things")
@require_api_role(Role.MEMBER)
def thing_create(request, slug: WorkspaceSlug, payload: ThingIn):
    return {"name": payload.name}


@router.post("/w/{slug}/undeclared-write")
def undeclared_write(request, slug: WorkspaceSlug):
    return {"ok": True}


@router.post("/w/{slug}/guest-write")
@require_api_role(Role.GUEST)
def guest_write(request, slug: WorkspaceSlug):
    return {"ok": True}


@router.post("/w/{slug}/restore")
@require_api_role(Role.OWNER)
@allowed_when_archived
def restore(request, slug: WorkspaceSlug):
    return {"ok": True}


@router.post("/w/{slug}/stale")
@require_api_role(Role.MEMBER)
def stale(request, slug: WorkspaceSlug):
    raise StaleObjectError()


@router.post("/w/{slug}/invalid")
@require_api_role(Role.MEMBER)
def invalid(request, slug: WorkspaceSlug):
    raise ValidationError({"name": ["This name is taken."], "__all__": ["Nothing saved."]})


@router.get("/w/{slug}/missing")
@require_api_role(Role.GUEST)
def missing(request, slug: WorkspaceSlug):
    return Membership.objects.get(pk=987654321)


test_api = create_api(urls_namespace="api-tests", docs_url=None, routers=[("", router)])

urlpatterns = [path("api/test/", test_api.urls), *site_urlpatterns]
