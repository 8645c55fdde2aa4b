"""The `time` import: hours per person, day, project and (optionally) agreement, from a CSV or
XLSX file, through the core import framework (docs/imports.md; layout in
docs/finance/people-and-time.md), discovered through `finance.importers`.

One row is the hours of a person on a project (and agreement) on a day. A person is named by
their e-mail or "First Last" (case and accents ignored), a project by its code, an agreement by
its reference. The key person + date + project + agreement makes re-imports idempotent: a row
whose key is stored updates its hours (and note), never duplicates them; 0 hours removes the
hours stored under that key. The rules are the grid's: at most 24 h a day for a person, file
and stored hours together; an agreement only on a project it funds.

Built for large files (100,000 rows): people, projects and agreements are read once per import,
the stored entries once per chunk of rows, and the writes are bulk (`bulk_create`,
`bulk_update`, one delete per chunk). The engine records one audit event per committed import.
"""

import functools
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.imports import Action, Column, Importer, parsers, register
from maillage.core.imports.parsing import normalize_header
from maillage.core.money import format_hours

from ..models import FundingAgreement, Person, Project, TimeEntry
from ..services.ledger import insert_rows

ZERO = Decimal("0")
MAX_DAY_HOURS = Decimal("24")


class Stored(NamedTuple):
    """What an import needs of an entry already stored (lighter than a model instance)."""

    pk: int
    hours: Decimal
    note: str


#: The columns of a new entry, in the order `save_rows` gives their values.
INSERT_COLUMNS = (
    "workspace_id",
    "created_at",
    "updated_at",
    "created_by_id",
    "version",
    "person_id",
    "date",
    "project_id",
    "agreement_id",
    "hours",
    "note",
)


@functools.lru_cache(maxsize=8192)
def _name_key(text: str) -> str:
    return normalize_header(text)


# Dates and hours repeat over thousands of rows: their parsers remember their answers (immutable
# values; errors are never remembered).
_parse_date = functools.lru_cache(maxsize=8192)(parsers.date())
_parse_hours = functools.lru_cache(maxsize=8192)(parsers.decimal(max_digits=5, decimal_places=2))


@register
class TimeImporter(Importer):
    key = "time"
    label = gettext_lazy("Time entries")
    description = gettext_lazy(
        "One row per person, day and project (and agreement, if the hours are charged to one): "
        "the hours worked. A person is named by their e-mail or “First Last”, a project by its "
        "code, an agreement by its reference. Importing the file again updates the hours, never "
        "duplicates them; 0 hours removes the hours recorded under the same key."
    )
    required_role = "member"
    results_url_name = "finance:time_week"
    chunk_size = 2000
    columns = (
        Column(
            "person",
            gettext_lazy("Person"),
            required=True,
            aliases=(
                "personne",
                "salarié",
                "salarie",
                "salarié(e)",
                "bénévole",
                "intervenant",
                "collaborateur",
                "employee",
                "e-mail",
                "email",
                "courriel",
                "nom",
                "name",
                "prénom nom",
            ),
            parser=parsers.text(max_length=254),
            help_text=gettext_lazy("Their e-mail, or their first and last name"),
            example="camille.durand@example.org",
        ),
        Column(
            "date",
            gettext_lazy("Date"),
            required=True,
            aliases=("jour", "day", "date de travail"),
            parser=_parse_date,
            example="03/03/2025",
        ),
        Column(
            "project",
            gettext_lazy("Project code"),
            required=True,
            aliases=("project", "projet", "code projet", "code du projet", "code"),
            parser=parsers.text(max_length=30),
            example="JARDINS",
        ),
        Column(
            "agreement",
            gettext_lazy("Agreement reference"),
            aliases=(
                "agreement",
                "convention",
                "référence convention",
                "référence de la convention",
                "reference",
                "référence",
                "financement",
            ),
            parser=parsers.text(max_length=60),
            help_text=gettext_lazy("Optional: the agreement the hours are charged to"),
            example="CONV-2025-001",
        ),
        Column(
            "hours",
            gettext_lazy("Hours"),
            required=True,
            aliases=("heures", "nb heures", "nombre d'heures", "durée", "duree", "temps", "time"),
            parser=_parse_hours,
            help_text=gettext_lazy("Decimal hours, comma or point: 7,5 is 7 h 30"),
            example="7,5",
        ),
        Column(
            "note",
            gettext_lazy("Note"),
            aliases=("commentaire", "remarque", "description", "comment", "notes"),
            parser=parsers.text(max_length=200),
            example="Atelier au jardin",
        ),
    )

    # --- lookups ----------------------------------------------------------------------------

    def _load(self, context) -> dict:
        """People, projects and agreements of the workspace, once per import."""
        cache = context.cache
        if "people" in cache:
            return cache
        workspace = context.workspace
        by_email: dict[str, Person] = {}
        by_name: dict[str, set] = {}
        people = {}
        for person in Person.objects.filter(workspace=workspace).only(
            "pk", "first_name", "last_name", "email", "workspace_id"
        ):
            people[person.pk] = person
            if person.email:
                by_email[person.email.lower()] = person
            for text in (
                f"{person.first_name} {person.last_name}",
                f"{person.last_name} {person.first_name}",
            ):
                by_name.setdefault(_name_key(text), set()).add(person.pk)
        cache["people"] = people
        cache["by_email"] = by_email
        cache["by_name"] = by_name
        cache["projects"] = {
            p.code.casefold(): p
            for p in Project.objects.filter(workspace=workspace).only("pk", "code", "name")
        }
        agreements = {
            a.reference.casefold(): a
            for a in FundingAgreement.objects.filter(workspace=workspace).only("pk", "reference")
        }
        funds = set(
            FundingAgreement.projects.through.objects.filter(
                fundingagreement__workspace=workspace
            ).values_list("fundingagreement_id", "project_id")
        )
        cache["agreements"] = agreements
        cache["funds"] = funds
        cache["seen"] = {}  # key → line
        cache["days"] = {}  # (person id, date) → {(project id, agreement id): hours}
        return cache

    def _person(self, text: str, cache) -> tuple[Person | None, str]:
        if "@" in text:
            person = cache["by_email"].get(text.strip().lower())
            if person is None:
                return None, _("No person has the e-mail “%(value)s” in this workspace.") % {
                    "value": text[:100]
                }
            return person, ""
        found = cache["by_name"].get(_name_key(text), set())
        if len(found) == 1:
            return cache["people"][next(iter(found))], ""
        if found:
            return None, _("Several people are called “%(value)s”: write their e-mail.") % {
                "value": text[:100]
            }
        return None, _(
            "Nobody called “%(value)s” in this workspace: write their e-mail or their first and "
            "last name as on their page."
        ) % {"value": text[:100]}

    def prepare(self, rows, context) -> None:
        cache = self._load(context)
        for row in rows:
            row.person, row.person_error = self._person(row["person"], cache)
            row.project = cache["projects"].get(row["project"].casefold())
            reference = row.get("agreement")
            row.agreement = cache["agreements"].get(reference.casefold()) if reference else None
            if row.person is not None and row.project is not None:
                row.key = (
                    row.person.pk,
                    row["date"],
                    row.project.pk,
                    row.agreement.pk if row.agreement is not None else None,
                )
        keyed = [row for row in rows if row.key is not None]
        if not keyed:
            return
        person_ids = {row.key[0] for row in keyed}
        dates = {row.key[1] for row in keyed}
        stored = TimeEntry.objects.filter(
            workspace=context.workspace, person_id__in=person_ids, date__in=dates
        ).values_list("pk", "person_id", "date", "project_id", "agreement_id", "hours", "note")
        days = cache["days"]
        fresh = {(row.key[0], row.key[1]) for row in keyed} - set(days)
        for pair in fresh:
            days[pair] = {}
        for pk, person_id, day, project_id, agreement_id, hours, note in stored.iterator(2000):
            context.existing[(person_id, day, project_id, agreement_id)] = Stored(pk, hours, note)
            if (person_id, day) in fresh:
                days[(person_id, day)][(project_id, agreement_id)] = hours

    # --- checks -----------------------------------------------------------------------------

    def validate_row(self, row, context) -> None:
        cache = context.cache
        errors = {}
        if row.person is None:
            errors["person"] = row.person_error
        if row.project is None:
            errors["project"] = _("No project has the code “%(value)s”.") % {
                "value": row["project"][:30]
            }
        reference = row.get("agreement")
        if reference and row.agreement is None:
            errors["agreement"] = _("No agreement has the reference “%(value)s”.") % {
                "value": reference[:60]
            }
        elif (
            row.agreement is not None
            and row.project is not None
            and (row.agreement.pk, row.project.pk) not in cache["funds"]
        ):
            errors["agreement"] = _(
                "The agreement %(agreement)s does not fund the project %(project)s."
            ) % {"agreement": row.agreement.reference, "project": row.project.code}
        hours = row["hours"]
        if hours < ZERO:
            errors["hours"] = _("Hours cannot be negative.")
        elif hours > MAX_DAY_HOURS:
            errors["hours"] = _("At most 24 h on one line: a day has 24 hours.")
        if errors:
            row.key = None
            raise ValidationError(errors)
        first = cache["seen"].get(row.key)
        if first is not None:
            row.key = None
            raise ValidationError(
                {
                    "date": _(
                        "Duplicate: line %(line)s already has hours for this person, day, "
                        "project and agreement."
                    )
                    % {"line": first}
                }
            )
        day = cache["days"][(row.key[0], row.key[1])]
        slot = (row.key[2], row.key[3])
        total = sum((h for s, h in day.items() if s != slot), ZERO) + hours
        if total > MAX_DAY_HOURS:
            raise ValidationError(
                {
                    "hours": _(
                        "%(name)s would work %(total)s on %(day)s (this file and the hours "
                        "already recorded): at most 24 h a day."
                    )
                    % {
                        "name": row.person.full_name,
                        "total": format_hours(total),
                        "day": date_format(row["date"], "SHORT_DATE_FORMAT"),
                    }
                }
            )
        cache["seen"][row.key] = row.line
        if hours:
            day[slot] = hours
        else:
            day.pop(slot, None)

    def compare(self, row, existing, context) -> Action:
        hours = row["hours"]
        if existing is None:
            return Action.UNCHANGED if not hours else Action.CREATE
        if not hours or existing.hours != hours:
            return Action.UPDATE
        if "note" in row.values and (existing.note or "") != (row.get("note") or ""):
            return Action.UPDATE
        return Action.UNCHANGED

    # --- writes -----------------------------------------------------------------------------

    def save_rows(self, rows, context) -> None:
        """Plain SQL (`services.ledger.insert_rows`, `executemany` for updates) rather than the
        ORM's bulk methods: the same rows, validated above, written several times faster
        (docs/finance/people-and-time.md, "Import")."""
        ops = connection.ops
        now = ops.adapt_datetimefield_value(timezone.now())
        user_id = context.user.pk if context.user is not None else None
        creates, updates, deletes = [], [], []
        for row in rows:
            hours = ops.adapt_decimalfield_value(row["hours"], 5, 2)
            if row.existing is None:
                person_id, day, project_id, agreement_id = row.key
                creates.append(
                    (
                        context.workspace.pk,
                        now,
                        now,
                        user_id,
                        1,
                        person_id,
                        ops.adapt_datefield_value(day),
                        project_id,
                        agreement_id,
                        hours,
                        row.get("note") or "",
                    )
                )
            elif not row["hours"]:
                deletes.append(row.existing.pk)
            else:
                note = row.get("note") or "" if "note" in row.values else row.existing.note
                updates.append((hours, note, now, row.existing.pk))
        q = ops.quote_name
        table = q(TimeEntry._meta.db_table)
        with connection.cursor() as cursor:
            if deletes:
                TimeEntry.objects.filter(workspace=context.workspace, pk__in=deletes).delete()
            if updates:
                cursor.executemany(
                    f"UPDATE {table} SET {q('hours')} = %s, {q('note')} = %s, "  # noqa: S608
                    f"{q('version')} = {q('version')} + 1, {q('updated_at')} = %s "
                    f"WHERE {q('id')} = %s",
                    updates,
                )
            if creates:
                insert_rows(TimeEntry, INSERT_COLUMNS, creates)
