"""« Mes renseignements personnels » in a real browser: a representative opens their account
page and downloads what the program holds about them, as JSON then as PDF; axe-core on the
page."""

import json
from pathlib import Path

import pytest

from soutien.accounts.models import Role, User

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_download_my_personal_data_from_my_account(page, sign_in):
    person = User.objects.create_user(
        "amina@exemple.org", "x", role=Role.REPRESENTATIVE, full_name="Amina Diallo"
    )
    User.objects.create_user(
        "autre@exemple.org", "x", role=Role.REPRESENTATIVE, full_name="Autre Personne"
    )
    sign_in(person)
    page.goto("/compte/")
    assert page.get_by_role("heading", name="Mes renseignements personnels").is_visible()
    assert axe_violations(page) == []

    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger (JSON)").click()
    download = info.value
    assert download.suggested_filename == "mes-renseignements.json"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert json.loads(text)["compte"]["adresse courriel"] == "amina@exemple.org"
    assert "autre@exemple.org" not in text

    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger (PDF)").click()
    download = info.value
    assert download.suggested_filename == "mes-renseignements.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
