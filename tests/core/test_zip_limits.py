"""Office and OpenDocument files are decompressed within limits (issue 10: zip bombs), and a
request body too large for any form is refused before it is read."""

import io
import random
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from soutien.core.files import check_upload
from tests.factories import DOCX, ODS, XLSX, upload, zip_bytes

CONTENT_TYPES = (
    b'<Types><Override ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def bomb(expanded: int) -> bytes:
    """A .docx whose document.xml is `expanded` zero bytes, written without holding them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(expanded // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def refusal(name: str, content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as error:
        check_upload(upload(name, content), field="statuts")
    return error.value


@pytest.mark.parametrize(("name", "content"), [("a.docx", DOCX), ("a.xlsx", XLSX), ("a.ods", ODS)])
def test_small_office_files_pass(name, content):
    assert check_upload(upload(name, content)).size == len(content)


def test_a_real_sized_docx_that_compresses_well_passes():
    words = random.Random(10).choices(["mission", "organisme", "accueil", "francisation"], k=9)
    pick = random.Random(10)
    xml = b"<w:document>" + b"".join(
        f"<w:p><w:r><w:t>{pick.choice(words)} {pick.randrange(10**6)}</w:t></w:r></w:p>".encode()
        for _ in range(40000)
    )
    content = zip_bytes(
        {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": xml + b"</w:document>"},
        compression=zipfile.ZIP_DEFLATED,
    )
    assert len(xml) > 1024 * 1024 and check_upload(upload("rapport.docx", content))


def test_a_bomb_is_refused_in_french_by_its_ratio_reading_a_bounded_amount():
    content = bomb(300 * 1024 * 1024)  # about 300 Ko expanding to 300 Mo, as reported
    assert len(content) < 400 * 1024
    tracemalloc.start()
    try:
        error = refusal("rapport.docx", content)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024  # a few chunks, not the 300 Mo the archive holds
    message = error.message_dict["statuts"][0]
    assert "« rapport.docx »" in message and "plus de 100 fois sa taille" in message
    assert error.error_dict["statuts"][0].code == "zip_ratio"


def test_the_check_stops_reading_as_soon_as_the_budget_is_passed(settings, monkeypatch):
    settings.ZIP_MAX_RATIO = 10**6
    settings.ZIP_MAX_EXPANDED_BYTES = 2 * 1024 * 1024
    read = []
    original = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        data = original(self, n)
        read.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    error = refusal("budget.docx", bomb(50 * 1024 * 1024))
    assert error.error_dict["statuts"][0].code == "zip_expanded"
    assert sum(read) <= 2 * 1024 * 1024 + 64 * 1024 + len(CONTENT_TYPES)


def test_too_large_expanded_size_is_refused_in_french_naming_the_limit(settings):
    settings.ZIP_MAX_RATIO = 10**6
    settings.ZIP_MAX_EXPANDED_BYTES = 2 * 1024 * 1024
    message = refusal("gros.docx", bomb(3 * 1024 * 1024)).message_dict["statuts"][0]
    assert message.startswith("Le fichier « gros.docx » se décompresse en plus de 2 Mo")


def test_an_archive_of_20_000_entries_is_refused_in_french():
    files = {"[Content_Types].xml": XLSX_TYPES} | {f"xl/f{i}.xml": b"" for i in range(20000)}
    error = refusal("classeur.xlsx", zip_bytes(files))
    message = error.message_dict["statuts"][0]
    assert "« classeur.xlsx » contient 20001 éléments" in message
    assert "limite de 1000" in message and error.error_dict["statuts"][0].code == "zip_entries"


XLSX_TYPES = (
    b'<Types><Override ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


def test_limits_are_settings(settings):
    settings.ZIP_MAX_ENTRIES = 1
    assert refusal("a.docx", DOCX).error_dict["statuts"][0].code == "zip_entries"


def test_a_corrupt_archive_is_refused_as_an_unaccepted_type():
    content = bytearray(bomb(2 * 1024 * 1024))
    content[200:260] = b"\xff" * 60  # inside the compressed document
    error = refusal("abime.docx", bytes(content))
    assert error.error_dict["statuts"][0].code == "unknown_type"


# --- The request body ------------------------------------------------------------------------


class Unreadable(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("the body was read")


def test_a_body_beyond_the_limit_is_refused_with_a_french_413_before_it_is_read(client, settings):
    response = client.generic(
        "POST",
        reverse("accounts:login"),
        CONTENT_LENGTH=str(settings.REQUEST_MAX_BYTES + 1),
        CONTENT_TYPE="multipart/form-data; boundary=x",
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert 'lang="fr-CA"' in html and "Envoi trop volumineux" in html
    assert "dépasse 91 Mo" in html and "limité à 10 Mo" in html


def test_the_body_limit_is_nine_documents_plus_a_margin(settings):
    assert settings.REQUEST_MAX_BYTES == 9 * settings.DOCUMENT_MAX_BYTES + 1024 * 1024


def test_a_body_within_the_limit_goes_through(client):
    assert client.post(reverse("accounts:login"), {"username": "x"}).status_code == 200
