"""Reminders of the yearly report (clause 8): each offset from the due date once, only the
latest when the clock jumps, none once the report is transmitted; the daily task."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from soutien.accountability import reminders, tasks
from soutien.accountability.models import ReportReminder
from soutien.agreements.models import Agreement
from soutien.core.clock import MONTREAL
from soutien.core.models import OutgoingEmail
from soutien.core.urls import absolute_url
from tests.accountability.test_reports import fill, opened
from tests.factories import at

pytestmark = pytest.mark.django_db

DUE = date(2020, 6, 29)
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def montreal(day: date, hour: int = 7) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=MONTREAL)


def reminder_emails():
    return OutgoingEmail.objects.filter(
        pk__in=ReportReminder.objects.filter(email__isnull=False).values("email")
    ).order_by("pk")


def days(start: date, end: date):
    while start <= end:
        yield start
        start += timedelta(days=1)


def test_8_one_run_a_day_sends_each_offset_once_on_its_day():
    _advisor, member, report = opened()
    assert report.due_on == DUE
    sent_on = {}
    for day in days(date(2020, 5, 1), date(2020, 8, 15)):
        with time_machine.travel(montreal(day), tick=False):
            _opened, sent = tasks.daily_work()
        if sent:
            sent_on[day] = sent
    assert sent_on == {
        date(2020, 5, 30): 1,
        date(2020, 6, 22): 1,
        date(2020, 6, 29): 1,
        date(2020, 7, 6): 1,
        date(2020, 7, 29): 1,
    }
    emails = list(reminder_emails())
    assert len(emails) == 5
    assert all(email.recipients == [member.email] for email in emails)
    assert [email.subject for email in emails] == [
        f"Rappel : reddition de comptes attendue le 29 juin 2020 — {report.organization}",
        f"Rappel : reddition de comptes attendue le 29 juin 2020 — {report.organization}",
        f"Rappel : reddition de comptes attendue aujourd'hui — {report.organization}",
        f"Reddition de comptes en retard — {report.organization}",
        f"Reddition de comptes en retard — {report.organization}",
    ]
    # Five obligations × five offsets, none skipped: the clock passed no day.
    assert ReportReminder.objects.count() == 25
    assert not ReportReminder.objects.filter(skipped=True).exists()


def test_8_the_reminder_lists_each_obligation_with_its_clause_due_date_and_the_link():
    _advisor, _member, report = opened()
    assert reminders.send_report_reminders(on=date(2020, 6, 22)) == 1
    before = reminder_emails().get()
    assert "est attendue le 29 juin 2020, dans 7 jours." in before.body
    assert "clause 8 du programme" in before.body
    assert (
        "- Rapport financier annuel (clause 8), échéance le 29 juin 2020 : dans 7 jours"
        in before.body
    )
    assert (
        "- Procès-verbal de l'assemblée générale annuelle (clause 3), échéance le 29 juin 2020 "
        ": dans 7 jours" in before.body
    )
    assert absolute_url("portal:report", pk=report.pk) in before.body
    assert reminders.send_report_reminders(on=date(2020, 7, 6)) == 1
    late = reminder_emails().last()
    assert "était attendue le 29 juin 2020 : elle a 7 jours de retard." in late.body
    assert ": en retard de 7 jours" in late.body


def test_8_a_second_run_the_same_day_sends_nothing_more():
    opened()
    assert reminders.send_report_reminders(on=date(2020, 5, 30)) == 1
    assert reminders.send_report_reminders(on=date(2020, 5, 30)) == 0
    assert reminders.send_report_reminders(on=date(2020, 6, 1)) == 0
    assert reminder_emails().count() == 1


def test_8_a_jump_over_several_offsets_sends_only_the_latest_and_skips_the_others():
    opened()
    assert reminders.send_report_reminders(on=date(2020, 7, 10)) == 1
    rows = ReportReminder.objects.filter(obligation__kind="financial_report")
    assert [(row.offset_days, row.skipped, row.email_id is not None) for row in rows] == [
        (-30, True, False),
        (-7, True, False),
        (0, True, False),
        (7, False, True),
    ]
    assert {row.on for row in rows} == {date(2020, 7, 10)}
    assert "en retard de 11 jours" in reminder_emails().get().body
    # The next offset is still sent on its day.
    assert reminders.send_report_reminders(on=date(2020, 7, 29)) == 1


def test_8_reminders_stop_once_the_report_is_transmitted():
    from soutien.accountability import actions

    _advisor, member, report = opened()
    assert reminders.send_report_reminders(on=date(2020, 5, 30)) == 1
    fill(report, member)
    actions.submit_report(report, by=member, at=at(2020, 6, 1))
    for day in days(date(2020, 6, 1), date(2020, 8, 15)):
        assert reminders.send_report_reminders(on=day) == 0
    assert reminder_emails().count() == 1


def test_8_late_reports_are_those_not_transmitted_past_the_case_delay():
    from soutien.accountability import actions

    _advisor, member, report = opened()
    assert list(reminders.late_reports(on=DUE + timedelta(days=60), days=60)) == []
    assert list(reminders.late_reports(on=DUE + timedelta(days=61), days=60)) == [report]
    fill(report, member)
    actions.submit_report(report, by=member, at=at(2020, 9, 1))
    assert list(reminders.late_reports(on=DUE + timedelta(days=61), days=60)) == []


def test_a_run_that_fails_midway_is_retried_and_never_sends_twice(monkeypatch, settings):
    settings.TASKS = DB_TASKS
    first = opened()[2]
    # A second organization's report: its agreement needs its own reference.
    Agreement.objects.filter(pk=first.agreement_year.agreement_id).update(reference="SAM-2019-0002")
    second = opened()[2]
    assert first.organization_id != second.organization_id
    real = reminders.send_templated
    calls = []

    def fails_on_the_second(**kwargs):
        calls.append(kwargs["context"]["report"].pk)
        if len(calls) == 2:
            raise RuntimeError("panne")
        return real(**kwargs)

    monkeypatch.setattr(reminders, "send_templated", fails_on_the_second)
    failed_at = montreal(date(2020, 5, 30), 6)
    with time_machine.travel(failed_at, tick=False):
        with pytest.raises(RuntimeError):
            tasks.run_daily_accountability.call()
    assert calls == [first.pk, second.pk]
    assert reminder_emails().count() == 1
    assert not ReportReminder.objects.filter(obligation__report=second).exists()
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.run_after == failed_at + timedelta(minutes=15)

    monkeypatch.setattr(reminders, "send_templated", real)
    retry.delete()  # the worker claims it
    with time_machine.travel(failed_at + timedelta(minutes=15), tick=False):
        assert tasks.run_daily_accountability.call() == {"opened": 0, "reminders": 1}
        assert tasks.run_daily_accountability.call() == {"opened": 0, "reminders": 0}
    emails = list(reminder_emails())
    assert len(emails) == 2
    assert {
        ReportReminder.objects.filter(email=email).values_list("obligation__report", flat=True)[0]
        for email in emails
    } == {first.pk, second.pk}


def test_after_a_run_the_task_waits_for_the_next_6_am_in_montreal(settings):
    settings.TASKS = DB_TASKS
    with time_machine.travel(montreal(date(2020, 3, 7), 6), tick=False):
        tasks.run_daily_accountability.call()
    # The night of March 8 changes the clocks: 6:00 is still 6:00 in Montréal.
    waiting = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert waiting.run_after == montreal(date(2020, 3, 8), 6)
    assert waiting.run_after == datetime(2020, 3, 8, 10, tzinfo=UTC)
    assert tasks.next_run(montreal(date(2020, 3, 9), 5)) == montreal(date(2020, 3, 9), 6)


def test_schedule_daily_does_not_enqueue_twice(settings):
    settings.TASKS = DB_TASKS
    assert tasks.schedule_daily() is True
    assert tasks.schedule_daily() is False
    assert (
        DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=tasks.run_daily_accountability.module_path
        ).count()
        == 1
    )


def test_the_command_runs_the_day_and_says_so_in_french(settings):
    opened()
    out = StringIO()
    with time_machine.travel(montreal(date(2020, 6, 29)), tick=False):
        call_command("reminders", stdout=out)
    assert out.getvalue() == "Redditions de comptes ouvertes : 0. Rappels envoyés : 1.\n"


def test_the_command_schedules_the_daily_task_once(settings):
    settings.TASKS = DB_TASKS
    out = StringIO()
    call_command("reminders", "--schedule", stdout=out)
    call_command("reminders", "--schedule", stdout=out)
    assert out.getvalue() == (
        "Tâche quotidienne de reddition de comptes planifiée.\n"
        "Tâche quotidienne de reddition de comptes déjà planifiée.\n"
    )
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    out = StringIO()
    call_command("reminders", "--schedule", stdout=out)
    assert "ne diffère pas les tâches" in out.getvalue()
