"""Accounts of the organizations' portal: registration, confirmation, login, reset, invitations."""

import html
import re
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from soutien.accounts.models import Role, User
from soutien.accounts.tokens import confirmation_token
from soutien.organizations.models import Invitation, Membership, Organization
from tests.factories import make_organization, make_representative, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "Lac-Megantic-2019!"


def registration(**changes):
    data = {
        "full_name": "Camille Tremblay",
        "email": "Camille@Exemple.org",
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
    data.update(changes)
    return data


def text(response) -> str:
    return html.unescape(response.content.decode())


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def register(client, capture, **changes):
    with capture(execute=True):
        return client.post(reverse("accounts:register"), registration(**changes))


def test_registration_creates_an_inactive_account_its_organization_and_sends_the_link(
    client, django_capture_on_commit_callbacks
):
    response = register(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:register_done")
    user = User.objects.get()
    assert user.email == "camille@exemple.org"
    assert not user.is_active and user.email_confirmed_at is None
    assert user.role == Role.REPRESENTATIVE
    organization = Organization.objects.get()
    assert organization.neq == "1170000001"
    assert Membership.objects.filter(user=user, organization=organization).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["camille@exemple.org"]
    assert "confirmez votre adresse" in mail.outbox[0].subject
    assert "/compte/confirmation/" in link_in(mail.outbox[0])


def test_registration_with_a_nine_digit_neq_names_the_field_in_french_and_saves_nothing(
    client, django_capture_on_commit_callbacks
):
    response = register(client, django_capture_on_commit_callbacks, neq="117000000")
    assert response.status_code == 200
    html = text(response)
    assert "Le numéro d'entreprise du Québec (NEQ) doit compter exactement 10 chiffres" in html
    assert 'href="#id_neq"' in html  # the error summary links to the field
    assert 'id="id_neq_erreur"' in html
    assert User.objects.count() == 0 and Organization.objects.count() == 0
    assert mail.outbox == []


def test_registration_refuses_an_email_already_used_whatever_its_case(
    client, django_capture_on_commit_callbacks
):
    make_user(Role.REPRESENTATIVE, email="camille@exemple.org")
    response = register(client, django_capture_on_commit_callbacks, email="CAMILLE@exemple.org")
    assert "Un compte existe déjà pour cette adresse courriel" in text(response)
    assert Organization.objects.count() == 0


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("court1!", "trop court"),
        ("12345678901", "entièrement numérique"),
        ("motdepasse", "trop courant"),
    ],
)
def test_registration_refuses_a_weak_password(
    client, django_capture_on_commit_callbacks, password, message
):
    response = register(
        client, django_capture_on_commit_callbacks, password1=password, password2=password
    )
    assert message in text(response)
    assert User.objects.count() == 0


def test_registration_refuses_two_different_passwords(client, django_capture_on_commit_callbacks):
    response = register(client, django_capture_on_commit_callbacks, password2=PASSWORD + "x")
    assert "Les deux mots de passe ne sont pas identiques" in text(response)


def test_registration_never_attaches_to_an_existing_organization_by_its_neq(
    client, django_capture_on_commit_callbacks
):
    existing = make_organization(neq="1170000001")
    response = register(client, django_capture_on_commit_callbacks)
    assert "Un organisme portant ce NEQ est déjà inscrit" in text(response)
    assert User.objects.count() == 0
    assert not Membership.objects.filter(organization=existing).exists()


def test_an_unconfirmed_account_cannot_log_in_and_is_told_to_confirm(
    client, django_capture_on_commit_callbacks
):
    register(client, django_capture_on_commit_callbacks)
    response = client.post(
        reverse("accounts:login"), {"username": "camille@exemple.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Confirmez d'abord votre adresse courriel" in text(response)
    assert "_auth_user_id" not in client.session


def test_the_confirmation_link_activates_the_account_and_signs_in(
    client, django_capture_on_commit_callbacks
):
    register(client, django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert "Confirmer mon adresse courriel" in text(page)
    assert not User.objects.get().is_active  # opening the link (a mail scanner) is not enough
    response = client.post(link)
    assert response.status_code == 302
    user = User.objects.get()
    assert user.is_active and user.email_confirmed_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)
    # Used again: already confirmed, go log in.
    client.logout()
    again = client.get(link)
    assert again["Location"] == reverse("accounts:login")


def test_an_altered_confirmation_link_is_refused(client):
    user = make_user(Role.REPRESENTATIVE, is_active=False)
    token = confirmation_token(user)
    response = client.get(reverse("accounts:confirm", kwargs={"token": token[:-2] + "xx"}))
    assert response.status_code == 400
    assert "Ce lien de confirmation n'est pas valide" in text(response)
    assert not User.objects.get(pk=user.pk).is_active


def test_an_expired_confirmation_link_is_refused(client, settings):
    user = make_user(Role.REPRESENTATIVE, is_active=False)
    with mock.patch("time.time", return_value=1_000_000_000):
        token = confirmation_token(user)
    response = client.post(reverse("accounts:confirm", kwargs={"token": token}))
    assert response.status_code == 400
    assert "Ce lien de confirmation a expiré" in text(response)
    assert not User.objects.get(pk=user.pk).is_active


def test_login_with_email_in_any_case_goes_to_the_portal(client):
    make_user(Role.REPRESENTATIVE, email="alex@exemple.org")
    user = User.objects.get(email="alex@exemple.org")
    user.set_password(PASSWORD)
    user.save()
    response = client.post(
        reverse("accounts:login"), {"username": " Alex@Exemple.org ", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_gets_a_french_message_that_says_what_to_do(client):
    make_user(Role.REPRESENTATIVE, email="alex@exemple.org")
    response = client.post(
        reverse("accounts:login"), {"username": "alex@exemple.org", "password": "mauvais"}
    )
    assert "L'adresse courriel ou le mot de passe est incorrect" in text(response)


def test_login_is_locked_after_repeated_failures_with_a_french_message(client, settings):
    user = make_user(Role.REPRESENTATIVE, email="alex@exemple.org")
    user.set_password(PASSWORD)
    user.save()
    url = reverse("accounts:login")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert (
            client.post(url, {"username": "alex@exemple.org", "password": "x"}).status_code == 200
        )
    locked = client.post(url, {"username": "alex@exemple.org", "password": "x"})
    assert locked.status_code == 429
    assert "Connexion temporairement bloquée" in text(locked)
    # Even the right password is refused during the lockout.
    right = client.post(url, {"username": "alex@exemple.org", "password": PASSWORD})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username="alex@exemple.org").exists()


def test_the_test_client_can_still_log_in_and_force_login(client):
    user = make_user(Role.REPRESENTATIVE, email="alex@exemple.org")
    assert client.login(username="alex@exemple.org", password="pw")
    client.logout()
    client.force_login(user)
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_password_reset_sends_a_french_link_that_sets_a_new_password(
    client, django_capture_on_commit_callbacks
):
    user = make_user(Role.REPRESENTATIVE, email="alex@exemple.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "alex@exemple.org"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    assert "nouveau mot de passe" in mail.outbox[0].subject
    link = link_in(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert "Choisissez un nouveau mot de passe" in text(form_page)
    post_url = form_page.redirect_chain[-1][0]
    done = client.post(
        post_url, {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True
    )
    assert "Votre nouveau mot de passe est enregistré" in text(done)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    # The link serves once.
    reused = client.get(link, follow=True)
    assert "Ce lien n'est plus valide" in text(reused)


def test_password_reset_for_an_unknown_email_says_the_same_and_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:password_reset"), {"email": "personne@exemple.org"}
        )
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


# --- Invitations ----------------------------------------------------------------------


def invite(client, organization, email, capture):
    with capture(execute=True):
        return client.post(
            reverse("organization:colleagues", kwargs={"pk": organization.pk}), {"email": email}
        )


def test_a_member_invites_a_colleague_who_creates_an_account_and_joins(
    client, django_capture_on_commit_callbacks
):
    organization = make_organization()
    member = make_representative(organization)
    client.force_login(member)
    response = invite(client, organization, "Sam@Exemple.org", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sam@exemple.org"]
    link = link_in(mail.outbox[0])
    client.logout()
    page = client.get(link)
    assert "Créez votre compte" in text(page)
    response = client.post(
        link,
        {
            "full_name": "Sam Gagnon",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "notice_acknowledged": "on",
        },
    )
    assert response["Location"] == reverse("organization:profile", kwargs={"pk": organization.pk})
    sam = User.objects.get(email="sam@exemple.org")
    assert sam.is_active and sam.email_confirmed_at is not None
    assert Membership.objects.filter(user=sam, organization=organization, is_active=True).exists()
    assert Invitation.objects.get().accepted_by == sam
    # Both work on the same organization's files.
    assert (
        client.get(reverse("organization:profile", kwargs={"pk": organization.pk})).status_code
        == 200
    )
    # The link cannot be used a second time.
    client.logout()
    again = client.get(link)
    assert "Cette invitation a déjà été acceptée" in text(again)


def test_an_altered_invitation_link_is_refused(client, django_capture_on_commit_callbacks):
    organization = make_organization()
    member = make_representative(organization)
    client.force_login(member)
    invite(client, organization, "sam@exemple.org", django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()
    response = client.post(
        link[:-3] + "zz/",
        {
            "full_name": "X",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "notice_acknowledged": "on",
        },
    )
    assert response.status_code == 400
    assert "Ce lien d'invitation n'est pas valide" in text(response)
    assert not User.objects.filter(email="sam@exemple.org").exists()


def test_an_expired_invitation_link_is_refused(client, django_capture_on_commit_callbacks):
    organization = make_organization()
    member = make_representative(organization)
    client.force_login(member)
    with mock.patch("time.time", return_value=1_000_000_000):
        invite(client, organization, "sam@exemple.org", django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()
    response = client.get(link)
    assert response.status_code == 400
    assert "Cette invitation a expiré" in text(response)


def test_inviting_someone_already_member_is_refused(client, django_capture_on_commit_callbacks):
    organization = make_organization()
    member = make_representative(organization)
    colleague = make_representative(organization)
    client.force_login(member)
    response = invite(client, organization, colleague.email, django_capture_on_commit_callbacks)
    assert "Cette personne est déjà membre de l'organisme" in text(response)
    assert mail.outbox == []


def test_an_existing_account_accepts_after_logging_in_with_the_invited_email(
    client, django_capture_on_commit_callbacks
):
    organization = make_organization()
    other = make_organization()
    member = make_representative(organization)
    sam = make_representative(other, email="sam@exemple.org")
    client.force_login(member)
    invite(client, organization, "sam@exemple.org", django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client.logout()
    anonymous = client.get(link)
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous["Location"]
    client.force_login(member)  # signed in as someone else: refused
    refused = client.post(link, {"notice_acknowledged": "on"})
    assert "Cette invitation a été envoyée à sam@exemple.org" in text(refused)
    client.force_login(sam)
    response = client.post(link, {"notice_acknowledged": "on"})
    assert response.status_code == 302
    assert Membership.objects.filter(user=sam, organization=organization).exists()
    assert Membership.objects.filter(user=sam, organization=other).exists()


def test_accepting_when_already_member_says_so(client, django_capture_on_commit_callbacks):
    from soutien.organizations import actions

    organization = make_organization()
    member = make_representative(organization)
    sam = make_user(Role.REPRESENTATIVE, email="sam@exemple.org")
    client.force_login(member)
    invite(client, organization, "sam@exemple.org", django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    actions.link_representative(sam, organization, by=None, at=member.date_joined)
    client.force_login(sam)
    response = client.post(link, {"notice_acknowledged": "on"})
    assert "Vous êtes déjà membre de cet organisme" in text(response)
