"""Before « Déposer ma demande »: a recap of every answer and document, the declaration of the
person the board resolution authorizes (5.1, document 1), and a PDF copy of the whole
application kept with the submission (issue 10)."""

import hashlib
import html as html_lib
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from soutien.applications import actions
from soutien.applications.answers import answers_of
from soutien.applications.models import (
    DECLARATION_VERSION,
    Application,
    Declaration,
    DocumentKind,
    State,
    SubmissionCopy,
)
from soutien.core.files import private_storage
from soutien.core.models import JournalEntry
from soutien.rules.text import french_money
from tests.factories import make_organization, make_representative, make_user

from .portal_helpers import DECLARATION_POST, fill_everything, new_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization():
    return make_organization(legal_name="Carrefour d'accueil de l'Estrie")


@pytest.fixture
def rep(organization):
    user = make_representative(organization)
    user.full_name = "Amina Diallo"
    user.save()
    return user


@pytest.fixture
def client_rep(client, rep):
    client.force_login(rep)
    return client


@pytest.fixture
def filled(organization, rep):
    return fill_everything(new_application(organization, by=rep), by=rep)


def text(response) -> str:
    return html_lib.unescape(response.content.decode())


def submit_url(application) -> str:
    return reverse("portal:submit", args=[application.pk])


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_submit_page_recaps_every_answer_and_every_document(client_rep, filled):
    page = text(client_rep.get(submit_url(filled)))
    recap = page.split("Vérifiez votre demande")[1].split('id="declaration-titre"')[0]
    for section in answers_of(Application.objects.get(pk=filled.pk)):
        assert str(section.title) in recap
        assert reverse("portal:section", args=[filled.pk, section.code]) in recap
        for answer in section.answers:
            assert answer.label in recap
    money = french_money(Decimal("400000"))
    for value in ("Amina Diallo", "Coordonnatrice", "Ville de Sherbrooke", money):
        assert value in recap
    assert reverse("portal:documents", args=[filled.pk]) in recap
    for document in filled.documents.all():
        assert document.get_kind_display() in recap
        assert document.original_name in recap
        assert reverse("application-document", args=[document.pk]) in recap
    assert recap.count(">Modifier<span") == len(answers_of(filled)) + 1
    assert "autorisé·e par la résolution du conseil d'administration" in page


@pytest.mark.parametrize(
    ("missing", "label", "message"),
    [
        ("declared", "Je déclare être autorisé·e", "Cochez la déclaration"),
        ("declarant_name", "Nom de la personne qui déclare", "Indiquez le nom"),
        ("declarant_title", "Fonction dans l'organisme", "Indiquez la fonction"),
    ],
)
def test_without_the_declaration_nothing_is_submitted(client_rep, filled, missing, label, message):
    data = {k: v for k, v in DECLARATION_POST.items() if k != missing}
    response = client_rep.post(submit_url(filled), data)
    assert response.status_code == 422
    summary = text(response).split('id="resume-erreurs"')[1].split("</div>")[0]
    assert f"#id_{missing}" in summary
    assert label in summary and message in summary
    filled.refresh_from_db()
    assert filled.state == State.DRAFT and filled.reference == ""
    assert not Declaration.objects.exists() and not SubmissionCopy.objects.exists()


def test_submitting_keeps_the_declaration_and_a_pdf_copy_of_the_whole_application(
    client_rep, filled, rep
):
    response = client_rep.post(submit_url(filled), DECLARATION_POST)
    assert response.status_code == 302
    filled.refresh_from_db()
    assert filled.state == State.SUBMITTED
    declaration = Declaration.objects.get(application=filled)
    assert (declaration.declarant_name, declaration.declarant_title) == (
        "Amina Diallo",
        "Présidente du conseil d'administration",
    )
    assert declaration.declared_by == rep
    assert declaration.declared_at == filled.submitted_at
    assert declaration.text_version == DECLARATION_VERSION
    assert "résolution du conseil d'administration" in declaration.text

    copy = SubmissionCopy.objects.get(application=filled)
    assert (copy.number, copy.declaration, copy.uploaded_by) == (1, declaration, rep)
    with private_storage.open(copy.file.name, "rb") as handle:
        content = handle.read()
    assert hashlib.sha256(content).hexdigest() == copy.sha256 and len(content) == copy.size
    flat = pdf_text(content)
    for value in (
        "Copie de la demande déposée",
        filled.reference,
        "Carrefour d'accueil de l'Estrie",
        "Accueillir et accompagner les personnes immigrantes de l'Estrie.",
        "Ville de Sherbrooke",
        "Amina Diallo",
        "Présidente du conseil d'administration",
        "exacts et complets",
    ):
        assert value in flat, value
    for document in filled.documents.all():
        assert document.original_name in flat
    reader = PdfReader(io.BytesIO(content))
    assert reader.trailer["/Root"]["/Lang"] == "fr-CA"
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert JournalEntry.objects.for_subject(filled).filter(action="application.declared").exists()

    page = text(client_rep.get(reverse("portal:acknowledgment", args=[filled.pk])))
    assert reverse("submission-copy", args=[copy.pk]) in page
    download = client_rep.get(reverse("submission-copy", args=[copy.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content


def test_the_copy_is_downloaded_only_by_the_organization_and_staff(client, filled, rep):
    actions.submit_application(
        filled,
        by=rep,
        at=timezone.now(),
        require_complete=True,
        declarant=actions.Declarant(name="Amina Diallo", title="Présidente"),
    )
    path = reverse("submission-copy", args=[SubmissionCopy.objects.get().pk])
    client.force_login(make_representative(make_organization()))
    assert client.get(path).status_code == 404
    client.force_login(make_user())
    response = client.get(path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_resubmission_after_a_correction_keeps_a_new_copy(filled, rep):
    at = timezone.now()
    actions.submit_application(
        filled,
        by=rep,
        at=at,
        require_complete=True,
        declarant=actions.Declarant(name="Amina Diallo", title="Présidente"),
    )
    actions.request_correction(filled, by=make_user(), at=at, reason="Budget illisible.")
    info = filled.information_requests.get()
    actions.answer_request(info, by=rep, at=at + timedelta(hours=1), answer="Corrigé.")
    filled.refresh_from_db()
    assert filled.state == State.SUBMITTED
    copies = list(SubmissionCopy.objects.filter(application=filled).order_by("number"))
    assert [c.number for c in copies] == [1, 2]
    assert copies[0].declaration == copies[1].declaration  # the declaration carries over
    assert all(private_storage.exists(c.file.name) for c in copies)


def test_staff_record_a_paper_file_without_declaration_or_copy(filled):
    actions.submit_application(filled, by=make_user(), at=timezone.now())
    filled.refresh_from_db()
    assert filled.state == State.SUBMITTED
    assert not Declaration.objects.exists() and not SubmissionCopy.objects.exists()


def test_the_action_refuses_a_declaration_without_name_naming_the_field(filled, rep):
    with pytest.raises(ValidationError) as raised:
        actions.submit_application(
            filled,
            by=rep,
            at=timezone.now(),
            require_complete=True,
            declarant=actions.Declarant(name=" ", title="Présidente"),
        )
    assert "declarant_name" in raised.value.message_dict
    filled.refresh_from_db()
    assert filled.state == State.DRAFT


def test_nine_documents_are_listed(filled):
    from soutien.applications.submission_copy import document_rows

    rows = document_rows(filled)
    assert [r["document"].kind for r in rows] == list(DocumentKind.values)
