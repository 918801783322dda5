"""French error pages in the site's look, with DEBUG off (issue 10)."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import path, reverse

from soutien.urls import urlpatterns as site_urls

pytestmark = pytest.mark.django_db


def bad_request(request):
    raise SuspiciousOperation("forged")


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("a defect")


urlpatterns = [
    path("essai/400/", bad_request),
    path("essai/403/", forbidden),
    path("essai/500/", broken),
    *site_urls,
]


@pytest.fixture(autouse=True)
def _with_failing_views(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


def page(response) -> str:
    return response.content.decode()


def assert_french_page(response, status, title):
    html = page(response)
    assert response.status_code == status
    assert '<html lang="fr' in html
    assert title in html
    assert "soutien/soutien.css" in html  # the site's look
    assert "Programme Soutien à la mission" in html
    for english in ("Not Found", "Bad Request", "Forbidden", "Server Error", "CSRF"):
        assert english not in html


def test_404_is_french(client):
    assert_french_page(client.get("/nulle-part/"), 404, "Page introuvable")


def test_400_is_french(client):
    assert_french_page(client.get("/essai/400/"), 400, "Requête invalide")


def test_a_forbidden_host_gets_the_french_400(client, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    assert_french_page(client.get("/", headers={"host": "evil.example"}), 400, "Requête invalide")


def test_403_is_french(client):
    assert_french_page(client.get("/essai/403/"), 403, "Accès refusé")


def test_500_is_french_and_self_contained(client):
    client.raise_request_exception = False
    response = client.get("/essai/500/")
    assert_french_page(response, 500, "Erreur du serveur")


def test_the_csrf_failure_page_is_french():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {})
    assert_french_page(response, 403, "Formulaire expiré")
