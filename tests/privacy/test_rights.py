"""Issue 16, item 3: the program's management records a person's access or correction request
and answers it within the time limit (Loi sur l'accès, art. 83, 89, 98, 100), journaled;
bad input is refused in French, by field, and nothing is saved."""

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from soutien.accounts.models import Role
from soutien.core.models import JournalEntry
from soutien.privacy import rights
from soutien.privacy.models import PersonalInformationRequest, RequestState
from tests.factories import at, make_organization, make_representative, make_user

pytestmark = pytest.mark.django_db

RECEIVED = date(2019, 9, 3)


@pytest.fixture
def manager():
    return make_user(Role.MANAGER)


@pytest.fixture
def person():
    return make_representative(make_organization(), email="amina@exemple.org")


def fields(**changes):
    values = {
        "person_email": "amina@exemple.org",
        "requester": "",
        "organization": None,
        "kind": "access",
        "received_on": RECEIVED,
        "due_on": None,
        "details": "Tout ce que le programme conserve à mon sujet.",
    }
    values.update(changes)
    return values


def test_a_request_is_recorded_with_its_legal_due_date_and_journaled(manager, person):
    request = rights.record_request(by=manager, at=at(2019, 9, 4), **fields())
    assert request.person == person and request.requester == person.full_name
    assert request.due_on == date(2019, 9, 23)  # 20 days (art. 98)
    assert request.state == RequestState.OPEN and request.recorded_by == manager
    entry = JournalEntry.objects.get(action="privacy.request_recorded")
    assert entry.actor == manager and entry.data["due_on"] == "2019-09-23"


def test_a_request_without_an_account_names_the_requester(manager):
    request = rights.record_request(
        by=manager,
        at=at(2019, 9, 4),
        **fields(
            person_email="", requester="Jean Tremblay", kind="correction", due_on=date(2019, 10, 3)
        ),
    )
    assert request.person is None and request.requester == "Jean Tremblay"
    assert request.due_on == date(2019, 10, 3)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"details": "  "}, "details", "Décrivez l'objet de la demande."),
        (
            {"person_email": "personne@exemple.org"},
            "person_email",
            "Aucun compte n'a cette adresse courriel.",
        ),
        (
            {"person_email": ""},
            "requester",
            "Indiquez l'adresse courriel du compte de la personne ou, sans compte, son nom.",
        ),
        (
            {"received_on": date(2019, 9, 30)},
            "received_on",
            "La date de réception ne peut pas être dans l'avenir.",
        ),
        ({"due_on": date(2019, 9, 1)}, "due_on", "L'échéance ne peut pas précéder la réception."),
        (
            {"kind": "deletion"},
            "kind",
            "Choisissez la nature de la demande : accès ou rectification.",
        ),
    ],
)
def test_bad_input_is_refused_in_french_by_field_and_nothing_saved(
    manager, person, changes, field, message
):
    with pytest.raises(ValidationError) as error:
        rights.record_request(by=manager, at=at(2019, 9, 4), **fields(**changes))
    assert error.value.message_dict[field] == [message]
    assert not PersonalInformationRequest.objects.exists()
    assert not JournalEntry.objects.filter(action__startswith="privacy.").exists()


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.FINANCE, Role.REPRESENTATIVE])
def test_only_the_management_records_and_answers(manager, person, role):
    other = make_user(role)
    with pytest.raises(PermissionDenied):
        rights.record_request(by=other, at=at(2019, 9, 4), **fields())
    request = rights.record_request(by=manager, at=at(2019, 9, 4), **fields())
    with pytest.raises(PermissionDenied):
        rights.answer_request(request, by=other, at=at(2019, 9, 5), outcome="answered", answer="x")
    request.refresh_from_db()
    assert request.state == RequestState.OPEN


def test_an_answer_is_given_once(manager, person):
    request = rights.record_request(by=manager, at=at(2019, 9, 4), **fields())
    rights.answer_request(
        request, by=manager, at=at(2019, 9, 10), outcome="answered", answer="Copie jointe."
    )
    request.refresh_from_db()
    assert request.state == RequestState.ANSWERED and request.answered_on == date(2019, 9, 10)
    assert request.answered_by == manager
    entry = JournalEntry.objects.get(action="privacy.request_answered")
    assert (entry.from_state, entry.to_state, entry.data["late"]) == ("open", "answered", False)
    with pytest.raises(ValidationError) as error:
        rights.answer_request(
            request, by=manager, at=at(2019, 9, 11), outcome="refused", answer="Autre chose."
        )
    assert "déjà reçu sa réponse" in error.value.messages[0]
    request.refresh_from_db()
    assert request.state == RequestState.ANSWERED and request.answer == "Copie jointe."


@pytest.mark.parametrize(
    ("kind", "outcome", "field", "message"),
    [
        (
            "access",
            "refused",
            "answer",
            "Un refus est motivé : écrivez ses motifs et la disposition de la loi qui le fonde "
            "(art. 100).",
        ),
        ("correction", "answered", "answer", "Indiquez ce qui a été rectifié."),
        ("access", "answered", "answer", "Écrivez la réponse donnée à la personne."),
        ("access", "open", "outcome", "Choisissez l'issue : la demande est acceptée ou refusée."),
    ],
)
def test_an_answer_without_its_content_is_refused(manager, person, kind, outcome, field, message):
    request = rights.record_request(by=manager, at=at(2019, 9, 4), **fields(kind=kind))
    with pytest.raises(ValidationError) as error:
        rights.answer_request(request, by=manager, at=at(2019, 9, 10), outcome=outcome, answer=" ")
    assert error.value.message_dict[field] == [message]
    request.refresh_from_db()
    assert request.state == RequestState.OPEN and request.answer == ""
    assert not JournalEntry.objects.filter(action__startswith="privacy.request_a").exists()


def test_a_refusal_keeps_its_reasons_in_the_journal(manager, person):
    request = rights.record_request(by=manager, at=at(2019, 9, 4), **fields(kind="correction"))
    reasons = "Le renseignement est exact ; art. 89."
    rights.answer_request(
        request, by=manager, at=at(2019, 9, 30), outcome="refused", answer=reasons
    )
    entry = JournalEntry.objects.get(action="privacy.request_refused")
    assert entry.reason == reasons and entry.data["late"] is True


# The workspace pages.


def test_the_page_records_a_request_and_lists_open_ones_first_late_flagged(
    client, manager, person, settings
):
    settings.SOUTIEN_PROGRAM_DATE = date(2019, 10, 1)
    answered = rights.record_request(
        by=manager, at=at(2019, 9, 4), **fields(received_on=date(2019, 8, 1))
    )
    rights.answer_request(
        answered, by=manager, at=at(2019, 9, 5), outcome="answered", answer="Fait."
    )
    late = rights.record_request(by=manager, at=at(2019, 9, 4), **fields(details="En retard."))
    client.force_login(manager)
    response = client.post(
        reverse("workspace:privacy_requests"),
        {
            "person_email": "",
            "requester": "Jean Tremblay",
            "kind": "correction",
            "received_on": "2019-09-30",
            "details": "Mon adresse est erronée.",
        },
    )
    recorded = PersonalInformationRequest.objects.get(requester="Jean Tremblay")
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:privacy_request", args=[recorded.pk])
    assert recorded.due_on == date(2019, 10, 20)
    text = client.get(reverse("workspace:privacy_requests")).content.decode()
    rows = text.split('id="demandes"')[1]
    positions = [rows.index(f"Demande n° {r.pk}<") for r in (late, recorded, answered)]
    assert positions == sorted(positions)
    assert rows.count("En retard") == 1


def test_the_page_refuses_bad_input_in_french_and_saves_nothing(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("workspace:privacy_requests"),
        {"person_email": "personne@exemple.org", "kind": "access", "received_on": "2019-09-03"},
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "Décrivez l&#x27;objet de la demande." in text
    assert not PersonalInformationRequest.objects.exists()
    response = client.post(
        reverse("workspace:privacy_requests"),
        {
            "person_email": "personne@exemple.org",
            "kind": "access",
            "received_on": "2019-09-03",
            "details": "Tout.",
        },
    )
    assert response.status_code == 422
    assert "Aucun compte n&#x27;a cette adresse courriel." in response.content.decode()
    assert not PersonalInformationRequest.objects.exists()


def test_the_request_page_answers_once(client, manager, person):
    request = rights.record_request(by=manager, at=at(2019, 9, 4), **fields(kind="correction"))
    client.force_login(manager)
    url = reverse("workspace:privacy_request", args=[request.pk])
    response = client.post(url, {"outcome": "refused", "answer": ""})
    assert response.status_code == 422
    assert "Un refus est motivé" in response.content.decode()
    response = client.post(url, {"outcome": "answered", "answer": "Adresse corrigée."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.ANSWERED and request.answer == "Adresse corrigée."
    page = client.get(url).content.decode()
    assert "Adresse corrigée." in page and "Inscrire la réponse" not in page
    response = client.post(url, {"outcome": "refused", "answer": "Encore."})
    assert response.status_code == 422
    assert "déjà reçu sa réponse" in response.content.decode()


def test_staff_download_the_persons_data_for_an_access_request_journaled(client, manager, person):
    request = rights.record_request(by=manager, at=at(2019, 9, 4), **fields())
    client.force_login(manager)
    page = client.get(reverse("workspace:privacy_request", args=[request.pk])).content.decode()
    json_url = reverse("workspace:privacy_request_data", args=[request.pk, "json"])
    assert json_url in page
    response = client.get(json_url)
    assert response["Content-Disposition"] == 'attachment; filename="mes-renseignements.json"'
    data = json.loads(response.content)
    assert data["compte"]["adresse courriel"] == "amina@exemple.org"
    assert data["demandes d'accès et de rectification"][0]["numéro"] == request.pk
    assert manager.email not in response.content.decode()
    pdf = client.get(reverse("workspace:privacy_request_data", args=[request.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF")
    entries = JournalEntry.objects.filter(action="privacy.data_downloaded", actor=manager)
    assert {e.data["format"] for e in entries} == {"json", "pdf"}
    assert {e.subject_id for e in entries} == {person.pk}


def test_no_download_for_a_correction_or_without_an_account(client, manager, person):
    correction = rights.record_request(by=manager, at=at(2019, 9, 4), **fields(kind="correction"))
    anonymous = rights.record_request(
        by=manager, at=at(2019, 9, 4), **fields(person_email="", requester="Jean Tremblay")
    )
    client.force_login(manager)
    for request in (correction, anonymous):
        url = reverse("workspace:privacy_request_data", args=[request.pk, "json"])
        assert client.get(url).status_code == 404
    assert not JournalEntry.objects.filter(action="privacy.data_downloaded").exists()


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.FINANCE])
def test_other_staff_are_refused_the_pages(client, manager, person, role):
    request = rights.record_request(by=manager, at=at(2019, 9, 4), **fields())
    client.force_login(make_user(role))
    for url in (
        reverse("workspace:privacy_requests"),
        reverse("workspace:privacy_request", args=[request.pk]),
        reverse("workspace:privacy_request_data", args=[request.pk, "json"]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert (
            "demandes d&#x27;accès ou de rectification sont réservés" in response.content.decode()
        )
    assert not JournalEntry.objects.filter(action="privacy.data_downloaded").exists()
