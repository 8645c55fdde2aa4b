"""Every diagnostic page lives under /w/<workspace_slug>/diagnostics/ (see config/urls.py).

Each views module owns its routes (`urlpatterns` at its end); this file only gathers them."""

from .views import analysis, deliverables, engagements, fieldwork, scenarios

app_name = "diagnostics"

urlpatterns = [
    *engagements.urlpatterns,
    *fieldwork.urlpatterns,
    *analysis.urlpatterns,
    *scenarios.urlpatterns,
    *deliverables.urlpatterns,
]
