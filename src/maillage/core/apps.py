from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "maillage.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from .territories.builtin import on_post_migrate

        # Built-in regions and departments in every database, after every migrate.
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="core.territories.builtin")

        from .privacy.registrations import register_core

        register_core()  # the audit trail's personal data (see core/personal_data.py)
