"""« Mon compte » in a real browser: from the menu, change one's name and password (a mistake
first), then find the help page; axe-core on every page."""

import pytest
from playwright.sync_api import expect

from soutien.accounts.models import Role, User

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Lac-Megantic-2019!"
NEW_PASSWORD = "Riviere-du-Loup-2020?"


def test_change_name_and_password_from_my_account(page, live_server):
    User.objects.create_user(
        "amina@exemple.org",
        PASSWORD,
        role=Role.REPRESENTATIVE,
        full_name="Amina Diallo",
    )
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse courriel").fill("amina@exemple.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.get_by_role("link", name="Mon compte").click()
    assert axe_violations(page) == []
    page.get_by_label("Nom complet").fill("Amina Sow")
    page.get_by_role("button", name="Enregistrer mon nom").click()
    assert "Votre nom est changé." in page.locator("[role=status]").inner_text()
    assert page.get_by_label("Nom complet").input_value() == "Amina Sow"

    page.get_by_role("link", name="Changer mon mot de passe").click()
    page.get_by_label("Mot de passe actuel").fill(PASSWORD)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirmez le nouveau mot de passe").fill("autre chose")
    page.get_by_role("button", name="Changer mon mot de passe").click()
    summary = page.locator("#erreurs").inner_text()
    assert "Confirmez le nouveau mot de passe" in summary
    assert "ne sont pas identiques" in summary
    assert axe_violations(page) == []
    page.get_by_label("Mot de passe actuel").fill(PASSWORD)
    page.get_by_label("Nouveau mot de passe", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirmez le nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Changer mon mot de passe").click()
    assert "Votre mot de passe est changé." in page.locator("[role=status]").inner_text()
    assert User.objects.get().check_password(NEW_PASSWORD)

    page.get_by_role("link", name="Aide et contact").first.click()
    expect(page.get_by_role("heading", name="Aide et contact")).to_be_visible()
    assert axe_violations(page) == []
