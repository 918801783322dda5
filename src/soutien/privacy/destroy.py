"""The destruction of one planned record (clause 7; Loi sur l'accès, art. 73), done in the
caller's transaction: files deleted from storage, a natural person's information replaced by
a stable pseudonym in the record, its history rows and the journal. Amounts, the ledger and
organizations' identities are not personal information and stay.

Each function returns the counts the destruction record keeps; none of them keeps or
returns the destroyed content.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models
from django.db.models import Q

from soutien.accountability.models import ReportContent, ReportDocument
from soutien.accounts.models import User
from soutien.agreements.models import Agreement, AgreementDocument, AgreementYear
from soutien.applications.models import (
    Application,
    ApplicationDocument,
    Declaration,
    SubmissionCopy,
)
from soutien.core import clock
from soutien.core.files import private_storage
from soutien.core.models import JournalEntry, OutgoingEmail
from soutien.organizations.models import BoardMember, Invitation
from soutien.rules.retention import ACCOUNT, APPLICATION, BOARD_MEMBER, DOSSIER, INVITATION

DOCUMENT_MODELS = (ApplicationDocument, SubmissionCopy, AgreementDocument, ReportDocument)
DESTROYED_NAME = "document détruit (clause 7)"
ANONYMOUS_DOMAIN = "anonyme.invalid"


def pseudonym(rule: str, pk: int) -> str:
    """The same pseudonym for the same record, whenever it is computed (keyed, not
    reversible without the project's secret key)."""
    key = hashlib.sha256(settings.SECRET_KEY.encode()).digest()
    digest = hashlib.blake2b(f"{rule}:{pk}".encode(), key=key, digest_size=4).hexdigest()
    return f"Personne {digest.upper()}"


def _email_of(name: str) -> str:
    return f"{name.split()[-1].lower()}@{ANONYMOUS_DOMAIN}"


def _update(queryset: models.QuerySet, **values) -> int:
    """An UPDATE that the business querysets refuse elsewhere: only this module anonymizes."""
    return models.QuerySet.update(queryset, **values)


def _history(model, pks, **values) -> int:
    return _update(model.history.model.objects.filter(id__in=list(pks)), **values)


def _rewrite(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        text = text.replace(old, new)
    return text


def _rewrite_data(value, replacements: dict[str, str]):
    if isinstance(value, str):
        return _rewrite(value, replacements)
    if isinstance(value, list):
        return [_rewrite_data(v, replacements) for v in value]
    if isinstance(value, dict):
        return {k: _rewrite_data(v, replacements) for k, v in value.items()}
    return value


def rewrite_journal(where: Q, replacements: dict[str, str]) -> int:
    """Replace a person's name and address by their pseudonym in the journal's entries that
    may name them; the entries themselves (who did what, when) stay."""
    replacements = {
        old: new
        for old, new in sorted(replacements.items(), key=lambda pair: -len(pair[0]))
        if old and old != new
    }
    if not replacements:
        return 0
    changed = 0
    entries = JournalEntry.objects.filter(where).only("subject_repr", "reason", "data")
    for entry in entries.iterator():
        values = {
            "subject_repr": _rewrite(entry.subject_repr, replacements)[:300],
            "reason": _rewrite(entry.reason, replacements),
            "data": _rewrite_data(entry.data, replacements),
        }
        if any(getattr(entry, name) != value for name, value in values.items()):
            _update(JournalEntry.objects.filter(pk=entry.pk), **values)
            changed += 1
    return changed


def _documents(*filters_by_model: tuple[type[models.Model], Q]) -> dict[str, int]:
    """Delete the files of these document rows (a file several rows share stays while any
    row still kept names it) and mark the rows and their history destroyed."""
    names: set[str] = set()
    rows = history = 0
    for model, filters in filters_by_model:
        documents = model.objects.filter(filters).exclude(original_name=DESTROYED_NAME)
        pks = list(documents.values_list("pk", flat=True))
        names |= {name for name in documents.values_list("file", flat=True) if name}
        rows += _update(
            model.objects.filter(pk__in=pks),
            file="",
            original_name=DESTROYED_NAME,
            updated_at=clock.now(),
        )
        history += _history(model, pks, file="", original_name=DESTROYED_NAME)
    shared = {
        name
        for model in DOCUMENT_MODELS
        for name in model.objects.filter(file__in=names).values_list("file", flat=True)
    }
    for name in names - shared:
        private_storage.delete(name)  # nothing happens if a killed run deleted it already
    return {
        "documents": rows,
        "files_deleted": len(names - shared),
        "files_kept_shared": len(shared),
        "document_history_rows": history,
    }


def _people(model, rows, prefix: str, fields) -> tuple[int, int, dict[str, str]]:
    """Replace, in `rows` of `model` and their history, each natural person's fields:
    `fields(row, name)` gives the new values from the row's own pseudonym `name`. Returns
    the rows changed, the history rows changed and the journal's replacements."""
    changed = history = 0
    replacements: dict[str, str] = {}
    for row in rows:
        name = pseudonym(prefix, row.pk)
        values = fields(row, name)
        for field, value in values.items():
            old = getattr(row, field)
            if isinstance(old, str) and old and old != value and value:
                replacements[old] = value
        if all(getattr(row, field) == value for field, value in values.items()):
            continue
        changed += _update(model.objects.filter(pk=row.pk), **values)
        history += _history(model, [row.pk], **values)
    return changed, history, replacements


def _applications_people(application_ids) -> tuple[int, int, dict[str, str]]:
    """The contact person and the declarant of these applications (5.1)."""
    contacts = _people(
        Application,
        Application.objects.filter(pk__in=application_ids).exclude(contact_name=""),
        "contact",
        lambda row, name: {
            "contact_name": name,
            "contact_title": "",
            "contact_email": _email_of(name) if row.contact_email else "",
            "contact_phone": "",
        },
    )
    declarants = _people(
        Declaration,
        Declaration.objects.filter(application_id__in=application_ids),
        "declarant",
        lambda row, name: {"declarant_name": name, "declarant_title": ""},
    )
    return (
        contacts[0] + declarants[0],
        contacts[1] + declarants[1],
        {**contacts[2], **declarants[2]},
    )


def destroy_dossier(agreement: Agreement, *, pseudonym_: str) -> dict[str, int]:
    applications = [agreement.application_id, *AgreementYear.objects.filter(
        agreement=agreement, renewal_application__isnull=False
    ).values_list("renewal_application", flat=True)]  # fmt: skip
    counts = _documents(
        (ApplicationDocument, Q(application_id__in=applications)),
        (SubmissionCopy, Q(application_id__in=applications)),
        (AgreementDocument, Q(agreement=agreement)),
        (ReportDocument, Q(report__agreement_year__agreement=agreement)),
    )
    # The signatory is a natural person named by the board's resolution (5.1).
    signatory = _people(
        Agreement,
        [agreement],
        DOSSIER,
        lambda row, name: {"signatory_name": name, "signatory_title": ""},
    )
    people = _applications_people(applications)
    accountants = _people(
        ReportContent,
        ReportContent.objects.filter(report__agreement_year__agreement=agreement).exclude(
            cpa_name=""
        ),
        "cpa",
        lambda row, name: {"cpa_name": name, "cpa_permit": ""},
    )
    parts = (signatory, people, accountants)
    counts["names"] = sum(part[0] for part in parts)
    counts["history_rows"] = sum(part[1] for part in parts)
    replacements = {k: v for part in parts for k, v in part[2].items()}
    counts["journal_entries"] = rewrite_journal(
        Q(organization_id=agreement.organization_id), replacements
    )
    return counts


def destroy_application(application: Application, **_unused) -> dict[str, int]:
    counts = _documents(
        (ApplicationDocument, Q(application=application)),
        (SubmissionCopy, Q(application=application)),
    )
    names, history, replacements = _applications_people([application.pk])
    counts.update(
        names=names,
        history_rows=history,
        journal_entries=rewrite_journal(
            Q(organization_id=application.organization_id), replacements
        ),
    )
    return counts


def destroy_board_member(member: BoardMember, *, pseudonym_: str) -> dict[str, int]:
    old = member.full_name
    _update(BoardMember.objects.filter(pk=member.pk), full_name=pseudonym_)
    return {
        "names": 1,
        "history_rows": _history(BoardMember, [member.pk], full_name=pseudonym_),
        "journal_entries": rewrite_journal(
            Q(organization_id=member.organization_id), {old: pseudonym_}
        ),
    }


def destroy_account(user: User, *, pseudonym_: str) -> dict[str, int]:
    old_name, old_email = user.full_name, user.email
    email = _email_of(pseudonym_)
    values = {
        "full_name": pseudonym_,
        "email": email,
        "password": make_password(None),
        "is_active": False,
    }
    _update(User.objects.filter(pk=user.pk), **values)
    history = _history(User, [user.pk], **values)
    replacements = {old_name: pseudonym_, old_email: email}
    organizations = list(user.memberships.values_list("organization_id", flat=True))
    journal = rewrite_journal(Q(actor=user) | Q(organization_id__in=organizations), replacements)
    invitations = Invitation.objects.filter(email__iexact=old_email)
    invitation_pks = list(invitations.values_list("pk", flat=True))
    _update(invitations, email=email)
    history += _history(Invitation, invitation_pks, email=email)
    # The outbox's copies of what was sent to the person, and the sign-in log.
    emails = 0
    for message in OutgoingEmail.objects.filter(
        Q(body__icontains=old_email) | Q(recipients__icontains=old_email)
    ):
        _update(
            OutgoingEmail.objects.filter(pk=message.pk),
            recipients=[email if r.lower() == old_email.lower() else r for r in message.recipients],
            body=_rewrite(message.body, replacements),
            subject=_rewrite(message.subject, replacements),
        )
        emails += 1
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    sign_ins = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        sign_ins += _update(
            model.objects.filter(username__iexact=old_email), username=email, ip_address=None
        )
    return {
        "names": 1,
        "history_rows": history,
        "journal_entries": journal,
        "invitations": len(invitation_pks),
        "emails": emails,
        "sign_in_records": sign_ins,
    }


def destroy_invitation(invitation: Invitation, *, pseudonym_: str) -> dict[str, int]:
    old = invitation.email
    email = _email_of(pseudonym_)
    if old.endswith("@" + ANONYMOUS_DOMAIN):
        return {"names": 0, "history_rows": 0, "journal_entries": 0}
    _update(Invitation.objects.filter(pk=invitation.pk), email=email)
    return {
        "names": 1,
        "history_rows": _history(Invitation, [invitation.pk], email=email),
        "journal_entries": rewrite_journal(
            Q(organization_id=invitation.organization_id), {old: email}
        ),
    }


DESTROY = {
    DOSSIER: destroy_dossier,
    APPLICATION: destroy_application,
    BOARD_MEMBER: destroy_board_member,
    ACCOUNT: destroy_account,
    INVITATION: destroy_invitation,
}


def destroy(rule: str, target) -> tuple[str, dict[str, int]]:
    """Destroy `target` under `rule`; its pseudonym (blank for an application) and counts."""
    name = "" if rule == APPLICATION else pseudonym(rule, target.pk)
    return name, DESTROY[rule](target, pseudonym_=name)
