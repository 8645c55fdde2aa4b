"""Writes the finance services share."""

from maillage.core.services import tenant_create


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
