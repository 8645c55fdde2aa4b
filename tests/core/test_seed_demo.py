from django.core.management import call_command
from django.test import Client
from django_scopes import scopes_disabled

from maillage.accounts.models import User
from maillage.core.management.commands.seed_demo import DEMO_PASSWORD, DEMO_PEOPLE
from maillage.workspaces.models import Invitation, Membership, Workspace


def _counts():
    with scopes_disabled():
        return (
            Workspace.objects.count(),
            User.objects.count(),
            Membership.objects.count(),
            Invitation.objects.count(),
        )


def test_seed_demo_is_idempotent_and_gives_a_working_login(db, capsys):
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first == (1, len(DEMO_PEOPLE), len(DEMO_PEOPLE), 1)
    assert DEMO_PASSWORD in capsys.readouterr().out

    client = Client()
    response = client.post(
        "/accounts/login/", {"username": DEMO_PEOPLE[0][0], "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    dashboard = client.get("/", follow=True)
    assert "Alliance Solidaire" in dashboard.content.decode()
