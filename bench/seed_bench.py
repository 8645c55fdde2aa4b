"""Create the benchmark workspace: 1,000 members, and print a signed-in session key."""

import time

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import transaction  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from maillage.accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED  # noqa: E402
from maillage.accounts.models import User  # noqa: E402
from maillage.workspaces.models import Membership, Role, Workspace  # noqa: E402

MEMBERS = 1000

with transaction.atomic(), scopes_disabled():
    workspace, created = Workspace.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    if created:
        users = User.objects.bulk_create(
            User(email=f"member{i:05d}@bench.example.org", full_name=f"Membre {i:05d}")
            for i in range(MEMBERS)
        )
        Membership.objects.bulk_create(
            Membership(workspace=workspace, user=u, role=Role.OWNER if i == 0 else Role.MEMBER)
            for i, u in enumerate(users)
        )
    owner = Membership.objects.get(workspace=workspace, role=Role.OWNER).user
    assert Membership.objects.filter(workspace=workspace).count() == MEMBERS

session = SessionStore()
session[SESSION_KEY] = str(owner.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = owner.get_session_auth_hash()
now = time.time()
session[SESSION_STARTED] = now
session[SESSION_LAST_SEEN] = now + 10 * 3600  # no idle write during the run
session.save()
print(session.session_key)
