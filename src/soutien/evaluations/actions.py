"""The advisor's evaluation (5.2) and the decision: keyword-only verbs, one transaction."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from soutien.accounts.models import User
from soutien.applications.actions import missing_documents
from soutien.applications.models import Application, DocumentKind
from soutien.core.models import JournalEntry
from soutien.core.workflow import transition
from soutien.rules.eligibility import CRITERIA_BY_CODE, JUDGEABLE
from soutien.rules.facts import Stream

from .dossier import evaluate_application
from .models import Decision, Eligibility, Evaluation, Outcome, State

ZERO = Decimal("0")


@transaction.atomic
def start_evaluation(application: Application, *, by: User, at: datetime) -> Evaluation:
    """A complete file goes to evaluation (5.1: « les dossiers doivent être complets »)."""
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
    transition(evaluation, "complete", by=by, at=at, changes={"completed_at": at})
    return evaluation


@transaction.atomic
def decide_application(
    evaluation: Evaluation, *, outcome: str, by: User, at: datetime, reason: str = ""
) -> Decision:
    """The selection decision (5.2), from a completed evaluation; it moves the application."""
    if evaluation.state != State.COMPLETED:
        raise ValidationError(
            _("Une décision se prend sur une évaluation terminée."), code="not_completed"
        )
    application = evaluation.application
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
