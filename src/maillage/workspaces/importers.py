"""Bulk invitation of members from a CSV or XLSX file (see docs/imports.md)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.imports import Action, Column, Importer, parsers, register

from . import services
from .models import Invitation, Membership, Role

ROLE_ALIASES = {
    "propriétaire": Role.OWNER,
    "proprio": Role.OWNER,
    "gestionnaire": Role.MANAGER,
    "membre": Role.MEMBER,
    "invité": Role.GUEST,
    "invitée": Role.GUEST,
    "invité(e)": Role.GUEST,
    "lecture seule": Role.GUEST,
    "read-only": Role.GUEST,
}


@dataclass(frozen=True)
class Existing:
    """What the workspace already has for an e-mail address."""

    kind: str  # "member" or "invitation"
    role: str


@register
class MemberInvitationImporter(Importer):
    key = "members"
    label = gettext_lazy("Members (invitations)")
    description = gettext_lazy(
        "Invite several people at once: each address receives an invitation by e-mail. An "
        "address that is already a member, or already invited with the same role, is left "
        "unchanged; importing the file again sends nothing twice."
    )
    columns = (
        Column(
            "email",
            gettext_lazy("E-mail address"),
            required=True,
            aliases=(
                "e-mail",
                "mail",
                "courriel",
                "adresse e-mail",
                "adresse mail",
                "adresse électronique",
            ),
            parser=parsers.email(),
            help_text=gettext_lazy("The address the invitation is sent to."),
            example="camille.martin@example.org",
        ),
        Column(
            "role",
            gettext_lazy("Role"),
            aliases=("rôle", "droits"),
            parser=parsers.choice(Role.choices, aliases=ROLE_ALIASES),
            default=Role.MEMBER,
            help_text=gettext_lazy(
                "owner, manager, member or guest (also propriétaire, gestionnaire, membre, "
                "invité). Empty: member. Only an owner may invite an owner."
            ),
            example="membre",
        ),
        Column(
            "full_name",
            gettext_lazy("Full name"),
            aliases=("name", "nom", "nom complet", "prénom nom", "nom et prénom", "prénom et nom"),
            parser=parsers.text(max_length=150),
            help_text=gettext_lazy(
                "Optional, at most 150 characters. Pre-fills the sign-up page of the "
                "invitation; the person can correct it."
            ),
            example="Camille Martin",
        ),
    )
    natural_key = ("email",)
    required_role = Role.MANAGER
    requires_user = True
    results_url_name = "workspaces:members"
    chunk_size = 500

    def lookup_existing(self, keys, context):
        emails = [key[0] for key in keys]
        workspace = context.workspace
        found: dict[tuple, Existing] = {}
        members = Membership.objects.filter(workspace=workspace, user__email__in=emails)
        for email, role in members.values_list("user__email", "role"):
            found[(email.lower(),)] = Existing("member", role)
        pending = Invitation.objects.filter(
            workspace=workspace,
            email__in=emails,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        for email, role in pending.values_list("email", "role"):
            found.setdefault((email.lower(),), Existing("invitation", role))
        return found

    def validate_row(self, row, context):
        membership = context.membership
        role = row.get("role", Role.MEMBER)
        if role == Role.OWNER and membership is not None and not membership.is_owner:
            raise ValidationError({"role": _("Only an owner can invite someone as owner.")})

    def compare(self, row, existing, context):
        if existing is None:
            return Action.CREATE
        if existing.kind == "member":
            return Action.UNCHANGED  # roles of members are changed on the members page
        if existing.role == row.get("role", Role.MEMBER):
            return Action.UNCHANGED
        return Action.UPDATE  # a pending invitation with another role: replaced, not doubled

    def save_row(self, row, context):
        services.invitation_create(
            workspace=context.workspace,
            user=context.user,
            email=row["email"],
            role=row.get("role", Role.MEMBER),
            full_name=row.get("full_name") or "",
            request=context.request,
        )
