"""The staff's dossier page shows the application's own answers, section by section, beside the
organization's profile, with a constant number of queries."""

import html
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from soutien.accounts.models import Role
from soutien.applications import actions as application_actions
from soutien.applications.models import FundingSourceKind, Kind
from tests.factories import at, make_application, make_organization, make_user

pytestmark = pytest.mark.django_db


def text(response) -> str:
    page = html.unescape(response.content.decode())
    return page.replace("\u202f", " ").replace("\u00a0", " ")


def answered(application, *, lines=1, **changes):
    values = {
        "contact_name": "Camille Tremblay",
        "contact_title": "Directrice générale",
        "contact_email": "camille@accueil-estrie.example",
        "contact_phone": "819 555-1234",
        "mission": "Accueillir les familles réfugiées nouvellement arrivées en Estrie.",
        "services": "Jumelage interculturel, aide à l'installation, francisation.",
        "territory_served": "Ville de Sherbrooke et MRC du Val-Saint-François",
        "refugees_received_last_year": 420,
        "refugees_expected": 450,
    }
    values.update(changes)
    for name, value in values.items():
        setattr(application, name, value)
    application.save()
    sources = list(FundingSourceKind)[:lines]
    application_actions.save_finances(
        application,
        estimated_operating_costs=Decimal("412000"),
        lines={
            source.value: (Decimal("75000") + n, f"Bailleur fictif n° {n}")
            for n, source in enumerate(sources)
        },
        statements=None,
        by=make_user(Role.ADVISOR),
        at=at(2019, 1, 20),
    )
    return application


@pytest.fixture
def organization():
    return make_organization(
        legal_name="Accueil Estrie",
        mission="Mission inscrite au profil de l'organisme.",
        refugee_reception=True,
        refugees_received_per_year=289,
    )


def page_of(client, application):
    client.force_login(make_user(Role.ADVISOR))
    response = client.get(reverse("workspace:application", args=[application.pk]))
    assert response.status_code == 200
    return text(response)


def test_the_dossier_page_shows_the_application_answers_beside_the_profile(client, organization):
    application = answered(make_application(organization))
    page = page_of(client, application)
    for section in ("Identification", "Mission et services", "Accueil des personnes réfugiées"):
        assert f">{section}<" in page
    assert "Personne à joindre" in page and "Camille Tremblay" in page
    assert "camille@accueil-estrie.example" in page and "819 555-1234" in page
    assert "Mission de l'organisme" in page
    assert "Accueillir les familles réfugiées nouvellement arrivées en Estrie." in page
    assert "Jumelage interculturel, aide à l'installation, francisation." in page
    assert "Ville de Sherbrooke et MRC du Val-Saint-François" in page
    assert "Personnes réfugiées accueillies au dernier exercice complété" in page
    assert ">420<" in page and ">450<" in page
    # The profile, beside.
    assert "Profil de l'organisme" in page
    assert "Mission inscrite au profil de l'organisme." in page
    assert ">289<" in page


def test_the_dossier_page_shows_the_declared_finances_and_funding_lines(client, organization):
    application = answered(make_application(organization), lines=2)
    page = page_of(client, application)
    assert ">Finances<" in page
    assert "Coûts estimés de fonctionnement de l'année visée" in page and "412 000 $" in page
    assert "Bailleur fictif n° 0" in page and "75 000 $" in page
    assert "Bailleur fictif n° 1" in page and "75 001 $" in page
    assert "Autres aides publiques du Québec et du Canada" in page and "150 001 $" in page
    # The statements the finances section names (6.1.3).
    assert "Dépenses totales" in page and "290 000 $" in page
    assert "Actif net non affecté" in page and "40 000 $" in page


def test_the_renewal_section_is_shown_for_a_renewal_only(client, organization):
    initial = answered(make_application(organization))
    assert "Ce qui a changé depuis l'année précédente" not in page_of(client, initial)
    renewal = answered(
        make_application(organization, fiscal_year=2020),
        changes_summary="Nouvelle directrice générale depuis juin.",
        eligibility_confirmed=True,
    )
    renewal.kind = Kind.RENEWAL
    renewal.renews = initial
    renewal.save()
    page = page_of(client, renewal)
    assert ">Reconduction<" in page
    assert "Ce qui a changé depuis l'année précédente" in page
    assert "Nouvelle directrice générale depuis juin." in page
    assert "L'organisme satisfait toujours aux conditions d'admissibilité du programme" in page


def queries(client, application) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("workspace:application", args=[application.pk]))
    assert response.status_code == 200
    return len(captured)


def test_the_dossier_page_runs_a_constant_number_of_queries(client):
    client.force_login(make_user(Role.MANAGER))
    few = answered(make_application(make_organization()), lines=1)
    many = answered(
        make_application(make_organization(), kind=Kind.RENEWAL),
        lines=len(FundingSourceKind),
    )
    many.renews = few
    many.save()
    assert queries(client, few) == queries(client, many)
