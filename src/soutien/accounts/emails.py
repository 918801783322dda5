"""Emails to people, in French, rendered from templates and sent after the commit."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string


def send_after_commit(*, to: str, subject_template: str, body_template: str, context: dict):
    """Render now, send once the transaction commits (never for a rolled-back change)."""
    subject = " ".join(render_to_string(subject_template, context).split())
    body = render_to_string(body_template, context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [to]))
