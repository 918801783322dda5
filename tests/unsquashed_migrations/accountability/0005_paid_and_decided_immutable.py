"""A paid installment and a decision taken never change: refused by the database itself
(decision 008), as approved allocation runs are (budget 0003).

- A paid installment (state `paid`) is never updated; on PostgreSQL never deleted either.
- A decision (every row is a decision taken, granted or refused) keeps what it says: the
  application, evaluation, outcome, amount, reasons, author and date. What an action writes
  after the decision stays writable: `communicated_on`, once, from empty
  (`budget.actions.decide_within_budget`), and the bookkeeping every save writes (`version`,
  `updated_at`, `retention_until`). On PostgreSQL a decision is never deleted.

SQLite guards updates only: its DELETE triggers would stop the test runner's flush (it has no
TRUNCATE, see budget 0003); the code refuses every delete (Record, ScopedQuerySet).
The messages have no apostrophe: they are SQL string literals.
"""

from django.db import migrations

PAID = "Un versement versé ne change plus (6.2)."
DECIDED = "Une décision rendue ne change plus (5.2)."

# What a decision says: the columns no update may change.
DECISION_COLUMNS = (
    "application_id",
    "evaluation_id",
    "outcome",
    "amount",
    "reason",
    "decided_by_id",
    "decided_at",
    "created_at",
)
SQLITE_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in DECISION_COLUMNS)
POSTGRES_NEW = ", ".join(f"NEW.{c}" for c in DECISION_COLUMNS)
POSTGRES_OLD = ", ".join(f"OLD.{c}" for c in DECISION_COLUMNS)

SQLITE = [
    f"""CREATE TRIGGER installment_paid_immutable BEFORE UPDATE ON agreements_installment
    WHEN OLD.state = 'paid' BEGIN SELECT RAISE(ABORT, '{PAID}'); END;""",
    f"""CREATE TRIGGER decision_immutable BEFORE UPDATE ON evaluations_decision
    WHEN {SQLITE_CHANGED}
      OR (OLD.communicated_on IS NOT NULL AND NEW.communicated_on IS NOT OLD.communicated_on)
    BEGIN SELECT RAISE(ABORT, '{DECIDED}'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS installment_paid_immutable;",
    "DROP TRIGGER IF EXISTS decision_immutable;",
]

POSTGRES = [
    f"""CREATE FUNCTION installment_paid_immutable() RETURNS trigger AS $$
    BEGIN
      IF OLD.state = 'paid' THEN RAISE EXCEPTION '{PAID}'; END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER installment_paid_immutable BEFORE UPDATE OR DELETE
    ON agreements_installment FOR EACH ROW EXECUTE FUNCTION installment_paid_immutable();""",
    f"""CREATE FUNCTION decision_immutable() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN RAISE EXCEPTION '{DECIDED}'; END IF;
      IF ({POSTGRES_NEW}) IS DISTINCT FROM ({POSTGRES_OLD})
         OR (OLD.communicated_on IS NOT NULL
             AND NEW.communicated_on IS DISTINCT FROM OLD.communicated_on) THEN
        RAISE EXCEPTION '{DECIDED}';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER decision_immutable BEFORE UPDATE OR DELETE
    ON evaluations_decision FOR EACH ROW EXECUTE FUNCTION decision_immutable();""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS decision_immutable ON evaluations_decision;",
    "DROP FUNCTION IF EXISTS decision_immutable();",
    "DROP TRIGGER IF EXISTS installment_paid_immutable ON agreements_installment;",
    "DROP FUNCTION IF EXISTS installment_paid_immutable();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0004_ledger_from_records"),
        ("agreements", "0003_merge_0002_program_clock_0002_reference_sequence"),
        ("evaluations", "0003_program_clock"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
