"""The ledger checked against the records it comes from (`soutien-mission ledger check`).

Every balance is recomputed here from the envelopes, approved allocation runs, agreement years,
installments and claims, without reading the ledger, then compared to the cent with the
ledger's sums, per fiscal year and stream and per organization.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from soutien.agreements.models import (
    AgreementYear,
    Installment,
    InstallmentState,
    State,
    YearState,
)
from soutien.budget import ledger
from soutien.budget.models import AllocationLine, BudgetEnvelope, LedgerEntry, LedgerKind, RunState
from soutien.payments.models import LineState, PaymentLine

from .models import Claim

ZERO = Decimal("0")
FIELDS = ("credits", "committed", "paid", "held", "claimed", "recovered")


@dataclass(frozen=True, slots=True)
class Difference:
    key: tuple
    field: str
    ledger: Decimal
    records: Decimal

    def __str__(self) -> str:
        where = ", ".join(str(part) for part in self.key)
        return (
            f"{where} — {self.field} : grand livre {self.ledger} $, "
            f"enregistrements {self.records} $"
        )


def _empty() -> dict[str, Decimal]:
    return dict.fromkeys(FIELDS, ZERO)


def from_records() -> dict[tuple, dict[str, Decimal]]:
    """{(organization_id or None, fiscal_year, stream): {balance: amount}} from the records."""
    totals: dict[tuple, dict[str, Decimal]] = defaultdict(_empty)
    for envelope in BudgetEnvelope.objects.all():
        totals[(None, envelope.fiscal_year, envelope.stream)]["credits"] += envelope.amount
    committed: dict[tuple, Decimal] = {}
    for line in AllocationLine.objects.filter(
        funded=True, run__state=RunState.APPROVED
    ).select_related("run", "application"):
        key = (line.application.organization_id, line.run.fiscal_year, line.run.stream)
        committed[key] = committed.get(key, ZERO) + line.amount
    paid_by_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for installment in Installment.objects.select_related(
        "agreement_year", "agreement_year__agreement"
    ):
        year = installment.agreement_year
        key = (year.agreement.organization_id, year.fiscal_year, year.agreement.stream)
        if installment.state == InstallmentState.PAID:
            totals[key]["paid"] += installment.amount
            paid_by_year[year.pk] += installment.amount
        elif installment.state == InstallmentState.SUSPENDED:
            totals[key]["held"] += installment.amount
    for year in AgreementYear.objects.exclude(state=YearState.PLANNED).select_related("agreement"):
        key = (year.agreement.organization_id, year.fiscal_year, year.agreement.stream)
        ended = year.state == YearState.WITHDRAWN or year.agreement.state == State.TERMINATED
        committed[key] = paid_by_year[year.pk] if ended else year.amount
    for key, amount in committed.items():
        totals[key]["committed"] += amount
    for claim in Claim.objects.select_related("agreement", "organization"):
        stream = (
            claim.agreement.stream
            if claim.agreement_id
            else (2 if claim.organization.is_national_grouping else 1)
        )
        key = (claim.organization_id, claim.fiscal_year, stream)
        totals[key]["claimed"] += claim.amount
        totals[key]["recovered"] += claim.repaid_amount
    return totals


def check() -> list[Difference]:
    """Every difference between the ledger and the records (empty when they agree)."""
    records = from_records()
    books = {
        key: {field: getattr(value, field) for field in FIELDS}
        for key, value in ledger.balances(("organization", "fiscal_year", "stream")).items()
    }
    differences = []
    # Per organization (credits belong to no organization) …
    keys = set(records) | set(books)
    for key in sorted(keys, key=lambda k: (k[1], k[2], k[0] or 0)):
        mine, theirs = books.get(key, _empty()), records.get(key, _empty())
        for field in FIELDS:
            if mine[field] != theirs[field]:
                differences.append(Difference(key, field, mine[field], theirs[field]))
    # … and per fiscal year and stream.
    year_books: dict[tuple, dict[str, Decimal]] = defaultdict(_empty)
    year_records: dict[tuple, dict[str, Decimal]] = defaultdict(_empty)
    for source, target in ((books, year_books), (records, year_records)):
        for (_organization, fiscal_year, stream), values in source.items():
            for field in FIELDS:
                target[(fiscal_year, stream)][field] += values[field]
    for key in sorted(set(year_books) | set(year_records)):
        for field in FIELDS:
            if year_books[key][field] != year_records[key][field]:
                differences.append(
                    Difference(key, field, year_books[key][field], year_records[key][field])
                )
    differences.extend(payment_lines())
    return differences


def payment_lines() -> list[Difference]:
    """Each paid line of a payment run (6.2) is its installment's one ledger payment, for the
    same amount; a line not paid has none."""
    installment_type = ledger.ContentType.objects.get_for_model(Installment)
    paid = dict(
        LedgerEntry.objects.filter(kind=LedgerKind.PAYMENT, source_type=installment_type)
        .order_by()
        .values_list("source_id", "amount")
    )
    differences = []
    rows = PaymentLine.objects.filter(state__in=[LineState.PAID]).values_list(
        "run__reference", "position", "installment_id", "amount", "offset_amount"
    )
    for reference, position, installment_id, transferred, offset in rows:
        amount = transferred + offset  # the installment paid in full, its offset included
        if paid.get(installment_id) != amount:
            differences.append(
                Difference(
                    ("lot", reference, position), "paid", paid.get(installment_id, ZERO), amount
                )
            )
    return differences
