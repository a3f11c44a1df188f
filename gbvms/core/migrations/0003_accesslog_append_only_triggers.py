"""Database triggers that refuse UPDATE, DELETE (and, on PostgreSQL, TRUNCATE) of the access log."""

from django.db import migrations

SQLITE_UP = [
    "CREATE TRIGGER core_accesslog_no_update BEFORE UPDATE ON core_accesslog "
    "BEGIN SELECT RAISE(ABORT, 'core_accesslog is append-only'); END;",
    "CREATE TRIGGER core_accesslog_no_delete BEFORE DELETE ON core_accesslog "
    "BEGIN SELECT RAISE(ABORT, 'core_accesslog is append-only'); END;",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_accesslog_no_update;",
    "DROP TRIGGER IF EXISTS core_accesslog_no_delete;",
]
POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION core_accesslog_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'core_accesslog is append-only'; END;
    $$ LANGUAGE plpgsql;""",
    "CREATE TRIGGER core_accesslog_no_change BEFORE UPDATE OR DELETE ON core_accesslog "
    "FOR EACH ROW EXECUTE FUNCTION core_accesslog_append_only();",
    "CREATE TRIGGER core_accesslog_no_truncate BEFORE TRUNCATE ON core_accesslog "
    "FOR EACH STATEMENT EXECUTE FUNCTION core_accesslog_append_only();",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS core_accesslog_no_change ON core_accesslog;",
    "DROP TRIGGER IF EXISTS core_accesslog_no_truncate ON core_accesslog;",
    "DROP FUNCTION IF EXISTS core_accesslog_append_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0002_accesslog_actor")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
