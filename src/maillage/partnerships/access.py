"""Who sees which partnership, and which side a guest speaks for.

Members of the workspace see every partnership. A guest (a partner company, a funder) sees only
the partnerships shared with it (`PartnershipGuest`), read-only, and writes only its member's
side of the objectives canvas, the fit check and the evaluations. A partnership that is not
shared with the guest answers 404, exactly like one of another workspace.
"""

from django.http import Http404

from maillage.workspaces.access import deny
from maillage.workspaces.models import Role

from .models import Partnership, PartnershipGuest, PartnershipMember


def is_guest(request) -> bool:
    return request.membership.role == Role.GUEST


def visible_partnerships(request):
    """The partnerships of the workspace `request`'s user may see."""
    queryset = Partnership.objects.filter(workspace=request.workspace)
    if is_guest(request):
        queryset = queryset.filter(guests__membership=request.membership)
    return queryset


def get_partnership(request, pk, queryset=None) -> Partnership:
    """The partnership `pk` if the user may see it, else 404."""
    queryset = Partnership.objects.all() if queryset is None else queryset
    queryset = queryset.filter(workspace=request.workspace, pk=pk)
    if is_guest(request):
        queryset = queryset.filter(guests__membership=request.membership)
    partnership = queryset.first()
    if partnership is None:
        raise Http404
    return partnership


def guest_member(request, partnership) -> PartnershipMember | None:
    """The member a guest speaks for in `partnership` (None for a workspace member)."""
    if not is_guest(request):
        return None
    share = (
        PartnershipGuest.objects.filter(partnership=partnership, membership=request.membership)
        .select_related("member__actor")
        .first()
    )
    if share is None:
        raise Http404
    return share.member


def writable_members(request, partnership):
    """The members whose side the user may write: all of them, or a guest's own."""
    member = guest_member(request, partnership)
    if member is not None:
        return PartnershipMember.objects.filter(pk=member.pk)
    return partnership.members.all()


def require_side(request, partnership, member) -> None:
    """Refuse (403, audited) a guest writing another member's side."""
    own = guest_member(request, partnership)
    if own is not None and own.pk != member.pk:
        deny(request, "guest writing another member's side")
