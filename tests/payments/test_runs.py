"""Payment runs (6.2): prepare, approve by another officer, the file, the results."""

from __future__ import annotations

import io
import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soutien.accountability.reconciliation import check
from soutien.agreements import actions as agreements
from soutien.agreements.models import Installment, InstallmentState
from soutien.budget import actions as budget
from soutien.budget import ledger
from soutien.budget.models import LedgerEntry, LedgerKind
from soutien.payments import actions, formats, tasks
from soutien.payments.models import LineState, PaymentFile, PaymentLine, PaymentRun, RunState
from tests.factories import at
from tests.payments.helpers import paying_program

pytestmark = pytest.mark.django_db


def approved_run(people, month=(2019, 11)):
    run = actions.prepare_run(
        year=month[0], month=month[1], by=people["finance"], at=at(2019, 10, 20)
    )
    return actions.approve_run(run, by=people["finance2"], at=at(2019, 10, 21))


def test_6_2_a_run_takes_the_month_s_installments_and_freezes_supplier_identification():
    people, _env, (agreement,) = paying_program()
    run = actions.prepare_run(year=2019, month=11, by=people["finance"], at=at(2019, 10, 20))
    november = Installment.objects.get(agreement_year__agreement=agreement, due_month=11)
    (line,) = run.lines.all()
    assert (line.installment_id, line.amount, run.total, run.line_count) == (
        november.pk,
        november.amount,
        november.amount,
        1,
    )
    assert line.supplier_number == f"F-{agreement.organization_id}"
    assert line.neq == agreement.organization.neq
    assert run.reference == "LP-2019-11-01"
    # The March installment is not due in November: not in the run, not listed as held.
    assert run.excluded == []


def test_6_2_the_preparer_never_approves_and_the_database_agrees():
    people, _env, _agreements = paying_program()
    run = actions.prepare_run(year=2019, month=11, by=people["finance"], at=at(2019, 10, 20))
    with pytest.raises(PermissionDenied, match="séparation des tâches"):
        actions.approve_run(run, by=people["finance"], at=at(2019, 10, 21))
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentRun.objects.filter(pk=run.pk).update(approved_by=people["finance"])
    approved = actions.approve_run(run, by=people["finance2"], at=at(2019, 10, 21))
    assert approved.state == RunState.APPROVED and approved.approved_by == people["finance2"]


def test_6_2_the_file_has_header_lines_and_a_trailer_with_the_run_s_totals_and_its_hash():
    people, _env, _agreements = paying_program(count=2)
    run = approved_run(people)
    machine = PaymentFile.objects.get(run=run, format=formats.MACHINE_FORMAT)
    content = bytes(machine.content)
    rows = content.decode().splitlines()
    assert rows[0].startswith(f"H;LOT;1;{run.reference};2019-11;2019-10-21;2;")
    assert [r[0] for r in rows] == ["H", "D", "D", "T"]
    assert rows[-1] == f"T;2;{run.total:.2f}"
    assert run.file_sha256 == formats.sha256(content) == machine.sha256
    assert {f.format for f in run.files.all()} == {"lot-csv", "csv"}
    # The workbook for people: made once by the worker, then kept as it is.
    assert tasks.store_people_workbook(run.pk) == "stored"
    workbook = bytes(PaymentFile.objects.get(run=run, format="xlsx").content)
    assert tasks.store_people_workbook(run.pk) == "exists"
    assert bytes(PaymentFile.objects.get(run=run, format="xlsx").content) == workbook
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(workbook)).active
    assert sheet.cell(2, 9).number_format == formats.MONEY_FORMAT
    assert sheet.cell(sheet.max_row, 9).value == run.total
    with pytest.raises(RuntimeError):
        machine.content = b"autre"
        machine.save()


def test_6_2_preparing_on_unapproved_credits_is_refused_with_the_reason():
    people, env, _agreements = paying_program(approved=False)
    with pytest.raises(ValidationError) as refused:
        actions.prepare_run(year=2019, month=11, by=people["finance"], at=at(2019, 10, 20))
    assert "Crédits 2019-2020 non approuvés (6.2)" in refused.value.messages[0]
    budget.approve_envelope(
        env, approved_on=date(2019, 10, 1), reference="C-2019", by=people["manager"],
        at=at(2019, 10, 1),
    )  # fmt: skip
    assert (
        actions.prepare_run(
            year=2019, month=11, by=people["finance"], at=at(2019, 10, 20)
        ).line_count
        == 1
    )


def test_6_2_a_suspended_agreement_is_not_paid_and_the_run_says_why():
    people, _env, (first, second) = paying_program(count=2)
    agreements.suspend_agreement(
        first, decided_on=date(2019, 10, 1), reason="Rapport manquant.", by=people["manager"],
        at=at(2019, 10, 1),
    )  # fmt: skip
    run = actions.prepare_run(year=2019, month=11, by=people["finance"], at=at(2019, 10, 20))
    assert [line.installment.agreement_year.agreement_id for line in run.lines.all()] == [second.pk]
    (excluded,) = run.excluded
    assert excluded["reason"] == "Convention suspendue depuis le 1er octobre 2019 (5.5)"
    assert excluded["organization_name"] == first.organization.legal_name


def test_6_2_suspended_after_preparation_the_run_is_not_approved():
    people, _env, (agreement,) = paying_program()
    run = actions.prepare_run(year=2019, month=11, by=people["finance"], at=at(2019, 10, 20))
    agreements.suspend_agreement(
        agreement, decided_on=date(2019, 10, 21), reason="Rapport manquant.",
        by=people["manager"], at=at(2019, 10, 21),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="ne sont plus payables"):
        actions.approve_run(run, by=people["finance2"], at=at(2019, 10, 22))
    run.refresh_from_db()
    assert run.state == RunState.PREPARED and not run.files.exists()


def test_6_2_nothing_payable_is_refused_with_the_reasons():
    people, _env, _agreements = paying_program(identify=False)
    with pytest.raises(ValidationError) as refused:
        actions.prepare_run(year=2019, month=11, by=people["finance"], at=at(2019, 10, 20))
    assert "Identification de fournisseur" in refused.value.messages[0]
    assert "novembre 2019" in refused.value.messages[0]
    assert not PaymentRun.objects.exists()


def test_6_2_an_installment_is_in_one_live_run_only():
    people, _env, _agreements = paying_program()
    actions.prepare_run(year=2019, month=11, by=people["finance"], at=at(2019, 10, 20))
    with pytest.raises(ValidationError, match="Aucun versement n'est payable"):
        actions.prepare_run(year=2019, month=11, by=people["finance"], at=at(2019, 10, 20))
    line = PaymentLine.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentLine.objects.create(
            **{
                f.attname: getattr(line, f.attname)
                for f in PaymentLine._meta.concrete_fields
                if f.attname != "id"
            }
            | {"position": 2}
        )


def test_6_2_cancelling_a_prepared_run_makes_its_installments_payable_again():
    people, _env, _agreements = paying_program()
    run = actions.prepare_run(year=2019, month=11, by=people["finance"], at=at(2019, 10, 20))
    with pytest.raises(ValidationError):
        actions.cancel_run(run, reason="", by=people["finance"], at=at(2019, 10, 20))
    actions.cancel_run(run, reason="Erreur de mois.", by=people["finance"], at=at(2019, 10, 20))
    again = actions.prepare_run(year=2019, month=11, by=people["finance"], at=at(2019, 10, 20))
    assert again.reference == "LP-2019-11-02" and again.line_count == 1


def test_6_2_results_pay_once_and_a_failed_line_is_payable_again():
    people, _env, (_first, _second) = paying_program(count=2)
    run = approved_run(people)
    lines = list(run.lines.order_by("position"))
    content = formats.return_file(
        run.reference,
        [
            (1, True, "P-1001", date(2019, 11, 15), lines[0].amount, ""),
            (2, False, "", None, lines[1].amount, "Compte bancaire fermé"),
        ],
    )
    counts, problems = actions.import_return(
        run, content, accept_valid=False, by=people["finance"], at=at(2019, 11, 16)
    )
    assert (counts["paid"], counts["failed"], problems) == (1, 1, [])
    paid = Installment.objects.get(pk=lines[0].installment_id)
    assert (paid.state, paid.paid_on, paid.payment_number) == (
        InstallmentState.PAID,
        date(2019, 11, 15),
        "P-1001",
    )
    run.refresh_from_db()
    assert run.state == RunState.CLOSED
    assert ledger.balance(fiscal_year=2019, stream=1).paid == lines[0].amount
    # The failed one goes into the next run; the paid one never again.
    retry = actions.prepare_run(year=2019, month=12, by=people["finance"], at=at(2019, 11, 20))
    assert [line.installment_id for line in retry.lines.all()] == [lines[1].installment_id]
    assert check() == []
    with pytest.raises(ValidationError):
        agreements.pay_installment(paid, paid_on=date(2019, 11, 20), by=people["finance"],
                                   at=at(2019, 11, 20))  # fmt: skip
    assert LedgerEntry.objects.filter(kind=LedgerKind.PAYMENT).count() == 1


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["D;9;PAYE;P-1;2019-11-15;100.00;"], "n'existe pas dans le lot"),
        (["D;1;PAYE;P-1;2019-11-15;1.00;"], "le lot"),
        (["D;1;PAYE;P-1;15/11/2019;{amount};"], "AAAA-MM-JJ"),
        (["D;1;PAYE;P-1"], "7 champs attendus"),
        (["X;1"], "type « X » inconnu"),
        (["D;1;REJETE;;;{amount};"], "motif du rejet manque"),
        (["D;1;PAYE;P-1;2020-03-15;{amount};"], "après le 31 décembre 2019"),
    ],
)
def test_6_2_a_bad_return_file_is_refused_line_by_line_and_changes_nothing(rows, message):
    people, _env, _agreements = paying_program()
    run = approved_run(people)
    amount = f"{run.total:.2f}"
    body = [row.format(amount=amount) for row in rows]
    content = ("\r\n".join([f"H;RETOUR;1;{run.reference}", *body, "T;1;0.00"]) + "\r\n").encode()
    with pytest.raises(ValidationError) as refused:
        actions.import_return(run, content, accept_valid=False, by=people["finance"],
                              at=at(2019, 11, 16))  # fmt: skip
    assert any(message in m for m in refused.value.messages), refused.value.messages
    assert all(m.startswith("Ligne") or "ligne T" in m for m in refused.value.messages)
    assert not Installment.objects.filter(state=InstallmentState.PAID).exists()
    assert PaymentLine.objects.get().state == LineState.PENDING


def test_6_2_a_return_file_of_another_run_is_refused():
    people, _env, _agreements = paying_program()
    run = approved_run(people)
    content = formats.return_file(
        "LP-2019-03-01", [(1, True, "P", date(2019, 11, 15), run.total, "")]
    )
    with pytest.raises(ValidationError, match="celui du lot LP-2019-03-01"):
        actions.import_return(run, content, accept_valid=False, by=people["finance"],
                              at=at(2019, 11, 16))  # fmt: skip


def test_6_2_the_officer_may_accept_the_valid_lines_alone():
    people, _env, _agreements = paying_program(count=2)
    run = approved_run(people)
    first = run.lines.get(position=1)
    content = (
        f"H;RETOUR;1;{run.reference}\r\nD;1;PAYE;P-7;2019-11-15;{first.amount:.2f};\r\n"
        "D;2;PAYE;P-8;2019-11-15;3.00;\r\nT;2;0.00\r\n"
    ).encode()
    with pytest.raises(ValidationError):
        actions.import_return(run, content, accept_valid=False, by=people["finance"],
                              at=at(2019, 11, 16))  # fmt: skip
    counts, problems = actions.import_return(
        run, content, accept_valid=True, by=people["finance"], at=at(2019, 11, 16)
    )
    assert counts == {"paid": 1, "failed": 0, "refused": 1}
    assert problems and run.lines.get(position=2).state == LineState.PENDING


def test_6_2_a_line_already_paid_is_refused_in_a_second_return():
    people, _env, _agreements = paying_program()
    run = approved_run(people)
    line = run.lines.get()
    actions.record_results(
        run,
        [actions.LineResult(1, True, "P-1", date(2019, 11, 15))],
        by=people["finance"],
        at=at(2019, 11, 16),
    )
    run.refresh_from_db()
    with pytest.raises(ValidationError, match=r"approuvé et non fermé"):
        actions.record_results(
            run, [actions.LineResult(1, True, "P-2", date(2019, 11, 15))],
            by=people["finance"], at=at(2019, 11, 17),
        )  # fmt: skip
    assert PaymentLine.objects.get(pk=line.pk).payment_number == "P-1"


@pytest.mark.django_db(transaction=True)
def test_6_2_two_officers_recording_the_same_result_at_once_pay_once(regions):
    people, _env, _agreements = paying_program()
    run = approved_run(people)
    outcomes: list = []

    def record(number):
        try:
            fresh = PaymentRun.objects.get(pk=run.pk)
            actions.record_results(
                fresh,
                [actions.LineResult(1, True, number, date(2019, 11, 15))],
                by=people["finance"],
                at=at(2019, 11, 16),
            )
            outcomes.append("paid")
        except ValidationError as error:
            outcomes.append(error.messages[0])

    if connection.vendor == "postgresql":
        barrier = threading.Barrier(2)

        def worker(number):
            try:
                barrier.wait(timeout=10)
                record(number)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker, args=(n,)) for n in ("P-A", "P-B")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    else:  # SQLite serializes writers: the same two, one after the other
        record("P-A")
        record("P-B")
    assert len(outcomes) == 2 and outcomes.count("paid") == 1, outcomes
    assert LedgerEntry.objects.filter(kind=LedgerKind.PAYMENT).count() == 1
    assert PaymentLine.objects.filter(state=LineState.PAID).count() == 1
    assert check() == []


def test_6_2_the_manager_reschedules_within_the_fiscal_year_with_a_reason():
    people, _env, (agreement,) = paying_program()
    march = Installment.objects.get(agreement_year__agreement=agreement, due_month=3)
    with pytest.raises(PermissionDenied):
        actions.reschedule_installment(march, due_year=2020, due_month=1, reason="x",
                                       by=people["finance"], at=at(2019, 10, 1))  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        actions.reschedule_installment(march, due_year=2020, due_month=4, reason="",
                                       by=people["manager"], at=at(2019, 10, 1))  # fmt: skip
    assert set(refused.value.message_dict) == {"reason", "due_month"}
    actions.reschedule_installment(
        march, due_year=2020, due_month=1, reason="Fin d'activités en février.",
        by=people["manager"], at=at(2019, 10, 1),
    )  # fmt: skip
    march.refresh_from_db()
    assert march.due_label == "2020-01"
    run = actions.prepare_run(year=2020, month=1, by=people["finance"], at=at(2019, 12, 20))
    assert run.line_count == 2


def test_6_2_funds_limit_the_run_and_the_rest_says_why():
    _people, _env, (_first, _second) = paying_program(count=2, credits=Decimal("500000"))
    total_committed = ledger.balance(fiscal_year=2019, stream=1).committed
    # Reduce what the credits allow: a payment outside the runs is impossible, so the test
    # lowers the funds through the pure rule with the same facts.
    from soutien.payments import payability
    from soutien.rules.payments import select_payable

    month = (2019, 11)
    found = payability.facts(payability.due_by(month))
    funds, commitments = payability.money_left()
    first_amount = found[0].amount
    tight = {key: first_amount for key in funds}
    chosen = select_payable(found, month, funds=tight, commitments=commitments)
    assert len(chosen.included) == 1
    ((_facts, status),) = chosen.excluded
    assert status.text.startswith("Fonds insuffisants : crédits 2019-2020, volet 1")
    assert total_committed > 0


def test_6_2_the_organization_is_told_by_email_when_it_is_paid_and_not_when_it_fails():
    from soutien.core.models import OutgoingEmail
    from tests.factories import make_representative

    people, _env, (first, second) = paying_program(count=2)
    make_representative(first.organization, email="paye@test.example")
    make_representative(second.organization, email="rejete@test.example")
    run = approved_run(people)
    by_org = {line.organization_id: line for line in run.lines.all()}
    paid, failed = by_org[first.organization_id], by_org[second.organization_id]
    actions.record_results(
        run,
        [
            actions.LineResult(paid.position, True, "P-77", date(2019, 11, 15)),
            actions.LineResult(failed.position, False, reason="Compte fermé"),
        ],
        by=people["finance"],
        at=at(2019, 11, 16),
    )
    (email,) = OutgoingEmail.objects.filter(subject__startswith="Versement de l'aide financière")
    assert email.recipients == ["paye@test.example"]
    assert "versé le 15 novembre 2019" in email.body and "P-77" in email.body


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(["paid", "failed", "again"]), min_size=3, max_size=3))
def test_6_2_whatever_comes_back_the_run_the_file_and_the_ledger_agree(outcomes):
    """Random results, and a second attempt at the same lines: nothing is paid twice, the
    file's trailer is the run's total, and the ledger moves by exactly the paid lines."""
    with transaction.atomic():
        people, _env, _agreements = paying_program(count=3)
        run = approved_run(people)
        content = bytes(run.files.get(format=formats.MACHINE_FORMAT).content).decode()
        assert content.splitlines()[-1] == f"T;3;{run.total:.2f}"
        results = [
            actions.LineResult(n, outcome != "failed", f"P-{n}", date(2019, 11, 15), "Rejet")
            for n, outcome in enumerate(outcomes, start=1)
        ]
        actions.record_results(run, results, by=people["finance"], at=at(2019, 11, 16))
        run.refresh_from_db()
        again = [r for r, outcome in zip(results, outcomes, strict=True) if outcome == "again"]
        if again:
            with pytest.raises(ValidationError):
                actions.record_results(run, again, by=people["finance"], at=at(2019, 11, 17))
        paid_lines = PaymentLine.objects.filter(run=run, state=LineState.PAID)
        paid = sum((line.amount for line in paid_lines), Decimal(0))
        assert ledger.balance(fiscal_year=2019, stream=1).paid == paid
        assert LedgerEntry.objects.filter(kind=LedgerKind.PAYMENT).count() == paid_lines.count()
        assert check() == []
        transaction.set_rollback(True)
