"""Passwords chosen through the forms: never the person's name, never the demo's public one."""

import html

import pytest
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from soutien import demo
from soutien.accounts.models import Role, User
from soutien.accounts.validators import DEMO_PASSWORD
from tests.factories import make_user

from .test_portal_accounts import register

pytestmark = pytest.mark.django_db

NAME_MESSAGE = "trop proche de votre nom"
DEMO_MESSAGE = "celui, public, de la démonstration"


def text(response) -> str:
    return html.unescape(response.content.decode())


def register_with(client, capture, password, **changes):
    return register(client, capture, password1=password, password2=password, **changes)


@pytest.mark.parametrize(
    "password",
    ["JeanTremblay", "jeantremblay", "Tremblay.Jean", "JEAN-TREMBLAY-2019", "tremblayjean1"],
)
def test_registration_refuses_the_name_written_together(
    client, django_capture_on_commit_callbacks, password
):
    response = register_with(
        client, django_capture_on_commit_callbacks, password, full_name="Jean Tremblay"
    )
    assert NAME_MESSAGE in text(response)
    assert User.objects.count() == 0


def test_registration_refuses_a_name_with_accents_typed_without_them(
    client, django_capture_on_commit_callbacks
):
    response = register_with(
        client, django_capture_on_commit_callbacks, "HeleneGagnon", full_name="Hélène Gagnon"
    )
    assert NAME_MESSAGE in text(response)


def test_registration_accepts_a_password_unrelated_to_the_name(
    client, django_capture_on_commit_callbacks
):
    response = register_with(
        client, django_capture_on_commit_callbacks, "Lac-Megantic-2019!", full_name="Jean Tremblay"
    )
    assert response.status_code == 302
    assert User.objects.count() == 1


def test_the_demo_password_is_the_one_the_demo_publishes():
    assert demo.PASSWORD == DEMO_PASSWORD


@pytest.mark.parametrize("password", [DEMO_PASSWORD, DEMO_PASSWORD.upper()])
def test_registration_refuses_the_demo_password(
    client, django_capture_on_commit_callbacks, password
):
    response = register_with(client, django_capture_on_commit_callbacks, password)
    assert DEMO_MESSAGE in text(response)
    assert User.objects.count() == 0


def test_a_password_reset_refuses_the_name_and_the_demo_password(
    client, django_capture_on_commit_callbacks
):
    user = make_user(Role.REPRESENTATIVE, email="jean@exemple.org")
    User.objects.filter(pk=user.pk).update(full_name="Jean Tremblay")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    form_page = client.get(
        reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token}),
        follow=True,
    )
    post_url = form_page.redirect_chain[-1][0]
    for password, message in (("JeanTremblay", NAME_MESSAGE), (DEMO_PASSWORD, DEMO_MESSAGE)):
        response = client.post(post_url, {"new_password1": password, "new_password2": password})
        assert message in text(response)
    user.refresh_from_db()
    assert not user.check_password(DEMO_PASSWORD)


def test_the_help_texts_are_french():
    texts = " ".join(str(t) for t in password_validation.password_validators_help_texts())
    assert "votre nom" in texts
    assert "démonstration" in texts
