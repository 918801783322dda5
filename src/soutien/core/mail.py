"""One way to send an email: record it with the action, send it from a background task.

`send_email` is called inside the action's transaction: the email is a row of
`OutgoingEmail` (so it exists exactly when the action is saved), and once the transaction
commits a task (`deliver_email`, django-tasks) sends it. An SMTP or connection error never
reaches the action: the email stays queued with its error and is tried again later, with a
growing delay (a deferred task on the database backend; `soutien-mission retry_emails` for the
rest), until it is sent or gives up after `len(BACKOFF) + 1` attempts. Emails are in French,
rendered by the caller.

Times here are the machine's real time, not the program clock: they drive a queue.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django_tasks import task

from soutien.core import clock

from .models import EmailState, OutgoingEmail

logger = logging.getLogger(__name__)

# Delay before attempt n+1 after n failed attempts; then the email is marked failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=4),
    timedelta(hours=12),
)
# A worker that died while sending leaves the email "sending": after this, it is tried again.
SENDING_TIMEOUT = timedelta(minutes=30)
# What a mail outage looks like: refused or dropped connection, timeout, SMTP refusal.
DELIVERY_ERRORS = (smtplib.SMTPException, OSError)


def send_email(*, to: Iterable[str], subject: str, body: str) -> OutgoingEmail | None:
    """Record an email now; send it once the current transaction commits (never for a change
    that is rolled back). No recipient: nothing is recorded."""
    recipients = sorted({address.strip() for address in to if address and address.strip()})
    if not recipients:
        return None
    email = OutgoingEmail.objects.create(
        recipients=recipients, subject=" ".join(str(subject).split())[:300], body=str(body)
    )
    pk = email.pk
    # Robust: if the queue cannot be reached, the email stays queued for `retry_due`.
    transaction.on_commit(lambda: _enqueue(pk), robust=True)
    return email


def send_templated(
    *, to: Iterable[str], subject_template: str, body_template: str, context: dict
) -> OutgoingEmail | None:
    """`send_email` with the subject and the body rendered from templates."""
    return send_email(
        to=to,
        subject=render_to_string(subject_template, context),
        body=render_to_string(body_template, context),
    )


@task()
def deliver_email(email_id: int) -> str:
    """The background task: one attempt at sending one email."""
    return deliver(email_id)


def deliver(pk: int, *, now: datetime | None = None) -> str:
    """Try to send one email; return its state. Run by the task; safe to run twice: an email
    is claimed (queued → sending) by one conditional UPDATE, so it is sent at most once."""
    now = now or clock.system_now()
    claimed = OutgoingEmail.objects.filter(
        pk=pk, state=EmailState.QUEUED, next_attempt_at__lte=now
    ).update(state=EmailState.SENDING, next_attempt_at=now + SENDING_TIMEOUT)
    email = OutgoingEmail.objects.get(pk=pk)
    if not claimed:
        return email.state  # sent already, given up, not due yet, or another worker has it
    message = EmailMessage(email.subject, email.body, None, email.recipients)
    email.attempts += 1
    try:
        message.send()
    except DELIVERY_ERRORS as error:
        email.last_error = f"{type(error).__name__}: {error}"[:2000]
        if email.attempts > len(BACKOFF):
            email.state = EmailState.FAILED
            logger.error("Email %s failed for good: %s", pk, email.last_error)
        else:
            email.state = EmailState.QUEUED
            email.next_attempt_at = now + BACKOFF[email.attempts - 1]
            logger.warning(
                "Email %s not sent (%s), next attempt at %s",
                pk,
                email.last_error,
                email.next_attempt_at,
            )
        email.save(update_fields=["state", "attempts", "last_error", "next_attempt_at"])
        if email.state == EmailState.QUEUED:
            _enqueue(pk, run_after=email.next_attempt_at)
        return email.state
    email.state = EmailState.SENT
    email.sent_at = now
    email.save(update_fields=["state", "attempts", "sent_at"])
    return email.state


def retry_due() -> int:
    """Enqueue every queued email whose next attempt is due (and those left "sending" by a
    worker that died); return how many. For a cron job or by hand: `retry_emails`."""
    now = clock.system_now()
    OutgoingEmail.objects.filter(state=EmailState.SENDING, next_attempt_at__lte=now).update(
        state=EmailState.QUEUED
    )
    due = list(
        OutgoingEmail.objects.filter(state=EmailState.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)
    )
    for pk in due:
        _enqueue(pk)
    return len(due)


def _enqueue(pk: int, *, run_after: datetime | None = None) -> None:
    deliver_task = deliver_email
    if run_after is not None:
        if not deliver_task.get_backend().supports_defer:
            return  # e.g. the immediate backend: `retry_due` will send it
        deliver_task = deliver_task.using(run_after=run_after)
    deliver_task.enqueue(pk)
