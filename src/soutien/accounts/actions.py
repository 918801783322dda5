"""Changes a person makes to their own account: keyword-only verbs, one transaction, journaled.

Email and password changes are security events: the journal records them (never the password),
and the former address is told when the address changes. The rate limit of resent confirmation
links is a security clock: it is measured on the real time (`clock.system_now`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from soutien.core import clock
from soutien.core.mail import send_templated
from soutien.core.models import JournalEntry
from soutien.core.urls import absolute_url

from .access import Capability, require
from .models import ConfidentialityIncident, NoticeAcknowledgment, User
from .privacy import NOTICE_VERSION
from .tokens import BadLink, confirmation_token, make_token, read_token

EMAIL_CHANGE_SALT = "soutien.accounts.email-change"
# A confirmation link is sent again at most once in this interval, and this many times a day.
RESEND_INTERVAL = timedelta(minutes=5)
RESEND_PER_DAY = 5

EMAIL_TAKEN = _("Cette adresse courriel est déjà celle d'un autre compte.")


def _normalize(email: str) -> str:
    return User.objects.normalize_email(email).strip().lower()


def _taken(email: str, *, besides: User) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=besides.pk).exists()


@transaction.atomic
def change_name(user: User, *, full_name: str, at: datetime) -> User:
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ValidationError({"full_name": _("Saisissez votre nom complet.")}, code="required")
    previous = user.full_name
    if full_name == previous:
        return user
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    JournalEntry.write(
        user, "account.name_changed", by=user, at=at, data={"from": previous, "to": full_name}
    )
    return user


@transaction.atomic
def request_email_change(user: User, *, new_email: str, at: datetime) -> str:
    """Send a signed link to the new address; the address changes only once it is opened."""
    new_email = _normalize(new_email)
    if new_email == user.email:
        raise ValidationError(
            {"email": _("C'est déjà l'adresse de votre compte.")}, code="unchanged"
        )
    if _taken(new_email, besides=user):
        raise ValidationError({"email": EMAIL_TAKEN}, code="taken")
    token = make_token(
        {"user": user.pk, "from": user.email, "to": new_email}, salt=EMAIL_CHANGE_SALT
    )
    JournalEntry.write(
        user, "account.email_change_requested", by=user, at=at, data={"to": new_email}
    )
    send_templated(
        to=[new_email],
        subject_template="accounts/emails/email_change_subject.txt",
        body_template="accounts/emails/email_change.txt",
        context={
            "user": user,
            "new_email": new_email,
            "link": absolute_url("accounts:email_change_confirm", token=token),
            "days": settings.ACCOUNT_CONFIRMATION_MAX_AGE // 86400,
        },
    )
    return new_email


def read_email_change_token(token: str) -> tuple[User, str]:
    """The account and the new address a link names; BadLink when altered, too old, or used
    (the account's address is no longer the one it was sent from)."""
    payload = read_token(
        token, salt=EMAIL_CHANGE_SALT, max_age=settings.ACCOUNT_CONFIRMATION_MAX_AGE
    )
    user = User.objects.filter(pk=payload.get("user"), email=payload.get("from")).first()
    if user is None or not payload.get("to"):
        raise BadLink(expired=False)
    return user, payload["to"]


@transaction.atomic
def confirm_email_change(user: User, *, new_email: str, at: datetime) -> User:
    """The new address is confirmed: it becomes the login; the former one is told."""
    user = User.objects.select_for_update().get(pk=user.pk)
    new_email = _normalize(new_email)
    if _taken(new_email, besides=user):
        raise ValidationError({"email": EMAIL_TAKEN}, code="taken")
    previous = user.email
    user.email = new_email
    user.save(update_fields=["email"])
    JournalEntry.write(
        user, "account.email_changed", by=user, at=at, data={"from": previous, "to": new_email}
    )
    send_templated(
        to=[previous],
        subject_template="accounts/emails/email_changed_subject.txt",
        body_template="accounts/emails/email_changed.txt",
        context={"user": user, "previous": previous, "new_email": new_email},
    )
    return user


@transaction.atomic
def change_password(user: User, *, password: str, at: datetime) -> User:
    """The person chose a new password (the form checked the current one and the validators)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    JournalEntry.write(user, "account.password_changed", by=user, at=at)
    return user


@transaction.atomic
def resend_confirmation(*, email: str, at: datetime) -> bool:
    """Send the confirmation link again to a registration not yet confirmed.

    Returns whether a link was sent; the page says the same thing either way, so that nobody
    learns from it whether an address has an account."""
    user = (
        User.objects.select_for_update().filter(email__iexact=_normalize(email)).first()
        if email
        else None
    )
    if user is None or not user.awaits_email_confirmation:
        return False
    real_now = clock.system_now()
    sent = [
        parse_datetime(entry.data.get("sent_at", ""))
        for entry in JournalEntry.objects.for_subject(user).filter(
            action="account.confirmation_resent"
        )
    ]
    recent = [moment for moment in sent if moment and moment > real_now - timedelta(days=1)]
    if len(recent) >= RESEND_PER_DAY or any(m > real_now - RESEND_INTERVAL for m in recent):
        return False
    JournalEntry.write(
        user,
        "account.confirmation_resent",
        by=None,
        at=at,
        data={"sent_at": real_now.isoformat()},
    )
    membership = user.memberships.select_related("organization").first()
    send_templated(
        to=[user.email],
        subject_template="accounts/emails/confirmation_subject.txt",
        body_template="accounts/emails/confirmation.txt",
        context={
            "user": user,
            "organization": membership.organization if membership else None,
            "link": absolute_url("accounts:confirm", token=confirmation_token(user)),
            "days": settings.ACCOUNT_CONFIRMATION_MAX_AGE // 86400,
        },
    )
    return True


INCIDENT_FIELDS = (
    "occurred_on",
    "occurred_until",
    "discovered_on",
    "circumstances",
    "information",
    "persons",
    "risk",
    "risk_reasons",
    "commission_notified_on",
    "persons_notified_on",
    "measures",
)


@transaction.atomic
def record_incident(*, by: User, at: datetime, **fields) -> ConfidentialityIncident:
    """A confidentiality incident in the register (Loi 25), with who recorded it: dates in
    order, none in the future, a notice never before the incident was known."""
    require(by, Capability.PRIVACY)
    unknown = set(fields) - set(INCIDENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown incident fields: {sorted(unknown)}")
    incident = ConfidentialityIncident(recorded_by=by, **fields)
    errors = {}
    today = clock.localdate_of(at)
    if incident.discovered_on and incident.discovered_on > today:
        errors["discovered_on"] = _("La date de connaissance ne peut pas être dans l'avenir.")
    for name in ("commission_notified_on", "persons_notified_on"):
        day = getattr(incident, name)
        if day and incident.discovered_on and day < incident.discovered_on:
            errors[name] = _("Un avis suit la connaissance de l'incident.")
    if errors:
        raise ValidationError(errors, code="incident")
    incident.validate()
    incident.save_as(by)
    JournalEntry.write(
        incident,
        "incident.recorded",
        by=by,
        at=at,
        data={"persons": incident.persons, "risk": incident.risk},
    )
    return incident


@transaction.atomic
def acknowledge_notice(
    user: User, *, context: str, at: datetime, organization=None
) -> NoticeAcknowledgment:
    """The person read the current privacy notice (Loi sur l'accès, art. 65); once per
    version, context and organization: the first acknowledgment is kept."""
    acknowledgment = NoticeAcknowledgment.objects.filter(
        user=user, context=context, notice_version=NOTICE_VERSION, organization=organization
    ).first()
    if acknowledgment is not None:
        return acknowledgment
    acknowledgment = NoticeAcknowledgment(
        user=user,
        context=context,
        notice_version=NOTICE_VERSION,
        at=at,
        organization=organization,
    )
    acknowledgment.validate()
    acknowledgment.save_as(user)
    return acknowledgment
