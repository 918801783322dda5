"""What used to be a server error is a French message (issue 10): a second decision or a
second agreement, a dashboard filter that is not in its list."""

import html

import pytest
from django.urls import reverse

from soutien.agreements.models import Agreement
from soutien.evaluations.models import Decision
from tests.workspace.helpers import granted_decision, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return staff()


def flashed(client) -> str:
    return " ".join(str(m) for m in client.get(reverse("workspace:dashboard")).context["messages"])


def test_5_2_deciding_a_dossier_twice_is_a_message_and_keeps_one_decision(people, client):
    _application, evaluation, _decision = granted_decision(people)
    client.force_login(people["manager"])
    response = client.post(
        reverse("workspace:decide", args=[evaluation.pk]), {"outcome": "granted"}
    )
    assert response.status_code == 302
    assert "a déjà été rendue" in flashed(client)
    assert Decision.objects.count() == 1


def test_5_4_preparing_an_agreement_twice_is_a_message_and_keeps_one_agreement(people, client):
    _application, _evaluation, decision = granted_decision(people)
    client.force_login(people["manager"])
    path = reverse("workspace:prepare_agreement", args=[decision.pk])
    data = {"duration_years": "1", "signatory_name": "Jeanne", "signatory_title": ""}
    assert client.post(path, data).status_code == 302
    response = client.post(path, data)
    assert response.status_code == 422
    assert "déjà préparée" in " ".join(html.unescape(response.content.decode()).split())
    assert Agreement.objects.count() == 1


@pytest.mark.parametrize(
    "params",
    [
        {"fiscal_year": "abc"},
        {"stream": "z"},
        {"priority": "q"},
        {"advisor": "x"},
        {"region": "r"},
        {"state": "s"},
        {"page": "zz"},
        {"fiscal_year": "9" * 30},
    ],
)
def test_a_dashboard_filter_outside_its_list_is_a_french_message(people, client, params):
    client.force_login(people["manager"])
    response = client.get(reverse("workspace:dashboard"), params)
    assert response.status_code in (200, 422)
