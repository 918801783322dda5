from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from soutien.accounts.models import Role
from soutien.agreements import actions
from soutien.agreements.models import MAX_YEARS, Agreement, Installment, InstallmentState, State
from soutien.budget import actions as budget_actions
from soutien.budget.models import BudgetEnvelope
from soutien.evaluations import actions as evaluation_actions
from soutien.evaluations.models import Outcome
from soutien.rules import FiscalYear, select_norms
from tests.evaluations.test_evaluations import evaluated
from tests.factories import at, make_representative, make_user, upload


def granted():
    """A decision taken without an allocation run, within the 2019-2020 credits."""
    advisor, _application, evaluation = evaluated()
    evaluation_actions.complete_evaluation(evaluation, by=advisor, at=at(2019, 3, 4))
    manager = make_user(Role.MANAGER)
    if not BudgetEnvelope.objects.filter(fiscal_year=2019, stream=1).exists():
        budget_actions.open_envelope(
            fiscal_year=FiscalYear(2019), stream=1, amount=Decimal("1000000"), by=manager,
            at=at(2019, 3, 1),
        )  # fmt: skip
    decision = evaluation_actions.decide_application(
        evaluation, outcome=Outcome.GRANTED, by=manager, at=at(2019, 3, 20)
    )
    return advisor, decision


def prepared(duration=1, **fields):
    advisor, decision = granted()
    values = {
        "reference": "SAM-2019-0001",
        "duration_years": duration,
        "starts_on": date(2019, 4, 1),
        "ends_on": (FiscalYear(2019) + (duration - 1)).ends_on,
        "signatory_name": "Présidente fictive",
    }
    values.update(fields)
    return advisor, actions.prepare_agreement(decision, by=advisor, at=at(2019, 4, 1), **values)


def signed():
    advisor, agreement = prepared()
    actions.upload_agreement_document(
        agreement, upload=upload("convention.pdf"), by=advisor, at=at(2019, 5, 1)
    )
    actions.sign_agreement(agreement, signed_on=date(2019, 5, 10), by=advisor, at=at(2019, 5, 10))
    return advisor, agreement


def test_5_4_the_norms_and_the_database_agree_on_three_years():
    values = select_norms(FiscalYear(2019), date(2019, 4, 1))
    assert int(values.agreement_max_years) == MAX_YEARS == 3


@pytest.mark.django_db
def test_5_4_agreement_of_four_years_is_refused_in_french_and_in_the_database():
    with pytest.raises(ValidationError) as error:
        prepared(duration=4, ends_on=date(2023, 3, 31))
    assert error.value.message_dict["duration_years"] == [
        "Une convention dure d'un à trois ans (5.4)."
    ]
    assert not Agreement.objects.exists()
    _advisor, agreement = prepared()
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(duration_years=4)


@pytest.mark.django_db
def test_agreement_ending_before_it_starts_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as error:
        prepared(ends_on=date(2019, 3, 1))
    assert error.value.message_dict["ends_on"] == ["La fin de la convention doit suivre son début."]
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_6_2_signing_schedules_two_equal_installments_in_november_and_march():
    _advisor, agreement = signed()
    installments = list(
        Installment.objects.filter(agreement_year__agreement=agreement).order_by("sequence")
    )
    assert [(i.due_year, i.due_month, i.amount) for i in installments] == [
        (2019, 11, Decimal("13826.00")),
        (2020, 3, Decimal("13826.00")),
    ]
    assert agreement.state == State.ACTIVE


@pytest.mark.django_db
def test_signing_requires_the_signed_document():
    advisor, agreement = prepared()
    with pytest.raises(ValidationError):
        actions.sign_agreement(
            agreement, signed_on=date(2019, 5, 10), by=advisor, at=at(2019, 5, 10)
        )


@pytest.mark.django_db
def test_installments_are_unique_per_year_and_sequence():
    _advisor, agreement = signed()
    year = agreement.years.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Installment(
            agreement_year=year, sequence=1, due_year=2019, due_month=12, amount=Decimal("1")
        ).save()


@pytest.mark.django_db
def test_negative_installment_is_refused_by_the_database():
    _advisor, agreement = signed()
    with pytest.raises(IntegrityError), transaction.atomic():
        Installment(
            agreement_year=agreement.years.get(),
            sequence=9,
            due_year=2019,
            due_month=12,
            amount=Decimal("-1"),
        ).save()


@pytest.mark.django_db
def test_6_2_termination_needs_thirty_days_notice():
    _advisor, agreement = signed()
    manager = make_user(Role.MANAGER)
    with pytest.raises(ValidationError) as error:
        actions.terminate_agreement(
            agreement,
            notice_sent_on=date(2019, 10, 1),
            effective_on=date(2019, 10, 30),
            reason="Non-respect.",
            by=manager,
            at=at(2019, 10, 1),
        )
    assert "30 jours après le préavis" in error.value.message_dict["effective_on"][0]
    actions.terminate_agreement(
        agreement,
        notice_sent_on=date(2019, 10, 1),
        effective_on=date(2019, 10, 31),
        reason="Non-respect.",
        by=manager,
        at=at(2019, 10, 1),
    )
    assert agreement.state == State.TERMINATED
    assert set(
        Installment.objects.filter(agreement_year__agreement=agreement).values_list(
            "state", flat=True
        )
    ) == {InstallmentState.CANCELLED}


@pytest.mark.django_db
def test_5_5_suspension_suspends_unpaid_installments_and_resumption_restores_them():
    _advisor, agreement = signed()
    manager = make_user(Role.MANAGER)
    actions.suspend_agreement(
        agreement,
        decided_on=date(2019, 10, 1),
        reason="Rapport en retard.",
        by=manager,
        at=at(2019, 10, 1),
    )
    states = set(
        Installment.objects.filter(agreement_year__agreement=agreement).values_list(
            "state", flat=True
        )
    )
    assert states == {InstallmentState.SUSPENDED}
    actions.resume_agreement(agreement, by=manager, at=at(2019, 10, 20))
    states = set(
        Installment.objects.filter(agreement_year__agreement=agreement).values_list(
            "state", flat=True
        )
    )
    assert states == {InstallmentState.SCHEDULED}


@pytest.mark.django_db
def test_5_5_revision_reschedules_what_is_left():
    _advisor, agreement = signed()
    manager, finance = make_user(Role.MANAGER), make_user(Role.FINANCE)
    first = Installment.objects.get(agreement_year__agreement=agreement, sequence=1)
    actions.pay_installment(first, paid_on=date(2019, 11, 15), by=finance, at=at(2019, 11, 15))
    year = agreement.years.get()
    actions.revise_agreement(
        year,
        new_amount=Decimal("20000"),
        decided_on=date(2019, 12, 1),
        reason="6.1.3",
        by=manager,
        at=at(2019, 12, 1),
    )
    scheduled = Installment.objects.filter(agreement_year=year, state=InstallmentState.SCHEDULED)
    assert sum(i.amount for i in scheduled) == Decimal("20000") - first.amount


@pytest.mark.django_db
def test_agreements_are_scoped_to_their_organization():
    _advisor, agreement = signed()
    representative = make_representative(agreement.organization)
    assert list(Agreement.objects.for_user(representative)) == [agreement]
    assert Installment.objects.for_user(representative).count() == 2
