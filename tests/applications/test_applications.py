import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from soutien.applications import actions
from soutien.applications.models import Application, Priority, State
from tests.factories import (
    at,
    make_application,
    make_organization,
    make_representative,
    make_user,
    submit_complete,
)

pytestmark = pytest.mark.django_db


def test_5_1_submission_after_the_deadline_hour_is_refused():
    advisor = make_user()
    application = make_application(by=advisor)  # deadline 2019-02-28 16:00
    with pytest.raises(ValidationError) as error:
        actions.submit_application(application, by=advisor, at=at(2019, 2, 28, 17))
    assert "La date et l'heure limites de dépôt" in error.value.message_dict["submitted_at"][0]
    application.refresh_from_db()
    assert application.state == State.DRAFT


def test_5_1_submission_records_the_moment():
    advisor = make_user()
    application = submit_complete(make_application(by=advisor), by=advisor)
    assert application.submitted_at == at(2019, 2, 2)


def test_one_application_per_organization_fiscal_year_and_stream():
    application = make_application()
    with pytest.raises(ValidationError) as error:
        make_application(application.organization)
    assert "Cet organisme a déjà une demande pour cet exercice financier et ce volet." in str(
        error.value
    )
    duplicate = Application(
        organization=application.organization,
        fiscal_year=2019,
        stream=1,
        deadline_at=application.deadline_at,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_same_organization_may_apply_for_another_fiscal_year():
    application = make_application()
    make_application(application.organization, fiscal_year=2018)
    assert application.organization.applications.count() == 2


def test_negative_amount_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as error:
        make_application(estimated_operating_costs=-1)
    assert "Les montants ne peuvent pas être négatifs." in str(error.value)
    assert not Application.objects.exists()


def test_only_a_national_grouping_applies_to_stream_2():
    with pytest.raises(ValidationError) as error:
        make_application(stream=2)
    assert "volet 2" in error.value.message_dict["stream"][0]


@pytest.mark.parametrize(
    ("organization", "expected"),
    [
        ({"refugee_reception": True}, Priority.REFUGEE_RECEPTION),
        ({"attached_to_ministry": True}, Priority.ALREADY_ATTACHED),
        ({"attached_to_ministry": False}, Priority.NEW_ATTACHMENT),
    ],
)
def test_5_2_priority_is_stored_for_filtering(organization, expected):
    assert make_application(make_organization(**organization)).priority == expected


def test_correction_then_resubmission():
    advisor = make_user()
    application = submit_complete(make_application(by=advisor), by=advisor)
    actions.request_correction(application, by=advisor, at=at(2019, 3, 1), reason="Budget absent.")
    actions.submit_application(application, by=advisor, at=at(2019, 3, 10))
    assert application.state == State.SUBMITTED


def test_members_see_only_their_own_applications():
    mine, other = make_application(), make_application()
    representative = make_representative(mine.organization)
    assert list(Application.objects.for_user(representative)) == [mine]
    assert set(Application.objects.for_user(make_user())) == {mine, other}
