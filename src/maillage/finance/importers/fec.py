"""The FEC import (`fec`): the ledger's lines from the file an accounting software exports.

It runs inside the core import framework (the imports page, `manage.py import_file fec`, the
background tasks, the job's preview and report) but does the work itself (`run_table`), for two
reasons: an entry's lines must balance, which no per-row check can tell; and a year of accounts
can hold a million lines, which the per-row engine would take minutes over. `manage.py
import_fec` reads the file from disk line by line, without the upload's size limit.

The promises are the engine's: a dry run (the preview) writes nothing; a commit writes in one
transaction; every error names its line and FEC column; progress is reported every chunk; one
audit event records the import (none per line). And the FEC's own:

- a line whose values are wrong (dates not AAAAMMJJ, amounts that are not amounts, a debit and a
  credit on the same line, a missing account…) is refused, and so is its whole entry: an entry
  is imported whole or not at all. An unbalanced entry is reported on its first line with its
  totals and their difference. "All or nothing" (the default) imports nothing if any line is
  refused; otherwise the entries without error are imported;
- each line's `fingerprint` is the sha1 of its 18 normalised values (dates as written, amounts
  as 1234.50, whatever the layout, encoding or separator) and its rank among the identical lines
  of its entry: the same file imported twice adds nothing, every line is "unchanged";
- a new line's category comes from the account mapping (`selectors.ledger.account_categoriser`)
  and the assignment rules are applied to the new lines as they are written (what
  `services.ledger.ledger_apply_rules` would do to them: same matcher, same classes).

Lines are written with one multi-row INSERT per chunk (`executemany`), fingerprints looked up
per chunk (only when the workspace already has lines).
"""

import gc
from collections.abc import Callable
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from maillage.core import audit
from maillage.core.imports import Column, Importer, ImportReport, RowError, register
from maillage.core.imports.engine import MAX_REPORTED_ERRORS

from ..fec import (
    AMOUNT,
    COLUMNS,
    DIRECTION,
    FIELDS,
    Entry,
    EntryBook,
    FecFileError,
    FecParser,
    FecTable,
    Layout,
    read_layout,
    unbalanced_message,
)
from ..models import AssignmentRule, LedgerLine
from ..selectors.ledger import RULE_CATEGORIES, account_categoriser
from ..services.ledger import AllocationWriter, RuleMatcher, insert_rows

KEY = "fec"
_RULE_CATEGORIES = frozenset(RULE_CATEGORIES)
CHUNK = 5000
COLUMN_NAMES = (
    "workspace_id",
    "created_at",
    "updated_at",
    "created_by_id",
    "version",
    *FIELDS,
    "fingerprint",
    "category",
    "source_name",
)


class _Rollback(Exception):
    pass


class FecImport:
    """One run over a FEC source (`fec.FecFile` or `fec.FecTable`): validation, or the commit."""

    def __init__(
        self,
        *,
        workspace,
        user,
        source,
        commit: bool,
        all_or_nothing: bool = True,
        progress: Callable[[int, int], None] | None = None,
        max_errors: int = MAX_REPORTED_ERRORS,
        request=None,
    ):
        self.workspace = workspace
        self.user = user
        self.source = source
        self.commit = commit
        self.all_or_nothing = all_or_nothing
        self.progress = progress
        self.request = request
        self.report = ImportReport(
            importer=KEY,
            all_or_nothing=all_or_nothing,
            commit=commit,
            file=source.describe(),
            max_errors=max_errors,
        )
        self.layout: Layout | None = None
        self.book = EntryBook()
        self.assigned = 0

    # --- the run ---------------------------------------------------------------------------------

    def run(self) -> ImportReport:
        # The cyclic garbage collector would walk the entry book's hundreds of thousands of
        # objects again and again (a million-line file imports five times slower); an import
        # makes no reference cycles worth collecting meanwhile.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._run()
        finally:
            if was_enabled:
                gc.enable()

    def _run(self) -> ImportReport:
        report = self.report
        try:
            self.layout = read_layout(self.source.header, self.source.delimiter)
        except FecFileError as error:
            report.file_error = error.message
            return report
        layout = self.layout
        report.columns = [{"name": name, "header": layout.headers[name]} for name in layout.indexes]
        report.ignored_headers = list(layout.ignored)
        if layout.with_direction:
            report.notes.append(
                _("Amounts are read from the columns %(amount)s and %(direction)s.")
                % {"amount": AMOUNT, "direction": DIRECTION}
            )
        self.has_lines = LedgerLine.objects.filter(workspace=self.workspace).exists()
        if self.has_lines and connection.vendor == "postgresql" and self.source.total > CHUNK:
            # Statistics lag behind bulk loads: without them PostgreSQL may answer each chunk's
            # fingerprint lookup by reading the workspace's whole ledger.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(LedgerLine._meta.db_table)}")
        if not self.commit:
            self._pass(write=False)
            self._close_entries()
        elif self.all_or_nothing:
            try:
                with transaction.atomic():
                    self._prepare_writing()
                    self._pass(write=True)
                    self._close_entries()
                    if report.invalid:
                        raise _Rollback
                    self._committed()
            except _Rollback:
                report.committed = False
                report.saved = {}
            finally:
                self._close_writer()
        else:
            self._pass(write=False)
            self._close_entries()
            refused = {
                key
                for key, entry in self.book.entries.items()
                if entry.bad_lines or entry.debit != entry.credit
            }
            try:
                with transaction.atomic():
                    self._prepare_writing()
                    self._pass(write=True, skip=refused, count=False)
                    self._committed()
            finally:
                self._close_writer()
        report.errors.sort(key=lambda e: e.line)
        return report

    def _prepare_writing(self) -> None:
        workspace = self.workspace
        self.categorise = account_categoriser(workspace)
        self.writer = _Writer(
            workspace=workspace, user=self.user, source_name=(self.source.name or "")[-255:]
        )
        rules = list(AssignmentRule.objects.filter(workspace=workspace).order_by("position", "id"))
        self.rules = RuleMatcher(rules) if rules else None
        self.allocations = AllocationWriter(workspace, self.user) if rules else None

    def _close_writer(self) -> None:
        writer = getattr(self, "writer", None)
        if writer is not None:
            writer.close()

    def _committed(self) -> None:
        report = self.report
        created = self.writer.written
        report.committed = True
        report.saved = {"create": created, "update": 0}
        if self.rules is not None:
            report.notes.append(
                ngettext(
                    "The assignment rules charged %(count)s new line to a project.",
                    "The assignment rules charged %(count)s new lines to projects.",
                    self.assigned,
                )
                % {"count": self.assigned}
            )
        audit.record(
            audit.Action.OTHER,
            user=self.user,
            workspace=self.workspace,
            request=self.request,
            object_repr=_("Import “%(kind)s”: %(create)s created, %(update)s updated")
            % {"kind": FecImporter.label, **report.saved},
            changes={
                "import": KEY,
                "file": self.source.name,
                **report.counts,
                "assigned_by_rules": self.assigned,
            },
        )

    # --- reading ---------------------------------------------------------------------------------

    def _pass(self, *, write: bool, skip: set | None = None, count: bool = True) -> None:
        """Read every line once: check it, count it and, if `write`, store the new ones."""
        parser = FecParser(self.layout)
        book = self.book if count else EntryBook()
        entries = book.entries
        fingerprint = book.fingerprint
        parse = parser.parse
        total = self.source.total
        read = 0
        chunk: list = []
        self._notify(0, total)
        for line, cells in self.source.records():
            read += 1
            parsed, errors = parse(cells)
            key = parser.entry_of(cells) if errors else parsed.entry
            entry = entries.get(key)
            if entry is None:
                entry = entries[key] = Entry(line)
            entry.lines += 1
            if errors:
                entry.bad_lines += 1
                if count:
                    self._refuse(line, errors)
                continue
            entry.debit += parsed.debit_cents
            entry.credit += parsed.credit_cents
            chunk.append((parsed, fingerprint(parsed.text), entry))
            if len(chunk) >= CHUNK:
                self._flush(chunk, write=write, skip=skip, count=count)
                chunk = []
                self._notify(read, max(read, total))
        if chunk:
            self._flush(chunk, write=write, skip=skip, count=count)
        self._notify(read, read)

    def _refuse(self, line: int, errors: list[tuple[str, str]]) -> None:
        report = self.report
        report.total += 1
        report.invalid += 1
        header = self.layout.header
        report.add_errors(
            [
                RowError(line, name, header(name) if name else "", message)
                for name, message in errors
            ]
        )

    def _flush(self, chunk: list, *, write: bool, skip: set | None, count: bool) -> None:
        stored = self._stored([item[1] for item in chunk]) if self.has_lines else set()
        new = []
        for item in chunk:
            if item[1] in stored:
                item[2].stored_lines += 1
            else:
                new.append(item)
        if count:
            report = self.report
            report.total += len(chunk)
            report.valid += len(chunk)
            report.unchanged += len(chunk) - len(new)
            report.create += len(new)
        if write and new and not (self.all_or_nothing and self.report.invalid):
            if skip:
                new = [item for item in new if item[0].entry not in skip]
            self.writer.write(new, self.categorise)
            if self.rules is not None:
                self._assign(new)

    def _assign(self, new: list) -> None:
        """Apply the rules to lines just written (`services.ledger.ledger_apply_rules` on new
        lines, without reading every line back: only the matched ones' ids are looked up)."""
        first = self.rules.first
        categorise = self.categorise
        matched = {}
        for parsed, fingerprint, _entry in new:
            v = parsed.values
            if categorise(v[4]) in _RULE_CATEGORIES:
                rule = first(v[4], v[0], v[10], v[7])
                if rule is not None:
                    matched[fingerprint] = rule
        if not matched:
            return
        ids = self.writer.ids if not self.writer.sqlite else self._ids(list(matched))
        self.allocations.write([(ids[fingerprint], rule) for fingerprint, rule in matched.items()])
        self.assigned += len(matched)

    def _stored(self, fingerprints: list[str]) -> set[str]:
        """Which of these fingerprints the workspace's ledger has."""
        return set(self._ids(fingerprints))

    def _ids(self, fingerprints: list[str]) -> dict[str, int]:
        """{fingerprint: line id} of these fingerprints in the workspace's ledger: one query
        (plain SQL: the ORM would spend more time preparing its thousands of parameters than
        the database takes to answer)."""
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {quote('fingerprint')}, {quote('id')} "  # noqa: S608 - no user text
            f"FROM {quote(LedgerLine._meta.db_table)} "
            f"WHERE {quote('workspace_id')} = %s AND {quote('fingerprint')} "
        )
        if connection.vendor == "postgresql":  # one array parameter, planned once
            sql, params = sql + "= ANY(%s)", [self.workspace.pk, fingerprints]
        else:
            marks = ", ".join(["%s"] * len(fingerprints))
            sql, params = sql + f"IN ({marks})", [self.workspace.pk, *fingerprints]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return dict(cursor.fetchall())

    def _close_entries(self) -> None:
        """Report unbalanced entries; count the lines of refused entries as refused."""
        report = self.report
        header = self.layout.header("EcritureNum")
        errors = []
        skipped = 0
        for key, entry in self.book.entries.items():
            clean = entry.lines - entry.bad_lines
            unbalanced = not entry.bad_lines and entry.debit != entry.credit
            if unbalanced:
                errors.append(
                    RowError(
                        entry.first_line, "EcritureNum", header, unbalanced_message(key, entry)
                    )
                )
            elif entry.bad_lines and clean:
                skipped += clean
            else:
                continue
            report.valid -= clean
            report.invalid += clean
            report.unchanged -= entry.stored_lines
            report.create -= clean - entry.stored_lines
        report.add_errors(errors)
        if skipped:
            report.notes.append(
                ngettext(
                    "%(count)s line without an error of its own belongs to an entry with "
                    "errors: an entry is imported whole or not at all.",
                    "%(count)s lines without an error of their own belong to entries with "
                    "errors: an entry is imported whole or not at all.",
                    skipped,
                )
                % {"count": skipped}
            )

    def _notify(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)


class _IsoDates(dict):
    """date → its ISO text (how Django stores dates in SQLite), None → None, remembered."""

    def __missing__(self, value):
        text = self[value] = value.isoformat()
        return text


class _Writer:
    """Inserts ledger lines with `executemany`: no model instances, values in the database's
    own types (SQLite stores dates and decimals as text, as Django would).

    Lines are written in the file's order (their ids keep the order of an entry's lines). On
    SQLite the connection's page cache is raised to `SQLITE_CACHE_KIB` for the import: with the
    default 2 MB, a large import keeps spilling the pages of the fingerprints' index (filled at
    random) to disk and reading them back. It is put back afterwards.
    """

    SQLITE_CACHE_KIB = 65536

    def __init__(self, *, workspace, user, source_name: str):
        self.workspace = workspace
        self.user_id = user.pk if user is not None else None
        self.source_name = source_name
        self.written = 0
        ops = connection.ops
        self.sqlite = connection.vendor == "sqlite"
        now = timezone.now()
        self.now = ops.adapt_datetimefield_value(now) if self.sqlite else now
        self._dates = _IsoDates({None: None})
        self._cache_size = None
        #: PostgreSQL: {fingerprint: id} of the chunk last written (SQLite: read back if needed).
        self.ids: dict[str, int] = {}

    def close(self) -> None:
        if self._cache_size is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self._cache_size)}")
            self._cache_size = None

    def write(self, items: list, categorise) -> None:
        workspace_id = self.workspace.pk
        now, user_id, source = self.now, self.user_id, self.source_name
        if self.sqlite:
            as_date = self._dates.__getitem__
            rows = [
                (
                    workspace_id,
                    now,
                    now,
                    user_id,
                    1,
                    v[0],
                    v[1],
                    v[2],
                    as_date(v[3]),
                    v[4],
                    v[5],
                    v[6],
                    v[7],
                    v[8],
                    as_date(v[9]),
                    v[10],
                    v[11],
                    v[12],
                    v[13],
                    as_date(v[14]),
                    as_date(v[15]),
                    v[16] or None,
                    v[17],
                    fingerprint,
                    categorise(v[4]),
                    source,
                )
                for v, fingerprint in ((item[0].values, item[1]) for item in items)
            ]
        else:
            ids = self._reserve_ids(len(items))
            self.ids = {}
            rows = []
            for (parsed, fingerprint, _entry), line_id in zip(items, ids, strict=True):
                v = parsed.values
                self.ids[fingerprint] = line_id
                rows.append(
                    (
                        line_id,
                        workspace_id,
                        now,
                        now,
                        user_id,
                        1,
                        *v[:11],
                        Decimal(v[11]),
                        Decimal(v[12]),
                        *v[13:16],
                        Decimal(v[16]) if v[16] else None,
                        v[17],
                        fingerprint,
                        categorise(v[4]),
                        source,
                    )
                )
        if self.sqlite and self._cache_size is None:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                self._cache_size = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = -{self.SQLITE_CACHE_KIB}")
        insert_rows(LedgerLine, COLUMN_NAMES if self.sqlite else ("id", *COLUMN_NAMES), rows)
        self.written += len(rows)

    def _reserve_ids(self, count: int) -> list[int]:
        """PostgreSQL: take `count` ids from the table's sequence, so that the lines' ids are
        known without reading them back (the rules need them)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [LedgerLine._meta.db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]


def import_fec(
    source,
    *,
    workspace,
    user=None,
    commit: bool = True,
    all_or_nothing: bool = True,
    progress=None,
    max_errors: int = MAX_REPORTED_ERRORS,
    request=None,
) -> ImportReport:
    """Check (and with `commit`, import) a FEC source into the workspace's ledger.

    Call it inside `django_scopes.scope(workspace=...)`.
    """
    return FecImport(
        workspace=workspace,
        user=user,
        source=source,
        commit=commit,
        all_or_nothing=all_or_nothing,
        progress=progress,
        max_errors=max_errors,
        request=request,
    ).run()


# --- the importer the framework knows ------------------------------------------------------------

_HELP = {
    "JournalCode": gettext_lazy("The journal's code (AC, VE, BQ…)."),
    "JournalLib": gettext_lazy("The journal's name."),
    "EcritureNum": gettext_lazy("The entry's number; with the journal, it identifies the entry."),
    "EcritureDate": gettext_lazy("The entry's date, AAAAMMJJ."),
    "CompteNum": gettext_lazy("The account's number (starts with 3 digits): its category."),
    "CompteLib": gettext_lazy("The account's name."),
    "CompAuxNum": gettext_lazy("The auxiliary account (supplier, customer), may be empty."),
    "CompAuxLib": gettext_lazy("The auxiliary account's name; the rules read it."),
    "PieceRef": gettext_lazy("The supporting document's reference."),
    "PieceDate": gettext_lazy("The supporting document's date, AAAAMMJJ."),
    "EcritureLib": gettext_lazy("The line's label; the rules read it."),
    "Debit": gettext_lazy("Debit, decimal comma or point; 0 when the line is a credit."),
    "Credit": gettext_lazy("Credit; a line has a debit or a credit, not both."),
    "EcritureLet": gettext_lazy("Lettering, may be empty."),
    "DateLet": gettext_lazy("Lettering date, AAAAMMJJ, may be empty."),
    "ValidDate": gettext_lazy("Validation date, AAAAMMJJ."),
    "Montantdevise": gettext_lazy("Amount in the foreign currency, may be empty."),
    "Idevise": gettext_lazy("Currency code (USD…), may be empty."),
    AMOUNT: gettext_lazy("Instead of Debit and Credit: the amount…"),
    DIRECTION: gettext_lazy("…and its direction: D or C (also +1 or -1)."),
}
_EXAMPLES = {
    "JournalCode": "AC",
    "JournalLib": "Achats",
    "EcritureNum": "AC000123",
    "EcritureDate": "20250310",
    "CompteNum": "6063",
    "CompteLib": "Fournitures",
    "CompAuxNum": "",
    "CompAuxLib": "",
    "PieceRef": "FA-2025-031",
    "PieceDate": "20250308",
    "EcritureLib": "Outils JARDINS",
    "Debit": "120,50",
    "Credit": "0,00",
    "ValidDate": "20250315",
    AMOUNT: "120,50",
    DIRECTION: "D",
}
#: The columns whose value is required on every line (all 18 columns must be in the file).
_REQUIRED_VALUES = {"JournalCode", "EcritureNum", "EcritureDate", "CompteNum"}


@register
class FecImporter(Importer):
    key = KEY
    label = gettext_lazy("Ledger (FEC)")
    description = gettext_lazy(
        "The “fichier des écritures comptables” your accounting software exports: its first "
        "line names all 18 legal columns (Montant and Sens may replace Debit and Credit), "
        "separated by a tab or a vertical bar; dates are written AAAAMMJJ. Every entry must "
        "balance; an entry with an error is never imported in part. Importing the same file "
        "again adds nothing."
    )
    results_url_name = "finance:ledger"
    columns = tuple(
        Column(
            name,
            name,
            required=name in _REQUIRED_VALUES,
            help_text=_HELP[name],
            example=_EXAMPLES.get(name, ""),
        )
        for name in (*(n for n, _f in COLUMNS), AMOUNT, DIRECTION)
    )

    def run_table(self, table, *, commit, all_or_nothing, progress, max_errors):
        context = self.context
        try:
            source = FecTable(table, name=context.options.get("filename", ""))
        except FecFileError as error:
            report = ImportReport(
                importer=KEY, all_or_nothing=all_or_nothing, commit=commit, file=table.describe()
            )
            report.file_error = error.message
            return report
        return import_fec(
            source,
            workspace=context.workspace,
            user=context.user,
            commit=commit,
            all_or_nothing=all_or_nothing,
            progress=progress,
            max_errors=max_errors,
            request=context.request,
        )
