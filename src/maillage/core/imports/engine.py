"""Run an importer over a table: validate every row, then (on commit) save in one transaction.

`run_import` is the one code path behind the web page's background tasks and the
`import_file` command. In a dry run nothing is written. On commit, all the work happens inside
one `transaction.atomic()`; with `all_or_nothing` (the default) a single invalid row rolls
everything back, otherwise every valid row is saved and every invalid one reported.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _

from maillage.core import audit

from .base import Action, Importer, ImportRow, RowError, RowSaveError, chunked, errors_from
from .parsing import ImportFileError, Table, normalize_header, read_table

logger = logging.getLogger(__name__)

MAX_REPORTED_ERRORS = 1000
SAVE_ERRORS = (RowSaveError, ValidationError, IntegrityError, DataError)

Progress = Callable[[int, int], None]


@dataclass
class ImportReport:
    """What happened, as shown to the user and stored (as JSON) on the `ImportJob`."""

    importer: str
    all_or_nothing: bool = True
    commit: bool = False
    file: dict = field(default_factory=dict)
    columns: list[dict] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    file_error: str = ""
    total: int = 0
    valid: int = 0
    invalid: int = 0
    create: int = 0
    update: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    errors_omitted: int = 0
    committed: bool = False
    saved: dict = field(default_factory=dict)
    max_errors: int = MAX_REPORTED_ERRORS

    @property
    def has_errors(self) -> bool:
        return bool(self.file_error or self.invalid)

    @property
    def counts(self) -> dict:
        return {
            "total": self.total,
            "valid": self.valid,
            "invalid": self.invalid,
            "create": self.create,
            "update": self.update,
            "unchanged": self.unchanged,
        }

    def add_errors(self, errors: list[RowError]) -> None:
        room = max(self.max_errors - len(self.errors), 0)
        self.errors.extend(errors[:room])
        self.errors_omitted += max(len(errors) - room, 0)

    def to_dict(self) -> dict:
        return {
            "importer": self.importer,
            "all_or_nothing": self.all_or_nothing,
            "commit": self.commit,
            "file": self.file,
            "columns": self.columns,
            "ignored_headers": self.ignored_headers,
            "notes": [str(n) for n in self.notes],
            "file_error": str(self.file_error),
            "counts": self.counts,
            "errors": [e.as_dict() for e in self.errors],
            "errors_omitted": self.errors_omitted,
            "committed": self.committed,
            "saved": self.saved,
        }


def map_headers(importer: type[Importer] | Importer, header: list[str]):
    """Match the file's headers to the importer's columns.

    Returns `(index by column name, header text by column name, ignored headers)`. Raises
    `ImportFileError` when a required column (or a natural-key column) is missing, or when two
    headers mean the same column.
    """
    by_header = {}
    for column in importer.columns:
        for name in column.header_names():
            by_header.setdefault(name, column)
    indexes: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    problems: list[str] = []
    for index, text in enumerate(header):
        if not text:
            continue
        column = by_header.get(normalize_header(text))
        if column is None:
            ignored.append(text)
        elif column.name in indexes:
            problems.append(
                _("The columns “%(first)s” and “%(second)s” both mean “%(label)s”: keep only one.")
                % {"first": headers[column.name], "second": text, "label": column.label}
            )
        else:
            indexes[column.name] = index
            headers[column.name] = text
    for column in importer.columns:
        if column.name in indexes:
            continue
        if column.required or column.name in importer.natural_key:
            accepted = sorted({str(column.label), column.name, *column.aliases})
            problems.append(
                _("The required column “%(label)s” is missing (accepted headers: %(accepted)s).")
                % {"label": column.label, "accepted": ", ".join(f"“{a}”" for a in accepted)}
            )
    if problems:
        raise ImportFileError(" ".join(problems))
    return indexes, headers, ignored


class _Run:
    def __init__(self, importer, table, *, commit, all_or_nothing, progress, max_errors):
        self.importer = importer
        self.context = importer.context
        self.context.commit = commit
        self.table = table
        self.commit = commit
        self.all_or_nothing = all_or_nothing
        self.progress = progress
        self.report = ImportReport(
            importer=importer.key,
            all_or_nothing=all_or_nothing,
            commit=commit,
            file=table.describe(),
            notes=list(table.notes),
            max_errors=max_errors,
        )
        self.indexes, self.headers, ignored = map_headers(importer, table.header)
        self.report.ignored_headers = ignored
        self.report.columns = [
            {"name": name, "header": self.headers[name]} for name in self.indexes
        ]
        for column in importer.columns:
            self.headers.setdefault(column.name, str(column.label))
        self.columns = [
            (c, self.indexes[c.name]) for c in importer.columns if c.name in self.indexes
        ]
        self.seen: dict[tuple, int] = {}
        self.saving_failed = False
        self.saved = {Action.CREATE.value: 0, Action.UPDATE.value: 0}

    # --- validation ----------------------------------------------------------------------

    def parse(self, line: int, cells: list[str]) -> ImportRow:
        row = ImportRow(line=line)
        for column, index in self.columns:
            text = cells[index] if index < len(cells) else ""
            row.raw[column.name] = text
            try:
                row.values[column.name] = column.parse(text)
            except ValidationError as error:
                row.errors.extend(
                    RowError(line, column.name, self.headers[column.name], message)
                    for message in error.messages
                )
        if row.errors:
            return row
        key_columns = self.importer.natural_key
        key = tuple(row.values.get(name) for name in key_columns) if key_columns else None
        if key is not None and all(v not in (None, "") for v in key):
            first = self.seen.get(key)
            if first is not None:
                label = ", ".join(self.headers[name] for name in key_columns)
                row.errors.append(
                    RowError(
                        line,
                        key_columns[0],
                        self.headers[key_columns[0]],
                        _(
                            "Duplicate: line %(line)s already has this %(column)s "
                            "(“%(value)s”). Each row must have a different one."
                        )
                        % {
                            "line": first,
                            "column": label,
                            "value": " / ".join(row.raw[name] for name in key_columns),
                        },
                    )
                )
            else:
                self.seen[key] = line
                row.key = key
        return row

    def validate_chunk(self, records) -> list[ImportRow]:
        rows = [self.parse(line, cells) for line, cells in records]
        parsed = [row for row in rows if row.is_valid]
        self.context.existing = {}
        self.importer.prepare(parsed, self.context)
        for row in parsed:
            try:
                self.importer.validate_row(row, self.context)
            except ValidationError as error:
                row.errors.extend(errors_from(error, line=row.line, headers=self.headers))
                continue
            row.existing = self.context.existing.get(row.key) if row.key is not None else None
            row.action = Action(self.importer.compare(row, row.existing, self.context))
        report = self.report
        for row in rows:
            report.total += 1
            if row.is_valid:
                report.valid += 1
                setattr(report, row.action.value, getattr(report, row.action.value) + 1)
            else:
                report.invalid += 1
                report.add_errors(row.errors)
        return rows

    # --- saving --------------------------------------------------------------------------

    def save_chunk(self, rows: list[ImportRow]) -> None:
        changes = [r for r in rows if r.is_valid and r.action in (Action.CREATE, Action.UPDATE)]
        if not changes:
            return
        try:
            with transaction.atomic():
                self.importer.save_rows(changes, self.context)
        except SAVE_ERRORS:
            # Find the culprits: save row by row, each in its own savepoint.
            failed = set()
            for row in changes:
                try:
                    with transaction.atomic():
                        self.importer.save_rows([row], self.context)
                except SAVE_ERRORS as error:
                    failed.add(id(row))
                    self.fail(row, error)
            changes = [r for r in changes if id(r) not in failed]
        for row in changes:
            self.saved[row.action.value] += 1

    def fail(self, row: ImportRow, error: Exception) -> None:
        if isinstance(error, RowSaveError):
            error = error.error
        if isinstance(error, ValidationError):
            errors = errors_from(error, line=row.line, headers=self.headers)
        else:
            logger.warning("Import %s, line %s: %s", self.importer.key, row.line, error)
            errors = [
                RowError(
                    row.line,
                    "",
                    "",
                    _("This row conflicts with data already stored and could not be saved."),
                )
            ]
        row.errors.extend(errors)
        report = self.report
        report.valid -= 1
        report.invalid += 1
        setattr(report, row.action.value, getattr(report, row.action.value) - 1)
        report.add_errors(errors)
        self.saving_failed = True

    # --- the run -------------------------------------------------------------------------

    def run(self) -> ImportReport:
        if not self.commit:
            self.process(save=False)
            return self.report
        try:
            with transaction.atomic():
                self.process(save=True)
                if self.report.invalid and self.all_or_nothing:
                    raise _Rollback
                self.report.committed = True
                self.report.saved = dict(self.saved)
                workspace = self.context.workspace
                audit.record(
                    audit.Action.OTHER,
                    user=self.context.user,
                    workspace=workspace,
                    request=self.context.request,
                    object_repr=_("Import “%(kind)s”: %(create)s created, %(update)s updated")
                    % {"kind": self.importer.label, **self.saved},
                    changes={"import": self.importer.key, **self.report.counts},
                )
        except _Rollback:
            self.report.committed = False
            self.report.saved = {}
        return self.report

    def process(self, *, save: bool) -> None:
        rows = self.table.rows
        total = len(rows)
        done = 0
        self.notify(0, total)
        for records in chunked(rows, self.importer.chunk_size):
            chunk = self.validate_chunk(records)
            may_save = save and not (self.all_or_nothing and self.report.invalid)
            if may_save:
                self.save_chunk(chunk)
            done += len(records)
            self.notify(done, total)
        self.report.errors.sort(key=lambda e: e.line)

    def notify(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)


class _Rollback(Exception):
    pass


def run_import(
    importer: Importer,
    table: Table,
    *,
    commit: bool = False,
    all_or_nothing: bool = True,
    progress: Progress | None = None,
    max_errors: int = MAX_REPORTED_ERRORS,
) -> ImportReport:
    """Validate every row of `table` (and save them if `commit`). See the module docstring.

    A problem with the file as a whole (missing column…) gives a report with `file_error` set.
    An importer may run the whole import itself (`Importer.run_table`).
    """
    custom = importer.run_table(
        table,
        commit=commit,
        all_or_nothing=all_or_nothing,
        progress=progress,
        max_errors=max_errors,
    )
    if custom is not None:
        return custom
    try:
        run = _Run(
            importer,
            table,
            commit=commit,
            all_or_nothing=all_or_nothing,
            progress=progress,
            max_errors=max_errors,
        )
    except ImportFileError as error:
        report = ImportReport(
            importer=importer.key,
            all_or_nothing=all_or_nothing,
            commit=commit,
            file=table.describe(),
            notes=list(table.notes),
        )
        report.file_error = error.message
        return report
    return run.run()


def run_import_file(importer: Importer, data: bytes, filename: str, **options) -> ImportReport:
    """`run_import` on a file's bytes; an unreadable file gives a report with `file_error`."""
    importer.context.options.setdefault("filename", filename)
    try:
        table = read_table(data, filename)
    except ImportFileError as error:
        report = ImportReport(
            importer=importer.key,
            all_or_nothing=options.get("all_or_nothing", True),
            commit=options.get("commit", False),
        )
        report.file_error = error.message
        return report
    return run_import(importer, table, **options)
