"""Issue 13, proof (a): on the demo at its program date, an organization in year 1 of its
agreement renews for year 2 in its portal; its surplus persists (6.1.3), so the advisor
withdraws part of the aid; she reviews the renewal (5.6); the manager decides and confirms the
year, whose installments are scheduled. axe-core finds no WCAG violation on the pages."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from soutien.accounts.models import User
from soutien.agreements.models import AgreementYear, Installment
from soutien.applications.models import Application, DocumentKind, Kind
from soutien.organizations.models import FinancialStatements

from .conftest import axe_violations
from .test_demo_walkthrough import follow, log_in, status

pytestmark = pytest.mark.django_db(transaction=True)


def renew_in_portal(page, year) -> Application:
    """The representative renews `year` in the portal: documents unchanged, the renewal
    section, the declaration, deposited (5.6)."""
    log_in(page, "representant")
    page.goto(f"/espace/conventions/annees/{year.pk}/reconduction/")
    follow(page, "button:has-text('Commencer le formulaire de reconduction')")
    renewal = Application.objects.get(organization=year.agreement.organization, kind=Kind.RENEWAL)
    assert axe_violations(page) == []
    page.goto(f"/espace/demandes/{renewal.pk}/documents/")
    for kind in DocumentKind.values:
        page.check(f"input[name={kind}_unchanged]")
    page.click("button:has-text('Déposer les documents choisis')")  # with its progress bar
    page.wait_for_selector("text=9 documents enregistrés.")
    page.goto(f"/espace/demandes/{renewal.pk}/sections/renewal/")
    page.fill("#id_changes_summary", "Aucun changement aux règlements ni au conseil.")
    page.check("#id_eligibility_confirmed")
    follow(page, "button:has-text('Enregistrer et continuer')")
    page.goto(f"/espace/demandes/{renewal.pk}/depot/")
    page.fill("#id_declarant_name", "Mathieu Représentant")
    page.fill("#id_declarant_title", "Direction générale")
    page.check("#id_declared")
    follow(page, "button:has-text('Déposer ma demande')")
    return renewal


def accept_first_report(agreement, representative) -> None:
    from soutien.accountability import actions as accountability
    from tests.accountability.test_reports import fill
    from tests.factories import at

    advisor = User.objects.get(email="conseillere@demo.soutien.example")
    report = agreement.years.get(year_number=1).annual_report
    fill(report, representative, when=at(2019, 7, 2))
    accountability.submit_report(report, by=representative, at=at(2019, 7, 3))
    for obligation in report.obligations.all():
        accountability.check_obligation(obligation, met=True, by=advisor, at=at(2019, 7, 10))
    accountability.accept_annual_report(report, by=advisor, at=at(2019, 7, 10))


def test_a_year_2_renewal_with_a_surplus_that_persists(demo_database, page, sign_in):
    representative = User.objects.get(email="representant@demo.soutien.example")
    year = next(
        y
        for y in AgreementYear.objects.for_user(representative).awaiting_renewal()
        if y.agreement.stream == 1
        and not Application.objects.filter(
            organization=y.agreement.organization, fiscal_year=y.fiscal_year
        ).exists()
    )
    organization = year.agreement.organization
    # Its year-1 report (8) was transmitted and accepted in the summer: requirements met (5.6).
    accept_first_report(year.agreement, representative)
    # Its statements still show unrestricted net assets above half of its expenses (6.1.3).
    for statements in FinancialStatements.objects.filter(organization=organization):
        statements.unrestricted_net_assets = statements.total_expenses
        statements.save()

    # The organization starts its renewal, keeps the documents that did not change, submits.
    renewal = renew_in_portal(page, year)
    renewal.refresh_from_db()
    assert renewal.state == "submitted"

    # The advisor: completeness, judgments; the rules find the surplus persists in year 2.
    log_in(page, "conseillere")
    page.goto(f"/ministere/dossiers/{renewal.pk}/")
    follow(page, "text=1. Complétude (5.1)")
    for box in page.locator("input[type=checkbox]").all():
        box.check()
    follow(page, "text=Enregistrer la vérification")
    page.goto(f"/ministere/dossiers/{renewal.pk}/")
    follow(page, "text=2. Évaluation")
    follow(page, "text=Commencer l'évaluation")
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()
    for area in page.locator("textarea[name$='-justification']").all():
        area.fill("Constaté à la lecture des documents.")
    follow(page, "text=Enregistrer les jugements et calculer")
    assert "en année 2 de la convention" in page.inner_text("#withdrawal-required")
    assert axe_violations(page) == []
    follow(page, 'button:has-text("Terminer l\'évaluation")')
    assert "consignez le retrait" in page.inner_text("main")
    evaluation = renewal.evaluations.get()
    full = evaluation.amount
    withdrawn = (full / 4).quantize(Decimal("1"))
    page.check("input[name=kind][value=surplus_withdrawal]")
    page.fill("#adj-amount", str(withdrawn))
    page.fill("#adj-justification", "Surplus toujours élevé : retrait du quart de l'aide.")
    follow(page, 'button:has-text("Consigner l\'ajustement")')
    assert "withdrawal-required" not in page.content()
    follow(page, 'button:has-text("Terminer l\'évaluation")')
    assert "évaluation est terminée" in status(page)
    evaluation.refresh_from_db()
    assert evaluation.amount == full - withdrawn
    assert evaluation.result["amount_lines"][-1]["clause"] == "6.1.3"

    # She reviews the renewal: the requirements were continuously met (5.6).
    page.goto(f"/ministere/dossiers/{renewal.pk}/")
    assert "satisfaire toujours" in page.inner_text("#still-eligible")
    page.check("input[name=requirements_met][value=oui]")
    page.fill("#evidence", "Aucune mesure ni créance ; rapport de la première année reçu.")
    follow(page, "button:has-text('Enregistrer la revue')")
    assert "Exigences respectées de façon continue" in page.inner_text("#review")
    assert axe_violations(page) == []

    # The manager funds it within the envelope, decides, and confirms year 2.
    log_in(page, "gestionnaire")
    follow(page, "text=Budget et priorités")
    follow(page, "text=Répartir 2019-2020, volet 1")
    follow(page, "text=Approuver la répartition")
    page.goto(f"/ministere/dossiers/{renewal.pk}/")
    page.check("input[name=outcome][value=granted]")
    follow(page, "text=Rendre la décision")
    follow(page, 'button:has-text("Confirmer l\'année 2")')
    year.refresh_from_db()
    assert year.state == "confirmed" and year.amount == full - withdrawn
    installments = Installment.objects.filter(agreement_year=year)
    assert sorted(i.due_month for i in installments) == [3, 11]
    assert sum(i.amount for i in installments) == full - withdrawn
    assert axe_violations(page) == []
    call_command("ledger", "check")
