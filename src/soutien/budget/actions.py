"""Budget envelopes: opened, approved when the credits are (6.2), closed."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from soutien.accounts.models import User
from soutien.core.models import JournalEntry
from soutien.core.workflow import transition
from soutien.rules import FiscalYear

from .models import BudgetEnvelope


@transaction.atomic
def open_envelope(
    *, fiscal_year: FiscalYear, stream: int, amount: Decimal, by: User | None, at: datetime
) -> BudgetEnvelope:
    envelope = BudgetEnvelope(fiscal_year=fiscal_year.start_year, stream=stream, amount=amount)
    envelope.validate()
    envelope.save_as(by)
    JournalEntry.write(
        envelope,
        "budget_envelope.opened",
        by=by,
        at=at,
        to_state=envelope.state,
        data={"amount": amount},
    )
    return envelope


@transaction.atomic
def approve_envelope(envelope: BudgetEnvelope, *, by: User, at: datetime) -> BudgetEnvelope:
    """The credits are approved by the National Assembly (6.2)."""
    transition(envelope, "approve", by=by, at=at)
    return envelope


@transaction.atomic
def close_envelope(envelope: BudgetEnvelope, *, by: User, at: datetime) -> BudgetEnvelope:
    transition(envelope, "close", by=by, at=at)
    return envelope
