from django.urls import path

from . import views

app_name = "api_tokens"

# Mounted at /w/<workspace_slug>/api-tokens/ (config/urls.py).
urlpatterns = [
    path("", views.token_list, name="list"),
    path("new/", views.token_create, name="create"),
    path("<int:pk>/revoke/", views.token_revoke, name="revoke"),
]
