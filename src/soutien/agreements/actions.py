"""Agreements (5.4), renewals (5.6), installments (6.2) and non-compliance (5.5)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from soutien.accounts.access import Capability, require
from soutien.accounts.models import User
from soutien.applications.models import Application, Kind
from soutien.budget import ledger
from soutien.budget.models import LedgerKind
from soutien.core import clock
from soutien.core.files import new_versions
from soutien.core.mail import send_templated
from soutien.core.models import JournalEntry
from soutien.core.urls import absolute_url
from soutien.core.workflow import transition
from soutien.evaluations.dossier import replay_for_fiscal_year
from soutien.evaluations.models import Decision, Outcome
from soutien.organizations.members import require_member
from soutien.rules import FiscalYear, NoNormsInForce, covered_fiscal_years, select_norms
from soutien.rules.reporting import installments as split_installments

from . import obligations
from .models import (
    Agreement,
    AgreementDocument,
    AgreementDocumentKind,
    AgreementYear,
    CaseState,
    Installment,
    InstallmentState,
    MeasureProposal,
    NonComplianceAction,
    NonComplianceCase,
    NonComplianceKind,
    ProposalState,
    ReferenceSequence,
    RenewalReview,
    State,
    YearState,
)

ZERO = Decimal("0")


def max_duration_years(start: FiscalYear) -> int:
    """At most `agreement_max_years` (5.4), and never past the last fiscal year whose amounts a
    version of the norms sets: a later version must exist before an agreement runs into it."""
    covered = set(covered_fiscal_years())
    values = select_norms(start, start.starts_on) if start in covered else None
    limit = int(values.agreement_max_years) if values is not None else 0
    years = 0
    while years < limit and (start + years) in covered:
        years += 1
    return years


def next_reference(fiscal_year: int) -> str:
    """« SAM-2019-0001 »: the next number of the fiscal year, taken under a lock of its
    sequence row (call inside a transaction); numbers already used are skipped."""
    ReferenceSequence.objects.get_or_create(
        fiscal_year=fiscal_year,
        defaults={"last_number": Agreement.objects.filter(start_fiscal_year=fiscal_year).count()},
    )
    sequence = ReferenceSequence.objects.select_for_update().get(fiscal_year=fiscal_year)
    number = sequence.last_number
    while True:
        number += 1
        reference = f"SAM-{fiscal_year}-{number:04d}"
        if not Agreement.objects.filter(reference=reference).exists():
            break
    sequence.last_number = number
    sequence.save(update_fields=["last_number"])
    return reference


@transaction.atomic
def prepare_agreement(
    decision: Decision,
    *,
    duration_years: int,
    signatory_name: str,
    signatory_title: str = "",
    by: User,
    at: datetime,
    reference: str | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Agreement:
    """Draft the agreement of a granted decision: its years, each at the decided amount.

    Without a reference, the next number of the fiscal year is taken under a row lock; without
    dates, the agreement covers its fiscal years (1 April of the first to 31 March of the last).
    """
    require(by, Capability.AGREEMENT)
    if decision.outcome != Outcome.GRANTED:
        raise ValidationError(
            _("Seule une aide accordée donne lieu à une convention."), code="not_granted"
        )
    # The decision's row is locked so that a second submission waits, then sees the first.
    Decision.objects.select_for_update().get(pk=decision.pk)
    application = decision.application
    if Agreement.objects.filter(application=application).exists():
        raise ValidationError(
            _("La convention de cette demande est déjà préparée."), code="already_prepared"
        )
    start = FiscalYear(application.fiscal_year)
    _refuse_covered_years(application, [start + i for i in range(max(duration_years, 1))])
    if starts_on is None:
        starts_on = start.starts_on
    if ends_on is None:
        ends_on = (start + max(duration_years - 1, 0)).ends_on
    if reference is None:  # rolled back with the rest if the agreement is refused below
        reference = next_reference(application.fiscal_year)
    resolution = application.documents.latest_of_kind("board_resolution")
    agreement = Agreement(
        organization_id=application.organization_id,
        application=application,
        reference=reference,
        stream=application.stream,
        start_fiscal_year=application.fiscal_year,
        duration_years=duration_years,
        starts_on=starts_on,
        ends_on=ends_on,
        signatory_name=signatory_name,
        signatory_title=signatory_title,
        signatory_resolution=resolution,
    )
    agreement.validate()
    allowed = max_duration_years(start)
    if duration_years > allowed:
        raise ValidationError(
            {
                "duration_years": _(
                    "Une convention dure au plus %(allowed)s exercice(s) à partir de "
                    "%(fiscal_year)s : trois ans au plus (5.4), et jamais au-delà des normes "
                    "en vigueur tant qu'une version ultérieure des normes n'existe pas."
                )
                % {"allowed": allowed, "fiscal_year": application.fiscal_year_label}
            },
            code="too_long",
        )
    agreement.save_as(by)
    for number, fiscal_year in enumerate(agreement.fiscal_years, start=1):
        if number == 1:
            amount, basis = decision.amount, _decided_basis(decision)
        else:
            amount, basis = forecast(decision, fiscal_year)
        year = AgreementYear(
            agreement=agreement,
            organization_id=agreement.organization_id,
            stream=agreement.stream,
            year_number=number,
            fiscal_year=fiscal_year.start_year,
            amount=amount,
            decision=decision if number == 1 else None,
            amount_basis=basis,
        )
        year.validate()
        year.save_as(by)
    JournalEntry.write(
        agreement,
        "agreement.prepared",
        by=by,
        at=at,
        to_state=agreement.state,
        data={"decision": decision.pk, "amount": decision.amount, "years": duration_years},
    )
    return agreement


def covering_year(organization_id: int, fiscal_year: int, stream: int) -> AgreementYear | None:
    """The year of an agreement that covers this organization's fiscal year and stream (at most
    one: a database constraint), whatever its agreement's state."""
    return (
        AgreementYear.objects.filter(
            organization_id=organization_id, fiscal_year=fiscal_year, stream=stream
        )
        .exclude(state=YearState.WITHDRAWN)
        .select_related("agreement")
        .first()
    )


def _refuse_covered_years(application: Application, fiscal_years: list[FiscalYear]) -> None:
    for fiscal_year in fiscal_years:
        year = covering_year(
            application.organization_id, fiscal_year.start_year, application.stream
        )
        if year is not None:
            raise ValidationError(
                {
                    "duration_years": _(
                        "L'exercice %(fiscal_year)s de cet organisme est déjà couvert par la "
                        "convention %(reference)s (année %(number)s) : une demande de "
                        "reconduction confirme cette année de la même convention (5.6), elle "
                        "n'en crée pas une seconde."
                    )
                    % {
                        "fiscal_year": fiscal_year.label,
                        "reference": year.agreement.reference,
                        "number": year.year_number,
                    }
                },
                code="year_covered",
            )


def _decided_basis(decision: Decision) -> dict:
    evaluation = decision.evaluation
    return {
        "source": "decision",
        "clause": "6.1",
        "decision": decision.pk,
        "evaluation": evaluation.pk if evaluation else None,
        "norms": evaluation.norms_version if evaluation else "",
        "fiscal_year": FiscalYear(decision.application.fiscal_year).label,
    }


def forecast(decision: Decision, fiscal_year: FiscalYear) -> tuple[Decimal, dict]:
    """A later year's amount before its renewal: the decision's facts under that fiscal year's
    norms (6.1, 5.6). Never more than the rules give; never the first year's amount copied."""
    result = replay_for_fiscal_year(decision.evaluation, fiscal_year)
    amount = Decimal(result["amount"]) if result["eligibility"] != "ineligible" else ZERO
    return amount, {
        "source": "forecast",
        "clause": "6.1",
        "evaluation": decision.evaluation_id,
        "norms": result["norms"],
        "fiscal_year": fiscal_year.label,
        "amount_lines": result["amount_lines"],
    }


@transaction.atomic
def upload_agreement_document(
    agreement: Agreement,
    *,
    upload: File,
    by: User,
    at: datetime,
    kind: str = AgreementDocumentKind.SIGNED_AGREEMENT,
) -> AgreementDocument:
    """A new version of a document of the agreement (the signed convention, a notice)."""
    require(by, Capability.AGREEMENT)
    (document,) = new_versions(
        AgreementDocument,
        owner_field="agreement",
        owner=agreement,
        uploads=[(kind, upload)],
        by=by,
        at=at,
    )
    JournalEntry.write(
        agreement,
        "agreement.document_uploaded",
        by=by,
        at=at,
        data={"document": kind, "version": document.number, "sha256": document.sha256},
    )
    return document


@transaction.atomic
def receive_signed_copy(
    agreement: Agreement, *, upload: File, signatory_confirmed: bool, by: User, at: datetime
) -> AgreementDocument:
    """The organization deposits the agreement signed by the person its board's resolution
    designates (5.1, document 1); the ministry then signs it and puts it in force (5.4)."""
    require_member(by, agreement.organization)
    if agreement.state != State.DRAFT:
        raise ValidationError(
            _("Cette convention est déjà signée : aucune autre copie n'est à déposer."),
            code="not_draft",
        )
    if not signatory_confirmed:
        raise ValidationError(
            {
                "signatory_confirmed": _(
                    "Confirmez que la convention est signée par la personne que désigne la "
                    "résolution du conseil d'administration."
                )
            },
            code="signatory_not_confirmed",
        )
    (document,) = new_versions(
        AgreementDocument,
        owner_field="agreement",
        owner=agreement,
        uploads=[(AgreementDocumentKind.SIGNED_AGREEMENT, upload)],
        by=by,
        at=at,
    )
    JournalEntry.write(
        agreement,
        "agreement.signed_copy_received",
        by=by,
        at=at,
        data={
            "document": document.kind,
            "version": document.number,
            "sha256": document.sha256,
            "signatory": agreement.signatory_name,
        },
    )
    return document


@transaction.atomic
def sign_agreement(
    agreement: Agreement,
    *,
    signed_on: date,
    by: User,
    at: datetime,
    upload: File | None = None,
    over_credits_reason: str = "",
) -> Agreement:
    """Signed by both parties: the first year is confirmed and its installments scheduled.

    With `upload`, the signed copy is stored first, in the same transaction: a refused
    signature keeps no document."""
    require(by, Capability.AGREEMENT)
    if upload is not None:
        upload_agreement_document(agreement, upload=upload, by=by, at=at)
    if not agreement.documents.filter(kind=AgreementDocumentKind.SIGNED_AGREEMENT).exists():
        raise ValidationError(
            {"signed_copy": _("Déposez la convention signée avant de la déclarer signée.")},
            code="signed_document_required",
        )
    transition(agreement, "sign", by=by, at=at, changes={"signed_on": signed_on})
    first = agreement.years.get(year_number=1)
    confirm_year(first, by=by, at=at, over_credits_reason=over_credits_reason)
    return agreement


@transaction.atomic
def confirm_year(
    year: AgreementYear,
    *,
    by: User,
    at: datetime,
    renewal_application: Application | None = None,
    over_credits_reason: str = "",
) -> AgreementYear:
    """Confirm a year (5.6 for years 2 and 3): it commits its amount in the ledger (the
    commitment an approved allocation run took for the dossier, or a new one) and schedules its
    installments (6.2). Beyond the available credits, only with `over_credits_reason`."""
    require(by, Capability.AGREEMENT)
    if year.agreement.state == State.SUSPENDED:
        raise ValidationError(
            _(
                "Les versements de cette convention sont suspendus (5.5) : levez la suspension "
                "avant de confirmer une année."
            ),
            code="suspended",
        )
    if year.year_number > 1 and renewal_application is None:
        raise ValidationError(
            {
                "renewal_application": _(
                    "Les années 2 et 3 exigent un formulaire de reconduction (5.6)."
                )
            },
            code="renewal_required",
        )
    transition(
        year,
        "confirm",
        by=by,
        at=at,
        changes={"renewal_application": renewal_application},
    )
    agreement = year.agreement
    ledger.commit_to(
        year.amount,
        organization_id=agreement.organization_id,
        fiscal_year=year.fiscal_year,
        stream=agreement.stream,
        application_id=(renewal_application or agreement.application).pk,
        source=year,
        by=by,
        at=at,
        clause="5.6" if year.year_number > 1 else "5.4",
        over_credits_reason=over_credits_reason,
    )
    schedule_installments(year, by=by, at=at)
    return year


@transaction.atomic
def renew_year(
    decision: Decision, *, by: User, at: datetime, over_credits_reason: str = ""
) -> AgreementYear:
    """A granted renewal (5.6) confirms the year of the agreement that covers its fiscal year,
    at the amount decided for that fiscal year (6.1): never a second agreement, never a second
    commitment."""
    require(by, Capability.AGREEMENT)
    application = decision.application
    if decision.outcome != Outcome.GRANTED:
        raise ValidationError(
            _("Seule une reconduction accordée confirme l'année de la convention."),
            code="not_granted",
        )
    if application.kind != Kind.RENEWAL:
        raise ValidationError(
            _("Cette demande n'est pas un formulaire de reconduction (5.6)."), code="not_renewal"
        )
    Decision.objects.select_for_update().get(pk=decision.pk)
    year = covering_year(application.organization_id, application.fiscal_year, application.stream)
    if year is None:
        raise ValidationError(
            _(
                "Aucune convention ne couvre l'exercice %(fiscal_year)s de cet organisme : "
                "préparez une nouvelle convention (5.4)."
            )
            % {"fiscal_year": application.fiscal_year_label},
            code="no_agreement",
        )
    year = AgreementYear.objects.select_for_update().select_related("agreement").get(pk=year.pk)
    agreement = year.agreement
    if agreement.state not in (State.ACTIVE, State.SUSPENDED):
        raise ValidationError(
            _(
                "La convention %(reference)s n'est pas en vigueur (%(state)s) : son année ne se "
                "confirme plus."
            )
            % {"reference": agreement.reference, "state": agreement.get_state_display()},
            code="agreement_not_in_force",
        )
    if year.state != YearState.PLANNED:
        raise ValidationError(
            _("L'année %(number)s de la convention %(reference)s est déjà confirmée.")
            % {"number": year.year_number, "reference": agreement.reference},
            code="already_confirmed",
        )
    review = RenewalReview.objects.filter(application=application).first()
    if review is None or not review.requirements_met:
        raise ValidationError(
            _(
                "L'année se confirme après la revue de la reconduction qui constate que "
                "l'organisme a respecté de façon continue les exigences de la convention (5.6)."
            ),
            code="review_required",
        )
    previous = year.amount
    year.amount = decision.amount
    year.decision = decision
    year.amount_basis = _decided_basis(decision)
    year.validate()
    year.save_as(by)
    confirm_year(
        year,
        by=by,
        at=at,
        renewal_application=application,
        over_credits_reason=over_credits_reason,
    )
    JournalEntry.write(
        agreement,
        "agreement.renewed",
        by=by,
        at=at,
        data={
            "year": year.year_number,
            "fiscal_year": application.fiscal_year_label,
            "decision": decision.pk,
            "amount": decision.amount,
            "forecast": previous,
            "clause": "5.6",
        },
    )
    return year


def renewal_year_of(application: Application) -> AgreementYear | None:
    """The planned or confirmed year a renewal form is for (5.6), if an agreement covers it."""
    if application.kind != Kind.RENEWAL:
        return None
    return covering_year(application.organization_id, application.fiscal_year, application.stream)


def renewal_year_number(application: Application) -> int | None:
    """For the rules' `agreement_year` (5.6, 6.1.3): 2 or 3 for a renewal an agreement covers."""
    year = renewal_year_of(application)
    return year.year_number if year is not None else None


@transaction.atomic
def review_renewal(
    application: Application,
    *,
    requirements_met: bool,
    evidence: str,
    by: User,
    at: datetime,
) -> RenewalReview:
    """The advisor's review of a renewal (5.6): whether the agreement's requirements were
    continuously met. Recorded again (with its history) until the year is confirmed."""
    require(by, Capability.EVALUATE)
    year = renewal_year_of(application)
    if year is None:
        raise ValidationError(
            _(
                "Aucune convention en vigueur ne couvre l'exercice de ce formulaire de "
                "reconduction."
            ),
            code="no_agreement",
        )
    if year.state != YearState.PLANNED:
        raise ValidationError(
            _("L'année est déjà confirmée ou retirée : sa revue ne change plus."),
            code="year_not_planned",
        )
    evidence = evidence.strip()
    if not evidence:
        raise ValidationError(
            {
                "evidence": _(
                    "Décrivez ce que montrent les mesures, les redditions de comptes et les "
                    "créances."
                )
            },
            code="evidence_required",
        )
    # What the yearly reports say (8): a report due and missing, or whose correction is
    # overdue, means the requirements were not continuously met.
    findings = obligations.renewal_findings(year.agreement, clock.localdate_of(at))
    if requirements_met and not findings["met"]:
        raise ValidationError(
            {
                "requirements_met": _(
                    "La reddition de comptes de %(years)s n'est pas reçue ou sa correction est "
                    "en retard (clause 8) : les exigences ne sont pas respectées de façon "
                    "continue (5.6)."
                )
                % {"years": ", ".join(findings["missing"])}
            },
            code="report_missing",
        )
    review = RenewalReview.objects.select_for_update().filter(application=application).first()
    if review is None:
        review = RenewalReview(application=application, year=year, created_at=at)
    review.eligibility_confirmed = bool(application.eligibility_confirmed)
    review.requirements_met = requirements_met
    review.evidence = evidence
    review.reviewed_by = by
    review.reviewed_at = at
    review.validate()
    try:
        with transaction.atomic():  # two first reviews at once: one row per renewal form
            review.save_as(by)
    except IntegrityError as error:
        raise ValidationError(
            _("Une autre personne vient d'enregistrer la revue : rechargez la page."),
            code="review_saved_meanwhile",
        ) from error
    JournalEntry.write(
        application,
        "renewal.reviewed",
        by=by,
        at=at,
        reason=evidence,
        data={
            "year": year.year_number,
            "requirements_met": requirements_met,
            "eligibility_confirmed": review.eligibility_confirmed,
            "reports": [
                {"fiscal_year": r["fiscal_year"], "state": r["state"], "met": r["met"]}
                for r in findings["reports"]
            ],
            "clause": "5.6",
        },
    )
    return review


@transaction.atomic
def end_at_renewal(application: Application, *, reason: str, by: User, at: datetime):
    """A renewal refused (5.6): the agreement ends with its last confirmed year; the years not
    granted are withdrawn. Nothing of them was committed, so the ledger does not move."""
    require(by, Capability.MEASURES)
    year = renewal_year_of(application)
    if year is None or year.state != YearState.PLANNED:
        raise ValidationError(
            _("Aucune année prévue de convention ne correspond à ce formulaire de reconduction."),
            code="no_planned_year",
        )
    decision = Decision.objects.filter(application=application).first()
    review = RenewalReview.objects.filter(application=application).first()
    granted = decision is not None and decision.outcome == Outcome.GRANTED
    if granted and (review is None or review.requirements_met):
        raise ValidationError(
            _("Cette reconduction est accordée : confirmez l'année plutôt que d'y mettre fin."),
            code="renewal_granted",
        )
    if decision is None and (review is None or review.requirements_met):
        raise ValidationError(
            _(
                "Mettre fin à la convention suit un refus : une décision de refus ou une revue "
                "qui constate que les exigences n'ont pas été respectées (5.6)."
            ),
            code="nothing_refused",
        )
    agreement = Agreement.objects.select_for_update().get(pk=year.agreement_id)
    withdrawn = list(
        agreement.years.filter(year_number__gte=year.year_number, state=YearState.PLANNED)
    )
    for later in withdrawn:
        transition(later, "withdraw", by=by, at=at, reason=reason)
    last = agreement.years.filter(year_number__lt=year.year_number).order_by("-year_number")[0]
    agreement.ends_on = FiscalYear(last.fiscal_year).ends_on
    agreement.duration_years = last.year_number
    agreement.validate()
    agreement.save_as(by)
    if agreement.ends_on < clock.localdate_of(at) and agreement.state == State.ACTIVE:
        # Its last year is over: nothing more to pay, nothing more to renew.
        transition(agreement, "end", by=by, at=at, reason=reason)
    JournalEntry.write(
        agreement,
        "agreement.shortened",
        by=by,
        at=at,
        reason=reason,
        data={
            "application": application.pk,
            "ends_on": agreement.ends_on,
            "withdrawn": [y.year_number for y in withdrawn],
            "clause": "5.6",
        },
    )
    send_templated(
        to=agreement.organization.member_emails(),
        subject_template="agreements/emails/shortened_subject.txt",
        body_template="agreements/emails/shortened.txt",
        context={"agreement": agreement, "reason": reason, "url": _portal_url()},
    )
    return agreement


def _money_of(year: AgreementYear) -> dict:
    """The ledger's keys of an agreement year's money."""
    return {
        "fiscal_year": year.fiscal_year,
        "stream": year.agreement.stream,
        "organization_id": year.agreement.organization_id,
    }


def _hold(installments, kind: str, *, by: User, at: datetime, clause: str, reason: str = ""):
    """One ledger entry per agreement year for the installments held or released (5.5)."""
    by_year: dict[int, list[Installment]] = {}
    for installment in installments:
        by_year.setdefault(installment.agreement_year_id, []).append(installment)
    for group in by_year.values():
        year = group[0].agreement_year
        ledger.write(
            kind,
            sum((i.amount for i in group), ZERO),
            source=year,
            by=by,
            at=at,
            clause=clause,
            reason=reason,
            **_money_of(year),
        )


def schedule_installments(year: AgreementYear, *, by: User, at: datetime) -> list[Installment]:
    """The installments of 6.2 for the year's amount, or what is left of it after payments."""
    fiscal_year = FiscalYear(year.fiscal_year)
    values = select_norms(fiscal_year, fiscal_year.starts_on)
    paid = sum((i.amount for i in year.installments.filter(state=InstallmentState.PAID)), ZERO)
    remaining = year.amount - paid
    last = year.installments.aggregate(last=Max("sequence"))["last"] or 0
    created = []
    for offset, part in enumerate(split_installments(remaining, fiscal_year, values), start=1):
        installment = Installment(
            agreement_year=year,
            sequence=last + offset,
            due_year=part.year,
            due_month=part.month,
            amount=part.amount,
        )
        installment.save_as(by)
        created.append(installment)
    return created


@transaction.atomic
def pay_installment(
    installment: Installment,
    *,
    paid_on: date,
    by: User,
    at: datetime,
    payment_number: str = "",
) -> Installment:
    """Record what the ministry's financial system paid (6.2), in the ledger once: the
    installment's own transition and the ledger's unique payment per installment refuse a
    second time. Payment runs (`soutien.payments`) call it for each paid line."""
    require(by, Capability.PAY)
    agreement = installment.agreement_year.agreement
    if agreement.state != State.ACTIVE:
        raise ValidationError(
            _("Aucun versement sur une convention qui n'est pas en vigueur."), code="not_active"
        )
    transition(
        installment,
        "pay",
        by=by,
        at=at,
        changes={"paid_on": paid_on, "payment_number": payment_number[:30]},
        data={"payment_number": payment_number[:30]} if payment_number else None,
    )
    year = installment.agreement_year
    ledger.write(
        LedgerKind.PAYMENT,
        installment.amount,
        source=installment,
        by=by,
        at=at,
        on=paid_on,
        clause="6.2",
        **_money_of(year),
    )
    return installment


def _measure(
    agreement,
    kind,
    *,
    decided_on,
    effective_on,
    reason,
    by,
    notice_sent_on=None,
    revised_amount=None,
) -> NonComplianceAction:
    measure = NonComplianceAction(
        agreement=agreement,
        kind=kind,
        decided_on=decided_on,
        effective_on=effective_on,
        notice_sent_on=notice_sent_on,
        reason=reason,
        revised_amount=revised_amount,
        decided_by=by,
    )
    measure.validate()
    measure.save_as(by)
    return measure


def _unpaid(agreement: Agreement, *states: str):
    return Installment.objects.filter(
        agreement_year__agreement=agreement, state__in=states
    ).order_by("pk")


@transaction.atomic
def suspend_agreement(
    agreement: Agreement, *, decided_on: date, reason: str, by: User, at: datetime
) -> NonComplianceAction:
    """Suspend payments so the organization can remedy a non-compliance (5.5)."""
    require(by, Capability.MEASURES)
    measure = _measure(
        agreement,
        NonComplianceKind.SUSPENSION,
        decided_on=decided_on,
        effective_on=decided_on,
        reason=reason,
        by=by,
    )
    transition(agreement, "suspend", by=by, at=at, reason=reason, data={"measure": measure.pk})
    held = list(_unpaid(agreement, InstallmentState.SCHEDULED).select_related("agreement_year"))
    for installment in held:
        transition(installment, "suspend", by=by, at=at, reason=reason)
    _hold(held, LedgerKind.HOLD, by=by, at=at, clause="5.5", reason=reason)
    return measure


@transaction.atomic
def resume_agreement(
    agreement: Agreement, *, by: User, at: datetime, reason: str = ""
) -> Agreement:
    require(by, Capability.MEASURES)
    transition(agreement, "resume", by=by, at=at, reason=reason)
    released = list(_unpaid(agreement, InstallmentState.SUSPENDED).select_related("agreement_year"))
    for installment in released:
        transition(installment, "resume", by=by, at=at)
    _hold(released, LedgerKind.HOLD_RELEASED, by=by, at=at, clause="5.5", reason=reason)
    return agreement


@transaction.atomic
def revise_agreement(
    year: AgreementYear,
    *,
    new_amount: Decimal,
    decided_on: date,
    reason: str,
    by: User,
    at: datetime,
) -> NonComplianceAction:
    """Revise the contribution of a year (5.5, 6.1.3): unpaid installments are rescheduled."""
    require(by, Capability.MEASURES)
    agreement = year.agreement
    paid = sum((i.amount for i in year.installments.filter(state=InstallmentState.PAID)), ZERO)
    if new_amount < paid:
        raise ValidationError(
            {
                "new_amount": _(
                    "Le nouveau montant ne peut pas être inférieur aux sommes déjà versées "
                    "(%(paid)s $) : établissez plutôt une créance."
                )
                % {"paid": paid}
            },
            code="below_paid",
        )
    measure = _measure(
        agreement,
        NonComplianceKind.REVISION,
        decided_on=decided_on,
        effective_on=decided_on,
        reason=reason,
        by=by,
        revised_amount=new_amount,
    )
    previous = year.amount
    unpaid = list(
        year.installments.filter(state__in=[InstallmentState.SCHEDULED, InstallmentState.SUSPENDED])
    )
    for installment in unpaid:
        was_held = installment.state == InstallmentState.SUSPENDED
        transition(installment, "cancel", by=by, at=at, reason=reason)
        installment.was_held = was_held
    held = [i for i in unpaid if i.was_held]
    for installment in held:
        installment.agreement_year = year
    _hold(held, LedgerKind.HOLD_RELEASED, by=by, at=at, clause="5.5", reason=reason)
    year.amount = new_amount
    year.save_as(by)
    if year.state == YearState.CONFIRMED:
        ledger.commit_to(
            new_amount,
            application_id=None,
            source=measure,
            by=by,
            at=at,
            clause="5.5",
            reason=reason,
            over_credits_reason=reason,
            **_money_of(year),
        )
        rescheduled = schedule_installments(year, by=by, at=at)
        if agreement.state == State.SUSPENDED:  # still held until the agreement resumes
            for installment in rescheduled:
                transition(installment, "suspend", by=by, at=at, reason=reason)
                installment.agreement_year = year
            _hold(rescheduled, LedgerKind.HOLD, by=by, at=at, clause="5.5", reason=reason)
    JournalEntry.write(
        agreement,
        "agreement.revised",
        by=by,
        at=at,
        reason=reason,
        data={"year": year.year_number, "from": previous, "to": new_amount, "measure": measure.pk},
    )
    return measure


def notice_days(agreement: Agreement, on: date) -> int:
    fiscal_year = FiscalYear.containing(on)
    try:
        values = select_norms(fiscal_year, fiscal_year.starts_on)
    except NoNormsInForce:  # a date outside the norms' years: the last norms' value applies
        values = select_norms(agreement.last_fiscal_year, agreement.last_fiscal_year.starts_on)
    return int(values.termination_notice_days)


@transaction.atomic
def terminate_agreement(
    agreement: Agreement,
    *,
    notice_sent_on: date,
    effective_on: date,
    reason: str,
    by: User,
    at: datetime,
) -> NonComplianceAction:
    """Terminate with the notice of 6.2 (30 days); unpaid installments are cancelled."""
    require(by, Capability.MEASURES)
    days = notice_days(agreement, notice_sent_on)
    if effective_on < notice_sent_on + timedelta(days=days):
        raise ValidationError(
            {
                "effective_on": _(
                    "La résiliation prend effet au plus tôt %(days)s jours après le préavis "
                    "(6.2), soit le %(date)s."
                )
                % {"days": days, "date": (notice_sent_on + timedelta(days=days)).isoformat()}
            },
            code="notice_too_short",
        )
    measure = _measure(
        agreement,
        NonComplianceKind.TERMINATION,
        decided_on=notice_sent_on,
        effective_on=effective_on,
        notice_sent_on=notice_sent_on,
        reason=reason,
        by=by,
    )
    unpaid = list(
        _unpaid(agreement, InstallmentState.SCHEDULED, InstallmentState.SUSPENDED).select_related(
            "agreement_year"
        )
    )
    held = [i for i in unpaid if i.state == InstallmentState.SUSPENDED]
    for installment in unpaid:
        transition(installment, "cancel", by=by, at=at, reason=reason)
    _hold(held, LedgerKind.HOLD_RELEASED, by=by, at=at, clause="5.5", reason=reason)
    transition(agreement, "terminate", by=by, at=at, reason=reason, data={"measure": measure.pk})
    # What is not paid is no longer committed (6.2: the agreement ends; unspent sums are
    # claimed separately).
    for year in agreement.years.filter(state=YearState.CONFIRMED).select_related("agreement"):
        paid = sum((i.amount for i in year.installments.filter(state=InstallmentState.PAID)), ZERO)
        ledger.commit_to(
            paid,
            application_id=None,
            source=measure,
            by=by,
            at=at,
            clause="6.2",
            reason=reason,
            **_money_of(year),
        )
    return measure


# --- Non-compliance cases: a finding, measures proposed by one person, approved by another ---

OPEN_TO_MEASURES = (State.ACTIVE, State.SUSPENDED)


@transaction.atomic
def open_case(
    agreement: Agreement,
    *,
    breach: str,
    clause: str,
    finding: str,
    found_on: date,
    by: User,
    at: datetime,
) -> NonComplianceCase:
    """Record that an agreement is not respected (5.5): the measures are proposed in the case."""
    require(by, Capability.AGREEMENT)
    if agreement.state not in OPEN_TO_MEASURES:
        raise ValidationError(
            _("Un dossier de non-respect s'ouvre sur une convention en vigueur ou suspendue."),
            code="agreement_not_open",
        )
    if found_on > clock.localdate_of(at):
        raise ValidationError(
            {"found_on": _("La date du constat ne peut pas être dans le futur.")},
            code="future_finding",
        )
    case = NonComplianceCase(
        agreement=agreement,
        breach=breach,
        clause=clause.strip(),
        finding=finding.strip(),
        found_on=found_on,
        opened_by=by,
        created_at=at,
    )
    case.validate()
    case.save_as(by)
    JournalEntry.write(
        agreement,
        "case.opened",
        by=by,
        at=at,
        reason=case.finding,
        data={"case": case.pk, "breach": breach, "clause": case.clause},
    )
    return case


@transaction.atomic
def close_case(case: NonComplianceCase, *, reason: str, by: User, at: datetime):
    require(by, Capability.MEASURES)
    if case.proposals.filter(state=ProposalState.PROPOSED).exists():
        raise ValidationError(
            _("Une mesure proposée attend son approbation : approuvez-la ou refusez-la d'abord."),
            code="pending_measure",
        )
    transition(case, "close", by=by, at=at, reason=reason)
    return case


def _check_measure(
    proposal: MeasureProposal, agreement: Agreement, today: date, *, applying: bool
) -> None:
    """What 5.5 and 6.2 require of a measure, on the program clock's `today`: when it is
    proposed, and again when it is approved (the agreement or the date may have moved)."""
    kind = proposal.kind
    if agreement.state not in OPEN_TO_MEASURES:
        raise ValidationError(
            _("La convention n'est plus en vigueur : aucune mesure ne s'y applique."),
            code="agreement_not_open",
        )
    if kind == NonComplianceKind.SUSPENSION:
        if agreement.state == State.SUSPENDED:
            raise ValidationError(
                _("Les versements de cette convention sont déjà suspendus."),
                code="already_suspended",
            )
        if proposal.remedy_due_on is not None and proposal.remedy_due_on <= today:
            raise ValidationError(
                {
                    "remedy_due_on": _(
                        "La date limite de correction doit suivre la date de la lettre."
                    )
                },
                code="remedy_in_past",
            )
    elif kind == NonComplianceKind.REVISION:
        year = proposal.agreement_year
        if year is None or year.agreement_id != agreement.pk:
            raise ValidationError(
                {"agreement_year": _("Choisissez une année de cette convention.")},
                code="year_of_another_agreement",
            )
        paid = sum((i.amount for i in year.installments.filter(state=InstallmentState.PAID)), ZERO)
        if proposal.revised_amount is not None and proposal.revised_amount < paid:
            raise ValidationError(
                {
                    "revised_amount": _(
                        "Le nouveau montant ne peut pas être inférieur aux sommes déjà versées "
                        "pour cette année (%(paid)s $) : établissez plutôt une créance (6.2)."
                    )
                    % {"paid": paid}
                },
                code="below_paid",
            )
        if proposal.revised_amount is not None and proposal.revised_amount >= year.amount:
            raise ValidationError(
                {
                    "revised_amount": _(
                        "Une révision pour non-respect réduit la contribution : le nouveau "
                        "montant doit être inférieur au montant actuel (%(amount)s $)."
                    )
                    % {"amount": year.amount}
                },
                code="not_a_reduction",
            )
    elif kind == NonComplianceKind.TERMINATION and proposal.effective_on is not None:
        days = notice_days(agreement, today)
        earliest = today + timedelta(days=days)
        if proposal.effective_on < earliest:
            when = _("approuvée") if applying else _("proposée")
            raise ValidationError(
                {
                    "effective_on": _(
                        "La résiliation prend effet au plus tôt %(days)s jours après le préavis "
                        "(6.2) : %(when)s aujourd'hui, au plus tôt le %(date)s."
                    )
                    % {"days": days, "when": when, "date": earliest.isoformat()}
                },
                code="notice_too_short",
            )


@transaction.atomic
def propose_measure(
    case: NonComplianceCase,
    *,
    kind: str,
    legal_basis: str,
    reason: str,
    by: User,
    at: datetime,
    agreement_year: AgreementYear | None = None,
    revised_amount: Decimal | None = None,
    remedy: str = "",
    remedy_due_on: date | None = None,
    effective_on: date | None = None,
) -> MeasureProposal:
    """Propose a measure of 5.5 in an open case; another person approves it."""
    require(by, Capability.AGREEMENT)
    case = NonComplianceCase.objects.select_for_update().select_related("agreement").get(pk=case.pk)
    if case.state != CaseState.OPEN:
        raise ValidationError(_("Ce dossier de non-respect est fermé."), code="case_closed")
    if case.proposals.filter(state=ProposalState.PROPOSED, kind=kind).exists():
        raise ValidationError(
            _("Une mesure de ce type attend déjà son approbation dans ce dossier."),
            code="already_proposed",
        )
    proposal = MeasureProposal(
        case=case,
        kind=kind,
        legal_basis=legal_basis.strip(),
        reason=reason.strip(),
        agreement_year=agreement_year if kind == NonComplianceKind.REVISION else None,
        revised_amount=revised_amount if kind == NonComplianceKind.REVISION else None,
        remedy=remedy.strip() if kind == NonComplianceKind.SUSPENSION else "",
        remedy_due_on=remedy_due_on if kind == NonComplianceKind.SUSPENSION else None,
        effective_on=effective_on if kind == NonComplianceKind.TERMINATION else None,
        proposed_by=by,
        proposed_at=at,
        created_at=at,
    )
    proposal.validate()
    _check_measure(proposal, case.agreement, clock.localdate_of(at), applying=False)
    proposal.save_as(by)
    JournalEntry.write(
        case.agreement,
        "measure.proposed",
        by=by,
        at=at,
        reason=proposal.reason,
        data={"case": case.pk, "proposal": proposal.pk, "kind": kind},
    )
    return proposal


def _locked_proposal(proposal: MeasureProposal) -> MeasureProposal:
    # Two approvers at once: the second waits for the first and then finds it approved.
    return (
        MeasureProposal.objects.select_for_update()
        .select_related("case", "case__agreement", "case__agreement__organization")
        .get(pk=proposal.pk)
    )


def _refuse_own(proposal: MeasureProposal, by: User) -> None:
    if proposal.proposed_by_id == by.pk:
        raise ValidationError(
            _("La personne qui a proposé la mesure ne peut pas l'approuver ni la refuser."),
            code="same_person",
        )


@transaction.atomic
def approve_measure(proposal: MeasureProposal, *, by: User, at: datetime) -> MeasureProposal:
    """Approve and apply a proposed measure: the letter's date is the notice's (6.2), the
    ledger moves with it, the organization is told (5.5)."""
    require(by, Capability.MEASURES)
    proposal = _locked_proposal(proposal)
    _refuse_own(proposal, by)
    if proposal.state != ProposalState.PROPOSED:
        raise ValidationError(
            _("Cette mesure a déjà été approuvée ou refusée."), code="already_reviewed"
        )
    case = proposal.case
    agreement = Agreement.objects.select_for_update().get(pk=case.agreement_id)
    today = clock.localdate_of(at)
    _check_measure(proposal, agreement, today, applying=True)
    text = proposal.reason
    changes: dict = {"reviewed_by": by, "reviewed_at": at}
    if proposal.kind == NonComplianceKind.SUSPENSION:
        measure = suspend_agreement(agreement, decided_on=today, reason=text, by=by, at=at)
    elif proposal.kind == NonComplianceKind.REVISION:
        year = AgreementYear.objects.select_related("agreement").get(pk=proposal.agreement_year_id)
        changes["previous_amount"] = year.amount
        measure = revise_agreement(
            year, new_amount=proposal.revised_amount, decided_on=today, reason=text, by=by, at=at
        )
    else:
        measure = terminate_agreement(
            agreement,
            notice_sent_on=today,
            effective_on=proposal.effective_on,
            reason=text,
            by=by,
            at=at,
        )
    transition(
        proposal,
        "approve",
        by=by,
        at=at,
        changes={**changes, "measure": measure},
        data={"measure": measure.pk, "kind": proposal.kind},
    )
    _tell_organization(proposal, agreement)
    return proposal


@transaction.atomic
def reject_measure(
    proposal: MeasureProposal, *, reason: str, by: User, at: datetime
) -> MeasureProposal:
    require(by, Capability.MEASURES)
    proposal = _locked_proposal(proposal)
    _refuse_own(proposal, by)
    transition(
        proposal,
        "reject",
        by=by,
        at=at,
        reason=reason,
        changes={"reviewed_by": by, "reviewed_at": at},
    )
    return proposal


@transaction.atomic
def lift_suspension(agreement: Agreement, *, reason: str, by: User, at: datetime) -> Agreement:
    """The organization remedied (5.5): the held installments are released and payable again.
    Lifting favours the organization and needs no second approval; it is journaled with its
    reason and the organization is told."""
    require(by, Capability.MEASURES)
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Le motif est requis pour cette opération.")}, code="reason_required"
        )
    agreement = (
        Agreement.objects.select_for_update().select_related("organization").get(pk=agreement.pk)
    )
    resume_agreement(agreement, by=by, at=at, reason=reason.strip())
    send_templated(
        to=agreement.organization.member_emails(),
        subject_template="agreements/emails/suspension_lifted_subject.txt",
        body_template="agreements/emails/suspension_lifted.txt",
        context={"agreement": agreement, "reason": reason.strip(), "url": _portal_url()},
    )
    return agreement


def _tell_organization(proposal: MeasureProposal, agreement: Agreement) -> None:
    # The email says a letter is waiting in the portal; it never fails the measure (core.mail).
    send_templated(
        to=agreement.organization.member_emails(),
        subject_template="agreements/emails/measure_subject.txt",
        body_template="agreements/emails/measure.txt",
        context={"agreement": agreement, "proposal": proposal, "url": _portal_url()},
    )


def _portal_url() -> str:
    return absolute_url("portal:agreements")
