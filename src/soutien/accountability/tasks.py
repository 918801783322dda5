"""The daily accountability run (django-tasks, run by `soutien-mission db_worker`): the reports
of begun agreement years are opened and the reminders due are sent (clause 8).

The task puts itself back in the queue: for the next 6:00 in Montréal after a run, 15 minutes
later after a failure. A retry never sends twice: each reminder is a unique row. When to run
follows the machine's real clock; what is due follows the program clock.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from soutien.core import clock

from . import actions
from .reminders import send_report_reminders

DAILY_AT = time(6)  # local time in America/Montreal
RETRY_AFTER = timedelta(minutes=15)


def daily_work() -> tuple[int, int]:
    """Open the reports due and send the reminders due today; return (opened, emails)."""
    now = clock.now()
    today = clock.localdate_of(now)
    opened = actions.expect_due_reports(on=today, at=now)
    return opened, send_report_reminders(on=today)


@task()
def run_daily_accountability() -> dict:
    try:
        opened, sent = daily_work()
    except Exception:
        _enqueue(clock.system_now() + RETRY_AFTER)
        raise
    _enqueue(next_run(clock.system_now()))
    return {"opened": opened, "reminders": sent}


def next_run(after: datetime) -> datetime:
    """The first 6:00 in Montréal strictly after a moment (daylight saving time included)."""
    local = after.astimezone(clock.MONTREAL)
    day = local.date() if local.time() < DAILY_AT else local.date() + timedelta(days=1)
    return datetime.combine(day, DAILY_AT, tzinfo=clock.MONTREAL)


def schedule_daily(*, now: datetime | None = None) -> bool:
    """Start the daily chain: a run at `now` (the real time by default), unless a run is
    already waiting or the queue cannot defer a task (then run `soutien-mission reminders`
    from cron). Returns whether a run was enqueued."""
    return _enqueue(now or clock.system_now())


def can_defer() -> bool:
    return run_daily_accountability.get_backend().supports_defer


def waiting() -> bool:
    """A run is queued and not started (a running one is RUNNING: it enqueues the next)."""
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=run_daily_accountability.module_path
    ).exists()


def _enqueue(run_after: datetime) -> bool:
    # Never two chains: a second schedule, or a run while one waits, adds nothing.
    if not can_defer() or waiting():
        return False
    run_daily_accountability.using(run_after=run_after).enqueue()
    return True
