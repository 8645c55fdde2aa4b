"""Delete the impact report documents (jobs and their files) asked for more than N days ago.

    manage.py purge_report_jobs              # IMPACT_REPORT_RETENTION_DAYS (30 by default)
    manage.py purge_report_jobs --days 7

Run it daily (cron, systemd timer): docs/deployment.md. Asking for a new document also purges
the expired ones of its workspace.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.impact.report_jobs import purge_report_jobs


class Command(BaseCommand):
    help = _(
        "Delete the impact report documents asked for more than DAYS days ago, with their files."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=_("Keep the documents of the last DAYS days (default: %(days)s).")
            % {"days": settings.IMPACT_REPORT_RETENTION_DAYS},
        )

    def handle(self, *args, days=None, **options):
        if days is not None and days < 0:
            raise CommandError(_("--days cannot be negative."))
        count = purge_report_jobs(days=days)
        self.stdout.write(
            ngettext(
                "%(count)s report document deleted.", "%(count)s report documents deleted.", count
            )
            % {"count": count}
        )
