"""Load (or update) communes and EPCI from the official decoupage-administratif JSON files.

    manage.py import_territories DIR    # DIR holds communes.json and epci.json

Idempotent: a second run with the same files writes nothing. See docs/territories.md.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from maillage.core.territories.importer import TerritoryImportError, import_territories


class Command(BaseCommand):
    help = _(
        "Import current communes and EPCI from communes.json and epci.json "
        "(decoupage-administratif format) found in DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")

    def handle(self, *args, directory, **options):
        started = time.perf_counter()
        try:
            result = import_territories(directory)
        except TerritoryImportError as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started

        self.stdout.write(
            _(
                "EPCI: %(total)s (%(created)s created, %(updated)s updated, "
                "%(absent)s absent from the file, kept)"
            )
            % {
                "total": result.epci,
                "created": result.epci_created,
                "updated": result.epci_updated,
                "absent": result.epci_absent,
            }
        )
        self.stdout.write(
            _(
                "Communes: %(total)s (%(created)s created, %(updated)s updated, "
                "%(absent)s absent from the file, kept)"
            )
            % {
                "total": result.communes,
                "created": result.communes_created,
                "updated": result.communes_updated,
                "absent": result.communes_absent,
            }
        )
        self.stdout.write(_("Communes without an EPCI: %(count)s") % {"count": result.without_epci})
        if result.without_department:
            self.stdout.write(
                _("Communes without a department (overseas collectivities %(codes)s): %(count)s")
                % {
                    "codes": ", ".join(sorted(result.without_department)),
                    "count": sum(result.without_department.values()),
                }
            )
        if result.unknown_members:
            self.stderr.write(
                _("EPCI members that are not current communes (ignored): %(codes)s")
                % {"codes": ", ".join(result.unknown_members)}
            )
        self.stdout.write(
            self.style.SUCCESS(_("Territories imported in %(seconds).1f s.") % {"seconds": elapsed})
        )
