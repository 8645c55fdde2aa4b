"""Every account page renders in French and in English, with accessible forms."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PASSWORD, InvitationFactory, UserFactory

from .helpers import confirmed_device, sign_in


def check_page(html: str, language: str) -> None:
    assert f'<html lang="{language}">' in html
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert "<h1" in html
    assert re.search(r"<title>\S", html)
    # Every visible input has a label tied to it.
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html)
    for field_id in ids:
        assert f'for="{field_id}"' in html, field_id
    # No inline style (the Content Security Policy would block it).
    assert "style=" not in html.split("<main", 1)[1]


@pytest.fixture(params=["fr", "en"])
def language(request, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = request.param
    return request.param


def test_anonymous_pages(client, language, workspace):
    from maillage.workspaces.services import _hash_token

    InvitationFactory(workspace=workspace, token_hash=_hash_token("new-person"))
    for url in [
        reverse("accounts:login"),
        reverse("accounts:password_reset"),
        reverse("accounts:accept_invitation", args=["new-person"]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        check_page(response.content.decode(), language)
    response = client.get(reverse("accounts:accept_invitation", args=["unknown"]))
    assert response.status_code == 404
    check_page(response.content.decode(), language)


def test_signed_in_pages(client, language, db):
    user = UserFactory()
    sign_in(client, user.email, PASSWORD)
    for url in [reverse("accounts:profile"), reverse("accounts:two_factor")]:
        response = client.get(url)
        assert response.status_code == 200, url
        check_page(response.content.decode(), language)


def test_two_factor_pages(client, language, db):
    user = UserFactory()
    confirmed_device(user)
    sign_in(client, user.email, PASSWORD)
    response = client.get(reverse("accounts:two_factor_verify"))
    assert response.status_code == 200
    check_page(response.content.decode(), language)
    response = client.post(reverse("accounts:two_factor_verify"), {"token": "12"})
    html = response.content.decode()
    check_page(html, language)
    # The error is announced and tied to the field.
    assert 'role="alert"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_token_error"' in html
    assert 'id="id_token_error"' in html


def test_field_errors_have_one_container_each(client, workspace, db):
    from maillage.workspaces.services import _hash_token

    InvitationFactory(workspace=workspace, token_hash=_hash_token("tok"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(
        reverse("accounts:accept_invitation", args=["tok"]),
        {"full_name": "X", "password1": "123", "password2": "123"},
    )
    html = response.content.decode()
    assert html.count('id="id_password1_error"') == 1
    assert "too short" in html and "entirely numeric" in html
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in html
