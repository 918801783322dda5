"""Every link sent by email starts with the configured site address (SOUTIEN_SITE_URL), never
with the address of the request that caused it (issue 10)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from soutien.accounts.models import Role
from soutien.applications import actions as application_actions
from soutien.core import clock
from soutien.core.urls import absolute, absolute_url
from soutien.organizations import actions as organization_actions
from tests.factories import (
    make_application,
    make_organization,
    make_representative,
    make_user,
    submit_complete,
)

pytestmark = pytest.mark.django_db

SITE = "https://soutien.exemple.quebec:8443"
PASSWORD = "Lac-Megantic-2019!"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "autre.adresse.example"]


def links(message) -> list[str]:
    return re.findall(r"https?://\S+", message.body)


def only_link(message) -> str:
    (link,) = links(message)
    return link


def test_absolute_joins_the_site_address_and_a_path_with_one_slash(settings):
    settings.SITE_URL = "http://192.0.2.7:9000/"
    assert absolute("/compte/connexion/") == "http://192.0.2.7:9000/compte/connexion/"
    assert absolute("compte/") == "http://192.0.2.7:9000/compte/"
    assert absolute_url("accounts:login") == "http://192.0.2.7:9000/compte/connexion/"


def test_the_confirmation_link_uses_the_site_address_not_the_request_host(
    client, django_capture_on_commit_callbacks
):
    data = {
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
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:register"), data, HTTP_HOST="autre.adresse.example"
        )
    assert response.status_code == 302
    assert only_link(mail.outbox[0]).startswith(f"{SITE}/compte/confirmation/")


def test_the_invitation_link_uses_the_site_address(client, django_capture_on_commit_callbacks):
    organization = make_organization()
    member = make_representative(organization)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organization:colleagues", args=[organization.pk]),
            {"email": "collegue@exemple.org"},
            HTTP_HOST="autre.adresse.example",
        )
    assert response.status_code == 302
    invitation, privacy = links(mail.outbox[0])
    assert invitation.startswith(f"{SITE}/compte/invitation/")
    assert privacy == f"{SITE}/confidentialite/"


def test_the_password_reset_link_uses_the_site_address(client, django_capture_on_commit_callbacks):
    make_user(Role.REPRESENTATIVE, email="amina@exemple.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:password_reset"),
            {"email": "amina@exemple.org"},
            HTTP_HOST="autre.adresse.example",
        )
    assert only_link(mail.outbox[0]).startswith(f"{SITE}/compte/mot-de-passe/")


def test_the_acknowledgment_and_request_links_use_the_site_address(
    django_capture_on_commit_callbacks,
):
    organization = make_organization()
    rep = make_representative(organization)
    application = make_application(organization, by=rep)
    with django_capture_on_commit_callbacks(execute=True):
        submit_complete(application, by=rep)
    with django_capture_on_commit_callbacks(execute=True):
        application_actions.request_correction(
            application,
            by=make_user(Role.ADVISOR),
            at=clock.now(),
            reason="Le budget est incomplet.",
        )
    sent = [link for message in mail.outbox for link in links(message)]
    assert len(sent) >= 3  # the acknowledgment, its PDF, the request to answer
    assert all(link.startswith(f"{SITE}/espace/") for link in sent)


def test_the_invitation_action_takes_no_address_from_its_caller():
    organization = make_organization()
    invitation = organization_actions.invite_colleague(
        organization,
        email="collegue@exemple.org",
        by=make_representative(organization),
        at=clock.now(),
    )
    assert invitation.pk is not None
