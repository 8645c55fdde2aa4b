"""The audit trail's personal data: who did what, from which IP address.

Erasing a person keeps every audit row (the trail must stay complete) but removes what
identifies them: their label and IP address on the events they caused, and their address,
name or other registered values wherever an event mentions one of their records.
"""

import re

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.core.models import AuditEvent
from maillage.core.personal_data import Context, field_value, register

REDACTED = "•••"


def _actor_events(ctx: Context) -> Q:
    condition = Q(user_label__iexact=ctx.person.email)
    if ctx.person.user is not None:
        condition |= Q(user=ctx.person.user)
    return condition


def _about_person(event: AuditEvent, refs: dict[str, set[str]]) -> bool:
    return bool(event.object_id) and event.object_id in refs.get(event.object_type, ())


def export_event(event: AuditEvent, ctx: Context) -> dict:
    """The event as the person may see it: what they did, not what other people hold.

    The object's description is kept only when the object is the person's own record, since
    it can name someone else (an invitation shows the invitee's address).
    """
    data = {
        name: field_value(event, name)
        for name in ("at", "action", "object_type", "object_id", "path", "user_label", "ip_address")
    }
    if _about_person(event, ctx.refs()):
        data["object_repr"] = event.object_repr
    return data


def _scrubber(ctx: Context):
    email = ctx.person.email
    pattern = re.compile(re.escape(email), re.IGNORECASE)
    replacement = ctx.person.erased_email

    def scrub(value):
        if isinstance(value, str):
            return pattern.sub(replacement, value)
        if isinstance(value, list):
            return [scrub(v) for v in value]
        if isinstance(value, dict):
            return {k: scrub(v) for k, v in value.items()}
        return value

    return scrub


def _redact_values(value):
    if isinstance(value, list):
        return [v if v in (None, "") else REDACTED for v in value]
    return REDACTED


def erase_events(events: list[AuditEvent], ctx: Context) -> None:
    """Keep every row; drop the person's label and IP, and mentions of them anywhere."""
    label = ctx.person.label
    AuditEvent.objects.filter(pk__in=[e.pk for e in events]).update(
        user_label=label, ip_address=None
    )

    refs = {k: v for k, v in ctx.refs().items() if k != AuditEvent._meta.label}
    personal_fields = {r.key: set(r.fields) for r in ctx.registry.registrations()}
    email = ctx.person.email
    mentions = (
        Q(object_repr__icontains=email)
        | Q(changes__icontains=email)
        | Q(path__icontains=email)
        | Q(user_label__icontains=email)
    )
    for object_type, pks in refs.items():
        mentions |= Q(object_type=object_type, object_id__in=pks)
    scrub = _scrubber(ctx)
    for event in AuditEvent.objects.filter(mentions).iterator():
        changes = event.changes
        if _about_person(event, refs):
            object_repr = label
            hidden = personal_fields.get(event.object_type, set())
            if isinstance(changes, dict):
                changes = {k: _redact_values(v) if k in hidden else v for k, v in changes.items()}
        else:
            object_repr = scrub(event.object_repr)
        updated = {
            "object_repr": object_repr[:200],
            "changes": scrub(changes),
            "path": scrub(event.path)[:300],
            "user_label": scrub(event.user_label)[:254],
        }
        if any(getattr(event, name) != value for name, value in updated.items()):
            AuditEvent.objects.filter(pk=event.pk).update(**updated)


def register_core() -> None:
    register(
        AuditEvent,
        label=_("Audit trail: your sign-ins and actions"),
        fields=["user_label", "ip_address"],
        extra_fields=["at", "action", "object_type", "object_id", "path"],
        lookup=_actor_events,
        erase=erase_events,
        never_delete=True,
        exporter=export_event,
        order=1000,  # last: it needs the other records found to scrub the events about them
    )
