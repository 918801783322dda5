"""A retention run whose worker is killed halfway (issue 16): the real worker
(`soutien-mission db_worker`) on a copy of the suite's database is killed once it has
destroyed a few items; the run is resumed, and in the end every planned item is destroyed
exactly once, with as many destruction records as destroyed items."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from datetime import date

import psycopg
from django.conf import settings as django_settings
from django.db import connection

from soutien.accounts.models import User
from soutien.privacy import actions
from tests.factories import at
from tests.privacy.test_retention import ADMIN, MANAGER, close_terminated_dossier

COMMAND = [sys.executable, "-m", "soutien"]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _server() -> str:
    s = connection.settings_dict
    return f"postgresql://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}"


def snapshot(tmp_path, database_copies):
    """A copy of the test's database that other processes can open: its URL, an opener."""
    if connection.vendor == "sqlite":
        path = tmp_path / "retention.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return f"sqlite:///{path}", lambda: sqlite3.connect(path), None
    name = f"soutien_retention_{uuid.uuid4().hex[:8]}"
    current = connection.settings_dict["NAME"]
    connection.close()
    database_copies._create(name, current)
    url = f"{_server()}/{name}"
    return url, lambda: psycopg.connect(url), name


def one(open_database, sql: str):
    database = open_database()
    try:
        cursor = database.cursor()
        cursor.execute(sql)
        return cursor.fetchone()[0]
    finally:
        database.close()


def test_a_run_whose_worker_is_killed_resumes_and_never_destroys_twice(
    demo_database, settings, tmp_path, database_copies
):
    close_terminated_dossier()
    manager, admin = User.objects.get(email=MANAGER), User.objects.get(email=ADMIN)
    settings.SOUTIEN_PROGRAM_DATE = date(2026, 4, 1)
    run = actions.prepare_run(by=manager, at=at(2026, 4, 1))
    actions.approve_run(run, by=admin, at=at(2026, 4, 2))
    settings.TASKS = DATABASE_TASKS  # enqueued for a real worker, not run here
    actions.execute_run(run, by=admin, at=at(2026, 4, 2))
    planned = run.items.filter(state="planned").count()
    assert planned >= 4
    url, open_database, created = snapshot(tmp_path, database_copies)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SOUTIEN_DOCUMENTS_ROOT": str(django_settings.DOCUMENTS_ROOT),
        "SOUTIEN_PROGRAM_DATE": "2026-04-02",
        "SOUTIEN_RETENTION_THROTTLE_MS": "400",
        "DJANGO_SECRET_KEY": "the same key for every process of this test",
    }
    destroyed = "SELECT count(*) FROM privacy_destructionrecord"
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [*COMMAND, "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while one(open_database, destroyed) < 2:
            assert worker.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, "the worker destroyed nothing in time"
            time.sleep(0.05)
        os.killpg(worker.pid, signal.SIGKILL)  # halfway: no chance to finish the item
        worker.wait(timeout=30)
        halfway = one(open_database, destroyed)
        assert 2 <= halfway < planned
        # What is destroyed and what the records say are the same, item by item.
        assert halfway == one(
            open_database, "SELECT count(*) FROM privacy_retentionitem WHERE state='destroyed'"
        )
        assert one(open_database, "SELECT state FROM privacy_retentionrun") == "executing"

        resume = (
            "from soutien.privacy import actions; from soutien.privacy.models import "
            "RetentionRun; from soutien.accounts.models import User; from soutien.core import "
            f"clock; run = RetentionRun.objects.get(pk={run.pk}); actions.resume_run(run, "
            f"by=User.objects.get(email='{ADMIN}'), at=clock.now())"
        )
        env["SOUTIEN_RETENTION_THROTTLE_MS"] = "0"
        for args in (["shell", "-c", resume], ["db_worker", "--batch", "--no-startup-delay"]):
            done = subprocess.run(
                [*COMMAND, *args], env=env, capture_output=True, text=True, timeout=300
            )
            assert done.returncode == 0, done.stderr[-3000:]
        assert one(open_database, "SELECT state FROM privacy_retentionrun") == "done"
        assert one(open_database, destroyed) == planned
        assert planned == one(
            open_database, "SELECT count(*) FROM privacy_retentionitem WHERE state='destroyed'"
        )
        assert planned == one(
            open_database,
            "SELECT count(DISTINCT rule || ':' || target_type_id || ':' || target_id) "
            "FROM privacy_destructionrecord",
        )
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        if created:
            with psycopg.connect(f"{_server()}/postgres", autocommit=True) as admin_db:
                admin_db.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
