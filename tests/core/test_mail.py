"""Emails go through one helper and a background task: a mail outage delays them, never fails
the action, and the retry delivers each email exactly once."""

import socket
import time
from datetime import timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from soutien.accounts.models import User
from soutien.core import mail as outbox
from soutien.core.models import EmailState, OutgoingEmail
from tests.accounts.test_portal_accounts import registration

pytestmark = pytest.mark.django_db


def held_port() -> socket.socket:
    """A local port bound and not listening: a connection to it is refused, and no other
    process (another worker's live server or SMTP server, in a parallel run) takes it while
    the socket is open."""
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    return held


@pytest.fixture
def refused_port():
    with held_port() as held:
        yield held.getsockname()[1]


class HeldPortController(Controller):
    """aiosmtpd's server on a held port, released when the server starts."""

    def __init__(self, handler, held: socket.socket):
        super().__init__(handler, hostname="127.0.0.1", port=held.getsockname()[1])
        self.held = held

    def start(self):
        self.held.close()
        super().start()


class Inbox:
    """aiosmtpd handler: keeps every message the SMTP server accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def run_worker() -> int:
    """What `db_worker --batch` does with each ready task (its own loop would close the test's
    database connection): claim it, run it, record the outcome."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while (result := DBTaskResult.objects.ready().get_locked()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran


@pytest.fixture
def smtp(settings):
    """Django's SMTP backend pointed at a local port where no server listens yet."""
    held = held_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_TIMEOUT = "127.0.0.1", 5
    settings.EMAIL_PORT = held.getsockname()[1]
    settings.EMAIL_USE_TLS = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    inbox = Inbox()
    controller = HeldPortController(inbox, held)
    yield controller, inbox
    held.close()
    if getattr(controller, "_thread", None) is not None:
        controller.stop()


def test_registration_succeeds_with_the_smtp_server_down_and_the_retry_delivers_once(
    client, django_capture_on_commit_callbacks, smtp
):
    controller, inbox = smtp
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register"), registration())
    elapsed = time.perf_counter() - started
    assert response.status_code == 302  # the action is saved; nothing waited for the server
    assert User.objects.filter(email="camille@exemple.org").exists()
    assert elapsed < 5, elapsed
    email = OutgoingEmail.objects.get()
    assert email.state == EmailState.QUEUED and email.attempts == 0
    assert email.recipients == ["camille@exemple.org"]
    assert "confirmez votre adresse" in email.subject

    # The worker tries while the server is down: the email waits, with its error.
    assert run_worker() == 1
    email.refresh_from_db()
    assert email.state == EmailState.QUEUED and email.attempts == 1
    assert "ConnectionRefused" in email.last_error
    assert email.next_attempt_at > timezone.now()
    assert run_worker() == 0  # the retry is deferred, not hammering the server

    controller.start()  # the server is back
    with time_machine.travel(email.next_attempt_at + timedelta(seconds=1)):
        assert run_worker() == 1
        email.refresh_from_db()
        assert email.state == EmailState.SENT and email.attempts == 2
        assert len(inbox.messages) == 1
        message = inbox.messages[0]
        assert message.rcpt_tos == ["camille@exemple.org"]
        assert "/compte/confirmation/" in message.content.decode()
        # Running the retry sweep and the worker again sends nothing twice.
        assert outbox.retry_due() == 0
        outbox.deliver(email.pk)
        assert run_worker() == 0
    assert len(inbox.messages) == 1


def test_with_tasks_run_at_once_an_outage_still_leaves_the_action_saved(
    client, django_capture_on_commit_callbacks, settings, refused_port
):
    """Same guarantee with the immediate backend (the tests' default): the send fails inside
    the commit hook, the action is kept, and `retry_due` sends it later."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", refused_port
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:register"), registration())
    assert response.status_code == 302
    email = OutgoingEmail.objects.get()
    assert email.state == EmailState.QUEUED and email.attempts == 1 and email.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.retry_due() == 0  # not due yet: the backoff holds
    with time_machine.travel(email.next_attempt_at):
        assert outbox.retry_due() == 1
    email.refresh_from_db()
    assert email.state == EmailState.SENT and len(mail.outbox) == 1


def test_an_email_gives_up_after_the_last_backoff_and_keeps_its_error(settings, refused_port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", refused_port
    email = outbox.send_email(to=["a@exemple.org"], subject="Objet", body="Bonjour")
    now = timezone.now()
    for _attempt in range(len(outbox.BACKOFF) + 1):
        outbox.deliver(email.pk, now=now)
        email.refresh_from_db()
        now = email.next_attempt_at
    assert email.state == EmailState.FAILED
    assert email.attempts == len(outbox.BACKOFF) + 1 and "ConnectionRefused" in email.last_error


def test_an_email_of_a_rolled_back_action_is_never_recorded_nor_sent(
    django_capture_on_commit_callbacks,
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.send_email(to=["a@exemple.org"], subject="Objet", body="Bonjour")
            raise RuntimeError
    assert not OutgoingEmail.objects.exists() and mail.outbox == []


def test_no_recipient_records_nothing():
    assert outbox.send_email(to=["", " "], subject="Objet", body="Bonjour") is None
    assert not OutgoingEmail.objects.exists()


def test_retry_emails_command_requeues_the_due_emails(settings, capsys, refused_port):
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", refused_port
    email = outbox.send_email(to=["a@exemple.org"], subject="Objet", body="Bonjour")
    outbox.deliver(email.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + outbox.BACKOFF[0]):
        call_command("retry_emails")
    assert "1 courriel(s) remis" in capsys.readouterr().out
    email.refresh_from_db()
    assert email.state == EmailState.SENT and len(mail.outbox) == 1
