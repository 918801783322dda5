"""The facts the payment rules (`soutien.rules.payments`) read, gathered from the records in a
constant number of queries, and the money the ledger still allows to pay."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import CharField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from soutien.agreements.models import (
    Installment,
    InstallmentState,
    NonComplianceAction,
    NonComplianceKind,
)
from soutien.agreements.models import State as AgreementState
from soutien.budget import ledger
from soutien.budget.models import BudgetEnvelope
from soutien.budget.models import State as EnvelopeState
from soutien.rules.payments import InstallmentFacts, Selection, Status, select_payable, status

from .models import LineState, PaymentLine, RunState

ZERO = Decimal("0")
LIVE_RUNS = (RunState.PREPARED, RunState.APPROVED, RunState.CLOSED)

FIELDS = (
    "pk",
    "amount",
    "due_year",
    "due_month",
    "state",
    "paid_on",
    "payment_number",
    "agreement_year__fiscal_year",
    "agreement_year__year_number",
    "agreement_year__state",
    "agreement_year__agreement__stream",
    "agreement_year__agreement__state",
    "agreement_year__agreement__organization_id",
    "agreement_year__agreement__organization__supplier_number",
    "agreement_year__agreement__organization__bank_reference",
)


def _measure_since():
    """The effective date of the measure that holds the agreement (its latest suspension or
    termination)."""
    return Subquery(
        NonComplianceAction.objects.filter(
            agreement_id=OuterRef("agreement_year__agreement_id"),
            kind__in=[NonComplianceKind.SUSPENSION, NonComplianceKind.TERMINATION],
        )
        .order_by("-effective_on", "-pk")
        .values("effective_on")[:1]
    )


def _live_run():
    return Subquery(
        PaymentLine.objects.filter(installment_id=OuterRef("pk"), state=LineState.PENDING).values(
            "run__reference"
        )[:1],
        output_field=CharField(),
    )


def approved_credits() -> set[tuple[int, int]]:
    return set(
        BudgetEnvelope.objects.filter(state=EnvelopeState.APPROVED).values_list(
            "fiscal_year", "stream"
        )
    )


def facts(installments: QuerySet[Installment]) -> list[InstallmentFacts]:
    """The facts of each installment of `installments`, in its order (two queries)."""
    approved = approved_credits()
    rows = installments.annotate(measure_since=_measure_since(), in_run=_live_run()).values(
        *FIELDS, "measure_since", "in_run"
    )
    found = []
    for row in rows:
        fiscal_year = row["agreement_year__fiscal_year"]
        stream = row["agreement_year__agreement__stream"]
        agreement_state = row["agreement_year__agreement__state"]
        found.append(
            InstallmentFacts(
                installment_id=row["pk"],
                organization_id=row["agreement_year__agreement__organization_id"],
                fiscal_year=fiscal_year,
                stream=stream,
                amount=row["amount"],
                due_year=row["due_year"],
                due_month=row["due_month"],
                state=row["state"],
                agreement_state=agreement_state,
                year_number=row["agreement_year__year_number"],
                year_state=row["agreement_year__state"],
                credits_approved=(fiscal_year, stream) in approved,
                has_supplier=bool(
                    row["agreement_year__agreement__organization__supplier_number"]
                    and row["agreement_year__agreement__organization__bank_reference"]
                ),
                measure_since=row["measure_since"]
                if agreement_state in (AgreementState.SUSPENDED, AgreementState.TERMINATED)
                else None,
                paid_on=row["paid_on"],
                payment_number=row["payment_number"],
                in_run=row["in_run"] or "",
            )
        )
    return found


def statuses(installments: Iterable[Installment], month: tuple[int, int]) -> dict[int, Status]:
    """{installment id: Status} for a page's installments (money not counted: the portal's
    « payable » means the conditions are met; the run counts the money)."""
    ids = [i.pk for i in installments]
    return {
        f.installment_id: status(f, month) for f in facts(Installment.objects.filter(pk__in=ids))
    }


def pending_by(*fields: str) -> dict[tuple, Decimal]:
    """What lines waiting for the financial system hold, grouped by `fields`."""
    rows = (
        PaymentLine.objects.filter(state=LineState.PENDING, run__state__in=LIVE_RUNS)
        .order_by()
        .values(*fields)
        # The ledger will pay each installment in full, its offset included.
        .annotate(total=Coalesce(Sum(F("amount") + F("offset_amount")), ZERO))
    )
    return {tuple(row[f] for f in fields): row["total"] for row in rows}


def money_left() -> tuple[dict[tuple[int, int], Decimal], dict[tuple[int, int, int], Decimal]]:
    """(credits not yet paid nor in a run by fiscal year and stream, commitment not yet paid
    nor in a run by organization, fiscal year and stream), from the ledger (6.2)."""
    envelope_pending = pending_by("fiscal_year", "stream")
    funds = {
        key: balance.credits - balance.paid - envelope_pending.get(key, ZERO)
        for key, balance in ledger.balances().items()
    }
    owed_pending = pending_by("organization_id", "fiscal_year", "stream")
    commitments = {
        key: balance.committed - balance.paid - owed_pending.get(key, ZERO)
        for key, balance in ledger.balances(
            ("organization_id", "fiscal_year", "stream"), organization__isnull=False
        ).items()
    }
    return funds, commitments


def due_by(month: tuple[int, int]) -> QuerySet[Installment]:
    """Installments not paid nor cancelled, due in `month` or before, oldest first."""
    year, number = month
    return (
        Installment.objects.filter(
            Q(due_year__lt=year) | Q(due_year=year, due_month__lte=number),
            state__in=[InstallmentState.SCHEDULED, InstallmentState.SUSPENDED],
        )
        .select_related(None)
        .order_by(
            "due_year",
            "due_month",
            "agreement_year__agreement__reference",
            "agreement_year__year_number",
            "sequence",
        )
    )


def selection(month: tuple[int, int]) -> Selection:
    funds, commitments = money_left()
    return select_payable(facts(due_by(month)), month, funds=funds, commitments=commitments)
