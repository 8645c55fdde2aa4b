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

Lines are read and checked by `fec.read_chunks` (no database) and written a chunk at a time
(multi-row INSERTs on SQLite, COPY on PostgreSQL), fingerprints looked up per chunk (only when the
workspace already has lines). With `parallel` (the `import_fec` command), a large file is read
in a forked child process while this one writes, which keeps both cores busy.
"""

import gc
from collections.abc import Callable
from contextlib import contextmanager

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from maillage.core import audit
from maillage.core.forked import can_fork, iterate_in_child
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
    FecTable,
    Layout,
    read_chunks,
    read_layout,
    unbalanced_message,
)
from ..models import AssignmentRule, LedgerLine
from ..selectors.ledger import RULE_CATEGORIES, account_categoriser
from ..services.ledger import AllocationWriter, RuleMatcher, insert_rows

KEY = "fec"
_RULE_CATEGORIES = frozenset(RULE_CATEGORIES)
CHUNK = 5000
#: From this many lines, a `parallel` import reads the file in a child process (forking costs
#: a few milliseconds; below this the reading is over before it would pay).
PARALLEL_MIN_LINES = 50_000
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
        parallel: bool = False,
    ):
        self.workspace = workspace
        self.user = user
        self.source = source
        self.commit = commit
        self.all_or_nothing = all_or_nothing
        self.progress = progress
        self.request = request
        self.parallel = parallel
        self.report = ImportReport(
            importer=KEY,
            all_or_nothing=all_or_nothing,
            commit=commit,
            file=source.describe(),
            max_errors=max_errors,
        )
        self.layout: Layout | None = None
        #: The entries that cannot be imported (`EntryBook.troubled`), known after a pass.
        self.troubled: dict[str, Entry] = {}
        #: Per entry key, how many of its lines the ledger already has.
        self.stored_lines: dict[str, int] = {}
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
        try:
            self._passes()
        except FecFileError as error:  # a line the csv module cannot read, midway
            report.file_error = error.message
            report.committed = False
            report.saved = {}
        report.errors.sort(key=lambda e: e.line)
        return report

    def _passes(self) -> None:
        report = self.report
        if not self.commit:
            self._pass(write=False)
            self._close_entries()
        elif self.all_or_nothing:
            try:
                with self._writing():
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
            try:
                with self._writing():
                    self._prepare_writing()
                    self._pass(write=True, skip=set(self.troubled), count=False)
                    self._committed()
            finally:
                self._close_writer()

    @contextmanager
    def _writing(self):
        """The transaction the lines are written in. The rows' foreign keys are known to exist
        (the workspace, the user, the rules' projects and agreements, the lines just written)
        and the transaction holds the only write lock, so SQLite does not check them again,
        as `loaddata` does not (a tenth of the import's time); within an outer transaction
        SQLite cannot stop checking, and does."""
        with connection.constraint_checks_disabled(), transaction.atomic():
            yield

    def _prepare_writing(self) -> None:
        workspace = self.workspace
        rules = list(AssignmentRule.objects.filter(workspace=workspace).order_by("position", "id"))
        self.rules = {rule.pk: rule for rule in rules}
        self.writer = _Writer(
            workspace=workspace,
            user=self.user,
            source_name=(self.source.name or "")[-255:],
            categorise=account_categoriser(workspace),
            matcher=RuleMatcher(rules) if rules else None,
        )
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
        if self.rules:
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
        """Read every line once: check it, count it and, if `write`, store the new ones.

        The reading (`fec.read_chunks`) runs in a child process when `parallel` allows it, so
        that the file is read and checked while the previous chunk is written.
        """
        book = EntryBook()  # each pass ranks identical lines afresh
        source, layout = self.source, self.layout
        prepare = self.writer.prepare if write else None
        total = source.total
        if self.parallel and total >= PARALLEL_MIN_LINES and can_fork():
            chunks = iterate_in_child(lambda: read_chunks(source, layout, book, CHUNK, prepare))
        else:
            chunks = read_chunks(source, layout, book, CHUNK, prepare)
        self._notify(0, total)
        for chunk in chunks:
            if count:
                for line, errors in chunk.refused:
                    self._refuse(line, errors)
            if chunk.lines:
                self._flush(chunk.lines, write=write, skip=skip, count=count)
            if chunk.troubled is not None:
                if count:
                    self.troubled = chunk.troubled
                self._notify(chunk.read, chunk.read)
            else:
                self._notify(chunk.read, max(chunk.read, total))

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
        """Count a chunk of correct lines (fingerprint, entry key, prepared row); write the new
        ones."""
        if self.has_lines:
            stored = self._stored([item[0] for item in chunk])
            new = [item for item in chunk if item[0] not in stored]
            if count and len(new) < len(chunk):
                counts = self.stored_lines
                for item in chunk:
                    if item[0] in stored:
                        counts[item[1]] = counts.get(item[1], 0) + 1
        else:
            new = chunk
        if count:
            report = self.report
            report.total += len(chunk)
            report.valid += len(chunk)
            report.unchanged += len(chunk) - len(new)
            report.create += len(new)
        if write and new and not (self.all_or_nothing and self.report.invalid):
            if skip:
                new = [item for item in new if item[1] not in skip]
            ids = self.writer.write(new)
            if self.rules:
                self._assign(new, ids)

    def _assign(self, new: list, ids: list[int]) -> None:
        """Charge the lines just written to the rules that matched them when they were read
        (what `services.ledger.ledger_apply_rules` would do to new lines, without reading them
        back: the writer knows their ids)."""
        rules = self.rules
        matched = [
            (line_id, rules[item[2][1]])
            for item, line_id in zip(new, ids, strict=True)
            if item[2][1] is not None
        ]
        if matched:
            self.allocations.write(matched)
            self.assigned += len(matched)

    def _stored(self, fingerprints: list[str]) -> set[str]:
        """Which of these fingerprints the workspace's ledger has: one query (plain SQL: the ORM
        would spend more time preparing its thousands of parameters than the database takes to
        answer)."""
        quote = connection.ops.quote_name
        sql = (
            f"SELECT {quote('fingerprint')} "  # noqa: S608 - no user text
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
            return {row[0] for row in cursor.fetchall()}

    def _close_entries(self) -> None:
        """Report unbalanced entries; count the lines of refused entries as refused."""
        report = self.report
        header = self.layout.header("EcritureNum")
        errors = []
        skipped = 0
        for key, entry in self.troubled.items():
            clean = entry.lines - entry.bad_lines
            if not entry.bad_lines:  # unbalanced
                errors.append(
                    RowError(
                        entry.first_line, "EcritureNum", header, unbalanced_message(key, entry)
                    )
                )
            elif clean:
                skipped += clean
            else:
                continue
            stored = self.stored_lines.get(key, 0)
            report.valid -= clean
            report.invalid += clean
            report.unchanged -= stored
            report.create -= clean - stored
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
    """date → its ISO text (how both databases take a date as text), None → None, remembered."""

    def __missing__(self, value):
        text = self[value] = value.isoformat()
        return text


class _Writer:
    """Writes ledger lines as plain rows: no model instances, values as text as the databases
    take them (SQLite stores dates and decimals as text, as Django would; PostgreSQL's COPY
    reads text). `prepare` turns a line's values into its row, its category and the rule that
    assigns it; it needs no database, so that it runs where the file is read, maybe in the
    reading child. `write` inserts prepared lines.

    Lines are written in the file's order (their ids keep the order of an entry's lines). On
    SQLite the connection's page cache is raised to `SQLITE_CACHE_KIB` for the import: with the
    default 2 MB, a large import keeps spilling the pages of the fingerprints' index (filled at
    random) to disk and reading them back. It is put back afterwards.
    """

    SQLITE_CACHE_KIB = 65536

    def __init__(self, *, workspace, user, source_name: str, categorise, matcher):
        self.sqlite = connection.vendor == "sqlite"
        now = timezone.now()
        now = connection.ops.adapt_datetimefield_value(now) if self.sqlite else now
        self._head = (workspace.pk, now, now, user.pk if user is not None else None, 1)
        self._source_name = source_name
        self._categorise = categorise
        self._matcher = matcher
        self._dates = _IsoDates({None: None})
        self._cache_size = None
        self.written = 0

    def close(self) -> None:
        if self._cache_size is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self._cache_size)}")
            self._cache_size = None

    def prepare(self, v: list, fingerprint: str) -> tuple[tuple, int | None]:
        """A line's row (`COLUMN_NAMES`) and the id of the first rule that assigns it."""
        as_date = self._dates.__getitem__
        account = v[4]
        category = self._categorise(account)
        rule = None
        if self._matcher is not None and category in _RULE_CATEGORIES:
            rule = self._matcher.first(account, v[0], v[10], v[7])
        row = (
            *self._head,
            v[0],
            v[1],
            v[2],
            as_date(v[3]),
            account,
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
            category,
            self._source_name,
        )
        return row, None if rule is None else rule.pk

    def write(self, items: list) -> list[int]:
        """Insert these lines (fingerprint, entry key, `prepare`'s answer); their ids, in the
        same order."""
        if self.sqlite:
            if self._cache_size is None:
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA cache_size")
                    self._cache_size = cursor.fetchone()[0]
                    cursor.execute(f"PRAGMA cache_size = -{self.SQLITE_CACHE_KIB}")
            insert_rows(LedgerLine, COLUMN_NAMES, [item[2][0] for item in items])
            # The rows took consecutive ids: the table is AUTOINCREMENT and this transaction
            # holds SQLite's only write lock, so nobody else inserted in between.
            with connection.cursor() as cursor:
                cursor.execute("SELECT last_insert_rowid()")
                last = cursor.fetchone()[0]
            ids = list(range(last - len(items) + 1, last + 1))
        else:
            ids = self._reserve_ids(len(items))
            rows = [(line_id, *item[2][0]) for item, line_id in zip(items, ids, strict=True)]
            insert_rows(LedgerLine, ("id", *COLUMN_NAMES), rows)
        self.written += len(items)
        return ids

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
    parallel: bool = False,
) -> ImportReport:
    """Check (and with `commit`, import) a FEC source into the workspace's ledger.

    Call it inside `django_scopes.scope(workspace=...)`. With `parallel`, a large file is read
    in a forked child process while this one writes (`core.forked`): only from a
    single-threaded process such as a management command, never from a web server's threads.
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
        parallel=parallel,
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
