from django.urls import path

from . import views

app_name = "imports"

# Mounted under /w/<workspace_slug>/imports/ (see config/urls.py).
urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/", views.upload, name="upload"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/progress/", views.job_progress, name="progress"),
    path("<int:pk>/commit/", views.job_commit, name="commit"),
]
