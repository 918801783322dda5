"""Issue 16, item 4: the register of confidentiality incidents (Loi 25) — recorded by the
program's management, refused in French naming the field, exported safely."""

import csv
import html
import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import load_workbook

from soutien.accounts import actions
from soutien.accounts.models import ConfidentialityIncident, Role
from soutien.core.models import JournalEntry
from tests.factories import at, make_user

pytestmark = pytest.mark.django_db

FIELDS = {
    "occurred_on": date(2019, 9, 2),
    "occurred_until": None,
    "discovered_on": date(2019, 9, 3),
    "circumstances": "Un courriel envoyé au mauvais organisme.",
    "information": "Noms et courriels de membres d'un conseil d'administration",
    "persons": 7,
    "risk": "low",
    "risk_reasons": "Renseignements peu sensibles ; le destinataire a supprimé le courriel.",
    "commission_notified_on": None,
    "persons_notified_on": None,
    "measures": "Confirmation écrite de la suppression ; rappel de la consigne.",
}


def test_the_management_records_an_incident_and_the_journal_says_who():
    manager = make_user(Role.MANAGER)
    incident = actions.record_incident(by=manager, at=at(2019, 9, 4), **FIELDS)
    assert incident.recorded_by == manager
    entry = JournalEntry.objects.get(action="incident.recorded")
    assert entry.actor == manager and entry.data == {"persons": 7, "risk": "low"}


@pytest.mark.parametrize("role", [Role.ADVISOR, Role.FINANCE, Role.REPRESENTATIVE])
def test_others_are_refused(role):
    with pytest.raises(PermissionDenied):
        actions.record_incident(by=make_user(role), at=at(2019, 9, 4), **FIELDS)
    assert not ConfidentialityIncident.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"discovered_on": date(2019, 9, 1)},
            None,
            "La date de connaissance ne peut pas précéder l'incident.",
        ),
        (
            {"discovered_on": date(2019, 9, 30)},
            "discovered_on",
            "La date de connaissance ne peut pas être dans l'avenir.",
        ),
        (
            {"commission_notified_on": date(2019, 9, 2)},
            "commission_notified_on",
            "Un avis suit la connaissance de l'incident.",
        ),
        (
            {"occurred_until": date(2019, 9, 1)},
            None,
            "La fin de l'incident ne peut pas précéder son début.",
        ),
    ],
)
def test_dates_out_of_order_are_refused_in_french(changes, field, message):
    with pytest.raises(ValidationError) as error:
        actions.record_incident(
            by=make_user(Role.MANAGER), at=at(2019, 9, 4), **{**FIELDS, **changes}
        )
    assert message in str(error.value)
    if field:
        assert field in error.value.message_dict
    assert not ConfidentialityIncident.objects.exists()


def test_the_database_refuses_a_discovery_before_the_incident():
    incident = actions.record_incident(by=make_user(Role.MANAGER), at=at(2019, 9, 4), **FIELDS)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConfidentialityIncident.objects.filter(pk=incident.pk).update(
            discovered_on=date(2019, 1, 1)
        )


def test_the_register_page_records_and_exports_safely(client):
    manager = make_user(Role.MANAGER)
    client.force_login(manager)
    url = reverse("workspace:incidents")
    data = {k: ("" if v is None else str(v)) for k, v in FIELDS.items()}
    refused = client.post(url, {**data, "persons": "-3"})
    assert refused.status_code == 422
    assert "Le nombre ne peut pas être négatif." in html.unescape(refused.content.decode())
    assert not ConfidentialityIncident.objects.exists()
    formula = '=HYPERLINK("http://exemple")'
    assert client.post(url, {**data, "information": formula}).status_code == 302
    page = html.unescape(client.get(url).content.decode())
    assert "1 incident inscrit" in page and "Pas de risque qu'un préjudice sérieux" in page
    exported = client.get(reverse("workspace:incidents_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "N°" and "'" + formula in rows[1]
    book = load_workbook(
        io.BytesIO(client.get(reverse("workspace:incidents_export", args=["xlsx"])).content)
    )
    assert "'" + formula in [c.value for c in book.active[2]]
    assert client.get(reverse("workspace:incidents_export", args=["pdf"])).status_code == 404
