"""The document-review log: CRUD, title required, a document quoted by findings is kept,
cross-engagement 404."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from maillage.diagnostics.models import ReviewedDocument
from tests.conftest import client_for
from tests.factories import (
    EngagementFactory,
    FindingFactory,
    FindingSourceFactory,
    ReviewedDocumentFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def engagement(workspace):
    return EngagementFactory(workspace=workspace)


def url(name, engagement, *args):
    return reverse(f"diagnostics:{name}", args=[engagement.workspace.slug, engagement.pk, *args])


def test_log_edit_and_delete_a_document(owner, engagement):
    client = client_for(owner)
    response = client.post(
        url("document_create", engagement),
        {
            "kind": "literature",
            "title": "  Les alliances associatives  ",
            "source": "Le RAMEAU",
            "url": "https://example.org/alliances",
            "reviewed_on": "2026-02-03",
            "summary": "Les conditions de réussite des alliances.",
            "version": 1,
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        document = ReviewedDocument.objects.get()
    assert document.title == "Les alliances associatives"
    page = client.get(url("document", engagement, document.pk)).content.decode()
    assert "Les conditions de réussite" in page
    response = client.post(
        url("document_edit", engagement, document.pk),
        {"kind": "internal", "title": "Plan stratégique", "version": 1},
    )
    assert response.status_code == 302
    response = client.post(
        url("document_edit", engagement, document.pk), {"delete": "1", "version": 2}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert not ReviewedDocument.objects.exists()


def test_a_document_needs_a_title(owner, engagement):
    response = client_for(owner).post(
        url("document_create", engagement), {"kind": "internal", "title": " ", "version": 1}
    )
    assert response.status_code == 200
    with scopes_disabled():
        assert not ReviewedDocument.objects.exists()


def test_a_document_cited_by_a_finding_is_kept(owner, engagement):
    document = ReviewedDocumentFactory(engagement=engagement)
    finding = FindingFactory(engagement=engagement, dimension__engagement=engagement)
    FindingSourceFactory(finding=finding, interview=None, document=document)
    response = client_for(owner).post(
        url("document_edit", engagement, document.pk), {"delete": "1", "version": 1}
    )
    assert response.status_code == 200
    assert "Findings cite this document" in response.content.decode()


def test_a_document_of_another_engagement_is_404(owner, engagement):
    foreign = ReviewedDocumentFactory(engagement=EngagementFactory(workspace=engagement.workspace))
    client = client_for(owner)
    for name in ("document", "document_edit", "document_code_finding"):
        assert client.get(url(name, engagement, foreign.pk)).status_code == 404, name


def test_guests_read_the_log_but_write_nothing(guest, engagement):
    document = ReviewedDocumentFactory(engagement=engagement)
    client = client_for(guest)
    assert client.get(url("document", engagement, document.pk)).status_code == 200
    assert client.post(url("document_create", engagement), {"title": "x"}).status_code == 403
