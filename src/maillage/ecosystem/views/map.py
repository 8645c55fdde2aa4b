"""The map of the actors that have coordinates: Leaflet served by the app, markers from a
`json_script` data island, tiles from `settings.MAP_TILE_URL` (none when empty). The page lists
the same actors in a table, so that it works without JavaScript or tiles."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from ..graph import FAMILY_COLOURS, family_label, profile_label
from ..models import PROFILE_FAMILY, Actor, ProfileFamily
from ..search import filter_actors, filters_from_request, query_terms, ranked_ids
from .matrices import filter_context

#: Most markers drawn (by name); the page says when more actors match.
MAP_LIMIT = 2000
TABLE_PAGE_SIZE = 50
#: GET parameters hidden under "More filters".
ADVANCED_FILTERS = (
    "territory",
    "mission",
    "theme",
    "audience",
    "sdg",
    "network_head",
    "unverified_days",
)


def tile_origin(url: str) -> str:
    """The CSP source of a tile URL template: "https://tile.openstreetmap.org" for
    "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://*.tile.example.org" for
    "https://{s}.tile.example.org/…"; "" when the URL is empty or not http(s)."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    host = parts.netloc.rsplit("@", 1)[-1]
    if "{" in host:
        # A placeholder in the host ({s}, {switch:a,b}): allow every sub-domain of the rest.
        rest = host.split("}", 1)[-1].partition(".")[2]
        if not rest or "{" in rest:
            return ""
        host = f"*.{rest}"
    return f"{parts.scheme}://{host}"


def _actors(workspace, filters):
    """The actors of the filters, with the text query of the list when there is one."""
    if query_terms(filters.q):
        ids, _capped = ranked_ids(workspace, filters)
        return Actor.objects.filter(workspace=workspace, pk__in=ids)
    return filter_actors(workspace, filters)


@require_GET
def actor_map(request, workspace_slug):
    workspace = request.workspace
    form, filters = filters_from_request(request, workspace)
    actors = _actors(workspace, filters)
    located = Q(latitude__isnull=False, longitude__isnull=False)
    counts = actors.aggregate(matching=Count("pk"), located=Count("pk", filter=located))
    rows = list(
        actors.filter(located)
        .order_by("name", "pk")
        .values_list("pk", "name", "latitude", "longitude", "profile", "commune__name")[:MAP_LIMIT]
    )
    markers = [
        {
            "id": pk,
            "name": name,
            "lat": float(latitude),
            "lon": float(longitude),
            "profile": profile_label(profile),
            "colour": FAMILY_COLOURS.get(PROFILE_FAMILY.get(profile, ""), "#999999"),
            "commune": commune or "",
        }
        for pk, name, latitude, longitude, profile, commune in rows
    ]
    url_template = reverse(
        "ecosystem:actor", kwargs={"workspace_slug": workspace.slug, "pk": 987654321}
    ).replace("987654321", "{pk}")
    page = Paginator(markers, TABLE_PAGE_SIZE).get_page(request.GET.get("page"))
    families = {PROFILE_FAMILY.get(row[4], "") for row in rows}
    response = render(
        request,
        "ecosystem/map.html",
        {
            **filter_context(request, form, filters),
            "markers": markers,
            "page_obj": page,
            "table_rows": [
                {
                    **marker,
                    "url": url_template.replace("{pk}", str(marker["id"])),
                    "coordinates": f"{marker['lat']:.5f}, {marker['lon']:.5f}",
                }
                for marker in page.object_list
            ],
            "url_template": url_template,
            "matching": counts["matching"],
            "located": counts["located"],
            "unlocated": counts["matching"] - counts["located"],
            "capped": counts["located"] > len(markers),
            "map_limit": MAP_LIMIT,
            "map_config": {
                "tileUrl": settings.MAP_TILE_URL if tile_origin(settings.MAP_TILE_URL) else "",
                "attribution": settings.MAP_TILE_ATTRIBUTION,
                "urlTemplate": url_template,
            },
            "has_tiles": bool(tile_origin(settings.MAP_TILE_URL)),
            "legend": [
                (family_label(value), FAMILY_COLOURS[value])
                for value in ProfileFamily.values
                if value in families
            ],
            "advanced_open": any(request.GET.get(name) for name in ADVANCED_FILTERS),
        },
    )
    origin = tile_origin(settings.MAP_TILE_URL)
    if origin:
        # Only this page may load images from the tile server.
        response._csp_update = {"img-src": [origin]}
    return response


urlpatterns = [
    path("map/", actor_map, name="map"),
]
