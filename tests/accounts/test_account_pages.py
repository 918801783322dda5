"""« Mon compte » (name, email, password), the resent confirmation link, the home page's links
and the help page (issue 10)."""

import html
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from soutien.accounts.models import Role, User
from soutien.core.models import JournalEntry
from tests.factories import make_organization, make_representative, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "Lac-Megantic-2019!"
NEW_PASSWORD = "Riviere-du-Loup-2020?"


def text(response) -> str:
    return html.unescape(response.content.decode())


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


@pytest.fixture
def person():
    user = make_representative(make_organization(), email="amina@exemple.org")
    user.full_name = "Amina Diallo"
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def signed_in(client, person):
    client.force_login(person)
    return client


def journal(user, action):
    return JournalEntry.objects.for_subject(user).filter(action=action)


# --- « Mon compte » ---------------------------------------------------------------------


def test_the_account_page_needs_a_login(client):
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_account_page_shows_the_three_forms_and_is_linked_from_every_page(signed_in):
    page = text(signed_in.get(reverse("accounts:account")))
    assert "Mon compte" in page
    assert 'value="Amina Diallo"' in page
    assert "Nouvelle adresse courriel" in page
    assert reverse("accounts:password_change") in page
    dashboard = text(signed_in.get(reverse("portal:dashboard")))
    assert f'href="{reverse("accounts:account")}"' in dashboard


def test_a_name_change_is_saved_and_journaled(signed_in, person):
    response = signed_in.post(reverse("accounts:change_name"), {"full_name": "  Amina  Sow "})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Amina Sow"
    entry = journal(person, "account.name_changed").get()
    assert entry.data == {"from": "Amina Diallo", "to": "Amina Sow"}
    assert "Votre nom est changé." in text(signed_in.get(response["Location"]))


def test_an_empty_name_is_refused_naming_the_field(signed_in, person):
    page = text(signed_in.post(reverse("accounts:change_name"), {"full_name": "  "}))
    assert "Nom complet : Saisissez votre nom complet." in page
    person.refresh_from_db()
    assert person.full_name == "Amina Diallo"


def test_an_email_change_is_confirmed_by_a_link_sent_to_the_new_address(
    signed_in, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            reverse("accounts:change_email"),
            {"email": "Amina.Sow@Exemple.org", "current_password": PASSWORD},
        )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == "amina@exemple.org"  # not before the link is opened
    (message,) = mail.outbox
    assert message.to == ["amina.sow@exemple.org"]
    link = path_of(link_in(message))
    page = text(signed_in.get(link))
    assert "Confirmez que amina.sow@exemple.org devient l'adresse de votre compte" in page
    person.refresh_from_db()
    assert person.email == "amina@exemple.org"  # a GET (a mail scanner) changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(link)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == "amina.sow@exemple.org"
    assert mail.outbox[-1].to == ["amina@exemple.org"]  # the former address is told
    assert "amina.sow@exemple.org" in mail.outbox[-1].body
    assert journal(person, "account.email_change_requested").count() == 1
    assert journal(person, "account.email_changed").get().data == {
        "from": "amina@exemple.org",
        "to": "amina.sow@exemple.org",
    }
    # the link served once
    assert signed_in.post(link).status_code == 400


def test_an_email_change_with_the_wrong_password_is_refused_naming_the_field(signed_in, person):
    page = text(
        signed_in.post(
            reverse("accounts:change_email"),
            {"email": "autre@exemple.org", "current_password": "pas-le-bon"},
        )
    )
    assert "Mot de passe actuel : Le mot de passe actuel est incorrect." in page
    assert not mail.outbox
    assert not journal(person, "account.email_change_requested").exists()


def test_an_email_already_taken_is_refused_naming_the_field(signed_in, person):
    make_user(Role.REPRESENTATIVE, email="prise@exemple.org")
    page = text(
        signed_in.post(
            reverse("accounts:change_email"),
            {"email": "Prise@exemple.org", "current_password": PASSWORD},
        )
    )
    assert (
        "Nouvelle adresse courriel : Cette adresse courriel est déjà celle d'un autre compte."
        in page
    )
    assert not mail.outbox


def test_an_address_taken_between_the_request_and_the_link_is_refused(
    signed_in, person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(
            reverse("accounts:change_email"),
            {"email": "nouvelle@exemple.org", "current_password": PASSWORD},
        )
    link = path_of(link_in(mail.outbox[0]))
    make_user(Role.REPRESENTATIVE, email="nouvelle@exemple.org")
    page = text(signed_in.post(link))
    assert "Cette adresse courriel est déjà celle d'un autre compte." in page
    person.refresh_from_db()
    assert person.email == "amina@exemple.org"


def test_an_altered_email_change_link_is_refused(client):
    response = client.get(reverse("accounts:email_change_confirm", args=["abc"]))
    assert response.status_code == 400
    assert "Ce lien n'est pas valide" in text(response)


def test_the_password_change_keeps_the_session_and_is_journaled(signed_in, person):
    page = text(signed_in.get(reverse("accounts:password_change")))
    assert "Mot de passe actuel" in page and "Nouveau mot de passe" in page
    response = signed_in.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    assert journal(person, "account.password_changed").count() == 1
    assert NEW_PASSWORD not in str(journal(person, "account.password_changed").get().data)
    page = text(signed_in.get(response["Location"]))  # still signed in
    assert "Votre mot de passe est changé." in page


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"old_password": "pas-le-bon", "new_password1": NEW_PASSWORD},
            "Mot de passe actuel : Le mot de passe actuel est incorrect.",
        ),
        (
            {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "autre"},
            "Confirmez le nouveau mot de passe : Les deux mots de passe ne sont pas identiques",
        ),
    ],
)
def test_a_bad_password_change_is_refused_in_french_naming_the_field(
    signed_in, person, data, expected
):
    data = {"new_password2": NEW_PASSWORD, **data}
    page = text(signed_in.post(reverse("accounts:password_change"), data))
    assert expected in page
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    assert not journal(person, "account.password_changed").exists()


# --- « Renvoyer le lien de confirmation » --------------------------------------------------


@pytest.fixture
def unconfirmed(person):
    person.is_active = False
    person.email_confirmed_at = None
    person.save()
    return person


def resend(client, capture, email):
    with capture(execute=True):
        return client.post(reverse("accounts:resend_confirmation"), {"email": email})


def test_a_new_confirmation_link_is_sent_to_an_unconfirmed_registration(
    client, unconfirmed, django_capture_on_commit_callbacks
):
    response = resend(client, django_capture_on_commit_callbacks, "Amina@exemple.org")
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["amina@exemple.org"]
    client.post(path_of(link_in(message)))
    unconfirmed.refresh_from_db()
    assert unconfirmed.is_active and unconfirmed.email_confirmed_at is not None


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    client, unconfirmed, django_capture_on_commit_callbacks
):
    def answer(email):
        response = resend(client, django_capture_on_commit_callbacks, email)
        page = text(client.get(response["Location"]))
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
        return page.replace(email, "ADRESSE")

    assert answer("amina@exemple.org") == answer("personne@exemple.org")
    assert len(mail.outbox) == 1


def test_no_link_is_sent_to_a_confirmed_account(client, person, django_capture_on_commit_callbacks):
    resend(client, django_capture_on_commit_callbacks, "amina@exemple.org")
    assert not mail.outbox


def test_links_are_resent_at_most_once_in_five_minutes(
    client, unconfirmed, django_capture_on_commit_callbacks
):
    with time_machine.travel("2026-03-02 14:00 -0500", tick=False):
        resend(client, django_capture_on_commit_callbacks, "amina@exemple.org")
        resend(client, django_capture_on_commit_callbacks, "amina@exemple.org")
    assert len(mail.outbox) == 1
    with time_machine.travel("2026-03-02 14:06 -0500", tick=False):
        resend(client, django_capture_on_commit_callbacks, "amina@exemple.org")
    assert len(mail.outbox) == 2
    assert journal(unconfirmed, "account.confirmation_resent").count() == 2


def test_a_bad_address_is_refused_in_french_naming_the_field(client):
    page = text(client.post(reverse("accounts:resend_confirmation"), {"email": "allo"}))
    assert "Adresse courriel de l'inscription : Saisissez une adresse courriel valide" in page


def test_the_login_and_registration_pages_offer_the_resent_link(client):
    assert reverse("accounts:resend_confirmation") in text(client.get(reverse("accounts:login")))
    page = text(client.get(reverse("accounts:register_done")))
    assert reverse("accounts:resend_confirmation") in page


# --- The home page and the help page ------------------------------------------------------


def test_the_home_page_offers_registration_help_and_the_ministry_workspace(client):
    page = text(client.get(reverse("home")))
    assert f'href="{reverse("accounts:register")}"' in page
    assert "Inscrire un organisme" in page
    assert f'href="{reverse("workspace:dashboard")}"' in page
    assert 'href="/admin/"' not in page
    assert f'href="{reverse("help")}"' in page


def test_the_help_page_names_the_ministry_as_the_norms_do_and_the_clauses(client):
    response = client.get(reverse("help"))
    assert response.status_code == 200
    page = text(response)
    assert "ministère de l'Immigration, de la Diversité et de l'Inclusion" in page
    assert "clause 5.1 — Présentation de la demande d'aide financière" in page
    assert "Accessibilité" in page
    assert reverse("accounts:resend_confirmation") in page
    assert reverse("accounts:password_reset") in page


def test_the_help_page_sends_a_signed_in_person_to_their_account(client):
    client.force_login(User.objects.create_user("x@exemple.org", "pw", full_name="X"))
    assert reverse("accounts:account") in text(client.get(reverse("help")))
