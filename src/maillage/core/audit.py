"""Audit trail: who did what, where and when (UTC), with the fields that changed.

Services call `record`; the account signals record logins; the workspace middleware records
refused accesses. Nothing here is rendered directly: `events_for_workspace` is the only read.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from .models import AuditEvent

Action = AuditEvent.Action
_REDACTED = "•••"
# Secrets, and salaries (finance contracts: only members allowed to see sensitive data read
# them, and the audit trail is open to every manager).
SENSITIVE_FIELDS = {
    "password",
    "token_hash",
    "key",
    "secret",
    "gross_annual_salary",
    "annual_employer_charges",
}
# Fields masked for one model only (their name is too common to mask everywhere): interview
# notes of a diagnostic are personal data that only some members read.
SENSITIVE_MODEL_FIELDS = {
    "diagnostics.Interview": {"notes"},
}


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def snapshot(instance: models.Model, *, redact: bool = True) -> dict[str, Any]:
    """The concrete field values of `instance`, JSON-ready, foreign keys as ids.

    Sensitive fields are masked unless `redact=False` (for comparing before/after only: never
    record an unredacted snapshot; pass the diff through `redact` first).
    """
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in {"created_at", "updated_at"}:
            continue
        value = _jsonable(getattr(instance, field.attname))
        data[field.name] = _REDACTED if redact and field.name in SENSITIVE_FIELDS else value
    return data


def redact(changes: dict[str, Any]) -> dict[str, Any]:
    """`changes` with the values of sensitive fields masked (the field name stays visible)."""
    return {
        key: (
            [_REDACTED if v is not None else None for v in value]
            if isinstance(value, list)
            else _REDACTED
        )
        if key in SENSITIVE_FIELDS
        else value
        for key, value in changes.items()
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """`{field: [old, new]}` for every field whose value differs."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key) and key != "version"
    }


def _client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def workspace_of(instance: models.Model):
    from maillage.workspaces.models import Workspace

    if isinstance(instance, Workspace):
        return instance
    return getattr(instance, "workspace", None)


def record(
    action: str,
    *,
    user=None,
    workspace=None,
    instance: models.Model | None = None,
    changes: dict | None = None,
    request=None,
    object_repr: str = "",
    user_label: str = "",
) -> AuditEvent:
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if instance is not None:
        workspace = workspace if workspace is not None else workspace_of(instance)
        masked = SENSITIVE_MODEL_FIELDS.get(instance._meta.label, ())
        if masked and changes:
            changes = {
                key: (
                    [_REDACTED if v not in (None, "") else v for v in value]
                    if isinstance(value, list)
                    else _REDACTED
                )
                if key in masked
                else value
                for key, value in changes.items()
            }
    return AuditEvent.objects.create(
        action=action,
        user=user,
        user_label=user_label or (user.email if user is not None else ""),
        workspace=workspace,
        object_type=instance._meta.label if instance is not None else "",
        object_id=str(instance.pk) if instance is not None and instance.pk is not None else "",
        object_repr=(object_repr or (str(instance) if instance is not None else ""))[:200],
        changes=_jsonable(changes or {}),
        ip_address=_client_ip(request),
        path=(request.path[:300] if request is not None else ""),
    )


def events_for_workspace(
    workspace, *, action: str = "", user_id: int | None = None, query: str = ""
):
    events = AuditEvent.objects.filter(workspace=workspace).select_related("user")
    if action:
        events = events.filter(action=action)
    if user_id:
        events = events.filter(user_id=user_id)
    if query:
        events = events.filter(
            models.Q(object_repr__icontains=query) | models.Q(object_type__icontains=query)
        )
    return events
