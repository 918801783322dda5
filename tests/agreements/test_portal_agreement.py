"""The organization's side of an agreement (5.4): its decision letter, the agreement to
download, have signed by the person the board designates and deposit; the ministry then signs
it without asking for the file again."""

from __future__ import annotations

import html
from datetime import date

import pytest
from django.urls import reverse

from soutien.agreements.models import AgreementDocument, State
from soutien.core.models import JournalEntry
from tests.factories import make_organization, make_representative, upload
from tests.workspace.helpers import granted_decision, one_year_agreement, staff

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def draft(settings):
    settings.SOUTIEN_PROGRAM_DATE = date(2019, 4, 15)
    people = staff()
    application, _evaluation, decision = granted_decision(people)
    agreement = one_year_agreement(decision, people, signatory_name="Amina Diallo")
    representative = application.organization.memberships.get().user
    return people, representative, agreement, decision


def test_the_organization_downloads_signs_and_deposits_its_agreement(client, draft):
    people, representative, agreement, decision = draft
    client.force_login(representative)
    portal = text(client.get(reverse("portal:agreements")))
    assert "Ce que vous devez faire" in portal
    assert "Faire signer la convention par Amina Diallo et la déposer." in portal
    assert reverse("decision-letter", args=[decision.pk]) in portal
    pdf_url = reverse("agreement-pdf", args=[agreement.pk])
    assert pdf_url in portal
    assert client.get(pdf_url)["Content-Type"] == "application/pdf"
    url = reverse("portal:signed_copy", args=[agreement.pk])
    assert "Amina Diallo" in text(client.get(url))
    refused = client.post(url, {"signed_copy": upload("signee.pdf")})
    assert refused.status_code == 422
    assert "Confirmez que la convention est signée par la personne" in text(refused)
    refused = client.post(url, {"signatory_confirmed": "on"})
    assert refused.status_code == 422 and "Choisissez le fichier" in text(refused)
    assert not AgreementDocument.objects.exists()
    done = client.post(url, {"signed_copy": upload("signee.pdf"), "signatory_confirmed": "on"})
    assert done["Location"] == reverse("portal:agreements")
    assert AgreementDocument.objects.get().uploaded_by == representative
    entry = JournalEntry.objects.get(action="agreement.signed_copy_received")
    assert entry.data["signatory"] == "Amina Diallo"
    assert "Copie signée reçue" in text(client.get(reverse("portal:agreements")))

    # Staff read the page but do not deposit for the organization.
    client.force_login(people["manager"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"signatory_confirmed": "on"}).status_code == 403
    # The ministry signs with the organization's copy, no file asked again.
    signed = client.post(
        reverse("workspace:agreement", args=[agreement.pk]), {"signed_on": "2019-05-10"}
    )
    assert signed.status_code == 302
    agreement.refresh_from_db()
    assert agreement.state == State.ACTIVE
    client.force_login(representative)
    assert client.get(url).status_code == 404  # nothing more to deposit


def test_another_organization_sees_neither_the_agreement_nor_its_pdf(client, draft):
    _people, _representative, agreement, _decision = draft
    client.force_login(make_representative(make_organization()))
    assert client.get(reverse("agreement-pdf", args=[agreement.pk])).status_code == 404
    assert client.get(reverse("portal:signed_copy", args=[agreement.pk])).status_code == 404
    assert agreement.reference not in text(client.get(reverse("portal:agreements")))
