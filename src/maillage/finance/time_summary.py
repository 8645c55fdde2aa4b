"""The triggers that keep `TimeMonth` and `TimeWeek` equal to the sums of the time entries.

Each insert, update (of the person, project, agreement, day or hours) and delete of a
`finance_timeentry` row changes the summary rows of its (person, project, agreement, month)
and (person, week, month) in the same statement's transaction:

- an entry added: its hundredths added to its rows (created if need be, `INSERT … ON
  CONFLICT DO UPDATE`), the rows' first and last days widened;
- an entry removed: its hundredths taken away, a row left with no entry deleted, and the
  first or last day read again from the entries when it was that entry's;
- an entry changed: removed with its old values, added with its new ones.

So the sums hold whatever writes the entries — the ORM, a queryset `update()`, the importers'
SQL, `bulk_create` — without the application's help. Written in each database's SQL
(`_SQLITE`, `_POSTGRESQL`: the same statements, the date functions differ).

The triggers are (re)installed after every `migrate` (`install`, connected to `post_migrate`):
on SQLite a migration that rebuilds the entries' table drops its triggers, and a missing
trigger means the summary may have missed writes, so the summary is then rebuilt from the
entries (`rebuild`). `differences` compares the two; `manage.py time_summary --check` runs it.
Change a statement here and bump `VERSION`: the triggers of the old version are replaced at
the next `migrate`, and the summary rebuilt.
"""

# The SQL here is built from this module's constants only: no value from outside reaches it.
# ruff: noqa: S608

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections, transaction

VERSION = 1
PREFIX = "finance_time_summary"
TRIGGER = f"{PREFIX}_v{VERSION}"
ENTRIES = "finance_timeentry"
MONTHS = "finance_timemonth"
WEEKS = "finance_timeweek"

#: Per database: the month (its first day) and ISO week (its Monday) of a day, the last day of
#: a month, hours as an integer of hundredths, the larger and smaller of two days.
_SQLITE = {
    "month": "date({day}, 'start of month')",
    "week": "date({day}, '-6 days', 'weekday 1')",
    "month_end": "date({day}, 'start of month', '+1 month', '-1 day')",
    "week_end": "date({day}, '-6 days', 'weekday 1', '+6 days')",
    "hundredths": "CAST(round({hours} * 100) AS INTEGER)",
    "least": "min",
    "greatest": "max",
}
_POSTGRESQL = {
    "month": "date_trunc('month', {day}::timestamp)::date",
    "week": "date_trunc('week', {day}::timestamp)::date",
    "month_end": "(date_trunc('month', {day}::timestamp) + interval '1 month - 1 day')::date",
    "week_end": "(date_trunc('week', {day}::timestamp) + interval '6 days')::date",
    "hundredths": "round({hours} * 100)::bigint",
    "least": "LEAST",
    "greatest": "GREATEST",
}


def _dialect(connection) -> dict[str, str]:
    if connection.vendor == "sqlite":
        return _SQLITE
    if connection.vendor == "postgresql":
        return _POSTGRESQL
    raise NotImplementedError(f"no time summary triggers for {connection.vendor}")


def _statements(dialect: dict[str, str], row: str, change: str) -> list[str]:
    """The statements that add (`change` "add") or take away ("remove") the entry `row`
    ("NEW" or "OLD") to or from the summary."""

    def of(name: str, **values) -> str:
        return dialect[name].format(**values)

    day = f"{row}.date"
    month, week = of("month", day=day), of("week", day=day)
    hundredths = of("hundredths", hours=f"{row}.hours")
    same_agreement = f"COALESCE(agreement_id, 0) = COALESCE({row}.agreement_id, 0)"
    month_key = (
        f"person_id = {row}.person_id AND project_id = {row}.project_id AND {same_agreement} "
        f"AND month = {month}"
    )
    week_key = f"person_id = {row}.person_id AND week = {week} AND month = {month}"
    least, greatest = dialect["least"], dialect["greatest"]
    if change == "add":
        return [
            f"INSERT INTO {MONTHS} (workspace_id, person_id, project_id, agreement_id, month, "
            "hundredths, first, last, entries) "
            f"VALUES ({row}.workspace_id, {row}.person_id, {row}.project_id, "
            f"{row}.agreement_id, {month}, {hundredths}, {day}, {day}, 1) "
            "ON CONFLICT (person_id, project_id, (COALESCE(agreement_id, 0)), month) "
            f"DO UPDATE SET hundredths = {MONTHS}.hundredths + excluded.hundredths, "
            f"first = {least}({MONTHS}.first, excluded.first), "
            f"last = {greatest}({MONTHS}.last, excluded.last), "
            f"entries = {MONTHS}.entries + 1",
            f"INSERT INTO {WEEKS} (workspace_id, person_id, week, month, hundredths, first, "
            "last, entries) "
            f"VALUES ({row}.workspace_id, {row}.person_id, {week}, {month}, {hundredths}, "
            f"{day}, {day}, 1) "
            "ON CONFLICT (person_id, week, month) "
            f"DO UPDATE SET hundredths = {WEEKS}.hundredths + excluded.hundredths, "
            f"first = {least}({WEEKS}.first, excluded.first), "
            f"last = {greatest}({WEEKS}.last, excluded.last), "
            f"entries = {WEEKS}.entries + 1",
        ]
    # The entries left in the row's period, for its first and last days (the trigger runs
    # after the delete or update: `row` is no longer among them). PostgreSQL runs a
    # statement's row triggers once the statement is done: a row's other entries deleted by
    # the same statement are gone while their hours are still counted; the days are then kept
    # as they are, and the row goes when the last of those entries' triggers runs.
    in_month = (
        f"e.person_id = {row}.person_id AND e.project_id = {row}.project_id "
        f"AND COALESCE(e.agreement_id, 0) = COALESCE({row}.agreement_id, 0) "
        f"AND e.date BETWEEN {month} AND {of('month_end', day=day)}"
    )
    in_week = (
        f"e.person_id = {row}.person_id AND e.date BETWEEN {month} AND "
        f"{of('month_end', day=day)} AND e.date BETWEEN {week} AND {of('week_end', day=day)}"
    )
    statements = []
    for table, key, left in ((MONTHS, month_key, in_month), (WEEKS, week_key, in_week)):
        statements += [
            f"UPDATE {table} SET hundredths = hundredths - {hundredths}, "
            f"entries = entries - 1 WHERE {key}",
            f"DELETE FROM {table} WHERE {key} AND entries = 0",
            f"UPDATE {table} SET "
            f"first = COALESCE((SELECT MIN(e.date) FROM {ENTRIES} e WHERE {left}), first), "
            f"last = COALESCE((SELECT MAX(e.date) FROM {ENTRIES} e WHERE {left}), last) "
            f"WHERE {key} AND (first = {day} OR last = {day})",
        ]
    return statements


#: The columns whose change moves an entry's hours (a note or a version does not).
WATCHED = "person_id, project_id, agreement_id, date, hours"


def trigger_sql(connection) -> list[str]:
    """The SQL that creates this version's triggers on `connection`'s database."""
    dialect = _dialect(connection)
    add = _statements(dialect, "NEW", "add")
    remove = _statements(dialect, "OLD", "remove")
    if connection.vendor == "sqlite":

        def body(statements: list[str]) -> str:
            return "BEGIN " + " ".join(f"{s};" for s in statements) + " END"

        return [
            f"CREATE TRIGGER {TRIGGER}_insert AFTER INSERT ON {ENTRIES} {body(add)}",
            f"CREATE TRIGGER {TRIGGER}_delete AFTER DELETE ON {ENTRIES} {body(remove)}",
            f"CREATE TRIGGER {TRIGGER}_update AFTER UPDATE OF {WATCHED} ON {ENTRIES} "
            f"{body(remove + add)}",
        ]

    def block(statements: list[str]) -> str:
        return " ".join(f"{s};" for s in statements)

    function = (
        f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        f"IF TG_OP IN ('DELETE', 'UPDATE') THEN {block(remove)} END IF; "
        f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {block(add)} END IF; "
        "RETURN NULL; END $$"
    )
    return [
        function,
        f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} "
        f"ON {ENTRIES} FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()",
    ]


def installed(connection) -> set[str]:
    """The names of the summary's triggers on the entries' table, of any version."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [ENTRIES],
            )
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [ENTRIES],
            )
        return {name for (name,) in cursor.fetchall() if name.startswith(PREFIX)}


def _wanted(connection) -> set[str]:
    if connection.vendor == "sqlite":
        return {f"{TRIGGER}_insert", f"{TRIGGER}_delete", f"{TRIGGER}_update"}
    return {TRIGGER}


def install(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Create this version's triggers where they are missing, replacing any other version's,
    and rebuild the summary then (it may have missed writes). True if anything was done."""
    connection = connections[using]
    found = installed(connection)
    if found == _wanted(connection):
        return False
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for name in found:
            if connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {ENTRIES}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        for statement in trigger_sql(connection):
            cursor.execute(statement)
        rebuild(using=using)
    return True


def _sums_sql(connection, where: str) -> tuple[str, str]:
    """SELECTs of the summary's rows computed from the entries (months, weeks)."""
    dialect = _dialect(connection)
    month = dialect["month"].format(day="date")
    week = dialect["week"].format(day="date")
    hundredths = dialect["hundredths"].format(hours="hours")
    sums = f"SUM({hundredths}), MIN(date), MAX(date), COUNT(*)"
    months = (
        f"SELECT workspace_id, person_id, project_id, agreement_id, {month}, {sums} "
        f"FROM {ENTRIES} {where} GROUP BY workspace_id, person_id, project_id, agreement_id, "
        f"{month}"
    )
    weeks = (
        f"SELECT workspace_id, person_id, {week}, {month}, {sums} FROM {ENTRIES} "
        f"{where} GROUP BY workspace_id, person_id, {week}, {month}"
    )
    return months, weeks


def rebuild(workspace_id: int | None = None, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Compute the summary again from the entries (of one workspace, or all)."""
    connection = connections[using]
    where, params = ("WHERE workspace_id = %s", [workspace_id]) if workspace_id else ("", [])
    months, weeks = _sums_sql(connection, where)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {MONTHS} {where}", params)
        cursor.execute(f"DELETE FROM {WEEKS} {where}", params)
        cursor.execute(
            f"INSERT INTO {MONTHS} (workspace_id, person_id, project_id, agreement_id, "
            f"month, hundredths, first, last, entries) {months}",
            params,
        )
        cursor.execute(
            f"INSERT INTO {WEEKS} (workspace_id, person_id, week, month, hundredths, "
            f"first, last, entries) {weeks}",
            params,
        )


def differences(workspace_id: int | None = None, *, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """What the summary holds that the entries do not say, or the reverse, one line each
    (empty when they agree)."""
    connection = connections[using]
    where, params = ("WHERE workspace_id = %s", [workspace_id]) if workspace_id else ("", [])
    months, weeks = _sums_sql(connection, where)
    found = []
    with connection.cursor() as cursor:
        for table, expected, columns in (
            (MONTHS, months, "workspace_id, person_id, project_id, agreement_id, month"),
            (WEEKS, weeks, "workspace_id, person_id, week, month"),
        ):
            cursor.execute(expected, params)
            wanted = {_normal(row) for row in cursor.fetchall()}
            cursor.execute(
                f"SELECT {columns}, hundredths, first, last, entries FROM {table} {where}",
                params,
            )
            held = {_normal(row) for row in cursor.fetchall()}
            found += [f"{table}: missing {row}" for row in sorted(wanted - held, key=repr)]
            found += [f"{table}: wrong {row}" for row in sorted(held - wanted, key=repr)]
    return found


def _normal(row: tuple) -> tuple:
    """A row with its days as text (SQLite gives text, PostgreSQL dates)."""
    return tuple(value.isoformat() if hasattr(value, "isoformat") else value for value in row)


def on_post_migrate(sender, *, using: str = DEFAULT_DB_ALIAS, plan=None, **kwargs) -> None:
    """`post_migrate` receiver (sender: the finance app): install the triggers when the tables
    exist (not after the app's migrations were unapplied)."""
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    tables = set(connection.introspection.table_names())
    if {ENTRIES, MONTHS, WEEKS} <= tables:
        install(using)
