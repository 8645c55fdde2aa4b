"""Logins, logouts and failed logins go to the audit trail."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillage.core import audit

from .middleware import SESSION_LAST_SEEN, SESSION_OTP_REQUIRED, SESSION_STARTED
from .throttling import normalise_username, reset_account


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_STARTED] = now
        request.session[SESSION_LAST_SEEN] = now
        request.session[SESSION_OTP_REQUIRED] = TOTPDevice.objects.filter(
            user=user, confirmed=True
        ).exists()
    # A successful sign-in clears the failures counted against this account, but not those
    # counted against the IP address (see docs/decisions/login-throttling.md).
    reset_account(user.get_username())
    audit.record(audit.Action.LOGIN, user=user, request=request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(audit.Action.LOGOUT, user=user, request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    label = normalise_username(credentials.get("username") or credentials.get("email")) or ""
    audit.record(audit.Action.LOGIN_FAILED, user_label=label, request=request)
