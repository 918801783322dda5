"""An approved allocation run and its lines never change: refused by the database itself.

Deleting is refused by the code (Record, QuerySet), and on PostgreSQL also by the trigger
(row DELETE; the test runner's TRUNCATE is not a row delete). SQLite has no TRUNCATE: its
DELETE triggers would stop the test runner's flush, so SQLite guards updates and inserts only.
"""

from django.db import migrations

MESSAGE = "Une répartition approuvée ne change plus (5.2)."

SQLITE = [
    f"""CREATE TRIGGER allocation_run_approved_immutable BEFORE UPDATE ON budget_allocationrun
    WHEN OLD.state = 'approved' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER allocation_line_immutable BEFORE UPDATE ON budget_allocationline
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER allocation_line_closed BEFORE INSERT ON budget_allocationline
    WHEN (SELECT state FROM budget_allocationrun WHERE id = NEW.run_id) = 'approved'
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS allocation_run_approved_immutable;",
    "DROP TRIGGER IF EXISTS allocation_line_immutable;",
    "DROP TRIGGER IF EXISTS allocation_line_closed;",
]

POSTGRES = [
    f"""CREATE FUNCTION allocation_run_immutable() RETURNS trigger AS $$
    BEGIN
      IF OLD.state = 'approved' THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER allocation_run_approved_immutable BEFORE UPDATE OR DELETE
    ON budget_allocationrun FOR EACH ROW EXECUTE FUNCTION allocation_run_immutable();""",
    f"""CREATE FUNCTION allocation_line_immutable() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
      IF TG_OP = 'DELETE' THEN
        IF (SELECT state FROM budget_allocationrun WHERE id = OLD.run_id) = 'approved' THEN
          RAISE EXCEPTION '{MESSAGE}';
        END IF;
        RETURN OLD;
      END IF;
      IF (SELECT state FROM budget_allocationrun WHERE id = NEW.run_id) = 'approved' THEN
        RAISE EXCEPTION '{MESSAGE}';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER allocation_line_immutable BEFORE INSERT OR UPDATE OR DELETE
    ON budget_allocationline FOR EACH ROW EXECUTE FUNCTION allocation_line_immutable();""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS allocation_line_immutable ON budget_allocationline;",
    "DROP FUNCTION IF EXISTS allocation_line_immutable();",
    "DROP TRIGGER IF EXISTS allocation_run_approved_immutable ON budget_allocationrun;",
    "DROP FUNCTION IF EXISTS allocation_run_immutable();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("budget", "0002_allocation_runs")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
