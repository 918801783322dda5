"""The privacy notice (Loi 25; Loi sur l'accès, art. 65): shown at registration, at an
invitation's acceptance and where board members are entered, acknowledged with its version."""

import html

import pytest
from django.contrib import admin
from django.core import mail
from django.urls import reverse

from soutien.accounts.models import NoticeAcknowledgment, NoticeContext, Role, User
from soutien.accounts.privacy import NOTICE_VERSION
from soutien.core.admin import ActionOnlyAdmin
from soutien.organizations.actions import link_representative
from soutien.organizations.models import BoardMember, Invitation, Membership, Organization
from tests.accounts.test_portal_accounts import (
    PASSWORD,
    invite,
    link_in,
    register,
    registration,
)
from tests.factories import make_organization, make_representative, make_user

pytestmark = pytest.mark.django_db

REFUSED = "Cochez « J'ai lu l'avis de confidentialité »"


def text(response) -> str:
    return html.unescape(response.content.decode())


def board_data(**changes):
    return {
        "full_name": "Nadia Roy",
        "position": "president",
        "domiciled_in_quebec": "oui",
        "status": "citizen",
        "volunteer": "oui",
        "term_start": "2019-06-01",
    } | changes


def test_the_privacy_page_is_public_and_names_its_version_and_contact(client, settings):
    settings.PRIVACY_CONTACT_EMAIL = "protection@ministere.example"
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    page = text(response)
    assert reverse("privacy") == "/confidentialite/"
    assert "Politique de confidentialité" in page
    assert f"Version {NOTICE_VERSION}" in page
    assert "ministère de l'Immigration, de la Francisation et de l'Intégration" in page
    assert "protection@ministere.example" in page
    assert "6 ans" in page and "1 an" in page and "clause 3" in page


def test_registration_shows_the_notice_and_links_to_the_full_page(client):
    page = text(client.get(reverse("accounts:register")))
    assert "Avis de confidentialité" in page
    assert f'href="{reverse("privacy")}"' in page
    assert "J'ai lu l'avis de confidentialité" in page


def test_registration_without_the_box_is_refused_and_saves_nothing(
    client, django_capture_on_commit_callbacks
):
    data = registration()
    del data["notice_acknowledged"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register"), data)
    assert response.status_code == 200
    page = text(response)
    assert REFUSED in page
    assert 'href="#id_notice_acknowledged"' in page  # the summary leads to the box
    assert not User.objects.exists() and not Organization.objects.exists()
    assert not NoticeAcknowledgment.objects.exists()
    assert mail.outbox == []


def test_registration_records_the_acknowledgment_with_the_notice_version(
    client, django_capture_on_commit_callbacks
):
    response = register(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    acknowledgment = NoticeAcknowledgment.objects.get()
    assert acknowledgment.user == User.objects.get()
    assert acknowledgment.context == NoticeContext.REGISTRATION
    assert acknowledgment.notice_version == NOTICE_VERSION
    assert acknowledgment.organization is None and acknowledgment.at is not None


def test_the_acknowledgments_are_the_ministrys_only():
    assert NoticeAcknowledgment.scope_path is None


def test_the_invitation_email_links_to_the_privacy_page(client, django_capture_on_commit_callbacks):
    organization = make_organization()
    client.force_login(make_representative(organization))
    invite(client, organization, "sam@exemple.org", django_capture_on_commit_callbacks)
    body = mail.outbox[0].body
    assert "avis de confidentialité" in body and body.rstrip().endswith("/confidentialite/")


def accept(client, link, **changes):
    data = {
        "full_name": "Sam Gagnon",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "notice_acknowledged": "on",
    } | changes
    return client.post(link, {k: v for k, v in data.items() if v is not None})


def test_an_invitation_accepted_without_the_box_is_refused(
    client, django_capture_on_commit_callbacks
):
    organization = make_organization()
    client.force_login(make_representative(organization))
    invite(client, organization, "sam@exemple.org", django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()
    page = text(client.get(link))
    assert "Avis de confidentialité" in page and f'href="{reverse("privacy")}"' in page
    response = accept(client, link, notice_acknowledged=None)
    assert response.status_code == 200 and REFUSED in text(response)
    assert not User.objects.filter(email="sam@exemple.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_invitation_accepted_with_a_new_account_records_the_acknowledgment(
    client, django_capture_on_commit_callbacks
):
    organization = make_organization()
    client.force_login(make_representative(organization))
    invite(client, organization, "sam@exemple.org", django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()
    assert accept(client, link).status_code == 302
    acknowledgment = NoticeAcknowledgment.objects.get()
    assert acknowledgment.user.email == "sam@exemple.org"
    assert acknowledgment.context == NoticeContext.INVITATION
    assert acknowledgment.notice_version == NOTICE_VERSION
    assert acknowledgment.organization == organization


def test_an_existing_account_ticks_the_box_to_accept(client, django_capture_on_commit_callbacks):
    organization = make_organization()
    member = make_representative(organization)
    sam = make_representative(make_organization(), email="sam@exemple.org")
    client.force_login(member)
    invite(client, organization, "sam@exemple.org", django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.force_login(sam)
    assert "J'ai lu l'avis de confidentialité" in text(client.get(link))
    refused = client.post(link)
    assert REFUSED in text(refused)
    assert not Membership.objects.filter(user=sam, organization=organization).exists()
    assert client.post(link, {"notice_acknowledged": "on"}).status_code == 302
    assert NoticeAcknowledgment.objects.get(user=sam).organization == organization


def test_the_first_board_member_saved_asks_for_the_acknowledgment_then_never_again(client):
    organization = make_organization()
    representative = make_representative(organization)
    client.force_login(representative)
    add = reverse("organization:board_add", kwargs={"pk": organization.pk})
    page = text(client.get(add))
    assert "informez ces personnes" in page and "clause 3" in page
    assert 'name="notice_acknowledged"' in page
    refused = client.post(add, board_data())
    assert refused.status_code == 200 and REFUSED in text(refused)
    assert not BoardMember.objects.exists() and not NoticeAcknowledgment.objects.exists()

    assert client.post(add, board_data(notice_acknowledged="on")).status_code == 302
    acknowledgment = NoticeAcknowledgment.objects.get()
    assert (acknowledgment.user, acknowledgment.context) == (representative, NoticeContext.BOARD)
    assert acknowledgment.organization == organization
    assert acknowledgment.notice_version == NOTICE_VERSION

    page = text(client.get(add))
    assert "Avis de confidentialité" in page  # the notice stays, the box goes
    assert 'name="notice_acknowledged"' not in page
    assert client.post(add, board_data(full_name="Luc Fortin")).status_code == 302
    member = BoardMember.objects.get(full_name="Luc Fortin")
    edit = reverse(
        "organization:board_edit", kwargs={"pk": organization.pk, "member_pk": member.pk}
    )
    assert client.post(edit, board_data(volunteer="non", seen_version=1)).status_code == 302
    assert NoticeAcknowledgment.objects.count() == 1


def test_the_board_acknowledgment_is_per_organization(client):
    first, second = make_organization(), make_organization()
    representative = make_representative(first)
    link_representative(representative, second, by=None, at=representative.date_joined)
    client.force_login(representative)
    for organization in (first, second):
        add = reverse("organization:board_add", kwargs={"pk": organization.pk})
        assert 'name="notice_acknowledged"' in text(client.get(add))
        assert client.post(add, board_data(notice_acknowledged="on")).status_code == 302
    assert NoticeAcknowledgment.objects.filter(context=NoticeContext.BOARD).count() == 2


def test_a_new_version_of_the_notice_is_acknowledged_again(client, monkeypatch):
    organization = make_organization()
    representative = make_representative(organization)
    client.force_login(representative)
    add = reverse("organization:board_add", kwargs={"pk": organization.pk})
    client.post(add, board_data(notice_acknowledged="on"))
    monkeypatch.setattr("soutien.accounts.privacy.NOTICE_VERSION", "2020-1")
    monkeypatch.setattr("soutien.accounts.actions.NOTICE_VERSION", "2020-1")
    assert 'name="notice_acknowledged"' in text(client.get(add))


def test_ministry_staff_record_no_board_acknowledgment(client):
    organization = make_organization()
    client.force_login(make_user(Role.ADVISOR))
    add = reverse("organization:board_add", kwargs={"pk": organization.pk})
    assert client.post(add, board_data(notice_acknowledged="on")).status_code == 403
    assert not NoticeAcknowledgment.objects.exists()


def test_the_acknowledgments_are_read_in_the_admin_never_written(
    client, django_capture_on_commit_callbacks
):
    register(client, django_capture_on_commit_callbacks)
    assert isinstance(admin.site._registry[NoticeAcknowledgment], ActionOnlyAdmin)
    client.force_login(make_user(Role.ADMINISTRATOR))
    listing = client.get(reverse("admin:accounts_noticeacknowledgment_changelist"))
    assert listing.status_code == 200 and "camille@exemple.org" in text(listing)
    assert client.get(reverse("admin:accounts_noticeacknowledgment_add")).status_code == 403
