"""State changes of organizations: keyword-only verbs, one transaction, journaled."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from soutien.accounts.access import Capability, require
from soutien.accounts.actions import acknowledge_notice
from soutien.accounts.models import NoticeContext, Role, User
from soutien.accounts.privacy import NOTICE_LABEL, has_acknowledged
from soutien.accounts.tokens import BadLink, confirmation_token, make_token, read_token
from soutien.core import clock
from soutien.core.mail import send_templated
from soutien.core.models import JournalEntry
from soutien.core.urls import absolute_url
from soutien.rules import evaluate
from soutien.rules.amount import AmountError
from soutien.rules.contract import DossierError, evaluation_to_json, parse_dossier
from soutien.rules.norms import NoNormsInForce

from . import selfcheck as selfcheck_rules
from .members import require_member
from .models import (
    BoardMember,
    EligibilitySelfCheck,
    GroupingMember,
    Invitation,
    Membership,
    Organization,
)

INVITATION_SALT = "soutien.organizations.invitation"


class ImportRefused(ValidationError):
    """An import was refused; nothing was saved. `messages` name the row and the field."""


@transaction.atomic
def register_organization(
    *, data: Mapping[str, Any], by: User | None, at: datetime
) -> Organization:
    """Create an organization after full validation (French messages naming the fields)."""
    organization = Organization(**data)
    organization.full_clean()
    organization.save_as(by)
    JournalEntry.write(organization, "organization.registered", by=by, at=at)
    return organization


def import_organizations(
    rows: Iterable[Mapping[str, Any]], *, by: User | None, at: datetime
) -> list[Organization]:
    """All rows or none: every row is validated; any error refuses the whole import."""
    rows = list(rows)
    errors: list[str] = []
    organizations = []
    for number, row in enumerate(rows, start=1):
        organization = Organization(**row)
        try:
            organization.full_clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                label = (
                    Organization._meta.get_field(field).verbose_name if field != "__all__" else ""
                )
                for message in messages:
                    errors.append(
                        _("Ligne %(row)s, champ « %(field)s » : %(message)s")
                        % {"row": number, "field": label, "message": message}
                    )
        organizations.append(organization)
    if errors:
        raise ImportRefused(errors, code="import_refused")
    with transaction.atomic():
        for organization in organizations:
            organization.save_as(by)
            JournalEntry.write(organization, "organization.imported", by=by, at=at)
    return organizations


@transaction.atomic
def archive_organization(
    organization: Organization, *, by: User, at: datetime, reason: str
) -> Organization:
    if organization.archived_at is not None:
        raise ValidationError(_("Cet organisme est déjà archivé."), code="already_archived")
    organization.archived_at = at
    organization.save_as(by)
    JournalEntry.write(organization, "organization.archived", by=by, at=at, reason=reason)
    return organization


@transaction.atomic
def link_representative(
    user: User, organization: Organization, *, title: str = "", by: User | None, at: datetime
) -> Membership:
    """Give a representative access to an organization's records."""
    if user.role != Role.REPRESENTATIVE:
        raise ValidationError(
            {"user": _("Seul un compte de représentante ou de représentant peut être lié.")},
            code="not_representative",
        )
    membership = Membership(user=user, organization=organization, title=title)
    membership.validate()
    membership.save_as(by)
    JournalEntry.write(
        organization,
        "organization.representative_linked",
        by=by,
        at=at,
        data={"user": user.email},
    )
    return membership


# --- The organizations' portal (issue 4) ---------------------------------------------


@transaction.atomic
def register_representative(
    *,
    email: str,
    password: str,
    full_name: str,
    organization_data: Mapping[str, Any],
    notice_acknowledged: bool,
    at: datetime,
) -> User:
    """A representative registers their organization online.

    The account stays inactive until the person opens the confirmation link sent by email;
    the organization is registered and linked to the account, and the privacy notice's
    acknowledgment recorded, in the same transaction.
    """
    _require_notice(notice_acknowledged)
    user = User(
        email=User.objects.normalize_email(email).strip().lower(),
        full_name=full_name.strip(),
        role=Role.REPRESENTATIVE,
        is_active=False,
        date_joined=at,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    organization = register_organization(data=organization_data, by=user, at=at)
    link_representative(user, organization, by=user, at=at)
    acknowledge_notice(user, context=NoticeContext.REGISTRATION, at=at)
    send_templated(
        to=[user.email],
        subject_template="accounts/emails/confirmation_subject.txt",
        body_template="accounts/emails/confirmation.txt",
        context={
            "user": user,
            "organization": organization,
            "link": absolute_url("accounts:confirm", token=confirmation_token(user)),
            "days": settings.ACCOUNT_CONFIRMATION_MAX_AGE // 86400,
        },
    )
    return user


@transaction.atomic
def confirm_email(user: User, *, at: datetime) -> User:
    """The person opened the confirmation link: the account becomes active."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = at
        user.is_active = True
        user.save(update_fields=["email_confirmed_at", "is_active"])
    return user


@transaction.atomic
def invite_colleague(
    organization: Organization, *, email: str, by: User, at: datetime
) -> Invitation:
    """A member invites a colleague of the same organization; the link is sent by email.

    Only an active member invites: ministry staff never bring anyone into an organization."""
    require_member(by, organization)
    email = User.objects.normalize_email(email).strip().lower()
    if Membership.objects.filter(
        organization=organization, user__email__iexact=email, is_active=True
    ).exists():
        raise ValidationError(
            {"email": _("Cette personne est déjà membre de l'organisme.")}, code="already_member"
        )
    invitation = Invitation(organization=organization, email=email, invited_by=by, sent_at=at)
    invitation.validate()
    invitation.save_as(by)
    JournalEntry.write(
        organization, "organization.colleague_invited", by=by, at=at, data={"email": email}
    )
    token = make_token({"invitation": invitation.pk, "email": email}, salt=INVITATION_SALT)
    send_templated(
        to=[email],
        subject_template="organizations/emails/invitation_subject.txt",
        body_template="organizations/emails/invitation.txt",
        context={
            "invitation": invitation,
            "organization": organization,
            "by": by,
            "link": absolute_url("accounts:invitation", token=token),
            "days": settings.INVITATION_MAX_AGE // 86400,
            "privacy_link": absolute_url("privacy"),
        },
    )
    return invitation


def read_invitation_token(token: str) -> Invitation:
    """The invitation a link names; BadLink when altered or too old."""
    payload = read_token(token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE)
    invitation = (
        Invitation.objects.select_related("organization")
        .filter(pk=payload.get("invitation"), email=payload.get("email"))
        .first()
    )
    if invitation is None:
        raise BadLink(expired=False)
    return invitation


@transaction.atomic
def accept_invitation(
    invitation: Invitation,
    *,
    at: datetime,
    notice_acknowledged: bool,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
) -> Membership:
    """The invited person joins the organization: with their existing account (signed in with
    the invited email), or with a new account whose email the link has just confirmed; they
    acknowledge the privacy notice for that organization."""
    _require_notice(notice_acknowledged)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(
            _("Cette invitation a déjà été acceptée. Connectez-vous pour accéder à l'organisme."),
            code="already_accepted",
        )
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                _("Un compte existe déjà pour cette adresse : connectez-vous pour accepter."),
                code="account_exists",
            )
        user = User(
            email=invitation.email,
            full_name=full_name.strip(),
            role=Role.REPRESENTATIVE,
            is_active=True,
            email_confirmed_at=at,
            date_joined=at,
        )
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _(
                "Cette invitation a été envoyée à %(email)s. Connectez-vous avec cette adresse "
                "pour l'accepter."
            )
            % {"email": invitation.email},
            code="wrong_account",
        )
    membership = Membership.objects.filter(user=user, organization=invitation.organization).first()
    if membership is not None and membership.is_active:
        raise ValidationError(_("Vous êtes déjà membre de cet organisme."), code="already_member")
    if membership is not None:
        membership.is_active = True
        membership.save_as(user)
        JournalEntry.write(
            invitation.organization,
            "organization.representative_linked",
            by=user,
            at=at,
            data={"user": user.email},
        )
    else:
        membership = link_representative(user, invitation.organization, by=user, at=at)
    invitation.accepted_at = at
    invitation.accepted_by = user
    invitation.save_as(user)
    acknowledge_notice(
        user, context=NoticeContext.INVITATION, at=at, organization=invitation.organization
    )
    return membership


def _apply(record, data: Mapping[str, Any], seen_version: int | None) -> list[str]:
    changed = [name for name, value in data.items() if getattr(record, name) != value]
    for name, value in data.items():
        setattr(record, name, value)
    if seen_version is not None:
        record.version = seen_version
    return changed


@transaction.atomic
def update_organization(
    organization: Organization,
    *,
    data: Mapping[str, Any],
    seen_version: int,
    by: User,
    at: datetime,
) -> Organization:
    """Change the organization's profile; StaleRecord if someone saved it meanwhile.

    The attachment to the Ministry is not part of the profile: `mark_attached` sets it.
    Only a member edits the profile; staff read it."""
    require_member(by, organization)
    if ATTACHMENT_FIELDS & set(data):
        raise ValidationError(
            {
                "attached_to_ministry": _(
                    "Le rattachement au Ministère (5.2) est établi par le Ministère ; il ne se "
                    "modifie pas dans le profil de l'organisme."
                )
            },
            code="attachment_not_in_profile",
        )
    changed = _apply(organization, data, seen_version)
    organization.full_clean()
    organization.save_as(by)
    JournalEntry.write(
        organization, "organization.profile_updated", by=by, at=at, data={"fields": changed}
    )
    return organization


ATTACHMENT_FIELDS = frozenset({"attached_to_ministry", "attached_since", "attached_reason"})


def _attachment_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Indiquez le motif du rattachement.")}, code="reason_required"
        )
    return reason


@transaction.atomic
def mark_attached(
    organization: Organization, *, since: date | None, reason: str, by: User, at: datetime
) -> Organization:
    """The Ministry holds the organization's attachment established (5.2, third tier), for
    the reason it gives; an agreement signed with the program attaches it without this."""
    require(by, Capability.ATTACH)
    reason = _attachment_reason(reason)
    if since is not None and since > clock.localdate_of(at):
        raise ValidationError(
            {"since": _("La date du rattachement ne peut pas être dans l'avenir.")},
            code="since_in_future",
        )
    organization.attached_to_ministry = True
    organization.attached_since = since
    organization.attached_reason = reason
    organization.save_as(by)
    JournalEntry.write(
        organization,
        "organization.attachment_marked",
        by=by,
        at=at,
        reason=reason,
        data={"since": since.isoformat() if since else None},
    )
    return organization


@transaction.atomic
def withdraw_attachment(
    organization: Organization, *, reason: str, by: User, at: datetime
) -> Organization:
    """The Ministry withdraws its own mark (an agreement still attaches the organization)."""
    require(by, Capability.ATTACH)
    if not (reason or "").strip():
        raise ValidationError(
            {"reason": _("Indiquez le motif du retrait du rattachement.")},
            code="reason_required",
        )
    if not organization.attached_to_ministry:
        raise ValidationError(
            _("Le Ministère n'a pas inscrit le rattachement de cet organisme."),
            code="not_marked",
        )
    organization.attached_to_ministry = False
    organization.attached_since = None
    organization.attached_reason = ""
    organization.save_as(by)
    JournalEntry.write(
        organization,
        "organization.attachment_withdrawn",
        by=by,
        at=at,
        reason=reason.strip(),
    )
    return organization


def _require_notice(acknowledged: bool) -> None:
    if not acknowledged:
        raise ValidationError(
            {
                "notice_acknowledged": _(
                    "Cochez « %(label)s » : lisez l'avis, puis cochez la case pour continuer."
                )
                % {"label": NOTICE_LABEL}
            },
            code="notice_not_acknowledged",
        )


def _board_notice(organization: Organization, *, acknowledged: bool, by: User, at: datetime):
    """The person entering board members acknowledges the notice once per version and
    organization: they inform the members of what is collected about them (art. 65)."""
    if has_acknowledged(by, NoticeContext.BOARD, organization=organization):
        return
    _require_notice(acknowledged)
    acknowledge_notice(by, context=NoticeContext.BOARD, at=at, organization=organization)


@transaction.atomic
def add_board_member(
    organization: Organization,
    *,
    data: Mapping[str, Any],
    by: User,
    at: datetime,
    notice_acknowledged: bool = False,
) -> BoardMember:
    _board_notice(organization, acknowledged=notice_acknowledged, by=by, at=at)
    member = BoardMember(organization=organization, **data)
    member.validate()
    member.save_as(by)
    JournalEntry.write(
        member, "organization.board_member_added", by=by, at=at, data={"name": member.full_name}
    )
    return member


@transaction.atomic
def update_board_member(
    member: BoardMember,
    *,
    data: Mapping[str, Any],
    seen_version: int,
    by: User,
    at: datetime,
    notice_acknowledged: bool = False,
) -> BoardMember:
    _board_notice(member.organization, acknowledged=notice_acknowledged, by=by, at=at)
    changed = _apply(member, data, seen_version)
    member.validate()
    member.save_as(by)
    JournalEntry.write(
        member, "organization.board_member_changed", by=by, at=at, data={"fields": changed}
    )
    return member


@transaction.atomic
def end_board_term(
    member: BoardMember, *, on: date, seen_version: int, by: User, at: datetime
) -> BoardMember:
    """A member leaves the board: the term ends (nothing is deleted)."""
    if member.term_end is not None and member.term_end <= on:
        raise ValidationError(_("Le mandat de ce membre est déjà terminé."), code="already_ended")
    if on < member.term_start:
        on = member.term_start
    _apply(member, {"term_end": on}, seen_version)
    member.validate()
    member.save_as(by)
    JournalEntry.write(
        member, "organization.board_member_left", by=by, at=at, data={"term_end": on.isoformat()}
    )
    return member


@transaction.atomic
def add_grouping_member(
    grouping: Organization, *, data: Mapping[str, Any], by: User, at: datetime
) -> GroupingMember:
    member = GroupingMember(grouping=grouping, **data)
    member.validate()
    member.save_as(by)
    JournalEntry.write(
        member, "organization.grouping_member_added", by=by, at=at, data={"name": member.name}
    )
    return member


@transaction.atomic
def update_grouping_member(
    member: GroupingMember, *, data: Mapping[str, Any], seen_version: int, by: User, at: datetime
) -> GroupingMember:
    changed = _apply(member, data, seen_version)
    member.validate()
    member.save_as(by)
    JournalEntry.write(
        member, "organization.grouping_member_changed", by=by, at=at, data={"fields": changed}
    )
    return member


@transaction.atomic
def end_grouping_membership(
    member: GroupingMember, *, on: date, seen_version: int, by: User, at: datetime
) -> GroupingMember:
    """A member organization leaves the grouping (nothing is deleted)."""
    if member.left_on is not None and member.left_on <= on:
        raise ValidationError(
            _("Cet organisme ne fait déjà plus partie du regroupement."), code="already_left"
        )
    _apply(member, {"left_on": on}, seen_version)
    member.validate()
    member.save_as(by)
    JournalEntry.write(
        member, "organization.grouping_member_left", by=by, at=at, data={"left_on": on.isoformat()}
    )
    return member


@transaction.atomic
def start_selfcheck(organization: Organization, *, by: User, at: datetime) -> EligibilitySelfCheck:
    """A new self-check, pre-filled from the organization's profile."""
    selfcheck = EligibilitySelfCheck(
        organization=organization,
        started_by=by,
        answers=selfcheck_rules.initial_answers(organization, on=clock.localdate_of(at)),
        created_at=at,
    )
    selfcheck.save_as(by)
    return selfcheck


@transaction.atomic
def save_selfcheck_answers(
    selfcheck: EligibilitySelfCheck,
    *,
    step: str,
    answers: Mapping[str, Any],
    seen_version: int,
    by: User,
    at: datetime,
) -> EligibilitySelfCheck:
    """Save one topic's answers; a result computed before is no longer valid."""
    merged = {**selfcheck.answers, **answers}
    merged["_steps"] = sorted({*selfcheck.answers.get("_steps", []), step})
    _apply(
        selfcheck,
        {
            "answers": merged,
            "result": None,
            "facts": None,
            "norms_version": "",
            "completed_at": None,
        },
        seen_version,
    )
    selfcheck.save_as(by)
    return selfcheck


@transaction.atomic
def complete_selfcheck(
    selfcheck: EligibilitySelfCheck, *, by: User, at: datetime
) -> EligibilitySelfCheck:
    """Run `soutien.rules` on the answers and keep the facts, the result and the norms."""
    missing = selfcheck_rules.next_step(selfcheck.answers)
    if missing is not None:
        raise ValidationError(
            _("Répondez d'abord à la section « %(step)s ».") % {"step": missing.title},
            code="incomplete",
        )
    facts = selfcheck_rules.build_dossier(selfcheck, today=clock.localdate_of(at))
    try:
        result = evaluation_to_json(evaluate(parse_dossier(facts)))
    except (DossierError, NoNormsInForce, AmountError) as error:
        raise ValidationError(error.message, code="rules_refused") from None
    selfcheck.facts = facts
    selfcheck.result = result
    selfcheck.norms_version = result["norms"]
    selfcheck.completed_at = at
    selfcheck.save_as(by)
    JournalEntry.write(
        selfcheck,
        "organization.selfcheck_completed",
        by=by,
        at=at,
        data={"eligibility": result["eligibility"], "norms": result["norms"]},
    )
    return selfcheck


@transaction.atomic
def set_supplier_identification(
    organization: Organization,
    *,
    supplier_number: str,
    bank_reference: str,
    reason: str,
    by: User,
    at: datetime,
) -> Organization:
    """How the ministry's financial system knows the organization as a supplier (6.2): set by
    finance staff, with a reason, journaled; payment lines freeze it when approved."""
    require(by, Capability.PAY)
    supplier_number = (supplier_number or "").strip()
    bank_reference = (bank_reference or "").strip()
    reason = (reason or "").strip()
    errors = {}
    if not supplier_number:
        errors["supplier_number"] = _("Inscrivez le numéro de fournisseur de l'organisme.")
    elif not SUPPLIER_NUMBER.fullmatch(supplier_number):
        errors["supplier_number"] = _(
            "Le numéro de fournisseur compte de 1 à 20 lettres majuscules, chiffres ou tirets."
        )
    if not bank_reference:
        errors["bank_reference"] = _(
            "Inscrivez la référence des coordonnées bancaires que le système financier connaît."
        )
    elif not BANK_REFERENCE.fullmatch(bank_reference):
        errors["bank_reference"] = _(
            "La référence des coordonnées bancaires compte de 1 à 40 lettres, chiffres, tirets "
            "ou barres obliques (jamais le numéro de compte lui-même)."
        )
    if not reason:
        errors["reason"] = _("Indiquez le motif de la modification.")
    if errors:
        raise ValidationError(errors, code="supplier_invalid")
    before = {
        "supplier_number": organization.supplier_number,
        "bank_reference": organization.bank_reference,
    }
    organization.supplier_number = supplier_number
    organization.bank_reference = bank_reference
    organization.save_as(by)
    JournalEntry.write(
        organization,
        "organization.supplier_set",
        by=by,
        at=at,
        reason=reason,
        data={
            "from": before,
            "to": {"supplier_number": supplier_number, "bank_reference": bank_reference},
        },
    )
    return organization


SUPPLIER_NUMBER = re.compile(r"[A-Z0-9-]{1,20}")
BANK_REFERENCE = re.compile(r"[A-Za-z0-9/-]{1,40}")
