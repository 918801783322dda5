"""Emails to an organization's active members, through the one email helper (`core.mail`)."""

from __future__ import annotations

from soutien.core.mail import send_email
from soutien.organizations.models import Organization


def notify_organization(organization: Organization, *, subject: str, body: str) -> None:
    """Record an email to the organization's active members; a worker sends it after commit."""
    send_email(to=organization.member_emails(), subject=str(subject), body=str(body))
