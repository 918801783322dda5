"""Background tasks of the agreements stage (django-tasks, run by `soutien-mission db_worker`)."""

from __future__ import annotations

from django_tasks import task

from soutien.core.jobs import JobFile, Progress, run_items, run_job
from soutien.core.models import BackgroundJob

from . import exports

FINANCE_EXPORT = "finance_export"


@task()
def build_finance_export(job_id: int) -> str:
    """The finance extraction (CSV or XLSX) the person asked for, for every matching row."""
    return run_job(job_id, _finance_export)


def _finance_export(job: BackgroundJob, progress: Progress) -> JobFile:
    kind, fmt = job.params["kind"], job.params["fmt"]
    _title, rows_for = exports.KINDS[kind]
    rows = rows_for(job.started_by, job.params.get("fiscal_year"), progress=progress)
    return JobFile(*exports.export_file(rows, kind=kind, fmt=fmt))


@task()
def run_campaign_job(job_id: int) -> str:
    """A campaign's work in bulk, element by element (`agreements.campaign`)."""
    from . import campaign

    kind = BackgroundJob.objects.values_list("kind", flat=True).get(pk=job_id)
    return run_items(job_id, campaign.WORK[kind])
