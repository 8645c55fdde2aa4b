"""Every ecosystem page lives under /w/<workspace_slug>/ecosystem/ (see config/urls.py).

Each views module owns its routes (`urlpatterns` at its end); this file only gathers them."""

from .views import (
    actors,
    catalogue_admin,
    duplicates,
    exports,
    graph,
    map,
    matrices,
    network_heads,
    relations,
    taxonomies,
)

app_name = "ecosystem"

urlpatterns = [
    *actors.urlpatterns,
    *relations.urlpatterns,
    *taxonomies.urlpatterns,
    *matrices.urlpatterns,
    *graph.urlpatterns,
    *map.urlpatterns,
    *exports.urlpatterns,
    *duplicates.urlpatterns,
    *network_heads.urlpatterns,
    *catalogue_admin.urlpatterns,
]
