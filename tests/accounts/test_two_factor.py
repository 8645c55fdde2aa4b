"""TOTP two-factor authentication (django-otp): set-up, sign-in, turning off, workspace policy."""

import base64
from urllib.parse import quote

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillage.core.models import AuditEvent
from maillage.workspaces.models import Workspace
from tests.factories import PASSWORD, MembershipFactory, UserFactory

from .helpers import confirmed_device, is_signed_in, sign_in, totp_code, wrong_code

SETUP_URL = reverse("accounts:two_factor")
VERIFY_URL = reverse("accounts:two_factor_verify")
DISABLE_URL = reverse("accounts:two_factor_disable")


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@example.org")


def two_factor_events(user):
    return [
        e.changes["two_factor"]
        for e in AuditEvent.objects.filter(user=user, action=AuditEvent.Action.UPDATE).order_by(
            "id"
        )
        if "two_factor" in e.changes
    ]


def otp_failures(user):
    return AuditEvent.objects.filter(
        user=user, action=AuditEvent.Action.LOGIN_FAILED, object_repr__startswith="two-factor"
    ).count()


def test_set_up_shows_a_qr_code_and_the_key_then_confirms_with_a_code(client, alice):
    sign_in(client, alice.email, PASSWORD)
    page = client.get(SETUP_URL)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=alice)
    assert not device.confirmed
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html
    assert 'alt="QR code to scan with your authenticator app"' in html
    key = base64.b32encode(device.bin_key).decode()
    assert " ".join(key[i : i + 4] for i in range(0, len(key), 4)) in html

    # A wrong code does not turn it on.
    response = client.post(SETUP_URL, {"token": wrong_code(device)})
    assert response.status_code == 200
    assert "This code is not valid" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    # The code an app computes from the key does.
    response = client.post(SETUP_URL, {"token": totp_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert two_factor_events(alice) == [[False, True]]
    # This session is verified: pages open without a code.
    assert client.get(reverse("workspaces:list")).status_code == 200
    assert "On: a code from your authenticator app" in client.get(SETUP_URL).content.decode()


def test_the_key_is_not_replaced_on_each_visit(client, alice):
    sign_in(client, alice.email, PASSWORD)
    client.get(SETUP_URL)
    client.get(SETUP_URL)
    assert TOTPDevice.objects.filter(user=alice).count() == 1


def test_a_code_is_asked_at_every_sign_in_before_any_page(client, alice):
    device = confirmed_device(alice)
    response = sign_in(client, alice.email, PASSWORD, next="/workspaces/")
    assert response.status_code == 302
    assert is_signed_in(client)

    for url in ["/workspaces/", reverse("accounts:profile"), SETUP_URL, "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == f"{VERIFY_URL}?next={quote(url, safe='')}", url

    page = client.get(VERIFY_URL, {"next": "/workspaces/"})
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()

    # A wrong code is refused and audited.
    response = client.post(VERIFY_URL, {"token": wrong_code(device), "next": "/workspaces/"})
    assert response.status_code == 200
    assert "This code is not valid" in response.content.decode()
    assert otp_failures(alice) == 1
    assert client.get("/workspaces/").status_code == 302

    # django-otp then throttles the device for a moment: even the right code waits.
    response = client.post(VERIFY_URL, {"token": totp_code(device), "next": "/workspaces/"})
    assert "wait a few seconds" in response.content.decode()
    assert otp_failures(alice) == 2

    device.refresh_from_db()
    device.throttle_reset()  # the seconds have passed
    response = client.post(VERIFY_URL, {"token": totp_code(device), "next": "/workspaces/"})
    assert response.status_code == 302
    assert response.url == "/workspaces/"
    assert client.get("/workspaces/").status_code == 200
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_code_cannot_be_used_twice(client, alice):
    device = confirmed_device(alice)
    code = totp_code(device)
    sign_in(client, alice.email, PASSWORD)
    assert client.post(VERIFY_URL, {"token": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    sign_in(client, alice.email, PASSWORD)
    response = client.post(VERIFY_URL, {"token": code})
    assert response.status_code == 200
    assert client.get("/workspaces/").status_code == 302


def test_signing_out_is_possible_before_the_code(client, alice):
    confirmed_device(alice)
    sign_in(client, alice.email, PASSWORD)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not is_signed_in(client)


def test_sign_in_without_a_device_asks_no_code(client, alice):
    sign_in(client, alice.email, PASSWORD)
    assert client.get("/workspaces/").status_code == 200


def verified_client(client, user, device):
    sign_in(client, user.email, PASSWORD)
    assert client.post(VERIFY_URL, {"token": totp_code(device)}).status_code == 302
    return client


def test_turning_it_off_needs_a_valid_code(client, alice):
    device = confirmed_device(alice)
    verified_client(client, alice, device)
    page = client.get(SETUP_URL).content.decode()
    assert "Turn it off" in page

    response = client.post(DISABLE_URL, {"token": wrong_code(device)}, follow=True)
    assert "two-factor authentication stays on" in response.content.decode()
    assert TOTPDevice.objects.filter(user=alice, confirmed=True).exists()

    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(DISABLE_URL, {"token": totp_code(device, offset_steps=1)}, follow=True)
    assert "Two-factor authentication is off." in response.content.decode()
    # (the page it lands on offers to set up a new app: a new, unconfirmed device)
    assert not TOTPDevice.objects.filter(user=alice, confirmed=True).exists()
    assert two_factor_events(alice) == [[True, False]]

    # The next sign-in asks no code.
    client.post(reverse("accounts:logout"))
    sign_in(client, alice.email, PASSWORD)
    assert client.get("/workspaces/").status_code == 200


def test_it_cannot_be_turned_off_while_a_workspace_requires_it(client, alice):
    device = confirmed_device(alice)
    MembershipFactory(user=alice, workspace__require_two_factor=True)
    verified_client(client, alice, device)
    page = client.get(SETUP_URL).content.decode()
    assert "Turn it off" not in page
    assert "it is required by" in page

    response = client.post(DISABLE_URL, {"token": totp_code(device, offset_steps=1)}, follow=True)
    assert "A workspace you belong to requires two-factor authentication." in (
        response.content.decode()
    )
    assert TOTPDevice.objects.filter(user=alice, confirmed=True).exists()
    assert two_factor_events(alice) == []


def test_an_owner_makes_two_factor_mandatory(workspace, owner):
    from django.test import Client

    client = Client()
    device = confirmed_device(owner.user)
    verified_client(client, owner.user, device)
    url = reverse("workspaces:settings", args=[workspace.slug])
    response = client.post(
        url,
        {
            "name": workspace.name,
            "description": "",
            "require_two_factor": "on",
            "version": workspace.version,
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert Workspace.objects.get(pk=workspace.pk).require_two_factor


def test_a_member_without_a_device_is_sent_to_set_it_up_then_gets_in(client, workspace):
    workspace.require_two_factor = True
    workspace.save()
    membership = MembershipFactory(workspace=workspace)
    user = membership.user
    dashboard = reverse("workspaces:dashboard", args=[workspace.slug])

    sign_in(client, user.email, PASSWORD)
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response.url.startswith(SETUP_URL)
    assert "next=" in response.url

    page = client.get(response.url)
    assert page.status_code == 200
    assert workspace.name in page.content.decode()  # says which workspace requires it
    # Elsewhere the member is not blocked.
    assert client.get(reverse("workspaces:list")).status_code == 200

    device = TOTPDevice.objects.get(user=user)
    response = client.post(SETUP_URL, {"token": totp_code(device), "next": dashboard})
    assert response.status_code == 302
    assert response.url == dashboard
    assert client.get(dashboard).status_code == 200


def test_a_device_set_up_elsewhere_must_be_verified_in_this_session(client, workspace):
    workspace.require_two_factor = True
    workspace.save()
    membership = MembershipFactory(workspace=workspace)
    user = membership.user
    dashboard = reverse("workspaces:dashboard", args=[workspace.slug])
    sign_in(client, user.email, PASSWORD)  # no device yet: no code asked
    device = confirmed_device(user)  # set up from another browser meanwhile

    response = client.get(dashboard, follow=True)
    assert response.redirect_chain[-1][0].startswith(VERIFY_URL)
    response = client.post(VERIFY_URL, {"token": totp_code(device), "next": dashboard})
    assert response.url == dashboard
    assert client.get(dashboard).status_code == 200


def test_a_verified_member_opens_a_workspace_that_requires_it(client, workspace):
    workspace.require_two_factor = True
    workspace.save()
    membership = MembershipFactory(workspace=workspace)
    device = confirmed_device(membership.user)
    verified_client(client, membership.user, device)
    assert client.get(reverse("workspaces:dashboard", args=[workspace.slug])).status_code == 200
