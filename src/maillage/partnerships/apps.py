from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "maillage.partnerships"
    label = "partnerships"
    verbose_name = _("Partnerships and alliances")

    def ready(self) -> None:
        from maillage.impact.subjects import register_subject_kind
        from maillage.workspaces.initializers import register_initializer

        from .services.kinds import kinds_ensure_defaults

        register_initializer(kinds_ensure_defaults)
        register_subject_kind(
            "partnership",
            _("Partnership"),
            model="partnerships.Partnership",
            url_name="partnerships:partnership",
            order_by=("name", "pk"),
        )
