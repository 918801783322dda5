import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from soutien.applications import actions
from soutien.applications.models import ApplicationDocument
from soutien.core.files import sniff
from tests.factories import (
    DOCX,
    JPEG,
    ODS,
    ODT,
    PDF,
    PNG,
    XLSX,
    at,
    make_application,
    make_representative,
    make_user,
    upload,
    zip_bytes,
)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (JPEG, "jpeg"),
        (DOCX, "docx"),
        (XLSX, "xlsx"),
        (ODT, "odt"),
        (ODS, "ods"),
        (b"MZ\x90\x00 executable", None),
        (zip_bytes({"readme.txt": b"plain zip"}), None),
        (b"PK\x03\x04 broken zip", None),
    ],
)
def test_type_is_read_from_the_content(content, kind):
    assert sniff(content) == kind


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_upload_records_sha256_size_and_type_and_stores_outside_static(settings):
    advisor = make_user()
    application = make_application(by=advisor)
    document = actions.upload_document(
        application, kind="charter", upload=upload("charte.pdf"), by=advisor, at=at(2019, 2, 1)
    )
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (document.size, document.mime_type, document.number) == (len(PDF), "application/pdf", 1)
    stored = settings.DOCUMENTS_ROOT / document.file.name
    assert stored.read_bytes() == PDF
    assert str(settings.STATIC_ROOT) not in str(stored)


@pytestmark_db
def test_pdf_name_over_other_content_is_refused_in_french_and_nothing_is_saved():
    advisor = make_user()
    application = make_application(by=advisor)
    with pytest.raises(ValidationError) as error:
        actions.upload_document(
            application,
            kind="charter",
            upload=upload("charte.pdf", PNG),
            by=advisor,
            at=at(2019, 2, 1),
        )
    assert error.value.message_dict["fichier"] == [
        "Le fichier « charte.pdf » porte l'extension « .pdf », mais son contenu est celui d'un "
        "fichier PNG. Renommez-le ou déposez le bon fichier."
    ]
    assert not ApplicationDocument.objects.exists()


@pytestmark_db
def test_unknown_content_is_refused():
    advisor = make_user()
    application = make_application(by=advisor)
    with pytest.raises(ValidationError) as error:
        actions.upload_document(
            application,
            kind="charter",
            upload=upload("x.pdf", b"hello"),
            by=advisor,
            at=at(2019, 2, 1),
        )
    assert "n'est pas d'un type accepté" in error.value.message_dict["fichier"][0]


@pytestmark_db
def test_file_over_the_size_limit_is_refused_in_french(settings):
    settings.DOCUMENT_MAX_BYTES = 1024 * 1024
    advisor = make_user()
    application = make_application(by=advisor)
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as error:
        actions.upload_document(
            application,
            kind="charter",
            upload=upload("gros.pdf", big),
            by=advisor,
            at=at(2019, 2, 1),
        )
    assert error.value.message_dict["fichier"] == [
        "Le fichier « gros.pdf » dépasse la taille maximale de 1 Mo."
    ]
    assert not ApplicationDocument.objects.exists()


@pytestmark_db
def test_new_version_keeps_the_previous_one(settings):
    advisor = make_user()
    application = make_application(by=advisor)
    first = actions.upload_document(
        application, kind="bylaws", upload=upload("v1.pdf"), by=advisor, at=at(2019, 2, 1)
    )
    second = actions.upload_document(
        application,
        kind="bylaws",
        upload=upload("v2.docx", DOCX),
        by=advisor,
        at=at(2019, 2, 2),
    )
    assert (first.number, second.number) == (1, 2)
    assert ApplicationDocument.objects.filter(application=application, kind="bylaws").count() == 2
    assert (settings.DOCUMENTS_ROOT / first.file.name).read_bytes() == PDF
    assert (settings.DOCUMENTS_ROOT / second.file.name).read_bytes() == DOCX


@pytestmark_db
def test_download_is_served_to_members_and_staff_only(client):
    advisor = make_user()
    application = make_application(by=advisor)
    document = actions.upload_document(
        application, kind="charter", upload=upload("charte.pdf"), by=advisor, at=at(2019, 2, 1)
    )
    url = reverse("application-document", args=[document.pk])
    assert client.get(url).status_code == 404  # anonymous

    member = make_representative(application.organization)
    client.force_login(member)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")

    outsider = make_representative(make_application().organization)
    client.force_login(outsider)
    assert client.get(url).status_code == 404

    client.force_login(advisor)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # consuming it closes the file
