from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "maillage.finance"
    label = "finance"
    verbose_name = _("Projects and funding")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as lazy

        from maillage.impact.subjects import register_subject_kind

        from .personal_data import register_people, register_project_managers
        from .services.overviews import register_document_jobs
        from .time_summary import on_post_migrate

        register_people()
        register_project_managers()
        register_document_jobs()
        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="finance.time_summary")

        register_subject_kind(
            "project",
            lazy("Project"),
            model="finance.Project",
            url_name="finance:project",
            order_by=("name", "pk"),
        )
        register_subject_kind(
            "agreement",
            lazy("Funding agreement"),
            model="finance.FundingAgreement",
            url_name="finance:agreement",
            order_by=("reference", "pk"),
        )
