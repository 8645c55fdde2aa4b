"""Run an importer on a file, synchronously: the same checks and report as the web page.

    manage.py import_file members people.csv --workspace my-network --user me@example.org
    manage.py import_file members people.csv --workspace my-network --user me@example.org --commit

Without --commit it is a dry run (the preview). The exit code is 1 when the file was refused or
any row has errors (with --commit --allow-partial, the valid rows are saved all the same).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from maillage.core.imports import registry
from maillage.core.imports.engine import ImportReport, run_import_file
from maillage.workspaces.models import Membership, Workspace


class Command(BaseCommand):
    help = "Check (and with --commit, import) a CSV or XLSX file with one of the importers."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="the importer's key, e.g. members")
        parser.add_argument("path", help="the CSV or XLSX file")
        parser.add_argument("--workspace", required=True, help="the workspace's slug")
        parser.add_argument("--user", help="e-mail of the member recorded as author")
        parser.add_argument(
            "--commit", action="store_true", help="save the valid rows (default: dry run)"
        )
        parser.add_argument(
            "--allow-partial",
            action="store_true",
            help="with --commit, save the valid rows even if other rows have errors",
        )

    def handle(self, *args, **options):
        try:
            importer_class = registry.get(options["kind"])
        except registry.UnknownImporter:
            known = ", ".join(cls.key for cls in registry.all_importers())
            raise CommandError(
                f"Unknown import kind {options['kind']!r}. Known: {known}."
            ) from None
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace with the slug {options['workspace']!r}.")
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")

        with scope(workspace=workspace):
            user = None
            if options["user"]:
                user = get_user_model().objects.filter(email__iexact=options["user"]).first()
                if user is None:
                    raise CommandError(f"No user with the e-mail {options['user']!r}.")
                if not Membership.objects.filter(workspace=workspace, user=user).exists():
                    raise CommandError(f"{user.email} is not a member of {workspace.slug}.")
            elif importer_class.requires_user:
                raise CommandError(f"The {importer_class.key!r} import needs --user EMAIL.")
            importer = importer_class(workspace=workspace, user=user)
            report = run_import_file(
                importer,
                path.read_bytes(),
                path.name,
                commit=options["commit"],
                all_or_nothing=not options["allow_partial"],
                max_errors=10**9,
            )
        self.print_report(report)
        if report.has_errors:
            raise CommandError(self.failure(report), returncode=1)

    def print_report(self, report: ImportReport) -> None:
        write = self.stdout.write
        info = report.file
        if info.get("format") == "csv":
            write(f"File read as CSV ({info['encoding']}, delimiter {info['delimiter']!r}).")
        elif info.get("format") == "xlsx":
            write(f"File read as XLSX (sheet {info['sheet']!r}).")
        for note in report.notes:
            write(str(note))
        if report.ignored_headers:
            write("Ignored columns: " + ", ".join(report.ignored_headers))
        if report.file_error:
            write(self.style.ERROR(f"File refused: {report.file_error}"))
            return
        counts = report.counts
        write(
            "Rows: {total}, valid: {valid}, with errors: {invalid}; "
            "to create: {create}, to update: {update}, unchanged: {unchanged}.".format(**counts)
        )
        for error in report.errors:
            column = f" [{error.header}]" if error.header else ""
            write(f"line {error.line}{column}: {error.message}")
        if report.committed:
            write(
                self.style.SUCCESS(
                    "Imported: {create} created, {update} updated.".format(**report.saved)
                )
            )
        elif report.commit:
            write(self.style.ERROR("Nothing was imported (all or nothing)."))
        else:
            write("Dry run: nothing was imported (use --commit).")

    @staticmethod
    def failure(report: ImportReport) -> str:
        if report.file_error:
            return "the file was refused."
        return f"{report.invalid} row(s) with errors."
