from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from soutien.organizations.actions import ImportRefused, import_organizations
from soutien.organizations.models import FinancialStatements, Organization, Region
from soutien.organizations.regions import REGIONS
from soutien.organizations.validators import validate_neq
from tests.factories import at, make_organization, make_representative, make_user

pytestmark = pytest.mark.django_db


def test_the_17_regions_are_loaded_with_their_official_names():
    assert list(Region.objects.values_list("code", "name")) == list(REGIONS)
    assert Region.objects.get(code="02").name == "Saguenay–Lac-Saint-Jean"
    assert Region.objects.get(code="11").name == "Gaspésie–Îles-de-la-Madeleine"


@pytest.mark.parametrize("value", ["114000000", "11400000001", "11400000A1", "", "1140 00000"])
def test_neq_validator_refuses_anything_but_ten_digits_in_french(value):
    with pytest.raises(ValidationError) as error:
        validate_neq(value)
    assert "doit compter exactement 10 chiffres" in error.value.messages[0]


def test_neq_of_ten_digits_is_accepted():
    validate_neq("1143456789")


def test_database_refuses_a_bad_neq_even_without_validation():
    organization = make_organization()
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=organization.pk).update(neq="12345")


def test_database_refuses_an_unknown_region_code():
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(code="18", name="Région inventée")


def _row(**changes):
    row = {
        "legal_name": "Organisme importé",
        "neq": "1149999999",
        "legal_form": "qc_companies_part3",
        "incorporation_date": date(2010, 1, 1),
        "street_address": "1, rue du Port",
        "city": "Gaspé",
        "postal_code": "G4X 1A1",
        "region_id": "11",
    }
    row.update(changes)
    return row


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"neq": "12AB"}, "Ligne 2, champ « numéro d'entreprise du Québec (NEQ) »"),
        ({"region_id": "42"}, "Ligne 2, champ « région administrative »"),
        (
            {"historic_funding": Decimal("-1")},
            "Le financement historique ne peut pas être négatif.",
        ),
    ],
)
def test_import_with_bad_data_is_refused_in_french_and_nothing_is_saved(changes, expected):
    rows = [_row(neq="1140000001", legal_name="Premier"), _row(**changes)]
    with pytest.raises(ImportRefused) as error:
        import_organizations(rows, by=make_user(), at=at(2019, 1, 1))
    assert any(expected in message for message in error.value.messages), error.value.messages
    assert not Organization.objects.filter(legal_name="Premier").exists()


def test_statements_ending_before_they_start_are_refused_in_french():
    statements = FinancialStatements(
        organization=make_organization(),
        period_start=date(2019, 4, 1),
        period_end=date(2019, 3, 31),
        total_revenue=Decimal("1"),
        total_expenses=Decimal("1"),
        unrestricted_net_assets=Decimal("0"),
    )
    with pytest.raises(ValidationError) as error:
        statements.full_clean()
    assert "La fin de l'exercice doit suivre le début de l'exercice." in error.value.messages
    assert not FinancialStatements.objects.exists()


def test_for_user_scopes_organizations():
    mine, other = make_organization(), make_organization()
    representative = make_representative(mine)
    assert list(Organization.objects.for_user(representative)) == [mine]
    assert set(Organization.objects.for_user(make_user())) == {mine, other}
    from django.contrib.auth.models import AnonymousUser

    assert not Organization.objects.for_user(AnonymousUser()).exists()


def test_inactive_membership_gives_no_access():
    organization = make_organization()
    representative = make_representative(organization)
    membership = representative.memberships.get()
    membership.is_active = False
    membership.save()
    assert not Organization.objects.for_user(representative).exists()


def test_back_office_form_with_a_bad_neq_is_refused_in_french(client):
    client.force_login(make_user())
    response = client.post(
        "/admin/organizations/organization/add/",
        {
            "legal_name": "Organisme au NEQ invalide",
            "neq": "12AB",
            "legal_form": "qc_companies_part3",
            "incorporation_date": "2010-01-01",
            "street_address": "1, rue",
            "city": "Laval",
            "postal_code": "H7A 1A1",
            "region": "13",
            "refugees_received_per_year": 0,
            "fiscal_year_end_month": 3,
            "fiscal_year_end_day": 31,
            "board_members-TOTAL_FORMS": 0,
            "board_members-INITIAL_FORMS": 0,
            "memberships-TOTAL_FORMS": 0,
            "memberships-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "doit compter exactement 10 chiffres" in response.content.decode()
    assert not Organization.objects.filter(legal_name="Organisme au NEQ invalide").exists()
