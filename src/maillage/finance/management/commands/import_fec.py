"""Import a FEC file into a workspace's ledger, from disk (no upload size limit).

    manage.py import_fec FEC.txt --workspace my-association [--user me@example.org] [--dry-run]

The same checks as the imports page (docs/finance/ledger.md): every entry must balance, an
entry with an error is never imported in part, and nothing at all is imported if any line is
refused. Importing the same file again adds nothing. Prints the counts and every error; the
exit code is 1 when the file was refused or any line has errors.
"""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from maillage.core.imports.engine import ImportReport
from maillage.finance.fec import FecFile, FecFileError
from maillage.finance.importers.fec import FecImporter, import_fec
from maillage.workspaces.models import Membership, Workspace


class Command(BaseCommand):
    help = "Import a FEC file (fichier des écritures comptables) into a workspace's ledger."

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE", help="the FEC file (tab or | separated)")
        parser.add_argument("--workspace", required=True, help="the workspace's slug")
        parser.add_argument("--user", help="e-mail of the member recorded as author")
        parser.add_argument(
            "--dry-run", action="store_true", help="check the file and count, import nothing"
        )

    def handle(self, *args, **options):
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace with the slug {options['workspace']!r}.")
        try:
            source = FecFile(options["path"])
        except FileNotFoundError:
            raise CommandError(f"No file at {options['path']}.") from None
        except FecFileError as error:
            self.stdout.write(self.style.ERROR(f"File refused: {error.message}"))
            raise CommandError("the file was refused.", returncode=1) from error
        with scope(workspace=workspace):
            user = None
            if options["user"]:
                user = get_user_model().objects.filter(email__iexact=options["user"]).first()
                if user is None:
                    raise CommandError(f"No user with the e-mail {options['user']!r}.")
                membership = Membership.objects.filter(workspace=workspace, user=user).first()
                if membership is None:
                    raise CommandError(f"{user.email} is not a member of {workspace.slug}.")
                if not membership.has_role(FecImporter.required_role):
                    raise CommandError(f"{user.email} may not import into {workspace.slug}.")
            started = time.perf_counter()
            report = import_fec(
                source,
                workspace=workspace,
                user=user,
                commit=not options["dry_run"],
                max_errors=10**9,
                parallel=True,  # a command runs in one thread: the file is read in a child
            )
            elapsed = time.perf_counter() - started
        self.print_report(report, elapsed)
        if report.has_errors:
            raise CommandError(
                "the file was refused."
                if report.file_error
                else f"{report.invalid} line(s) with errors.",
                returncode=1,
            )

    def print_report(self, report: ImportReport, elapsed: float) -> None:
        write = self.stdout.write
        info = report.file
        delimiter = {"\t": "tab", "|": "|"}.get(info.get("delimiter", ""), info.get("delimiter"))
        write(f"File read as {info.get('encoding')}, columns separated by {delimiter}.")
        if report.ignored_headers:
            write("Ignored columns: " + ", ".join(report.ignored_headers))
        if report.file_error:
            write(self.style.ERROR(f"File refused: {report.file_error}"))
            return
        write(
            "Lines: {total}, valid: {valid}, with errors: {invalid}; "
            "new: {create}, already imported (unchanged): {unchanged}.".format(**report.counts)
        )
        for note in report.notes:
            write(str(note))
        for error in report.errors:
            column = f" [{error.header}]" if error.header else ""
            write(f"line {error.line}{column}: {error.message}")
        if report.committed:
            rate = report.total / elapsed if elapsed else 0
            write(
                self.style.SUCCESS(
                    f"Imported: {report.saved['create']} lines created "
                    f"({elapsed:.1f} s, {rate:,.0f} lines/s)."
                )
            )
        elif report.commit:
            write(self.style.ERROR("Nothing was imported (all or nothing)."))
        else:
            write("Dry run: nothing was imported.")
