from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from maillage.api.api import api
from maillage.workspaces import views as workspace_views

urlpatterns = [
    path("", workspace_views.home, name="home"),
    path("accounts/", include("maillage.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False), name="api_docs"),
    path("admin/", admin.site.urls),
    path("territories/", include("maillage.core.territories.urls")),
    path("privacy/", include("maillage.core.privacy.urls")),
    path("w/<slug:workspace_slug>/api-tokens/", include("maillage.api.urls")),
    path("w/<slug:workspace_slug>/imports/", include("maillage.core.imports.urls")),
    path("w/<slug:workspace_slug>/ecosystem/", include("maillage.ecosystem.urls")),
    path("w/<slug:workspace_slug>/impact/", include("maillage.impact.urls")),
    path("w/<slug:workspace_slug>/finance/", include("maillage.finance.urls")),
    path("w/<slug:workspace_slug>/partnerships/", include("maillage.partnerships.urls")),
    path("w/<slug:workspace_slug>/diagnostics/", include("maillage.diagnostics.urls")),
    path("catalogue/", include("maillage.ecosystem.public_urls")),
    path("d/", include("maillage.diagnostics.public_urls")),
    path("", include("maillage.workspaces.urls")),
]
