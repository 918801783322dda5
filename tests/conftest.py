import pytest


@pytest.fixture(autouse=True)
def _records_settings(settings, tmp_path):
    """Fast password hashing and a private documents folder per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DOCUMENTS_ROOT = tmp_path / "documents"


@pytest.fixture(autouse=True)
def _real_program_clock(settings):
    """Tests run on the real clock (moved by time-machine) unless one pins a program date."""
    settings.SOUTIEN_PROGRAM_DATE = None


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Background tasks run in the test, when enqueued (after the commit of the action)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def regions(transactional_db):
    """A transactional test after another one: the flush emptied the 17 regions a migration
    loaded; put them back."""
    from soutien.organizations.models import Region
    from soutien.organizations.regions import REGIONS

    for code, name in REGIONS:
        Region.objects.get_or_create(code=code, defaults={"name": name})
