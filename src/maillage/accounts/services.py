"""Writes on user accounts."""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from maillage.core import audit

from .models import User


def user_create(*, email: str, password: str, full_name: str = "") -> User:
    user = User(email=email.strip().lower(), full_name=full_name.strip())
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def user_sessions(user) -> list[Session]:
    """Every live session of `user` (sessions are in the database)."""
    sessions = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            sessions.append(session)
    return sessions


def user_deactivate(*, user: User, by=None, request=None) -> User:
    """Disable an account: it cannot sign in any more and loses its open sessions at once."""
    with transaction.atomic():
        was_active = user.is_active
        user.is_active = False
        user.save(update_fields=["is_active"])
        closed = Session.objects.filter(pk__in=[s.pk for s in user_sessions(user)]).delete()[0]
        audit.record(
            audit.Action.UPDATE,
            user=by,
            instance=user,
            changes={"is_active": [was_active, False], "sessions_closed": [None, closed]},
            request=request,
        )
    return user
