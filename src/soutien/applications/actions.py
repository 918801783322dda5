"""State changes of applications (STYLE.md §4): keyword-only verbs in one transaction."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from soutien.accounts.models import User
from soutien.core.files import new_versions
from soutien.core.models import JournalEntry
from soutien.core.workflow import transition
from soutien.organizations.models import FinancialStatements, Organization
from soutien.rules import FiscalYear

from .models import Application, ApplicationDocument, DocumentKind, Kind, State, Stream

OPEN_STATES = (State.DRAFT, State.SUBMITTED, State.INCOMPLETE, State.UNDER_EVALUATION)


@transaction.atomic
def create_application(
    organization: Organization,
    *,
    fiscal_year: FiscalYear,
    stream: int,
    deadline_at: datetime,
    by: User | None,
    at: datetime,
    kind: str = Kind.INITIAL,
    last_statements: FinancialStatements | None = None,
    estimated_operating_costs: Decimal = Decimal("0"),
    other_public_funding: Decimal = Decimal("0"),
    quebec_government_funding_other: Decimal = Decimal("0"),
) -> Application:
    application = Application(
        organization=organization,
        fiscal_year=fiscal_year.start_year,
        stream=stream,
        kind=kind,
        deadline_at=deadline_at,
        last_statements=last_statements,
        estimated_operating_costs=estimated_operating_costs,
        other_public_funding=other_public_funding,
        quebec_government_funding_other=quebec_government_funding_other,
    )
    if stream == Stream.NATIONAL_GROUPING and not organization.is_national_grouping:
        raise ValidationError(
            {"stream": _("Seul un regroupement national peut présenter une demande au volet 2.")},
            code="not_a_grouping",
        )
    application.priority = application.compute_priority()
    application.validate()
    application.save_as(by)
    JournalEntry.write(
        application,
        "application.created",
        by=by,
        at=at,
        to_state=application.state,
        data={"fiscal_year": fiscal_year.label, "stream": stream},
    )
    return application


def missing_documents(application: Application) -> list[str]:
    """The codes of the documents of clause 5.1 with no version yet."""
    present = set(application.documents.values_list("kind", flat=True))
    return [kind for kind in DocumentKind.values if kind not in present]


@transaction.atomic
def submit_application(application: Application, *, by: User, at: datetime) -> Application:
    """Submit (or resubmit after a correction) by the date and hour of the instructions (5.1)."""
    if application.state == State.INCOMPLETE:
        transition(application, "resubmit", by=by, at=at)
        return application
    if at > application.deadline_at:
        raise ValidationError(
            {
                "submitted_at": _(
                    "La date et l'heure limites de dépôt (%(deadline)s) sont passées : la "
                    "demande ne peut plus être déposée (5.1)."
                )
                % {"deadline": application.deadline_at.isoformat(timespec="minutes")}
            },
            code="deadline_passed",
        )
    transition(
        application,
        "submit",
        by=by,
        at=at,
        changes={"submitted_at": at},
        data={"missing_documents": missing_documents(application)},
    )
    return application


@transaction.atomic
def request_correction(
    application: Application, *, by: User, at: datetime, reason: str
) -> Application:
    """The file is incomplete or unclear: the organization corrects it in the time given (5.1)."""
    transition(application, "request_correction", by=by, at=at, reason=reason)
    return application


@transaction.atomic
def withdraw_application(
    application: Application, *, by: User, at: datetime, reason: str = ""
) -> Application:
    transition(application, "withdraw", by=by, at=at, reason=reason)
    return application


@transaction.atomic
def upload_document(
    application: Application, *, kind: str, upload: File, by: User, at: datetime
) -> ApplicationDocument:
    """A new version of one of the nine documents; earlier versions are kept."""
    return upload_documents(application, uploads=[(kind, upload)], by=by, at=at)[0]


@transaction.atomic
def upload_documents(
    application: Application,
    *,
    uploads: list[tuple[str, File]],
    by: User,
    at: datetime,
) -> list[ApplicationDocument]:
    """New versions of documents of clause 5.1, all checked before any is kept."""
    for kind, _upload in uploads:
        if kind not in DocumentKind.values:
            raise ValidationError({"kind": _("Type de document inconnu.")}, code="unknown_kind")
    if application.state not in OPEN_STATES:
        raise ValidationError(
            _("On ne dépose plus de documents dans une demande %(state)s.")
            % {"state": application.get_state_display().lower()},
            code="closed",
        )
    documents = new_versions(
        ApplicationDocument,
        owner_field="application",
        owner=application,
        uploads=uploads,
        by=by,
        at=at,
    )
    JournalEntry.write(
        application,
        "application.documents_uploaded",
        by=by,
        at=at,
        data={
            "documents": [
                {
                    "document": d.kind,
                    "version": d.number,
                    "sha256": d.sha256,
                    "name": d.original_name,
                }
                for d in documents
            ]
        },
    )
    return documents
