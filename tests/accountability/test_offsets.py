"""Offsets (7): a claim repaid out of a later installment; the payment run transfers the rest,
the ledger pays the installment in full and recovers the offset, once the line is paid."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from soutien.accountability import actions
from soutien.accountability.models import ClaimOffset, ClaimState, OffsetState
from soutien.accountability.reconciliation import check
from soutien.agreements.models import Installment
from soutien.budget import ledger
from soutien.payments import actions as payments
from soutien.payments.models import PaymentLine
from soutien.rules import FiscalYear
from tests.factories import at
from tests.payments.helpers import paying_program

pytestmark = pytest.mark.django_db


def claim_and_november(amount="3000"):
    people, _env, (agreement, other) = paying_program(count=2)
    claim = actions.establish_claim(
        agreement.organization,
        agreement=agreement,
        kind="unused_funds",
        amount=Decimal(amount),
        fiscal_year=FiscalYear(2019),
        established_on=date(2019, 10, 1),
        due_on=date(2019, 12, 1),
        by=people["finance"],
        at=at(2019, 10, 1),
    )
    november = Installment.objects.get(agreement_year__agreement=agreement, due_month=11)
    others = Installment.objects.get(agreement_year__agreement=other, due_month=11)
    return people, claim, november, others


def offset(claim, installment, amount, people, reason="Compensation convenue."):
    return actions.plan_offset(
        claim,
        installment=installment,
        amount=Decimal(amount),
        reason=reason,
        by=people["finance"],
        at=at(2019, 10, 5),
    )


@pytest.mark.parametrize(
    ("amount", "target", "message"),
    [
        ("3000.01", "own", "solde de la créance"),  # more than the claim
        ("0", "own", "positive"),
        ("full", "own", "laisse une somme à verser"),  # the whole installment
        ("1000", "other", "pas celui de l'organisme"),
    ],
)
def test_an_offset_fits_the_claim_and_leaves_something_to_transfer(amount, target, message):
    people, claim, november, others = claim_and_november()
    installment = november if target == "own" else others
    value = str(installment.amount) if amount == "full" else amount
    with pytest.raises(ValidationError, match=message):
        offset(claim, installment, value, people)
    assert not ClaimOffset.objects.exists()


def test_a_paid_or_already_running_installment_is_not_offset():
    people, claim, november, _others = claim_and_november()
    run = payments.prepare_run(year=2019, month=11, by=people["finance"], at=at(2019, 10, 20))
    with pytest.raises(ValidationError, match="déjà dans un lot"):
        offset(claim, november, "1000", people)
    payments.cancel_run(run, reason="Essai.", by=people["finance"], at=at(2019, 10, 21))
    agreements_paid = Installment.objects.get(pk=november.pk)
    from soutien.agreements import actions as agreement_actions

    agreement_actions.pay_installment(
        agreements_paid, paid_on=date(2019, 11, 15), by=people["finance"], at=at(2019, 11, 15)
    )
    with pytest.raises(ValidationError, match="prévu, pas encore versé"):
        offset(claim, november, "1000", people)


def test_the_run_transfers_the_rest_and_the_paid_line_recovers_the_offset():
    people, claim, november, _others = claim_and_november()
    planned = offset(claim, november, "1200", people)
    # What is planned to be offset cannot also be repaid by hand beyond the balance.
    with pytest.raises(ValidationError, match="compensations prévues"):
        actions.record_repayment(
            claim, amount=Decimal("2000"), by=people["finance"], at=at(2019, 10, 6)
        )
    run = payments.prepare_run(year=2019, month=11, by=people["finance"], at=at(2019, 10, 20))
    line = PaymentLine.objects.get(run=run, installment=november)
    assert line.amount == november.amount - Decimal("1200")
    assert line.offset_amount == Decimal("1200") and line.offset_claim == f"Créance n° {claim.pk}"
    gross = sum(i.installment_amount for i in run.lines.all())
    assert run.total == gross - Decimal("1200")
    run = payments.approve_run(run, by=people["finance2"], at=at(2019, 10, 21))
    trailer = bytes(run.files.get(format="lot-csv").content).decode().splitlines()[-1]
    assert trailer == f"T;{run.line_count};{run.total:.2f}"
    before = ledger.balance(organization_id=claim.organization_id)
    payments.record_results(
        run,
        [
            payments.LineResult(row.position, True, f"P-{row.position}", date(2019, 11, 15))
            for row in run.lines.all()
        ],
        by=people["finance"],
        at=at(2019, 11, 18),
    )
    after = ledger.balance(organization_id=claim.organization_id)
    assert after.paid - before.paid == november.amount  # the installment, in full
    assert after.recovered - before.recovered == Decimal("1200")
    claim.refresh_from_db()
    planned.refresh_from_db()
    assert claim.repaid_amount == Decimal("1200") and claim.state == ClaimState.OPEN
    assert planned.state == OffsetState.APPLIED
    assert check() == []


def test_a_failed_line_keeps_its_offset_for_the_next_run():
    people, claim, november, _others = claim_and_november(amount="500")
    planned = offset(claim, november, "500", people)
    run = payments.prepare_run(year=2019, month=11, by=people["finance"], at=at(2019, 10, 20))
    run = payments.approve_run(run, by=people["finance2"], at=at(2019, 10, 21))
    line = PaymentLine.objects.get(run=run, installment=november)
    payments.record_results(
        run,
        [payments.LineResult(line.position, False, reason="Compte fermé")],
        by=people["finance"],
        at=at(2019, 11, 18),
    )
    planned.refresh_from_db()
    claim.refresh_from_db()
    assert planned.state == OffsetState.PLANNED and claim.repaid_amount == 0
    assert check() == []


def test_finance_plans_an_offset_from_the_claim_page(client, settings):
    settings.SOUTIEN_PROGRAM_DATE = date(2019, 10, 15)
    people, claim, november, others = claim_and_november()
    client.force_login(people["finance"])
    page = html.unescape(client.get(reverse("workspace:claim", args=[claim.pk])).content.decode())
    assert "Prévoir la compensation" in page
    url = reverse("workspace:plan_offset", args=[claim.pk])
    refused = client.post(
        url, {"installment": others.pk, "offset_amount": "100", "offset_reason": "x"}
    )
    assert refused.status_code == 422  # another organization's installment is not offered
    refused = client.post(url, {"installment": november.pk, "offset_amount": "100"})
    assert refused.status_code == 422
    assert "Donnez le motif de la compensation." in html.unescape(refused.content.decode())
    done = client.post(
        url,
        {"installment": november.pk, "offset_amount": "1 000,00 $", "offset_reason": "Convenu."},
    )
    assert done.status_code == 302
    page = html.unescape(client.get(reverse("workspace:claim", args=[claim.pk])).content.decode())
    assert "Prévue sur le versement" in page
    assert ClaimOffset.objects.get().amount == Decimal("1000.00")


def test_the_organization_reads_its_offset_before_and_after_the_run(client):
    from tests.factories import make_representative

    people, claim, november, _others = claim_and_november()
    offset(claim, november, "1200", people)
    client.force_login(make_representative(claim.organization))
    claims = html.unescape(client.get(reverse("portal:claims")).content.decode())
    assert "dont 1\u202f200\u00a0$ compensés sur le versement de novembre 2019" in claims
    payments.prepare_run(year=2019, month=11, by=people["finance"], at=at(2019, 10, 20))
    page = html.unescape(client.get(reverse("portal:agreements")).content.decode())
    assert f"1\u202f200\u00a0$ compensés (Créance n° {claim.pk}, clause 7)." in page


def test_finance_gives_up_a_planned_offset_with_a_reason_not_once_it_is_in_a_run(client):
    people, claim, november, _others = claim_and_november()
    planned = offset(claim, november, "1000", people)
    client.force_login(people["finance"])
    page = html.unescape(client.get(reverse("workspace:claim", args=[claim.pk])).content.decode())
    assert "Annuler la compensation" in page
    url = reverse("workspace:cancel_offset", args=[planned.pk])
    refused = client.post(url, {f"o{planned.pk}-reason": ""}, follow=True)
    assert "Le motif est requis" in html.unescape(refused.content.decode())
    run = payments.prepare_run(year=2019, month=11, by=people["finance"], at=at(2019, 10, 20))
    in_run = client.post(url, {f"o{planned.pk}-reason": "Plus besoin."}, follow=True)
    assert "dans un lot de paiement en cours" in html.unescape(in_run.content.decode())
    planned.refresh_from_db()
    assert planned.state == OffsetState.PLANNED
    payments.cancel_run(run, reason="Refait.", by=people["finance"], at=at(2019, 10, 21))
    done = client.post(url, {f"o{planned.pk}-reason": "Remboursé autrement."}, follow=True)
    assert "La compensation est annulée" in html.unescape(done.content.decode())
    planned.refresh_from_db()
    assert planned.state == OffsetState.CANCELLED
    run = payments.prepare_run(year=2019, month=11, by=people["finance"], at=at(2019, 10, 22))
    assert PaymentLine.objects.get(run=run, installment=november).offset_amount == 0
