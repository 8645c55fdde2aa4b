"""Helpers for the API tests: tokens made through the service, bearer requests."""

from django.test import Client
from django_scopes import scope

from maillage.api.services import api_token_create


def make_token(membership, *, name="Script", expires_at=None):
    """`(token, secret)` for `membership`'s user on its workspace, made by the real service."""
    with scope(workspace=membership.workspace):
        return api_token_create(
            workspace=membership.workspace,
            user=membership.user,
            name=name,
            expires_at=expires_at,
        )


def english_client() -> Client:
    """A client whose answers are in English (the language cookie wins, decision 0002)."""
    client = Client()
    client.cookies["maillage_language"] = "en"
    return client


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def members_url(workspace_or_slug) -> str:
    slug = getattr(workspace_or_slug, "slug", workspace_or_slug)
    return f"/api/v1/w/{slug}/members"


def api_get(path: str, secret: str | None = None, client: Client | None = None, **params):
    client = client or english_client()
    headers = bearer(secret) if secret is not None else {}
    return client.get(path, params, headers=headers)
