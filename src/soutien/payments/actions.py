"""Payment runs (6.2): prepare, approve (another person), produce the files, record what the
financial system did. Each action runs in one transaction with its journal entries; the
ledger's payment entries are written by `agreements.actions.pay_installment`, once per
installment (the database refuses a second)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from soutien.accounts.access import Capability, require, require_other_person
from soutien.accounts.models import User
from soutien.agreements import actions as agreements
from soutien.agreements.models import Installment, InstallmentState
from soutien.core import clock
from soutien.core.models import JournalEntry
from soutien.core.workflow import transition
from soutien.evaluations.notify import notify_organization
from soutien.organizations.models import Organization
from soutien.rules import FiscalYear
from soutien.rules.text import french_date, french_money, french_month

from . import formats, offsets, payability, tasks
from .models import LineState, PaymentFile, PaymentLine, PaymentRun, RunSequence, RunState

ZERO = Decimal("0")
EXCLUDED_KEPT = 5000  # the reasons kept on the run; the page shows them all


def _month(year: int, month: int) -> tuple[int, int]:
    if not (1 <= month <= 12) or not (2000 <= year <= 2100):
        raise ValidationError({"month": _("Choisissez un mois valide.")}, code="month_invalid")
    return (year, month)


def _next_reference(year: int, month: int) -> str:
    sequence, _created = RunSequence.objects.select_for_update().get_or_create(
        year=year, month=month
    )
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return f"LP-{year}-{month:02d}-{sequence.last_number:02d}"


@transaction.atomic
def prepare_run(*, year: int, month: int, by: User, at: datetime) -> PaymentRun:
    """The payable installments of a month (6.2), frozen as lines with the supplier
    identification of each organization; what is left out is kept with its reason."""
    require(by, Capability.PAY)
    wanted = _month(year, month)
    selection = payability.selection(wanted)
    if not selection.included:
        reasons = sorted({status.text for _facts, status in selection.excluded})
        detail = " ; ".join(reasons[:5]) if reasons else _("aucun versement n'est dû")
        raise ValidationError(
            _("Aucun versement n'est payable en %(month)s : %(reasons)s.")
            % {"month": french_month(year, month), "reasons": detail},
            code="nothing_payable",
        )
    # Finance reads who is left out, not only an installment number.
    names = dict(
        Organization.objects.filter(
            pk__in={facts.organization_id for facts, _status in selection.excluded}
        ).values_list("pk", "legal_name")
    )
    ids = [f.installment_id for f in selection.included]
    # A claim offset against an installment (7): the line transfers the rest.
    waiting = offsets.planned(ids)
    run = PaymentRun(
        reference=_next_reference(year, month),
        year=year,
        month=month,
        line_count=len(selection.included),
        total=selection.total - sum((amount for amount, _label in waiting.values()), ZERO),
        excluded=[
            {
                "installment": facts.installment_id,
                "organization": facts.organization_id,
                "organization_name": names.get(facts.organization_id, ""),
                "amount": str(facts.amount),
                "due": f"{facts.due_year}-{facts.due_month:02d}",
                "reason": status.text,
            }
            for facts, status in selection.excluded[:EXCLUDED_KEPT]
        ],
        prepared_by=by,
        prepared_at=at,
    )
    run.save_as(by)
    details = {
        row["pk"]: row
        for row in Installment.objects.filter(pk__in=ids).values(
            "pk",
            "due_year",
            "due_month",
            "agreement_year__agreement__reference",
            "agreement_year__agreement__organization__legal_name",
            "agreement_year__agreement__organization__neq",
            "agreement_year__agreement__organization__supplier_number",
            "agreement_year__agreement__organization__bank_reference",
        )
    }
    lines = []
    for position, facts in enumerate(selection.included, start=1):
        row = details[facts.installment_id]
        offset, offset_label = waiting.get(facts.installment_id, (ZERO, ""))
        lines.append(
            PaymentLine(
                run=run,
                position=position,
                installment_id=facts.installment_id,
                organization_id=facts.organization_id,
                fiscal_year=facts.fiscal_year,
                stream=facts.stream,
                agreement_reference=row["agreement_year__agreement__reference"],
                due_label=f"{row['due_year']}-{row['due_month']:02d}",
                amount=facts.amount - offset,
                offset_amount=offset,
                offset_claim=offset_label[:40],
                legal_name=row["agreement_year__agreement__organization__legal_name"],
                neq=row["agreement_year__agreement__organization__neq"],
                supplier_number=row["agreement_year__agreement__organization__supplier_number"],
                bank_reference=row["agreement_year__agreement__organization__bank_reference"],
            )
        )
    try:
        with transaction.atomic():
            PaymentLine.objects.bulk_create(lines, batch_size=500)
    except IntegrityError as error:
        raise ValidationError(
            _(
                "Un autre lot vient d'inclure certains de ces versements : rechargez la page "
                "et préparez le lot de nouveau."
            ),
            code="already_in_run",
        ) from error
    JournalEntry.write(
        run,
        "payment_run.prepared",
        by=by,
        at=at,
        to_state=run.state,
        data={
            "lines": run.line_count,
            "total": str(run.total),
            "excluded": len(selection.excluded),
        },
    )
    return run


def run_header(
    run: PaymentRun, *, approved_on: date | None = None
) -> tuple[formats.RunHeader, list[formats.FileLine]]:
    """The header and lines every file of the run is written from."""
    lines = _file_lines(run)
    header = formats.RunHeader(
        reference=run.reference,
        year=run.year,
        month=run.month,
        approved_on=approved_on or clock.localdate_of(run.approved_at),
        count=len(lines),
        total=sum((line.amount for line in lines), ZERO),
    )
    return header, lines


def _file_lines(run: PaymentRun) -> list[formats.FileLine]:
    return [
        formats.FileLine(
            position=line.position,
            supplier_number=line.supplier_number,
            neq=line.neq,
            legal_name=line.legal_name,
            bank_reference=line.bank_reference,
            agreement_reference=line.agreement_reference,
            installment_id=line.installment_id,
            fiscal_year=FiscalYear(line.fiscal_year).label,
            due_label=line.due_label,
            amount=line.amount,
        )
        for line in run.lines.order_by("position")
    ]


@transaction.atomic
def approve_run(run: PaymentRun, *, by: User, at: datetime) -> PaymentRun:
    """A second finance officer approves (never the one who prepared it): each line is checked
    payable again, then the run freezes and its files are produced and kept byte for byte."""
    require(by, Capability.PAY)
    require_other_person(
        by,
        {run.prepared_by_id},
        _("La personne qui a préparé le lot ne peut pas l'approuver (séparation des tâches)."),
    )
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    if run.state != RunState.PREPARED:
        raise ValidationError(_("Ce lot n'est plus à approuver."), code="not_prepared")
    month = (run.year, run.month)
    ids = list(run.lines.values_list("installment_id", flat=True))
    held = []
    for facts in payability.facts(Installment.objects.filter(pk__in=ids)):
        status = payability.status(facts, month)
        # In this run is the one standing expected here.
        if status.standing.value != "in_run" or facts.in_run != run.reference:
            held.append(status.text)
    if held:
        raise ValidationError(
            _(
                "Des versements de ce lot ne sont plus payables (%(reasons)s) : annulez le lot "
                "et préparez-en un autre."
            )
            % {"reasons": " ; ".join(sorted(set(held))[:5])},
            code="no_longer_payable",
        )
    header, lines = run_header(run, approved_on=clock.localdate_of(at))
    if header.count != run.line_count or header.total != run.total:
        raise RuntimeError("A run's lines no longer add up to its control totals.")
    machine = formats.FORMATS[formats.MACHINE_FORMAT]
    produced = [
        (machine.code, f"{run.reference}.{machine.extension}", machine.content_type,
         machine.render(header, lines)),
        ("csv", f"{run.reference}-lignes.csv", "text/csv; charset=utf-8",
         formats.people_csv(header, lines)),
    ]  # fmt: skip
    for code, name, content_type, content in produced:
        PaymentFile(
            run=run,
            format=code,
            name=name,
            content_type=content_type,
            content=content,
            sha256=formats.sha256(content),
            created_at=at,
        ).save()
    # The workbook for people is made by the worker once the approval is saved.
    pk = run.pk
    transaction.on_commit(lambda: tasks.build_people_workbook.enqueue(pk), robust=True)
    digest = formats.sha256(produced[0][3])
    transition(
        run,
        "approve",
        by=by,
        at=at,
        changes={"approved_by": by, "approved_at": at, "file_sha256": digest},
        data={"lines": header.count, "total": str(header.total), "sha256": digest},
    )
    return run


@transaction.atomic
def cancel_run(run: PaymentRun, *, reason: str, by: User, at: datetime) -> PaymentRun:
    """Set a prepared run aside: its installments are payable again."""
    require(by, Capability.PAY)
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    transition(run, "cancel", by=by, at=at, reason=reason)
    run.lines.filter(state=LineState.PENDING).update(state=LineState.CANCELLED)
    return run


@dataclass(frozen=True, slots=True)
class LineResult:
    position: int
    paid: bool
    payment_number: str = ""
    paid_on: date | None = None
    reason: str = ""
    amount: Decimal | None = None  # as the financial system says it (checked against the line)


def _latest_payment_day(run: PaymentRun) -> date:
    """The last day a payment of the run may carry: the end of the month after its month."""
    year, month = (run.year, run.month + 2) if run.month <= 10 else (run.year + 1, run.month - 10)
    return date(year, month, 1) - timedelta(days=1)


def check_results(run: PaymentRun, results: Sequence[LineResult]) -> dict[int, str]:
    """{position: French message} for every result that cannot be recorded."""
    lines = {line.position: line for line in run.lines.all()}
    errors: dict[int, str] = {}
    seen: set[int] = set()
    earliest = clock.localdate_of(run.approved_at) if run.approved_at else None
    latest = _latest_payment_day(run)
    for result in results:
        line = lines.get(result.position)
        if result.position in seen:
            errors[result.position] = _("la ligne %(n)s figure deux fois dans le fichier") % {
                "n": result.position
            }
            continue
        seen.add(result.position)
        if line is None:
            errors[result.position] = _("la ligne %(n)s n'existe pas dans le lot %(run)s") % {
                "n": result.position,
                "run": run.reference,
            }
        elif line.state == LineState.PAID:
            errors[result.position] = _("la ligne %(n)s est déjà versée (n° %(number)s)") % {
                "n": result.position,
                "number": line.payment_number,
            }
        elif line.state != LineState.PENDING:
            errors[result.position] = _("la ligne %(n)s a déjà son résultat (%(state)s)") % {
                "n": result.position,
                "state": line.get_state_display(),
            }
        elif result.amount is not None and result.amount != line.amount:
            errors[result.position] = _("la ligne %(n)s porte %(given)s, le lot %(expected)s") % {
                "n": result.position,
                "given": french_money(result.amount),
                "expected": french_money(line.amount),
            }
        elif result.paid and not result.payment_number.strip():
            errors[result.position] = _("la ligne %(n)s n'a pas de numéro de paiement") % {
                "n": result.position
            }
        elif result.paid and result.paid_on is None:
            errors[result.position] = _("la ligne %(n)s n'a pas de date de versement") % {
                "n": result.position
            }
        elif result.paid and earliest and result.paid_on < earliest:
            errors[result.position] = _(
                "la ligne %(n)s est datée du %(day)s, avant l'approbation du lot (%(approved)s)"
            ) % {
                "n": result.position,
                "day": french_date(result.paid_on),
                "approved": french_date(earliest),
            }
        elif result.paid and result.paid_on > latest:
            errors[result.position] = _(
                "la ligne %(n)s est datée du %(day)s, après le %(latest)s"
            ) % {
                "n": result.position,
                "day": french_date(result.paid_on),
                "latest": french_date(latest),
            }
        elif not result.paid and not result.reason.strip():
            errors[result.position] = _("la ligne %(n)s est rejetée sans motif") % {
                "n": result.position
            }
    return errors


@transaction.atomic
def record_results(
    run: PaymentRun, results: Sequence[LineResult], *, by: User, at: datetime
) -> dict[str, int]:
    """Record what the financial system did with lines of an approved run: paid lines pay
    their installment (ledger, once), failed lines make it payable again with the reason.
    Nothing is recorded unless every result is valid."""
    require(by, Capability.PAY)
    run = PaymentRun.objects.select_for_update().get(pk=run.pk)
    if run.state != RunState.APPROVED:
        raise ValidationError(
            _("Les résultats s'inscrivent sur un lot approuvé et non fermé."), code="not_approved"
        )
    if not results:
        raise ValidationError(_("Aucun résultat à inscrire."), code="no_results")
    errors = check_results(run, results)
    if errors:
        raise ValidationError(
            [
                _("Ligne %(n)s : %(message)s.") % {"n": n, "message": m}
                for n, m in sorted(errors.items())
            ],
            code="results_invalid",
        )
    by_position = {
        line.position: line
        for line in run.lines.select_for_update().filter(position__in=[r.position for r in results])
    }
    paid_by_organization: dict[int, list[PaymentLine]] = {}
    counts = {"paid": 0, "failed": 0}
    for result in results:
        line = by_position[result.position]
        if result.paid:
            installment = Installment.objects.select_related("agreement_year__agreement").get(
                pk=line.installment_id
            )
            try:
                with transaction.atomic():
                    agreements.pay_installment(
                        installment,
                        paid_on=result.paid_on,
                        payment_number=result.payment_number.strip(),
                        by=by,
                        at=at,
                    )
                    updated = PaymentLine.objects.filter(
                        pk=line.pk, state=LineState.PENDING
                    ).update(
                        state=LineState.PAID,
                        payment_number=result.payment_number.strip()[:30],
                        paid_on=result.paid_on,
                        recorded_by=by,
                        recorded_at=at,
                    )
                    if updated != 1:
                        raise IntegrityError("line already recorded")
                    if line.offset_amount:
                        # The part kept back repays the claim, in the same transaction (7).
                        offsets.applied(line.installment_id, paid_on=result.paid_on, by=by, at=at)
            except IntegrityError as error:
                raise ValidationError(
                    _(
                        "Ligne %(n)s : ce versement est déjà versé ; il ne l'est pas deux "
                        "fois (6.2)."
                    )
                    % {"n": line.position},
                    code="already_paid",
                ) from error
            line.paid_on = result.paid_on
            line.payment_number = result.payment_number.strip()
            paid_by_organization.setdefault(line.organization_id, []).append(line)
            counts["paid"] += 1
        else:
            PaymentLine.objects.filter(pk=line.pk, state=LineState.PENDING).update(
                state=LineState.FAILED,
                failure_reason=result.reason.strip()[:300],
                recorded_by=by,
                recorded_at=at,
            )
            installment = Installment.objects.get(pk=line.installment_id)
            JournalEntry.write(
                installment,
                "installment.payment_failed",
                by=by,
                at=at,
                reason=result.reason.strip()[:300],
                data={"run": run.reference, "line": line.position},
            )
            counts["failed"] += 1
    JournalEntry.write(run, "payment_run.results_recorded", by=by, at=at, data=counts)
    if not run.lines.filter(state=LineState.PENDING).exists():
        transition(run, "close", by=by, at=at)
    for organization_id, paid in paid_by_organization.items():
        _tell_paid(Organization.objects.get(pk=organization_id), paid)
    return counts


def _tell_paid(organization: Organization, lines: list[PaymentLine]) -> None:
    """The organization's email (sent by the background worker after commit)."""
    body_lines = [
        _("- %(amount)s versé le %(day)s (convention %(agreement)s, paiement n° %(number)s)")
        % {
            "amount": french_money(line.amount),
            "day": french_date(line.paid_on),
            "agreement": line.agreement_reference,
            "number": line.payment_number,
        }
        for line in lines
    ]
    notify_organization(
        organization,
        subject=_("Versement de l'aide financière — %(name)s") % {"name": organization.legal_name},
        body="\n".join(
            [
                _("Bonjour,"),
                "",
                _(
                    "Le ministère de l'Immigration a versé l'aide financière suivante au titre "
                    "du programme Soutien à la mission (6.2) :"
                ),
                *body_lines,
                "",
                _("Vos versements sont présentés dans votre espace, rubrique « Mes conventions »."),
            ]
        ),
    )


@transaction.atomic
def import_return(
    run: PaymentRun,
    content: bytes,
    *,
    accept_valid: bool,
    by: User,
    at: datetime,
    format_code: str = formats.MACHINE_FORMAT,
) -> tuple[dict[str, int], list[str]]:
    """Read a return file and record it. Every problem is reported by line; nothing changes
    while one remains, unless the officer explicitly accepts the valid lines alone."""
    require(by, Capability.PAY)
    parsed = formats.FORMATS[format_code].parse_return(content)
    problems = [message for _row, message in parsed.errors]
    if parsed.reference and parsed.reference != run.reference:
        raise ValidationError(
            _(
                "Ce fichier de retour est celui du lot %(other)s, pas du lot %(run)s : rien "
                "n'est inscrit."
            )
            % {"other": parsed.reference[:30], "run": run.reference},
            code="other_run",
        )
    if not parsed.reference and not problems:
        problems.append(_("L'en-tête du fichier ne nomme pas le lot."))
    results = [
        LineResult(
            position=line.position,
            paid=line.paid,
            payment_number=line.payment_number,
            paid_on=line.paid_on,
            reason=line.reason,
            amount=line.amount,
        )
        for line in parsed.lines
    ]
    rows = {line.position: line.row for line in parsed.lines}
    line_errors = check_results(run, results) if run.state == RunState.APPROVED else {}
    for position, message in sorted(line_errors.items()):
        problems.append(
            _("Ligne %(row)s du fichier : %(message)s.")
            % {"row": rows[position], "message": message}
        )
    if parsed.trailer is not None and parsed.trailer[0] >= 0:
        count, total = parsed.trailer
        paid_total = sum((line.amount for line in parsed.lines if line.paid), ZERO)
        if count != parsed.detail_rows:
            problems.append(
                _("La ligne T annonce %(count)s lignes ; le fichier en compte %(found)s.")
                % {"count": count, "found": parsed.detail_rows}
            )
        elif not parsed.errors and total != paid_total:
            problems.append(
                _("La ligne T annonce un total versé de %(total)s ; les lignes PAYE font %(sum)s.")
                % {"total": french_money(total), "sum": french_money(paid_total)}
            )
    valid = [r for r in results if r.position not in line_errors]
    if problems and not accept_valid:
        raise ValidationError(problems, code="return_invalid")
    if not valid:
        raise ValidationError(
            problems or [_("Aucune ligne valide à inscrire.")], code="return_invalid"
        )
    counts = record_results(run, valid, by=by, at=at)
    counts["refused"] = len(results) - len(valid)
    return counts, problems


@transaction.atomic
def reschedule_installment(
    installment: Installment,
    *,
    due_year: int,
    due_month: int,
    reason: str,
    by: User,
    at: datetime,
) -> Installment:
    """Other terms when the situation requires (6.2): the manager moves an unpaid installment
    to another month of its fiscal year, with a reason the organization reads."""
    require(by, Capability.RESCHEDULE)
    reason = (reason or "").strip()
    installment = (
        Installment.objects.select_for_update()
        .select_related("agreement_year")
        .get(pk=installment.pk)
    )
    errors = {}
    if not reason:
        errors["reason"] = _(
            "Indiquez le motif des nouvelles modalités de versement : il est requis."
        )
    if installment.state not in (InstallmentState.SCHEDULED, InstallmentState.SUSPENDED):
        errors["due_month"] = _("Seul un versement prévu ou retenu change de mois.")
    elif installment.payment_lines.filter(state=LineState.PENDING).exists():
        errors["due_month"] = _(
            "Ce versement figure dans un lot de paiement en cours : il ne change pas de mois."
        )
    fiscal_year = FiscalYear(installment.agreement_year.fiscal_year)
    first = (fiscal_year.start_year, 4)
    last = (fiscal_year.start_year + 1, 3)
    if not (1 <= due_month <= 12) or not (first <= (due_year, due_month) <= last):
        errors["due_month"] = _(
            "Le nouveau mois doit être dans l'exercice %(label)s (avril %(start)s à mars %(end)s)."
        ) % {"label": fiscal_year.label, "start": first[0], "end": last[0]}
    if errors:
        raise ValidationError(errors, code="reschedule_invalid")
    before = installment.due_label
    installment.due_year, installment.due_month = due_year, due_month
    installment.save_as(by)
    JournalEntry.write(
        installment,
        "installment.rescheduled",
        by=by,
        at=at,
        reason=reason,
        data={"from": before, "to": installment.due_label},
    )
    return installment
