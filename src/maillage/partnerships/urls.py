"""Every partnership page lives under /w/<workspace_slug>/partnerships/ (see config/urls.py).

Each views module owns its routes (`urlpatterns` at its end); this file only gathers them."""

from .views import (
    canvas,
    evaluations,
    exports,
    kinds,
    lifecycle,
    meetings,
    partnerships,
    plans,
    portfolio,
    risks,
)

app_name = "partnerships"

urlpatterns = [
    *portfolio.urlpatterns,
    *partnerships.urlpatterns,
    *kinds.urlpatterns,
    *lifecycle.urlpatterns,
    *canvas.urlpatterns,
    *plans.urlpatterns,
    *meetings.urlpatterns,
    *risks.urlpatterns,
    *evaluations.urlpatterns,
    *exports.urlpatterns,
]
