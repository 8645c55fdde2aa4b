"""Two covering indexes on time entries for the allocation engine and the checks, on SQLite.

The engine groups a workspace's time by (project, person, agreement, month) and the checks by
(person, ISO week, month). Django's month and week functions are Python functions on SQLite,
called for every entry; the code now writes them as SQLite expressions
(`allocation.SQLITE_MONTH`, `allocation.SQLITE_WEEK`), and these indexes on the same
expressions let SQLite read the groups in order from the index alone, without sorting a million
entries (measured on 923,787 entries: 1.15 → 0.46 s and 0.95 → 0.42 s of CPU). The first one
starts with the project so that a funder report (one or two projects) reads only their entries
through it, also where no ANALYZE has given SQLite statistics.

SQLite only (PostgreSQL groups by hashing and has native functions). An index on an expression
serves a query that writes the expression identically: keep them in step with the templates in
`allocation.py`. Not in the model's Meta, so a later migration that rebuilds the table on SQLite
(an `AlterField` on TimeEntry) drops them: run this migration's SQL again then (a new migration
with the same operations).
"""

from django.db import migrations

INDEXES = {
    "finance_timeentry_month_groups": (
        '"workspace_id", "project_id", "person_id", "agreement_id", '
        'substr("date", 1, 7), "date", "hours"'
    ),
    "finance_timeentry_week_groups": (
        '"workspace_id", "person_id", date("date", \'-6 days\', \'weekday 1\'), '
        'substr("date", 1, 7), "date", "hours"'
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "finance_timeentry" ({columns})'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("finance", "0002_document_job")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
