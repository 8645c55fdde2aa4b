"""Pages opened by a secret link, without an account: a stakeholder's questionnaire
(/d/q/<token>/) and the read-only validated plan (/d/plan/<token>/)."""

from .views import public

app_name = "diagnostics_public"

urlpatterns = [*public.urlpatterns]
