"""« Mes renseignements personnels » in a real browser: a representative opens their account
page and downloads what the program holds about them, as JSON then as PDF; axe-core on the
page."""

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

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
    expect(page.get_by_role("heading", name="Mes renseignements personnels")).to_be_visible()
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


def test_the_management_records_and_answers_an_access_request(page, sign_in):
    from soutien.core import clock

    User.objects.create_user(
        "amina@exemple.org", "x", role=Role.REPRESENTATIVE, full_name="Amina Diallo"
    )
    manager = User.objects.create_user(
        "gestion@exemple.org", "x", role=Role.MANAGER, full_name="Gestion", is_staff=True
    )
    sign_in(manager)
    page.goto("/ministere/")
    page.get_by_role("link", name="Demandes d'accès").click()
    expect(page.get_by_role("heading", name="Demandes d'accès et de rectification")).to_be_visible()
    page.get_by_label("Adresse courriel du compte de la personne").fill("amina@exemple.org")
    page.get_by_label("Accès à ses renseignements").check()
    page.get_by_label("Reçue le").fill(clock.today().isoformat())
    page.get_by_role("button", name="Inscrire la demande").click()
    assert "Décrivez l'objet de la demande." in page.locator("#erreurs").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("Objet de la demande").fill("Tout ce que le programme conserve sur moi.")
    page.get_by_role("button", name="Inscrire la demande").click()
    assert "La demande est inscrite" in page.locator("[role=status]").inner_text()
    assert axe_violations(page) == []

    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger (JSON)").click()
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert data["compte"]["adresse courriel"] == "amina@exemple.org"

    page.get_by_label("La demande est refusée").check()
    page.get_by_role("button", name="Inscrire la réponse").click()
    assert "Un refus est motivé" in page.locator("#erreurs").inner_text()
    assert axe_violations(page) == []
    page.get_by_label("La demande est acceptée").check()
    page.get_by_label("Réponse donnée à la personne").fill("Copie de vos renseignements jointe.")
    page.get_by_role("button", name="Inscrire la réponse").click()
    assert "La réponse est inscrite." in page.locator("[role=status]").inner_text()
    expect(page.get_by_text("Copie de vos renseignements jointe.")).to_be_visible()
