"""Helpers shared by the account tests (and the invitation tests)."""

import re

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

LOGIN_URL = reverse("accounts:login")


def sign_in(client: Client, email: str, password: str, *, ip: str = "127.0.0.1", **extra):
    """Sign in through the real login form (axes and the signals run, unlike force_login)."""
    return client.post(
        LOGIN_URL, {"username": email, "password": password, **extra}, REMOTE_ADDR=ip
    )


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def totp_code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The code an authenticator app would show for `device`, computed from its key."""
    device.refresh_from_db()
    token = totp(
        device.bin_key, device.step, device.t0, device.digits, drift=device.drift + offset_steps
    )
    return f"{token:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A 6-digit code accepted by none of the steps the device tolerates."""
    valid = {totp_code(device, offset_steps=s) for s in range(-2, 3)}
    return next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in valid)


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)


def link_in(body: str) -> str:
    """The first http(s) link of an e-mail body."""
    match = re.search(r"https?://\S+", body)
    assert match, body
    return match.group(0)
