"""State changes of organizations: keyword-only verbs, one transaction, journaled."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from soutien.accounts.models import Role, User
from soutien.core.models import JournalEntry

from .models import Membership, Organization


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
