"""The map: markers of the actors with coordinates, filters, the table without JavaScript, the
tile server setting and the Content Security Policy."""

import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.ecosystem.views import map as map_views
from maillage.ecosystem.views.map import tile_origin
from tests.conftest import client_for
from tests.factories import ActorFactory, MembershipFactory


@pytest.fixture
def located(workspace, other_workspace):
    return {
        "lyon": ActorFactory(
            workspace=workspace,
            name="Maison de l'ESS Lyon",
            profile="intermediary",
            latitude=Decimal("45.76404"),
            longitude=Decimal("4.83566"),
            region_id="84",
        ),
        "stetienne": ActorFactory(
            workspace=workspace,
            name="Collectif Saint-Étienne",
            profile="association_volunteer",
            latitude=Decimal("45.43987"),
            longitude=Decimal("4.38718"),
            region_id="84",
            department_id="42",
        ),
        "paris": ActorFactory(
            workspace=workspace,
            name="Fondation Paris",
            profile="foundation",
            level="national",
            latitude=Decimal("48.85661"),
            longitude=Decimal("2.35222"),
            region_id="11",
        ),
        "nowhere": ActorFactory(workspace=workspace, name="Sans coordonnées", region_id="84"),
        "foreign": ActorFactory(
            workspace=other_workspace,
            name="Étranger",
            latitude=Decimal("43.3"),
            longitude=Decimal("5.4"),
        ),
    }


def _url(workspace):
    return reverse("ecosystem:map", kwargs={"workspace_slug": workspace.slug})


def _markers(response):
    html = response.content.decode()
    match = re.search(r'<script id="map-markers" type="application/json">(.*?)</script>', html)
    return json.loads(match.group(1)) if match else []


def test_markers_table_and_counts(member_client, workspace, located):
    response = member_client.get(_url(workspace))
    assert response.status_code == 200
    markers = _markers(response)
    assert [m["name"] for m in markers] == [
        "Collectif Saint-Étienne",
        "Fondation Paris",
        "Maison de l'ESS Lyon",
    ]
    lyon = next(m for m in markers if m["name"].endswith("Lyon"))
    assert lyon["lat"] == pytest.approx(45.76404) and lyon["lon"] == pytest.approx(4.83566)
    html = response.content.decode()
    # The table lists the same actors with links, for readers without JavaScript.
    actor_url = reverse(
        "ecosystem:actor", kwargs={"workspace_slug": workspace.slug, "pk": located["lyon"].pk}
    )
    assert f'<a href="{actor_url}">Maison de l&#x27;ESS Lyon</a>' in html
    assert "Sans coordonnées" not in html
    assert "Étranger" not in html
    assert "1 matching actor has no coordinates" in html
    assert "leaflet/leaflet.js" in html and "js/ecosystem-map.js" in html
    assert 'style="' not in html.split("<main", 1)[1]
    config = json.loads(
        re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html).group(1)
    )
    assert config["urlTemplate"].replace("{pk}", str(located["lyon"].pk)) == actor_url


def test_filters_as_the_list(member_client, workspace, located):
    names = lambda params: [m["name"] for m in _markers(member_client.get(_url(workspace), params))]  # noqa: E731
    assert names({"territory": "department:42"}) == ["Collectif Saint-Étienne"]
    assert names({"profile": "foundation"}) == ["Fondation Paris"]
    assert names({"level": "national"}) == ["Fondation Paris"]
    assert names({"q": "etienne"}) == ["Collectif Saint-Étienne"]
    assert names({"territory": "region:84"}) == ["Collectif Saint-Étienne", "Maison de l'ESS Lyon"]


def test_markers_are_capped(member_client, workspace, located, monkeypatch):
    monkeypatch.setattr(map_views, "MAP_LIMIT", 2)
    response = member_client.get(_url(workspace))
    assert len(_markers(response)) == 2
    assert "3 actors with coordinates match: the first 2 by name are shown" in (
        response.content.decode()
    )


def test_tile_server_in_the_csp_of_the_map_only(member_client, workspace, located, settings):
    settings.MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    response = member_client.get(_url(workspace))
    csp = response["Content-Security-Policy"]
    img_src = re.search(r"img-src ([^;]*)", csp).group(1)
    assert "https://tile.openstreetmap.org" in img_src
    other = member_client.get(
        reverse("ecosystem:matrices", kwargs={"workspace_slug": workspace.slug})
    )
    assert "tile.openstreetmap.org" not in other["Content-Security-Policy"]


def test_without_tiles_the_page_still_works(member_client, workspace, located, settings):
    settings.MAP_TILE_URL = ""
    response = member_client.get(_url(workspace))
    html = response.content.decode()
    assert "No map background is configured" in html
    assert len(_markers(response)) == 3
    assert "openstreetmap" not in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        (
            "https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png",
            "https://*.tile.openstreetmap.fr",
        ),
        ("http://tiles.local:8080/{z}/{x}/{y}.png", "http://tiles.local:8080"),
        ("", ""),
        ("javascript:alert(1)", ""),
        ("/tiles/{z}/{x}/{y}.png", ""),
    ],
)
def test_tile_origin(url, origin):
    assert tile_origin(url) == origin


def test_empty_map(member_client, workspace):
    response = member_client.get(_url(workspace))
    assert response.status_code == 200
    assert "No actor has coordinates yet" in response.content.decode()


def test_isolation_and_guest(workspace, other_workspace, located, guest_client):
    assert guest_client.get(_url(workspace)).status_code == 200
    client = client_for(MembershipFactory(workspace=other_workspace))
    assert [m["name"] for m in _markers(client.get(_url(other_workspace)))] == ["Étranger"]
    assert client.get(_url(workspace)).status_code == 404


def test_query_count_is_constant(member_client, workspace, located):
    url = _url(workspace)
    member_client.get(url)
    with CaptureQueriesContext(connection) as few:
        member_client.get(url)
    ActorFactory.create_batch(
        30, workspace=workspace, latitude=Decimal("45.1"), longitude=Decimal("4.1")
    )
    with CaptureQueriesContext(connection) as many:
        member_client.get(url)
    assert len(many) == len(few)
