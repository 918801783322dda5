"""Retention runs and legal holds: keyword-only verbs, one transaction, journaled.

A run is prepared as a dry run (nothing destroyed, the plan kept), approved by another person
than its author (refused here and by the database), then executed by a worker one item per
transaction (`execute_items`): an interrupted run is resumed, and a record destroyed once is
never destroyed again (the destruction record is unique by record and rule).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from soutien.accounts.access import Capability, require, require_other_person
from soutien.core import clock
from soutien.core.models import BackgroundJob, JobState, JournalEntry
from soutien.core.workflow import transition

from . import schedule
from .destroy import destroy
from .models import (
    DestructionRecord,
    HoldKind,
    ItemState,
    LegalHold,
    RetentionItem,
    RetentionRun,
    RunState,
)

logger = logging.getLogger(__name__)

SAME_PERSON = _(
    "La passe doit être approuvée par une autre personne que celle qui l'a préparée "
    "(séparation des tâches)."
)
NOT_APPROVED = _("Cette passe n'est pas approuvée : elle ne peut pas être exécutée.")
RETENTION_JOB = "retention_run"


@transaction.atomic
def prepare_run(*, by, at: datetime, reason: str = "") -> RetentionRun:
    """The dry run: what is due today and what holds it; nothing is destroyed."""
    require(by, Capability.PRIVACY)
    today = clock.localdate_of(at)
    run = RetentionRun(as_of=today, reason=(reason or "").strip(), prepared_by=by, prepared_at=at)
    run.save_as(by)
    items = []
    for due in schedule.due(today):
        items.append(
            RetentionItem(
                run=run,
                rule=due.rule.code,
                target_type=ContentType.objects.get_for_model(type(due.target)),
                target_id=due.target.pk,
                organization=due.organization,
                label=due.label[:300],
                clock_started_on=due.clock_started_on,
                kept_until=due.kept_until,
                explanation=due.explanation,
                state=ItemState.HELD if due.holds else ItemState.PLANNED,
                note=" ; ".join(due.holds),
            )
        )
    RetentionItem.objects.bulk_create(items)
    planned = sum(item.state == ItemState.PLANNED for item in items)
    JournalEntry.write(
        run, "retention.prepared", by=by, at=at, to_state=run.state,
        data={"planned": planned, "held": len(items) - planned, "as_of": today.isoformat()},
    )  # fmt: skip
    return run


def _locked(run: RetentionRun) -> RetentionRun:
    return RetentionRun.objects.select_for_update().get(pk=run.pk)


@transaction.atomic
def approve_run(run: RetentionRun, *, by, at: datetime) -> RetentionRun:
    require(by, Capability.PRIVACY)
    run = _locked(run)
    require_other_person(by, {run.prepared_by_id}, SAME_PERSON)
    run.approved_by, run.approved_at = by, at
    transition(
        run, "approve", by=by, at=at, changes={"approved_by": by, "approved_at": at},
        data={"planned": run.items.filter(state=ItemState.PLANNED).count()},
    )  # fmt: skip
    return run


@transaction.atomic
def cancel_run(run: RetentionRun, *, by, at: datetime, reason: str) -> RetentionRun:
    require(by, Capability.PRIVACY)
    run = _locked(run)
    transition(run, "cancel", by=by, at=at, reason=reason)
    return run


@transaction.atomic
def execute_run(run: RetentionRun, *, by, at: datetime) -> RetentionRun:
    """Start the approved run in the background; refused before approval."""
    require(by, Capability.PRIVACY)
    run = _locked(run)
    if run.state != RunState.APPROVED or run.approved_by_id is None:
        raise ValidationError(NOT_APPROVED, code="not_approved")
    job = _start(run, by=by)
    transition(run, "execute", by=by, at=at, changes={"job": job})
    return run


@transaction.atomic
def resume_run(run: RetentionRun, *, by, at: datetime) -> RetentionRun:
    """Start again a run that stopped before its end (a worker stopped, an item failed):
    what is destroyed stays destroyed and is not done again."""
    require(by, Capability.PRIVACY)
    run = _locked(run)
    if run.state != RunState.EXECUTING:
        raise ValidationError(
            _("Seule une passe en cours d'exécution peut être reprise."), code="not_executing"
        )
    left = run.items.filter(state__in=(ItemState.PLANNED, ItemState.FAILED)).count()
    job = _start(run, by=by)
    run.job = job
    run.save_as(by, update_fields=["job"])
    JournalEntry.write(run, "retention.resumed", by=by, at=at, data={"left": left})
    return run


def _start(run: RetentionRun, *, by) -> BackgroundJob:
    from .tasks import execute_retention_run

    total = run.items.exclude(state=ItemState.HELD).count()
    job = BackgroundJob.objects.create(
        kind=RETENTION_JOB, params={"run": run.pk}, started_by=by, total=total
    )
    pk = job.pk
    transaction.on_commit(lambda: execute_retention_run.enqueue(pk))
    return job


def execute_items(job_id: int) -> str:
    """The worker's loop: each planned item in its own transaction, holds read again."""
    if not BackgroundJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING
    ):
        return BackgroundJob.objects.get(pk=job_id).state
    job = BackgroundJob.objects.get(pk=job_id)
    run = RetentionRun.objects.get(pk=job.params["run"])
    finished = (ItemState.DESTROYED, ItemState.HELD)
    done = run.items.filter(state=ItemState.DESTROYED).count()
    BackgroundJob.objects.filter(pk=job_id).update(done=done)
    pending = run.items.exclude(state__in=finished).order_by("pk").values_list("pk", flat=True)
    for item_pk in list(pending):
        try:
            with transaction.atomic():
                if _execute_item(item_pk, run):
                    done += 1
        except Exception as error:  # kept on the item; the others go on
            logger.exception("Retention run %s, item %s failed", run.pk, item_pk)
            messages = getattr(error, "messages", None) or [str(error) or type(error).__name__]
            RetentionItem.objects.filter(pk=item_pk, state=ItemState.PLANNED).update(
                state=ItemState.FAILED, note=" ".join(str(m) for m in messages)[:2000]
            )
        BackgroundJob.objects.filter(pk=job_id).update(done=done)
        if settings.RETENTION_THROTTLE_MS:
            time.sleep(settings.RETENTION_THROTTLE_MS / 1000)
    failed = run.items.filter(state=ItemState.FAILED).exists()
    with transaction.atomic():
        run = _locked(run)
        if not failed and run.state == RunState.EXECUTING:
            at = clock.now()
            run.finished_at = at
            transition(
                run, "finish", by=None, at=at, changes={"finished_at": at},
                data={"destroyed": run.destructions.count()},
            )  # fmt: skip
    BackgroundJob.objects.filter(pk=job_id).update(
        state=JobState.FAILED if failed else JobState.DONE,
        finished_at=clock.system_now(),
        error=_("Des éléments ont échoué : reprenez la passe.") if failed else "",
    )
    return JobState.FAILED if failed else JobState.DONE


def _execute_item(item_pk: int, run: RetentionRun) -> bool:
    """Destroy one item, or mark it held; True when it is destroyed (now or before)."""
    item = RetentionItem.objects.select_for_update().get(pk=item_pk)
    if item.state in (ItemState.DESTROYED, ItemState.HELD):
        return item.state == ItemState.DESTROYED
    earlier = DestructionRecord.objects.filter(
        rule=item.rule, target_type_id=item.target_type_id, target_id=item.target_id
    ).first()
    if earlier is not None:  # never twice
        if earlier.item_id == item.pk:  # this item, by another worker of the same run
            RetentionItem.objects.filter(pk=item.pk).update(state=ItemState.DESTROYED)
            return True
        RetentionItem.objects.filter(pk=item.pk).update(
            state=ItemState.HELD,
            note=_("déjà détruit par la passe n° %(run)s") % {"run": earlier.run_id},
        )
        return False
    target = schedule.model_of(item.rule).objects.get(pk=item.target_id)
    holds = schedule.holds_of(item.rule, target)
    if holds:
        RetentionItem.objects.filter(pk=item.pk).update(
            state=ItemState.HELD, note=" ; ".join(holds)
        )
        return False
    name, counts = destroy(item.rule, target)
    rule = schedule.rules(run.as_of)[item.rule]
    at = clock.now()
    try:
        with transaction.atomic():
            DestructionRecord.objects.create(
                run=run,
                item=item,
                rule=item.rule,
                provision=rule.provision,
                target_type_id=item.target_type_id,
                target_id=item.target_id,
                organization_id=item.organization_id,
                label=item.label,
                pseudonym=name,
                destroyed_at=at,
                approved_by_id=run.approved_by_id,
                counts=counts,
            )
    except IntegrityError:  # another worker destroyed it first: this transaction is undone
        raise PermissionDenied(_("déjà détruit")) from None
    RetentionItem.objects.filter(pk=item.pk).update(state=ItemState.DESTROYED, note="")
    JournalEntry.write(
        run, "retention.destroyed", by=None, at=at,
        data={"rule": item.rule, "item": item.pk, "label": item.label, "counts": counts},
    )  # fmt: skip
    return True


# --- Legal holds -------------------------------------------------------------------------


@transaction.atomic
def place_hold(organization, *, kind: str, reason: str, by, at: datetime, agreement=None):
    require(by, Capability.PRIVACY)
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Précisez le motif de la conservation prolongée.")
    if kind not in HoldKind.values:
        errors["kind"] = _("Choisissez un motif de conservation.")
    if agreement is not None and agreement.organization_id != organization.pk:
        errors["agreement"] = _("Cette convention n'est pas celle de cet organisme.")
    if errors:
        raise ValidationError(errors)
    hold = LegalHold(
        organization=organization, agreement=agreement, kind=kind, reason=reason,
        placed_by=by, placed_at=at,
    )  # fmt: skip
    hold.validate()
    hold.save_as(by)
    JournalEntry.write(hold, "legal_hold.placed", by=by, at=at, reason=reason)
    return hold


@transaction.atomic
def lift_hold(hold: LegalHold, *, reason: str, by, at: datetime) -> LegalHold:
    require(by, Capability.PRIVACY)
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Le motif est requis pour cette opération.")})
    if hold.lifted_at is not None:
        raise ValidationError(_("Cette conservation prolongée est déjà levée."), code="lifted")
    hold.lifted_by, hold.lifted_at, hold.lift_reason = by, at, reason
    hold.save_as(by)
    JournalEntry.write(hold, "legal_hold.lifted", by=by, at=at, reason=reason)
    return hold
