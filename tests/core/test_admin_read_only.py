"""Money and decisions change only through actions (issue 9, item 4; decision 008).

The admin reads agreements, their years and installments, measures, envelopes, allocation
runs, evaluations, decisions and claims for every staff role, and changes none of them; a paid
installment and a decision taken are also refused by the database (accountability 0005).
"""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from soutien.accountability import actions as accountability
from soutien.accountability.models import Claim, ClaimKind
from soutien.agreements import actions as agreements
from soutien.agreements.models import (
    Agreement,
    AgreementYear,
    Installment,
    InstallmentState,
    NonComplianceAction,
)
from soutien.budget.models import AllocationRun, BudgetEnvelope
from soutien.core.admin import ActionOnlyAdmin
from soutien.core.models import FrozenRecord
from soutien.evaluations import actions as evaluations
from soutien.evaluations.models import Decision, Evaluation, Outcome
from soutien.rules import FiscalYear
from tests.factories import at, upload
from tests.workspace.helpers import (
    evaluated_dossier,
    granted_decision,
    one_year_agreement,
    staff,
)

pytestmark = pytest.mark.django_db

ROLES = ["advisor", "manager", "finance", "administrator"]
ACTION_ONLY = [
    Agreement,
    AgreementYear,
    Installment,
    NonComplianceAction,
    BudgetEnvelope,
    AllocationRun,
    Evaluation,
    Decision,
    Claim,
]
# What a person would try to rewrite through the admin's change form.
REWRITES = {
    "amount": "1",
    "reason": "Motifs réécrits dans l'administration.",
    "signatory_name": "Quelqu'un d'autre",
    "notes": "Réécrit",
    "due_on": "2030-01-01",
}


def money_and_decisions(people):
    """One of each record: a granted decision, its signed agreement, a paid installment, a
    suspension, a claim."""
    manager, finance = people["manager"], people["finance"]
    _application, _evaluation, decision = granted_decision(people)
    agreement = one_year_agreement(decision, people)
    agreements.sign_agreement(
        agreement,
        upload=upload("convention.pdf"),
        signed_on=date(2019, 5, 10),
        by=manager,
        at=at(2019, 5, 10),
    )
    first = agreement.years.get().installments.order_by("sequence").first()
    agreements.pay_installment(first, paid_on=date(2019, 11, 15), by=finance, at=at(2019, 11, 15))
    agreements.suspend_agreement(
        agreement, decided_on=date(2019, 12, 1), reason="Rapport manquant.", by=manager,
        at=at(2019, 12, 1),
    )  # fmt: skip
    accountability.establish_claim(
        agreement.organization, agreement=agreement, kind=ClaimKind.UNUSED_FUNDS,
        amount=Decimal("1200"), fiscal_year=FiscalYear(2019), established_on=date(2020, 4, 1),
        due_on=date(2020, 6, 1), by=finance, at=at(2020, 4, 1),
    )  # fmt: skip
    return {model: model.objects.order_by("pk").first() for model in ACTION_ONLY}


def stored(record):
    """The row as the database holds it, every column."""
    return type(record)._base_manager.filter(pk=record.pk).values().get()


def url(record, view, *args):
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def test_4_every_money_and_decision_admin_is_action_only():
    for model in ACTION_ONLY:
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, ActionOnlyAdmin), model.__name__
        for inline in model_admin.inlines:
            assert inline.can_delete is False, inline.__name__


@pytest.mark.parametrize("role", ROLES)
def test_4_each_staff_role_reads_money_and_decisions_in_the_admin_and_changes_nothing(client, role):
    people = staff()
    records = money_and_decisions(people)
    client.force_login(people[role])
    for model, record in records.items():
        name = model.__name__
        assert record is not None, name
        before = stored(record)
        assert client.get(url(record, "changelist")).status_code == 200, name
        page = client.get(url(record, "change", record.pk))
        assert page.status_code == 200, name
        assert b'name="_save"' not in page.content, name  # a read view, no save button
        assert client.get(url(record, "add")).status_code == 403, name
        assert client.post(url(record, "add"), REWRITES).status_code == 403, name
        assert client.post(url(record, "change", record.pk), REWRITES).status_code == 403, name
        assert client.get(url(record, "delete", record.pk)).status_code == 403, name
        assert client.post(url(record, "delete", record.pk), {"post": "yes"}).status_code == 403
        assert client.get(url(record, "history", record.pk)).status_code == 200, name
        version = record.history.order_by("history_id").first()
        past = url(record, "simple_history", record.pk, version.history_id)
        assert client.get(past).status_code == 200, name
        assert client.post(past, REWRITES).status_code == 403, name  # no revert
        assert stored(record) == before, name


@pytest.mark.parametrize("role", ROLES)
def test_4_the_inlines_add_change_and_delete_nothing(rf, role):
    people = staff()
    records = money_and_decisions(people)
    request = rf.get("/")
    request.user = people[role]
    for model, record in records.items():
        for inline in admin.site._registry[model].get_inline_instances(request, record):
            name = type(inline).__name__
            assert not inline.has_add_permission(request, record), name
            assert not inline.has_change_permission(request, record), name
            assert not inline.has_delete_permission(request, record), name
            assert inline.get_formset(request, record).extra == 0, name


def test_4_an_advisor_cannot_rewrite_the_reasons_of_the_decision_letter(client):
    """The defect of the issue: the letter showed the reasons rewritten in the admin."""
    people = staff()
    decision = money_and_decisions(people)[Decision]
    client.force_login(people["advisor"])
    response = client.post(
        url(decision, "change", decision.pk),
        {"reason": "Autres motifs.", "communicated_on": "2019-03-20"},
    )
    assert response.status_code == 403
    decision.refresh_from_db()
    assert "Autres motifs." not in decision.reason


def test_4_a_finance_officer_cannot_add_an_installment_through_the_admin(client):
    people = staff()
    year = money_and_decisions(people)[AgreementYear]
    client.force_login(people["finance"])
    count = Installment.objects.count()
    response = client.post(
        reverse("admin:agreements_installment_add"),
        {"agreement_year": year.pk, "sequence": 9, "due_year": 2020, "due_month": 1,
         "amount": "99999"},
    )  # fmt: skip
    assert response.status_code == 403
    assert Installment.objects.count() == count


# --- The database refuses it too (accountability 0005) ----------------------------------------


def raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_4_the_database_refuses_to_change_a_paid_installment():
    people = staff()
    money_and_decisions(people)
    paid = Installment.objects.get(state=InstallmentState.PAID)
    with pytest.raises(DatabaseError):
        raw("UPDATE agreements_installment SET amount = amount + 1 WHERE id = %s", [paid.pk])
    with pytest.raises(DatabaseError):
        raw("UPDATE agreements_installment SET state = 'scheduled' WHERE id = %s", [paid.pk])
    if connection.vendor == "postgresql":  # SQLite guards updates only (see the migration)
        with pytest.raises(DatabaseError):
            raw("DELETE FROM agreements_installment WHERE id = %s", [paid.pk])
    assert stored(paid)["amount"] == paid.amount
    # An installment not yet paid is still the actions' to reschedule.
    unpaid = Installment.objects.exclude(state=InstallmentState.PAID).first()
    raw("UPDATE agreements_installment SET amount = amount + 1 WHERE id = %s", [unpaid.pk])
    assert stored(unpaid)["amount"] == unpaid.amount + 1


def test_4_the_database_refuses_to_change_what_a_decision_says():
    people = staff()
    decision = money_and_decisions(people)[Decision]
    assert decision.communicated_on is not None
    for sql in (
        "UPDATE evaluations_decision SET reason = 'Autres motifs.' WHERE id = %s",
        "UPDATE evaluations_decision SET amount = amount + 1 WHERE id = %s",
        "UPDATE evaluations_decision SET outcome = 'refused', amount = 0 WHERE id = %s",
        "UPDATE evaluations_decision SET communicated_on = NULL WHERE id = %s",
    ):
        with pytest.raises(DatabaseError):
            raw(sql, [decision.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError):
            raw("DELETE FROM evaluations_decision WHERE id = %s", [decision.pk])
    assert stored(decision)["reason"] == decision.reason
    # What every save writes stays writable.
    raw("UPDATE evaluations_decision SET version = version + 1 WHERE id = %s", [decision.pk])


# --- The code refuses first, in French ------------------------------------------------------


def test_4_saving_a_paid_installment_is_refused_in_french():
    people = staff()
    money_and_decisions(people)
    paid = Installment.objects.get(state=InstallmentState.PAID)
    paid.amount += 1
    with pytest.raises(FrozenRecord) as refused:
        paid.save()
    assert isinstance(refused.value, ValidationError)
    assert refused.value.messages == [
        "Un versement versé ne change plus (6.2) : une correction passe par une révision de la "
        "convention ou une créance."
    ]
    with pytest.raises(FrozenRecord):
        Installment.objects.get(pk=paid.pk).delete()
    assert stored(paid)["amount"] == paid.amount - 1


def test_4_a_decision_is_communicated_once_and_says_nothing_else_later():
    people = staff()
    _application, evaluation = evaluated_dossier(people["advisor"])
    decision = evaluations.decide_application(
        evaluation, outcome=Outcome.REFUSED, by=people["manager"], at=at(2019, 3, 20),
        reason="Clause 5.2 : non retenue.",
    )  # fmt: skip
    decision = Decision.objects.get(pk=decision.pk)
    decision.communicated_on = date(2019, 3, 21)
    decision.save()  # the one write after the decision (decide_within_budget)
    decision.communicated_on = date(2019, 3, 22)
    with pytest.raises(FrozenRecord) as refused:
        decision.save()
    assert "ne change plus" in refused.value.messages[0]
    reloaded = Decision.objects.get(pk=decision.pk)
    reloaded.reason = "Autres motifs."
    with pytest.raises(FrozenRecord):
        reloaded.save()
    assert stored(decision)["communicated_on"] == date(2019, 3, 21)
    assert stored(decision)["reason"] == "Clause 5.2 : non retenue."


def test_4_the_money_actions_still_run_beside_a_paid_installment():
    """Suspension, revision and termination move only the unpaid installments (6.2, 5.5)."""
    people = staff()
    manager = people["manager"]
    agreement = money_and_decisions(people)[Agreement]
    agreements.resume_agreement(agreement, by=manager, at=at(2019, 12, 15), reason="Reçu.")
    year = agreement.years.get()
    agreements.revise_agreement(
        year, new_amount=year.amount - 1000, decided_on=date(2020, 1, 10),
        reason="Révision (5.5).", by=manager, at=at(2020, 1, 10),
    )  # fmt: skip
    agreements.terminate_agreement(
        agreement, notice_sent_on=date(2020, 1, 15), effective_on=date(2020, 2, 20),
        reason="Services interrompus.", by=manager, at=at(2020, 1, 15),
    )  # fmt: skip
    paid = Installment.objects.get(state=InstallmentState.PAID)
    assert paid.version == 2  # created, then paid: never written again


def test_4_no_record_admin_restores_a_past_version(client):
    """SIMPLE_HISTORY_REVERT_DISABLED hides the button only; the POST is refused too."""
    people = staff()
    decision = money_and_decisions(people)[Decision]
    organization = decision.application.organization
    before = stored(organization)
    client.force_login(people["advisor"])  # the advisor may change organizations
    version = organization.history.order_by("history_id").first()
    past = url(organization, "simple_history", organization.pk, version.history_id)
    assert client.get(past).status_code == 200
    assert client.post(past, {"legal_name": "Ancien nom"}).status_code == 403
    assert stored(organization) == before
