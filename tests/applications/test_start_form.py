"""« Commencer une demande » (5.1): each period says its stream, and volet 2 is offered only
to national groupings (issue 10)."""

import html

import pytest
from django.urls import reverse

from soutien.applications.models import Application
from tests.factories import make_organization, make_representative

from .portal_helpers import open_period

pytestmark = pytest.mark.django_db


def options(page: str, name: str) -> list[str]:
    select = page.split(f'name="{name}"')[1].split("</select>")[0]
    return [part.split(">", 1)[1].split("<")[0].strip() for part in select.split("<option")[1:]]


def start_page(client, organization):
    client.force_login(make_representative(organization))
    return html.unescape(client.get(reverse("portal:start")).content.decode())


def test_5_1_an_organization_is_offered_volet_1_only_with_one_option_per_period(client):
    open_period(stream=1), open_period(stream=2)
    page = start_page(client, make_organization())
    periods = options(page, "period")
    assert len(periods) == 1 and "volet 1" in periods[0]
    assert "Volet 2" not in page


def test_5_1_a_national_grouping_sees_two_distinct_periods_and_both_streams(client):
    open_period(stream=1), open_period(stream=2)
    page = start_page(client, make_organization(is_national_grouping=True))
    periods = options(page, "period")
    assert len(periods) == 2 and len(set(periods)) == 2
    assert "volet 1" in periods[0] and "volet 2" in periods[1]
    assert "Volet 2 — regroupements nationaux" in page


def test_5_1_a_period_of_the_other_stream_is_refused(client):
    open_period(stream=1)
    period_2 = open_period(stream=2)
    organization = make_organization(is_national_grouping=True)
    client.force_login(make_representative(organization))
    data = {"organization": organization.pk, "period": period_2.pk, "stream": "1"}
    response = client.post(reverse("portal:start"), data)
    assert response.status_code == 422
    assert "Cette période de dépôt est celle du volet 2" in html.unescape(response.content.decode())
    assert not Application.objects.exists()
