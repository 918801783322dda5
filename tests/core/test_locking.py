"""Optimistic locking: two staff members editing the same record do not overwrite each other.

Runs on SQLite and on PostgreSQL (make test runs the suite on both)."""

import pytest
from django.urls import reverse

from soutien.core.models import StaleRecord
from soutien.organizations.models import Organization
from tests.factories import make_organization, make_user

pytestmark = pytest.mark.django_db


def test_second_save_of_a_stale_copy_is_refused():
    organization = make_organization(legal_name="Avant")
    first = Organization.objects.get(pk=organization.pk)
    second = Organization.objects.get(pk=organization.pk)
    first.legal_name = "Première modification"
    first.save()
    second.legal_name = "Seconde modification"
    with pytest.raises(StaleRecord) as error:
        second.save()
    assert "modifié par une autre personne" in error.value.messages[0]
    organization.refresh_from_db()
    assert (organization.legal_name, organization.version) == ("Première modification", 2)
    assert second.version == 1  # unchanged: the person may reload and retry


def test_saving_a_fresh_copy_increments_the_version():
    organization = make_organization()
    organization.city = "Magog"
    organization.save()
    organization.city = "Coaticook"
    organization.save()
    organization.refresh_from_db()
    assert organization.version == 3


def _form_data(organization, **changes):
    data = {
        "legal_name": organization.legal_name,
        "neq": organization.neq,
        "legal_form": organization.legal_form,
        "incorporation_date": organization.incorporation_date.isoformat(),
        "street_address": organization.street_address,
        "city": organization.city,
        "postal_code": organization.postal_code,
        "region": organization.region_id,
        "head_office_in_quebec": "on",
        "majority_of_activities_in_quebec": "on",
        "refugees_received_per_year": 0,
        "fiscal_year_end_month": 3,
        "fiscal_year_end_day": 31,
        "seen_version": organization.version,
        "board_members-TOTAL_FORMS": 0,
        "board_members-INITIAL_FORMS": 0,
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_admin_refuses_to_save_over_a_newer_version(client):
    advisor = make_user()
    client.force_login(advisor)
    organization = make_organization(legal_name="Nom d'origine")
    url = reverse("admin:organizations_organization_change", args=[organization.pk])
    stale = _form_data(organization, legal_name="Nom de la conseillère A")

    # Another advisor saves first.
    response = client.post(url, _form_data(organization, legal_name="Nom de la conseillère B"))
    assert response.status_code == 302

    response = client.post(url, stale)
    assert response.status_code == 200
    assert "modifié par une autre personne" in response.content.decode()
    organization.refresh_from_db()
    assert organization.legal_name == "Nom de la conseillère B"
