"""Accountability (clause 8) and claims (clause 7): keyword-only verbs, one transaction."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from soutien.accounts.access import Capability, require
from soutien.accounts.models import User
from soutien.agreements.models import (
    Agreement,
    AgreementYear,
    Installment,
    InstallmentState,
    State,
    YearState,
)
from soutien.budget import ledger
from soutien.budget.models import LedgerKind
from soutien.core import clock
from soutien.core.files import new_versions
from soutien.core.mail import send_templated
from soutien.core.models import JournalEntry
from soutien.core.urls import absolute_url
from soutien.core.workflow import transition
from soutien.organizations.members import is_ministry_staff, require_member
from soutien.organizations.models import (
    FinancialReportTypeChoices,
    FinancialStatements,
    Organization,
)
from soutien.payments.models import LineState, PaymentLine
from soutien.rules import FiscalYear, financial_report_type, select_norms
from soutien.rules.accountability import (
    OBLIGATIONS,
    counts_error,
    covered_period,
    indicators,
    report_due_on,
)

from .models import (
    PROOF_KINDS,
    AnnualReport,
    Claim,
    ClaimKind,
    ClaimOffset,
    ClaimState,
    FundingSource,
    IndicatorResult,
    Obligation,
    ObligationKind,
    OffsetState,
    RelatedPartyDeclaration,
    ReportContent,
    ReportCorrection,
    ReportDocument,
    ReportDocumentKind,
    ReportState,
)
from .reports import (
    EDITABLE_STATES,
    PROOF_LABELS,
    form_refusal,
    missing,
    required_form_of,
)

ZERO = Decimal("0")


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
    return _establish_claim(
        organization,
        kind=kind,
        amount=amount,
        fiscal_year=fiscal_year,
        established_on=established_on,
        due_on=due_on,
        by=by,
        at=at,
        agreement=agreement,
        reason=reason,
    )


def _establish_claim(
    organization, *, kind, amount, fiscal_year, established_on, due_on, by, at, agreement, reason
) -> Claim:
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


# --- The yearly report (clause 8): obligations, the organization's answers, the review ----


def _period_and_due(year: AgreementYear) -> tuple[date, date, date]:
    """The organization's fiscal year the report covers and its due date (assumption
    `report_due_days` of the norms)."""
    organization = year.agreement.organization
    fiscal_year = FiscalYear(year.fiscal_year)
    values = select_norms(fiscal_year, fiscal_year.starts_on)
    start, end = covered_period(
        fiscal_year, organization.fiscal_year_end_month, organization.fiscal_year_end_day
    )
    return start, end, report_due_on(end, values)


def _open_report(
    year: AgreementYear, *, due_on: date | None, by: User | None, at: datetime
) -> AnnualReport:
    agreement = year.agreement
    start, end, computed_due = _period_and_due(year)
    due_on = due_on or computed_due
    fiscal_year = FiscalYear(year.fiscal_year)
    values = select_norms(fiscal_year, fiscal_year.starts_on)
    # A first estimate, from the year's amount; the form is computed again on submission
    # from what was actually received (`reports.required_form_of`).
    estimate = year.amount + agreement.application.quebec_government_funding_other
    report = AnnualReport(
        organization_id=agreement.organization_id,
        agreement_year=year,
        required_report_type=financial_report_type(estimate, values).value,
        period_start=start,
        period_end=end,
        due_on=due_on,
    )
    report.save_as(by)
    ReportContent(report=report).save_as(by)
    for kind, _label, clause in OBLIGATIONS:
        Obligation(report=report, kind=kind, clause=clause, due_on=due_on).save_as(by)
    JournalEntry.write(
        report,
        "annual_report.expected",
        by=by,
        at=at,
        to_state=report.state,
        data={
            "quebec_government_funding": estimate,
            "period": [start.isoformat(), end.isoformat()],
            "due_on": due_on.isoformat(),
            "due_rule": "report_due_days",
            "norms": values.norms.version,
            "clause": "8",
        },
    )
    return report


@transaction.atomic
def expect_annual_report(
    year: AgreementYear, *, due_on: date | None = None, by: User, at: datetime
) -> AnnualReport:
    """Open the accountability of an agreement year by hand (the daily task does it too)."""
    require(by, Capability.ACCOUNTABILITY)
    return _open_report(year, due_on=due_on, by=by, at=at)


def expect_due_reports(*, on: date, at: datetime) -> int:
    """Every confirmed agreement year that has begun gets its report and obligations (8);
    run by the daily task, by the program itself (no person). Returns how many."""
    years = (
        AgreementYear.objects.filter(
            state=YearState.CONFIRMED,
            annual_report__isnull=True,
            fiscal_year__lte=FiscalYear.containing(on).start_year,
            agreement__state__in=[State.ACTIVE, State.SUSPENDED, State.ENDED],
        )
        .select_related("agreement", "agreement__organization", "agreement__application")
        .order_by("pk")
    )
    made = 0
    for year in years:
        try:
            with transaction.atomic():
                _open_report(year, due_on=None, by=None, at=at)
        except IntegrityError:
            continue  # another run opened it meanwhile
        made += 1
    return made


def _require_author(by: User, organization: Organization) -> None:
    """A member of the organization writes its report; ministry staff who may keep the
    accountability record one received on paper (the journal says who)."""
    if is_ministry_staff(by):
        require(by, Capability.ACCOUNTABILITY)
    else:
        require_member(by, organization)


def _lock(report: AnnualReport) -> None:
    """The report's row, locked and read again: two people acting at once are served one
    after the other, the second on what the first left."""
    AnnualReport.objects.select_for_update().filter(pk=report.pk).values_list("pk").first()
    report.refresh_from_db()


def _editable(report: AnnualReport, by: User) -> ReportContent:
    _require_author(by, report.organization)
    _lock(report)
    if report.state not in EDITABLE_STATES:
        raise ValidationError(
            _(
                "Cette reddition de comptes est transmise : elle ne change plus, sauf si le "
                "Ministère demande une correction."
            ),
            code="not_editable",
        )
    content = ReportContent.objects.select_for_update().get(report=report)
    report._content_cache = content
    return content


def _journal_saved(report, topic: str, *, by, at, autosave: bool, data=None) -> None:
    if autosave:
        return  # a draft autosaved: its history rows say who changed what
    JournalEntry.write(
        report, "annual_report.saved", by=by, at=at, data={"topic": topic, **(data or {})}
    )


@transaction.atomic
def save_activities(
    report: AnnualReport,
    *,
    activities: str,
    results: dict[str, tuple[int, int, int, int]],
    by: User,
    at: datetime,
    autosave: bool = False,
) -> AnnualReport:
    """The activity report and, per indicator, counts of women, men and another gender or
    not stated, with their total (clause 8). Counts that do not add up are refused, all of
    them before any is kept."""
    content = _editable(report, by)
    known = set(indicators().codes())
    errors = {}
    for code, counts in results.items():
        if code not in known:
            errors[f"indicator_{code}"] = _("Indicateur inconnu : %(code)s.") % {"code": code}
            continue
        problem = counts_error(*counts)
        if problem:
            errors[f"indicator_{code}"] = problem
    if errors:
        raise ValidationError(errors, code="counts")
    content.activities = activities.strip()
    content.save_as(by)
    existing = {r.indicator: r for r in IndicatorResult.objects.filter(report=report)}
    for code, (women, men, other, total) in results.items():
        row = existing.get(code) or IndicatorResult(report=report, indicator=code)
        if row.pk and (row.women, row.men, row.other, row.total) == (women, men, other, total):
            continue
        row.women, row.men, row.other, row.total = women, men, other, total
        row.save_as(by)
    _journal_saved(report, ObligationKind.ACTIVITIES, by=by, at=at, autosave=autosave)
    return report


@transaction.atomic
def add_funding_source(
    report: AnnualReport,
    *,
    funder: str,
    program: str,
    level: str,
    amount: Decimal,
    costs_covered: str,
    by: User,
    at: datetime,
) -> FundingSource:
    _editable(report, by)
    source = FundingSource(
        report=report,
        funder=funder.strip(),
        program=program.strip(),
        level=level,
        amount=amount,
        costs_covered=costs_covered.strip(),
    )
    source.validate()
    source.save_as(by)
    _journal_saved(
        report,
        ObligationKind.FUNDING_SOURCES,
        by=by,
        at=at,
        autosave=False,
        data={"added": {"funder": source.funder, "level": level, "amount": amount}},
    )
    return source


@transaction.atomic
def remove_funding_source(source: FundingSource, *, by: User, at: datetime) -> None:
    """A source declared by mistake, withdrawn while the report is a draft (its history is
    kept by the history table)."""
    report = source.report
    _editable(report, by)
    details = {"funder": source.funder, "amount": source.amount}
    source._history_user = by
    models.Model.delete(source)  # a draft line, not a record of the ministry
    _journal_saved(
        report, ObligationKind.FUNDING_SOURCES, by=by, at=at, autosave=False,
        data={"removed": details},
    )  # fmt: skip


@transaction.atomic
def save_financial_report(
    report: AnnualReport,
    *,
    financial_form: str,
    cpa_name: str,
    cpa_permit: str,
    unspent_program_funds: Decimal | None,
    statements_complete: bool,
    upload: File | None = None,
    by: User,
    at: datetime,
    autosave: bool = False,
) -> AnnualReport:
    """The financial report's form and signer, the program's funds left unused (clause 7),
    and its file. A form less than the one required is refused here, with its reason."""
    content = _editable(report, by)
    if financial_form and financial_form not in FinancialReportTypeChoices.values:
        raise ValidationError(
            {"financial_form": _("Forme de rapport financier inconnue.")}, code="unknown_form"
        )
    content.financial_form = financial_form
    content.cpa_name = cpa_name.strip()
    content.cpa_permit = cpa_permit.strip()
    content.unspent_program_funds = unspent_program_funds
    content.statements_complete = statements_complete
    content.validate()
    refusal = form_refusal(report)
    if refusal:
        raise ValidationError({"financial_form": refusal}, code="form_below_required")
    content.save_as(by)
    documents = _deposit(report, ReportDocumentKind.FINANCIAL_STATEMENTS, upload, by=by, at=at)
    _journal_saved(
        report,
        ObligationKind.FINANCIAL_REPORT,
        by=by,
        at=at,
        autosave=autosave and not documents,
        data={"documents": [_document_data(d) for d in documents]},
    )
    return report


def _deposit(report, kind: str, upload: File | None, *, by, at) -> list[ReportDocument]:
    """The next version of one of the report's files, or nothing when none is given."""
    if upload is None:
        return []
    return new_versions(
        ReportDocument, owner_field="report", owner=report, uploads=[(kind, upload)], by=by,
        at=at,
    )  # fmt: skip


def _document_data(document: ReportDocument) -> dict:
    return {
        "document": document.kind,
        "version": document.number,
        "sha256": document.sha256,
        "name": document.original_name,
    }


@transaction.atomic
def answer_related_parties(
    report: AnnualReport, *, has_related_parties: bool, by: User, at: datetime
) -> AnnualReport:
    content = _editable(report, by)
    if not has_related_parties and report.related_parties.exists():
        raise ValidationError(
            {
                "has_related_parties": _(
                    "Retirez d'abord les sociétés apparentées déclarées, ou répondez « oui »."
                )
            },
            code="parties_declared",
        )
    content.has_related_parties = has_related_parties
    content.save_as(by)
    _journal_saved(
        report,
        ObligationKind.RELATED_PARTIES,
        by=by,
        at=at,
        autosave=False,
        data={"has_related_parties": has_related_parties},
    )
    return report


@transaction.atomic
def declare_related_party(
    report: AnnualReport,
    *,
    legal_name: str,
    neq: str,
    relationship: str,
    transactions_amount: Decimal,
    sole_beneficiary: str,
    proofs: dict[str, str],
    uploads: dict[str, File] | None = None,
    by: User,
    at: datetime,
) -> RelatedPartyDeclaration:
    """A related company (clause 8): its legal name and NEQ, and the three proofs, each an
    attestation saying where it is shown or a document. A party without every proof is
    refused, with the proofs it lacks."""
    content = _editable(report, by)
    uploads = uploads or {}
    party = RelatedPartyDeclaration(
        report=report,
        legal_name=legal_name.strip(),
        neq=neq.strip(),
        relationship=relationship.strip(),
        transactions_amount=transactions_amount,
        sole_beneficiary=sole_beneficiary.strip(),
        **{field: (proofs.get(field) or "").strip() for field in PROOF_KINDS},
    )
    errors = {}
    try:
        party.validate()
    except ValidationError as error:
        errors.update(error.message_dict)
    for field in PROOF_KINDS:
        if not getattr(party, field) and field not in uploads:
            errors.setdefault(field, []).append(
                str(_("Fournissez %(proof)s : une attestation ou un document (clause 8)."))
                % {"proof": PROOF_LABELS[field]}
            )
    if errors:
        raise ValidationError(errors, code="related_party")
    party.save_as(by)
    if not content.has_related_parties:
        content.has_related_parties = True
        content.save_as(by)
    documents = []
    if uploads:
        documents = new_versions(
            ReportDocument,
            owner_field="report",
            owner=report,
            uploads=[(PROOF_KINDS[field], file) for field, file in uploads.items()],
            by=by,
            at=at,
        )
        for document in documents:
            document.related_party = party
        ReportDocument.objects.filter(pk__in=[d.pk for d in documents]).update(related_party=party)
    _journal_saved(
        report,
        ObligationKind.RELATED_PARTIES,
        by=by,
        at=at,
        autosave=False,
        data={
            "declared": {"legal_name": party.legal_name, "neq": party.neq},
            "documents": [_document_data(d) for d in documents],
        },
    )
    return party


@transaction.atomic
def withdraw_related_party(party: RelatedPartyDeclaration, *, by: User, at: datetime) -> None:
    report = party.report
    _editable(report, by)
    details = {"legal_name": party.legal_name, "neq": party.neq}
    # Its proofs stay as documents of the report (files are never deleted); the party goes.
    party.documents.update(related_party=None)
    party._history_user = by
    models.Model.delete(party)
    _journal_saved(
        report, ObligationKind.RELATED_PARTIES, by=by, at=at, autosave=False,
        data={"withdrawn": details},
    )  # fmt: skip


@transaction.atomic
def save_agm(
    report: AnnualReport,
    *,
    held_on: date | None,
    upload: File | None = None,
    by: User,
    at: datetime,
    autosave: bool = False,
) -> AnnualReport:
    content = _editable(report, by)
    if held_on is not None and report.period_end and held_on < report.period_end:
        raise ValidationError(
            {
                "agm_held_on": _(
                    "L'assemblée générale annuelle suit la fin de l'exercice couvert (%(end)s)."
                )
                % {"end": report.period_end.isoformat()}
            },
            code="agm_before_period_end",
        )
    content.agm_held_on = held_on
    content.save_as(by)
    documents = _deposit(report, ReportDocumentKind.AGM_MINUTES, upload, by=by, at=at)
    _journal_saved(
        report,
        ObligationKind.AGM_MINUTES,
        by=by,
        at=at,
        autosave=autosave and not documents,
        data={"documents": [_document_data(d) for d in documents]},
    )
    return report


def _refuse_incomplete(report: AnnualReport) -> None:
    gaps = missing(report)
    errors = {
        kind: [str(_("Il manque %(what)s.") % {"what": what}) for what in whats]
        for kind, whats in gaps.items()
        if whats
    }
    refusal = form_refusal(report)
    if refusal:
        errors.setdefault(ObligationKind.FINANCIAL_REPORT, []).insert(0, refusal)
    if errors:
        raise ValidationError(errors, code="incomplete")


@transaction.atomic
def submit_report(report: AnnualReport, *, by: User, at: datetime) -> AnnualReport:
    """The organization transmits its report: every obligation complete, the financial
    report in the form clause 8 requires from the Québec funding actually received. Reminders
    stop here (they are for reports not transmitted)."""
    _editable(report, by)
    if report.corrections.filter(answered_at__isnull=True).exists():
        raise ValidationError(
            _("Répondez à la demande de correction du Ministère pour transmettre le rapport."),
            code="correction_open",
        )
    return _submit(report, by=by, at=at)


def _submit(report: AnnualReport, *, by: User, at: datetime) -> AnnualReport:
    _refuse_incomplete(report)
    required = required_form_of(report)
    statements = FinancialStatements.objects.filter(
        organization_id=report.organization_id, period_end=report.period_end
    ).first()
    transition(
        report,
        "receive",
        by=by,
        at=at,
        changes={
            "received_on": clock.localdate_of(at),
            "required_report_type": required.form.value,
            "statements": statements or report.statements,
        },
        data={
            "required_form": required.form.value,
            "program_paid": required.program_paid,
            "other_quebec": required.other_quebec,
            "explanation": required.explanation(),
            "clause": "8",
            "late": clock.localdate_of(at) > report.due_on,
        },
    )
    report.obligations.filter(submitted_at__isnull=True).update(submitted_at=at)
    # A new submission is checked again from the start.
    for obligation in report.obligations.filter(met__isnull=False):
        obligation.met, obligation.check_note = None, ""
        obligation.checked_by, obligation.checked_at = None, None
        obligation.save_as(by)
    return report


@transaction.atomic
def check_obligation(
    obligation: Obligation, *, met: bool, note: str = "", by: User, at: datetime
) -> Obligation:
    """The advisor's checklist: this obligation is met, or not (with what is wrong)."""
    require(by, Capability.ACCOUNTABILITY)
    report = obligation.report
    _lock(report)
    obligation.refresh_from_db()
    if report.state != ReportState.RECEIVED:
        raise ValidationError(
            _("On vérifie une reddition de comptes transmise et pas encore acceptée."),
            code="not_received",
        )
    note = (note or "").strip()
    if not met and not note:
        raise ValidationError(
            {"note": _("Dites ce qui manque ou ce qui est à corriger.")}, code="note_required"
        )
    obligation.met, obligation.check_note = met, note
    obligation.checked_by, obligation.checked_at = by, at
    obligation.save_as(by)
    JournalEntry.write(
        report,
        "annual_report.obligation_checked",
        by=by,
        at=at,
        reason=note,
        data={"obligation": obligation.kind, "met": met, "clause": obligation.clause},
    )
    return obligation


@transaction.atomic
def request_report_correction(
    report: AnnualReport,
    *,
    by: User,
    at: datetime,
    reason: str,
    due_at: datetime | None = None,
    obligations: list[str] | tuple[str, ...] = (),
) -> ReportCorrection:
    """The report goes back to the organization, which corrects it by `due_at` (the same
    mechanism as the application's requests, 5.1)."""
    require(by, Capability.ACCOUNTABILITY)
    _lock(report)
    reason, due_at, errors = ReportCorrection.terms(reason, at=at, due_at=due_at)
    unknown = [code for code in obligations if code not in ObligationKind.values]
    if unknown:
        errors["obligations"] = _("Obligation inconnue : %(codes)s.") % {
            "codes": ", ".join(unknown)
        }
    if errors:
        raise ValidationError(errors, code="invalid_request")
    correction = ReportCorrection(
        report=report,
        message=reason,
        obligations=list(obligations),
        requested_at=at,
        requested_by=by,
        due_at=due_at,
    )
    correction.validate()
    correction.save_as(by)
    transition(
        report,
        "request_correction",
        by=by,
        at=at,
        reason=reason,
        data={
            "request": correction.pk,
            "due_at": due_at.isoformat(),
            "obligations": list(obligations),
        },
    )
    send_templated(
        to=report.organization.member_emails(),
        subject_template="accountability/emails/correction_subject.txt",
        body_template="accountability/emails/correction.txt",
        context={
            "report": report,
            "correction": correction,
            "url": absolute_url("portal:report", pk=report.pk),
        },
    )
    return correction


@transaction.atomic
def answer_report_correction(
    correction: ReportCorrection, *, answer: str = "", by: User, at: datetime
) -> ReportCorrection:
    """The organization has corrected its report: with no other correction pending, the
    report is transmitted again, checked as on its first submission."""
    report = correction.report
    _editable(report, by)
    locked = ReportCorrection.objects.select_for_update().get(pk=correction.pk)
    if locked.answered_at is not None:
        raise ValidationError(
            _("Vous avez déjà répondu à cette demande du Ministère."), code="already_answered"
        )
    locked.answered_at, locked.answered_by = at, by
    locked.answer = (answer or "").strip()
    locked.save_as(by)
    JournalEntry.write(
        report,
        "annual_report.correction_answered",
        by=by,
        at=at,
        reason=locked.answer,
        data={"request": locked.pk, "late": at > locked.due_at},
    )
    if not report.corrections.filter(answered_at__isnull=True).exists():
        _submit(report, by=by, at=at)
    return locked


@transaction.atomic
def accept_annual_report(report: AnnualReport, *, by: User, at: datetime) -> AnnualReport:
    """Every obligation checked and met: the report is accepted, which the next renewal
    review reads (5.6). At the agreement's end, the program's funds left unused become a
    claim to refund (clause 7)."""
    require(by, Capability.ACCOUNTABILITY)
    _lock(report)
    if report.state != ReportState.RECEIVED:
        raise ValidationError(
            _("Cette reddition de comptes n'est pas à examiner : %(state)s.")
            % {"state": report.get_state_display().lower()},
            code="not_received",
        )
    unmet = [o.get_kind_display() for o in report.obligations.all() if o.met is not True]
    if unmet:
        raise ValidationError(
            _("Vérifiez d'abord chaque obligation ; non satisfaites ou non vérifiées : %(list)s.")
            % {"list": ", ".join(str(u) for u in unmet)},
            code="unchecked",
        )
    transition(report, "accept", by=by, at=at)
    year = report.agreement_year
    agreement = year.agreement
    content = ReportContent.objects.get(report=report)  # as stored, never a cached copy
    last = not agreement.years.filter(
        year_number__gt=year.year_number, state__in=[YearState.PLANNED, YearState.CONFIRMED]
    ).exists()
    unspent = content.unspent_program_funds or ZERO
    if last and unspent > ZERO:
        accepted_on = clock.localdate_of(at)
        _establish_claim(
            report.organization,
            kind=ClaimKind.UNUSED_FUNDS,
            amount=unspent,
            fiscal_year=FiscalYear(year.fiscal_year),
            established_on=accepted_on,
            due_on=accepted_on + timedelta(days=settings.UNUSED_FUNDS_CLAIM_DAYS),
            by=by,
            at=at,
            agreement=agreement,
            reason=str(
                _(
                    "Aide non utilisée à l'expiration de la convention, déclarée dans la "
                    "reddition de comptes n° %(report)s (clause 7)."
                )
                % {"report": report.pk}
            ),
        )
    return report
