"""The whole journey of an organization, as a person takes it in a browser (issue 4):
register → confirm → profile → self-check → application with the nine documents → submit
one minute before the deadline → acknowledgment."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from soutien.applications.models import Application, State
from tests.applications.portal_helpers import open_period

from .test_portal_accounts import register_and_self_check
from .test_portal_application import check, declare, fill_application, submit

pytestmark = pytest.mark.django_db(transaction=True)


def test_from_registration_to_the_acknowledgment_of_receipt(page, live_server, tmp_path):
    register_and_self_check(page)
    # The ministry opened the period; the deadline is under two minutes away.
    open_period(deadline=timezone.now() + timedelta(minutes=1, seconds=50))
    page.goto("/espace/")
    check(page)
    fill_application(page, tmp_path)
    declare(page)
    submit(page, "Déposer ma demande")

    application = Application.objects.get()
    assert application.state == State.SUBMITTED
    assert application.deadline_at - application.submitted_at >= timedelta(seconds=0)
    assert application.organization.legal_name == "Accueil Estrie"
    assert page.inner_text("[data-reference]") == application.reference
    check(page)
    assert any(application.reference in message.body for message in mail.outbox)
    pdf = page.request.get(page.get_attribute("a[href$='.pdf']", "href"))
    assert pdf.status == 200
    assert pdf.body().startswith(b"%PDF")
