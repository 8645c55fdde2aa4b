"""Write the funder report (CERFA 15059) of an agreement (docs/finance/funder-report.md):

    manage.py funder_report --workspace my-association --agreement REGION-25 --format json
    manage.py funder_report --workspace my-association --agreement REGION-25 --format pdf \\
        --output report.pdf --language en

JSON goes to the standard output unless --output names a file; XLSX, DOCX and PDF go to the
file named by --output (by default the report's usual name, in the current directory). The
language is French unless --language says otherwise. Hourly rates and the amounts of each
person's time are written unless --hide-salaries (whoever runs the command reads the database).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django_scopes import scope

from maillage.workspaces.models import Workspace

from ...models import FundingAgreement
from ...reports import cerfa_docx, cerfa_json, cerfa_pdf, cerfa_xlsx
from ...reports import cerfa_layout as layout

FORMATS = ("json", "xlsx", "docx", "pdf")


class Command(BaseCommand):
    help = "Write the funder report (CERFA 15059) of an agreement as JSON, XLSX, DOCX or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--workspace", required=True, help="the workspace's slug")
        parser.add_argument("--agreement", required=True, help="the agreement's reference")
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument(
            "--output", help="the file to write (JSON: the standard output by default)"
        )
        parser.add_argument("--language", choices=layout.LANGUAGES, default="fr")
        parser.add_argument(
            "--hide-salaries",
            action="store_true",
            help="leave out hourly rates and the amounts of each person's time",
        )

    def handle(self, *args, **options):
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace with the slug {options['workspace']!r}.")
        reference = options["agreement"].strip()
        fmt, language = options["format"], options["language"]
        sensitive = not options["hide_salaries"]
        with scope(workspace=workspace):
            agreement = (
                FundingAgreement.objects.select_related("funder", "workspace")
                .filter(workspace=workspace, reference__iexact=reference)
                .first()
            )
            if agreement is None:
                known = list(
                    FundingAgreement.objects.filter(workspace=workspace)
                    .order_by("reference")
                    .values_list("reference", flat=True)[:20]
                )
                hint = f" Known references: {', '.join(known)}." if known else ""
                raise CommandError(
                    f"No agreement with the reference {reference!r} in {workspace.slug}.{hint}"
                )
            report = layout.build(agreement, language)
            if fmt == "json":
                content = cerfa_json.render_json(report, sensitive=sensitive).encode()
            elif fmt == "xlsx":
                content = cerfa_xlsx.render_xlsx(report, sensitive=sensitive, language=language)
            elif fmt == "docx":
                content = cerfa_docx.render_docx(report, sensitive=sensitive, language=language)
            else:
                content = cerfa_pdf.render_pdf(report, sensitive=sensitive, language=language)
            with layout.in_language(language):
                default_name = layout.filename(report, fmt)
        output = options.get("output")
        if fmt == "json" and not output:
            self.stdout.write(content.decode())
            return
        path = Path(output or default_name)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror or error}.") from error
        self.stdout.write(f"{path} ({len(content):,} bytes)")
