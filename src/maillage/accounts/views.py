import base64
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from maillage.core import audit
from maillage.workspaces.models import Membership
from maillage.workspaces.services import invitation_accept, invitation_for_token

from .forms import LoginForm, ProfileForm, SignUpForm, TokenForm
from .middleware import SESSION_OTP_REQUIRED
from .models import User
from .services import user_create
from .throttling import reset_account


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_initial(self):
        # ?email=… pre-fills the address, e.g. from an invitation sent to an existing account.
        initial = super().get_initial()
        email = self.request.GET.get("email", "")
        if email and len(email) <= 254:
            initial["username"] = email
        return initial


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever opened the link owns the mailbox: the account's lockout may go (the lockout
        # of an IP address stays).
        reset_account(self.user.email)
        audit.record(
            audit.Action.UPDATE,
            user=self.user,
            instance=self.user,
            changes=audit.redact({"password": ["old", "new"]}),
            request=self.request,
            object_repr="password reset by e-mail",
        )
        return response


def _safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _with_next(url_name: str, next_url: str) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _welcome(request, invitation):
    messages.success(request, _("Welcome to %(workspace)s.") % {"workspace": invitation.workspace})
    return redirect("workspaces:dashboard", workspace_slug=invitation.workspace.slug)


def accept_invitation(request, token):
    """Join a workspace from the link of an invitation e-mail (the only way to get an account).

    - unknown, expired, revoked or used token: a 404 page that says so;
    - nobody signed in and no account for the invited address: the sign-up form;
    - nobody signed in and an account exists: sign in with that address, then accept;
    - signed in with the invited address: accept;
    - signed in with another address: refused (403), with a way to sign out.
    """
    invitation = invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    account_exists = User.objects.filter(email__iexact=invitation.email).exists()
    context = {"invitation": invitation, "account_exists": account_exists, "form": None}

    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email.lower():
            return render(
                request,
                "accounts/accept_invitation.html",
                {**context, "wrong_account": True},
                status=403,
            )
        if request.method == "POST":
            try:
                invitation_accept(invitation=invitation, user=request.user, request=request)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                return _welcome(request, invitation)
    elif not account_exists:
        form = SignUpForm(
            request.POST or None,
            email=invitation.email,
            initial={"full_name": invitation.full_name},
        )
        context["form"] = form
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    user = user_create(
                        email=invitation.email,
                        password=form.cleaned_data["password1"],
                        full_name=form.cleaned_data["full_name"],
                    )
                    invitation_accept(invitation=invitation, user=user, request=request)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return _welcome(request, invitation)
    else:
        context["login_url"] = (
            f"{reverse('accounts:login')}?"
            f"{urlencode({'next': request.path, 'email': invitation.email})}"
        )
    return render(request, "accounts/accept_invitation.html", context)


def _qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def _base32(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _workspaces_requiring_two_factor(user) -> list:
    with scopes_disabled():
        return [
            m.workspace
            for m in Membership.objects.filter(
                user=user, workspace__require_two_factor=True
            ).select_related("workspace")
        ]


def _audit_two_factor(request, before: bool, after: bool) -> None:
    audit.record(
        audit.Action.UPDATE,
        user=request.user,
        instance=request.user,
        changes={"two_factor": [before, after]},
        request=request,
    )


@login_required
def two_factor(request):
    """Set up, show or remove the user's authenticator app."""
    required_by = _workspaces_requiring_two_factor(request.user)
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if confirmed:
        if not request.user.is_verified():
            # A device set up in another session: this session must prove it first.
            return redirect(_with_next("accounts:two_factor_verify", _safe_next(request, "")))
        return render(
            request,
            "accounts/two_factor.html",
            {"device": confirmed, "required_by": required_by, "form": TokenForm(autofocus=False)},
        )
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session[SESSION_OTP_REQUIRED] = True
            _audit_two_factor(request, False, True)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_safe_next(request, "accounts:two_factor"))
        device.throttle_reset()  # while setting up, a wrong code only means "try again"
        form.add_error("token", _("This code is not valid. Check your phone's clock and retry."))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "device": device,
            "qr": _qr_svg(device),
            "secret": _base32(device),
            "form": form,
            "next": _safe_next(request, ""),
            "required_by": required_by,
        },
    )


@login_required
@require_POST
def two_factor_disable(request):
    if _workspaces_requiring_two_factor(request.user):
        messages.error(request, _("A workspace you belong to requires two-factor authentication."))
        return redirect("accounts:two_factor")
    form = TokenForm(request.POST)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("accounts:two_factor")
    if form.is_valid() and device.verify_token(form.cleaned_data["token"]):
        TOTPDevice.objects.filter(user=request.user).delete()
        request.session[SESSION_OTP_REQUIRED] = False
        _audit_two_factor(request, True, False)
        messages.success(request, _("Two-factor authentication is off."))
    else:
        audit.record(
            audit.Action.LOGIN_FAILED,
            user=request.user,
            request=request,
            object_repr="two-factor code (turning off)",
        )
        messages.error(request, _("This code is not valid: two-factor authentication stays on."))
    return redirect("accounts:two_factor")


@login_required
def two_factor_verify(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect(_with_next("accounts:two_factor", _safe_next(request, "")))
    if request.user.is_verified():
        return redirect(_safe_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _details = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_safe_next(request))
        audit.record(
            audit.Action.LOGIN_FAILED,
            user=request.user,
            request=request,
            object_repr="two-factor code",
        )
        if allowed:
            form.add_error(
                "token", _("This code is not valid. Check your phone's clock and retry.")
            )
        else:
            form.add_error(
                "token", _("Too many wrong codes in a row: wait a few seconds, then retry.")
            )
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request, "")}
    )


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, _("Your profile is saved."))
        response = redirect("accounts:profile")
        if user.language:
            # The same cookie as the language switch, so that the pages follow at once.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        else:
            response.delete_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
    return render(request, "accounts/profile.html", {"form": form})
