"""Personal data held by the workspaces app: memberships and invitations. Registered from
`WorkspacesConfig.ready()`, with the guard that keeps every workspace with an owner."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.personal_data import DELETE, Person, register, register_guard

from .models import Invitation, Membership, Role, Workspace


def _revoke_if_pending(invitation: Invitation):
    if invitation.revoked_at or invitation.accepted_at:
        return invitation.revoked_at
    return timezone.now()


def last_owner_guard(person: Person) -> list[str]:
    """An account cannot be erased while it is the only owner of a workspace."""
    if person.user is None:
        return []
    owned = Membership.objects.filter(user=person.user, role=Role.OWNER).values("workspace_id")
    shared = (
        Membership.objects.filter(workspace_id__in=owned, role=Role.OWNER)
        .exclude(user=person.user)
        .values("workspace_id")
    )
    alone = list(
        Workspace.objects.filter(pk__in=owned).exclude(pk__in=shared).values_list("name", flat=True)
    )
    if not alone:
        return []
    return [
        _(
            "This account is the only owner of: %(workspaces)s. Hand over ownership first: give "
            "another member the Owner role on the workspace's Members page, then erase the "
            "account."
        )
        % {"workspaces": ", ".join(sorted(alone))}
    ]


def register_workspaces() -> None:
    register(
        Membership,
        label=gettext_lazy("Workspace memberships"),
        person_field="user",
        fields=["last_used_at"],
        extra_fields=["role", "can_view_sensitive", "created_at"],
        erase=DELETE,
        order=40,
    )
    register(
        Invitation,
        label=gettext_lazy("Invitations to a workspace"),
        person_field="accepted_by",
        email_field="email",
        fields=["email", "full_name"],
        extra_fields=["role", "created_at", "expires_at", "accepted_at", "revoked_at"],
        anonymise={"revoked_at": _revoke_if_pending},
        order=50,
    )
    register_guard(last_owner_guard)
