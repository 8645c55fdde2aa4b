from django.apps import AppConfig
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

        register_people()
        register_project_managers()
        register_document_jobs()

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
