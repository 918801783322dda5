"""Emails to an organization's representatives, sent once the transaction commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from soutien.organizations.models import Membership, Organization


def representatives_emails(organization: Organization) -> list[str]:
    return sorted(
        Membership.objects.filter(
            organization=organization, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def notify_organization(organization: Organization, *, subject: str, body: str) -> None:
    """Schedule an email to the organization's active representatives (on commit)."""
    recipients = representatives_emails(organization)
    if not recipients:
        return
    sender = getattr(settings, "DEFAULT_FROM_EMAIL", None)
    transaction.on_commit(
        lambda: send_mail(str(subject), str(body), sender, recipients, fail_silently=False)
    )
