"""Background work of payment runs (django-tasks, run by `soutien-mission db_worker`)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django_tasks import task

from soutien.core import clock

from . import formats
from .models import PaymentFile, PaymentRun


@task()
def build_people_workbook(run_id: int) -> str:
    return store_people_workbook(run_id)


def store_people_workbook(run_id: int) -> str:
    """The XLSX for people of an approved run, made once after the approval (openpyxl takes a
    second for 5 000 lines: the approval does not wait for it) and kept byte for byte."""
    from .actions import run_header

    run = PaymentRun.objects.get(pk=run_id)
    if PaymentFile.objects.filter(run=run, format="xlsx").exists():
        return "exists"
    header, lines = run_header(run)
    content = formats.people_xlsx(header, lines)
    try:
        with transaction.atomic():
            PaymentFile(
                run=run,
                format="xlsx",
                name=f"{run.reference}-lignes.xlsx",
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                content=content,
                sha256=formats.sha256(content),
                created_at=clock.now(),
            ).save()
    except IntegrityError:  # made by another worker meanwhile: theirs is kept
        return "exists"
    return "stored"
