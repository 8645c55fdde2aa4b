"""The workspace's editable list of partnership kinds."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from maillage.core.services import tenant_create, tenant_delete, tenant_update

from ..choices import DEFAULT_KINDS
from ..models import PartnershipKind


def kinds_ensure_defaults(workspace, kind_model=PartnershipKind) -> None:
    """Give the workspace the default kinds (DOMAIN.md §3) once, in the site's language; a list
    the workspace already has is left alone (migration 0002 passes the historical model)."""
    if kind_model.objects.filter(workspace=workspace).exists():
        return
    with override(settings.LANGUAGE_CODE):
        kind_model.objects.bulk_create(
            kind_model(workspace=workspace, name=str(name), position=i)
            for i, (_key, name) in enumerate(DEFAULT_KINDS)
        )


def _check_kind(workspace, fields: dict, kind: PartnershipKind | None = None) -> None:
    if isinstance(fields.get("name"), str):
        fields["name"] = fields["name"].strip()
    name = fields.get("name", kind.name if kind else "")
    if not name:
        raise ValidationError({"name": _("Give the kind a name.")})
    # Compared in Python: the list is short, and SQLite folds only ASCII case ("É" ≠ "é").
    others = PartnershipKind.objects.filter(workspace=workspace)
    if kind is not None:
        others = others.exclude(pk=kind.pk)
    if name.casefold() in {n.casefold() for n in others.values_list("name", flat=True)}:
        raise ValidationError({"name": _("This kind is already in the list.")})


def kind_create(*, workspace, user, request=None, **fields) -> PartnershipKind:
    _check_kind(workspace, fields)
    if fields.get("position") is None:
        last = PartnershipKind.objects.filter(workspace=workspace).order_by("-position").first()
        fields["position"] = (last.position + 1) if last else 0
    return tenant_create(PartnershipKind, workspace=workspace, user=user, request=request, **fields)


def kind_update(
    kind: PartnershipKind, *, user, expected_version: int | None, request=None, **changes
) -> PartnershipKind:
    _check_kind(kind.workspace, changes, kind)
    if changes.get("position") is None:
        changes.pop("position", None)
    return tenant_update(
        kind, user=user, expected_version=expected_version, request=request, **changes
    )


def kind_delete(
    kind: PartnershipKind, *, user, expected_version: int | None = None, request=None
) -> None:
    """Delete a kind no partnership uses; a used kind is refused, naming the partnerships."""

    count = kind.partnerships.count()
    if count:
        names = list(kind.partnerships.order_by("name").values_list("name", flat=True)[:3])
        raise ValidationError(
            ngettext(
                "“%(kind)s” is the kind of %(count)d partnership (%(names)s): give it another "
                "kind first.",
                "“%(kind)s” is the kind of %(count)d partnerships (%(names)s…): give them "
                "another kind first.",
                count,
            )
            % {"kind": kind.name, "count": count, "names": ", ".join(names)}
        )
    tenant_delete(kind, user=user, expected_version=expected_version, request=request)
