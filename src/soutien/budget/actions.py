"""Budget envelopes: opened, approved when the credits are (6.2), closed."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from soutien.accounts.access import Capability, require, require_other_person
from soutien.accounts.models import User
from soutien.applications.models import State as ApplicationState
from soutien.core import clock
from soutien.core.bulk import insert_rows
from soutien.core.models import JournalEntry
from soutien.core.workflow import transition
from soutien.evaluations.actions import decide_application
from soutien.evaluations.models import Decision, Eligibility, Evaluation, Outcome
from soutien.evaluations.models import State as EvaluationState
from soutien.evaluations.notify import notify_organization
from soutien.evaluations.separation import evaluators_of
from soutien.organizations.models import Region
from soutien.rules import FiscalYear
from soutien.rules.allocation import Candidate, allocate
from soutien.rules.facts import Territory
from soutien.rules.text import french_money

from . import ledger
from .models import (
    AllocationLine,
    AllocationRun,
    BudgetEnvelope,
    LedgerEntry,
    LedgerKind,
    RegionReference,
    RunState,
)
from .models import State as EnvelopeState


@transaction.atomic
def open_envelope(
    *, fiscal_year: FiscalYear, stream: int, amount: Decimal, by: User | None, at: datetime
) -> BudgetEnvelope:
    require(by, Capability.ENVELOPE)
    envelope = BudgetEnvelope(fiscal_year=fiscal_year.start_year, stream=stream, amount=amount)
    envelope.validate()
    envelope.save_as(by)
    ledger.write(
        LedgerKind.CREDITS,
        amount,
        fiscal_year=envelope.fiscal_year,
        stream=stream,
        source=envelope,
        by=by,
        at=at,
        clause="6.2",
    )
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
def approve_envelope(
    envelope: BudgetEnvelope, *, approved_on: date, reference: str, by: User, at: datetime
) -> BudgetEnvelope:
    """The credits are approved by the Assemblée nationale (6.2): the manager records the date
    and the reference of the approval. Only then are they allocated and paid."""
    require(by, Capability.ENVELOPE)
    reference = (reference or "").strip()
    errors = {}
    if not reference:
        errors["reference"] = _(
            "Inscrivez la référence de l'approbation des crédits (par exemple le numéro des "
            "crédits votés) : elle est requise."
        )
    if approved_on is None:
        errors["approved_on"] = _("Inscrivez la date de l'approbation des crédits.")
    elif approved_on > clock.localdate_of(at):
        errors["approved_on"] = _("La date de l'approbation des crédits ne peut pas être future.")
    if errors:
        raise ValidationError(errors, code="credits_approval_incomplete")
    transition(
        envelope,
        "approve",
        by=by,
        at=at,
        changes={"credits_approved_on": approved_on, "credits_reference": reference[:100]},
        data={"approved_on": approved_on.isoformat(), "reference": reference[:100]},
    )
    return envelope


@transaction.atomic
def close_envelope(envelope: BudgetEnvelope, *, by: User, at: datetime) -> BudgetEnvelope:
    require(by, Capability.ENVELOPE)
    transition(envelope, "close", by=by, at=at)
    return envelope


# ---------------------------------------------------------------------------------------------
# Priorities under the budget (5.2): region references, allocation runs, decisions.


@transaction.atomic
def update_region_reference(
    region: Region,
    *,
    attached_organizations: int,
    immigrant_population: int,
    source: str,
    by: User,
    at: datetime,
    is_demo: bool = False,
) -> RegionReference:
    """The manager updates the figures of a region used to rank new attachment requests."""
    require(by, Capability.REFERENCES)
    if attached_organizations < 0 or immigrant_population < 0:
        raise ValidationError(_("Les données de référence ne peuvent pas être négatives."))
    reference = RegionReference.objects.filter(region=region).first() or RegionReference(
        region=region
    )
    previous = (
        None
        if reference.pk is None
        else [reference.attached_organizations, reference.immigrant_population]
    )
    reference.attached_organizations = attached_organizations
    reference.immigrant_population = immigrant_population
    reference.source = source
    reference.is_demo = is_demo
    reference.save_as(by)
    JournalEntry.write(
        reference,
        "region_reference.updated",
        by=by,
        at=at,
        data={
            "region": region.code,
            "from": previous,
            "to": [attached_organizations, immigrant_population],
            "demo": is_demo,
        },
    )
    return reference


def candidates_for(fiscal_year: int, stream: int):
    """Evaluations completed, eligible, with a positive amount, of applications awaiting their
    decision: [(evaluation id, application id, Candidate, reference_is_demo)].

    Only the columns the order of 5.2 reads are loaded (one query, no model instances): at
    20 000 dossiers, building instances cost more than the allocation itself."""
    rows = (
        Evaluation.objects.filter(
            state=EvaluationState.COMPLETED,
            eligibility=Eligibility.ELIGIBLE,
            amount__gt=0,
            application__fiscal_year=fiscal_year,
            application__stream=stream,
            application__state=ApplicationState.UNDER_EVALUATION,
        )
        # A dossier is on at most one line of an approved run, and funded at most once.
        .exclude(application__allocation_lines__run__state=RunState.APPROVED)
        .exclude(application__ledger_entries__kind=LedgerKind.COMMITMENT)
        .order_by("application__submitted_at", "application_id")
        .values_list(
            "pk",
            "application_id",
            "amount",
            "application__priority",
            "application__territory_attached_organizations",
            "application__territory_immigrant_population",
            "application__organization__region_id",
            "result__priority__tier",
        )
    )
    references = {
        r.region_id: (Territory(r.attached_organizations, r.immigrant_population), r.is_demo)
        for r in RegionReference.objects.all()
    }
    found = []
    for key, application_id, amount, priority, attached, population, region, tier in rows:
        if attached is not None and population is not None:
            territory, demo = Territory(attached, population), False
        else:
            territory, demo = references.get(region, (None, False))
        # The priority stored on the application, else the one the rules gave.
        tier = priority or tier
        found.append((key, application_id, Candidate(key, int(tier), amount, territory), demo))
    return found


LINE_FIELDS = (
    "run",
    "position",
    "application",
    "evaluation",
    "tier",
    "amount",
    "funded",
    "attached_organizations",
    "immigrant_population",
    "reference_is_demo",
)


@transaction.atomic
def run_allocation(envelope: BudgetEnvelope, *, by: User, at: datetime) -> AllocationRun:
    """Propose the allocation of an envelope among the dossiers evaluated eligible (5.2)."""
    require(by, Capability.ALLOCATE)
    if envelope.state == EnvelopeState.CLOSED:
        raise ValidationError(_("Cette enveloppe est fermée."), code="closed")
    if envelope.state != EnvelopeState.APPROVED:
        # 6.2: the aid depends on the credits approved by the Assemblée nationale.
        raise ValidationError(
            _(
                "Les crédits %(fiscal_year)s, volet %(stream)s, ne sont pas approuvés (6.2) : "
                "inscrivez leur approbation avant de répartir l'enveloppe."
            )
            % {"fiscal_year": FiscalYear(envelope.fiscal_year).label, "stream": envelope.stream},
            code="credits_not_approved",
        )
    # Successive runs fund the dossiers evaluated since: what earlier approved runs funded
    # and the agreements' confirmed years are committed in the ledger, and not offered again.
    money = ledger.balance(fiscal_year=envelope.fiscal_year, stream=envelope.stream)
    found = candidates_for(envelope.fiscal_year, envelope.stream)
    result = allocate(
        [candidate for _e, _a, candidate, _d in found], max(money.available, Decimal(0))
    )
    run = AllocationRun(
        envelope=envelope,
        fiscal_year=envelope.fiscal_year,
        stream=envelope.stream,
        envelope_amount=money.credits,
        committed=money.committed,
        available=result.available,
        requested=result.requested,
        funded=result.funded,
        shortfall=result.shortfall,
        unused=result.unused,
        created_by=by,
        created_on=at,
    )
    run.save_as(by)
    by_key = {key: (application_id, demo) for key, application_id, _c, demo in found}
    lines = []
    for line in result.lines:
        application_id, demo = by_key[line.candidate.key]
        territory = line.candidate.territory
        lines.append(
            (
                run.pk,
                line.position,
                application_id,
                line.candidate.key,
                line.candidate.tier,
                line.candidate.amount,
                line.funded,
                territory.attached_organizations if territory else None,
                territory.immigrant_population if territory else None,
                demo,
            )
        )
    # The lines, as the order of 5.2 gave them, written without model instances (20 000
    # dossiers: bulk_create's instances were most of the run; decision 013).
    insert_rows(AllocationLine, LINE_FIELDS, lines)
    JournalEntry.write(
        run,
        "allocation_run.prepared",
        by=by,
        at=at,
        to_state=run.state,
        data={
            "envelope": envelope.pk,
            "available": run.available,
            "requested": run.requested,
            "funded": run.funded,
            "shortfall": run.shortfall,
            "dossiers": len(lines),
            "funded_dossiers": sum(1 for line in result.lines if line.funded),
        },
    )
    return run


def evaluators_of_run(run: AllocationRun) -> set[int]:
    """Everyone who evaluated a dossier the run funds (`evaluations.separation`)."""
    funded = AllocationLine.objects.filter(run=run, funded=True)
    return evaluators_of(funded.values_list("evaluation_id", flat=True))


@transaction.atomic
def approve_allocation(run: AllocationRun, *, by: User, at: datetime) -> AllocationRun:
    """The manager approves the run; separation of duties: not someone who evaluated a dossier
    it funds. Approved, the run never changes."""
    require(by, Capability.APPROVE_ALLOCATION)
    require_other_person(
        by,
        evaluators_of_run(run),
        _(
            "Séparation des tâches : vous avez évalué un dossier que cette répartition "
            "finance ; une autre personne doit l'approuver."
        ),
    )
    # The envelope's row is locked: a second approval waits, then sees the first's commitments.
    ledger.lock_envelope(run.fiscal_year, run.stream)
    run.refresh_from_db()  # as it is now that the envelope is locked
    if run.state != RunState.DRAFT:
        raise ValidationError(
            _("Cette répartition n'est plus proposée : elle est %(state)s.")
            % {"state": run.get_state_display().lower()},
            code="not_draft",
        )
    lines = list(run.lines.select_related("application").order_by("position"))
    refuse_funding_twice(run, lines)
    money = ledger.balance(fiscal_year=run.fiscal_year, stream=run.stream)
    if run.funded > money.available:
        raise ValidationError(
            _(
                "Les crédits disponibles (%(available)s) ne couvrent plus les %(funded)s de "
                "cette répartition : d'autres engagements ont été pris depuis qu'elle a été "
                "préparée. Écartez-la et préparez-en une nouvelle (5.2)."
            )
            % {
                "available": french_money(max(money.available, Decimal(0))),
                "funded": french_money(run.funded),
            },
            code="credits_changed",
        )
    transition(
        run,
        "approve",
        by=by,
        at=at,
        changes={"approved_by": by, "approved_at": at},
        data={"funded": run.funded, "shortfall": run.shortfall, "unused": run.unused},
    )
    commit_funded_lines(run, [line for line in lines if line.funded], by=by, at=at)
    return run


def refuse_funding_twice(run: AllocationRun, lines: list[AllocationLine]) -> None:
    """A run that would place or fund a dossier an approved run already holds is refused."""
    application_ids = [line.application_id for line in lines]
    placed = set(
        AllocationLine.objects.filter(
            application_id__in=application_ids, run__state=RunState.APPROVED
        )
        .exclude(run=run)
        .values_list("application_id", flat=True)
    ) | ledger.funded_applications(application_ids)
    funded_organizations = set(
        LedgerEntry.objects.filter(
            kind=LedgerKind.COMMITMENT,
            fiscal_year=run.fiscal_year,
            stream=run.stream,
            organization_id__in=[line.application.organization_id for line in lines if line.funded],
        ).values_list("organization_id", flat=True)
    )
    twice = [
        line
        for line in lines
        if line.application_id in placed
        or (line.funded and line.application.organization_id in funded_organizations)
    ]
    if twice:
        references = ", ".join(
            line.application.reference or str(line.application_id) for line in twice[:10]
        )
        raise ValidationError(
            _(
                "Cette répartition reprend %(count)s dossier(s) qu'une répartition approuvée ou "
                "une convention finance déjà (%(references)s) : un dossier n'est financé qu'une "
                "fois (5.2). Écartez-la et préparez-en une nouvelle."
            )
            % {"count": len(twice), "references": references},
            code="funded_twice",
        )


def commit_funded_lines(run: AllocationRun, lines: list[AllocationLine], *, by, at) -> None:
    """Each funded dossier commits its amount for the year and stream (5.2), in one insert."""
    line_type = ContentType.objects.get_for_model(AllocationLine)
    on = clock.localdate_of(at)
    entries = [
        LedgerEntry(
            fiscal_year=run.fiscal_year,
            stream=run.stream,
            kind=LedgerKind.COMMITMENT,
            amount=line.amount,
            on=on,
            at=at,
            organization_id=line.application.organization_id,
            application_id=line.application_id,
            source_type=line_type,
            source_id=line.pk,
            source_repr=f"{run} — {line.application.reference or line.application_id}"[:300],
            actor=by,
            clause="5.2",
        )
        for line in lines
        if line.amount > 0
    ]
    try:
        with transaction.atomic():
            LedgerEntry.objects.bulk_create(entries, batch_size=500)
    except IntegrityError as error:
        raise ValidationError(
            _(
                "Un dossier de cette répartition est déjà financé : un dossier n'est financé "
                "qu'une fois (5.2)."
            ),
            code="funded_twice",
        ) from error


@transaction.atomic
def cancel_allocation(run: AllocationRun, *, reason: str, by: User, at: datetime) -> AllocationRun:
    require(by, Capability.ALLOCATE)
    transition(run, "cancel", by=by, at=at, reason=reason)
    return run


def funded_line(application_id: int) -> AllocationLine | None:
    return (
        AllocationLine.objects.filter(
            application_id=application_id, funded=True, run__state=RunState.APPROVED
        )
        .select_related("run")
        .first()
    )


def decision_reasons(evaluation: Evaluation, outcome: str, line: AllocationLine | None) -> str:
    """The reasons of a decision, each citing its clause (from the stored snapshot)."""
    result = evaluation.result or {}
    parts = []
    if outcome == Outcome.GRANTED:
        parts.append(str(_("Demande admissible : critères des clauses 2, 3 et 4 remplis.")))
        for line_json in result.get("amount_lines", []):
            parts.append(
                _("Clause %(clause)s : %(label)s (%(value)s).")
                % {
                    "clause": line_json["clause"],
                    "label": line_json["label"],
                    "value": french_money(Decimal(line_json["value"])),
                }
            )
        if line is not None:
            parts.append(
                _(
                    "Clause 5.2 : dossier financé au rang %(position)s de la répartition "
                    "approuvée de l'enveloppe %(fiscal_year)s (priorité %(tier)s)."
                )
                % {
                    "position": line.position,
                    "fiscal_year": line.run.fiscal_year_label,
                    "tier": line.tier,
                }
            )
    else:
        unmet = [f for f in result.get("findings", []) if f["status"] == "unmet"]
        for finding in unmet:
            parts.append(
                _("Clause %(clause)s : %(message)s")
                % {"clause": finding["clause"], "message": finding["message"]}
            )
        if not unmet:
            parts.append(
                str(
                    _(
                        "Clause 5.2 : les crédits disponibles ne permettent pas de financer ce "
                        "dossier selon l'ordre de priorité ; la demande n'a pas été retenue."
                    )
                )
            )
    return "\n".join(str(p) for p in parts)


@transaction.atomic
def decide_within_budget(
    evaluation: Evaluation,
    *,
    outcome: str,
    by: User,
    at: datetime,
    note: str = "",
    communicate: bool = True,
) -> Decision:
    """Accept (only a dossier funded by an approved allocation run) or refuse, with reasons
    citing the clauses; the organization is told by email and finds the letter in its space.
    `communicate=False` (a campaign prepared in bulk): the letter goes later, once
    (`communicate_decision`)."""
    require(by, Capability.DECIDE)
    line = funded_line(evaluation.application_id)
    if outcome == Outcome.GRANTED and line is None:
        raise ValidationError(
            {
                "outcome": _(
                    "Ce dossier n'est pas financé par une répartition approuvée de l'enveloppe "
                    "(5.2) : l'aide ne peut pas être accordée."
                )
            },
            code="not_funded",
        )
    reason = decision_reasons(evaluation, outcome, line)
    if note.strip():
        reason = f"{reason}\n{note.strip()}"
    decision = decide_application(
        evaluation,
        outcome=outcome,
        by=by,
        at=at,
        reason=reason,
        communicated_on=clock.localdate_of(at) if communicate else None,
    )
    if communicate:
        _tell(decision)
    return decision


@transaction.atomic
def communicate_decision(decision: Decision, *, by: User, at: datetime, letter_sha256: str = ""):
    """The decision's letter goes to the organization, once: its day is written (the
    decision is immutable after), the email says it waits in its space (5.2)."""
    require(by, Capability.DECIDE)
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    if locked.communicated_on is not None:
        raise ValidationError(
            _("La lettre de cette décision est déjà communiquée (le %(day)s).")
            % {"day": locked.communicated_on.isoformat()},
            code="already_communicated",
        )
    locked.communicated_on = clock.localdate_of(at)
    locked.save_as(by)
    JournalEntry.write(
        locked,
        "decision.communicated",
        by=by,
        at=at,
        data={"letter_sha256": letter_sha256, "clause": "5.2"},
    )
    _tell(locked)
    return locked


def _tell(decision: Decision) -> None:
    application = decision.application
    notify_organization(
        application.organization,
        subject=_("Décision sur votre demande d'aide financière (%(fiscal_year)s)")
        % {"fiscal_year": application.fiscal_year_label},
        body=_(
            "Bonjour,\n\nLe ministère de l'Immigration a rendu sa décision sur votre demande "
            "d'aide financière au Programme Soutien à la mission (%(fiscal_year)s) : "
            "%(outcome)s.\n\nLa lettre de décision et ses motifs sont dans votre espace.\n"
        )
        % {
            "fiscal_year": application.fiscal_year_label,
            "outcome": decision.get_outcome_display().lower(),
        },
    )
