"""Backup and restore of the database and the documents together (issue 10), on the engine the
suite runs on: a demo round-trips with the same rows in every table and the same documents."""

import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

COMMAND = [sys.executable, "-m", "soutien"]


def _server() -> str:
    settings = connection.settings_dict
    return f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}"


@pytest.fixture
def new_database(tmp_path, django_db_setup, database_copies, django_db_blocker):
    """Makes new databases of the suite's engine, empty or copied from one of the run's
    templates (« migrated », « demo »): (DATABASE_URL, a way to open it); PostgreSQL ones are
    dropped afterwards."""
    created = []

    def make(name: str, template: str | None = None) -> tuple[str, object]:
        if connection.vendor == "sqlite":
            path = tmp_path / f"{name}.sqlite3"
            if template:
                database_copies.copy(template, path)
            return f"sqlite:///{path}", lambda: sqlite3.connect(path)
        database = f"soutien_backup_{name}_{uuid.uuid4().hex[:8]}"
        created.append(database)
        if template:
            with django_db_blocker.unblock():
                database_copies.copy(template, database)
        else:
            with psycopg.connect(f"{_server()}/postgres", autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{database}"')
        url = f"{_server()}/{database}"
        return url, lambda: psycopg.connect(url)

    yield make
    for database in created:
        with psycopg.connect(f"{_server()}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _run(url: str, documents: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SOUTIEN_DOCUMENTS_ROOT": str(documents),
        "SOUTIEN_PROGRAM_DATE": "2019-10-15",
    }
    return subprocess.run(
        [*COMMAND, *args], env=env, capture_output=True, text=True, check=False, timeout=600
    )


def _rows(open_database) -> dict[str, int]:
    with open_database() as database:
        cursor = database.cursor()
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type='table'")
        else:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")
        tables = sorted(row[0] for row in cursor.fetchall())
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
        return counts


def _hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def test_a_demo_round_trips_with_every_row_and_every_document(tmp_path, new_database, demo_build):
    # A copy of the run's demo database (migrated, then loaded by `demo`) and of its documents.
    source_url, open_source = new_database("source", template="demo")
    source_documents = tmp_path / "source-documents"
    shutil.copytree(demo_build.documents, source_documents)
    archive = tmp_path / "sauvegarde.tar.gz"
    result = _run(source_url, source_documents, "backup", str(archive))
    assert result.returncode == 0, result.stderr
    assert "Sauvegarde écrite" in result.stdout

    target_url, open_target = new_database("target")
    target_documents = tmp_path / "target-documents"
    target_documents.mkdir()
    (target_documents / "ancien.pdf").write_bytes(b"%PDF-1.4 ancien")
    refused = _run(target_url, target_documents, "restore", str(archive))
    assert refused.returncode == 1 and "--oui" in refused.stderr
    result = _run(target_url, target_documents, "restore", str(archive), "--oui")
    assert result.returncode == 0, result.stderr
    assert "restaurée et vérifiée" in result.stdout

    source_rows = _rows(open_source)
    assert sum(source_rows.values()) > 1000
    assert _rows(open_target) == source_rows
    source_hashes = _hashes(source_documents)
    assert len(source_hashes) > 50  # the demo's uploaded documents
    assert _hashes(target_documents) == source_hashes
    # The restored program still agrees with its ledger.
    check = _run(target_url, target_documents, "ledger", "check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_tampered_or_foreign_archive_is_refused_in_french_and_changes_nothing(
    tmp_path, new_database
):
    url, _open = new_database("tampered", template="migrated")
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "garde.pdf").write_bytes(b"%PDF-1.4 garde")
    archive = tmp_path / "sauvegarde.tar.gz"
    assert _run(url, documents, "backup", str(archive)).returncode == 0
    again = _run(url, documents, "backup", str(archive))
    assert again.returncode == 1 and "existe déjà" in again.stderr

    tampered = tmp_path / "alteree.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "documents/garde.pdf":
                data = b"%PDF-1.4 autre"
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    result = _run(url, documents, "restore", str(tampered), "--oui")
    assert result.returncode == 1
    assert "altéré" in result.stderr
    assert (documents / "garde.pdf").read_bytes() == b"%PDF-1.4 garde"

    (tmp_path / "autre.tar.gz").write_bytes(b"pas une archive")
    result = _run(url, documents, "restore", str(tmp_path / "autre.tar.gz"), "--oui")
    assert result.returncode == 1
    assert "n'est pas une sauvegarde" in result.stderr
