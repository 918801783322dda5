"""The attachment to the Ministry (5.2, third tier) is established by the Ministry, never by the
organization: no portal form sets it, and staff mark it with a reason, journaled."""

import html
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from soutien.accounts.models import Role
from soutien.core.models import JournalEntry
from soutien.organizations import actions
from soutien.organizations.forms import IdentityForm, MissionForm, ReceptionForm, RegistrationForm
from soutien.organizations.models import Organization
from tests.accounts.test_portal_accounts import registration
from tests.factories import at, make_application, make_organization, make_representative, make_user

pytestmark = pytest.mark.django_db

REASON = "Financé par le programme précédent depuis 2015 (dossier papier)."


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def organization():
    return make_organization(attached_to_ministry=False)


@pytest.mark.parametrize("form", [IdentityForm, MissionForm, ReceptionForm, RegistrationForm])
def test_no_form_of_the_portal_asks_for_the_attachment(form):
    assert not {"attached_to_ministry", "attached_since", "attached_reason"} & set(form.base_fields)


def test_an_organization_cannot_make_itself_attached_through_its_profile(client, organization):
    client.force_login(make_representative(organization))
    response = client.post(
        reverse("organization:edit", kwargs={"pk": organization.pk, "section": "rattachement"}),
        {
            "is_national_grouping": "non",
            "attached_to_ministry": "oui",
            "attached_since": "2010-04-01",
            "attached_reason": "Nous sommes rattachés.",
            "refugee_reception": "non",
            "refugees_received_per_year": "0",
            "seen_version": organization.version,
        },
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.attached_to_ministry is False
    assert organization.attached_since is None and organization.attached_reason == ""


def test_an_organization_cannot_register_itself_as_attached(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:register"),
            registration(attached_to_ministry="oui", attached_since="2010-04-01"),
        )
    assert response.status_code == 302
    organization = Organization.objects.get()
    assert organization.attached_to_ministry is False and organization.attached_since is None


def test_the_profile_update_refuses_the_attachment_whoever_calls_it(organization):
    representative = make_representative(organization)
    with pytest.raises(ValidationError) as error:
        actions.update_organization(
            organization,
            data={"attached_to_ministry": True},
            seen_version=organization.version,
            by=representative,
            at=at(2019, 10, 1),
        )
    assert "Ministère" in str(error.value)
    organization.refresh_from_db()
    assert organization.attached_to_ministry is False


def test_the_program_manager_marks_an_organization_attached_with_a_reason(organization):
    manager = make_user(Role.MANAGER)
    actions.mark_attached(
        organization, since=date(2015, 4, 1), reason=REASON, by=manager, at=at(2019, 10, 1)
    )
    organization.refresh_from_db()
    assert organization.attached_to_ministry is True
    assert organization.attached_since == date(2015, 4, 1)
    assert organization.attached_reason == REASON
    entry = JournalEntry.objects.get(action="organization.attachment_marked")
    assert entry.actor == manager and entry.reason == REASON
    assert entry.data == {"since": "2015-04-01"}


def test_marking_attached_without_a_reason_is_refused_and_saves_nothing(organization):
    with pytest.raises(ValidationError) as error:
        actions.mark_attached(
            organization,
            since=date(2015, 4, 1),
            reason="  ",
            by=make_user(Role.MANAGER),
            at=at(2019, 10, 1),
        )
    assert "motif" in error.value.message_dict["reason"][0]
    organization.refresh_from_db()
    assert organization.attached_to_ministry is False
    assert not JournalEntry.objects.filter(action="organization.attachment_marked").exists()


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.FINANCE, Role.REPRESENTATIVE])
def test_only_the_program_manager_marks_an_organization_attached(organization, role):
    user = make_representative(organization) if role == Role.REPRESENTATIVE else make_user(role)
    with pytest.raises(PermissionDenied):
        actions.mark_attached(
            organization, since=date(2015, 4, 1), reason=REASON, by=user, at=at(2019, 10, 1)
        )
    organization.refresh_from_db()
    assert organization.attached_to_ministry is False


def test_the_ministry_withdraws_its_mark_with_a_reason(organization):
    manager = make_user(Role.MANAGER)
    actions.mark_attached(
        organization, since=date(2015, 4, 1), reason=REASON, by=manager, at=at(2019, 10, 1)
    )
    with pytest.raises(ValidationError):
        actions.withdraw_attachment(organization, reason="", by=manager, at=at(2019, 10, 2))
    actions.withdraw_attachment(
        organization, reason="Marqué par erreur.", by=manager, at=at(2019, 10, 2)
    )
    organization.refresh_from_db()
    assert organization.attached_to_ministry is False and organization.attached_since is None
    assert JournalEntry.objects.get(action="organization.attachment_withdrawn").reason == (
        "Marqué par erreur."
    )


def test_the_dossier_page_marks_attached_and_shows_who_and_why(client, organization):
    application = make_application(organization)
    manager = make_user(Role.MANAGER)
    client.force_login(manager)
    url = reverse("workspace:attachment", args=[application.pk])
    refused = client.post(url, {"action": "mark", "since": "2015-04-01", "reason": ""})
    assert refused.status_code == 302
    organization.refresh_from_db()
    assert organization.attached_to_ministry is False
    page = text(client.get(reverse("workspace:application", args=[application.pk])))
    assert "Motif : Indiquez le motif du rattachement." in page
    assert "Rattachement non établi" in page

    response = client.post(url, {"action": "mark", "since": "2015-04-01", "reason": REASON})
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.attached_to_ministry is True
    page = text(client.get(reverse("workspace:application", args=[application.pk])))
    assert "Rattachement au Ministère (5.2)" in page
    assert REASON in page and manager.full_name in page


def test_an_advisor_cannot_mark_an_organization_attached_from_the_dossier_page(
    client, organization
):
    application = make_application(organization)
    client.force_login(make_user(Role.ADVISOR))
    response = client.post(
        reverse("workspace:attachment", args=[application.pk]),
        {"action": "mark", "since": "2015-04-01", "reason": REASON},
    )
    assert response.status_code == 403
    assert "gestionnaire du programme" in text(response)
    organization.refresh_from_db()
    assert organization.attached_to_ministry is False
