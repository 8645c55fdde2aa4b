from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosticsConfig(AppConfig):
    name = "maillage.diagnostics"
    label = "diagnostics"
    verbose_name = _("Alliance diagnostic")

    def ready(self) -> None:
        from maillage.impact.subjects import register_subject_kind

        from .personal_data import register_stakeholders

        register_stakeholders()

        register_subject_kind(
            "plan_action",
            _("Action of an implementation plan"),
            model="diagnostics.PlanAction",
            url_name="diagnostics:plan_action",
            order_by=("title", "pk"),
        )
