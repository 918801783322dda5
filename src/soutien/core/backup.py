"""Back up and restore the database and the documents folder together (issue 10).

One archive (`.tar.gz`) holds the database in its engine's own format (SQLite's online backup,
PostgreSQL's `pg_dump --format=custom`), every document, and a manifest: the engine, the applied
migrations, the rows of every table and the SHA-256 of every document. A restore checks the
archive against its manifest before touching anything, then checks the restored database and
folder against it again. The records and the documents are restored as one: a restore that
does not match is reported, never half-done silently.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.utils.translation import gettext as _

from . import clock

MANIFEST = "manifest.json"
FORMAT = 1
SQLITE_NAME = "database.sqlite3"
POSTGRES_NAME = "database.pgdump"


class BackupError(Exception):
    """A French reason the backup or the restore could not be done."""


@dataclass(frozen=True)
class Summary:
    rows: int
    tables: int
    documents: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def document_hashes(root: Path) -> dict[str, str]:
    """{relative path: SHA-256} of every file under `root`."""
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): _sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def row_counts() -> dict[str, int]:
    """Rows of every table the project's models (and Django's own) keep."""
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
    )
    quote = connection.ops.quote_name
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def applied_migrations() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def _postgres_env(database: dict) -> dict[str, str]:
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if database.get(key):
            env[variable] = str(database[key])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise BackupError(
            _("L'outil %(tool)s de PostgreSQL est introuvable : installez le client PostgreSQL.")
            % {"tool": command[0]}
        ) from error
    if result.returncode != 0:
        raise BackupError(
            _("%(tool)s a échoué : %(detail)s")
            % {"tool": command[0], "detail": result.stderr.strip()[-500:]}
        )


def _dump_database(target: Path) -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        return SQLITE_NAME
    if connection.vendor == "postgresql":
        _run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", database["NAME"]],
            _postgres_env(database),
        )
        return POSTGRES_NAME
    raise BackupError(
        _("Moteur de base de données non pris en charge : %(vendor)s.")
        % {"vendor": connection.vendor}
    )


def create(archive: Path, *, at: datetime | None = None) -> Summary:
    """Write `archive`: the database, the documents folder and their manifest."""
    archive = Path(archive)
    if archive.exists():
        raise BackupError(
            _("Le fichier %(path)s existe déjà : choisissez un autre nom.") % {"path": archive}
        )
    root = Path(settings.DOCUMENTS_ROOT)
    with tempfile.TemporaryDirectory(dir=archive.parent) as scratch:
        scratch_path = Path(scratch)
        name = _dump_database(scratch_path / "database")
        counts = row_counts()
        hashes = document_hashes(root)
        manifest = {
            "format": FORMAT,
            "engine": connection.vendor,
            "database": name,
            "created_at": (at or clock.system_now()).isoformat(),  # the real time: an operation
            "migrations": applied_migrations(),
            "rows": counts,
            "documents": hashes,
        }
        partial = archive.with_name(archive.name + ".partiel")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(scratch_path / "database", arcname=name)
            for relative in hashes:
                tar.add(root / relative, arcname=f"documents/{relative}")
        os.replace(partial, archive)  # a backup interrupted midway leaves no archive
    return Summary(rows=sum(counts.values()), tables=len(counts), documents=len(hashes))


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(member.read())
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(
            _("%(path)s n'est pas une sauvegarde de Soutien à la mission lisible.")
            % {"path": archive}
        ) from error
    if manifest.get("format") != FORMAT:
        raise BackupError(_("Format de sauvegarde inconnu."))
    return manifest


def _extract(archive: Path, manifest: dict, into: Path) -> None:
    expected = {manifest["database"], MANIFEST} | {f"documents/{p}" for p in manifest["documents"]}
    with tarfile.open(archive, "r:gz") as tar:
        names = set(tar.getnames())
        if names != expected:
            raise BackupError(_("La sauvegarde ne correspond pas à son manifeste."))
        tar.extractall(into, filter="data")
    restored = document_hashes(into / "documents")
    if restored != manifest["documents"]:
        raise BackupError(_("Un document de la sauvegarde est altéré (empreinte différente)."))


def restore(archive: Path) -> Summary:
    """Replace the database and the documents folder by the archive's, then check both."""
    archive = Path(archive)
    manifest = read_manifest(archive)
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            _(
                "Cette sauvegarde vient d'une base %(source)s ; la base configurée est %(target)s. "
                "Restaurez-la dans le même moteur."
            )
            % {"source": manifest["engine"], "target": connection.vendor}
        )
    root = Path(settings.DOCUMENTS_ROOT)
    root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root.parent) as scratch:
        scratch_path = Path(scratch)
        _extract(archive, manifest, scratch_path)
        _restore_database(scratch_path / manifest["database"])
        documents = scratch_path / "documents"
        documents.mkdir(exist_ok=True)
        previous = root.with_name(root.name + ".avant-restauration")
        if previous.exists():
            shutil.rmtree(previous)
        if root.exists():
            os.replace(root, previous)
        os.replace(documents, root)
        shutil.rmtree(previous, ignore_errors=True)
    connections.close_all()
    counts = row_counts()
    if counts != manifest["rows"] or applied_migrations() != manifest["migrations"]:
        raise BackupError(_("La base restaurée ne compte pas les lignes de la sauvegarde."))
    if document_hashes(root) != manifest["documents"]:
        raise BackupError(_("Les documents restaurés diffèrent de la sauvegarde."))
    return Summary(
        rows=sum(counts.values()), tables=len(counts), documents=len(manifest["documents"])
    )


def _restore_database(dump: Path) -> None:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        # The online backup API writes into the live database, WAL included, in one step.
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connections.close_all()
        return
    connections.close_all()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={database['NAME']}",
            str(dump),
        ],
        _postgres_env(database),
    )
    connections.close_all()
