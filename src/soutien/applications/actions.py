"""State changes of applications (STYLE.md §4): keyword-only verbs in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from soutien.accounts.models import User
from soutien.core import clock
from soutien.core.files import new_versions
from soutien.core.models import STALE_MESSAGE, JournalEntry, StaleRecord
from soutien.core.workflow import transition
from soutien.organizations.models import FinancialStatements, Organization
from soutien.organizations.selfcheck import latest_answers
from soutien.rules import FiscalYear
from soutien.rules.text import french_date

from .acknowledgment import send_acknowledgment, send_request_notice
from .models import (
    DECLARATION_TEXT,
    DECLARATION_VERSION,
    Application,
    ApplicationDocument,
    Declaration,
    DocumentKind,
    FundingLine,
    FundingSourceKind,
    InformationRequest,
    Kind,
    RequestKind,
    State,
    Stream,
    SubmissionPeriod,
)
from .sections import SECTIONS_BY_CODE, checklist, editable_sections, missing, section_codes
from .submission_copy import make_copy

MONTREAL = ZoneInfo("America/Montreal")

OPEN_STATES = (State.DRAFT, State.SUBMITTED, State.INCOMPLETE, State.UNDER_EVALUATION)


@dataclass(frozen=True, slots=True)
class Declarant:
    """Who declares, on submitting, that the board resolution authorizes them (5.1)."""

    name: str
    title: str


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
    application.priority = application.compute_priority(on=clock.localdate_of(at))
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


def reference_for(application: Application) -> str:
    """« SAM-2019-V1-00042 »: program, fiscal year, stream, record number."""
    return f"SAM-{application.fiscal_year}-V{application.stream}-{application.pk:05d}"


def deadline_label(moment: datetime) -> str:
    """« 28 février 2019 à 16 h 00 (heure du Québec) »."""
    local = timezone.localtime(moment, MONTREAL)
    return _("%(date)s à %(hour)s h %(minute)02d (heure du Québec)") % {
        "date": french_date(local.date()),
        "hour": local.hour,
        "minute": local.minute,
    }


def _refuse_incomplete(application: Application) -> None:

    lacking = missing(checklist(application))
    if lacking:
        raise ValidationError(
            {
                "submitted_at": _(
                    "La demande est incomplète : il manque %(items)s. Complétez-la avant de la "
                    "déposer."
                )
                % {"items": ", ".join(f"« {item.label} »" for item in lacking)}
            },
            code="incomplete",
        )


@transaction.atomic
def submit_application(
    application: Application,
    *,
    by: User,
    at: datetime,
    require_complete: bool = False,
    declarant: Declarant | None = None,
) -> Application:
    """Submit (or resubmit after a correction) by the date and hour of the instructions (5.1).

    The first submission gives the application its reference number; every submission sends
    the acknowledgment of receipt by email once the transaction is committed. The portal asks
    for a complete file (`require_complete`) and a declaration (`declarant`); staff may record
    a paper file as it came. A submission with a declaration, and a resubmission of an
    application declared before, keeps a PDF copy of the whole application (issue 10).
    """
    if require_complete:
        _refuse_incomplete(application)
    if application.state == State.INCOMPLETE:
        transition(
            application,
            "resubmit",
            by=by,
            at=at,
            changes={"reference": application.reference or reference_for(application)},
        )
        _keep_copy(application, declarant=declarant, by=by, at=at)
        _acknowledge(application, at=at)
        return application
    if at > application.deadline_at:
        raise ValidationError(
            {
                "submitted_at": _(
                    "La date et l'heure limites de dépôt (%(deadline)s) sont passées : la "
                    "demande ne peut plus être déposée (5.1)."
                )
                % {"deadline": deadline_label(application.deadline_at)}
            },
            code="deadline_passed",
        )
    transition(
        application,
        "submit",
        by=by,
        at=at,
        changes={"submitted_at": at, "reference": reference_for(application)},
        data={"missing_documents": missing_documents(application)},
    )
    _keep_copy(application, declarant=declarant, by=by, at=at)
    _acknowledge(application, at=at)
    return application


def _declare(application: Application, declarant: Declarant, *, by: User, at: datetime):
    errors = {}
    if not declarant.name.strip():
        errors["declarant_name"] = _("Indiquez le nom de la personne qui fait la déclaration.")
    if not declarant.title.strip():
        errors["declarant_title"] = _("Indiquez la fonction de la personne qui déclare.")
    if errors:
        raise ValidationError(errors, code="declaration_incomplete")
    declaration = Declaration(
        application=application,
        declarant_name=declarant.name.strip(),
        declarant_title=declarant.title.strip(),
        declared_by=by,
        declared_at=at,
        text=str(DECLARATION_TEXT),
        text_version=DECLARATION_VERSION,
    )
    declaration.validate()
    declaration.save_as(by)
    JournalEntry.write(
        application,
        "application.declared",
        by=by,
        at=at,
        data={
            "declaration": declaration.pk,
            "name": declaration.declarant_name,
            "title": declaration.declarant_title,
            "text_version": declaration.text_version,
        },
    )
    return declaration


def _keep_copy(
    application: Application, *, declarant: Declarant | None, by: User, at: datetime
) -> None:
    """Record the declaration if one is made, and keep the copy of what is submitted.

    A resubmission after a correction carries the last declaration; a paper file recorded by
    staff, never declared in the portal, has no copy.
    """
    if declarant is not None:
        declaration = _declare(application, declarant, by=by, at=at)
    else:
        declaration = application.declarations.order_by("-declared_at", "-id").first()
        if declaration is None:
            return
    copy = make_copy(application, declaration=declaration, by=by, at=at)
    JournalEntry.write(
        application,
        "application.copy_kept",
        by=by,
        at=at,
        data={"copy": copy.pk, "number": copy.number, "sha256": copy.sha256},
    )


def _acknowledge(application: Application, *, at: datetime) -> None:
    send_acknowledgment(application.pk, at=at)  # recorded here, sent after the commit


@transaction.atomic
def request_correction(
    application: Application,
    *,
    by: User,
    at: datetime,
    reason: str,
    kind: str = RequestKind.CORRECTION,
    due_at: datetime | None = None,
    sections: list[str] | tuple[str, ...] = (),
    documents: list[str] | tuple[str, ...] = (),
) -> Application:
    """The file is incomplete or unclear (correction: it goes back to the organization), or
    the advisor needs more information during the evaluation (information: the file stays
    where it is); either way the organization answers by `due_at` (5.1)."""

    reason, due_at, errors = InformationRequest.terms(reason, at=at, due_at=due_at)
    unknown = [s for s in sections if s not in section_codes()] + [
        d for d in documents if d not in DocumentKind.values
    ]
    if unknown:
        errors["sections"] = _("Section ou document inconnu : %(codes)s.") % {
            "codes": ", ".join(unknown)
        }
    if errors:
        raise ValidationError(errors, code="invalid_request")
    request = InformationRequest(
        application=application,
        kind=kind,
        message=reason,
        sections=list(sections),
        documents=list(documents),
        requested_at=at,
        requested_by=by,
        due_at=due_at,
    )
    request.validate()
    request.save_as(by)
    data = {"request": request.pk, "due_at": due_at.isoformat(), "sections": list(sections)}
    data["documents"] = list(documents)
    if kind == RequestKind.CORRECTION:
        transition(application, "request_correction", by=by, at=at, reason=reason, data=data)
    else:
        if application.state not in OPEN_STATES or application.state == State.DRAFT:
            raise ValidationError(
                _("On ne demande des renseignements que sur une demande déposée."),
                code="not_submitted",
            )
        JournalEntry.write(
            application,
            "application.information_requested",
            by=by,
            at=at,
            reason=reason,
            data=data,
        )
    send_request_notice(request.pk)  # recorded here, sent after the commit
    return application


@transaction.atomic
def answer_request(
    request: InformationRequest, *, by: User, at: datetime, answer: str = ""
) -> InformationRequest:
    """The organization has made its corrections or given the information asked for.

    A correction answered when no other correction is pending resubmits the application
    (complete, as on the first submission). An answer after `due_at` is kept and shown as late.
    """
    if request.answered_at is not None:
        raise ValidationError(
            _("Vous avez déjà répondu à cette demande du Ministère."), code="already_answered"
        )
    application = request.application
    request.answered_at = at
    request.answered_by = by
    request.answer = (answer or "").strip()
    request.save_as(by)
    late = at > request.due_at
    JournalEntry.write(
        application,
        "application.request_answered",
        by=by,
        at=at,
        reason=request.answer,
        data={"request": request.pk, "kind": request.kind, "late": late},
    )
    others = application.information_requests.open().filter(kind=RequestKind.CORRECTION)
    if (
        request.kind == RequestKind.CORRECTION
        and application.state == State.INCOMPLETE
        and not others.exists()
    ):
        submit_application(application, by=by, at=at, require_complete=True)
    return request


@transaction.atomic
def start_application(
    organization: Organization,
    *,
    period: SubmissionPeriod,
    stream: int,
    by: User,
    at: datetime,
) -> Application:
    """An organization starts its application while the submission period is open (5.1)."""
    if not period.opens_at <= at <= period.deadline_at:
        raise ValidationError(
            {
                "period": _("La période de dépôt de l'exercice %(fiscal_year)s n'est pas ouverte.")
                % {"fiscal_year": period.fiscal_year_label}
            },
            code="period_closed",
        )
    if Application.objects.filter(
        organization=organization, fiscal_year=period.fiscal_year, stream=stream
    ).exists():
        raise ValidationError(
            {
                "period": _(
                    "Cet organisme a déjà une demande pour cet exercice financier et ce volet."
                )
            },
            code="duplicate",
        )
    application = create_application(
        organization,
        fiscal_year=FiscalYear(period.fiscal_year),
        stream=stream,
        deadline_at=period.deadline_at,
        by=by,
        at=at,
    )
    application.contact_name = by.full_name
    application.contact_email = by.email
    _prefill_from_profile(application, organization)
    application.save_as(by)
    return application


def _prefill_from_profile(application: Application, organization: Organization) -> None:
    """What the organization already said (profile, eligibility self-check) starts the draft."""

    application.mission = organization.mission
    application.services = organization.services
    answers = latest_answers(organization)
    if answers.get("refugee_reception") and answers.get("refugees_received_per_year") is not None:
        application.refugees_received_last_year = answers["refugees_received_per_year"]
    elif organization.refugee_reception:
        application.refugees_received_last_year = organization.refugees_received_per_year


def _lock(application: Application) -> None:
    """Serialize the saves of one application (an autosave may race the save button).

    A section save writes only its own fields (update_fields) over the current row, so the
    version read under the lock is the one to check against: the person's latest input for
    those fields wins, and nothing else of the row is overwritten.
    """
    application.version = (
        Application.objects.select_for_update()
        .values_list("version", flat=True)
        .get(pk=application.pk)
    )


def _check_seen(application: Application, seen_version: int | None) -> None:
    """Refuse a save made from a page read before someone else's save (a lost update).

    `seen_version` is the version the page was read at (None: a caller that read the row in
    this transaction)."""
    if seen_version is not None and seen_version != application.version:
        raise StaleRecord(STALE_MESSAGE, code="stale")


def _save_fields(application: Application, values: dict, *, by: User) -> None:
    for field, value in values.items():
        setattr(application, field, value)
    application.validate()
    fields = [Application._meta.get_field(name).name for name in values]
    application.save_as(by, update_fields=fields)


def check_editable(application: Application, section: str) -> None:

    if section not in editable_sections(application, application.information_requests.open()):
        raise ValidationError(
            _(
                "Cette section ne peut plus être modifiée : la demande est %(state)s et aucune "
                "demande du Ministère ne la vise."
            )
            % {"state": application.get_state_display().lower()},
            code="not_editable",
        )


@transaction.atomic
def save_section(
    application: Application,
    *,
    section: str,
    values: dict,
    by: User,
    at: datetime,
    autosave: bool = False,
    seen_version: int | None = None,
) -> Application:
    """Save a section's answers as they are (a draft may be incomplete).

    An explicit save is journaled; an autosave is kept in the history only.
    """

    _lock(application)
    _check_seen(application, seen_version)
    check_editable(application, section)
    allowed = set(SECTIONS_BY_CODE[section].fields)
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"fields outside section {section}: {sorted(unknown)}")
    _save_fields(application, values, by=by)
    if not autosave:
        JournalEntry.write(
            application, "application.section_saved", by=by, at=at, data={"section": section}
        )
    return application


@transaction.atomic
def save_finances(
    application: Application,
    *,
    estimated_operating_costs: Decimal,
    lines: dict[str, tuple[Decimal, str]],
    statements: dict | None,
    by: User,
    at: datetime,
    autosave: bool = False,
    seen_version: int | None = None,
) -> Application:
    """The finances section: costs, other public funding by source (6.1.4), the figures of the
    last completed financial statements (6.1.3). Totals on the application follow the lines."""
    _lock(application)
    _check_seen(application, seen_version)
    check_editable(application, "finances")
    existing = {line.source: line for line in application.funding_lines.all()}
    for source, (amount, details) in lines.items():
        if source not in FundingSourceKind.values:
            raise ValueError(f"unknown funding source {source}")
        line = existing.get(source) or FundingLine(application=application, source=source)
        if line.pk and line.amount == amount and line.details == details:
            continue
        line.amount, line.details = amount, details
        line.validate()
        line.save_as(by)
        existing[source] = line
    total = sum((line.amount for line in existing.values()), Decimal("0"))
    quebec = existing.get(FundingSourceKind.QUEBEC)
    values = {
        "estimated_operating_costs": estimated_operating_costs,
        "other_public_funding": total,
        "quebec_government_funding_other": quebec.amount if quebec else Decimal("0"),
    }
    if statements:
        current = application.last_statements
        found = current if current and current.period_end == statements["period_end"] else None
        found = (
            found
            or FinancialStatements.objects.filter(
                organization=application.organization, period_end=statements["period_end"]
            ).first()
        )
        found = found or FinancialStatements(organization=application.organization)
        changed = False
        for field, value in statements.items():
            if getattr(found, field, None) != value:
                setattr(found, field, value)
                changed = True
        if changed or found.pk is None:
            found.validate()
            found.save_as(by)
        values["last_statements"] = found
    _save_fields(application, values, by=by)
    if not autosave:
        JournalEntry.write(
            application, "application.section_saved", by=by, at=at, data={"section": "finances"}
        )
    return application


def latest_documents(application: Application) -> dict[str, ApplicationDocument]:
    """The latest version of each document of the application, by kind."""
    latest: dict[str, ApplicationDocument] = {}
    for document in application.documents.order_by("kind", "-number"):
        latest.setdefault(document.kind, document)
    return latest


@transaction.atomic
def reuse_documents(
    application: Application, *, kinds: list[str], by: User, at: datetime
) -> list[ApplicationDocument]:
    """Renewal (5.6): documents already given that have not changed are not sent again; the
    application gets a version that points to the previous one (same file, same SHA-256)."""

    if application.renews_id is None:
        raise ValidationError(
            _("Seul un formulaire de reconduction reprend les documents de l'année précédente."),
            code="not_a_renewal",
        )
    check_editable(application, "documents")
    previous = latest_documents(application.renews)
    current = latest_documents(application)
    missing = [kind for kind in kinds if kind not in previous]
    if missing:
        raise ValidationError(
            {
                "documents": _("La demande précédente ne contient pas ce document : %(kinds)s.")
                % {"kinds": ", ".join(str(DocumentKind(k).label) for k in missing)}
            },
            code="nothing_to_reuse",
        )
    created = []
    for kind in kinds:
        source = previous[kind]
        document = ApplicationDocument(
            application=application,
            kind=kind,
            number=current[kind].number + 1 if kind in current else 1,
            file=source.file.name,
            original_name=source.original_name,
            mime_type=source.mime_type,
            size=source.size,
            sha256=source.sha256,
            uploaded_at=at,
            uploaded_by=by,
            reused_from=source,
        )
        document.compute_retention()
        created.append(document)
    documents = bulk_create_with_history(
        created, ApplicationDocument, default_user=by, default_date=at
    )
    JournalEntry.write(
        application,
        "application.documents_reused",
        by=by,
        at=at,
        data={"documents": [{"document": d.kind, "sha256": d.sha256} for d in created]},
    )
    return documents


@transaction.atomic
def start_renewal(year, *, by: User, at: datetime) -> Application:
    """The renewal form for year 2 or 3 of an agreement (5.6), pre-filled from the year before.

    `year` is an agreements.AgreementYear; its deadline is the submission period's.
    """
    agreement = year.agreement
    organization = agreement.organization
    if year.year_number < 2:
        raise ValidationError(
            _("La première année d'une convention ne se reconduit pas."), code="first_year"
        )
    period = SubmissionPeriod.objects.filter(
        fiscal_year=year.fiscal_year, stream=agreement.stream
    ).first()
    if period is None or at > period.deadline_at:
        raise ValidationError(
            {
                "period": _(
                    "Aucune période de dépôt n'est ouverte pour l'exercice %(fiscal_year)s."
                )
                % {"fiscal_year": FiscalYear(year.fiscal_year).label}
            },
            code="period_closed",
        )
    previous = (
        Application.objects.filter(
            organization=organization,
            stream=agreement.stream,
            fiscal_year__lt=year.fiscal_year,
            state=State.ACCEPTED,
        )
        .order_by("-fiscal_year")
        .first()
        or Application.objects.filter(pk=agreement.application_id).first()
    )
    application = create_application(
        organization,
        fiscal_year=FiscalYear(year.fiscal_year),
        stream=agreement.stream,
        kind=Kind.RENEWAL,
        deadline_at=period.deadline_at,
        by=by,
        at=at,
    )
    for field in (
        "contact_name", "contact_title", "contact_email", "contact_phone", "mission",
        "services", "territory_served", "annual_general_meeting_held",
        "refugees_received_last_year", "refugees_expected", "estimated_operating_costs",
        "other_public_funding", "quebec_government_funding_other", "last_statements_id",
        "territory_attached_organizations", "territory_immigrant_population",
    ):  # fmt: skip
        setattr(application, field, getattr(previous, field))
    application.renews = previous
    application.save_as(by)
    for line in previous.funding_lines.all():
        FundingLine(
            application=application, source=line.source, amount=line.amount, details=line.details
        ).save_as(by)
    JournalEntry.write(
        application,
        "application.renewal_started",
        by=by,
        at=at,
        data={"agreement": agreement.reference, "year": year.year_number, "renews": previous.pk},
    )
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
