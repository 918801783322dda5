"""The board member form offers every status, citizenship first; citizens count (clause 3)."""

import html
from datetime import date

import pytest
from django.urls import reverse

from soutien.organizations.models import BoardMember, BoardStatusChoices
from soutien.organizations.selfcheck import initial_answers
from tests.factories import make_organization, make_representative

pytestmark = pytest.mark.django_db


def test_the_board_member_form_offers_canadian_citizenship(client):
    organization = make_organization()
    client.force_login(make_representative(organization))
    page = html.unescape(
        client.get(
            reverse("organization:board_add", kwargs={"pk": organization.pk})
        ).content.decode()
    )
    for value, label in BoardStatusChoices.choices:
        assert f'value="{value}"' in page and str(label) in page
    assert "Citoyenneté canadienne" in page


def test_3_a_citizen_entered_through_the_form_counts_as_a_qualified_board_member(client):
    organization = make_organization()
    client.force_login(make_representative(organization))
    data = {
        "full_name": "Nadia Roy",
        "position": "president",
        "domiciled_in_quebec": "oui",
        "status": "citizen",
        "volunteer": "oui",
        "term_start": "2019-06-01",
        "notice_acknowledged": "on",
    }
    before = initial_answers(organization, on=date(2019, 7, 1))
    add = reverse("organization:board_add", kwargs={"pk": organization.pk})
    assert client.post(add, data).status_code == 302
    assert BoardMember.objects.get(full_name="Nadia Roy").status == "citizen"
    after = initial_answers(organization, on=date(2019, 7, 1))
    assert after["board_total"] == before["board_total"] + 1
    assert after["board_qualified"] == before["board_qualified"] + 1


@pytest.mark.parametrize(
    ("size", "sentence"),
    [
        (0, "0 membre siège au conseil."),
        (1, "1 membre siège au conseil."),
        (2, "2 membres siègent au conseil."),
    ],
)
def test_the_profile_counts_the_board_with_french_plurals(client, size, sentence):
    from tests.factories import make_board

    organization = make_organization()
    client.force_login(make_representative(organization))
    if size:
        make_board(organization, size=size)
    page = html.unescape(
        client.get(reverse("organization:profile", kwargs={"pk": organization.pk})).content.decode()
    )
    assert sentence in " ".join(page.split())
