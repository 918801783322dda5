"""The advisor's evaluation (5.2) and the decision: keyword-only verbs, one transaction."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soutien.accounts.access import Capability, can, require, require_other_person
from soutien.accounts.models import User
from soutien.applications.actions import missing_documents, request_correction
from soutien.applications.models import (
    Application,
    DocumentKind,
    InformationRequest,
    RequestKind,
)
from soutien.core import clock
from soutien.core.models import JournalEntry
from soutien.core.workflow import transition
from soutien.rules.eligibility import CRITERIA_BY_CODE, JUDGEABLE
from soutien.rules.facts import Stream

from .dossier import evaluate_application
from .models import (
    CHECKS_BY_DOCUMENT,
    CheckItem,
    Decision,
    DocumentCheck,
    Eligibility,
    Evaluation,
    Outcome,
    State,
)
from .separation import evaluators_of

ZERO = Decimal("0")


@transaction.atomic
def start_evaluation(application: Application, *, by: User, at: datetime) -> Evaluation:
    """A complete file goes to evaluation (5.1: « les dossiers doivent être complets »)."""
    require(by, Capability.EVALUATE)
    missing = missing_documents(application)
    if missing:
        labels = ", ".join(str(DocumentKind(code).label) for code in missing)
        raise ValidationError(
            {
                "documents": _(
                    "Le dossier est incomplet ; documents manquants (5.1) : %(documents)s."
                )
                % {"documents": labels}
            },
            code="incomplete",
        )
    transition(application, "start_evaluation", by=by, at=at)
    evaluation = Evaluation(application=application, advisor=by, started_at=at)
    evaluation.save_as(by)
    JournalEntry.write(evaluation, "evaluation.started", by=by, at=at, to_state=evaluation.state)
    return evaluation


@transaction.atomic
def record_judgments(
    evaluation: Evaluation,
    *,
    judgments: dict[str, tuple[bool, str]],
    by: User,
    at: datetime,
) -> Evaluation:
    """Several judgments at once: {criterion code: (met, justification)}."""
    require(by, Capability.EVALUATE)
    for code, (_met, justification) in judgments.items():
        _check_judgment(evaluation, code, justification)
    evaluation.judgments = {
        **evaluation.judgments,
        **{
            code: {"met": bool(met), "justification": justification.strip()}
            for code, (met, justification) in judgments.items()
        },
    }
    evaluation.save_as(by)
    JournalEntry.write(
        evaluation,
        "evaluation.judgments_recorded",
        by=by,
        at=at,
        data={code: bool(met) for code, (met, _justification) in judgments.items()},
    )
    return evaluation


@transaction.atomic
def judge_and_compute(
    evaluation: Evaluation,
    *,
    judgments: dict[str, tuple[bool, str]],
    by: User,
    at: datetime,
) -> Evaluation:
    """The judgments given (if any), then the evaluation computed, in one transaction."""
    require(by, Capability.EVALUATE)
    if judgments:
        record_judgments(evaluation, judgments=judgments, by=by, at=at)
    return compute_evaluation(evaluation, by=by, at=at)


@transaction.atomic
def record_judgment(
    evaluation: Evaluation,
    *,
    criterion: str,
    met: bool,
    justification: str,
    by: User,
    at: datetime,
) -> Evaluation:
    """The advisor's judgment on a criterion the facts cannot decide."""
    require(by, Capability.EVALUATE)
    found = _check_judgment(evaluation, criterion, justification)
    evaluation.judgments = {
        **evaluation.judgments,
        criterion: {"met": bool(met), "justification": justification.strip()},
    }
    evaluation.save_as(by)
    JournalEntry.write(
        evaluation,
        "evaluation.judgment_recorded",
        by=by,
        at=at,
        data={"criterion": criterion, "clause": found.clause, "met": bool(met)},
    )
    return evaluation


def _check_judgment(evaluation: Evaluation, criterion: str, justification: str):
    _require_in_progress(evaluation)
    found = CRITERIA_BY_CODE.get(criterion)
    if found is None or criterion not in JUDGEABLE:
        raise ValidationError(
            {"criterion": _("Ce critère ne se juge pas : « %(code)s ».") % {"code": criterion}},
            code="not_judgeable",
        )
    if Stream(evaluation.application.stream) not in found.streams:
        raise ValidationError(
            {"criterion": _("Ce critère ne s'applique pas au volet de la demande.")},
            code="other_stream",
        )
    if not (justification or "").strip():
        raise ValidationError(
            {"justification": _("La justification du jugement est requise.")},
            code="justification_required",
        )
    return found


@transaction.atomic
def compute_evaluation(evaluation: Evaluation, *, by: User, at: datetime) -> Evaluation:
    """Run the rules on the records and store the snapshot: facts, norms, result, amount."""
    require(by, Capability.EVALUATE)
    _require_in_progress(evaluation)
    facts, result = evaluate_application(evaluation.application, evaluation=evaluation)
    evaluation.facts = facts
    evaluation.result = result
    evaluation.norms_version = result["norms"]
    evaluation.eligibility = result["eligibility"]
    evaluation.amount = Decimal(result["amount"])
    evaluation.computed_at = at
    evaluation.save_as(by)
    application = evaluation.application
    priority = result["priority"]["tier"]
    if application.priority != priority:
        application.priority = priority
        application.save_as(by)
    JournalEntry.write(
        evaluation,
        "evaluation.computed",
        by=by,
        at=at,
        data={
            "norms": result["norms"],
            "eligibility": result["eligibility"],
            "amount": evaluation.amount,
        },
    )
    return evaluation


@transaction.atomic
def complete_evaluation(evaluation: Evaluation, *, by: User, at: datetime) -> Evaluation:
    require(by, Capability.EVALUATE)
    if evaluation.result is None:
        raise ValidationError(_("Calculez l'évaluation avant de la terminer."), code="not_computed")
    if evaluation.eligibility == Eligibility.TO_VERIFY:
        pending = [
            finding["criterion"]
            for finding in evaluation.result["findings"]
            if finding["status"] == "to_verify"
        ]
        raise ValidationError(
            _("Des critères restent à vérifier : %(criteria)s.") % {"criteria": ", ".join(pending)},
            code="criteria_pending",
        )
    if evaluation.result.get("amount_final") is False:
        raise ValidationError(
            _(
                "Le surplus persiste en année %(year)s de la convention : consignez le retrait "
                "de l'aide, en tout ou en partie, avant de terminer l'évaluation (6.1.3)."
            )
            % {"year": evaluation.facts.get("agreement_year")},
            code="withdrawal_required",
        )
    transition(evaluation, "complete", by=by, at=at, changes={"completed_at": at})
    return evaluation


@transaction.atomic
def decide_application(
    evaluation: Evaluation,
    *,
    outcome: str,
    by: User,
    at: datetime,
    reason: str = "",
    communicated_on: date | None = None,
) -> Decision:
    """The selection decision (5.2), from a completed evaluation; it moves the application.

    Separation of duties: whoever evaluated the dossier does not decide it. A decision is
    written once, with the day it is communicated when it is known (it is immutable after).
    """
    require(by, Capability.DECIDE)
    require_other_person(
        by,
        evaluators_of([evaluation.pk]),
        _(
            "Séparation des tâches : vous avez évalué ce dossier ; une autre personne doit "
            "rendre la décision."
        ),
    )
    if evaluation.state != State.COMPLETED:
        raise ValidationError(
            _("Une décision se prend sur une évaluation terminée."), code="not_completed"
        )
    application = evaluation.application
    # One decision per application (5.2): a second one is refused, not a database error.
    Application.objects.select_for_update().filter(pk=application.pk).exists()
    if Decision.objects.filter(Q(application=application) | Q(evaluation=evaluation)).exists():
        raise ValidationError(
            _("La décision sur cette demande a déjà été rendue : elle ne change plus."),
            code="already_decided",
        )
    if outcome == Outcome.GRANTED:
        if evaluation.eligibility != Eligibility.ELIGIBLE or not evaluation.amount:
            raise ValidationError(
                {
                    "outcome": _(
                        "L'aide ne peut être accordée qu'à une demande admissible dont le "
                        "montant calculé est positif."
                    )
                },
                code="not_grantable",
            )
        amount = evaluation.amount
    elif outcome == Outcome.REFUSED:
        amount = ZERO
    else:
        raise ValidationError({"outcome": _("Décision inconnue.")}, code="unknown_outcome")
    decision = Decision(
        application=application,
        evaluation=evaluation,
        outcome=outcome,
        amount=amount,
        reason=reason,
        decided_by=by,
        decided_at=at,
        communicated_on=communicated_on,
    )
    decision.validate()
    decision.save_as(by)
    transition(
        application,
        "accept" if outcome == Outcome.GRANTED else "refuse",
        by=by,
        at=at,
        reason=reason,
        data={"decision": decision.pk, "amount": amount, "evaluation": evaluation.pk},
    )
    return decision


def _require_in_progress(evaluation: Evaluation) -> None:
    if evaluation.state != State.IN_PROGRESS:
        raise ValidationError(
            _("Cette évaluation n'est plus en cours : elle ne change plus."), code="closed"
        )


# ---------------------------------------------------------------------------------------------
# The ministry's workspace (issue 5): assignment, completeness review (5.1), adjustments (6.1).


@transaction.atomic
def assign_advisor(
    application: Application, *, advisor: User | None, by: User, at: datetime
) -> Application:
    """Give a dossier to a partnership advisor (or take it back with advisor=None)."""
    require(by, Capability.ASSIGN)
    if advisor is not None and (not can(advisor, Capability.EVALUATE)):
        raise ValidationError(
            {
                "advisor": _(
                    "Un dossier s'attribue à une conseillère ou un conseiller en partenariat."
                )
            },
            code="not_an_advisor",
        )
    previous = application.assigned_advisor
    application.assigned_advisor = advisor
    application.save_as(by)
    JournalEntry.write(
        application,
        "application.advisor_assigned",
        by=by,
        at=at,
        data={
            "from": previous.email if previous else None,
            "to": advisor.email if advisor else None,
        },
    )
    return application


@transaction.atomic
def record_document_checks(
    application: Application,
    *,
    checks: dict[str, dict[str, object]],
    by: User,
    at: datetime,
) -> list[DocumentCheck]:
    """The advisor's checklist per document of 5.1: {kind: {present: bool, …, note: str}}."""
    require(by, Capability.REVIEW)
    latest = application.documents.latest_by_kind()
    existing = {c.kind: c for c in application.document_checks.all()}
    saved = []
    for kind, values in checks.items():
        if kind not in CHECKS_BY_DOCUMENT:
            raise ValidationError({"kind": _("Type de document inconnu.")}, code="unknown_kind")
        check = existing.get(kind) or DocumentCheck(application=application, kind=kind)
        for item in CheckItem.values:
            applicable = item in CHECKS_BY_DOCUMENT[kind]
            setattr(check, item, bool(values.get(item)) if applicable else False)
        check.note = str(values.get("note", "") or "").strip()
        check.document = latest.get(kind)
        check.checked_by = by
        check.checked_at = at
        check.save_as(by)
        saved.append(check)
    JournalEntry.write(
        application,
        "application.completeness_checked",
        by=by,
        at=at,
        data={
            c.kind: {
                "version": c.document.number if c.document else None,
                "complete": c.complete,
                **{item: getattr(c, item) for item in c.applicable},
            }
            for c in saved
        },
    )
    return saved


def default_deadline(at: datetime) -> date:
    return clock.localdate_of(at) + timedelta(days=settings.CORRECTION_DEFAULT_DAYS)


def request_information(
    application: Application,
    *,
    kind: str,
    message: str,
    by: User,
    at: datetime,
    deadline: date | None = None,
) -> InformationRequest:
    """Ask the organization for a correction or more information by a deadline (5.1).

    The advisor's side of `applications.actions.request_correction`: the role is checked
    here; the answer is due by the end of `deadline`, Québec time.
    """
    require(by, Capability.REVIEW)
    if kind not in RequestKind.values:
        raise ValidationError({"kind": _("Type de demande inconnu.")}, code="unknown_kind")
    deadline = deadline or default_deadline(at)
    if deadline < clock.localdate_of(at):
        raise ValidationError(
            {"deadline": _("La date limite de réponse ne peut pas être déjà passée.")},
            code="deadline_past",
        )
    due_at = timezone.make_aware(datetime.combine(deadline, time(23, 59)))
    try:
        request_correction(application, by=by, at=at, reason=message, kind=kind, due_at=due_at)
    except ValidationError as error:
        if hasattr(error, "error_dict") and "reason" in error.error_dict:
            raise ValidationError(
                {"message": _("Précisez à l'organisme ce qu'il doit corriger ou fournir.")},
                code="message_required",
            ) from None
        raise
    return application.information_requests.latest("requested_at")


ADJUSTMENT_KINDS = {
    "historic_funding": ("6.1.1, note 2", _("Financement historique (note 2 de 6.1.1)")),
    "stream2_amount": ("6.1.2", _("Montant fixé d'un regroupement national (6.1.2)")),
    "surplus_revision": ("6.1.3", _("Révision à la baisse selon les besoins réels (6.1.3)")),
    "surplus_withdrawal": (
        "6.1.3",
        _("Retrait de l'aide, en tout ou en partie, pour un surplus qui persiste (6.1.3)"),
    ),
}


@transaction.atomic
def adjust_evaluation(
    evaluation: Evaluation,
    *,
    kind: str,
    amount: Decimal,
    justification: str,
    by: User,
    at: datetime,
) -> Evaluation:
    """An adjustment the norms allow, always justified; the amount is computed again (the cap
    of 6.1.4 still applies, in the rules)."""
    require(by, Capability.EVALUATE)
    _require_in_progress(evaluation)
    justification = (justification or "").strip()
    if kind not in ADJUSTMENT_KINDS:
        raise ValidationError(
            {"kind": _("Les normes ne permettent pas cet ajustement.")}, code="not_allowed"
        )
    if not justification:
        raise ValidationError(
            {"justification": _("Tout ajustement doit être justifié.")},
            code="justification_required",
        )
    if amount is None or amount < 0:
        raise ValidationError(
            {"amount": _("Le montant doit être positif ou nul.")}, code="negative"
        )
    application = evaluation.application
    organization = application.organization
    clause, _label = ADJUSTMENT_KINDS[kind]
    if kind == "historic_funding":
        if not organization.transferred_from_other_ministry:
            raise ValidationError(
                {
                    "kind": _(
                        "Le financement historique (note 2 de 6.1.1) ne vaut que pour un "
                        "organisme transféré d'un autre ministère."
                    )
                },
                code="not_transferred",
            )
        previous = organization.historic_funding
        organization.historic_funding = amount
        organization.save_as(by)
    elif kind == "stream2_amount":
        if application.stream != 2:
            raise ValidationError(
                {"kind": _("Le montant fixé (6.1.2) ne vaut que pour le volet 2.")},
                code="not_stream2",
            )
        previous = evaluation.stream2_amount
        evaluation.stream2_amount = amount
        evaluation.stream2_justification = justification
    elif kind == "surplus_withdrawal":
        if not (evaluation.result or {}).get("surplus_withdrawal_required"):
            raise ValidationError(
                {
                    "kind": _(
                        "Le retrait (6.1.3) ne vaut que pour une année 2 ou 3 de convention dont "
                        "le surplus persiste : calculez l'évaluation pour le savoir."
                    )
                },
                code="withdrawal_not_required",
            )
        if amount <= 0:
            raise ValidationError(
                {"amount": _("Un retrait doit être positif.")}, code="not_positive"
            )
        previous = evaluation.surplus_withdrawal_amount
        evaluation.surplus_withdrawal_amount = amount
        evaluation.surplus_withdrawal_justification = justification
    else:
        if amount <= 0:
            raise ValidationError(
                {"amount": _("Une révision à la baisse doit être positive.")}, code="not_positive"
            )
        previous = evaluation.surplus_revision_amount
        evaluation.surplus_revision_amount = amount
        evaluation.surplus_revision_justification = justification
    record = {
        "kind": kind,
        "clause": clause,
        "amount": amount,
        "previous": previous,
        "justification": justification,
        "by": by.email,
        "by_name": by.full_name,
        "at": at.isoformat(),
    }
    evaluation.adjustments = [*evaluation.adjustments, record]
    evaluation.save_as(by)
    JournalEntry.write(
        evaluation,
        "evaluation.adjusted",
        by=by,
        at=at,
        reason=justification,
        data={"kind": kind, "clause": clause, "amount": amount, "previous": previous},
    )
    return compute_evaluation(evaluation, by=by, at=at)
