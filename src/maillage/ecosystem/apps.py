from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcosystemConfig(AppConfig):
    name = "maillage.ecosystem"
    label = "ecosystem"
    verbose_name = _("Ecosystem")

    def ready(self) -> None:
        from maillage.workspaces.initializers import register_initializer

        from .personal_data import register_contacts
        from .services import taxonomy_ensure_defaults

        register_contacts()
        register_initializer(taxonomy_ensure_defaults)
