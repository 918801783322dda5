"""Claims through their pages (clause 7; 6.2): finance establishes one, records repayments
and the repayment agreement; the organization reads what it owes; the debt criterion of its
next evaluation follows (clause 4)."""

from __future__ import annotations

import html
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from soutien.accountability.debts import organization_debt
from soutien.accountability.models import Claim, ClaimState
from soutien.accountability.reconciliation import check
from soutien.agreements import actions as agreements
from soutien.rules.facts import RepaymentAgreement
from tests.factories import at, make_organization, make_representative
from tests.payments.helpers import paying_program

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def world(settings):
    settings.SOUTIEN_PROGRAM_DATE = date(2019, 10, 15)
    people, _env, (agreement,) = paying_program()
    people["representative"] = make_representative(agreement.organization)
    return people, agreement


def form(**fields):
    return {
        "kind": "misused_funds",
        "amount": "2 500,00 $",
        "fiscal_year": "2019",
        "established_on": "2019-10-15",
        "due_on": "2019-10-15",
        "reason": "Dépenses sans lien avec la mission.",
        **fields,
    }


def test_finance_establishes_a_claim_and_follows_its_repayment(client, world):
    people, agreement = world
    url = reverse("workspace:agreement_claims", args=[agreement.pk])
    client.force_login(people["finance"])
    refused = client.post(url, form(due_on="2019-11-15"))
    assert refused.status_code == 422 and "remboursables immédiatement" in text(refused)
    refused = client.post(url, form(kind="uncommitted_on_termination"))
    assert refused.status_code == 422 and "suit la résiliation" in text(refused)
    refused = client.post(url, form(amount="abc"))
    assert refused.status_code == 422 and "n'est pas un montant valide" in text(refused)
    assert not Claim.objects.exists()
    response = client.post(url, form())
    claim = Claim.objects.get()
    assert response["Location"] == reverse("workspace:claim", args=[claim.pk])
    assert claim.amount == Decimal("2500.00") and check() == []
    claim_url = response["Location"]
    too_much = client.post(claim_url, {"repayment": "3000"})
    assert too_much.status_code == 422 and "au plus égal au solde" in text(too_much)
    assert client.post(claim_url, {"repayment": "500"}).status_code == 302
    claim.refresh_from_db()
    assert claim.repaid_amount == Decimal("500") and claim.state == ClaimState.OPEN
    assert organization_debt(agreement.organization_id) == (
        Decimal("2000.00"),
        RepaymentAgreement.NONE,
    )
    step = reverse("workspace:repayment_agreement", args=[claim.pk])
    assert client.post(step, {"step": "agree"}).status_code == 302
    assert organization_debt(agreement.organization_id)[1] == RepaymentAgreement.RESPECTED
    refused = client.post(step, {"step": "default"})
    assert refused.status_code == 422 and "quels versements ont manqué" in text(refused)
    assert (
        client.post(step, {"step": "default", "step_reason": "Octobre manqué."}).status_code == 302
    )
    assert organization_debt(agreement.organization_id)[1] == RepaymentAgreement.NOT_RESPECTED
    page = text(client.get(claim_url))
    assert "Entente de remboursement non respectée" in page and "Remboursement reçu" in page

    # The organization reads what it owes; another organization does not.
    client.force_login(people["representative"])
    portal = text(client.get(reverse("portal:claims")))
    assert "Somme utilisée à d'autres fins" in portal and "2\u202f000\u00a0$" in portal
    dashboard = text(client.get(reverse("portal:dashboard")))
    assert "Sommes à rembourser (clauses 6.2 et 7)" in dashboard
    assert "au plus tard le 15 octobre 2019" in dashboard
    client.force_login(make_representative(make_organization()))
    assert "Somme utilisée" not in text(client.get(reverse("portal:claims")))
    assert "Sommes à rembourser (clauses" not in text(client.get(reverse("portal:dashboard")))
    assert client.get(claim_url).status_code == 403


def test_a_termination_is_followed_by_the_claim_of_what_was_paid_and_not_committed(client, world):
    people, agreement = world
    november = agreement.years.get().installments.get(due_month=11)
    agreements.pay_installment(
        november, paid_on=date(2019, 11, 15), by=people["finance"], at=at(2019, 11, 15)
    )
    case = agreements.open_case(
        agreement,
        breach="agreement",
        clause="article 3",
        finding="Services interrompus.",
        found_on=date(2019, 12, 2),
        by=people["advisor"],
        at=at(2019, 12, 2),
    )
    proposal = agreements.propose_measure(
        case,
        kind="termination",
        legal_basis="5.5 ; 6.2",
        reason="Services interrompus.",
        effective_on=date(2019, 12, 2) + timedelta(days=30),
        by=people["advisor"],
        at=at(2019, 12, 2),
    )
    agreements.approve_measure(proposal, by=people["manager"], at=at(2019, 12, 2))
    url = reverse("workspace:agreement_claims", args=[agreement.pk])
    client.force_login(people["finance"])
    above = november.amount + 1
    refused = client.post(
        url,
        form(kind="uncommitted_on_termination", amount=str(above), due_on="2020-02-01"),
    )
    assert refused.status_code == 422 and "ne peuvent pas dépasser les sommes versées" in text(
        refused
    )
    done = client.post(
        url, form(kind="uncommitted_on_termination", amount="1000", due_on="2020-02-01")
    )
    assert done.status_code == 302
    assert Claim.objects.get().kind == "uncommitted_on_termination"
    assert check() == []
