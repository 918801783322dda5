"""The organization's profile in the portal: edits, board, grouping members, history."""

import html
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from soutien.core.models import JournalEntry
from soutien.organizations.models import BoardMember, GroupingMember, Organization
from tests.factories import make_board, make_organization, make_representative

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def organization():
    return make_organization(legal_name="Accueil Estrie", neq="1170000001")


@pytest.fixture
def member_client(client, organization):
    client.force_login(make_representative(organization))
    return client


def identity(organization, **changes):
    data = {
        "legal_name": organization.legal_name,
        "neq": organization.neq,
        "legal_form": organization.legal_form,
        "incorporation_date": organization.incorporation_date.isoformat(),
        "street_address": organization.street_address,
        "city": organization.city,
        "postal_code": organization.postal_code,
        "region": organization.region_id,
        "head_office_in_quebec": "oui",
        "majority_of_activities_in_quebec": "oui",
        "fiscal_year_end_month": "3",
        "fiscal_year_end_day": "31",
        "seen_version": organization.version,
    }
    data.update(changes)
    return data


def edit_url(organization, section="identite"):
    return reverse("organization:edit", kwargs={"pk": organization.pk, "section": section})


def test_the_profile_shows_identity_board_and_history(member_client, organization):
    make_board(organization, size=3)
    response = member_client.get(reverse("organization:profile", kwargs={"pk": organization.pk}))
    page = text(response)
    assert "Accueil Estrie" in page and "1170000001" in page
    assert "3 membres siègent au conseil" in page
    assert "Historique des modifications" in page


def test_an_identity_edit_is_saved_journaled_and_kept_in_history(member_client, organization):
    response = member_client.post(
        edit_url(organization), identity(organization, city="Magog", postal_code="J1X 1A1")
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.city == "Magog"
    assert organization.history.count() == 2
    entry = JournalEntry.objects.get(action="organization.profile_updated")
    assert entry.data["fields"] == ["city", "postal_code"]
    profile = text(
        member_client.get(reverse("organization:profile", kwargs={"pk": organization.pk}))
    )
    assert "Modification" in profile and "Profil de l'organisme" in profile


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"region": "18"}, "region", "Sélectionnez un choix valide"),
        ({"neq": "117000000"}, "neq", "doit compter exactement 10 chiffres"),
        (
            {"fiscal_year_end_day": "45"},
            "fiscal_year_end_day",
            "Le jour de fin d'exercice va de 1 à 31.",
        ),
        ({"head_office_in_quebec": ""}, "head_office_in_quebec", "Répondez par Oui ou par Non."),
    ],
)
def test_an_invalid_field_refuses_the_whole_form_and_saves_nothing(
    member_client, organization, changes, field, message
):
    response = member_client.post(
        edit_url(organization), identity(organization, city="Magog", **changes)
    )
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert f'id="id_{field}_erreur"' in page
    organization.refresh_from_db()
    assert organization.city == "Sherbrooke" and organization.version == 1


@pytest.mark.parametrize("value", ["-1", "1000000", "douze"])
def test_a_negative_or_absurd_number_of_refugees_is_refused(member_client, organization, value):
    response = member_client.post(
        edit_url(organization, "rattachement"),
        {
            "is_national_grouping": "non",
            "attached_to_ministry": "oui",
            "refugee_reception": "oui",
            "refugees_received_per_year": value,
            "seen_version": organization.version,
        },
    )
    assert response.status_code == 200
    assert 'id="id_refugees_received_per_year_erreur"' in response.content.decode()
    organization.refresh_from_db()
    assert organization.refugees_received_per_year == 0 and not organization.refugee_reception


def test_a_stale_edit_is_refused_with_the_french_message(member_client, organization):
    seen = organization.version
    other = Organization.objects.get(pk=organization.pk)
    other.city = "Granby"
    other.save()
    response = member_client.post(
        edit_url(organization), identity(organization, city="Magog", seen_version=seen)
    )
    assert response.status_code == 200
    assert "modifié par une autre personne depuis que vous l'avez ouvert" in text(response)
    organization.refresh_from_db()
    assert organization.city == "Granby"


def test_mission_and_services_are_saved(member_client, organization):
    response = member_client.post(
        edit_url(organization, "mission"),
        {
            "mission": "Accueillir les personnes immigrantes.",
            "services": "Francisation",
            "seen_version": 1,
        },
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.mission == "Accueillir les personnes immigrantes."


def test_an_unknown_section_is_a_404(member_client, organization):
    assert member_client.get(edit_url(organization, "inconnue")).status_code == 404


def board_data(**changes):
    data = {
        "full_name": "Nadia Roy",
        "position": "president",
        "domiciled_in_quebec": "oui",
        "status": "permanent_resident",
        "volunteer": "oui",
        "term_start": "2019-06-01",
        "notice_acknowledged": "on",
    }
    data.update(changes)
    return data


def test_a_board_member_is_added_edited_and_deactivated_never_deleted(member_client, organization):
    add = reverse("organization:board_add", kwargs={"pk": organization.pk})
    assert member_client.post(add, board_data()).status_code == 302
    member = BoardMember.objects.get()
    assert member.status == "permanent_resident" and member.volunteer
    edit = reverse(
        "organization:board_edit", kwargs={"pk": organization.pk, "member_pk": member.pk}
    )
    assert member_client.post(edit, board_data(volunteer="non", seen_version=1)).status_code == 302
    member.refresh_from_db()
    assert not member.volunteer
    end = reverse("organization:board_end", kwargs={"pk": organization.pk, "member_pk": member.pk})
    assert "Confirmer le retrait" in text(member_client.get(end))
    assert member_client.post(end, {"seen_version": member.version}).status_code == 302
    member.refresh_from_db()
    assert member.term_end == timezone.localdate()
    assert BoardMember.objects.count() == 1  # kept
    page = text(member_client.get(reverse("organization:board", kwargs={"pk": organization.pk})))
    assert "Anciens membres" in page and "Nadia Roy" in page
    assert JournalEntry.objects.filter(action="organization.board_member_left").count() == 1


def test_a_board_member_with_a_missing_status_is_refused(member_client, organization):
    add = reverse("organization:board_add", kwargs={"pk": organization.pk})
    response = member_client.post(add, board_data(status="", full_name=""))
    assert response.status_code == 200
    assert BoardMember.objects.count() == 0
    assert 'href="#id_status_0"' in response.content.decode()


def test_a_stale_board_edit_is_refused(member_client, organization):
    member = make_board(organization, size=1)[0]
    member.full_name = "Changé ailleurs"
    member.save()
    edit = reverse(
        "organization:board_edit", kwargs={"pk": organization.pk, "member_pk": member.pk}
    )
    response = member_client.post(edit, board_data(seen_version=1))
    assert "modifié par une autre personne" in text(response)
    member.refresh_from_db()
    assert member.full_name == "Changé ailleurs"


def test_grouping_members_are_added_and_leave_without_deletion(member_client, organization):
    add = reverse("organization:grouping_member_add", kwargs={"pk": organization.pk})
    response = member_client.post(
        add, {"name": "Membre de Laval", "neq": "", "region": "13", "joined_on": ""}
    )
    assert response.status_code == 302
    bad = member_client.post(add, {"name": "Autre", "neq": "123", "region": "13"})
    assert "doit compter exactement 10 chiffres" in text(bad)
    member = GroupingMember.objects.get()
    end = reverse(
        "organization:grouping_member_end", kwargs={"pk": organization.pk, "member_pk": member.pk}
    )
    assert member_client.post(end, {"seen_version": member.version}).status_code == 302
    member.refresh_from_db()
    assert member.left_on == timezone.localdate()


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["organization:board", "organization:grouping_members"])
def test_list_pages_run_a_constant_number_of_queries(member_client, organization, name):
    url = reverse(name, kwargs={"pk": organization.pk})

    def grow(n):
        start = BoardMember.objects.count()
        BoardMember.objects.bulk_create(
            BoardMember(organization=organization, full_name=f"M {i}", term_start=date(2016, 1, 1))
            for i in range(start, n)
        )
        start = GroupingMember.objects.count()
        GroupingMember.objects.bulk_create(
            GroupingMember(grouping=organization, name=f"G {i}", region_id=f"{i % 17 + 1:02d}")
            for i in range(start, n)
        )

    grow(10)
    small = _count_queries(member_client, url)
    grow(500)
    assert _count_queries(member_client, url) == small
