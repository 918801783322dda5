"""The privacy notice in a real browser: read at registration, the full page a link away, the
box required, the acknowledgment recorded with the notice's version; axe-core on each page."""

import pytest

from soutien.accounts.models import NoticeAcknowledgment, NoticeContext, User
from soutien.accounts.privacy import NOTICE_VERSION

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Lac-Megantic-2019!"


def fill_registration(page) -> None:
    page.get_by_label("Votre nom complet").fill("Camille Tremblay")
    page.get_by_label("Votre adresse courriel").fill("camille@exemple.org")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_label("Nom légal de l'organisme").fill("Accueil Estrie")
    page.get_by_label("numéro d'entreprise du Québec (NEQ)").fill("1170000001")
    page.get_by_label("Forme juridique").select_option("qc_companies_part3")
    page.get_by_label("Date de constitution").fill("2010-03-01")
    page.get_by_label("Adresse du siège").fill("10, rue King Ouest")
    page.get_by_label("Municipalité").fill("Sherbrooke")
    page.get_by_label("Code postal").fill("J1H 1N1")
    page.get_by_label("Région administrative").select_option("05")


def test_a_person_reads_the_notice_and_must_acknowledge_it_to_register(page, live_server):
    page.goto("/compte/inscription/")
    notice = page.get_by_role("region", name="Avis de confidentialité")
    assert "Qui les consulte" in notice.inner_text()
    assert axe_violations(page) == []

    notice.get_by_role("link", name="Lire la politique de confidentialité complète").click()
    page.wait_for_url("**/confidentialite/")
    assert page.get_by_role("heading", level=1).inner_text() == "Politique de confidentialité"
    assert f"Version {NOTICE_VERSION}" in page.content()
    assert axe_violations(page) == []
    page.go_back()
    page.wait_for_url("**/compte/inscription/")

    fill_registration(page)
    page.get_by_role("button", name="Créer le compte").click()
    summary = page.locator("#erreurs").inner_text()
    assert "J'ai lu l'avis de confidentialité" in summary and "Cochez" in summary
    assert axe_violations(page) == []
    assert not User.objects.exists()

    # The passwords are not sent back: typed again, then the box ticked.
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_label("J'ai lu l'avis de confidentialité").check()
    page.get_by_role("button", name="Créer le compte").click()
    page.wait_for_url("**/inscription/courriel-envoye/")

    acknowledgment = NoticeAcknowledgment.objects.get()
    assert acknowledgment.user == User.objects.get(email="camille@exemple.org")
    assert acknowledgment.context == NoticeContext.REGISTRATION
    assert acknowledgment.notice_version == NOTICE_VERSION
