"""PostgreSQL: the actors' text search vector stored in a generated column.

The search (ecosystem/search.py) scans up to 20,000 text matches for a frequent word and checks
each against the filters. With the GIN index on the expression `to_tsvector(...search_text)`,
PostgreSQL computed the vector twice for every scanned row: to recheck the match (a prefix
query is always rechecked) and to rank it; that was ~300 of the ~320 ms of "a frequent word +
level and department" on 200,000 actors. `search_vector` is computed once, when `search_text`
is written (`GENERATED ALWAYS … STORED`), and indexed instead of the expression.

Not a model field: Django never writes it and SQLite has no such column (its FTS5 table does
this work). A later migration that changes `search_text`'s type on PostgreSQL must drop this
column first and add it back.
"""

from django.db import migrations

FORWARD = [
    """ALTER TABLE ecosystem_actor ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('maillage_french'::regconfig, search_text)) STORED""",
    "DROP INDEX IF EXISTS ecosystem_actor_search",
    "CREATE INDEX ecosystem_actor_search ON ecosystem_actor USING gin (workspace_id, search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS ecosystem_actor_search",
    "ALTER TABLE ecosystem_actor DROP COLUMN IF EXISTS search_vector",
    """CREATE INDEX ecosystem_actor_search ON ecosystem_actor
        USING gin (workspace_id, to_tsvector('maillage_french'::regconfig, search_text))""",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("ecosystem", "0003_territory_indexes")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
