"""An administration list given an unreadable date filter is a French message (issue 10)."""

import pytest
from django.urls import reverse

from soutien.accounts.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "params"),
    [
        # the end of year 9999 is past the calendar Python knows (OverflowError)
        ("core_journalentry", {"at__year": "9999"}),
        ("core_journalentry", {"at__year": "9999", "at__month": "12"}),
        ("core_journalentry", {"at__year": "9999", "at__month": "12", "at__day": "31"}),
        ("core_journalentry", {"at__year": "9" * 25}),
        ("core_outgoingemail", {"created_at__year": "9999"}),
    ],
)
def test_an_unreadable_date_filter_shows_the_list_with_a_french_message(client, name, params):
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    url = reverse(f"admin:{name}_changelist")
    response = client.get(url, params)
    assert response.status_code == 302
    assert response["Location"] == url
    response = client.get(url)
    assert response.status_code == 200
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "Le filtre demandé n'est pas valide" in shown
