"""API of the workspaces app: the members of a workspace."""

from datetime import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from maillage.workspaces import selectors
from maillage.workspaces.models import Membership, Role

from .auth import WorkspaceSlug, require_api_role
from .pagination import LimitOffset

router = Router(tags=["Members"])


class MemberOut(Schema):
    id: int
    email: str
    full_name: str
    role: Role
    joined: datetime

    @staticmethod
    def resolve_email(membership: Membership) -> str:
        return membership.user.email

    @staticmethod
    def resolve_full_name(membership: Membership) -> str:
        return membership.user.full_name

    @staticmethod
    def resolve_joined(membership: Membership) -> datetime:
        return membership.created_at


@router.get(
    "/w/{slug}/members", response=list[MemberOut], url_name="members", operation_id="list_members"
)
@require_api_role(Role.GUEST)
@paginate(LimitOffset)
def list_members(request, slug: WorkspaceSlug):
    """The members of the workspace, by name then e-mail address.

    `id` is the membership's id (the one in the members pages' addresses), `joined` the date the
    person became a member.
    """
    return selectors.members_of(request.workspace)
