"""Load the fictional demo workspace. Idempotent: running it twice changes nothing.

Each module adds its own demo data by providing `<app>.demo.seed(workspace, users)`; this command
calls them in INSTALLED_APPS order.
"""

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scope

from maillage.accounts.models import User
from maillage.workspaces.models import Invitation, Membership, Role, Workspace
from maillage.workspaces.services import invitation_create

DEMO_PASSWORD = "maillage-demo"  # noqa: S105 - fictional demo data, printed on purpose
DEMO_WORKSPACE_SLUG = "alliance-demo"
DEMO_INVITEE = "nadia.roussel@demo.maillage.fr"
DEMO_PEOPLE = [
    ("claire.martin@demo.maillage.fr", "Claire Martin", Role.OWNER),
    ("karim.benali@demo.maillage.fr", "Karim Benali", Role.MANAGER),
    ("sophie.leroy@demo.maillage.fr", "Sophie Leroy", Role.MEMBER),
    ("lucas.moreau@demo.maillage.fr", "Lucas Moreau", Role.MEMBER),
    ("ines.garnier@demo.maillage.fr", "Inès Garnier", Role.GUEST),
]


class Command(BaseCommand):
    help = "Create (or complete) the fictional demo workspace and its users."

    def handle(self, *args, **options):
        with transaction.atomic():
            workspace, _ = Workspace.objects.get_or_create(
                slug=DEMO_WORKSPACE_SLUG,
                defaults={
                    "name": "Alliance Solidaire Rhône-Loire (démo)",
                    "description": (
                        "Espace fictif : deux associations alliées, Les Jardins du Lien et "
                        "Trait d'Union Emploi, qui partagent une stratégie et des équipes."
                    ),
                },
            )
            users = {}
            with scope(workspace=workspace):
                for email, name, role in DEMO_PEOPLE:
                    user = User.objects.filter(email=email).first()
                    if user is None:
                        user = User.objects.create_user(
                            email=email, password=DEMO_PASSWORD, full_name=name
                        )
                    users[email] = user
                    Membership.objects.get_or_create(
                        workspace=workspace,
                        user=user,
                        defaults={"role": role, "can_view_sensitive": role == Role.OWNER},
                    )
                owner = users[DEMO_PEOPLE[0][0]]
                if not Invitation.objects.filter(workspace=workspace).exists():
                    invitation_create(
                        workspace=workspace,
                        user=owner,
                        email=DEMO_INVITEE,
                        role=Role.MEMBER,
                        send=False,
                    )
                for config in apps.get_app_configs():
                    if not config.name.startswith("maillage."):
                        continue
                    try:
                        module = importlib.import_module(f"{config.name}.demo")
                    except ModuleNotFoundError:
                        continue
                    module.seed(workspace=workspace, users=users)
        owner = DEMO_PEOPLE[0][0]
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo workspace “{workspace.name}” ready.\n"
                f"  Sign in at http://127.0.0.1:8000 with {owner} / {DEMO_PASSWORD}\n"
                f"  (other demo people: {', '.join(e for e, _, _ in DEMO_PEOPLE[1:])}, "
                f"same password)"
            )
        )
