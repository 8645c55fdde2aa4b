"""Every finance page lives under /w/<workspace_slug>/finance/ (see config/urls.py).

Each views module owns its routes (`urlpatterns` at its end); this file only gathers them."""

from .views import (
    agreements,
    checks,
    funders,
    home,
    ledger,
    open_data,
    overviews,
    people,
    projects,
    reports,
    socio_economic,
    time,
)

app_name = "finance"

urlpatterns = [
    *home.urlpatterns,
    *projects.urlpatterns,
    *funders.urlpatterns,
    *agreements.urlpatterns,
    *people.urlpatterns,
    *time.urlpatterns,
    *ledger.urlpatterns,
    *checks.urlpatterns,
    *reports.urlpatterns,
    *socio_economic.urlpatterns,
    *open_data.urlpatterns,
    *overviews.urlpatterns,
]
