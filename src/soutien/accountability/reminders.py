"""Reminders of the yearly report (clause 8) and the reports late enough for a case.

Each reminder is a row of `ReportReminder` per (obligation, offset from its due date), unique
in the database: the daily run sends each at most once, whatever its retries or a concurrent
run. A run sends only the latest reminder due; those the clock passed without a run are kept
as skipped (a stale "30 days before" is not sent on the due date)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from soutien.core import fiscal
from soutien.core.mail import send_templated
from soutien.core.urls import absolute_url

from .models import AnnualReport, Obligation, ReportReminder, ReportState


def send_report_reminders(*, on: date) -> int:
    """Remind every report not transmitted of its outstanding obligations, one email per
    report, on the days of `settings.REPORT_REMINDER_OFFSETS`; return how many emails."""
    offsets = sorted(set(settings.REPORT_REMINDER_OFFSETS))
    if not offsets:
        return 0
    reports = (
        AnnualReport.objects.filter(
            state=ReportState.EXPECTED,
            obligations__submitted_at__isnull=True,
            obligations__due_on__lte=on - timedelta(days=offsets[0]),
        )
        .distinct()
        .select_related("organization", "agreement_year", "agreement_year__agreement")
        .order_by("due_on", "pk")
    )
    sent = 0
    for report in reports:
        try:
            with transaction.atomic():
                sent += _remind(report, on=on, offsets=offsets)
        except IntegrityError:
            continue  # another run reminded it meanwhile (report_reminder_once)
    return sent


def _remind(report: AnnualReport, *, on: date, offsets: list[int]) -> int:
    outstanding = list(
        report.obligations.filter(submitted_at__isnull=True)
        .prefetch_related("reminders")
        .order_by("due_on", "pk")
    )
    # For each obligation, the due offsets not recorded yet, if its latest one is not.
    unsent: list[tuple[Obligation, list[int]]] = []
    for obligation in outstanding:
        due = [days for days in offsets if obligation.due_on + timedelta(days=days) <= on]
        recorded = {reminder.offset_days for reminder in obligation.reminders.all()}
        if due and due[-1] not in recorded:
            unsent.append((obligation, [days for days in due if days not in recorded]))
    if not unsent:
        return 0
    email = send_templated(
        to=report.organization.member_emails(),
        subject_template="accountability/emails/reminder_subject.txt",
        body_template="accountability/emails/reminder.txt",
        context=_context(report, outstanding, on=on),
    )
    ReportReminder.objects.bulk_create(
        ReportReminder(
            obligation=obligation,
            offset_days=days,
            on=on,
            email=email if days == pending[-1] else None,
            skipped=days != pending[-1],
        )
        for obligation, pending in unsent
        for days in pending
    )
    # No active member: the reminder is recorded (not tried daily) but no email is counted.
    return 1 if email is not None else 0


def _timing(due_on: date, on: date) -> dict:
    return {
        "timing": "before" if on < due_on else "today" if on == due_on else "late",
        "days_left": max((due_on - on).days, 0),
        "days_late": max((on - due_on).days, 0),
    }


def _context(report: AnnualReport, outstanding: list[Obligation], *, on: date) -> dict:
    return {
        "report": report,
        "fiscal_year": fiscal.label(report.agreement_year.fiscal_year),
        "reference": report.agreement_year.agreement.reference,
        "items": [
            {
                "label": obligation.get_kind_display(),
                "clause": obligation.clause,
                "due_on": obligation.due_on,
                **_timing(obligation.due_on, on),
            }
            for obligation in outstanding
        ],
        "url": absolute_url("portal:report", pk=report.pk),
        **_timing(report.due_on, on),
    }


def late_reports(*, on: date, days: int):
    """Reports still not transmitted more than `days` days after their due date (clause 8):
    the workspace proposes a non-compliance case for them."""
    return (
        AnnualReport.objects.filter(
            state=ReportState.EXPECTED, due_on__lt=on - timedelta(days=days)
        )
        .for_lists()
        .order_by("due_on", "pk")
    )
