"""Safe defaults (issue 10): DEBUG only when asked, `check --deploy` clean with the README's
production settings, security headers, the Host's port, `testserver` only in tests."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from soutien.accounts.models import Role
from tests.factories import make_user

README = Path(__file__).resolve().parents[2] / "README.md"


def soutien(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "soutien", *args],
        capture_output=True, text=True, timeout=120, check=False, env=env,
    )  # fmt: skip


def bare_env(tmp_path, **variables):
    """The environment of a server nobody configured: no DJANGO_* or SOUTIEN_* variable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SOUTIEN_"))}
    env["SOUTIEN_VAR_DIR"] = str(tmp_path)
    env.update(variables)
    return env


def readme_production_settings():
    """The `export NAME=value` lines of the README's « Production » section."""
    section = README.read_text(encoding="utf-8").split("## Production", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^export (\w+)=(\S+)", section, flags=re.MULTILINE))


def test_settings_without_variables_are_not_debug_and_do_not_allow_testserver(tmp_path):
    script = "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)"
    completed = soutien("shell", "--no-imports", "-c", script, env=bare_env(tmp_path))
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "False ['127.0.0.1', 'localhost']"


def test_make_run_asks_for_debug_and_its_port():
    makefile = (README.parent / "Makefile").read_text(encoding="utf-8")
    assert "run: export DJANGO_DEBUG = 1" in makefile
    assert "run: export SOUTIEN_ALLOWED_PORTS = $(PORT)" in makefile


def test_check_deploy_is_clean_with_the_readme_production_settings(tmp_path):
    documented = readme_production_settings()
    assert {"DJANGO_SECURE_SSL_REDIRECT", "DJANGO_SECURE_HSTS_SECONDS"} <= documented.keys()
    documented["DJANGO_SECRET_KEY"] = "k" * 30 + "-production-like-secret-key-for-the-test"
    completed = soutien(
        "check", "--deploy", "--fail-level", "WARNING", env=bare_env(tmp_path, **documented)
    )
    assert completed.returncode == 0, completed.stderr
    assert "no issues" in completed.stdout


def test_check_deploy_without_them_warns(tmp_path):
    completed = soutien("check", "--deploy", "--fail-level", "WARNING", env=bare_env(tmp_path))
    assert completed.returncode != 0
    assert "security.W004" in completed.stderr


@pytest.mark.django_db
def test_every_page_has_a_csp_without_inline_script_and_a_permissions_policy(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_an_authenticated_page_is_not_stored_and_a_public_one_may_be(client):
    assert "no-store" not in client.get("/").get("Cache-Control", "")
    client.force_login(make_user(Role.ADVISOR))
    response = client.get(reverse("workspace:dashboard"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def templates():
    return sorted((README.parent / "src").rglob("templates/**/*.html"))


def test_no_template_served_to_a_browser_has_inline_script_or_event_handlers():
    for path in templates():
        html = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, f"{path}: {tag}"
        assert not re.search(r"\son[a-z]+\s*=", html), path
        if "/pdf/" not in str(path) and not path.name.endswith("_pdf.html"):
            assert "<style" not in html and " style=" not in html, path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("localhost", 200),
        ("localhost:8000", 200),
        ("localhost:8001", 400),
        ("localhost:1", 400),
        ("evil.example:8000", 400),
    ],
)
def test_the_host_port_must_be_the_sites(client, settings, host, status):
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.SITE_URL = "http://localhost:8000"
    settings.SOUTIEN_ALLOWED_PORTS = []
    assert client.get("/", headers={"host": host}).status_code == status


@pytest.mark.django_db
def test_allowed_ports_replace_the_sites_port(client, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.SOUTIEN_ALLOWED_PORTS = ["8443"]
    assert client.get("/", headers={"host": "localhost:8443"}).status_code == 200
    assert client.get("/", headers={"host": "localhost:8000"}).status_code == 400
