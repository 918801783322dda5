"""Questions an earlier stage asks and a later one answers (core.answers)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from soutien.core.answers import Question
from soutien.evaluations import history
from soutien.organizations import attachment


def test_an_unanswered_question_is_a_configuration_error_not_a_default():
    question = Question("tests.unanswered", "() -> int")
    with pytest.raises(ImproperlyConfigured, match=r"tests\.unanswered"):
        question()


def test_a_question_is_answered_once():
    question = Question("tests.once", "() -> int")
    question.answer_with(lambda: 1)
    with pytest.raises(ImproperlyConfigured):
        question.answer_with(lambda: 2)
    assert question() == 1


@pytest.mark.parametrize(
    "question",
    [
        history.organization_debt,
        history.commitments_respected,
        attachment.signed_agreement,
    ],
)
def test_every_question_of_the_stages_is_answered_by_an_installed_app(question):
    assert question._answer is not None, question
