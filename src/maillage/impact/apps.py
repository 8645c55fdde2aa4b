from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    name = "maillage.impact"
    label = "impact"
    verbose_name = _("Impact")

    def ready(self) -> None:
        from maillage.workspaces.initializers import register_initializer

        from .personal_data import register_measurements, register_report_jobs
        from .services import breakdowns_ensure_defaults

        register_measurements()
        register_report_jobs()
        register_initializer(breakdowns_ensure_defaults)
