"""The program's one ledger: written by the actions, append-only, checked against the records."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soutien.accountability import actions as accountability
from soutien.accountability.models import ClaimKind
from soutien.accountability.reconciliation import check
from soutien.agreements import actions as agreements
from soutien.agreements.exports import payment_rows
from soutien.agreements.models import AgreementYear, Installment, InstallmentState
from soutien.applications.models import Application, Kind
from soutien.budget import actions as budget
from soutien.budget import ledger
from soutien.budget.models import AllocationRun, ImmutableRecord, LedgerEntry, LedgerKind
from soutien.evaluations import actions as evaluations
from soutien.evaluations.models import Decision, Outcome
from soutien.evaluations.templatetags.workspace import money as money_filter
from soutien.rules import FiscalYear
from tests.factories import at, make_organization, make_representative, upload
from tests.workspace.helpers import envelope, evaluated_dossier, staff

pytestmark = pytest.mark.django_db


def funded_and_signed(people, credits=Decimal("500000"), organization=None):
    """A dossier funded by an approved run, decided, its one-year agreement signed."""
    manager = people["manager"]
    env = envelope(manager, credits)
    _application, evaluation = evaluated_dossier(people["advisor"], organization)
    run = budget.run_allocation(env, by=manager, at=at(2019, 3, 15))
    budget.approve_allocation(run, by=people["manager"], at=at(2019, 3, 16))
    decision = budget.decide_within_budget(
        evaluation, outcome=Outcome.GRANTED, by=manager, at=at(2019, 3, 20)
    )
    agreement = agreements.prepare_agreement(
        decision, duration_years=1, signatory_name="Jeanne", by=manager, at=at(2019, 4, 1)
    )
    agreements.sign_agreement(
        agreement,
        upload=upload("convention.pdf"),
        signed_on=date(2019, 5, 10),
        by=manager,
        at=at(2019, 5, 10),
    )
    return env, evaluation, agreement


def money(fiscal_year=2019, stream=1):
    return ledger.balance(fiscal_year=fiscal_year, stream=stream)


def test_1_every_money_action_writes_its_entry_and_the_records_agree():
    people = staff()
    manager, finance = people["manager"], people["finance"]
    env, evaluation, agreement = funded_and_signed(people)
    amount = evaluation.amount
    assert money().credits == env.amount
    # The run committed the dossier; the signature confirmed the same commitment, not a second.
    assert money().committed == amount
    assert LedgerEntry.objects.filter(kind=LedgerKind.COMMITMENT).count() == 1
    assert check() == []
    first, second = Installment.objects.filter(agreement_year__agreement=agreement).order_by(
        "sequence"
    )
    agreements.pay_installment(first, paid_on=date(2019, 11, 15), by=finance, at=at(2019, 11, 15))
    assert (money().paid, money().to_pay) == (first.amount, amount - first.amount)
    agreements.suspend_agreement(
        agreement, decided_on=date(2019, 12, 1), reason="Rapport manquant.", by=manager,
        at=at(2019, 12, 1),
    )  # fmt: skip
    assert money().held == second.amount
    assert check() == []
    agreements.resume_agreement(agreement, by=manager, at=at(2019, 12, 15), reason="Corrigé.")
    assert money().held == 0
    year = agreement.years.get()
    agreements.revise_agreement(
        year, new_amount=amount - 1000, decided_on=date(2020, 1, 10), reason="Révision (5.5).",
        by=manager, at=at(2020, 1, 10),
    )  # fmt: skip
    assert money().committed == amount - 1000
    assert check() == []
    agreements.terminate_agreement(
        agreement, notice_sent_on=date(2020, 1, 15), effective_on=date(2020, 2, 20),
        reason="Services interrompus.", by=manager, at=at(2020, 1, 15),
    )  # fmt: skip
    assert money().committed == money().paid == first.amount
    claim = accountability.establish_claim(
        agreement.organization, agreement=agreement, kind=ClaimKind.UNUSED_FUNDS,
        amount=Decimal("1200"), fiscal_year=FiscalYear(2019), established_on=date(2020, 4, 1),
        due_on=date(2020, 6, 1), by=finance, at=at(2020, 4, 1),
    )  # fmt: skip
    accountability.record_repayment(claim, amount=Decimal("200"), by=finance, at=at(2020, 5, 1))
    assert (money().claimed, money().recovered, money().to_recover) == (
        Decimal("1200"), Decimal("200"), Decimal("1000"),
    )  # fmt: skip
    assert check() == []
    entry = LedgerEntry.objects.filter(kind=LedgerKind.PAYMENT).get()
    assert (entry.clause, entry.actor, entry.source_id) == ("6.2", finance, first.pk)


def test_1_the_ledger_is_append_only_in_the_code_and_in_the_database():
    people = staff()
    envelope(people["manager"], Decimal("1000"))
    entry = LedgerEntry.objects.get()
    with pytest.raises(ImmutableRecord):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=5)
    entry.amount = Decimal("5")
    with pytest.raises(ImmutableRecord):
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE budget_ledgerentry SET amount = 5 WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.get().amount == Decimal("1000")


def test_1_the_check_command_passes_on_agreeing_records_and_fails_on_a_corrupted_amount(capsys):
    people = staff()
    _env, _evaluation, agreement = funded_and_signed(people)
    call_command("ledger", "check")
    assert "aucun écart" in capsys.readouterr().out
    year = agreement.years.get()
    with connection.cursor() as cursor:  # someone edits the database behind the actions
        cursor.execute(
            "UPDATE agreements_agreementyear SET amount = amount + 1 WHERE id = %s", [year.pk]
        )
    with pytest.raises(SystemExit) as exit_:
        call_command("ledger", "check")
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert ("committed" in err and "1 différence" not in err) or "différence" in err


def test_2_two_runs_of_one_envelope_cannot_both_be_approved():
    people = staff()
    manager = people["manager"]
    env = envelope(manager, Decimal("500000"))
    evaluated_dossier(people["advisor"])
    first = budget.run_allocation(env, by=manager, at=at(2019, 3, 15))
    second = budget.run_allocation(env, by=manager, at=at(2019, 3, 15, 11))
    assert first.funded == second.funded > 0
    budget.approve_allocation(first, by=people["manager"], at=at(2019, 3, 16))
    with pytest.raises(ValidationError) as error:
        budget.approve_allocation(second, by=people["manager"], at=at(2019, 3, 16, 11))
    assert "n'est financé qu'une fois" in error.value.messages[0]
    second.refresh_from_db()
    assert second.state == "draft"
    assert money().committed == first.funded
    assert LedgerEntry.objects.filter(kind=LedgerKind.COMMITMENT).count() == 1
    # A new run after the approval offers nothing already funded.
    third = budget.run_allocation(env, by=manager, at=at(2019, 3, 17))
    assert third.lines.count() == 0


def test_2_the_database_refuses_a_second_commitment_for_a_dossier_or_an_organization_year():
    funded_and_signed(staff())
    entry = LedgerEntry.objects.get(kind=LedgerKind.COMMITMENT)
    fields = {
        f.attname: getattr(entry, f.attname)
        for f in LedgerEntry._meta.concrete_fields
        if f.name != "id"
    }
    # The same dossier funded for another year; the same organization, year and stream again.
    for changes in ({"fiscal_year": 2018}, {"application_id": None}):
        with pytest.raises(IntegrityError), transaction.atomic():
            LedgerEntry(**(fields | changes)).save()
    assert LedgerEntry.objects.filter(kind=LedgerKind.COMMITMENT).count() == 1


def test_2_a_commitment_beyond_the_credits_needs_a_persons_reason():
    people = staff()
    manager = people["manager"]
    envelope(manager, Decimal("1000"))  # far less than a dossier
    _application, evaluation = evaluated_dossier(people["advisor"])
    from soutien.evaluations.actions import decide_application

    decision = decide_application(
        evaluation, outcome=Outcome.GRANTED, by=manager, at=at(2019, 3, 20)
    )
    agreement = agreements.prepare_agreement(
        decision, duration_years=1, signatory_name="Jeanne", by=manager, at=at(2019, 4, 1)
    )
    with pytest.raises(ValidationError) as error:
        agreements.sign_agreement(
            agreement, upload=upload("c.pdf"), signed_on=date(2019, 5, 10), by=manager,
            at=at(2019, 5, 10),
        )  # fmt: skip
    assert "ne couvrent pas cet engagement" in error.value.message_dict["over_credits_reason"][0]
    assert not LedgerEntry.objects.filter(kind=LedgerKind.COMMITMENT).exists()
    agreement.refresh_from_db()
    assert agreement.state == "draft" and not agreement.documents.exists()
    agreements.sign_agreement(
        agreement, upload=upload("c.pdf"), signed_on=date(2019, 5, 10), by=manager,
        at=at(2019, 5, 10), over_credits_reason="Crédits supplémentaires annoncés le 2 mai.",
    )  # fmt: skip
    entry = LedgerEntry.objects.get(kind=LedgerKind.COMMITMENT)
    assert "Crédits supplémentaires" in entry.reason
    assert money().over_committed == evaluation.amount - 1000


def test_2_signing_beyond_the_credits_through_the_page_names_the_reason_field(client):
    people = staff()
    manager = people["manager"]
    envelope(manager, Decimal("1000"))
    _application, evaluation = evaluated_dossier(people["advisor"])
    from soutien.evaluations.actions import decide_application

    decision = decide_application(
        evaluation, outcome=Outcome.GRANTED, by=manager, at=at(2019, 3, 20)
    )
    agreement = agreements.prepare_agreement(
        decision, duration_years=1, signatory_name="Jeanne", by=manager, at=at(2019, 4, 1)
    )
    client.force_login(manager)
    url = reverse("workspace:agreement", args=[agreement.pk])
    response = client.post(url, {"signed_copy": upload("c.pdf"), "signed_on": "2019-05-10"})
    assert response.status_code == 422
    assert "ne couvrent pas cet engagement" in response.content.decode()
    response = client.post(
        url,
        {
            "signed_copy": upload("c.pdf"),
            "signed_on": "2019-05-10",
            "over_credits_reason": "Crédits supplémentaires.",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "grand livre" in page


def test_1_budget_and_finance_pages_read_their_figures_from_the_ledger(client):
    people = staff()
    _env, _evaluation, agreement = funded_and_signed(people, credits=Decimal("765432"))
    client.force_login(people["manager"])
    page = client.get(reverse("workspace:budget")).content.decode()
    year = ledger.balance(fiscal_year=2019, stream=1)
    assert year.available == Decimal("765432") - year.committed > 0
    for figure in (year.credits, year.committed, year.available):
        assert money_filter(figure) in page
    finance = client.get(reverse("workspace:finance")).content.decode()
    assert 'id="ledger"' in finance
    installment = Installment.objects.first()
    agreements.pay_installment(
        installment, paid_on=date(2019, 11, 15), by=people["finance"], at=at(2019, 11, 15)
    )
    client.force_login(people["finance"])
    paid = client.get(reverse("workspace:finance"), {"kind": "payments"}).content.decode()
    assert "2019-11" in paid and agreement.reference in paid
    assert f'<td class="money" id="total">{money_filter(money().paid)}</td>' in paid


# --- Two people approving two runs of one envelope at the same moment -------------------------


@pytest.mark.django_db(transaction=True)
def test_2_two_approvals_at_the_same_moment_fund_the_dossiers_once(regions):
    people = staff()
    manager = people["manager"]
    env = envelope(manager, Decimal("500000"))
    evaluated_dossier(people["advisor"])
    evaluated_dossier(people["advisor"])
    runs = [budget.run_allocation(env, by=manager, at=at(2019, 3, 15, 10 + i)) for i in (0, 1)]
    outcomes: list = []
    if connection.vendor == "postgresql":
        barrier = threading.Barrier(2)

        def approve(run_pk):
            try:
                barrier.wait(timeout=10)
                run = AllocationRun.objects.get(pk=run_pk)
                budget.approve_allocation(run, by=people["manager"], at=at(2019, 3, 16))
                outcomes.append("approved")
            except ValidationError as error:
                outcomes.append(error.messages[0])
            finally:
                connections.close_all()

        threads = [threading.Thread(target=approve, args=(run.pk,)) for run in runs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    else:  # SQLite serializes writers: the same two approvals, one after the other
        for run in runs:
            try:
                budget.approve_allocation(run, by=people["manager"], at=at(2019, 3, 16))
                outcomes.append("approved")
            except ValidationError as error:
                outcomes.append(error.messages[0])
    assert len(outcomes) == 2 and outcomes.count("approved") == 1, outcomes
    assert any("qu'une fois" in o for o in outcomes)
    assert LedgerEntry.objects.filter(kind=LedgerKind.COMMITMENT).count() == 2
    assert AllocationRun.objects.filter(state="approved").count() == 1
    assert check() == []


# --- Property: random sequences of money actions keep the ledger and the records equal --------

STEPS = st.lists(
    st.sampled_from(
        ["run", "approve", "sign", "renew", "pay", "suspend", "resume", "revise", "terminate"]
    ),
    min_size=1,
    max_size=12,
)


def two_year_agreement_of_2018(people):
    manager = people["manager"]
    envelope(manager, Decimal("1000000"), fiscal_year=2018)
    _application, evaluation = evaluated_dossier(
        people["advisor"], make_organization(), fiscal_year=2018
    )
    decision = evaluations.decide_application(
        evaluation, outcome=Outcome.GRANTED, by=manager, at=at(2018, 3, 20)
    )
    agreement = agreements.prepare_agreement(
        decision, duration_years=2, signatory_name="J", by=manager, at=at(2018, 4, 1)
    )
    agreements.sign_agreement(
        agreement, upload=upload("c.pdf"), signed_on=date(2018, 5, 10), by=manager,
        at=at(2018, 5, 10),
    )  # fmt: skip
    return agreement


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS, credits=st.integers(min_value=20, max_value=120))
def test_1_2_random_money_sequences_keep_the_ledger_equal_to_the_records(steps, credits):
    with transaction.atomic():
        people = staff()
        manager = people["manager"]
        env = envelope(manager, Decimal(credits * 1000))
        for _ in range(3):
            evaluated_dossier(people["advisor"], make_organization())
        two_year_agreement_of_2018(people)  # its year 2 is 2019-2020: a renewal to make
        runs: list = []
        for number, step in enumerate(steps):
            when = at(2019, 4, 1 + number)
            try:
                _apply(step, env, runs, people, when)
            except ValidationError:
                pass  # a refusal leaves nothing half-written: the check below proves it
            assert check() == [], step
        committed = LedgerEntry.objects.filter(kind=LedgerKind.COMMITMENT)
        assert committed.count() == committed.values("application").distinct().count()
        years = AgreementYear.objects.exclude(state="withdrawn")
        assert (
            years.count()
            == years.values("organization", "fiscal_year", "stream").distinct().count()
        )
        over = ledger.balance(fiscal_year=2019, stream=1).over_committed
        if over:
            assert (
                committed.exclude(reason="").exists()
                or LedgerEntry.objects.filter(kind=LedgerKind.INCREASE).exclude(reason="").exists()
            )
        transaction.set_rollback(True)


def _apply(step, env, runs, people, when):
    manager, finance = people["manager"], people["finance"]
    agreement_years = AgreementYear.objects.filter(state="confirmed").select_related("agreement")
    if step == "run":
        runs.append(budget.run_allocation(env, by=manager, at=when))
    elif step == "approve" and runs:
        run = AllocationRun.objects.get(pk=runs[-1].pk)
        budget.approve_allocation(run, by=people["manager"], at=when)
    elif step == "sign":
        for line in env.allocation_runs.filter(state="approved").values_list(
            "lines__evaluation", flat=True
        ):
            if line is None:
                continue
            from soutien.evaluations.models import Evaluation

            evaluation = Evaluation.objects.get(pk=line)
            if Decision.objects.filter(application=evaluation.application).exists():
                continue
            if not evaluation.allocation_lines.filter(funded=True).exists():
                continue
            decision = budget.decide_within_budget(
                evaluation, outcome=Outcome.GRANTED, by=manager, at=when
            )
            agreement = agreements.prepare_agreement(
                decision, duration_years=1, signatory_name="J", by=manager, at=when
            )
            agreements.sign_agreement(
                agreement, upload=upload("c.pdf"), signed_on=when.date(), by=manager, at=when
            )
            return
    elif step == "renew":
        year = AgreementYear.objects.filter(
            year_number=2, state="planned", agreement__state__in=["active", "suspended"]
        ).first()
        if year:
            renewal = Application.objects.filter(
                organization=year.organization_id, fiscal_year=2019, kind=Kind.RENEWAL
            ).first()
            if renewal is None:
                renewal, evaluation = evaluated_dossier(
                    people["advisor"], year.organization, kind=Kind.RENEWAL
                )
                evaluations.decide_application(
                    evaluation, outcome=Outcome.GRANTED, by=manager, at=when
                )
            decision = Decision.objects.get(application=renewal)
            agreements.review_renewal(
                renewal, requirements_met=True, evidence="Rien à signaler.",
                by=people["advisor"], at=when,
            )  # fmt: skip
            agreements.renew_year(decision, by=manager, at=when)
    elif step == "pay":
        installment = Installment.objects.filter(state=InstallmentState.SCHEDULED).first()
        if installment and installment.agreement_year.agreement.state == "active":
            agreements.pay_installment(installment, paid_on=when.date(), by=finance, at=when)
    elif step == "suspend":
        year = agreement_years.filter(agreement__state="active").first()
        if year:
            agreements.suspend_agreement(
                year.agreement, decided_on=when.date(), reason="Suspension.", by=manager, at=when
            )
    elif step == "resume":
        year = agreement_years.filter(agreement__state="suspended").first()
        if year:
            agreements.resume_agreement(year.agreement, by=manager, at=when, reason="Repris.")
    elif step == "revise":
        year = agreement_years.exclude(agreement__state="terminated").first()
        if year:
            agreements.revise_agreement(
                year, new_amount=year.amount + Decimal(7000), decided_on=when.date(),
                reason="Révision.", by=manager, at=when,
            )  # fmt: skip
    elif step == "terminate":
        year = agreement_years.exclude(agreement__state="terminated").first()
        if year:
            agreements.terminate_agreement(
                year.agreement, notice_sent_on=when.date(),
                effective_on=when.date().replace(year=when.year + 1), reason="Fin.", by=manager,
                at=when,
            )  # fmt: skip


def test_1_the_migration_carries_existing_records_into_the_ledger_as_the_actions_would():
    """A database with money before the ledger: the data migration writes the same balances
    the actions write."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("tests.unsquashed_migrations.accountability.0004_ledger_from_records")
    people = staff()
    _env, _evaluation, agreement = funded_and_signed(people)
    first = Installment.objects.filter(agreement_year__agreement=agreement).first()
    agreements.pay_installment(
        first, paid_on=date(2019, 11, 15), by=people["finance"], at=at(2019, 11, 15)
    )
    agreements.suspend_agreement(
        agreement, decided_on=date(2019, 12, 1), reason="Rapport manquant.",
        by=people["manager"], at=at(2019, 12, 1),
    )  # fmt: skip
    accountability.establish_claim(
        agreement.organization, agreement=agreement, kind=ClaimKind.OVERPAYMENT,
        amount=Decimal("300"), fiscal_year=FiscalYear(2019), established_on=date(2020, 4, 1),
        due_on=date(2020, 6, 1), by=people["finance"], at=at(2020, 4, 1),
    )  # fmt: skip
    carried = migration.entries_from_records(apps)
    totals: dict = {}
    for entry in carried:
        key = (entry.organization_id, entry.kind)
        totals[key] = totals.get(key, Decimal(0)) + entry.amount
    written: dict = {}
    for entry in LedgerEntry.objects.all():
        key = (entry.organization_id, entry.kind)
        written[key] = written.get(key, Decimal(0)) + entry.amount
    assert totals == written
    assert {e.kind for e in carried} >= {"credits", "commitment", "payment", "hold", "claim"}


def test_1_the_ledger_is_scoped_a_member_reads_only_its_organizations_entries():
    people = staff()
    _env, _evaluation, agreement = funded_and_signed(people)
    first = Installment.objects.filter(agreement_year__agreement=agreement).order_by("sequence")[0]
    agreements.pay_installment(
        first, paid_on=date(2019, 11, 15), by=people["finance"], at=at(2019, 11, 15)
    )
    member = make_representative(agreement.organization)
    stranger = make_representative(make_organization())
    assert set(LedgerEntry.objects.for_user(member).values_list("organization", flat=True)) == {
        agreement.organization_id
    }
    assert not LedgerEntry.objects.for_user(stranger).exists()
    assert len(payment_rows(people["finance"])) == 1
    assert payment_rows(stranger) == []
