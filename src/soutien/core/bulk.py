"""Insert many rows of plain values, a multi-row INSERT per batch (decision 013).

`bulk_create` builds a model instance for each row and prepares each field's value in Python:
at 20 000 allocation lines that was most of the run. This writes the same rows without
instances: no `save()`, no signals, no primary keys returned. For rows that nothing reads
before they are written (an allocation's lines), whose values are already what the database
driver adapts (int, bool, Decimal, str, None). PostgreSQL takes them with COPY (measured at
20 000 rows: `executemany` or multi-row INSERTs spent seconds in round trips and parsing);
other databases with one multi-row INSERT per batch.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models

# Rows per statement where the database sets no limit on the parameters (PostgreSQL).
BATCH_ROWS = 1000


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple]) -> None:
    """Insert `rows`, each a tuple of the values of `fields` (names of the model's fields)."""
    meta = model._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    limit = connection.features.max_query_params
    batch = max(1, min(BATCH_ROWS, limit // len(fields))) if limit else BATCH_ROWS
    head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "
    if connection.vendor == "postgresql":
        copy_sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            cursor.execute(head + ", ".join([row_sql] * len(chunk)), [v for r in chunk for v in r])
