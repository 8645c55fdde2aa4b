"""The `Importer` base class that every module's import subclasses.

An importer declares its columns and natural key, and implements three hooks:

- `lookup_existing(keys)`: the records already stored for a chunk of natural keys (one query);
- `validate_row(row, context)`: checks across fields or against the database;
- `save_rows(rows, context)` (bulk) or `save_row(row, context)` (one at a time): the writes.

The engine (`engine.run_import`) does the rest: reading headers, parsing every cell, reporting
errors with line numbers, finding duplicate keys inside the file, deciding for each row whether
it creates, updates or leaves a record unchanged, the dry run, the single transaction, progress.
See docs/imports.md.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from .columns import Column
from .parsing import normalize_header


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass
class RowError:
    line: int
    column: str  # the column's name, "" when the error concerns the whole row
    header: str  # the column as the user knows it: its header in the file, or its label
    message: str

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "column": self.column,
            "header": self.header,
            "message": self.message,
        }


@dataclass
class ImportRow:
    """One data row: `values` holds the parsed value of every column present in the file."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    action: Action | None = None
    existing: Any = None
    key: tuple | None = None

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def get(self, name: str, default: Any = None) -> Any:
        """The value of column `name`, or `default` when the file has no such column."""
        return self.values.get(name, default)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]


class RowSaveError(Exception):
    """Raised by `save_rows` when one row cannot be saved; the engine reports it on its line."""

    def __init__(self, row: ImportRow, error: ValidationError | str):
        super().__init__(str(error))
        self.row = row
        self.error = error if isinstance(error, ValidationError) else ValidationError(error)


class ImportContext:
    """What the hooks of one run share: who imports where, the options and a free cache."""

    def __init__(self, *, workspace, user=None, membership=None, options=None, request=None):
        self.workspace = workspace
        self.user = user
        self.membership = membership
        self.options: dict = dict(options or {})
        self.request = request
        self.commit = False
        # Existing records by natural key, filled chunk by chunk from `lookup_existing`.
        self.existing: dict[tuple, Any] = {}
        # Free for importers: lookups of related records, counters…
        self.cache: dict[str, Any] = {}


class Importer:
    """Subclass, set the class attributes, implement `save_rows` or `save_row`, `register` it."""

    #: Short unique identifier, used in URLs and by `manage.py import_file KIND`.
    key: ClassVar[str] = ""
    label: ClassVar[Any] = ""
    description: ClassVar[Any] = ""
    columns: ClassVar[Sequence[Column]] = ()
    #: Column names whose values identify a record: a re-import updates or skips, never duplicates.
    natural_key: ClassVar[tuple[str, ...]] = ()
    #: The least role allowed to run this import (and see its jobs).
    required_role: ClassVar[str] = "member"
    #: Whether a user must be named (e.g. invitations say who invites).
    requires_user: ClassVar[bool] = False
    #: Optional URL name (taking `workspace_slug`) of the page listing what this import creates.
    results_url_name: ClassVar[str] = ""
    #: Rows handled together: one `lookup_existing` query and one `save_rows` call per chunk.
    chunk_size: ClassVar[int] = 500
    #: Templates receive importer classes: don't let them try to instantiate one.
    do_not_call_in_templates: ClassVar[bool] = True

    def __init__(self, *, workspace, user=None, options=None, request=None, membership=None):
        if membership is None and user is not None:
            membership = self._membership_of(workspace, user)
        self.context = ImportContext(
            workspace=workspace, user=user, membership=membership, options=options, request=request
        )

    @staticmethod
    def _membership_of(workspace, user):
        from maillage.workspaces.models import Membership

        return Membership.objects.filter(workspace=workspace, user=user).first()

    @classmethod
    def column(cls, name: str) -> Column:
        return next(c for c in cls.columns if c.name == name)

    # --- hooks ---------------------------------------------------------------------------

    def lookup_existing(self, keys: Sequence[tuple], context: ImportContext) -> Mapping[tuple, Any]:
        """The stored records for these natural keys, as `{key: record}`. Default: none."""
        return {}

    def prepare(self, rows: Sequence[ImportRow], context: ImportContext) -> None:
        """Called once per chunk, before `validate_row`, with the chunk's rows that parsed.

        The default loads the existing records of the chunk's keys into `context.existing`.
        Override it (calling super) to prefetch related records into `context.cache`.
        """
        keys = [row.key for row in rows if row.key is not None]
        if keys and self.natural_key:
            context.existing.update(self.lookup_existing(keys, context))

    def validate_row(self, row: ImportRow, context: ImportContext) -> None:
        """Checks across fields or against the database: raise ValidationError.

        A dict ValidationError (`{"column": "message"}`) points at columns; a plain one at the
        whole row.
        """

    def compare(self, row: ImportRow, existing: Any, context: ImportContext) -> Action:
        """CREATE without an existing record; else UPDATE if a value differs, else UNCHANGED.

        The default compares each column present in the file with the record's attribute of the
        same name; an empty cell equals an empty stored text.
        """
        if existing is None:
            return Action.CREATE
        for name, value in row.values.items():
            if not hasattr(existing, name):
                continue
            current = getattr(existing, name)
            # An empty cell (None) and an empty stored text ("") are the same value.
            if current != value and not (current in (None, "") and value in (None, "")):
                return Action.UPDATE
        return Action.UNCHANGED

    def save_rows(self, rows: Sequence[ImportRow], context: ImportContext) -> None:
        """Write a chunk of valid rows whose action is CREATE or UPDATE.

        Runs inside the import's transaction. Override with bulk operations for large files;
        the default calls `save_row` for each row. Raise `RowSaveError(row, message)` to report
        a row that cannot be saved.
        """
        for row in rows:
            try:
                self.save_row(row, context)
            except ValidationError as error:
                raise RowSaveError(row, error) from error

    def save_row(self, row: ImportRow, context: ImportContext) -> None:
        """Create (`row.existing is None`) or update `row.existing` from `row.values`."""
        raise NotImplementedError(f"{type(self).__name__} must implement save_row or save_rows")

    def run_table(
        self, table, *, commit: bool, all_or_nothing: bool, progress, max_errors: int
    ) -> Any:
        """Run the whole import instead of the engine, or return None (the default) to let it.

        For an importer whose rows depend on one another (a FEC's entries must balance) or whose
        volume calls for bulk work the per-row hooks cannot do. It must keep the engine's
        promises: return an `ImportReport`; a dry run writes nothing; a commit happens in one
        transaction (all or nothing unless `all_or_nothing` is false); errors name their line
        and column; `progress(done, total)` is called as rows are read; one audit event records
        a committed import.
        """
        return None

    # --- documentation -------------------------------------------------------------------

    @classmethod
    def layout(cls) -> list[dict]:
        """The column layout shown to users (upload page, docs, `import_file --help`)."""
        return [
            {
                "name": c.name,
                "label": c.label,
                "required": c.required,
                "aliases": list(
                    dict.fromkeys(  # each accepted header once, in order
                        [
                            *(
                                [c.name]
                                if normalize_header(c.name) != normalize_header(str(c.label))
                                else []
                            ),
                            *c.aliases,
                        ]
                    )
                ),
                "help_text": c.help_text,
                "example": c.example,
                "is_key": c.name in cls.natural_key,
            }
            for c in cls.columns
        ]


def errors_from(error: ValidationError, *, line: int, headers: Mapping[str, str]) -> list[RowError]:
    """Turn a ValidationError into row errors, on columns when it names them."""
    found: list[RowError] = []
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            column = "" if name == NON_FIELD_ERRORS else name
            for message in ValidationError(errors).messages:
                found.append(RowError(line, column, headers.get(column, ""), message))
    else:
        found.extend(RowError(line, "", "", message) for message in error.messages)
    return found


def chunked(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


__all__ = [
    "Action",
    "ImportContext",
    "ImportRow",
    "Importer",
    "RowError",
    "RowSaveError",
]
