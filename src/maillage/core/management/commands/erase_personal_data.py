"""Erase a person's data by anonymisation (right to erasure, GDPR art. 17)."""

from django.core.management.base import BaseCommand, CommandError

from maillage.core import personal_data


class Command(BaseCommand):
    help = (
        "Anonymise every record about the person with this e-mail address, deactivate their "
        "account and end their sessions, in one transaction. Cannot be undone."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's e-mail address.")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm: the erasure cannot be undone."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Erase even when a check refuses (e.g. a workspace would be left without owner).",
        )

    def handle(self, *args, email, yes=False, force=False, **options):
        if not yes:
            raise CommandError("The erasure cannot be undone: add --yes to confirm.")
        try:
            report = personal_data.erase_person(
                email, by=None, by_label="manage.py erase_personal_data", force=force
            )
        except personal_data.ErasureRefused as refused:
            reasons = "\n".join(refused.reasons)
            raise CommandError(f"{reasons}\nNothing was erased (--force overrides).") from None
        except (ValueError, personal_data.PersonalDataError) as error:
            raise CommandError(f"{error}\nNothing was erased.") from None
        if not report.found:
            self.stdout.write(f"Nothing found for {report.email}: nothing to erase.")
            return
        for key, counts in report.counts.items():
            for verb, count in counts.items():
                if count:
                    self.stdout.write(f"{key}: {count} {verb}")
        self.stdout.write(self.style.SUCCESS(f"Personal data of {report.email} erased."))
