"""Login throttling with django-axes: the settings in config/settings/base.py point here.

AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"] means *either* counter locks: 10 failures
on one account (from any address) lock that account, and 10 failures from one address (on any
accounts) lock that address. The counters are kept per (username, IP, user agent) row and
summed per parameter.
"""

from axes.utils import reset


def normalise_username(value) -> str | None:
    if value is None:
        return None
    return str(value).strip().lower()[:254] or None


def axes_username(request, credentials) -> str | None:
    """AXES_USERNAME_CALLABLE: the e-mail address as the account is found, whatever its case.

    Without it, "Alice@example.org" and "alice@example.org" would be two counters for the same
    account and the per-account limit could be walked around by changing case.
    """
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get("username")
    return normalise_username(value)


def reset_account(email: str) -> int:
    """Forget the failed sign-ins counted against the account `email` (not against any IP)."""
    username = normalise_username(email)
    return reset(username=username) if username else 0
