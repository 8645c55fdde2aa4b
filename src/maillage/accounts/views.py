import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
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


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


def _safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def accept_invitation(request, token):
    invitation = invitation_for_token(token)
    if invitation is None:
        raise Http404(_("This invitation does not exist, has expired or was revoked."))
    account_exists = User.objects.filter(email__iexact=invitation.email).exists()
    form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                invitation_accept(invitation=invitation, user=request.user, request=request)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request, _("Welcome to %(workspace)s.") % {"workspace": invitation.workspace}
                )
                return redirect("workspaces:dashboard", workspace_slug=invitation.workspace.slug)
    elif not account_exists:
        form = SignUpForm(request.POST or None, email=invitation.email)
        if request.method == "POST" and form.is_valid():
            user = user_create(
                email=invitation.email,
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            invitation_accept(invitation=invitation, user=user, request=request)
            messages.success(
                request, _("Welcome to %(workspace)s.") % {"workspace": invitation.workspace}
            )
            return redirect("workspaces:dashboard", workspace_slug=invitation.workspace.slug)
    return render(
        request,
        "accounts/accept_invitation.html",
        {"invitation": invitation, "form": form, "account_exists": account_exists},
    )


def _qr_svg(device: TOTPDevice, user) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


@login_required
def two_factor(request):
    """Set up, show or remove the user's authenticator app."""
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if confirmed:
        with scopes_disabled():
            required_by = [
                m.workspace
                for m in Membership.objects.filter(
                    user=request.user, workspace__require_two_factor=True
                ).select_related("workspace")
            ]
        return render(
            request,
            "accounts/two_factor.html",
            {"device": confirmed, "required_by": required_by, "form": TokenForm()},
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
            audit.record(
                audit.Action.UPDATE,
                user=request.user,
                instance=request.user,
                changes={"two_factor": [False, True]},
                request=request,
            )
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_safe_next(request, "accounts:two_factor"))
        form.add_error("token", _("This code is not valid. Check your phone's clock and retry."))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "device": device,
            "qr": _qr_svg(device, request.user),
            "secret": _base32(device),
            "form": form,
            "next": request.GET.get("next", ""),
        },
    )


def _base32(device: TOTPDevice) -> str:
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@require_POST
def two_factor_disable(request):
    with scopes_disabled():
        required = Membership.objects.filter(
            user=request.user, workspace__require_two_factor=True
        ).exists()
    if required:
        messages.error(
            request, _("A workspace you belong to requires two-factor authentication.")
        )
        return redirect("accounts:two_factor")
    form = TokenForm(request.POST)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device and form.is_valid() and device.verify_token(form.cleaned_data["token"]):
        TOTPDevice.objects.filter(user=request.user).delete()
        request.session[SESSION_OTP_REQUIRED] = False
        audit.record(
            audit.Action.UPDATE,
            user=request.user,
            instance=request.user,
            changes={"two_factor": [True, False]},
            request=request,
        )
        messages.success(request, _("Two-factor authentication is off."))
    else:
        messages.error(request, _("This code is not valid: two-factor authentication stays on."))
    return redirect("accounts:two_factor")


@login_required
def two_factor_verify(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect(f"{reverse_lazy('accounts:two_factor')}?next={_safe_next(request, '/')}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_safe_next(request))
        audit.record(
            audit.Action.LOGIN_FAILED,
            user=request.user,
            request=request,
            object_repr="two-factor code",
        )
        form.add_error("token", _("This code is not valid. Check your phone's clock and retry."))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request, "")}
    )


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        response = redirect("accounts:profile")
        if request.user.language:
            from django.conf import settings

            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, request.user.language)
        return response
    return render(request, "accounts/profile.html", {"form": form})
