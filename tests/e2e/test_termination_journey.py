"""Issue 13, proof (c): on the demo at its program date, a termination with its 30 days'
notice; nothing is paid after it; finance establishes the claim of what was paid and not
committed and records a repayment agreement; the organization's next evaluation finds the debt
criterion (4) met only because that agreement is respected."""

import pytest
from django.core.management import call_command

from soutien.accountability.models import Claim
from soutien.accounts.models import User
from soutien.agreements.models import Agreement, Installment, State
from soutien.applications.models import Application
from soutien.evaluations.dossier import evaluate_application
from soutien.payments.models import PaymentLine

from .conftest import axe_violations
from .test_demo_walkthrough import follow, log_in, spaced

pytestmark = pytest.mark.django_db(transaction=True)


def _debt_finding(application) -> dict:
    _facts, result = evaluate_application(application)
    return next(f for f in result["findings"] if f["criterion"] == "no_unsettled_debt")


def _paid_and_active() -> Agreement:
    """An agreement in force whose November 2019 installment is still to pay, with money paid
    before (its first year)."""
    for installment in Installment.objects.filter(
        due_year=2019,
        due_month=11,
        state="scheduled",
        agreement_year__year_number=2,
        agreement_year__agreement__stream=1,
    ).select_related("agreement_year__agreement"):
        agreement = installment.agreement_year.agreement
        if agreement.state == State.ACTIVE and not Claim.objects.filter(
            organization_id=agreement.organization_id
        ):
            return agreement
    raise AssertionError("the demo has an active two-year agreement in its second year")


def test_a_termination_its_claim_and_the_next_evaluation(demo_database, page, sign_in):
    agreement = _paid_and_active()
    application = Application.objects.filter(
        organization_id=agreement.organization_id, fiscal_year=2019
    ).first()
    assert _debt_finding(application)["status"] == "met"  # no debt yet

    # The advisor finds the breach and proposes a termination; 29 days is refused.
    log_in(page, "conseillere")
    page.goto(f"/ministere/conventions/{agreement.pk}/")
    page.select_option("#breach", "agreement")
    page.fill("#clause", "article 3 de la convention")
    page.fill("#finding", "Services interrompus depuis six mois.")
    follow(page, "button:has-text('Ouvrir le dossier')")
    page.check("input[name=kind][value=termination]")
    page.fill("#legal_basis", "Clauses 5.5 et 6.2 du programme ; article 3 de la convention")
    page.fill("#reason", "Services interrompus depuis six mois.")
    page.fill("#effective_on", "2019-11-13")
    follow(page, "button:has-text('Proposer la mesure')")
    assert "au plus tôt le 2019-11-14" in page.inner_text("main")
    assert axe_violations(page) == []
    page.fill("#effective_on", "2019-11-14")
    follow(page, "button:has-text('Proposer la mesure')")
    case_url = page.url

    # The manager approves: the letter is the notice; the agreement is terminated.
    sign_in(User.objects.get(email="gestionnaire@demo.soutien.example"))
    page.goto(case_url)
    page.check("input[name$=-decision][value=approve]")
    follow(page, "button:has-text('Enregistrer la décision')")
    agreement.refresh_from_db()
    assert agreement.state == State.TERMINATED

    # Finance: November's run leaves it out; the claim and its repayment agreement.
    sign_in(User.objects.get(email="finances@demo.soutien.example"))
    page.goto("/ministere/versements/")
    follow(page, "button:has-text('Préparer le lot')")
    assert not PaymentLine.objects.filter(installment__agreement_year__agreement=agreement).exists()
    page.goto(f"/ministere/conventions/{agreement.pk}/creances/")
    assert axe_violations(page) == []
    page.select_option("#kind", "uncommitted_on_termination")
    page.fill("#amount", "4 000,00 $")
    page.fill("#due_on", "2019-12-15")
    page.fill("#reason", "Sommes versées et non engagées à la résiliation (6.2).")
    follow(page, "button:has-text('Établir la créance')")
    assert "La créance est établie" in page.inner_text("main")
    assert axe_violations(page) == []
    finding = _debt_finding(application)
    assert finding["status"] == "unmet" and "n'a pas conclu d'entente" in finding["message"]
    page.check("input[name=step][value=agree]")
    follow(page, "button:has-text('Enregistrer')")
    assert "Entente de remboursement respectée" in page.inner_text("#claim-state")

    # The next evaluation: the debt is there, the agreement respected — the criterion is met.
    finding = _debt_finding(application)
    assert finding["status"] == "met" and "respecte l'entente" in finding["message"]
    assert "4\u202f000\u00a0$" in finding["message"]

    # The organization reads what it owes.
    from tests.factories import make_representative

    sign_in(make_representative(agreement.organization, email="fin@test.example"))
    page.goto("/espace/creances/")
    main = spaced(page.inner_text("main"))
    assert "Somme non engagée à la résiliation" in main and "15 décembre 2019" in main
    assert axe_violations(page) == []
    call_command("ledger", "check")
