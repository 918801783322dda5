import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError

from soutien.accounts.models import Role, User
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_email_is_the_login_identifier():
    make_user(Role.ADVISOR, email="Claire@Exemple.QC.ca")
    assert authenticate(email="claire@exemple.qc.ca", password="pw") is not None
    assert authenticate(username="claire@exemple.qc.ca", password="pw") is not None


def test_email_is_unique_whatever_the_case():
    make_user(Role.ADVISOR, email="claire@exemple.qc.ca")
    duplicate = User(email="CLAIRE@exemple.qc.ca", full_name="Autre", role=Role.ADVISOR)
    with pytest.raises(IntegrityError):
        duplicate.save()


def test_representative_cannot_be_staff_in_the_database():
    user = User(email="r@exemple.qc.ca", full_name="R", role=Role.REPRESENTATIVE, is_staff=True)
    with pytest.raises(IntegrityError):
        user.save()


@pytest.mark.parametrize(
    ("role", "perm", "granted"),
    [
        (Role.ADVISOR, "applications.view_application", True),
        (Role.ADVISOR, "evaluations.change_evaluation", True),
        (Role.ADVISOR, "agreements.change_installment", False),
        (Role.FINANCE, "agreements.change_installment", True),
        (Role.FINANCE, "evaluations.change_evaluation", False),
        (Role.MANAGER, "budget.add_budgetenvelope", True),
        (Role.MANAGER, "applications.delete_application", False),
        (Role.ADVISOR, "accounts.change_user", False),
        (Role.REPRESENTATIVE, "applications.view_application", False),
    ],
)
def test_roles_grant_back_office_permissions(role, perm, granted):
    assert make_user(role).has_perm(perm) is granted


def test_administrator_is_superuser_and_staff():
    admin = make_user(Role.ADMINISTRATOR)
    assert admin.is_superuser and admin.is_staff and admin.is_ministry_staff
