"""Issue 16, item 3: a person downloads what the program holds about them, from their own
account (Loi sur l'accès, art. 83): JSON and a readable PDF, only ever their own."""

import json

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.urls import reverse

from soutien.accounts import actions as account_actions
from soutien.accounts.models import Role
from soutien.accounts.privacy import NOTICE_VERSION
from soutien.applications import actions as application_actions
from soutien.applications.models import DocumentKind
from soutien.core.models import JournalEntry, OutgoingEmail
from soutien.organizations import actions as organization_actions
from soutien.privacy.personal_data import personal_data
from tests.factories import (
    at,
    make_application,
    make_organization,
    make_representative,
    make_user,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def amina():
    """A representative who renamed herself, invited a colleague and deposited a document."""
    organization = make_organization(legal_name="Accueil Estrie")
    person = make_representative(organization, email="amina@exemple.org")
    account_actions.change_name(person, full_name="Amina Diallo", at=at(2019, 1, 5))
    organization_actions.invite_colleague(
        organization, email="collegue@exemple.org", by=person, at=at(2019, 1, 6)
    )
    application = make_application(organization, by=person)
    application_actions.upload_documents(
        application,
        uploads=[(DocumentKind.values[0], upload("lettres.pdf"))],
        by=person,
        at=at(2019, 2, 1),
    )
    account_actions.acknowledge_notice(person, context="registration", at=at(2019, 1, 5))
    AccessLog.objects.create(username=person.email, ip_address="192.0.2.7", user_agent="x")
    AccessFailureLog.objects.create(username=person.email, ip_address="192.0.2.8", user_agent="x")
    return person


def test_everything_held_about_the_person_by_section(amina):
    data = personal_data(amina)
    assert data["version"] == 1 and data["généré le"]
    assert data["compte"]["adresse courriel"] == "amina@exemple.org"
    assert data["compte"]["nom complet"] == "Amina Diallo"
    assert data["compte"]["rôle"] == Role(Role.REPRESENTATIVE).label
    names = [h["nom complet"] for h in data["historique du compte"]]
    assert names[-1] == "Amina Diallo" and "representative test" in names
    assert amina.password not in str(data)  # not even the password's hash
    assert [m["organisme"] for m in data["liens avec des organismes"]] == ["Accueil Estrie"]
    assert data["invitations envoyées"][0]["adresse invitée"] == "collegue@exemple.org"
    actions = {e["action"] for e in data["journal : vos actions"]}
    assert {"account.name_changed", "organization.colleague_invited"} <= actions
    assert data["connexions"][0]["adresse IP"] == "192.0.2.7"
    assert data["tentatives de connexion refusées"][0]["adresse IP"] == "192.0.2.8"
    documents = data["documents déposés"]
    assert [d["nom du fichier"] for d in documents] == ["lettres.pdf"]
    assert documents[0]["organisme"] == "Accueil Estrie"
    assert data["demandes d'accès et de rectification"] == []
    (read,) = data["avis de confidentialité lus"]
    assert read["version de l'avis"] == NOTICE_VERSION and read["organisme"] is None


def test_the_invited_colleague_sees_the_invitation_and_its_email():
    organization = make_organization(legal_name="Accueil Estrie")
    sender = make_representative(organization)
    organization_actions.invite_colleague(
        organization, email="collegue@exemple.org", by=sender, at=at(2019, 1, 6)
    )
    colleague = make_user(Role.REPRESENTATIVE, email="collegue@exemple.org")
    data = personal_data(colleague)
    assert [i["organisme"] for i in data["invitations reçues"]] == ["Accueil Estrie"]
    subjects = [m["objet"] for m in data["courriels envoyés"]]
    assert subjects == [OutgoingEmail.objects.get(recipients=["collegue@exemple.org"]).subject]
    assert data["invitations envoyées"] == []


def test_the_journal_of_ones_own_account_done_by_others():
    person = make_user(Role.ADVISOR, email="conseil@exemple.org")
    admin = make_user(Role.ADMINISTRATOR)
    JournalEntry.write(person, "account.deactivated", by=admin, at=at(2019, 3, 1), reason="Départ")
    entries = personal_data(person)["journal : votre compte"]
    assert [(e["action"], e["motif"]) for e in entries] == [("account.deactivated", "Départ")]


def test_reading_writes_nothing(amina):
    before = JournalEntry.objects.count()
    personal_data(amina)
    assert JournalEntry.objects.count() == before


def test_the_json_download_holds_ones_own_data_and_nobody_elses(client, amina):
    other = make_representative(
        make_organization(legal_name="Autre organisme"), email="autre@exemple.org"
    )
    client.force_login(amina)
    response = client.get(reverse("accounts:personal_data", args=["json"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="mes-renseignements.json"'
    text = response.content.decode()
    data = json.loads(text)
    assert data["compte"]["adresse courriel"] == "amina@exemple.org"
    assert "autre@exemple.org" not in text and "Autre organisme" not in text
    assert reverse("accounts:personal_data", args=["json"]) == "/compte/mes-renseignements.json"
    client.force_login(other)
    theirs = client.get(reverse("accounts:personal_data", args=["json"])).content.decode()
    assert "amina@exemple.org" not in theirs and "Accueil Estrie" not in theirs
    entry = JournalEntry.objects.filter(action="privacy.data_downloaded").order_by("pk").first()
    assert (
        entry.actor == amina and entry.subject_id == amina.pk and entry.data == {"format": "json"}
    )


def test_the_pdf_download_is_a_pdf(client, amina):
    client.force_login(amina)
    response = client.get(reverse("accounts:personal_data", args=["pdf"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mes-renseignements.pdf"'
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF")
    assert JournalEntry.objects.filter(
        action="privacy.data_downloaded", actor=amina, data={"format": "pdf"}
    ).exists()


def test_staff_download_their_own_data_too(client):
    manager = make_user(Role.MANAGER, email="gestion@exemple.org")
    client.force_login(manager)
    response = client.get(reverse("accounts:personal_data", args=["json"]))
    assert json.loads(response.content)["compte"]["adresse courriel"] == "gestion@exemple.org"


def test_anonymous_is_sent_to_the_login_page(client):
    for fmt in ("json", "pdf"):
        response = client.get(reverse("accounts:personal_data", args=[fmt]))
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    assert not JournalEntry.objects.filter(action="privacy.data_downloaded").exists()


def test_an_unknown_format_is_not_found(client, amina):
    client.force_login(amina)
    assert client.get("/compte/mes-renseignements.xml").status_code == 404


def test_the_account_page_offers_the_two_downloads(client, amina):
    client.force_login(amina)
    text = client.get(reverse("accounts:account")).content.decode()
    assert "Mes renseignements personnels" in text
    assert 'href="/compte/mes-renseignements.json"' in text
    assert 'href="/compte/mes-renseignements.pdf"' in text
    assert "rectifier" in text


def test_only_the_person_or_the_privacy_staff_journal_a_copy_of_their_data(amina):
    from django.core.exceptions import PermissionDenied

    from soutien.privacy import rights

    advisor = make_user(Role.ADVISOR)
    with pytest.raises(PermissionDenied):
        rights.record_download(amina, by=advisor, at=at(2019, 3, 1), fmt="json")
    rights.record_download(amina, by=amina, at=at(2019, 3, 1), fmt="pdf")
    rights.record_download(amina, by=make_user(Role.MANAGER), at=at(2019, 3, 2), fmt="json")
    downloads = JournalEntry.objects.for_subject(amina).filter(action="privacy.data_downloaded")
    assert [e.data["format"] for e in downloads.order_by("at")] == ["pdf", "json"]
