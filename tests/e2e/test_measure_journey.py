"""Issue 13, proof (b): on the demo at its program date, the advisor opens a case and proposes
a suspension, the manager approves it; November's installment is held and the organization
sees why and reads the letter; the suspension is lifted and the installment is payable again.
axe-core finds no WCAG violation on the pages."""

import pytest
from django.core.management import call_command

from soutien.accounts.models import User
from soutien.agreements.models import Agreement, Installment, MeasureProposal, State
from soutien.payments import payability
from tests.factories import make_representative

from .conftest import axe_violations
from .test_demo_walkthrough import follow, log_in, spaced

pytestmark = pytest.mark.django_db(transaction=True)


def _active_with_november() -> Agreement:
    installment = (
        Installment.objects.filter(
            due_year=2019,
            due_month=11,
            state="scheduled",
            agreement_year__agreement__state=State.ACTIVE,
        )
        .order_by("pk")
        .first()
    )
    return installment.agreement_year.agreement


def test_a_suspension_from_its_finding_to_its_lifting(demo_database, page, sign_in):
    agreement = _active_with_november()
    november = Installment.objects.get(
        agreement_year__agreement=agreement, due_year=2019, due_month=11
    )
    assert payability.statuses([november], (2019, 11))[november.pk].standing == "payable"
    representative = make_representative(agreement.organization, email="coord@test.example")

    # The advisor opens a case from the agreement's page and proposes a suspension.
    log_in(page, "conseillere")
    page.goto(f"/ministere/conventions/{agreement.pk}/")
    assert axe_violations(page) == []
    page.select_option("#breach", "accountability")
    page.fill("#clause", "article 8 de la convention")
    page.fill("#finding", "Le rapport d'activité ne présente pas les résultats selon les sexes.")
    follow(page, "button:has-text('Ouvrir le dossier')")
    assert "Dossier de non-respect" in page.inner_text("h1")
    assert axe_violations(page) == []
    page.check("input[name=kind][value=suspension]")
    page.fill("#legal_basis", "Clause 5.5 du programme ; article 8 de la convention")
    page.fill("#reason", "Rapport d'activité non conforme.")
    page.fill("#remedy", "Déposer un rapport qui présente les résultats selon les sexes.")
    page.fill("#remedy_due_on", "2019-11-29")
    follow(page, "button:has-text('Proposer la mesure')")
    assert "En attente de l'approbation" in page.inner_text("main")
    case_url = page.url

    # The manager approves it: the agreement is suspended, the letter sent.
    sign_in(User.objects.get(email="gestionnaire@demo.soutien.example"))
    page.goto(case_url)
    assert axe_violations(page) == []
    proposal = MeasureProposal.objects.get(case__agreement=agreement)
    page.check(f"input[name=m{proposal.pk}-decision][value=approve]")
    follow(page, "button:has-text('Enregistrer la décision')")
    assert "Approuvée et appliquée" in page.inner_text("main")
    agreement.refresh_from_db()
    assert agreement.state == State.SUSPENDED

    # The organization sees its November installment held, why, and the letter.
    sign_in(representative)
    page.goto("/espace/conventions/")
    main = spaced(page.inner_text("main"))
    assert "Convention suspendue depuis le 15 octobre 2019" in main
    assert "Suspension des versements" in main and "29 novembre 2019" in main
    assert axe_violations(page) == []
    letter = page.request.get(page.get_attribute("a:has-text('Lire la lettre')", "href"))
    assert letter.ok and letter.headers["content-type"] == "application/pdf"

    # The organization remedied: the manager lifts the suspension from the agreement's page.
    sign_in(User.objects.get(email="gestionnaire@demo.soutien.example"))
    page.goto(f"/ministere/conventions/{agreement.pk}/")
    page.fill("form[action$='lever-la-suspension/'] #reason", "Rapport conforme reçu.")
    follow(page, "button:has-text('Lever la suspension')")
    assert "La suspension est levée" in page.inner_text("main")
    assert axe_violations(page) == []

    sign_in(representative)
    page.goto("/espace/conventions/")
    assert "Convention suspendue" not in page.inner_text("main")
    assert payability.statuses([november], (2019, 11))[november.pk].standing == "payable"
    call_command("ledger", "check")
