"""The one import mechanism of Maillage: parse → validate every row → preview → commit.

Public API for modules (see docs/imports.md):

    from maillage.core.imports import Column, Importer, ImportRow, RowSaveError, parsers, register
"""

from . import columns as parsers
from .base import Action, ImportContext, Importer, ImportRow, RowError, RowSaveError
from .columns import Column
from .engine import ImportReport, run_import, run_import_file
from .parsing import ImportFileError, Table, read_table
from .registry import register

__all__ = [
    "Action",
    "Column",
    "ImportContext",
    "ImportFileError",
    "ImportReport",
    "ImportRow",
    "Importer",
    "RowError",
    "RowSaveError",
    "Table",
    "parsers",
    "read_table",
    "register",
    "run_import",
    "run_import_file",
]
