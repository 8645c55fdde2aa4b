"""Writes of the risk register (likelihood and impact 1–5; the score is their product)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from maillage.core.services import create_child, tenant_delete, tenant_update

from ..models import Partnership, Risk


def _clean_risk(fields: dict) -> dict:
    for name in ("title", "description", "owner", "treatment"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    errors = {}
    for name, message in (
        ("likelihood", _("The likelihood goes from 1 to 5.")),
        ("impact", _("The impact goes from 1 to 5.")),
    ):
        value = fields.get(name)
        if value is not None and not 1 <= value <= 5:
            errors[name] = message
    if errors:
        raise ValidationError(errors)
    return fields


def risk_create(partnership: Partnership, *, user, request=None, **fields) -> Risk:
    return create_child(
        Risk, "partnership", partnership, user=user, request=request, **_clean_risk(fields)
    )


def risk_update(risk: Risk, *, user, expected_version, request=None, **changes) -> Risk:
    return tenant_update(
        risk, user=user, expected_version=expected_version, request=request, **_clean_risk(changes)
    )


def risk_delete(risk: Risk, *, user, expected_version=None, request=None) -> None:
    tenant_delete(risk, user=user, expected_version=expected_version, request=request)
