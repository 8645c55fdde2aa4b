"""Personal data held by the accounts app: the account itself, its authenticator apps and the
sign-in records kept by django-axes. Registered from `AccountsConfig.ready()`."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillage.core.personal_data import DELETE, Context, erased_email, erased_label, register

from .models import User
from .services import user_deactivate


def erase_users(users: list[User], ctx: Context) -> None:
    """The account row stays (other records point to it) but identifies nobody and is closed:
    neutral name and address, no usable password, deactivated, every session ended."""
    for user in users:
        user.email = erased_email(user.pk)
        user.full_name = erased_label(user.pk)
        user.last_login = None
        user.language = ""
        user.is_staff = False
        user.is_superuser = False
        user.set_unusable_password()
        user.save(
            update_fields=[
                "email",
                "full_name",
                "last_login",
                "language",
                "is_staff",
                "is_superuser",
                "password",
            ]
        )
        user_deactivate(user=user, by=ctx.actor())


def register_accounts() -> None:
    register(
        User,
        label=_("Account"),
        email_field="email",
        fields=["email", "full_name", "last_login"],
        extra_fields=["language", "date_joined", "is_active"],
        erase=erase_users,
        never_delete=True,
        order=10,
    )
    register(
        TOTPDevice,
        label=_("Authenticator apps (two-factor authentication)"),
        person_field="user",
        fields=["name"],
        extra_fields=["confirmed", "created_at", "last_used_at"],
        erase=DELETE,
        order=20,
    )
    for model, label in (
        (AccessLog, _("Sign-ins (security log)")),
        (AccessAttempt, _("Failed sign-in attempts (security log)")),
        (AccessFailureLog, _("Failed sign-ins (security log)")),
    ):
        register(
            model,
            label=label,
            email_field="username",
            fields=["username", "ip_address", "user_agent"],
            extra_fields=["attempt_time", "path_info"],
            erase=DELETE,
            order=30,
        )
