"""Export everything Maillage holds about a person (right of access, GDPR art. 15 and 20)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.core import audit, personal_data


class Command(BaseCommand):
    help = "Write, as JSON, every record about the person with this e-mail address."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's e-mail address.")
        parser.add_argument("--output", "-o", help="Write to this file instead of the output.")

    def handle(self, *args, email, output=None, **options):
        try:
            data = personal_data.export_person(email)
        except ValueError as error:
            raise CommandError(str(error)) from error
        total = sum(group["count"] for group in data["records"].values())
        user = personal_data.registry.person(email).user
        if total:
            audit.record(
                audit.Action.OTHER,
                instance=user,
                user_label="manage.py export_personal_data",
                object_repr="Personal data exported",
                changes={"personal_data_exported": True},
            )
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"{total} record(s) written to {output}.")
        else:
            self.stdout.write(text, ending="")
        if not total:
            self.stderr.write(f"No personal data found for {data['person']['email']}.")
