"""The application starts from what the organization already said (issue 4)."""

import pytest
from django.utils import timezone

from soutien.applications import actions
from tests.applications.portal_helpers import open_period
from tests.factories import make_board, make_organization, make_representative
from tests.organizations.test_selfcheck import run_selfcheck

pytestmark = pytest.mark.django_db


def test_a_new_application_is_prefilled_from_the_profile_and_the_self_check(client):
    organization = make_organization()
    make_board(organization, size=5)
    organization.mission = "Accueillir les personnes immigrantes à Sherbrooke."
    organization.services = "Accueil, francisation, jumelage."
    organization.save()
    representative = make_representative(organization)
    client.force_login(representative)
    refugees = {"refugee_reception": "oui", "refugees_received_per_year": "85"}
    run_selfcheck(client, organization, refugies=refugees)

    application = actions.start_application(
        organization, period=open_period(), stream=1, by=representative, at=timezone.now()
    )

    assert application.mission == "Accueillir les personnes immigrantes à Sherbrooke."
    assert application.services == "Accueil, francisation, jumelage."
    assert application.refugees_received_last_year == 85
    assert application.contact_email == representative.email


def test_without_a_self_check_the_draft_starts_from_the_profile_alone():
    organization = make_organization()
    representative = make_representative(organization)
    application = actions.start_application(
        organization, period=open_period(), stream=1, by=representative, at=timezone.now()
    )
    assert application.mission == organization.mission
    assert application.refugees_received_last_year is None
