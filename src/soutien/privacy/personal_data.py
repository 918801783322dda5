"""What the program holds about one person, by section, for them to read (Loi sur l'accès,
art. 83) or for the staff answering their access request.

A pure read: nothing is written here (the views journal the download). Documents are named,
never included; the journal is read for what the person did and what was done to their
account. Dates are in Québec time; `to_json` keeps them ISO 8601. No password, not even
its hash, and no file's content.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from axes.models import AccessFailureLog, AccessLog
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _

from soutien.accountability.models import ReportDocument
from soutien.accounts.models import NoticeAcknowledgment, User
from soutien.agreements.models import AgreementDocument
from soutien.applications.models import (
    Application,
    ApplicationDocument,
    Declaration,
    SubmissionCopy,
)
from soutien.core import clock
from soutien.core.models import JournalEntry, OutgoingEmail
from soutien.organizations.models import Invitation
from soutien.rules.jsonio import dumps

from .models import PersonalInformationRequest

VERSION = 1
# Every kind of file a person may deposit (StoredDocument), named only.
DOCUMENT_MODELS = (ApplicationDocument, SubmissionCopy, AgreementDocument, ReportDocument)


def _moment(value: datetime | None) -> datetime | None:
    return value.astimezone(clock.MONTREAL).replace(microsecond=0) if value else None


def _organization_of(document) -> str:
    target = document
    for part in document.scope_path.split("__"):
        target = getattr(target, part)
    return target.legal_name


def personal_data(user: User) -> dict[str, Any]:
    """Everything held about `user`, section by section, with French keys."""
    email = user.email
    user_type = ContentType.objects.get_for_model(User)
    return {
        "version": VERSION,
        "généré le": _moment(clock.now()),
        "compte": {
            "adresse courriel": email,
            "nom complet": user.full_name,
            "rôle": user.get_role_display(),
            "date de création": _moment(user.date_joined),
            "dernière connexion": _moment(user.last_login),
            "adresse courriel confirmée le": _moment(user.email_confirmed_at),
            "actif": user.is_active,
        },
        # The account's former values (its history), never the password.
        "historique du compte": [
            {
                "date": _moment(h.history_date),
                "adresse courriel": h.email,
                "nom complet": h.full_name,
                "rôle": h.get_role_display(),
                "actif": h.is_active,
            }
            for h in user.history.order_by("history_date", "history_id")
        ],
        "liens avec des organismes": [
            {
                "organisme": m.organization.legal_name,
                "fonction": m.title,
                "actif": m.is_active,
            }
            for m in user.memberships.select_related("organization").order_by("pk")
        ],
        "invitations envoyées": [
            {
                "organisme": i.organization.legal_name,
                "adresse invitée": i.email,
                "envoyée le": _moment(i.sent_at),
                "acceptée le": _moment(i.accepted_at),
            }
            for i in Invitation.objects.filter(invited_by=user)
            .select_related("organization")
            .order_by("sent_at", "pk")
        ],
        "invitations reçues": [
            {
                "organisme": i.organization.legal_name,
                "envoyée le": _moment(i.sent_at),
                "acceptée le": _moment(i.accepted_at),
            }
            for i in Invitation.objects.filter(email__iexact=email)
            .select_related("organization")
            .order_by("sent_at", "pk")
        ],
        "journal : vos actions": [
            _entry(e) for e in JournalEntry.objects.filter(actor=user).order_by("at", "pk")
        ],
        "journal : votre compte": [
            _entry(e)
            for e in JournalEntry.objects.filter(subject_type=user_type, subject_id=user.pk)
            .exclude(actor=user)
            .order_by("at", "pk")
        ],
        "connexions": [
            {
                "date": _moment(log.attempt_time),
                "adresse IP": log.ip_address,
                "déconnexion": _moment(log.logout_time),
            }
            for log in AccessLog.objects.filter(username__iexact=email).order_by("attempt_time")
        ],
        "tentatives de connexion refusées": [
            {
                "date": _moment(log.attempt_time),
                "adresse IP": log.ip_address,
                "verrouillage": log.locked_out,
            }
            for log in AccessFailureLog.objects.filter(username__iexact=email).order_by(
                "attempt_time"
            )
        ],
        "courriels envoyés": _emails(email),
        "demandes d'accès et de rectification": [
            {
                "numéro": r.pk,
                "nature": r.get_kind_display(),
                "reçue le": r.received_on,
                "réponse due le": r.due_on,
                "objet": r.details,
                "état": r.get_state_display(),
                "réponse": r.answer,
                "répondue le": r.answered_on,
            }
            for r in PersonalInformationRequest.objects.filter(person=user).order_by(
                "received_on", "pk"
            )
        ],
        "avis de confidentialité lus": [
            {
                "contexte": a.get_context_display(),
                "version de l'avis": a.notice_version,
                "date": _moment(a.at),
                "organisme": a.organization.legal_name if a.organization else None,
            }
            for a in NoticeAcknowledgment.objects.filter(user=user)
            .select_related("organization")
            .order_by("at", "pk")
        ],
        "déclarations signées": [
            {
                "organisme": d.application.organization.legal_name,
                "demande": d.application_id,
                "nom": d.declarant_name,
                "fonction": d.declarant_title,
                "date": _moment(d.declared_at),
            }
            for d in Declaration.objects.filter(declared_by=user)
            .select_related("application__organization")
            .order_by("declared_at", "pk")
        ],
        "personne à joindre d'une demande": [
            {
                "organisme": a.organization.legal_name,
                "demande": a.pk,
                "nom": a.contact_name,
                "fonction": a.contact_title,
                "téléphone": a.contact_phone,
            }
            for a in Application.objects.filter(contact_email__iexact=email)
            .select_related("organization")
            .order_by("pk")
        ],
        "documents déposés": _documents(user),
    }


def _entry(entry: JournalEntry) -> dict[str, Any]:
    return {
        "date": _moment(entry.at),
        "action": entry.action,
        "objet": entry.subject_repr,
        "motif": entry.reason,
    }


def _emails(email: str) -> list[dict[str, Any]]:
    # The recipients are a JSON list: a text match narrows, the exact address decides.
    wanted = email.lower()
    return [
        {
            "date": _moment(mail.created_at),
            "objet": mail.subject,
            "envoyé le": _moment(mail.sent_at),
        }
        for mail in OutgoingEmail.objects.filter(recipients__icontains=email).order_by(
            "created_at", "pk"
        )
        if wanted in {str(r).lower() for r in mail.recipients}
    ]


def _documents(user: User) -> list[dict[str, Any]]:
    rows = []
    for model in DOCUMENT_MODELS:
        for document in model.objects.filter(uploaded_by=user).select_related(model.scope_path):
            rows.append(
                {
                    "nom du fichier": document.original_name,
                    "document": str(model._meta.verbose_name),
                    "déposé le": _moment(document.uploaded_at),
                    "organisme": _organization_of(document),
                }
            )
    return sorted(rows, key=lambda row: row["déposé le"])


def to_json(data: dict[str, Any]) -> bytes:
    return dumps(data, pretty=True)


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def as_tables(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The sections as titled tables for the readable copy (PDF): the account as one row
    per field, every other section as columns."""
    tables = []
    for title, section in data.items():
        if isinstance(section, dict):
            rows = [[key, _cell(value)] for key, value in section.items()]
            tables.append({"title": title, "columns": [], "rows": rows, "pairs": True})
        elif isinstance(section, list):
            columns = list(section[0]) if section else []
            rows = [[_cell(row[c]) for c in columns] for row in section]
            tables.append({"title": title, "columns": columns, "rows": rows, "pairs": False})
    return tables
