"""Two people edit the same section: the second save, made from a page read before the
first, is refused with the profile's message instead of overwriting it (issue 10)."""

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from soutien.core.models import STALE_MESSAGE
from tests.factories import make_organization, make_representative

from .portal_helpers import FINANCE_POST, SECTION_VALUES, new_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def two():
    organization = make_organization()
    first, second = make_representative(organization), make_representative(organization)
    application = new_application(organization, by=first)
    clients = []
    for person in (first, second):
        client = Client()
        client.force_login(person)
        clients.append(client)
    return application, clients


def seen_version(client, path) -> str:
    page = client.get(path).content.decode()
    return re.search(r'name="seen_version" value="(\d+)"', page).group(1)


@pytest.mark.parametrize(
    ("section", "first_data", "second_data", "field", "kept"),
    [
        (
            "mission",
            SECTION_VALUES["mission"] | {"mission": "Texte de la première personne."},
            SECTION_VALUES["mission"] | {"mission": "Texte de la seconde personne."},
            "mission",
            "Texte de la première personne.",
        ),
        (
            "finances",
            FINANCE_POST | {"estimated_operating_costs": "400000"},
            FINANCE_POST | {"estimated_operating_costs": "999999"},
            "estimated_operating_costs",
            400000,
        ),
    ],
)
@pytest.mark.parametrize("autosave", [False, True])
def test_a_stale_section_save_is_refused_and_keeps_the_first_save(
    two, section, first_data, second_data, field, kept, autosave
):
    application, (first, second) = two
    path = reverse("portal:section", args=[application.pk, section])
    first_seen, second_seen = seen_version(first, path), seen_version(second, path)
    assert first.post(path, first_data | {"seen_version": first_seen}).status_code == 302
    headers = {"HTTP_X_AUTOSAVE": "1"} if autosave else {}
    response = second.post(path, second_data | {"seen_version": second_seen}, **headers)
    if autosave:
        assert response.status_code == 409
        assert response.json() == {"saved": False, "stale": True, "message": str(STALE_MESSAGE)}
    else:
        assert response.status_code == 422
        assert str(STALE_MESSAGE) in html.unescape(response.content.decode())
    application.refresh_from_db()
    assert getattr(application, field) == kept


def test_an_autosave_gives_the_page_its_new_version_so_the_save_button_is_not_refused(two):
    application, (first, _second) = two
    path = reverse("portal:section", args=[application.pk, "mission"])
    seen = seen_version(first, path)
    data = SECTION_VALUES["mission"] | {"seen_version": seen}
    body = first.post(path, data, HTTP_X_AUTOSAVE="1").json()
    assert body["saved"] is True and body["version"] == int(seen) + 1
    response = first.post(path, data | {"seen_version": body["version"]})
    assert response.status_code == 302
