"""The public catalogues (opt-in, read-only): /catalogue/<slug>/ (being written)."""

app_name = "catalogue"

urlpatterns = []
