"""Accountability (clause 8) and claims (clause 7): keyword-only verbs, one transaction."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from soutien.accounts.access import Capability, require
from soutien.accounts.models import User
from soutien.agreements.models import Agreement, AgreementYear, Installment, InstallmentState
from soutien.budget import ledger
from soutien.budget.models import LedgerKind
from soutien.core.models import JournalEntry
from soutien.core.workflow import transition
from soutien.organizations.models import FinancialStatements, Organization
from soutien.payments.models import LineState, PaymentLine
from soutien.rules import FiscalYear, financial_report_type, select_norms

from .models import AnnualReport, Claim, ClaimKind, ClaimOffset, ClaimState, OffsetState

ZERO = Decimal("0")


@transaction.atomic
def expect_annual_report(
    year: AgreementYear, *, due_on: date, by: User | None, at: datetime
) -> AnnualReport:
    """Open the accountability of an agreement year; the report type follows clause 8."""
    require(by, Capability.ACCOUNTABILITY)
    agreement = year.agreement
    fiscal_year = FiscalYear(year.fiscal_year)
    values = select_norms(fiscal_year, fiscal_year.starts_on)
    quebec_funding = year.amount + agreement.application.quebec_government_funding_other
    report = AnnualReport(
        organization_id=agreement.organization_id,
        agreement_year=year,
        required_report_type=financial_report_type(quebec_funding, values).value,
        due_on=due_on,
    )
    report.save_as(by)
    JournalEntry.write(
        report,
        "annual_report.expected",
        by=by,
        at=at,
        to_state=report.state,
        data={"quebec_government_funding": quebec_funding},
    )
    return report


@transaction.atomic
def receive_annual_report(
    report: AnnualReport,
    *,
    received_on: date,
    statements: FinancialStatements,
    by: User,
    at: datetime,
) -> AnnualReport:
    require(by, Capability.ACCOUNTABILITY)
    if statements.organization_id != report.organization_id:
        raise ValidationError(
            {"statements": _("Ces états financiers sont ceux d'un autre organisme.")},
            code="other_organization",
        )
    transition(
        report,
        "receive",
        by=by,
        at=at,
        changes={"received_on": received_on, "statements": statements},
    )
    return report


@transaction.atomic
def accept_annual_report(report: AnnualReport, *, by: User, at: datetime) -> AnnualReport:
    require(by, Capability.ACCOUNTABILITY)
    transition(report, "accept", by=by, at=at)
    return report


@transaction.atomic
def request_report_correction(
    report: AnnualReport, *, by: User, at: datetime, reason: str
) -> AnnualReport:
    require(by, Capability.ACCOUNTABILITY)
    transition(report, "request_correction", by=by, at=at, reason=reason)
    return report


def _money_of(claim: Claim) -> dict:
    """The ledger's keys of a claim: its fiscal year, and its agreement's stream."""
    if claim.agreement_id is not None:
        stream = claim.agreement.stream
    else:
        stream = 2 if claim.organization.is_national_grouping else 1
    return {
        "fiscal_year": claim.fiscal_year,
        "stream": stream,
        "organization_id": claim.organization_id,
    }


def _check_claim(organization, agreement, kind, amount, established_on, due_on) -> None:
    """What clauses 7 and 6.2 say of each kind of claim, refused in French before writing."""
    if agreement is not None and agreement.organization_id != organization.pk:
        raise ValidationError(
            _("La convention n'est pas celle de cet organisme."), code="other_organization"
        )
    if kind == ClaimKind.MISUSED_FUNDS and due_on != established_on:
        raise ValidationError(
            {
                "due_on": _(
                    "Les sommes utilisées à d'autres fins sont remboursables immédiatement "
                    "(7) : l'échéance est la date d'établissement de la créance."
                )
            },
            code="misuse_is_immediate",
        )
    if kind == ClaimKind.UNCOMMITTED_ON_TERMINATION:
        if agreement is None or agreement.state != "terminated":
            raise ValidationError(
                {
                    "kind": _(
                        "Une créance de sommes non engagées à la résiliation suit la résiliation "
                        "de la convention (6.2)."
                    )
                },
                code="not_terminated",
            )
        paid = ledger.balance(organization_id=organization.pk, stream=agreement.stream).paid
        if amount > paid:
            raise ValidationError(
                {
                    "amount": _(
                        "Les sommes non engagées à rembourser ne peuvent pas dépasser les sommes "
                        "versées (%(paid)s $)."
                    )
                    % {"paid": paid}
                },
                code="above_paid",
            )


@transaction.atomic
def establish_claim(
    organization: Organization,
    *,
    kind: str,
    amount: Decimal,
    fiscal_year: FiscalYear,
    established_on: date,
    due_on: date,
    by: User,
    at: datetime,
    agreement: Agreement | None = None,
    reason: str = "",
) -> Claim:
    """A sum to refund to the ministry (clause 7; 6.2 on termination)."""
    require(by, Capability.CLAIMS)
    _check_claim(organization, agreement, kind, amount, established_on, due_on)
    claim = Claim(
        organization=organization,
        agreement=agreement,
        kind=kind,
        amount=amount,
        fiscal_year=fiscal_year.start_year,
        established_on=established_on,
        due_on=due_on,
    )
    claim.validate()
    claim.save_as(by)
    ledger.write(
        LedgerKind.CLAIM,
        amount,
        source=claim,
        by=by,
        at=at,
        on=established_on,
        clause="6.2" if kind == ClaimKind.UNCOMMITTED_ON_TERMINATION else "7",
        reason=reason,
        **_money_of(claim),
    )
    JournalEntry.write(
        claim,
        "claim.established",
        by=by,
        at=at,
        to_state=claim.state,
        reason=reason,
        data={"amount": amount, "kind": kind},
    )
    return claim


@transaction.atomic
def agree_repayment(claim: Claim, *, by: User, at: datetime, reason: str = "") -> Claim:
    require(by, Capability.CLAIMS)
    transition(claim, "agree_repayment", by=by, at=at, reason=reason)
    return claim


@transaction.atomic
def default_repayment(claim: Claim, *, by: User, at: datetime, reason: str) -> Claim:
    require(by, Capability.CLAIMS)
    transition(claim, "default", by=by, at=at, reason=reason)
    return claim


@transaction.atomic
def reinstate_repayment(claim: Claim, *, by: User, at: datetime, reason: str = "") -> Claim:
    """The organization pays again as agreed: the agreement is respected again (4)."""
    require(by, Capability.CLAIMS)
    transition(claim, "reinstate", by=by, at=at, reason=reason)
    return claim


@transaction.atomic
def record_repayment(claim: Claim, *, amount: Decimal, by: User, at: datetime) -> Claim:
    """A repayment received; the claim is settled when nothing is left to pay."""
    require(by, Capability.CLAIMS)
    if claim.state == ClaimState.SETTLED:
        raise ValidationError(_("Cette créance est déjà remboursée."), code="settled")
    planned = planned_offsets(claim)
    if amount <= ZERO or amount > claim.balance - planned:
        raise ValidationError(
            {
                "amount": _(
                    "Le remboursement doit être positif et au plus égal au solde (%(balance)s $), "
                    "moins les compensations prévues sur des versements (%(planned)s $)."
                )
                % {"balance": claim.balance, "planned": planned}
            },
            code="invalid_repayment",
        )
    return _recover(claim, amount, by=by, at=at)


def _recover(claim: Claim, amount: Decimal, *, by: User, at: datetime, data=None) -> Claim:
    """What comes back, in the ledger once; the claim is settled when nothing is left."""
    claim.repaid_amount += amount
    ledger.write(
        LedgerKind.RECOVERY, amount, source=claim, by=by, at=at, clause="7", **_money_of(claim)
    )
    details = {"amount": amount, **(data or {})}
    if claim.balance == ZERO:
        transition(claim, "settle", by=by, at=at, data={"repayment": amount, **(data or {})})
    else:
        claim.save_as(by)
        JournalEntry.write(claim, "claim.repayment_recorded", by=by, at=at, data=details)
    return claim


# --- Offsets: a claim repaid out of a later installment (7) --------------------------------


def planned_offsets(claim: Claim) -> Decimal:
    return sum((o.amount for o in claim.offsets.filter(state=OffsetState.PLANNED)), ZERO)


@transaction.atomic
def plan_offset(
    claim: Claim, *, installment: Installment, amount: Decimal, reason: str, by: User, at: datetime
) -> ClaimOffset:
    """Keep back part of a later installment of the same organization to repay the claim: the
    next payment run transfers the rest; the kept part is recovered once the line is paid."""
    require(by, Capability.CLAIMS)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    installment = (
        Installment.objects.select_for_update()
        .select_related("agreement_year__agreement")
        .get(pk=installment.pk)
    )
    if claim.state == ClaimState.SETTLED:
        raise ValidationError(_("Cette créance est déjà remboursée."), code="settled")
    if installment.agreement_year.agreement.organization_id != claim.organization_id:
        raise ValidationError(
            {"installment": _("Ce versement n'est pas celui de l'organisme qui doit la créance.")},
            code="other_organization",
        )
    if installment.state != InstallmentState.SCHEDULED:
        raise ValidationError(
            {"installment": _("Seul un versement prévu, pas encore versé, se compense.")},
            code="not_scheduled",
        )
    if PaymentLine.objects.filter(installment=installment, state=LineState.PENDING).exists():
        raise ValidationError(
            {
                "installment": _(
                    "Ce versement est déjà dans un lot de paiement : compensez un versement "
                    "suivant."
                )
            },
            code="in_run",
        )
    left = claim.balance - planned_offsets(claim)
    if amount <= ZERO or amount > left or amount >= installment.amount:
        raise ValidationError(
            {
                "amount": _(
                    "La compensation est positive, ne dépasse pas le solde de la créance qui "
                    "reste à compenser (%(left)s $) et laisse une somme à verser sur le "
                    "versement (%(installment)s $)."
                )
                % {"left": left, "installment": installment.amount}
            },
            code="invalid_offset",
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Donnez le motif de la compensation.")}, code="reason")
    offset = ClaimOffset(
        claim=claim, installment=installment, amount=amount, reason=reason.strip(), created_at=at
    )
    offset.validate()
    offset.save_as(by)
    JournalEntry.write(
        claim,
        "claim.offset_planned",
        by=by,
        at=at,
        reason=offset.reason,
        data={"offset": offset.pk, "installment": installment.pk, "amount": amount},
    )
    return offset


@transaction.atomic
def cancel_offset(offset: ClaimOffset, *, reason: str, by: User, at: datetime) -> ClaimOffset:
    require(by, Capability.CLAIMS)
    if PaymentLine.objects.filter(
        installment_id=offset.installment_id, state=LineState.PENDING
    ).exists():
        raise ValidationError(
            _("Le versement est dans un lot de paiement en cours : la compensation y reste."),
            code="in_run",
        )
    transition(offset, "cancel", by=by, at=at, reason=reason)
    return offset


def offsets_planned(installment_ids) -> dict:
    """The payment run's question (payments.offsets.planned)."""
    rows = ClaimOffset.objects.filter(
        installment_id__in=list(installment_ids), state=OffsetState.PLANNED
    ).values_list("installment_id", "amount", "claim_id")
    return {
        installment: (amount, _("Créance n° %(claim)s") % {"claim": claim})
        for installment, amount, claim in rows
    }


def offset_applied(installment_id: int, *, paid_on: date, by: User, at: datetime) -> None:
    """The line that kept it back is paid: the offset is the claim's recovery (7)."""
    offset = ClaimOffset.objects.select_for_update().get(
        installment_id=installment_id, state=OffsetState.PLANNED
    )
    claim = Claim.objects.select_for_update().get(pk=offset.claim_id)
    transition(offset, "apply", by=by, at=at, data={"paid_on": paid_on.isoformat()})
    _recover(claim, offset.amount, by=by, at=at, data={"offset": offset.pk})
