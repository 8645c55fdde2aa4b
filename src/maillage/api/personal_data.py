"""Personal data held by the API app: a person's API tokens (registered from `ApiConfig.ready`).

Erasure deletes the tokens: they are credentials, and nothing else points at them. Only their
descriptive fields are exported, never the hash of the secret."""

from django.utils.translation import gettext_lazy as _

from maillage.core.personal_data import DELETE, register

from .models import ApiToken


def register_api() -> None:
    register(
        ApiToken,
        label=_("API tokens"),
        person_field="user",
        fields=["name", "last_used_at"],
        extra_fields=["prefix", "created_at", "expires_at", "revoked_at"],
        erase=DELETE,
        order=60,
    )
