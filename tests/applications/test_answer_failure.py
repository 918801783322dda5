"""An answer that cannot be saved says why and leaves the request open (issue 10)."""

import html

import pytest
from django.urls import reverse
from django.utils import timezone

from soutien.applications import actions
from soutien.applications.models import State
from tests.factories import make_organization, make_representative, make_user

from .portal_helpers import SECTION_VALUES, fill_everything, new_application

pytestmark = pytest.mark.django_db


def test_5_1_a_correction_answer_that_cannot_resubmit_shows_the_errors_and_saves_nothing(client):
    organization = make_organization()
    rep = make_representative(organization)
    application = new_application(organization, by=rep)
    fill_everything(application, by=rep)
    actions.submit_application(application, by=rep, at=timezone.now(), require_complete=True)
    actions.request_correction(
        application, by=make_user(), at=timezone.now(), reason="Précisez.", sections=["mission"]
    )
    info = application.information_requests.get()
    client.force_login(rep)
    # the named section is emptied: the application cannot be submitted again
    mission = SECTION_VALUES["mission"] | {"mission": ""}
    client.post(reverse("portal:section", args=[application.pk, "mission"]), mission)
    path = reverse("portal:answer_request", args=[application.pk, info.pk])
    response = client.post(path, {"answer": "Voici."})
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert "Vous avez répondu le" not in page
    assert "qc-error-summary" in page or 'role="alert"' in page
    assert 'name="answer"' in page  # the form is still offered, with what was typed
    assert "Voici." in page
    info.refresh_from_db()
    application.refresh_from_db()
    assert info.answered_at is None
    assert application.state == State.INCOMPLETE
