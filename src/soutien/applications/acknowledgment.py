"""The acknowledgment of receipt of a submitted application: its contents, its tagged PDF,
and the emails sent to the organization (acknowledgment, requests of the Ministry), recorded
in the action's transaction by `core.mail` and sent by a worker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from soutien.core import clock, mail, pdf
from soutien.core.models import JournalEntry
from soutien.core.urls import absolute

from .models import Application, ApplicationDocument, DocumentKind, InformationRequest

SUBMISSION_ACTIONS = ("application.submitted", "application.resubmitted")


@dataclass(frozen=True, slots=True)
class Acknowledgment:
    application: Application
    received_at: datetime  # the last (re)submission
    first_submitted_at: datetime
    resubmission: bool
    documents: list[ApplicationDocument]


def acknowledgment_of(application: Application) -> Acknowledgment | None:
    """What the acknowledgment states, as of the application's last (re)submission."""
    if application.submitted_at is None or not application.reference:
        return None
    last = (
        JournalEntry.objects.for_subject(application)
        .filter(action__in=SUBMISSION_ACTIONS)
        .order_by("-at", "-id")
        .first()
    )
    received_at = last.at if last else application.submitted_at
    latest: dict[str, ApplicationDocument] = {}
    for document in application.documents.filter(uploaded_at__lte=received_at).order_by(
        "kind", "-number"
    ):
        latest.setdefault(document.kind, document)
    documents = [latest[kind] for kind in sorted(latest, key=_document_order)]
    return Acknowledgment(
        application=application,
        received_at=received_at,
        first_submitted_at=application.submitted_at,
        resubmission=bool(last and last.action == "application.resubmitted"),
        documents=documents,
    )


def _document_order(kind: str) -> int:

    return list(DocumentKind.values).index(kind)


def render_pdf(ack: Acknowledgment) -> bytes:
    """A tagged PDF (PDF/UA-1), in French."""
    return pdf.render_pdf("applications/acknowledgment_pdf.html", {"ack": ack})


def _recipients(application: Application) -> list[str]:
    """The organization's active members and the application's contact person."""
    return [*application.organization.member_emails(), application.contact_email]


def send_acknowledgment(application_pk: int, *, at: datetime) -> None:
    application = Application.objects.select_related("organization").get(pk=application_pk)
    ack = acknowledgment_of(application)
    if ack is None:
        return
    body = render_to_string(
        "applications/email/acknowledgment.txt",
        {
            "ack": ack,
            "url": absolute(reverse("portal:acknowledgment", args=[application.pk])),
            "pdf_url": absolute(reverse("portal:acknowledgment_pdf", args=[application.pk])),
        },
    )
    subject = _("Accusé de réception — demande %(reference)s") % {
        "reference": application.reference
    }
    mail.send_email(to=_recipients(application), subject=subject, body=body)


def send_request_notice(request_pk: int) -> None:
    request = InformationRequest.objects.select_related(
        "application", "application__organization"
    ).get(pk=request_pk)
    body = render_to_string(
        "applications/email/request.txt",
        {
            "request": request,
            "url": absolute(
                reverse("portal:answer_request", args=[request.application_id, request.pk])
            ),
            "now": clock.now(),
        },
    )
    subject = _("%(kind)s — demande %(reference)s") % {
        "kind": request.get_kind_display(),
        "reference": request.application.reference,
    }
    mail.send_email(to=_recipients(request.application), subject=subject, body=body)
