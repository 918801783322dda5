"""The project's foundation: the one command, the settings, the home page."""

import os
import subprocess
import sys

import pytest

from soutien.cli import main


def run(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "soutien", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


def test_the_command_lists_djangos_commands_and_the_projects_own():
    completed = run("help")
    assert completed.returncode == 0
    assert "migrate" in completed.stdout
    assert "evaluate" in completed.stdout


def test_the_command_runs_django_checks_without_issue():
    completed = run("check")
    assert completed.returncode == 0, completed.stderr
    assert "no issues" in completed.stdout


def test_evaluate_is_served_without_starting_django(tmp_path, monkeypatch):
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "does.not.exist")
    path = tmp_path / "empty.json"
    path.write_text("[]", encoding="utf-8")
    assert main(["soutien-mission", "evaluate", str(path)]) == 0


def test_production_settings_without_a_secret_key_make_one_and_keep_it(tmp_path):
    import os

    env = {**os.environ, "DJANGO_SECRET_KEY": "", "SOUTIEN_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_DEBUG", None)
    script = "from django.conf import settings; print(settings.SECRET_KEY)"
    keys = [run("shell", "--no-imports", "-c", script, env=env).stdout.strip() for _ in range(2)]
    assert len(keys[0]) >= 50
    assert keys[0] == keys[1] == (tmp_path / "secret_key").read_text().strip()
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


@pytest.mark.django_db
def test_the_home_page_is_in_french_and_names_the_norms_in_force(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr-CA">' in html
    assert "Descriptif 2018-2020" in html
    assert "30 juin 2020" in html


def test_database_connections_persist_and_are_checked_before_reuse_by_default():
    """Issue 11: a new connection per request cost more than a simple page; a connection kept
    open is checked before a request reuses it. `DATABASE_CONN_MAX_AGE=0` turns it off."""
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'soutien.settings';"
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_CONN_MAX_AGE"}
    default = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert default.stdout.split() == ["600", "True"]
    off = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={**env, "DATABASE_CONN_MAX_AGE": "0"},
    )  # fmt: skip
    assert off.stdout.split() == ["0", "True"]
