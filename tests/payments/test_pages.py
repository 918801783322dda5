"""The payment pages as finance officers and the manager use them (6.2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from soutien.agreements.models import Installment, InstallmentState
from soutien.budget.models import BudgetEnvelope
from soutien.core import clock
from soutien.core.models import JournalEntry
from soutien.payments import formats, tasks
from soutien.payments.models import LineState, PaymentRun, RunState
from tests.factories import make_representative
from tests.payments.helpers import paying_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(settings):
    settings.SOUTIEN_PROGRAM_DATE = date(2019, 10, 20)
    return paying_program(count=2)


def prepare(client, people):
    client.force_login(people["finance"])
    response = client.post(reverse("workspace:payment_runs"), {"month": "2019-11"})
    assert response.status_code == 302, response.content.decode()
    return PaymentRun.objects.get()


def test_a_finance_officer_prepares_and_cannot_approve_their_own_run(client, program):
    people, _env, _agreements = program
    run = prepare(client, people)
    page = client.get(reverse("workspace:payment_run", args=[run.pk])).content.decode()
    assert "Vous avez préparé ce lot" in page and "Approuver le lot" not in page
    refused = client.post(reverse("workspace:approve_payment_run", args=[run.pk]), follow=True)
    assert "séparation des tâches" in refused.content.decode()
    run.refresh_from_db()
    assert run.state == RunState.PREPARED


def test_a_second_officer_approves_and_the_file_downloads_with_the_same_bytes(client, program):
    people, _env, _agreements = program
    run = prepare(client, people)
    client.force_login(people["finance2"])
    client.post(reverse("workspace:approve_payment_run", args=[run.pk]))
    run.refresh_from_db()
    assert run.state == RunState.APPROVED
    url = reverse("workspace:payment_file", args=[run.pk, "lot-csv"])
    first, second = client.get(url), client.get(url)
    assert first.content == second.content
    assert formats.sha256(first.content) == run.file_sha256 == first["X-Content-SHA256"]
    assert "attachment" in first["Content-Disposition"]
    people_csv = client.get(reverse("workspace:payment_file", args=[run.pk, "csv"])).content
    assert people_csv.startswith("\ufeff".encode()) and b";" in people_csv
    assert client.get(reverse("workspace:payment_file", args=[run.pk, "autre"])).status_code == 404
    page = client.get(reverse("workspace:payment_run", args=[run.pk])).content.decode()
    assert "Le classeur XLSX est en préparation" in page  # the worker has not run here
    tasks.store_people_workbook(run.pk)
    page = client.get(reverse("workspace:payment_run", args=[run.pk])).content.decode()
    assert "en préparation" not in page and f"{run.reference}-lignes.xlsx" in page


def test_a_return_file_with_a_failed_line_through_the_page(client, program):
    people, _env, _agreements = program
    run = prepare(client, people)
    client.force_login(people["finance2"])
    client.post(reverse("workspace:approve_payment_run", args=[run.pk]))
    lines = list(run.lines.order_by("position"))
    content = formats.return_file(
        run.reference,
        [
            (1, True, "P-1", date(2019, 11, 15), lines[0].amount, ""),
            (2, False, "", None, lines[1].amount, "Compte fermé"),
        ],
    )
    response = client.post(
        reverse("workspace:payment_return", args=[run.pk]),
        {"return_file": SimpleUploadedFile("retour.csv", content, "text/csv")},
        follow=True,
    )
    page = response.content.decode()
    assert "Lignes versées : 1 ; rejetées : 1" in page
    assert Installment.objects.get(pk=lines[0].installment_id).state == InstallmentState.PAID
    assert run.lines.get(position=2).state == LineState.FAILED


def test_a_bad_return_file_shows_each_line_and_records_nothing(client, program):
    people, _env, _agreements = program
    run = prepare(client, people)
    client.force_login(people["finance2"])
    client.post(reverse("workspace:approve_payment_run", args=[run.pk]))
    content = (
        f"H;RETOUR;1;{run.reference}\r\nD;1;PAYE;P-1;2019-11-15;1.00;\r\nD;7;PAYE\r\nT;2;1.00\r\n"
    )
    response = client.post(
        reverse("workspace:payment_return", args=[run.pk]),
        {"return_file": SimpleUploadedFile("retour.csv", content.encode(), "text/csv")},
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "rien n&#x27;est inscrit" in page or "rien n'est inscrit" in page
    assert "Ligne 3 : 7 champs attendus" in page
    assert "la ligne 1 porte" in page
    assert not run.lines.exclude(state=LineState.PENDING).exists()


def test_a_line_recorded_by_hand_needs_its_number(client, program):
    people, _env, _agreements = program
    run = prepare(client, people)
    client.force_login(people["finance2"])
    client.post(reverse("workspace:approve_payment_run", args=[run.pk]))
    url = reverse("workspace:payment_line", args=[run.pk])
    missing = client.post(url, {"position": "1", "outcome": "paid", "paid_on": "2019-11-15"})
    assert missing.status_code == 422
    assert "Inscrivez le numéro de paiement." in missing.content.decode()
    ok = client.post(
        url,
        {"position": "1", "outcome": "paid", "paid_on": "2019-11-15", "payment_number": "P-9"},
    )
    assert ok.status_code == 302
    assert run.lines.get(position=1).payment_number == "P-9"


def test_only_finance_reaches_the_payment_pages(client, program):
    people, _env, (agreement, _other) = program
    for person in (people["advisor"], people["manager"]):
        client.force_login(person)
        assert client.get(reverse("workspace:payment_runs")).status_code == 403
    client.force_login(make_representative(agreement.organization))
    response = client.get(reverse("workspace:payment_runs"))
    assert response.status_code in (302, 403)


def test_the_supplier_form_names_the_field_in_french(client, program):
    people, _env, (agreement, _other) = program
    client.force_login(people["finance"])
    url = reverse("workspace:supplier", args=[agreement.organization_id])
    bad = client.post(url, {"supplier_number": "f 1", "bank_reference": "RB-1", "reason": "x"})
    assert bad.status_code == 422
    assert "Le numéro de fournisseur compte de 1 à 20" in bad.content.decode()
    good = client.post(url, {"supplier_number": "F-77", "bank_reference": "RB/77", "reason": "x"})
    assert good.status_code == 302
    agreement.organization.refresh_from_db()
    assert agreement.organization.supplier_number == "F-77"
    assert JournalEntry.objects.filter(action="organization.supplier_set").exists()


def test_the_manager_reschedules_from_the_agreement_page(client, program):
    people, _env, (agreement, _other) = program
    client.force_login(people["manager"])
    page = client.get(reverse("workspace:agreement", args=[agreement.pk])).content.decode()
    march = Installment.objects.get(agreement_year__agreement=agreement, due_month=3)
    url = reverse("workspace:reschedule", args=[march.pk])
    assert url in page
    refused = client.post(url, {"month": "2020-02", "reason": ""})
    assert refused.status_code == 422
    assert (
        client.post(url, {"month": "2020-02", "reason": "Fermeture estivale."}).status_code == 302
    )
    march.refresh_from_db()
    assert march.due_label == "2020-02"


def test_the_manager_approves_credits_with_a_date_and_a_reference(client, settings):
    settings.SOUTIEN_PROGRAM_DATE = date(2019, 4, 2)
    people, _env, _agreements = paying_program(approved=False)
    env = BudgetEnvelope.objects.get()
    client.force_login(people["manager"])
    url = reverse("workspace:approve_credits", args=[env.pk])
    assert url in client.get(reverse("workspace:budget")).content.decode()
    future = client.post(url, {"approved_on": "2019-05-01", "reference": "C-1"})
    assert "ne peut pas être future" in future.content.decode()
    missing = client.post(url, {"approved_on": "2019-04-01", "reference": ""})
    assert "Inscrivez la référence" in missing.content.decode()
    assert client.post(url, {"approved_on": "2019-04-01", "reference": "C-1"}).status_code == 302
    env.refresh_from_db()
    assert (env.state, env.credits_reference, env.credits_approved_on) == (
        "approved",
        "C-1",
        date(2019, 4, 1),
    )
    assert clock.today() == date(2019, 4, 2)
    assert Decimal(env.amount) > 0


def _finance_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("workspace:finance"), {"kind": "installments"})
    assert response.status_code == 200
    return len(queries)


def test_the_finance_page_shows_the_year_from_the_ledger_at_a_constant_number_of_queries(
    client, settings
):
    from soutien.agreements import actions as agreement_actions
    from soutien.budget import ledger
    from soutien.evaluations.templatetags.workspace import money
    from tests.factories import at, make_organization
    from tests.payments.helpers import signed_agreement

    settings.SOUTIEN_PROGRAM_DATE = date(2019, 12, 1)
    people, _env, (agreement,) = paying_program()
    client.force_login(people["finance"])
    client.get(reverse("workspace:finance"))  # sessions and content types read once
    few = _finance_queries(client)
    for _n in range(4):
        signed_agreement(people, make_organization())
    assert _finance_queries(client) == few
    # A revision releases part of a commitment (5.5): the page shows it as « Dégagé ».
    year = agreement.years.get()
    agreement_actions.revise_agreement(
        year, new_amount=year.amount - 1000, decided_on=date(2019, 12, 1),
        reason="Révision.", by=people["manager"], at=at(2019, 12, 1),
    )  # fmt: skip
    balance = ledger.balance(fiscal_year=2019, stream=1)
    assert balance.released == Decimal("1000")
    page = client.get(reverse("workspace:finance")).content.decode()
    for figure in (balance.credits, balance.committed, balance.released, balance.available):
        assert f'<td class="money">{money(figure)}</td>' in page
