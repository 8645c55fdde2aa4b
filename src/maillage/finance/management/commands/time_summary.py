"""Check or rebuild the time summary that triggers keep (`finance/time_summary.py`).

    manage.py time_summary              # compare it with the entries; exit code 1 if they differ
    manage.py time_summary --rebuild    # compute it again from the entries (and install the
                                        # triggers if they are missing)

Needed only if entries were written while the triggers were absent (e.g. restored with the
triggers dropped); `migrate` already rebuilds it whenever it has to install them.
"""

from django.core.management.base import BaseCommand, CommandError

from maillage.finance import time_summary


class Command(BaseCommand):
    help = "Compare the time summary with the time entries, or rebuild it (--rebuild)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="compute the summary again from the entries"
        )

    def handle(self, *args, **options):
        if options["rebuild"]:
            if not time_summary.install():
                time_summary.rebuild()
            self.stdout.write("Time summary rebuilt from the entries.")
            return
        found = time_summary.differences()
        for line in found[:50]:
            self.stdout.write(line)
        if found:
            raise CommandError(
                f"{len(found)} summary rows differ from the entries: run with --rebuild."
            )
        self.stdout.write("The time summary matches the entries.")
