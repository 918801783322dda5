"""Refused by the database itself: an approved allocation run and its lines never change, and
the ledger is append-only (an entry is never updated).

Deleting is refused by the code (Record, QuerySet), and on PostgreSQL also by the triggers
(row DELETE; the test runner's TRUNCATE is not a row delete). SQLite has no TRUNCATE: its
DELETE triggers would stop the test runner's flush, so SQLite guards updates and inserts only.
"""

from django.db import migrations

from soutien.core.migration_operations import RunSQLOn

RUN = "Une répartition approuvée ne change plus (5.2)."
LEDGER = "Le grand livre ne se modifie pas : ajoutez une écriture."

SQLITE = [
    f"""CREATE TRIGGER allocation_run_approved_immutable BEFORE UPDATE ON budget_allocationrun
    WHEN OLD.state = 'approved' BEGIN SELECT RAISE(ABORT, '{RUN}'); END;""",
    f"""CREATE TRIGGER allocation_line_immutable BEFORE UPDATE ON budget_allocationline
    BEGIN SELECT RAISE(ABORT, '{RUN}'); END;""",
    f"""CREATE TRIGGER allocation_line_closed BEFORE INSERT ON budget_allocationline
    WHEN (SELECT state FROM budget_allocationrun WHERE id = NEW.run_id) = 'approved'
    BEGIN SELECT RAISE(ABORT, '{RUN}'); END;""",
    f"""CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE ON budget_ledgerentry
    BEGIN SELECT RAISE(ABORT, '{LEDGER}'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS allocation_run_approved_immutable;",
    "DROP TRIGGER IF EXISTS allocation_line_immutable;",
    "DROP TRIGGER IF EXISTS allocation_line_closed;",
    "DROP TRIGGER IF EXISTS ledger_entry_append_only;",
]

POSTGRES = [
    f"""CREATE FUNCTION allocation_run_immutable() RETURNS trigger AS $$
    BEGIN
      IF OLD.state = 'approved' THEN RAISE EXCEPTION '{RUN}'; END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER allocation_run_approved_immutable BEFORE UPDATE OR DELETE
    ON budget_allocationrun FOR EACH ROW EXECUTE FUNCTION allocation_run_immutable();""",
    f"""CREATE FUNCTION allocation_line_immutable() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN RAISE EXCEPTION '{RUN}'; END IF;
      IF TG_OP = 'DELETE' THEN
        IF (SELECT state FROM budget_allocationrun WHERE id = OLD.run_id) = 'approved' THEN
          RAISE EXCEPTION '{RUN}';
        END IF;
        RETURN OLD;
      END IF;
      IF (SELECT state FROM budget_allocationrun WHERE id = NEW.run_id) = 'approved' THEN
        RAISE EXCEPTION '{RUN}';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER allocation_line_immutable BEFORE INSERT OR UPDATE OR DELETE
    ON budget_allocationline FOR EACH ROW EXECUTE FUNCTION allocation_line_immutable();""",
    f"""CREATE FUNCTION ledger_entry_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{LEDGER}'; END $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON budget_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_append_only();""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS ledger_entry_append_only ON budget_ledgerentry;",
    "DROP FUNCTION IF EXISTS ledger_entry_append_only();",
    "DROP TRIGGER IF EXISTS allocation_line_immutable ON budget_allocationline;",
    "DROP FUNCTION IF EXISTS allocation_line_immutable();",
    "DROP TRIGGER IF EXISTS allocation_run_approved_immutable ON budget_allocationrun;",
    "DROP FUNCTION IF EXISTS allocation_run_immutable();",
]


class Migration(migrations.Migration):
    dependencies = [("budget", "0001_initial")]

    operations = [
        RunSQLOn("sqlite", SQLITE, SQLITE_DROP),
        RunSQLOn("postgresql", POSTGRES, POSTGRES_DROP),
    ]
