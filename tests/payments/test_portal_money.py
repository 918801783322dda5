"""The organization sees its money in the portal (6.2)."""

from datetime import date
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from soutien.accounts.models import Role
from soutien.agreements import actions
from tests.agreements.test_agreements import signed
from tests.factories import at, make_organization, make_representative, make_user

pytestmark = pytest.mark.django_db

URL = "/espace/conventions/"


def _page(client, user):
    client.force_login(user)
    with mock.patch("soutien.core.clock.today", return_value=date(2019, 12, 15)):
        return client.get(URL)


def test_url_is_named():
    assert reverse("portal:agreements") == URL


def test_6_2_a_representative_sees_its_installments_and_their_states(client):
    _advisor, agreement = signed()
    first = agreement.years.first().installments.order_by("sequence").first()
    actions.pay_installment(
        first,
        paid_on=date(2019, 11, 15),
        payment_number="P-1",
        by=make_user(Role.FINANCE),
        at=at(2019, 11, 15),
    )
    response = _page(client, make_representative(agreement.organization))
    text = response.content.decode()
    assert response.status_code == 200
    assert agreement.reference in text
    assert "novembre 2019" in text and "mars 2020" in text
    assert "Versé le 15 novembre 2019 (paiement n° P-1) (6.2)" in text
    assert "Prévu" in text or "Payable" in text or "Retenu" in text


def test_another_organization_sees_nothing_of_it(client):
    _advisor, agreement = signed()
    response = _page(client, make_representative(make_organization()))
    text = response.content.decode()
    assert agreement.reference not in text
    assert "Aucune convention pour le moment." in text


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"] or "connexion" in response["Location"]


def test_dashboard_links_to_the_page(client):
    _advisor, agreement = signed()
    client.force_login(make_representative(agreement.organization))
    text = client.get("/espace/").content.decode()
    assert "Mes conventions et versements" in text


def test_the_page_is_at_a_constant_number_of_queries(client):
    from soutien.organizations.actions import link_representative
    from tests.payments.helpers import paying_program

    _people, _env, agreements = paying_program(3)
    user = make_representative(agreements[0].organization)
    _page(client, user)
    with CaptureQueriesContext(connection) as one:
        _page(client, user)
    for agreement in agreements[1:]:
        link_representative(user, agreement.organization, by=None, at=at(2019, 1, 1))
    with CaptureQueriesContext(connection) as three:
        response = _page(client, user)
    assert all(a.reference in response.content.decode() for a in agreements)
    assert len(three) == len(one)


def test_6_2_other_terms_are_shown_to_the_organization_with_their_reason(client):
    from soutien.payments import actions as payments

    _advisor, agreement = signed()
    march = agreement.years.first().installments.get(due_month=3)
    payments.reschedule_installment(
        march,
        due_year=2020,
        due_month=2,
        reason="Fermeture des bureaux en mars.",
        by=make_user(Role.MANAGER),
        at=at(2019, 12, 1),
    )
    page = _page(client, make_representative(agreement.organization)).content.decode()
    assert "Reporté en février 2020 : Fermeture des bureaux en mars." in page
