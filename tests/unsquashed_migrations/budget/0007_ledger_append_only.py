"""The ledger is append-only: an entry is never updated, and on PostgreSQL never deleted row by
row either (SQLite guards updates only, as 0003 explains for allocation runs)."""

from django.db import migrations

MESSAGE = "Le grand livre ne se modifie pas : ajoutez une écriture."

SQLITE = [
    f"""CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE ON budget_ledgerentry
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS ledger_entry_append_only;"]

POSTGRES = [
    f"""CREATE FUNCTION ledger_entry_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON budget_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only();""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS ledger_entry_append_only ON budget_ledgerentry;",
    "DROP FUNCTION IF EXISTS ledger_entry_append_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("budget", "0006_ledger")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
