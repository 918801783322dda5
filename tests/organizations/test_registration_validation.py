"""Registration refuses what cannot be true and writes what it keeps one way (issue 10):
a constitution date in the future, a postal code that is not Canadian, a phone number that is
not one; a NEQ typed with spaces loses its spaces, never digits."""

import html
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from soutien.core import clock
from soutien.organizations.models import Organization
from soutien.organizations.validators import normalize_phone, normalize_postal_code

pytestmark = pytest.mark.django_db

PASSWORD = "Lac-Megantic-2019!"


def registration(**changes):
    return {
        "full_name": "Camille Tremblay",
        "email": "camille@exemple.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "legal_name": "Accueil Estrie",
        "neq": "1170000001",
        "legal_form": "qc_companies_part3",
        "incorporation_date": "2010-03-01",
        "street_address": "10, rue King Ouest",
        "city": "Sherbrooke",
        "postal_code": "J1H 1N1",
        "region": "05",
        "notice_acknowledged": "on",
    } | changes


def register(client, capture, **changes):
    with capture(execute=True):
        return client.post(reverse("accounts:register"), registration(**changes))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("J1H 5Z9", "J1H 5Z9"),
        ("j1h5z9", "J1H 5Z9"),
        (" j1h  5z9 ", "J1H 5Z9"),
        ("J1H\u00a05Z9", "J1H 5Z9"),
    ],
)
def test_a_canadian_postal_code_is_stored_as_canada_post_writes_it(
    client, django_capture_on_commit_callbacks, typed, stored
):
    response = register(client, django_capture_on_commit_callbacks, postal_code=typed)
    assert response.status_code == 302
    assert Organization.objects.get().postal_code == stored


@pytest.mark.parametrize("typed", ["00000", "J1H5Z9X", "D1H 5Z9", "W1H 5Z9", "12345-6789"])
def test_a_postal_code_that_is_not_canadian_is_refused(
    client, django_capture_on_commit_callbacks, typed
):
    response = register(client, django_capture_on_commit_callbacks, postal_code=typed)
    assert response.status_code == 200
    assert "Inscrivez un code postal canadien" in html.unescape(response.content.decode())
    assert not Organization.objects.exists()


@pytest.mark.parametrize("typed", ["1170 000 001", " 1170000001 ", "1170\u00a0000\u00a0001"])
def test_a_neq_typed_with_spaces_loses_its_spaces_not_its_digits(
    client, django_capture_on_commit_callbacks, typed
):
    page = client.get(reverse("accounts:register")).content.decode()
    assert 'maxlength="10"' not in page.split('name="neq"')[1].split(">")[0]
    response = register(client, django_capture_on_commit_callbacks, neq=typed)
    assert response.status_code == 302
    assert Organization.objects.get().neq == "1170000001"


def test_a_constitution_date_in_the_future_is_refused(client, django_capture_on_commit_callbacks):
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    response = register(client, django_capture_on_commit_callbacks, incorporation_date=tomorrow)
    assert response.status_code == 200
    assert "Cette date est dans le futur" in html.unescape(response.content.decode())
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("819 555-1234", "819 555-1234"),
        ("(819) 555-1234", "819 555-1234"),
        ("8195551234", "819 555-1234"),
        ("+1 819.555.1234", "819 555-1234"),
        ("1-819-555-1234", "819 555-1234"),
        ("819 555-1234 poste 12", "819 555-1234 poste 12"),
        ("819-555-1234 ext. 305", "819 555-1234 poste 305"),
        ("819 555 1234 x7", "819 555-1234 poste 7"),
    ],
)
def test_a_north_american_phone_number_is_accepted_and_written_one_way(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", ["allo", "555-1234", "119 555-1234", "819 155-1234", "819555123"])
def test_a_phone_number_that_is_not_one_is_refused(typed):
    with pytest.raises(ValidationError, match="numéro de téléphone à 10 chiffres"):
        normalize_phone(typed)


def test_the_application_contact_phone_is_checked(client):
    from soutien.applications.forms import section_form_class
    from soutien.applications.sections import SECTIONS_BY_CODE

    form_class = section_form_class(SECTIONS_BY_CODE["identification"])
    form = form_class({"contact_phone": "allo"})
    assert not form.is_valid()
    assert "numéro de téléphone" in str(form.errors["contact_phone"])
    form = form_class({"contact_phone": "(819) 555-1234"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["contact_phone"] == "819 555-1234"


def test_postal_code_normalization_names_the_value():
    with pytest.raises(ValidationError) as error:
        normalize_postal_code("00000")
    assert "00000" in error.value.messages[0]
