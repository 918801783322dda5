"""A campaign's work in bulk (issue 15, item 3): dossiers assigned to advisors, and after an
approved allocation run (5.2) the decisions, agreements (5.4) and letters of every funded
dossier. Each is a background job of elements (`core.jobs.run_items`): a failure on one
dossier is listed with its reason and the others go on; started again, a job does only what
is not done, and each element checks what already exists, so nothing is done twice."""

from __future__ import annotations

import hashlib
from itertools import cycle

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from soutien.accounts.models import User
from soutien.applications.models import Application
from soutien.budget import actions as budget_actions
from soutien.budget.models import AllocationRun, RunState
from soutien.core import clock
from soutien.core.jobs import SKIPPED, start_items
from soutien.core.models import BackgroundJob
from soutien.evaluations import actions as evaluation_actions
from soutien.evaluations.letters import decision_letter_pdf
from soutien.evaluations.models import Decision, Outcome
from soutien.rules import FiscalYear

from . import actions
from .models import Agreement, YearState

ASSIGN = "campaign_assign"
PREPARE = "campaign_prepare"
LETTERS = "campaign_letters"
KINDS = {
    ASSIGN: _("Attribution des dossiers"),
    PREPARE: _("Décisions et conventions des dossiers financés"),
    LETTERS: _("Envoi des lettres de décision"),
}


def _label(application: Application) -> str:
    return f"{application.organization.legal_name} ({application.reference or application.pk})"


# --- Assignment ------------------------------------------------------------------------


def assignments_by_rule(applications, advisors, *, rule: str, region_advisors=None) -> dict:
    """{application pk: advisor pk}: everyone to one advisor (`one`), in turn among several
    (`turns`, in the order of the list), or by the organization's region (`region`)."""
    applications = list(applications)
    if rule == "region":
        found = {}
        for application in applications:
            advisor = (region_advisors or {}).get(application.organization.region_id)
            if advisor is not None:
                found[application.pk] = advisor.pk
        return found
    if not advisors:
        return {}
    turn = cycle(advisors)
    return {application.pk: next(turn).pk for application in applications}


def start_assignment(assignments: dict[int, int], *, by: User, task) -> BackgroundJob:
    applications = Application.objects.filter(pk__in=assignments).select_related("organization")
    items = [(str(a.pk), _label(a)) for a in applications.order_by("pk")]
    if not items:
        raise ValidationError(_("Aucun dossier à attribuer."), code="nothing")
    params = {"assignments": {str(k): v for k, v in assignments.items()}}
    return start_items(ASSIGN, by=by, params=params, items=items, task=task)


def assign_one(job: BackgroundJob, key: str) -> str:
    application = Application.objects.select_related("assigned_advisor").get(pk=int(key))
    advisor = User.objects.get(pk=job.params["assignments"][key])
    if application.assigned_advisor_id == advisor.pk:
        return SKIPPED + advisor.full_name
    evaluation_actions.assign_advisor(
        application, advisor=advisor, by=job.started_by, at=clock.now()
    )
    return _("attribué à %(name)s") % {"name": advisor.full_name}


# --- Decisions and agreements of an approved run -----------------------------------------


def funded_applications(run: AllocationRun):
    return (
        Application.objects.filter(allocation_lines__run=run, allocation_lines__funded=True)
        .select_related("organization")
        .order_by("allocation_lines__position")
    )


def _approved(run: AllocationRun) -> None:
    if run.state != RunState.APPROVED:
        raise ValidationError(
            _("La répartition doit être approuvée avant les décisions (5.2)."), code="not_approved"
        )


def start_preparation(run: AllocationRun, *, duration_years: int, by: User, task) -> BackgroundJob:
    _approved(run)
    items = [(str(a.pk), _label(a)) for a in funded_applications(run)]
    if not items:
        raise ValidationError(_("Cette répartition ne finance aucun dossier."), code="nothing")
    params = {"run": run.pk, "duration_years": duration_years}
    return start_items(PREPARE, by=by, params=params, items=items, task=task)


def prepare_one(job: BackgroundJob, key: str) -> str:
    """The decision (not yet communicated) and the agreement of one funded dossier."""
    from .workspace_views import proposed_signatory  # the same proposal as the page's

    run = AllocationRun.objects.get(pk=job.params["run"])
    line = run.lines.select_related("evaluation", "application").get(
        application_id=int(key), funded=True
    )
    by, at = job.started_by, clock.now()
    decision = Decision.objects.filter(application_id=line.application_id).first()
    done = []
    if decision is None:
        decision = budget_actions.decide_within_budget(
            line.evaluation, outcome=Outcome.GRANTED, by=by, at=at, communicate=False
        )
        done.append(_("décision rendue"))
    elif decision.outcome != Outcome.GRANTED:
        raise ValidationError(_("La décision rendue refuse l'aide."), code="refused")
    application = line.application
    covering = actions.covering_year(
        application.organization_id, application.fiscal_year, application.stream
    )
    if covering is not None and covering.agreement.application_id != application.pk:
        # A renewal (5.6): the decision confirms the year of the agreement that covers it.
        if covering.state == YearState.PLANNED:
            actions.renew_year(decision, by=by, at=at)
            done.append(
                _("année %(number)s de la convention %(reference)s confirmée (5.6)")
                % {"number": covering.year_number, "reference": covering.agreement.reference}
            )
    elif not Agreement.objects.filter(application_id=line.application_id).exists():
        name, title = proposed_signatory(application)
        if not name:
            raise ValidationError(
                _(
                    "Aucune présidence du conseil connue : préparez cette convention à la main "
                    "pour nommer la personne signataire."
                ),
                code="no_signatory",
            )
        years = min(
            job.params["duration_years"],
            actions.max_duration_years(FiscalYear(application.fiscal_year)),
        )
        actions.prepare_agreement(
            decision, duration_years=years, signatory_name=name, signatory_title=title,
            by=by, at=at,
        )  # fmt: skip
        done.append(_("convention préparée (%(years)s an·s)") % {"years": years})
    if not done:
        return SKIPPED + _("décision et convention")
    return ", ".join(str(d) for d in done)


def start_letters(run: AllocationRun, *, by: User, task) -> BackgroundJob:
    _approved(run)
    items = [(str(a.pk), _label(a)) for a in funded_applications(run)]
    if not items:
        raise ValidationError(_("Cette répartition ne finance aucun dossier."), code="nothing")
    return start_items(LETTERS, by=by, params={"run": run.pk}, items=items, task=task)


def letter_one(job: BackgroundJob, key: str) -> str:
    """The decision letter rendered (its SHA-256 kept in the journal) and communicated."""
    decision = (
        Decision.objects.select_related("application", "application__organization", "evaluation")
        .filter(application_id=int(key))
        .first()
    )
    if decision is None:
        raise ValidationError(
            _("Aucune décision : préparez d'abord les décisions de la répartition."),
            code="no_decision",
        )
    if decision.communicated_on is not None:
        return SKIPPED + _("lettre communiquée le %(day)s") % {
            "day": decision.communicated_on.isoformat()
        }
    letter = decision_letter_pdf(decision)
    budget_actions.communicate_decision(
        decision,
        by=job.started_by,
        at=clock.now(),
        letter_sha256=hashlib.sha256(letter).hexdigest(),
    )
    return _("lettre envoyée (%(size)s ko)") % {"size": max(1, len(letter) // 1024)}


WORK = {ASSIGN: assign_one, PREPARE: prepare_one, LETTERS: letter_one}
