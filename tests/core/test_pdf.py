"""Every document the software makes is tagged PDF/UA-1, in Canadian French, with a title."""

import io
import re

import pytest
from django.db import transaction
from django.test import override_settings
from pypdf import PdfReader

from soutien.agreements.documents import agreement_pdf
from soutien.applications.acknowledgment import acknowledgment_of, render_pdf
from soutien.evaluations.letters import decision_letter_pdf
from tests.workspace.helpers import granted_decision, one_year_agreement, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def documents(django_db_setup, django_db_blocker):
    """The three documents of one dossier: acknowledgment, decision letter, agreement."""
    fast_hashing = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        people = staff()
        application, _evaluation, decision = granted_decision(people)
        agreement = one_year_agreement(decision, people, signatory_name="Jeanne Signataire")
        made = {
            "acknowledgment": (render_pdf(acknowledgment_of(application)), "Accusé de réception"),
            "decision_letter": (decision_letter_pdf(decision), "Lettre de décision"),
            "agreement": (agreement_pdf(agreement), "Convention d'aide financière"),
        }
        transaction.set_rollback(True)
    return made


@pytest.mark.parametrize("name", ["acknowledgment", "decision_letter", "agreement"])
def test_document_is_tagged_pdf_ua_1_in_french_with_a_title(documents, name):
    content, title = documents[name]
    reader = PdfReader(io.BytesIO(content))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/StructTreeRoot"].get_object()["/K"]  # the tree has content
    assert catalog["/Lang"] == "fr-CA"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title.startswith(title)
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfuaid:part(="1"|>1<)', xmp)  # PDF/UA-1 identification
