"""The portal's messages use French plurals: 0 and 1 are singular (issue 10)."""

import pytest
from django.urls import reverse

from tests.factories import make_organization, make_representative

from .portal_helpers import new_application, pdf_upload

pytestmark = pytest.mark.django_db


def test_one_document_saved_is_said_in_the_singular(client):
    organization = make_organization()
    rep = make_representative(organization)
    application = new_application(organization, by=rep)
    client.force_login(rep)
    path = reverse("portal:documents", args=[application.pk])
    response = client.post(path, {"budget_forecast": pdf_upload("budget.pdf")}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert "1 document enregistré." in shown
    assert not any("(s)" in message for message in shown)
