from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from soutien.accounts.models import Role, User
from soutien.agreements.models import Agreement, Installment
from soutien.applications.models import Application, State, SubmissionPeriod
from soutien.core.models import JournalEntry
from soutien.organizations.models import Organization


@pytest.mark.django_db
def test_demo_builds_a_believable_program_once_and_prints_the_accounts():
    output = StringIO()
    call_command("demo", stdout=output)
    text = output.getvalue()
    for role in Role:
        assert User.objects.get(role=role).email in text
    assert "demo-soutien-2019" in text

    assert Organization.objects.count() >= 150
    assert Organization.objects.values("region").distinct().count() == 17
    assert Organization.objects.filter(refugee_reception=True).exists()
    assert Organization.objects.filter(is_national_grouping=True).count() >= 3
    assert Organization.objects.filter(attached_to_ministry=False).exists()
    for fiscal_year in (2018, 2019):
        states = set(
            Application.objects.filter(fiscal_year=fiscal_year).values_list("state", flat=True)
        )
        assert states == set(State.values), fiscal_year
    assert Agreement.objects.count() > 50
    assert Installment.objects.filter(state="paid").exists()
    assert JournalEntry.objects.filter(action="agreement.terminated").count() == 1
    representative = User.objects.get(role=Role.REPRESENTATIVE)
    assert Organization.objects.for_user(representative).count() == 1
    # A visitor can register and apply right away; the demo's notices were never sent.
    now = timezone.now()
    open_periods = SubmissionPeriod.objects.filter(opens_at__lte=now, deadline_at__gt=now)
    assert set(open_periods.values_list("stream", flat=True)) == {1, 2}
    assert mail.outbox == []

    before = Organization.objects.count()
    again = StringIO()
    call_command("demo", stdout=again)
    assert "aucune donnée de démonstration n'est ajoutée" in again.getvalue()
    assert Organization.objects.count() == before
