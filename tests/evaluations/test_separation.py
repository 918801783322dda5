"""Separation of duties (issue 9, item 5): who evaluated a dossier does not decide it."""

import pytest
from django.core.exceptions import PermissionDenied

from soutien.accounts.models import Role
from soutien.evaluations import actions
from soutien.evaluations.models import Decision, Outcome
from soutien.evaluations.separation import evaluators_of
from tests.evaluations.test_evaluations import all_met, evaluated
from tests.factories import at, make_application, make_user, submit_complete

pytestmark = pytest.mark.django_db


def completed_by(evaluator):
    application = submit_complete(make_application(by=evaluator), by=evaluator)
    evaluation = actions.start_evaluation(application, by=evaluator, at=at(2019, 3, 1))
    actions.record_judgments(evaluation, judgments=all_met(), by=evaluator, at=at(2019, 3, 2))
    actions.compute_evaluation(evaluation, by=evaluator, at=at(2019, 3, 3))
    actions.complete_evaluation(evaluation, by=evaluator, at=at(2019, 3, 4))
    return evaluation


def test_5_2_an_administrator_who_evaluated_cannot_decide():
    administrator = make_user(Role.ADMINISTRATOR)
    evaluation = completed_by(administrator)
    with pytest.raises(PermissionDenied, match="Séparation des tâches"):
        actions.decide_application(
            evaluation, outcome=Outcome.GRANTED, by=administrator, at=at(2019, 3, 20)
        )
    assert not Decision.objects.filter(evaluation=evaluation).exists()
    evaluation.application.refresh_from_db()
    assert evaluation.application.state == "under_evaluation"
    manager = make_user(Role.MANAGER)
    decision = actions.decide_application(
        evaluation, outcome=Outcome.GRANTED, by=manager, at=at(2019, 3, 20)
    )
    assert decision.decided_by == manager


def test_5_2_whoever_recorded_a_judgment_or_an_adjustment_is_an_evaluator():
    advisor, _application, evaluation = evaluated()
    administrator = make_user(Role.ADMINISTRATOR)
    code, (met, justification) = next(iter(all_met().items()))
    actions.record_judgment(
        evaluation,
        criterion=code,
        met=met,
        justification=justification,
        by=administrator,
        at=at(2019, 3, 3, 11),
    )
    actions.compute_evaluation(evaluation, by=advisor, at=at(2019, 3, 3, 12))
    actions.complete_evaluation(evaluation, by=advisor, at=at(2019, 3, 4))
    assert evaluators_of([evaluation.pk]) == {advisor.pk, administrator.pk}
    with pytest.raises(PermissionDenied, match="Séparation des tâches"):
        actions.decide_application(
            evaluation, outcome=Outcome.REFUSED, by=administrator, at=at(2019, 3, 20)
        )


def test_someone_who_never_touched_the_evaluation_is_not_an_evaluator():
    advisor, _application, evaluation = evaluated()
    assert evaluators_of([evaluation.pk]) == {advisor.pk}
    assert evaluators_of([]) == set()
