"""Full-text search over actors, one index per database (see ecosystem/search.py).

SQLite: a contentless FTS5 table (`ws` = "w<workspace id>", `body` = search_text) kept by
triggers, so bulk inserts and queryset updates are indexed too; `remove_diacritics 2` makes
"etienne" match "Étienne".
PostgreSQL: a `maillage_french` text search configuration (french stemming after `unaccent`)
and a GIN index on (workspace_id, to_tsvector(...)) through btree_gin.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE ecosystem_actor_fts USING fts5(
        ws, body, content='', tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER ecosystem_actor_fts_ai AFTER INSERT ON ecosystem_actor BEGIN
        INSERT INTO ecosystem_actor_fts(rowid, ws, body)
        VALUES (new.id, 'w' || new.workspace_id, new.search_text);
    END""",
    """CREATE TRIGGER ecosystem_actor_fts_ad AFTER DELETE ON ecosystem_actor BEGIN
        INSERT INTO ecosystem_actor_fts(ecosystem_actor_fts, rowid, ws, body)
        VALUES ('delete', old.id, 'w' || old.workspace_id, old.search_text);
    END""",
    """CREATE TRIGGER ecosystem_actor_fts_au AFTER UPDATE OF search_text, workspace_id
    ON ecosystem_actor BEGIN
        INSERT INTO ecosystem_actor_fts(ecosystem_actor_fts, rowid, ws, body)
        VALUES ('delete', old.id, 'w' || old.workspace_id, old.search_text);
        INSERT INTO ecosystem_actor_fts(rowid, ws, body)
        VALUES (new.id, 'w' || new.workspace_id, new.search_text);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS ecosystem_actor_fts_au",
    "DROP TRIGGER IF EXISTS ecosystem_actor_fts_ad",
    "DROP TRIGGER IF EXISTS ecosystem_actor_fts_ai",
    "DROP TABLE IF EXISTS ecosystem_actor_fts",
]
POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'maillage_french') THEN
            CREATE TEXT SEARCH CONFIGURATION maillage_french (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION maillage_french
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END $$""",
    """CREATE INDEX ecosystem_actor_search ON ecosystem_actor
        USING gin (workspace_id, to_tsvector('maillage_french'::regconfig, search_text))""",
]
POSTGRESQL_BACKWARD = ["DROP INDEX IF EXISTS ecosystem_actor_search"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def give_existing_workspaces_defaults(apps, schema_editor):
    """Workspaces created before this module get the defaults new ones receive at creation."""
    from maillage.ecosystem.services import create_default_lists

    for workspace in apps.get_model("workspaces", "Workspace").objects.all():
        create_default_lists(
            workspace,
            theme=apps.get_model("ecosystem", "Theme"),
            audience=apps.get_model("ecosystem", "Audience"),
            relation_type=apps.get_model("ecosystem", "RelationType"),
        )


class Migration(migrations.Migration):
    dependencies = [("ecosystem", "0001_initial"), ("workspaces", "0002_invitation_full_name")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
        migrations.RunPython(give_existing_workspaces_defaults, migrations.RunPython.noop),
    ]
