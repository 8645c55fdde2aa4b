"""Idle and absolute session timeouts (SessionTimeoutMiddleware)."""

import os
import subprocess
import sys
import time
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse

from maillage.accounts import middleware
from maillage.accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED
from tests.factories import PASSWORD, UserFactory

from .helpers import LOGIN_URL, is_signed_in, sign_in

PAGE = "/workspaces/"
EXPIRED_TEXT = "Your session has expired: please sign in again."


@pytest.fixture
def signed_in(client, db):
    user = UserFactory()
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    return client


def age_session(client, *, started_ago: float, last_seen_ago: float) -> None:
    session = client.session
    now = time.time()
    session[SESSION_STARTED] = now - started_ago
    session[SESSION_LAST_SEEN] = now - last_seen_ago
    session.save()


def assert_signed_out_with_message(client, response):
    assert response.status_code == 302
    assert response.url == f"{LOGIN_URL}?next={PAGE}"
    assert not is_signed_in(client)
    login_page = client.get(response.url)
    assert EXPIRED_TEXT in login_page.content.decode()
    # Still signed out afterwards.
    assert client.get(PAGE).status_code == 302


def test_sign_in_records_the_start_and_last_activity(signed_in):
    session = signed_in.session
    assert time.time() - session[SESSION_STARTED] < 60
    assert time.time() - session[SESSION_LAST_SEEN] < 60


def test_an_active_session_stays_open(signed_in):
    age_session(signed_in, started_ago=3600, last_seen_ago=120)
    assert signed_in.get(PAGE).status_code == 200
    # The activity is written down (at most once a minute), so the idle clock restarts.
    assert time.time() - signed_in.session[SESSION_LAST_SEEN] < 60
    assert signed_in.get(PAGE).status_code == 200


def test_an_idle_session_is_signed_out(signed_in):
    age_session(
        signed_in,
        started_ago=settings.SESSION_IDLE_TIMEOUT + 100,
        last_seen_ago=settings.SESSION_IDLE_TIMEOUT + 1,
    )
    assert_signed_out_with_message(signed_in, signed_in.get(PAGE))


def test_an_over_age_session_is_signed_out_even_if_active(signed_in):
    age_session(signed_in, started_ago=settings.SESSION_ABSOLUTE_TIMEOUT + 1, last_seen_ago=5)
    assert_signed_out_with_message(signed_in, signed_in.get(PAGE))


def test_timeouts_follow_the_settings_and_the_clock(signed_in, settings, monkeypatch):
    settings.SESSION_IDLE_TIMEOUT = 300
    settings.SESSION_ABSOLUTE_TIMEOUT = 1000
    start = time.time()

    def at(seconds_later):
        monkeypatch.setattr(middleware, "time", SimpleNamespace(time=lambda: start + seconds_later))

    at(290)  # idle for 290 s < 300 s
    assert signed_in.get(PAGE).status_code == 200
    at(580)  # 290 s since the last request
    assert signed_in.get(PAGE).status_code == 200
    at(870)
    assert signed_in.get(PAGE).status_code == 200
    at(1001)  # active all along, but older than the absolute limit
    assert_signed_out_with_message(signed_in, signed_in.get(PAGE))


def test_idle_by_the_clock(signed_in, settings, monkeypatch):
    settings.SESSION_IDLE_TIMEOUT = 300
    start = time.time()
    monkeypatch.setattr(middleware, "time", SimpleNamespace(time=lambda: start + 301))
    assert_signed_out_with_message(signed_in, signed_in.get(PAGE))


def test_an_htmx_request_on_an_expired_session_reloads_the_page(signed_in):
    age_session(signed_in, started_ago=settings.SESSION_ABSOLUTE_TIMEOUT + 1, last_seen_ago=5)
    response = signed_in.get(
        PAGE, headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/workspaces/"}
    )
    assert response.headers["HX-Redirect"] == f"{LOGIN_URL}?next={PAGE}"
    assert not is_signed_in(signed_in)


def test_anonymous_requests_are_left_alone(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert SESSION_STARTED not in client.session


def test_the_timeouts_come_from_the_environment():
    code = (
        "import maillage.config.settings.base as s;"
        "print(s.SESSION_IDLE_TIMEOUT, s.SESSION_ABSOLUTE_TIMEOUT, s.SESSION_COOKIE_AGE)"
    )
    env = {
        **os.environ,
        "MAILLAGE_SESSION_IDLE_TIMEOUT": "600",
        "MAILLAGE_SESSION_ABSOLUTE_TIMEOUT": "3600",
    }
    output = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert output.split() == ["600", "3600", "3600"]
