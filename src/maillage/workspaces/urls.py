from django.urls import include, path

from . import views

app_name = "workspaces"

# Every URL of a workspace starts with /w/<workspace_slug>/ (see config/urls.py).
workspace_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("settings/", views.workspace_settings, name="settings"),
    path("settings/archive/", views.workspace_archive, name="archive"),
    path("members/", views.member_list, name="members"),
    path("members/invite/", views.member_invite, name="invite"),
    path("members/<int:pk>/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("audit/", views.audit_log, name="audit"),
]

urlpatterns = [
    path("workspaces/", views.workspace_list, name="list"),
    path("workspaces/new/", views.workspace_create, name="create"),
    path("w/<slug:workspace_slug>/", include(workspace_patterns)),
]
