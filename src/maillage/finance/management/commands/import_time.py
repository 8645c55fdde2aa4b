"""Import time entries from a CSV or XLSX file: the `time` importer
(docs/finance/people-and-time.md).

    manage.py import_time hours.xlsx --workspace my-association --user me@example.org
    manage.py import_time hours.csv --workspace my-association --dry-run

Unlike `import_file`, it saves by default; `--dry-run` only checks. All or nothing: one row with
an error and nothing is stored; every error is printed with its line and column. The exit code
is 1 when the file was refused or any row has errors.
"""

from maillage.core.management.commands.import_file import Command as ImportFileCommand


class Command(ImportFileCommand):
    help = (
        "Import hours per person, day and project (CSV or XLSX). Saves unless --dry-run; "
        "all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the CSV or XLSX file")
        parser.add_argument("--workspace", required=True, help="the workspace's slug")
        parser.add_argument("--user", help="e-mail of the member recorded as author")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file without saving anything"
        )

    def handle(self, *args, **options):
        options.update(kind="time", commit=not options["dry_run"], allow_partial=False)
        return super().handle(*args, **options)
