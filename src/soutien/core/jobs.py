"""Long work done by a worker, with its progress on the page that started it.

`start_job` records a `BackgroundJob` in the action's transaction and enqueues the app's task
once committed; the task calls `run_job(job_id, work)`, where `work(job, progress)` reports
`progress(done, total)` and returns the file it made. The page shows
`components/job_progress.html` (a `<progress>` bar and a French status line) and refreshes
itself while the job runs: no JavaScript needed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from soutien.core import clock

from .models import BackgroundJob, ItemState, JobItem, JobState

logger = logging.getLogger(__name__)

# The page asks again every REFRESH_SECONDS; progress is written at most that often.
REFRESH_SECONDS = 2
PROGRESS_EVERY_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class JobFile:
    name: str
    content_type: str
    content: bytes


Progress = Callable[[int, int], None]


def start_job(kind: str, *, by, params: dict, task) -> BackgroundJob:
    """Record the job for `by`; `task.enqueue(job_id)` once the transaction commits."""
    job = BackgroundJob.objects.create(kind=kind, params=params, started_by=by)
    pk = job.pk
    transaction.on_commit(lambda: task.enqueue(pk))
    return job


def run_job(job_id: int, work: Callable[[BackgroundJob, Progress], JobFile]) -> str:
    """Run `work` for a queued job (once: a job is claimed by one conditional UPDATE)."""
    if not BackgroundJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING
    ):
        return BackgroundJob.objects.get(pk=job_id).state
    job = BackgroundJob.objects.get(pk=job_id)
    last_write = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last_write
        now = time.monotonic()
        if done < total and now - last_write < PROGRESS_EVERY_SECONDS:
            return
        last_write = now
        BackgroundJob.objects.filter(pk=job_id).update(done=done, total=total)

    try:
        made = work(job, progress)
    except Exception as error:
        logger.exception("Background job %s (%s) failed", job_id, job.kind)
        BackgroundJob.objects.filter(pk=job_id).update(
            state=JobState.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=clock.system_now(),
        )
        raise
    job.refresh_from_db()
    job.result_name, job.result_type = made.name, made.content_type
    job.result_file.save(f"jobs/{job.pk}/{made.name}", ContentFile(made.content), save=False)
    job.state, job.finished_at = JobState.DONE, clock.system_now()
    job.done = job.total if job.total is not None else job.done
    job.save()
    return job.state


# --- Work done element by element, resumable --------------------------------------------

ItemWork = Callable[[BackgroundJob, str], str]


def start_items(kind: str, *, by, params: dict, items: list[tuple[str, str]], task):
    """A job over `items` [(key, label), …], each done once; enqueued after the commit."""
    job = BackgroundJob.objects.create(kind=kind, params=params, started_by=by, total=len(items))
    JobItem.objects.bulk_create(
        JobItem(job=job, key=key, label=label[:300]) for key, label in items
    )
    pk = job.pk
    transaction.on_commit(lambda: task.enqueue(pk))
    return job


def run_items(job_id: int, work: ItemWork) -> str:
    """Do each element not yet done, each in its own transaction. `work(job, key)` returns a
    short French note, or raises: a refusal (ValidationError, PermissionDenied) or any error
    is kept on that element with its reason, and the others go on."""
    if not BackgroundJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING
    ):
        return BackgroundJob.objects.get(pk=job_id).state
    job = BackgroundJob.objects.get(pk=job_id)
    finished = (ItemState.DONE, ItemState.SKIPPED)
    total = job.items.count()
    done = job.items.filter(state__in=finished).count()
    BackgroundJob.objects.filter(pk=job_id).update(done=done, total=total)
    for item in job.items.exclude(state__in=finished).order_by("pk"):
        try:
            with transaction.atomic():
                note = work(job, item.key)
        except Exception as error:  # kept on the element; the others go on
            messages = getattr(error, "messages", None) or [str(error) or type(error).__name__]
            item.state, item.error = ItemState.FAILED, " ".join(str(m) for m in messages)[:2000]
            if not isinstance(error, ValidationError | PermissionDenied):
                logger.exception("Job %s, element %s failed", job_id, item.key)
        else:
            skipped = note.startswith(SKIPPED)
            item.state = ItemState.SKIPPED if skipped else ItemState.DONE
            item.note, item.error = note.removeprefix(SKIPPED)[:300], ""
            done += 1
        item.finished_at = clock.system_now()
        item.save(update_fields=["state", "note", "error", "finished_at"])
        BackgroundJob.objects.filter(pk=job_id).update(done=done)
    BackgroundJob.objects.filter(pk=job_id).update(
        state=JobState.DONE, finished_at=clock.system_now()
    )
    return JobState.DONE


# A note starting with this says the element was already done (nothing done twice).
SKIPPED = "déjà fait : "


def resume_items(job: BackgroundJob, *, task) -> bool:
    """Start a finished job again for its elements not done (failed ones included)."""
    if (
        not job.is_finished
        or not job.items.exclude(state__in=(ItemState.DONE, ItemState.SKIPPED)).exists()
    ):
        return False
    BackgroundJob.objects.filter(pk=job.pk).update(state=JobState.QUEUED, finished_at=None)
    pk = job.pk
    transaction.on_commit(lambda: task.enqueue(pk))
    return True
