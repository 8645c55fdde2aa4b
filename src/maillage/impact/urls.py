"""Every impact page lives under /w/<workspace_slug>/impact/ (see config/urls.py).

Each views module owns its routes (`urlpatterns` at its end); this file only gathers them."""

from .views import dimensions, exports, indicators, measurements, reports, sdg

app_name = "impact"

urlpatterns = [
    *indicators.urlpatterns,
    *measurements.urlpatterns,
    *dimensions.urlpatterns,
    *sdg.urlpatterns,
    *reports.urlpatterns,
    *exports.urlpatterns,
]
