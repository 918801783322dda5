"""Migrate the database of DATABASE_URL, then print its schema and its rows as JSON.

`python -m tests.unsquashed_migrations.describe`, with DJANGO_SETTINGS_MODULE set to
`soutien.settings` (the squashed line) or `tests.unsquashed_migrations.settings` (the old
one). Column order is left out: a column added by a later migration comes last.
"""

from __future__ import annotations

import json
import os
import sys


def _definitions(create_table: str) -> list[str]:
    """The parts of an SQLite CREATE TABLE between its outer parentheses, sorted."""
    body = create_table[create_table.index("(") + 1 : create_table.rindex(")")]
    parts, depth, start = [], 0, 0
    for position, char in enumerate(body):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(body[start:position].strip())
            start = position + 1
    parts.append(body[start:].strip())
    return sorted(parts)


def _sqlite(cursor) -> dict:
    cursor.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master "
        "WHERE name NOT LIKE 'sqlite_%' AND tbl_name != 'django_migrations'"
    )
    schema: dict = {"table": {}, "index": {}, "trigger": {}, "view": {}}
    for kind, name, table, sql in cursor.fetchall():
        if kind == "table":
            schema["table"][name] = _definitions(sql)
        else:
            schema[kind][name] = [table, sql]
    return schema


def _postgresql(cursor) -> dict:
    queries = {
        "columns": """SELECT table_name || '.' || column_name, data_type, is_nullable,
            column_default, character_maximum_length, numeric_precision, numeric_scale,
            is_identity FROM information_schema.columns WHERE table_schema = 'public'
            AND table_name != 'django_migrations'""",
        "constraints": """SELECT c.conrelid::regclass || '.' || c.conname,
            pg_get_constraintdef(c.oid) FROM pg_constraint c
            JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public'
            AND c.conrelid::regclass::text != 'django_migrations'""",
        "indexes": """SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'
            AND tablename != 'django_migrations'""",
        "triggers": """SELECT tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t
            WHERE NOT t.tgisinternal""",
        "functions": """SELECT p.proname, p.prosrc FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'""",
    }
    schema = {}
    for name, query in queries.items():
        cursor.execute(query)
        schema[name] = {row[0]: [str(value) for value in row[1:]] for row in cursor.fetchall()}
    return schema


NATURAL = {
    "django_content_type": "SELECT app_label, model FROM django_content_type",
    "auth_permission": """SELECT t.app_label, t.model, p.codename, p.name FROM auth_permission p
        JOIN django_content_type t ON t.id = p.content_type_id""",
}


def describe() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        schema = _sqlite(cursor) if connection.vendor == "sqlite" else _postgresql(cursor)
        rows = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            if table == "django_migrations":
                continue
            # Content types and permissions by their natural keys: the old line's data
            # migrations created some content types before the others (other ids).
            query = NATURAL.get(table, f"SELECT * FROM {connection.ops.quote_name(table)}")
            cursor.execute(query)
            found = sorted([str(value) for value in row] for row in cursor.fetchall())
            if found:
                rows[table] = found
    return {"vendor": connection.vendor, "schema": schema, "rows": rows}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soutien.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    json.dump(describe(), sys.stdout, ensure_ascii=False, sort_keys=True, indent=1)


if __name__ == "__main__":
    main()
