"""The advisor's and the manager's journey in a real browser, from a submitted application to an
active agreement; axe-core finds no WCAG violation on any page."""

import pytest

from soutien.accounts.models import Role
from soutien.agreements.models import Agreement
from soutien.applications import actions as application_actions
from soutien.applications.models import Application
from soutien.budget import actions as budget_actions
from soutien.rules import FiscalYear
from tests.factories import (
    PDF,
    at,
    make_application,
    make_organization,
    make_representative,
    make_user,
    submit_complete,
    upload,
)

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def accessible(page):
    assert axe_violations(page) == [], page.url


@pytest.fixture
def regions():
    """A transactional test's flush empties the regions a migration loaded: load them again."""
    from soutien.organizations.models import Region
    from soutien.organizations.regions import REGIONS

    for code, name in REGIONS:
        Region.objects.update_or_create(code=code, defaults={"name": name})


def test_advisor_and_manager_take_a_dossier_to_an_active_agreement(
    page, sign_in, tmp_path, regions
):
    advisor = make_user(Role.ADVISOR)
    manager = make_user(Role.MANAGER)
    organization = make_organization(legal_name="Carrefour fictif de l'Estrie")
    representative = make_representative(organization)
    application = submit_complete(
        make_application(organization, by=representative), by=representative
    )
    budget_actions.open_envelope(
        fiscal_year=FiscalYear(2019), stream=1, amount=500000, by=manager, at=at(2019, 3, 1)
    )

    # The advisor reviews completeness (5.1) and asks for a correction.
    sign_in(advisor)
    page.goto("/")  # where the login page leads: the dashboard
    accessible(page)
    page.click(f"text={organization.legal_name}")
    accessible(page)
    page.click("text=1. Complétude (5.1)")
    for box in page.locator("input[type=checkbox]").all():
        box.check()
    page.uncheck("input[name='financial_report-signed']")
    page.click("text=Enregistrer la vérification")
    assert page.locator(".qc-status.unmet >> text=À corriger").count() == 1
    accessible(page)
    page.fill("#message", "Le rapport financier doit être signé par un administrateur.")
    page.click("text=Envoyer la demande")
    assert "attend sa réponse" in page.locator("[role=status]").inner_text()
    accessible(page)

    # The organization answers (issue 4's portal), simulated through the existing actions.
    application.refresh_from_db()
    application_actions.upload_document(
        application,
        kind="financial_report",
        upload=upload("rf-signe.pdf"),
        by=representative,
        at=at(2019, 3, 5),
    )
    application_actions.submit_application(application, by=representative, at=at(2019, 3, 5))

    # The advisor evaluates, judging each criterion left to verify.
    page.goto(f"/ministere/dossiers/{application.pk}/evaluation/")
    page.click("text=Commencer l'évaluation")
    accessible(page)
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()
    for area in page.locator("textarea[name$='-justification']").all():
        area.fill("Constaté dans les documents déposés.")
    page.click("text=Enregistrer les jugements et calculer")
    assert page.locator(".qc-status.eligible, .qc-status >> text=Admissible").count() >= 1
    accessible(page)
    page.click("text=Terminer l'évaluation")
    assert "terminée" in page.locator("[role=status]").inner_text()

    # The manager runs the allocation, approves it, decides and prepares the agreement.
    sign_in(manager)
    page.goto("/ministere/budget/")
    accessible(page)
    # The credits are approved by the Assemblée nationale first (6.2).
    page.click("text=Inscrire l'approbation des crédits")
    accessible(page)
    page.fill("input[name=approved_on]", "2019-03-28")
    page.click("text=Inscrire l'approbation")
    # Without its reference, the form says which field is missing.
    assert "Inscrivez la référence de l'approbation des crédits." in page.inner_text("#erreurs")
    page.fill("input[name=reference]", "Crédits votés 2019-2020")
    page.click("text=Inscrire l'approbation")
    assert "Les crédits sont approuvés" in page.locator("[role=status]").inner_text()
    assert "Crédits votés 2019-2020" in page.inner_text("main")
    page.click("text=Répartir 2019-2020, volet 1")
    accessible(page)
    assert "1 dossier financé" in page.content()
    page.click("text=Approuver la répartition")
    assert "approuvée" in page.locator("[role=status]").inner_text()
    page.goto(f"/ministere/dossiers/{application.pk}/")
    page.click("text=Rendre la décision")
    assert "décision est rendue" in page.locator("[role=status]").inner_text()
    accessible(page)
    page.click("text=Préparer la convention")
    accessible(page)
    page.fill("#signatory_name", "Jeanne Signataire")
    page.fill("#signatory_title", "Présidente")
    page.click("button >> text=Préparer la convention")
    accessible(page)
    pdf = page.request.get(page.url + "convention.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    signed = tmp_path / "convention-signee.pdf"
    signed.write_bytes(PDF)
    page.set_input_files("#signed_copy", str(signed))
    page.click("text=Déposer la copie signée et mettre en vigueur")
    assert "en vigueur" in page.locator("[role=status]").inner_text()
    accessible(page)
    assert Agreement.objects.get(application=application).state == "active"
    assert Application.objects.get(pk=application.pk).state == "accepted"
    page.click("text=Carrefour fictif de l'Estrie")
    page.click("text=Expliquer le montant")
    accessible(page)
