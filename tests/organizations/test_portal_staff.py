"""Staff read an organization's portal pages; they never act as its members (issue 9, item 5)."""

import html

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from soutien.accounts.models import Role
from soutien.core import clock
from soutien.organizations import actions
from soutien.organizations.models import Invitation, Membership, Organization
from tests.factories import make_application, make_organization, make_representative, make_user
from tests.organizations.test_portal_profile import edit_url, identity

pytestmark = pytest.mark.django_db

STAFF_ROLES = (Role.ADVISOR, Role.MANAGER, Role.FINANCE, Role.ADMINISTRATOR)


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def organization():
    return make_organization(legal_name="Accueil Estrie", neq="1170000001")


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_read_the_profile_without_its_edit_links(client, organization, role):
    client.force_login(make_user(role))
    response = client.get(reverse("organization:profile", kwargs={"pk": organization.pk}))
    assert response.status_code == 200
    page = text(response)
    assert "Accueil Estrie" in page
    assert "en tant que membre du personnel du Ministère" in page
    assert edit_url(organization) not in page
    colleagues = client.get(reverse("organization:colleagues", kwargs={"pk": organization.pk}))
    assert colleagues.status_code == 200
    assert "Envoyer l'invitation" not in text(colleagues)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_cannot_edit_the_profile_through_the_portal(client, organization, role):
    client.force_login(make_user(role))
    assert client.get(edit_url(organization)).status_code == 403
    response = client.post(edit_url(organization), identity(organization, city="Ailleurs"))
    assert response.status_code == 403
    assert "seuls les membres de l'organisme" in text(response)
    assert Organization.objects.get(pk=organization.pk).city == organization.city


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_staff_cannot_invite_anyone_into_an_organization(client, organization, role):
    client.force_login(make_user(role))
    response = client.post(
        reverse("organization:colleagues", kwargs={"pk": organization.pk}),
        {"email": "dehors@exemple.test"},
    )
    assert response.status_code == 403
    assert not Invitation.objects.filter(organization=organization).exists()


def test_the_invitation_action_refuses_staff_and_non_members_whatever_calls_it(organization):
    for person in (make_user(Role.MANAGER), make_representative(make_organization())):
        with pytest.raises(PermissionDenied):
            actions.invite_colleague(
                organization,
                email="dehors@exemple.test",
                by=person,
                at=clock.now(),
            )
    assert not Invitation.objects.filter(organization=organization).exists()


def test_the_profile_action_refuses_staff(organization):
    with pytest.raises(PermissionDenied, match="personnel du Ministère"):
        actions.update_organization(
            organization,
            data={"city": "Ailleurs"},
            seen_version=organization.version,
            by=make_user(Role.ADMINISTRATOR),
            at=clock.now(),
        )


def test_a_member_still_invites_a_colleague(client, organization):
    client.force_login(make_representative(organization))
    response = client.post(
        reverse("organization:colleagues", kwargs={"pk": organization.pk}),
        {"email": "collegue@exemple.test"},
    )
    assert response.status_code == 302
    assert Invitation.objects.filter(organization=organization).count() == 1


def test_staff_cannot_fill_in_or_submit_an_organization_application(client, organization):
    application = make_application(organization)
    client.force_login(make_user(Role.ADVISOR))
    detail = client.get(reverse("portal:application", kwargs={"pk": application.pk}))
    assert detail.status_code == 200
    for name in ("portal:submit", "portal:documents"):
        url = reverse(name, kwargs={"pk": application.pk})
        assert client.post(url, {}).status_code == 403
    assert client.post(reverse("portal:start"), {}).status_code == 403
    assert not Membership.objects.filter(organization=organization, user__is_staff=True).exists()
