"""Profile page: name and preferred language (which sets the language cookie)."""

import pytest
from django.conf import settings
from django.urls import reverse

from maillage.accounts.models import User
from tests.factories import PASSWORD, UserFactory

from .helpers import sign_in

PROFILE_URL = reverse("accounts:profile")
COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@example.org", full_name="Alice A.")


@pytest.fixture
def alice_client(client, alice):
    sign_in(client, alice.email, PASSWORD)
    return client


def test_the_profile_page_shows_the_form(alice_client):
    page = alice_client.get(PROFILE_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "alice@example.org" in html
    assert '<label class="form-label" for="id_full_name">' in html
    assert 'autocomplete="name"' in html
    assert '<label class="form-label" for="id_language">' in html


def test_changing_the_name(alice_client, alice):
    response = alice_client.post(PROFILE_URL, {"full_name": "Alice Martin", "language": ""})
    assert response.status_code == 302
    assert User.objects.get(pk=alice.pk).full_name == "Alice Martin"
    assert "Your profile is saved." in alice_client.get(PROFILE_URL).content.decode()


def test_choosing_a_language_sets_the_cookie_and_the_pages_follow(alice_client, alice, settings):
    settings.LANGUAGE_CODE = "fr"
    assert '<html lang="fr">' in alice_client.get(PROFILE_URL).content.decode()

    response = alice_client.post(PROFILE_URL, {"full_name": "Alice", "language": "en"})
    assert response.cookies[COOKIE].value == "en"
    assert User.objects.get(pk=alice.pk).language == "en"
    page = alice_client.get(PROFILE_URL)
    assert page.headers["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()

    response = alice_client.post(PROFILE_URL, {"full_name": "Alice", "language": "fr"})
    assert response.cookies[COOKIE].value == "fr"
    assert '<html lang="fr">' in alice_client.get(PROFILE_URL).content.decode()


def test_the_preference_follows_the_user_to_a_new_browser(client, alice):
    alice.language = "en"
    alice.save()
    sign_in(client, alice.email, PASSWORD)
    assert COOKIE not in client.cookies
    assert '<html lang="en">' in client.get(PROFILE_URL).content.decode()


def test_no_preference_removes_the_cookie(alice_client, alice, settings):
    settings.LANGUAGE_CODE = "fr"
    alice_client.post(PROFILE_URL, {"full_name": "Alice", "language": "en"})
    response = alice_client.post(PROFILE_URL, {"full_name": "Alice", "language": ""})
    assert response.cookies[COOKIE].value == ""  # deleted
    assert '<html lang="fr">' in alice_client.get(PROFILE_URL).content.decode()


def test_an_unknown_language_is_refused(alice_client, alice):
    response = alice_client.post(PROFILE_URL, {"full_name": "Alice", "language": "de"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert User.objects.get(pk=alice.pk).language == ""
