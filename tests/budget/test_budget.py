from datetime import date
from decimal import Decimal

import pytest

from soutien.accounts.models import Role
from soutien.budget import actions
from soutien.budget.models import BudgetEnvelope
from soutien.rules import FiscalYear
from tests.agreements.test_agreements import signed
from tests.factories import at, make_representative, make_user

pytestmark = pytest.mark.django_db


def test_envelope_shows_what_agreements_commit():
    _advisor, _agreement = signed()  # within the 2019-2020 envelope its helper opens
    manager = make_user("manager")
    envelope = BudgetEnvelope.objects.get(fiscal_year=2019, stream=1)
    actions.approve_envelope(
        envelope, approved_on=date(2019, 3, 28), reference="C-2019", by=manager, at=at(2019, 4, 2)
    )
    (row,) = BudgetEnvelope.objects.filter(pk=envelope.pk).with_balances()
    assert row.balance.committed == Decimal("27652")
    assert row.state == "approved"


def test_envelopes_are_for_ministry_staff_only():
    _advisor, agreement = signed()
    actions.open_envelope(
        fiscal_year=FiscalYear(2020),
        stream=1,
        amount=Decimal("1"),
        by=make_user(Role.MANAGER),
        at=at(2019, 3, 1),
    )
    assert not BudgetEnvelope.objects.for_user(make_representative(agreement.organization)).exists()
    assert BudgetEnvelope.objects.for_user(make_user()).count() == 2
