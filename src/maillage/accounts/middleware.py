"""Session lifetime and the second authentication factor."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, resolve_url
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

SESSION_STARTED = "maillage_auth_started_at"
SESSION_LAST_SEEN = "maillage_last_seen_at"
SESSION_OTP_REQUIRED = "maillage_otp_required"
LAST_SEEN_WRITE_EVERY = 60  # seconds: avoid a session write on every request


def _redirect(request, url):
    """A redirect that HTMX follows with a full page load instead of swapping it into a target."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


class SessionTimeoutMiddleware:
    """Sign out a session idle for SESSION_IDLE_TIMEOUT or older than SESSION_ABSOLUTE_TIMEOUT."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            if (
                now - started > settings.SESSION_ABSOLUTE_TIMEOUT
                or now - last_seen > settings.SESSION_IDLE_TIMEOUT
            ):
                logout(request)
                messages.info(request, _("Your session has expired: please sign in again."))
                if getattr(request, "htmx", False):
                    next_path = request.htmx.current_url_abs_path or "/"
                    login_url = redirect_to_login(next_path).url
                    return HttpResponseClientRedirect(login_url)
                return redirect_to_login(request.get_full_path())
            request.session.setdefault(SESSION_STARTED, now)
            if now - last_seen >= LAST_SEEN_WRITE_EVERY or SESSION_LAST_SEEN not in request.session:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """A user with a TOTP device must enter a code before going anywhere but the few pages below.

    Whether a code is due is decided at sign-in (`signals.on_login` sets SESSION_OTP_REQUIRED
    when the account has a confirmed device), so no query runs on later requests.
    """

    EXEMPT_URL_NAMES = {"two_factor_verify", "logout", "set_language"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and request.session.get(SESSION_OTP_REQUIRED)
            and not user.is_verified()
            and not self._exempt(request)
        ):
            if request.path_info.startswith("/api/"):
                return self.get_response(request)
            target = resolve_url("accounts:two_factor_verify")
            return _redirect(request, f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _exempt(self, request) -> bool:
        path = request.path_info
        if path.startswith((settings.STATIC_URL, "/i18n/")):
            return True
        try:
            return resolve(path).url_name in self.EXEMPT_URL_NAMES
        except Resolver404:
            return False
