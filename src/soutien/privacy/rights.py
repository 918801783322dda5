"""A person's requests about their own information: recorded and answered by the program's
management, keyword-only verbs, one transaction, journaled.

Access (Loi sur l'accès, art. 83) or correction (art. 89); the answer is due within
`PRIVACY_REQUEST_DAYS` of its receipt (art. 98) and a refusal gives its reasons (art. 100).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from soutien.accounts.access import Capability, require
from soutien.accounts.models import User
from soutien.core import clock
from soutien.core.models import JournalEntry

from .models import PersonalInformationRequest, RequestKind, RequestState

REQUEST_FIELDS = (
    "person_email",
    "requester",
    "organization",
    "kind",
    "received_on",
    "due_on",
    "details",
)
ALREADY_ANSWERED = _("Cette demande a déjà reçu sa réponse : elle ne se répond pas deux fois.")


def due_on(received_on: date) -> date:
    """The last day to answer (art. 98)."""
    return received_on + timedelta(days=settings.PRIVACY_REQUEST_DAYS)


@transaction.atomic
def record_request(*, by: User, at: datetime, **fields) -> PersonalInformationRequest:
    """A request received, with the person's account (by its email) or the requester's name."""
    require(by, Capability.PRIVACY)
    unknown = set(fields) - set(REQUEST_FIELDS)
    if unknown:
        raise ValueError(f"unknown request fields: {sorted(unknown)}")
    errors = {}
    email = (fields.get("person_email") or "").strip()
    requester = " ".join((fields.get("requester") or "").split())
    person = User.objects.filter(email__iexact=email).first() if email else None
    if email and person is None:
        errors["person_email"] = _("Aucun compte n'a cette adresse courriel.")
    elif person is None and not requester:
        errors["requester"] = _(
            "Indiquez l'adresse courriel du compte de la personne ou, sans compte, son nom."
        )
    kind = fields.get("kind") or ""
    if kind not in RequestKind.values:
        errors["kind"] = _("Choisissez la nature de la demande : accès ou rectification.")
    received_on = fields.get("received_on")
    if received_on is None:
        errors["received_on"] = _("Indiquez la date de réception de la demande.")
    elif received_on > clock.localdate_of(at):
        errors["received_on"] = _("La date de réception ne peut pas être dans l'avenir.")
    deadline = fields.get("due_on")
    if deadline and received_on and deadline < received_on:
        errors["due_on"] = _("L'échéance ne peut pas précéder la réception.")
    details = (fields.get("details") or "").strip()
    if not details:
        errors["details"] = _("Décrivez l'objet de la demande.")
    if errors:
        raise ValidationError(errors, code="request")
    request = PersonalInformationRequest(
        person=person,
        organization=fields.get("organization"),
        requester=requester or person.full_name or person.email,
        kind=kind,
        received_on=received_on,
        due_on=deadline or due_on(received_on),
        details=details,
        recorded_by=by,
    )
    request.validate()
    request.save_as(by)
    JournalEntry.write(
        request,
        "privacy.request_recorded",
        by=by,
        at=at,
        data={
            "kind": kind,
            "due_on": request.due_on.isoformat(),
            "person": getattr(person, "pk", None),
        },
    )
    return request


@transaction.atomic
def answer_request(
    request: PersonalInformationRequest, *, by: User, at: datetime, outcome: str, answer: str
) -> PersonalInformationRequest:
    """The answer given to the person, once: granted (for a correction, what was corrected)
    or refused with its reasons."""
    require(by, Capability.PRIVACY)
    request = PersonalInformationRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != RequestState.OPEN:
        raise ValidationError(ALREADY_ANSWERED, code="answered")
    answer = (answer or "").strip()
    errors = {}
    if outcome not in (RequestState.ANSWERED, RequestState.REFUSED):
        errors["outcome"] = _("Choisissez l'issue : la demande est acceptée ou refusée.")
    elif not answer and outcome == RequestState.REFUSED:
        errors["answer"] = _(
            "Un refus est motivé : écrivez ses motifs et la disposition de la loi qui le "
            "fonde (art. 100)."
        )
    elif not answer and request.kind == RequestKind.CORRECTION:
        errors["answer"] = _("Indiquez ce qui a été rectifié.")
    elif not answer:
        errors["answer"] = _("Écrivez la réponse donnée à la personne.")
    if errors:
        raise ValidationError(errors, code="answer")
    before = request.state
    request.state = outcome
    request.answer = answer
    request.answered_on = clock.localdate_of(at)
    request.answered_by = by
    request.validate()
    request.save_as(by)
    JournalEntry.write(
        request,
        f"privacy.request_{outcome}",
        by=by,
        at=at,
        from_state=before,
        to_state=outcome,
        reason=answer if outcome == RequestState.REFUSED else "",
        data={"kind": request.kind, "late": request.answered_on > request.due_on},
    )
    return request


@transaction.atomic
def record_download(person: User, *, by: User, at: datetime, fmt: str, request=None) -> None:
    """Journal a copy of the person's data taken by themselves, or by staff answering their
    access request (`request`): the person sees it in their own copy (art. 83)."""
    if by.pk != person.pk:
        require(by, Capability.PRIVACY)
    data = {"format": fmt}
    if request is not None:
        data["request"] = request.pk
    JournalEntry.write(person, "privacy.data_downloaded", by=by, at=at, data=data)
