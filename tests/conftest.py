import contextlib
import fcntl
import io
import json
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


def pytest_addoption(parser):
    parser.addoption(
        "--database-only",
        action="store_true",
        help="only the tests that use the database (a second engine's run, outside CI)",
    )


def _uses_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """After pytest-django's order (database tests, then transactional ones): the tests without
    a database come first, so that a worker runs them while another migrates the run's
    database; with --database-only they are left out."""
    without = [item for item in items if not _uses_database(item)]
    with_database = [item for item in items if _uses_database(item)]
    # Among the transactional tests (last), the browser journeys (seconds each) first: the
    # short ones left at the end even out the workers' finishing times.
    with_database.sort(key=lambda item: (_transactional(item), not _in_browser(item)))
    if config.getoption("database_only"):
        config.hook.pytest_deselected(items=without)
        items[:] = with_database
    else:
        items[:] = without + with_database


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


def _in_browser(item) -> bool:
    return _transactional(item) and "e2e" in Path(str(item.path)).parts


@pytest.fixture(autouse=True)
def _records_settings(settings, tmp_path):
    """Fast password hashing and a private documents folder per test."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.DOCUMENTS_ROOT = tmp_path / "documents"


@pytest.fixture(autouse=True)
def _real_program_clock(settings):
    """Tests run on the real clock (moved by time-machine) unless one pins a program date."""
    settings.SOUTIEN_PROGRAM_DATE = None


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Background tasks run in the test, when enqueued (after the commit of the action)."""
    settings.TASKS = IMMEDIATE_TASKS


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def regions(transactional_db):
    """A transactional test after another one: the flush emptied the 17 regions a migration
    loaded; put them back."""
    from soutien.organizations.models import Region
    from soutien.organizations.regions import REGIONS

    for code, name in REGIONS:
        Region.objects.get_or_create(code=code, defaults={"name": name})


# Databases built once per run (docs/decisions/014-fast-suite.md): the first xdist worker that
# needs one builds it (migrations, then the demo), the others copy it. SQLite copies are made
# with its backup API (page by page, into the worker's in-memory database); PostgreSQL ones
# with CREATE DATABASE … TEMPLATE.


def _shared_folder(tmp_path_factory) -> Path:
    """The folder every worker of this run sees (pytest's base temporary folder's parent under
    xdist, the base temporary folder otherwise)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if base.name.startswith("popen-gw") else base


@contextlib.contextmanager
def _locked(path: Path):
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class SQLiteCopies:
    """Templates are files in the run's shared folder; the worker's database stays Django's
    in-memory test database, whose content a template replaces."""

    def __init__(self, connection, shared: Path):
        self.connection = connection
        self.shared = shared

    def template(self, name: str) -> str:
        return str(self.shared / f"{name}.sqlite3")

    def save(self, name: str) -> None:
        """The worker's database, as it is now, becomes the template `name`."""
        self.connection.ensure_connection()
        target = sqlite3.connect(self.template(name))
        try:
            self.connection.connection.backup(target)
        finally:
            target.close()

    def load(self, name: str) -> None:
        """The template `name` replaces the worker's database's content."""
        self.connection.ensure_connection()
        source = sqlite3.connect(self.template(name))
        try:
            source.backup(self.connection.connection)
        finally:
            source.close()

    def create_test_database(self, name: str) -> None:
        test_name = self.connection.creation._get_test_db_name()
        self.connection.settings_dict["NAME"] = test_name
        self.load(name)

    @contextlib.contextmanager
    def building(self, source: str, target: str):
        """Work on a copy of `source` saved as `target`; the worker's database is left as
        `source` after."""
        self.load(source)
        yield
        self.save(target)
        self.load(source)

    @contextlib.contextmanager
    def using(self, name: str):
        """The test runs on a copy of the template (its flush empties it after)."""
        self.load(name)
        yield

    def copy(self, name: str, path: Path) -> str:
        """A new database file from the template; its URL."""
        shutil.copyfile(self.template(name), path)
        return f"sqlite:///{path}"


class PostgreSQLCopies:
    """Templates are databases named after the test database; copies are made by PostgreSQL
    (CREATE DATABASE … TEMPLATE needs no one connected to the template)."""

    NAMES = ("migrated", "demo")

    def __init__(self, connection):
        self.connection = connection
        test_name = connection.settings_dict["TEST"].get("NAME")
        # Under xdist the test database's name ends with the worker's (test_x_gw0): theirs do not.
        self.base = re.sub(r"_gw\d+$", "", test_name or f"test_{connection.settings_dict['NAME']}")

    def template(self, name: str) -> str:
        return f"{self.base}_{name}"

    def _create(self, target: str, source: str) -> None:
        with self.connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(target)} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {_quote(target)} TEMPLATE {_quote(source)}")

    def _drop(self, name: str) -> None:
        with self.connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")

    def _switch(self, name: str) -> None:
        # Changed in place: the live server's threads read the same settings.
        self.connection.close()
        self.connection.settings_dict["NAME"] = name

    def save(self, name: str) -> None:
        current = self.connection.settings_dict["NAME"]
        self.connection.close()
        self._create(self.template(name), current)

    def create_test_database(self, name: str) -> None:
        test_name = self.connection.creation._get_test_db_name()
        self._create(test_name, self.template(name))
        self.connection.settings_dict["NAME"] = test_name

    @contextlib.contextmanager
    def building(self, source: str, target: str):
        worker = self.connection.settings_dict["NAME"]
        self._create(self.template(target), self.template(source))
        self._switch(self.template(target))
        try:
            yield
        finally:
            self._switch(worker)

    @contextlib.contextmanager
    def using(self, name: str):
        worker = self.connection.settings_dict["NAME"]
        copy = f"{worker}_{name}"
        self._create(copy, self.template(name))
        self._switch(copy)
        try:
            yield
        finally:
            self._switch(worker)
            self._drop(copy)

    def copy(self, name: str, database: str) -> str:
        self._create(database, self.template(name))
        settings = self.connection.settings_dict
        return f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}/{database}"

    def drop_templates(self) -> None:
        for name in self.NAMES:
            self._drop(self.template(name))


def _copies(shared: Path):
    from django.db import connection

    if connection.vendor == "sqlite":
        return SQLiteCopies(connection, shared)
    return PostgreSQLCopies(connection)


@pytest.fixture(scope="session")
def database_copies(django_db_modify_db_settings, tmp_path_factory):
    return _copies(_shared_folder(tmp_path_factory))


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_modify_db_settings,
    database_copies,
    tmp_path_factory,
):
    """pytest-django's test database, migrated once per run: the first worker migrates its own
    and saves it as the template « migrated »; the others copy it."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    assert list(settings.DATABASES) == ["default"], "one database: the copies handle only it"
    ready = _shared_folder(tmp_path_factory) / "migrated.ready"
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock(), _locked(ready.with_suffix(".lock")):
        if ready.exists():
            old_name = connection.settings_dict["NAME"]
            database_copies.create_test_database("migrated")
            settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"]
            old_config = [(connection, old_name, True)]
        else:
            # No test asks for serialized_rollback: nothing is serialized.
            old_config = setup_databases(
                verbosity=verbosity, interactive=False, aliases={"default"}, serialized_aliases=()
            )
            database_copies.save("migrated")
            ready.touch()
    yield
    with django_db_blocker.unblock():
        teardown_databases(old_config, verbosity=verbosity)


@dataclass(frozen=True)
class DemoBuild:
    """What `soutien-mission demo` printed and sent while it built the run's demo database,
    and the documents it uploaded."""

    output: str
    emails: list
    documents: Path


@pytest.fixture(scope="session")
def demo_build(django_db_setup, django_db_blocker, database_copies, tmp_path_factory):
    """The demo, loaded by its command once per run as `make run` loads it, saved as the
    template « demo »."""
    from django.core import mail
    from django.core.management import call_command
    from django.test import override_settings

    from soutien import demo

    shared = _shared_folder(tmp_path_factory)
    built = shared / "demo.json"
    documents = shared / "demo-documents"
    with django_db_blocker.unblock(), _locked(shared / "demo.lock"):
        if not built.exists():
            output = io.StringIO()
            outbox, mail.outbox = mail.outbox, []
            with (
                database_copies.building("migrated", "demo"),
                override_settings(
                    PASSWORD_HASHERS=FAST_HASHERS,
                    DOCUMENTS_ROOT=documents,
                    SOUTIEN_PROGRAM_DATE=demo.PROGRAM_DATE,  # as `make run` does
                    TASKS=IMMEDIATE_TASKS,
                ),
            ):
                call_command("demo", stdout=output)
            emails = [message.subject for message in mail.outbox]
            mail.outbox = outbox
            built.write_text(json.dumps({"output": output.getvalue(), "emails": emails}))
    return DemoBuild(**json.loads(built.read_text()), documents=documents)


@pytest.fixture
def demo_database(demo_build, database_copies, transactional_db, settings):
    """This test's own copy of the demo database and of its documents, on the demo's program
    date."""
    from soutien import demo

    settings.SOUTIEN_PROGRAM_DATE = demo.PROGRAM_DATE
    shutil.copytree(demo_build.documents, settings.DOCUMENTS_ROOT, dirs_exist_ok=True)
    with database_copies.using("demo"):
        yield demo_build


def pytest_sessionfinish(session):
    """The controller (or the only process) drops the run's PostgreSQL templates."""
    if hasattr(session.config, "workerinput"):
        return
    from django.conf import settings

    if not settings.configured or not session.config.pluginmanager.hasplugin("django"):
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    if connection.vendor == "postgresql":
        with session.config.stash[blocking_manager_key].unblock():
            PostgreSQLCopies(connection).drop_templates()
