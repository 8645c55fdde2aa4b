"""The public catalogue: opt-in, chosen fields, never contacts or notes, never another workspace."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from maillage.core.models import Commune
from maillage.ecosystem.catalogue import catalogue_save
from maillage.ecosystem.models import PublicCatalogue
from tests.factories import ActorFactory, ContactFactory, ThemeFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

ALL_FIELDS = list(PublicCatalogue.PUBLISHABLE_FIELDS)


def _publish(workspace, user, fields=None, **values):
    with scope(workspace=workspace):
        return catalogue_save(
            workspace=workspace,
            user=user,
            is_published=values.pop("is_published", True),
            slug=values.pop("slug", workspace.slug),
            title=values.pop("title", "Annuaire"),
            fields=ALL_FIELDS if fields is None else fields,
            **values,
        )


def _index(catalogue):
    return reverse("catalogue:index", args=[catalogue.slug])


def _actor_url(catalogue, actor):
    return reverse("catalogue:actor", args=[catalogue.slug, actor.pk])


# --- settings ---------------------------------------------------------------------------------


def test_settings_are_for_managers(workspace, member_client, guest_client, owner_client):
    url = reverse("ecosystem:catalogue_settings", args=[workspace.slug])
    assert member_client.get(url).status_code == 403
    assert guest_client.get(url).status_code == 403
    html = owner_client.get(url).content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert f'value="{workspace.slug}"' in html  # default address: the workspace's slug
    assert 'value="contacts"' not in html and 'value="notes"' not in html


def test_owner_publishes(workspace, owner_client):
    url = reverse("ecosystem:catalogue_settings", args=[workspace.slug])
    response = owner_client.post(
        url,
        {
            "is_published": "on",
            "slug": "mon-annuaire",
            "title": "Notre annuaire",
            "introduction": "Les acteurs du territoire",
            "fields": ["profile", "themes"],
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        catalogue = PublicCatalogue.objects.get()
    assert (catalogue.workspace_id, catalogue.slug, catalogue.fields) == (
        workspace.pk,
        "mon-annuaire",
        ["profile", "themes"],
    )
    html = owner_client.get(url).content.decode()
    assert "http://testserver/catalogue/mon-annuaire/" in html
    # Edit with the version the form carries.
    data = {"version": 1, "slug": "mon-annuaire", "title": "Renamed", "fields": []}
    assert owner_client.post(url, data).status_code == 302
    with scopes_disabled():
        catalogue.refresh_from_db()
    assert (catalogue.title, catalogue.is_published, catalogue.version) == ("Renamed", False, 2)
    # A stale form.
    response = owner_client.post(url, {**data, "title": "Stale"})
    assert "Someone else changed this record" in response.content.decode()


def test_slug_is_unique_across_workspaces(workspace, owner, owner_client):
    other = WorkspaceFactory()
    with scope(workspace=other):
        catalogue_save(workspace=other, user=None, slug="pris", title="Autre", fields=[])
    url = reverse("ecosystem:catalogue_settings", args=[workspace.slug])
    response = owner_client.post(url, {"slug": "pris", "title": "T", "fields": []})
    assert "already used by another catalogue" in response.content.decode()
    with scopes_disabled():
        assert PublicCatalogue.objects.count() == 1


@pytest.mark.parametrize("field", ["contacts", "notes", "email"])
def test_contacts_and_notes_cannot_be_chosen(workspace, owner, owner_client, field):
    with pytest.raises(ValidationError):
        _publish(workspace, owner.user, fields=["profile", field])
    url = reverse("ecosystem:catalogue_settings", args=[workspace.slug])
    response = owner_client.post(url, {"slug": "x", "title": "T", "fields": [field]})
    assert response.status_code == 200
    with scopes_disabled():
        assert not PublicCatalogue.objects.exists()


def test_default_slug_avoids_a_taken_one(workspace, owner_client):
    other = WorkspaceFactory()
    with scope(workspace=other):
        catalogue_save(workspace=other, user=None, slug=workspace.slug, title="A", fields=[])
    url = reverse("ecosystem:catalogue_settings", args=[workspace.slug])
    assert f'value="{workspace.slug}-2"' in owner_client.get(url).content.decode()


def test_preview_before_publishing(workspace, owner, owner_client, member_client):
    actor = ActorFactory(workspace=workspace, name="Visible en aperçu")
    _publish(workspace, owner.user, is_published=False)
    client = Client()
    assert client.get(_index(PublicCatalogue(slug=workspace.slug))).status_code == 404
    url = reverse("ecosystem:catalogue_preview", args=[workspace.slug])
    html = owner_client.get(url).content.decode()
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert "Visible en aperçu" in html and "Preview" in html
    actor_url = reverse("ecosystem:catalogue_preview_actor", args=[workspace.slug, actor.pk])
    assert f'href="{actor_url}"' in html
    assert owner_client.get(actor_url).status_code == 200
    assert member_client.get(url).status_code == 403


# --- public pages -----------------------------------------------------------------------------


def test_unpublished_or_unknown_is_404(workspace, owner):
    catalogue = _publish(workspace, owner.user, is_published=False)
    actor = ActorFactory(workspace=workspace)
    client = Client()
    assert client.get(_index(catalogue)).status_code == 404
    assert client.get(_actor_url(catalogue, actor)).status_code == 404
    assert client.get("/catalogue/nobody-here/").status_code == 404


def test_archived_workspace_is_404(workspace, owner):
    catalogue = _publish(workspace, owner.user)
    from django.utils import timezone

    workspace.archived_at = timezone.now()
    workspace.save()
    assert Client().get(_index(catalogue)).status_code == 404


def test_public_index_and_actor_without_login(workspace, owner):
    catalogue = _publish(workspace, owner.user, fields=["profile", "description"])
    actor = ActorFactory(
        workspace=workspace,
        name="Épicerie solidaire",
        description="Aide alimentaire",
        website="https://epicerie.example.org",
        siren="123456782",
    )
    client = Client()
    response = client.get(_index(catalogue))
    html = response.content.decode()
    assert response.status_code == 200
    assert "INVALID_TEMPLATE_VARIABLE" not in html
    assert "Épicerie solidaire" in html and "Aide alimentaire" in html
    assert response["Cache-Control"] in ("public, max-age=300", "max-age=300, public")
    assert "Set-Cookie" not in response.headers
    assert "csrfmiddlewaretoken" not in html
    response = client.get(_actor_url(catalogue, actor))
    html = response.content.decode()
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    # Only the chosen fields.
    assert "Aide alimentaire" in html
    assert "epicerie.example.org" not in html and "123456782" not in html


def test_a_signed_in_visitor_gets_a_private_response(workspace, owner, owner_client):
    catalogue = _publish(workspace, owner.user)
    response = owner_client.get(_index(catalogue))
    assert "private" in response["Cache-Control"]
    # The public page does not show the account navigation.
    assert "Sign out" not in response.content.decode()


def test_actor_of_another_workspace_is_404(workspace, other_workspace, owner):
    catalogue = _publish(workspace, owner.user)
    foreign = ActorFactory(workspace=other_workspace, name="Ailleurs")
    mine = ActorFactory(workspace=workspace, name="Ici")
    client = Client()
    assert client.get(_actor_url(catalogue, foreign)).status_code == 404
    assert client.get(_actor_url(catalogue, mine)).status_code == 200
    assert "Ailleurs" not in client.get(_index(catalogue)).content.decode()
    assert "Ailleurs" not in client.get(_index(catalogue), {"q": "ailleurs"}).content.decode()


def test_contacts_and_notes_never_appear(workspace, owner):
    catalogue = _publish(workspace, owner.user, fields=ALL_FIELDS)
    # Even if the stored list was tampered with, the pages never read them.
    with scopes_disabled():
        PublicCatalogue.objects.filter(pk=catalogue.pk).update(
            fields=[*ALL_FIELDS, "contacts", "notes"]
        )
    actor = ActorFactory(workspace=workspace, name="Association témoin", notes="SECRET-NOTE")
    ContactFactory(
        workspace=workspace,
        actor=actor,
        full_name="Camille Secret",
        email="camille.secret@example.org",
        phone="06 11 22 33 44",
        job_title="Trésorière",
    )
    client = Client()
    for url in (_index(catalogue), _actor_url(catalogue, actor)):
        html = client.get(url).content.decode()
        assert "Association témoin" in html
        for secret in ("SECRET-NOTE", "Camille", "camille.secret", "06 11 22 33 44", "Trésorière"):
            assert secret not in html, (url, secret)
    # Nor can a search on them find the actor.
    html = client.get(_index(catalogue), {"q": "SECRET-NOTE"}).content.decode()
    assert "Association témoin" not in html


def test_search_matches_only_published_text(workspace, owner):
    catalogue = _publish(workspace, owner.user, fields=["profile"])
    lyon = Commune.objects.create(code="69123", name="Lyon", department_id="69")
    ActorFactory(
        workspace=workspace, name="Banque alimentaire", description="bénévoles", commune=lyon
    )
    ActorFactory(workspace=workspace, name="Bénévoles en action")
    client = Client()
    html = client.get(_index(catalogue), {"q": "benevoles"}).content.decode()
    assert "Bénévoles en action" in html and "Banque alimentaire" not in html
    # The commune is not published either.
    assert "Banque alimentaire" not in client.get(_index(catalogue), {"q": "lyon"}).content.decode()
    with scopes_disabled():
        PublicCatalogue.objects.filter(pk=catalogue.pk).update(
            fields=["profile", "description", "territory"]
        )
    html = client.get(_index(catalogue), {"q": "benevoles"}).content.decode()
    assert "Bénévoles en action" in html and "Banque alimentaire" in html


def test_filters_show_only_for_published_fields(workspace, owner):
    theme = ThemeFactory(workspace=workspace, name="Alimentation")
    catalogue = _publish(workspace, owner.user, fields=["profile", "themes"])
    fed = ActorFactory(workspace=workspace, name="Fondation A", profile="foundation")
    with scopes_disabled():
        fed.themes.add(theme)
    ActorFactory(
        workspace=workspace, name="Entreprise B", profile="company_pme", is_network_head=True
    )
    client = Client()
    html = client.get(_index(catalogue)).content.decode()
    assert 'name="profile"' in html and 'name="theme"' in html
    assert 'name="level"' not in html and 'name="network_head"' not in html
    assert 'name="unverified_days"' not in html
    html = client.get(_index(catalogue), {"profile": "foundation"}).content.decode()
    assert "Fondation A" in html and "Entreprise B" not in html
    html = client.get(_index(catalogue), {"theme": theme.pk}).content.decode()
    assert "Fondation A" in html and "Entreprise B" not in html
    # A filter on an unpublished field is ignored: it would reveal that field.
    html = client.get(_index(catalogue), {"network_head": "yes"}).content.decode()
    assert "Fondation A" in html and "Entreprise B" in html


def test_pagination_and_constant_queries(workspace, owner):
    catalogue = _publish(workspace, owner.user, fields=ALL_FIELDS)
    theme = ThemeFactory(workspace=workspace)
    client = Client()

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_index(catalogue)).status_code == 200
        return len(queries)

    def add(n):
        for _ in range(n):
            actor = ActorFactory(workspace=workspace)
            with scopes_disabled():
                actor.themes.add(theme)

    add(2)
    count()
    few = count()
    add(30)
    assert count() == few
    html = client.get(_index(catalogue), {"page": "2"}).content.decode()
    assert "Page 2 of 2" in html
    assert client.get(_index(catalogue), {"page": "abc"}).status_code == 200
