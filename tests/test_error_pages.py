"""Refusals and missing pages answer with the app's own pages, in the user's language."""

import pytest
from django.test import Client
from django.urls import reverse

from maillage.core.models import AuditEvent


def test_a_guest_write_gets_a_readable_403_and_is_audited(guest_client, guest, workspace):
    response = guest_client.post(reverse("workspaces:settings", args=[workspace.slug]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Access refused" in page
    assert "Read-only access" in page
    assert AuditEvent.objects.filter(
        workspace=workspace, user=guest.user, action="access_denied"
    ).exists()


def test_a_role_refusal_does_not_show_the_internal_reason(member_client, workspace):
    response = member_client.get(reverse("workspaces:audit", args=[workspace.slug]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "does not allow this action" in page
    assert "below" not in page  # the audit trail's reason, not the user's message


def test_missing_page_in_french(client, settings):
    settings.LANGUAGE_CODE = "fr"
    response = client.get("/w/nowhere/")
    assert response.status_code in (302, 404)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.django_db
def test_server_error_page_renders_without_a_request_context():
    from django.views.defaults import server_error

    response = server_error(Client().get("/").wsgi_request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
