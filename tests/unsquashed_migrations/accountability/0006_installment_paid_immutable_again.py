"""SQLite rebuilds a table to add a column, and drops its triggers: agreements 0007 (the
installment's payment number) would take away the paid installment's guard of 0005 here.
It is put back after it (PostgreSQL keeps its trigger; nothing to do there)."""

from django.db import migrations

from soutien.core.migration_operations import RunSQLOn

PAID = "Un versement versé ne change plus (6.2)."

SQLITE = [
    "DROP TRIGGER IF EXISTS installment_paid_immutable;",
    f"""CREATE TRIGGER installment_paid_immutable BEFORE UPDATE ON agreements_installment
    WHEN OLD.state = 'paid' BEGIN SELECT RAISE(ABORT, '{PAID}'); END;""",
]


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0005_paid_and_decided_immutable"),
        ("agreements", "0007_installment_payment_number"),
    ]

    operations = [RunSQLOn("sqlite", SQLITE, migrations.RunSQL.noop)]
