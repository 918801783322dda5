"""The journey of a new organization in a real browser: register → confirm → log in →
profile → self-check → results, with axe-core on every page."""

import re

import pytest
from django.core import mail

from soutien.organizations.models import EligibilitySelfCheck, Organization

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Lac-Megantic-2019!"


def check(page, visited):
    visited.append(page.url)
    assert axe_violations(page) == [], page.url


def test_register_confirm_profile_and_self_check_in_a_browser(page, live_server):
    visited = register_and_self_check(page)
    assert len(visited) >= 15


def register_and_self_check(page) -> list[str]:
    """Register, confirm, fill the profile and do the self-check; the pages visited."""
    visited = []
    page.goto("/compte/inscription/")
    check(page, visited)
    # A bad NEQ first: the error summary and the field say what to do.
    page.get_by_label("Votre nom complet").fill("Camille Tremblay")
    page.get_by_label("Votre adresse courriel").fill("camille@exemple.org")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_label("Nom légal de l'organisme").fill("Accueil Estrie")
    page.get_by_label("numéro d'entreprise du Québec (NEQ)").fill("117000000")
    page.get_by_label("Forme juridique").select_option("qc_companies_part3")
    page.get_by_label("Date de constitution").fill("2010-03-01")
    page.get_by_label("Adresse du siège").fill("10, rue King Ouest")
    page.get_by_label("Municipalité").fill("Sherbrooke")
    page.get_by_label("Code postal").fill("J1H 1N1")
    page.get_by_label("Région administrative").select_option("05")
    page.get_by_label("J'ai lu l'avis de confidentialité").check()
    page.get_by_role("button", name="Créer le compte").click()
    assert "doit compter exactement 10 chiffres" in page.locator("#erreurs").inner_text()
    check(page, visited)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PASSWORD)
    page.get_by_label("numéro d'entreprise du Québec (NEQ)").fill("1170000001")
    page.get_by_role("button", name="Créer le compte").click()
    page.wait_for_url("**/inscription/courriel-envoye/")
    check(page, visited)

    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    page.goto(link)
    check(page, visited)
    page.get_by_role("button", name="Confirmer mon adresse courriel").click()
    page.wait_for_url("**/espace/")
    check(page, visited)

    # Log out and back in through the login page.
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto("/compte/connexion/")
    check(page, visited)
    page.get_by_label("Adresse courriel").fill("camille@exemple.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/espace/")

    organization = Organization.objects.get()
    page.goto(f"/espace/organisme/{organization.pk}/")
    check(page, visited)
    page.get_by_role("link", name="Modifier la mission et les services").click()
    check(page, visited)
    page.get_by_label("Mission").fill("Accueillir et accompagner les personnes immigrantes.")
    page.get_by_role("button", name="Enregistrer").click()
    assert "Les modifications sont enregistrées" in page.content()

    page.get_by_role("link", name="Voir et modifier le conseil d'administration").click()
    check(page, visited)
    for name in ("Nadia Roy", "Luc Fortin", "Awa Diallo"):
        page.get_by_role("link", name="Ajouter un membre").click()
        if name == "Nadia Roy":
            check(page, visited)
            # Asked once per organization and version of the notice.
            page.get_by_label("J'ai lu l'avis de confidentialité").check()
        page.get_by_label("Nom complet").fill(name)
        page.locator("#id_domiciled_in_quebec_0").check()
        page.locator("#id_status_0").check()
        page.locator("#id_volunteer_0").check()
        page.get_by_label("Début du mandat").fill("2018-06-01")
        page.get_by_role("button", name="Enregistrer").click()
    assert page.locator("table.qc-table tbody tr").count() == 3

    page.get_by_role("link", name="Autoévaluation de l'admissibilité").first.click()
    check(page, visited)
    page.get_by_role("button", name="Commencer l'autoévaluation").click()
    for _step in range(6):
        check(page, visited)
        if page.locator("#id_has_debt_to_ministry_1").count():
            page.locator("#id_has_debt_to_ministry_1").check()
            page.locator("#id_commitments_respected_last_3_years_0").check()
        if page.locator("#id_annual_general_meeting_held_0").count():
            page.locator("#id_annual_general_meeting_held_0").check()
        page.get_by_role("button", name="Enregistrer et continuer").click()
    check(page, visited)
    page.get_by_role("button", name="Enregistrer et voir le résultat").click()
    page.wait_for_url("**/autoevaluation/resultats/")
    check(page, visited)
    body = page.content()
    assert "Résultat de l'autoévaluation" in body
    assert "à juger par la conseillère ou le conseiller" in body
    assert EligibilitySelfCheck.objects.get().result["eligibility"] == "to_verify"
    return visited
