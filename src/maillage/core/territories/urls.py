from django.urls import path

from . import views

app_name = "territories"

# Mounted at /territories/ (see config/urls.py).
urlpatterns = [
    path("communes/", views.commune_autocomplete, name="communes"),
]
