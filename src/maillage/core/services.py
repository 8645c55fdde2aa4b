"""Generic writes for tenant-owned records: validated, atomic, audited, optimistically locked.

Every app's services build on these three functions so that no write escapes the audit trail
and no stale edit silently overwrites a newer one.
"""

from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from . import audit
from .exceptions import StaleObjectError

M = TypeVar("M", bound=models.Model)


def tenant_create(model: type[M], *, workspace, user, request=None, **fields: Any) -> M:
    instance = model(workspace=workspace, created_by=user, **fields)
    with transaction.atomic():
        instance.full_clean()
        instance.save()
        audit.record(
            audit.Action.CREATE,
            user=user,
            instance=instance,
            changes={
                k: [None, v] for k, v in audit.snapshot(instance).items() if v not in (None, "")
            },
            request=request,
        )
    return instance


def tenant_update(
    instance: M, *, user, expected_version: int | None, request=None, **changes: Any
) -> M:
    """Apply `changes` only if the stored version is still `expected_version`.

    `expected_version` is what the user's form was built from; `None` means "the version I just
    loaded" for internal callers that hold no form. A mismatch raises `StaleObjectError` and
    nothing is written.
    """
    if expected_version is None:
        expected_version = instance.version
    before = audit.snapshot(instance, redact=False)
    for name, value in changes.items():
        setattr(instance, name, value)
    with transaction.atomic():
        instance.full_clean()
        after = audit.snapshot(instance, redact=False)
        changed = audit.diff(before, after)
        values = {
            f.attname: getattr(instance, f.attname)
            for f in instance._meta.concrete_fields
            if f.name in changed
        }
        manager = type(instance)._base_manager
        updated = manager.filter(pk=instance.pk, version=expected_version).update(
            **values, version=F("version") + 1, updated_at=timezone.now()
        )
        if not updated:
            raise StaleObjectError()
        instance.version = expected_version + 1
        if changed:
            audit.record(
                audit.Action.UPDATE,
                user=user,
                instance=instance,
                changes=audit.redact(changed),
                request=request,
            )
    return instance


def tenant_delete(
    instance: models.Model, *, user, expected_version: int | None = None, request=None
):
    with transaction.atomic():
        if expected_version is not None:
            manager = type(instance)._base_manager
            if not manager.filter(pk=instance.pk, version=expected_version).exists():
                raise StaleObjectError()
        workspace = audit.workspace_of(instance)
        audit.record(
            audit.Action.DELETE,
            user=user,
            workspace=workspace,
            instance=instance,
            changes={k: [v, None] for k, v in audit.snapshot(instance).items()},
            request=request,
        )
        instance.delete()


def create_child(model, parent_field: str, parent, *, user, request=None, **fields):
    """Create a `model` record that belongs to `parent` (through `parent_field`), in the
    parent's workspace."""
    return tenant_create(
        model,
        workspace=parent.workspace,
        user=user,
        request=request,
        **{parent_field: parent},
        **fields,
    )
