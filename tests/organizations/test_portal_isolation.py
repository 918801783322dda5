"""Every URL of the accounts and the organization's pages, with organization A's real ids,
as a member of organization B and as an anonymous visitor: 404 or login, never A's data."""

import pytest
from django.test import Client

from soutien.organizations import actions
from soutien.organizations.models import GroupingMember, Organization
from tests.factories import at, make_board, make_organization, make_representative
from tests.portal_isolation import assert_isolated, portal_urls

pytestmark = pytest.mark.django_db

PUBLIC = {
    "accounts:login",
    "accounts:register",
    "accounts:register_done",
    "accounts:confirm",
    "accounts:invitation",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "accounts:resend_confirmation",
    "accounts:email_change_confirm",
}
# One's own account: a login is needed, and it shows only one's own data.
OWN_ACCOUNT = {
    "accounts:account",
    "accounts:change_name",
    "accounts:change_email",
    "accounts:password_change",
    "accounts:personal_data",
}


def test_no_page_of_the_accounts_or_the_organization_shows_another_organizations_data():
    a = make_organization(
        legal_name="Secret Organisme A", neq="1179999999", is_national_grouping=True
    )
    representative_a = make_representative(a)
    board_member = make_board(a, size=1)[0]
    board_member.full_name = "Administratrice Secrète"
    board_member.save()
    grouping_member = GroupingMember(
        grouping=a, name="Membre Secret du Regroupement", region_id="06"
    )
    grouping_member.save()
    actions.start_selfcheck(a, by=representative_a, at=at(2019, 1, 15))
    b = make_organization(legal_name="Organisme B")
    outsider = Client()
    outsider.force_login(make_representative(b))

    urls = portal_urls(
        ["organization", "accounts"],
        kwargs={
            "pk": a.pk,
            "member_pk": board_member.pk,
            "step": "constitution",
            "section": "identite",
            "token": "jeton",
            "uidb64": "MQ",
        },
        per_name={
            "organization:grouping_member_edit": {"member_pk": grouping_member.pk},
            "organization:grouping_member_end": {"member_pk": grouping_member.pk},
            "accounts:personal_data": {"fmt": "json"},
        },
    )
    assert len(urls) >= 20
    before = Organization.objects.get(pk=a.pk).version
    assert_isolated(
        urls,
        outsider=outsider,
        anonymous=Client(),
        secrets=[
            "Secret Organisme A",
            "1179999999",
            "Administratrice Secrète",
            "Membre Secret du Regroupement",
        ],
        public=PUBLIC,
        own={"organization:mine", *OWN_ACCOUNT},
        skip={"accounts:logout"},
    )
    assert Organization.objects.get(pk=a.pk).version == before


def test_a_member_of_b_cannot_reach_a_board_member_of_a_through_b_url():
    a = make_organization()
    b = make_organization()
    member_of_a = make_board(a, size=1)[0]
    client = Client()
    client.force_login(make_representative(b))
    response = client.get(f"/espace/organisme/{b.pk}/conseil/{member_of_a.pk}/modifier/")
    assert response.status_code == 404
