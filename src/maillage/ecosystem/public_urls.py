"""The public catalogues (opt-in, read-only): /catalogue/<slug>/ and /catalogue/<slug>/<id>/."""

from .views.public import urlpatterns as public_patterns

app_name = "catalogue"

urlpatterns = [*public_patterns]
