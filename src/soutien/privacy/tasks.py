"""Background work of the retention schedule (django-tasks, run by `soutien-mission db_worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def execute_retention_run(job_id: int) -> str:
    from .actions import execute_items

    return execute_items(job_id)
