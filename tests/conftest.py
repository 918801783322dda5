import pytest


@pytest.fixture(autouse=True)
def _records_settings(settings, tmp_path):
    """Fast password hashing and a private documents folder per test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DOCUMENTS_ROOT = tmp_path / "documents"
