"""Non-compliance cases and their measures (5.5, 6.2, 7): proposed by one person, approved by
another, applied with their ledger entries and letters; refused with a French reason."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soutien.accountability.reconciliation import check
from soutien.accounts.models import Role
from soutien.agreements import actions
from soutien.agreements.letters import measure_letter_pdf
from soutien.agreements.models import (
    Installment,
    InstallmentState,
    MeasureProposal,
    ProposalState,
    State,
)
from soutien.core.models import OutgoingEmail
from soutien.payments import payability
from soutien.rules.payments import Standing
from tests.factories import at, make_representative, make_user
from tests.payments.helpers import paying_program
from tests.workspace.helpers import pdf_text

pytestmark = pytest.mark.django_db

WHEN = at(2019, 10, 15)
TODAY = date(2019, 10, 15)


def program():
    people, _env, (agreement,) = paying_program()
    people["manager2"] = make_user(Role.MANAGER)
    make_representative(agreement.organization, email="coordination@organisme.example")
    return people, agreement


def case_of(agreement, people, when=WHEN):
    return actions.open_case(
        agreement,
        breach="accountability",
        clause="article 8 de la convention",
        finding="Le rapport d'activité n'a pas été transmis.",
        found_on=when.date(),
        by=people["advisor"],
        at=when,
    )


def propose(case, by, kind="suspension", when=WHEN, **fields):
    defaults = {
        "suspension": {"remedy": "Transmettre le rapport.", "remedy_due_on": TODAY + timedelta(30)},
        "termination": {"effective_on": TODAY + timedelta(30)},
        "revision": {},
    }[kind]
    return actions.propose_measure(
        case,
        kind=kind,
        legal_basis="Clause 5.5 du programme ; article 8 de la convention",
        reason="Le rapport d'activité manque depuis juillet.",
        by=by,
        at=when,
        **{**defaults, **fields},
    )


def november(agreement):
    return Installment.objects.get(agreement_year__agreement=agreement, due_month=11)


def standing(installment):
    return payability.statuses([installment], (2019, 11))[installment.pk]


def test_a_suspension_is_proposed_then_approved_by_another_person_and_holds_the_payments():
    people, agreement = program()
    case = case_of(agreement, people)
    proposal = propose(case, people["advisor"])
    assert proposal.state == ProposalState.PROPOSED
    assert standing(november(agreement)).standing == Standing.PAYABLE  # proposed: nothing yet
    approved = actions.approve_measure(proposal, by=people["manager"], at=WHEN)
    agreement.refresh_from_db()
    assert approved.state == ProposalState.APPROVED and approved.measure.kind == "suspension"
    assert agreement.state == State.SUSPENDED
    held = standing(november(agreement))
    assert held.standing == Standing.HELD and "Convention suspendue" in held.text
    assert held.clause == "5.5"
    assert check() == []
    text = pdf_text(measure_letter_pdf(approved))
    assert "Transmettre le rapport." in text and "14 novembre 2019" in text
    letter = OutgoingEmail.objects.get(subject__startswith="Suspension des versements")
    assert letter.recipients == ["coordination@organisme.example"]
    # Lifted: the installment is payable again, the organization told.
    actions.lift_suspension(agreement, reason="Rapport reçu.", by=people["manager"], at=WHEN)
    agreement.refresh_from_db()
    assert agreement.state == State.ACTIVE
    assert standing(november(agreement)).standing == Standing.PAYABLE
    assert OutgoingEmail.objects.filter(subject__startswith="Reprise des versements").exists()
    assert check() == []


def test_who_proposes_a_measure_does_not_approve_it_nor_does_the_database_let_it():
    people, agreement = program()
    proposal = propose(case_of(agreement, people), people["manager"])
    with pytest.raises(ValidationError) as refused:
        actions.approve_measure(proposal, by=people["manager"], at=WHEN)
    assert "ne peut pas l'approuver" in str(refused.value)
    with pytest.raises(ValidationError):
        actions.reject_measure(proposal, reason="Non.", by=people["manager"], at=WHEN)
    # An advisor proposes; an advisor cannot approve (5.5 is the program manager's).
    other = propose(case_of(agreement, people), people["advisor"], kind="termination")
    with pytest.raises(PermissionDenied):
        actions.approve_measure(other, by=people["advisor"], at=WHEN)
    with transaction.atomic(), pytest.raises(IntegrityError):
        MeasureProposal.objects.filter(pk=proposal.pk).update(
            reviewed_by=people["manager"], reviewed_at=WHEN
        )
    agreement.refresh_from_db()
    assert agreement.state == State.ACTIVE  # nothing applied


@pytest.mark.parametrize(("days", "accepted"), [(29, False), (30, True), (31, True)])
def test_a_termination_takes_effect_30_days_after_its_notice_never_earlier(days, accepted):
    people, agreement = program()
    case = case_of(agreement, people)
    effective = TODAY + timedelta(days=days)
    if not accepted:
        with pytest.raises(ValidationError) as refused:
            propose(case, people["advisor"], kind="termination", effective_on=effective)
        assert "au plus tôt 30 jours" in str(refused.value)
        assert "2019-11-14" in str(refused.value)
        assert not MeasureProposal.objects.exists()
        return
    proposal = propose(case, people["advisor"], kind="termination", effective_on=effective)
    approved = actions.approve_measure(proposal, by=people["manager"], at=WHEN)
    agreement.refresh_from_db()
    assert agreement.state == State.TERMINATED
    assert approved.measure.notice_sent_on == TODAY  # the letter is the notice
    assert approved.measure.effective_on == effective
    assert not Installment.objects.filter(
        agreement_year__agreement=agreement, state=InstallmentState.SCHEDULED
    ).exists()
    assert standing(november(agreement)).standing == Standing.CANCELLED
    assert check() == []
    assert "préavis de 30 jours" in pdf_text(measure_letter_pdf(approved))


def test_the_notice_counts_from_the_approval_a_day_late_is_refused_then():
    people, agreement = program()
    proposal = propose(
        case_of(agreement, people),
        people["advisor"],
        kind="termination",
        effective_on=TODAY + timedelta(days=30),
    )
    with pytest.raises(ValidationError) as refused:
        actions.approve_measure(proposal, by=people["manager"], at=WHEN + timedelta(days=1))
    assert "approuvée aujourd'hui" in str(refused.value)
    proposal.refresh_from_db()
    agreement.refresh_from_db()
    assert proposal.state == ProposalState.PROPOSED and agreement.state == State.ACTIVE


def test_a_revision_reduces_the_unpaid_part_never_below_what_is_paid():
    people, agreement = program()
    year = agreement.years.get()
    first = november(agreement)
    actions.pay_installment(
        first, paid_on=date(2019, 11, 15), by=people["finance"], at=at(2019, 11, 15)
    )
    later = at(2019, 12, 2)
    case = case_of(agreement, people, when=later)
    paid = first.amount
    with pytest.raises(ValidationError) as refused:
        propose(
            case,
            people["advisor"],
            kind="revision",
            when=later,
            agreement_year=year,
            revised_amount=paid - Decimal("1"),
        )
    assert "déjà versées" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        propose(
            case,
            people["advisor"],
            kind="revision",
            when=later,
            agreement_year=year,
            revised_amount=year.amount,
        )
    assert "inférieur au montant actuel" in str(refused.value)
    before = year.amount
    new_amount = paid + Decimal("1000")
    proposal = propose(
        case,
        people["advisor"],
        kind="revision",
        when=later,
        agreement_year=year,
        revised_amount=new_amount,
    )
    approved = actions.approve_measure(proposal, by=people["manager"], at=later)
    year.refresh_from_db()
    assert year.amount == new_amount and approved.previous_amount == before
    unpaid = Installment.objects.filter(agreement_year=year, state=InstallmentState.SCHEDULED)
    assert sum(i.amount for i in unpaid) == Decimal("1000")
    assert check() == []
    text = pdf_text(measure_letter_pdf(approved))
    assert "2019-2020" in text and "révisée" in text


def test_a_rejection_needs_its_reason_and_ends_the_proposal():
    people, agreement = program()
    proposal = propose(case_of(agreement, people), people["advisor"])
    with pytest.raises(ValidationError):
        actions.reject_measure(proposal, reason=" ", by=people["manager"], at=WHEN)
    rejected = actions.reject_measure(
        proposal, reason="Le rapport vient d'arriver.", by=people["manager"], at=WHEN
    )
    assert rejected.state == ProposalState.REJECTED
    with pytest.raises(ValidationError):
        actions.approve_measure(rejected, by=people["manager2"], at=WHEN)
    agreement.refresh_from_db()
    assert agreement.state == State.ACTIVE


def test_a_suspended_agreement_confirms_no_year_and_cannot_be_suspended_twice():
    people, agreement = program()
    case = case_of(agreement, people)
    actions.approve_measure(propose(case, people["advisor"]), by=people["manager"], at=WHEN)
    agreement.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        propose(case, people["advisor"])
    assert "déjà suspendus" in str(refused.value)
    year = agreement.years.get()
    with pytest.raises(ValidationError) as refused:
        actions.confirm_year(year, by=people["manager"], at=WHEN)
    assert "suspendus" in str(refused.value)


def test_a_case_opens_only_on_an_agreement_in_force_and_with_a_finding_not_in_the_future():
    people, agreement = program()
    with pytest.raises(ValidationError) as refused:
        actions.open_case(
            agreement,
            breach="agreement",
            clause="article 4",
            finding="x",
            found_on=TODAY + timedelta(days=1),
            by=people["advisor"],
            at=WHEN,
        )
    assert "futur" in str(refused.value)
    with pytest.raises(PermissionDenied):
        actions.open_case(
            agreement,
            breach="agreement",
            clause="article 4",
            finding="x",
            found_on=TODAY,
            by=people["finance"],
            at=WHEN,
        )


MEASURES = st.lists(
    st.sampled_from(["suspend", "lift", "revise", "terminate", "pay"]), min_size=1, max_size=6
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=MEASURES)
def test_the_ledger_check_passes_after_any_sequence_of_measures(steps):
    with transaction.atomic():
        people, agreement = program()
        case = case_of(agreement, people)
        year = agreement.years.get()
        for step in steps:
            agreement.refresh_from_db()
            year.refresh_from_db()
            try:
                if step == "suspend":
                    actions.approve_measure(
                        propose(case, people["advisor"]), by=people["manager"], at=WHEN
                    )
                elif step == "lift":
                    actions.lift_suspension(
                        agreement, reason="Corrigé.", by=people["manager"], at=WHEN
                    )
                elif step == "revise":
                    actions.approve_measure(
                        propose(
                            case,
                            people["advisor"],
                            kind="revision",
                            agreement_year=year,
                            revised_amount=(year.amount * Decimal("0.8")).quantize(Decimal("1")),
                        ),
                        by=people["manager"],
                        at=WHEN,
                    )
                elif step == "terminate":
                    actions.approve_measure(
                        propose(case, people["advisor"], kind="termination"),
                        by=people["manager"],
                        at=WHEN,
                    )
                else:
                    scheduled = Installment.objects.filter(
                        agreement_year=year, state=InstallmentState.SCHEDULED
                    ).first()
                    if scheduled is not None:
                        actions.pay_installment(
                            scheduled, paid_on=TODAY, by=people["finance"], at=WHEN
                        )
            except ValidationError:
                pass  # refused as a whole: the next step sees the records unchanged
            assert check() == [], (steps, step)
        transaction.set_rollback(True)
    mail.outbox.clear()


@pytest.mark.django_db(transaction=True)
def test_two_managers_approving_at_the_same_moment_apply_the_measure_once(regions):
    import threading

    from django.db import connection, connections

    from soutien.agreements.models import NonComplianceAction

    people, agreement = program()
    proposal = propose(case_of(agreement, people), people["advisor"])
    outcomes: list = []

    def approve(manager):
        try:
            if connection.vendor == "postgresql":
                barrier.wait(timeout=10)
            actions.approve_measure(
                MeasureProposal.objects.get(pk=proposal.pk), by=manager, at=WHEN
            )
            outcomes.append("approved")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            if connection.vendor == "postgresql":
                connections.close_all()

    managers = [people["manager"], people["manager2"]]
    if connection.vendor == "postgresql":
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=approve, args=(m,)) for m in managers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    else:  # SQLite serializes writers: the same two approvals, one after the other
        for manager in managers:
            approve(manager)
    assert sorted(outcomes) == sorted(
        ["approved", "Cette mesure a déjà été approuvée ou refusée."]
    ), outcomes
    assert NonComplianceAction.objects.filter(agreement=agreement).count() == 1
    assert check() == []
