"""Every service refuses a user without the role, not only the pages (issue 5)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from soutien.accounts.models import Role
from soutien.agreements import actions as agreement_actions
from soutien.evaluations import actions
from soutien.evaluations.models import Outcome
from tests.evaluations.test_evaluations import evaluated
from tests.factories import at, make_representative, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.FINANCE, Role.MANAGER])
def test_only_advisors_and_administrators_evaluate(role):
    _advisor, _application, evaluation = evaluated()
    with pytest.raises(PermissionDenied, match="conseillère ou au conseiller"):
        actions.compute_evaluation(evaluation, by=make_user(role), at=at(2019, 3, 4))


def test_a_representative_cannot_call_an_evaluation_service():
    _advisor, application, evaluation = evaluated()
    with pytest.raises(PermissionDenied):
        actions.complete_evaluation(
            evaluation, by=make_representative(application.organization), at=at(2019, 3, 4)
        )


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.FINANCE])
def test_only_the_program_manager_decides(role):
    advisor, _application, evaluation = evaluated()
    actions.complete_evaluation(evaluation, by=advisor, at=at(2019, 3, 4))
    with pytest.raises(PermissionDenied, match="gestionnaire du programme"):
        actions.decide_application(
            evaluation, outcome=Outcome.GRANTED, by=make_user(role), at=at(2019, 3, 20)
        )


def test_finance_cannot_prepare_an_agreement():
    advisor, _application, evaluation = evaluated()
    actions.complete_evaluation(evaluation, by=advisor, at=at(2019, 3, 4))
    decision = actions.decide_application(
        evaluation, outcome=Outcome.GRANTED, by=make_user(Role.MANAGER), at=at(2019, 3, 20)
    )
    with pytest.raises(PermissionDenied):
        agreement_actions.prepare_agreement(
            decision,
            by=make_user(Role.FINANCE),
            at=at(2019, 4, 1),
            reference="SAM-2019-0009",
            duration_years=1,
            starts_on=date(2019, 4, 1),
            ends_on=date(2020, 3, 31),
            signatory_name="Présidente fictive",
        )
