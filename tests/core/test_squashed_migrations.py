"""The squashed migrations (decision 012) build the database the old ones built: the same
tables, columns, indexes, constraints and triggers, and the same rows (the 17 regions, the
content types and permissions), on the engine the suite runs on."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

PROJECT = Path(__file__).resolve().parents[2]
SETTINGS = {"squashed": "soutien.settings", "unsquashed": "tests.unsquashed_migrations.settings"}


def _server() -> str:
    settings = connection.settings_dict
    return f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}"


@pytest.fixture
def empty_databases(tmp_path):
    """One new empty database per line of migrations, on the suite's engine (DATABASE_URL)."""
    if connection.vendor == "sqlite":
        yield {line: f"sqlite:///{tmp_path / line}.sqlite3" for line in SETTINGS}
        return
    names = {line: f"soutien_{line}_{uuid.uuid4().hex[:8]}" for line in SETTINGS}
    with psycopg.connect(f"{_server()}/postgres", autocommit=True) as admin:
        for name in names.values():
            admin.execute(f'CREATE DATABASE "{name}"')
    yield {line: f"{_server()}/{name}" for line, name in names.items()}
    with psycopg.connect(f"{_server()}/postgres", autocommit=True) as admin:
        for name in names.values():
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_squashed_migrations_build_the_database_the_old_ones_built(empty_databases):
    running = {
        line: subprocess.Popen(
            [sys.executable, "-m", "tests.unsquashed_migrations.describe"],
            cwd=PROJECT,
            env={
                **os.environ,
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": SETTINGS[line],
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for line, url in empty_databases.items()
    }  # both at once: the old line takes most of a minute
    described = {}
    for line, process in running.items():
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        described[line] = json.loads(out)
    squashed, unsquashed = described["squashed"], described["unsquashed"]
    assert squashed["vendor"] == connection.vendor
    # What the comparison covers is there: regions, permissions, the guarding triggers.
    assert len(squashed["rows"]["organizations_region"]) == 17
    assert len(squashed["rows"]["auth_permission"]) > 200
    triggers = squashed["schema"]["trigger" if connection.vendor == "sqlite" else "triggers"]
    assert {"ledger_entry_append_only", "decision_immutable", "installment_paid_immutable"} <= set(
        triggers
    )
    for part in squashed["schema"]:
        assert squashed["schema"][part] == unsquashed["schema"][part], part
    assert squashed["rows"] == unsquashed["rows"]
