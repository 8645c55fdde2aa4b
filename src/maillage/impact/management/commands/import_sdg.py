"""Load (or update) the 169 SDG targets and the global indicators from open-sdg files.

    manage.py import_sdg DIR    # DIR holds fr/ and en/, each with global_goals.yml,
                                # global_targets.yml and global_indicators.yml

Idempotent: a second run with the same files writes nothing. See docs/impact.md, "SDG".
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from maillage.impact.sdg_import import SdgImportError, import_sdg


class Command(BaseCommand):
    help = _(
        "Import the SDG targets and indicators from the open-sdg translation files "
        "(global_goals.yml, global_targets.yml, global_indicators.yml) in DIR/fr and DIR/en."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")

    def handle(self, *args, directory, **options):
        verbosity = options.get("verbosity", 1)
        started = time.perf_counter()
        try:
            result = import_sdg(directory)
        except SdgImportError as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started

        self.stdout.write(
            _(
                "SDG targets: %(total)s (%(created)s created, %(updated)s updated, "
                "%(absent)s absent from the files, kept)"
            )
            % {
                "total": result.targets,
                "created": result.targets_created,
                "updated": result.targets_updated,
                "absent": result.targets_absent,
            }
        )
        self.stdout.write(
            _(
                "SDG indicators: %(total)s (%(created)s created, %(updated)s updated, "
                "%(absent)s absent from the files, kept)"
            )
            % {
                "total": result.indicators,
                "created": result.indicators_created,
                "updated": result.indicators_updated,
                "absent": result.indicators_absent,
            }
        )
        if result.name_differences:
            if verbosity >= 2:
                for difference in result.name_differences:
                    self.stdout.write(
                        _(
                            "Goal %(goal)s (%(language)s): the files say “%(files)s”, "
                            "Maillage shows “%(ours)s”."
                        )
                        % {
                            "goal": difference.goal,
                            "language": difference.language,
                            "files": difference.in_files,
                            "ours": difference.in_maillage,
                        }
                    )
            else:
                self.stdout.write(
                    _(
                        "%(count)s goal short names differ from the ones Maillage shows "
                        "(typography or corrections; -v 2 lists them)."
                    )
                    % {"count": len(result.name_differences)}
                )
        self.stdout.write(
            self.style.SUCCESS(
                _("SDG reference imported in %(seconds).1f s.") % {"seconds": elapsed}
            )
        )
